"""What every container reader shares: the kinds of recording, what a reader learns, and
the refusals it may raise (no other exception leaves a reader, whatever the bytes)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from hireloop.errors import DomainError


class AudioKind(StrEnum):
    webm = "webm"
    ogg = "ogg"
    wav = "wav"
    mp3 = "mp3"
    m4a = "m4a"
    flac = "flac"

    @property
    def extension(self) -> str:
        return self.value

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]


_CONTENT_TYPES = {
    AudioKind.webm: "audio/webm",
    AudioKind.ogg: "audio/ogg",
    AudioKind.wav: "audio/wav",
    AudioKind.mp3: "audio/mpeg",
    AudioKind.m4a: "audio/mp4",
    AudioKind.flac: "audio/flac",
}

TRY_AGAIN = "Record your answer again, or type it instead."


class AudioRejected(DomainError):
    """A recording that cannot be transcribed; the message says why and what to do."""

    status_code = 422
    code = "audio_rejected"


class UnsupportedAudio(AudioRejected):
    status_code = 415
    code = "audio_unsupported"


class AudioTooLarge(AudioRejected):
    status_code = 413
    code = "audio_too_long"


@dataclass(frozen=True)
class AudioInfo:
    kind: AudioKind
    duration_seconds: float | None  # None when the file does not say
    silent: bool = False  # only known for uncompressed audio


def cut_off() -> AudioRejected:
    return AudioRejected(
        f"The recording is cut off (incomplete file). {TRY_AGAIN}", code="audio_truncated"
    )


def damaged(kind: AudioKind) -> UnsupportedAudio:
    """A file whose structure contradicts itself (sizes that cannot be, a rate of zero)."""
    return UnsupportedAudio(
        f"This {kind.value.upper()} file is damaged: it is not a recording we can read. "
        + TRY_AGAIN
    )


def seconds(ticks: float, per_second: float) -> float | None:
    """``ticks / per_second`` when both make sense, else None (the file does not say)."""
    if not per_second > 0 or not ticks >= 0:  # also NaN
        return None
    try:
        return ticks / per_second
    except OverflowError:  # an integer too large for a float: as long as can be
        return math.inf


def longest(*durations: float | None) -> float | None:
    """The longest of what a file says in its several places; a file that understates its
    length in one place is still measured by the others."""
    known = [d for d in durations if d is not None and not math.isnan(d) and d >= 0]
    return max(known) if known else None
