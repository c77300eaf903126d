"""What a recorded answer is, told from its bytes (never from the name or content type
the client sent), and the checks it must pass before a speech server hears it.

Containers are recognised by their magic bytes, and each is read far enough to refuse a
cut-off or damaged file and to learn the duration, in pure Python and in work bounded by
the bytes present (one module per container). A file may lie about its length in ways
only decoding would show; the size limit bounds what any upload can cost.
"""

from __future__ import annotations

from collections.abc import Callable

from hireloop.errors import InvalidInput
from hireloop.voice.audio.base import (
    TRY_AGAIN,
    AudioInfo,
    AudioKind,
    AudioRejected,
    AudioTooLarge,
    UnsupportedAudio,
)
from hireloop.voice.audio.flac import read_flac
from hireloop.voice.audio.mp3 import read_mp3
from hireloop.voice.audio.mp4 import read_m4a
from hireloop.voice.audio.ogg import read_ogg
from hireloop.voice.audio.wav import read_wav
from hireloop.voice.audio.webm import read_webm

__all__ = [
    "TRY_AGAIN",
    "AudioInfo",
    "AudioKind",
    "AudioRejected",
    "AudioTooLarge",
    "UnsupportedAudio",
    "inspect_audio",
    "sniff",
]


# Content types a browser or client may declare, and the kind each one promises.
_DECLARED = {
    "audio/webm": AudioKind.webm,
    "video/webm": AudioKind.webm,
    "audio/ogg": AudioKind.ogg,
    "audio/opus": AudioKind.ogg,
    "application/ogg": AudioKind.ogg,
    "audio/wav": AudioKind.wav,
    "audio/wave": AudioKind.wav,
    "audio/x-wav": AudioKind.wav,
    "audio/mpeg": AudioKind.mp3,
    "audio/mp3": AudioKind.mp3,
    "audio/mp4": AudioKind.m4a,
    "audio/x-m4a": AudioKind.m4a,
    "audio/aac": AudioKind.m4a,
    "video/mp4": AudioKind.m4a,
    "audio/flac": AudioKind.flac,
    "audio/x-flac": AudioKind.flac,
}
_UNDECLARED = {"", "application/octet-stream"}
SHORTEST_SECONDS = 0.3


def inspect_audio(
    data: bytes, declared: str | None, *, max_bytes: int, max_seconds: float
) -> AudioInfo:
    """The recording's kind and duration, or a refusal in plain words."""
    if not data:
        raise InvalidInput(f"The recording is empty. {TRY_AGAIN}", code="audio_empty")
    if len(data) > max_bytes:
        raise AudioTooLarge(
            f"The recording is larger than {max_bytes // 1024} KB. "
            "Give a shorter answer, or type it instead."
        )
    kind = sniff(data)
    declared_type = (declared or "").split(";")[0].strip().lower()
    if kind is None:
        raise UnsupportedAudio(
            "This is not a recording we can read (WebM, Ogg, WAV, MP3, M4A or FLAC audio). "
            + TRY_AGAIN
        )
    promised = _DECLARED.get(declared_type)
    if declared_type not in _UNDECLARED and promised is None:
        raise UnsupportedAudio(f"Files of type {declared_type[:60]!r} are not audio we accept.")
    if promised is not None and promised is not kind:
        raise UnsupportedAudio(
            f"The file says it is {promised.value.upper()} audio but it is not. " + TRY_AGAIN
        )
    info = _READERS[kind](data)
    if info.duration_seconds is not None:
        if info.duration_seconds > max_seconds:
            raise AudioTooLarge(
                f"The recording is longer than {max_seconds:g} seconds. "
                "Give a shorter answer, or type it instead."
            )
        if info.duration_seconds < SHORTEST_SECONDS:
            raise InvalidInput(
                f"The recording is too short to hold an answer. {TRY_AGAIN}", code="audio_empty"
            )
    if info.silent:
        raise AudioRejected(
            "The recording is silent: check that the right microphone is selected and not "
            "muted. " + TRY_AGAIN,
            code="audio_silent",
        )
    return info


def sniff(data: bytes) -> AudioKind | None:
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return AudioKind.webm
    if data.startswith(b"OggS"):
        return AudioKind.ogg
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return AudioKind.wav
    if data.startswith(b"fLaC"):
        return AudioKind.flac
    if data[4:8] == b"ftyp":
        return AudioKind.m4a
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return AudioKind.mp3
    return None


_READERS: dict[AudioKind, Callable[[bytes], AudioInfo]] = {
    AudioKind.wav: read_wav,
    AudioKind.webm: read_webm,
    AudioKind.ogg: read_ogg,
    AudioKind.mp3: read_mp3,
    AudioKind.m4a: read_m4a,
    AudioKind.flac: read_flac,
}
