"""What a recorded answer is, told from its bytes (never from the name or content type
the client sent), and the checks it must pass before a speech server hears it.

Containers are recognised by their magic bytes; WebM/Matroska and WAV headers are read
far enough to refuse a cut-off file, and to learn the duration where the container says
it cheaply (WAV: from the bytes actually present, never the size its header claims; Ogg:
the last page's position; WebM: its Duration element when the writer set one).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from hireloop.errors import DomainError, InvalidInput


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
# Below this peak level (of full scale) a PCM recording is taken as silence.
SILENCE_PEAK = 0.01
SHORTEST_SECONDS = 0.3

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
    duration_seconds: float | None  # None when the container does not say cheaply
    silent: bool = False  # only known for uncompressed audio


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


def _cut_off() -> AudioRejected:
    return AudioRejected(
        f"The recording is cut off (incomplete file). {TRY_AGAIN}", code="audio_truncated"
    )


# --- WAV -------------------------------------------------------------------------------


def _read_wav(data: bytes) -> AudioInfo:
    offset, fmt, pcm = 12, None, None
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body = data[offset + 8 : offset + 8 + size]
        if chunk_id == b"fmt " and len(body) >= 16:
            fmt = struct.unpack_from("<HHIIHH", body)
        elif chunk_id == b"data":
            pcm = body  # at most the bytes present, whatever size the header claims
            break
        offset += 8 + size + (size & 1)
    if fmt is None or pcm is None:
        raise _cut_off()
    audio_format, channels, rate, byte_rate, _align, bits = fmt
    if not (channels and rate and byte_rate):
        raise _cut_off()
    duration = len(pcm) / byte_rate
    silent = audio_format == 1 and bits == 16 and _peak16(pcm) < SILENCE_PEAK
    return AudioInfo(AudioKind.wav, duration, silent)


def _peak16(pcm: bytes) -> float:
    count = len(pcm) // 2
    if count == 0:
        return 0.0
    samples = struct.unpack_from(f"<{count}h", pcm)
    peak: int = max(abs(min(samples)), max(samples))
    return peak / 32768


# --- WebM / Matroska (EBML) -----------------------------------------------------------

_EBML, _DOCTYPE, _SEGMENT, _INFO, _DURATION, _SCALE = (
    0x1A45DFA3,
    0x4282,
    0x18538067,
    0x1549A966,
    0x4489,
    0x2AD7B1,
)
_UNKNOWN = -1
_TRACKS_ID, _CLUSTER_ID = b"\x16\x54\xae\x6b", b"\x1f\x43\xb6\x75"


def _vint(data: bytes, offset: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``offset``: (value, length)."""
    if offset >= len(data):
        raise _cut_off()
    first = data[offset]
    length = 9 - first.bit_length() if first else 9
    if length > 8 or offset + length > len(data):
        raise _cut_off()
    value = first if keep_marker else first & (0xFF >> length)
    all_ones = value == (0xFF >> length)
    for byte in data[offset + 1 : offset + length]:
        value = (value << 8) | byte
        all_ones = all_ones and byte == 0xFF
    if not keep_marker and all_ones:
        return _UNKNOWN, length
    return value, length


def _element(data: bytes, offset: int) -> tuple[int, int, int]:
    """(id, start of body, body size or _UNKNOWN) of the element at ``offset``."""
    element_id, id_length = _vint(data, offset, keep_marker=True)
    size, size_length = _vint(data, offset + id_length, keep_marker=False)
    return element_id, offset + id_length + size_length, size


def _read_webm(data: bytes) -> AudioInfo:
    _, body, size = _element(data, 0)
    if size == _UNKNOWN or body + size > len(data):
        raise _cut_off()
    doctype = b""
    offset = body
    while offset < body + size:
        child, child_body, child_size = _element(data, offset)
        if child_size == _UNKNOWN:
            raise _cut_off()
        if child == _DOCTYPE:
            doctype = data[child_body : child_body + child_size]
        offset = child_body + child_size
    if doctype not in (b"webm", b"matroska"):
        raise UnsupportedAudio("This WebM file is not audio we can read. " + TRY_AGAIN)
    segment, segment_body, _ = _element(data, body + size)
    if segment != _SEGMENT or segment_body >= len(data):
        raise _cut_off()
    # A recording has its track list and at least one cluster of audio after it; a file
    # cut off after its headers has neither.
    tracks = data.find(_TRACKS_ID, segment_body)
    if tracks < 0 or data.find(_CLUSTER_ID, tracks) < 0:
        raise _cut_off()
    return AudioInfo(AudioKind.webm, _webm_duration(data, segment_body))


def _webm_duration(data: bytes, offset: int) -> float | None:
    """The Segment Info's Duration when the writer set one (MediaRecorder does not)."""
    scale, duration = 1_000_000, None
    for _ in range(64):  # the Info element comes among the first few children
        if offset >= len(data):
            return None
        child, body, size = _element(data, offset)
        if child == _INFO and size != _UNKNOWN:
            inner = body
            while inner < min(body + size, len(data)):
                field, field_body, field_size = _element(data, inner)
                value = data[field_body : field_body + field_size]
                if field == _SCALE and 0 < field_size <= 8:
                    scale = int.from_bytes(value, "big")
                elif field == _DURATION and field_size in (4, 8) and len(value) == field_size:
                    duration = struct.unpack(">f" if field_size == 4 else ">d", value)[0]
                if field_size == _UNKNOWN:
                    break
                inner = field_body + field_size
            if duration is None:
                return None
            return float(duration) * scale / 1e9
        if size == _UNKNOWN or child == int.from_bytes(_CLUSTER_ID):  # no Info before it
            return None
        offset = body + size
    return None


# --- Ogg, and the containers read only by their magic ----------------------------------


def _read_ogg(data: bytes) -> AudioInfo:
    if len(data) < 28:
        raise _cut_off()
    last = data.rfind(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0] if last + 14 <= len(data) else -1
    first_packet = data[28:36]
    rate = 48_000 if first_packet.startswith(b"OpusHead") else None
    if first_packet[1:7] == b"vorbis" and len(data) >= 44:
        rate = struct.unpack_from("<I", data, 40)[0] or None
    duration = granule / rate if rate and granule >= 0 else None
    return AudioInfo(AudioKind.ogg, duration)


def _by_magic(kind: AudioKind) -> Callable[[bytes], AudioInfo]:
    return lambda _data: AudioInfo(kind, None)


_READERS: dict[AudioKind, Callable[[bytes], AudioInfo]] = {
    AudioKind.wav: _read_wav,
    AudioKind.webm: _read_webm,
    AudioKind.ogg: _read_ogg,
    AudioKind.mp3: _by_magic(AudioKind.mp3),
    AudioKind.m4a: _by_magic(AudioKind.m4a),
    AudioKind.flac: _by_magic(AudioKind.flac),
}
