"""Recordings for the voice tests, made at test time: espeak-ng speaks a sentence,
ffmpeg turns it into what browsers record (WebM/Opus, written live as MediaRecorder
writes it) and other containers; sox makes silence. Made once per test session, in a
temporary directory."""

from __future__ import annotations

import shutil
import struct
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

SPOKEN = "I would put the failed jobs on a retry queue with a backoff."


@dataclass(frozen=True)
class Recordings:
    wav: Path  # 16 kHz mono speech
    webm: Path  # Opus in WebM, as MediaRecorder makes it (live: no Duration, open-ended)
    ogg: Path  # Opus in Ogg
    mp3: Path
    silence_wav: Path

    def read(self, name: str) -> bytes:
        return Path(getattr(self, name)).read_bytes()


def tools_missing() -> list[str]:
    return [tool for tool in ("espeak-ng", "sox", "ffmpeg") if shutil.which(tool) is None]


def _run(*command: str) -> bytes:
    return subprocess.run(command, check=True, capture_output=True).stdout


def speak(directory: Path, text: str = SPOKEN, *, repeat: int = 0) -> Path:
    """``text`` spoken as 16 kHz mono 16-bit WAV (said ``repeat`` more times after)."""
    directory.mkdir(parents=True, exist_ok=True)
    raw = directory / "spoken-raw.wav"
    _run("espeak-ng", "-w", str(raw), text)
    wav = directory / (f"spoken-x{repeat + 1}.wav" if repeat else "spoken.wav")
    _run("sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav), "repeat", str(repeat))
    return wav


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as recording:
        return recording.getnframes() / recording.getframerate()


def decoded_seconds(data: bytes) -> float:
    """How long ffmpeg finds ``data`` to be when it decodes it (what a speech server hears)."""
    pcm = subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "quiet",
            "-i",
            "pipe:0",
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "16000",
            "pipe:1",
        ],
        input=data,
        capture_output=True,
    ).stdout
    return len(pcm) / 32000


def make_recordings(directory: Path, text: str = SPOKEN) -> Recordings:
    wav = speak(directory, text)
    out = {"webm": directory / "spoken.webm"}
    out["webm"].write_bytes(as_media_recorder(_ffmpeg(wav, "-c:a", "libopus", "-f", "webm")))
    for name, codec in (("ogg", "libopus"), ("mp3", "libmp3lame")):
        target = directory / f"spoken.{name}"
        _run("ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), "-c:a", codec, str(target))
        out[name] = target
    silence = directory / "silence.wav"
    _run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(silence), "trim", "0", "2")
    return Recordings(wav=wav, silence_wav=silence, **out)


def _ffmpeg(wav: Path, *output: str) -> bytes:
    """``wav`` encoded by ffmpeg and written to a pipe, as a live recorder writes: it
    cannot go back to fill in sizes or durations."""
    return _run("ffmpeg", "-loglevel", "error", "-i", str(wav), *output, "pipe:1")


# Each container as clients make it, by name: (content type, how ffmpeg makes it from a
# WAV, written to a file (None) or to a pipe ("pipe")).
FORMATS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "webm-media-recorder": ("audio/webm", ("-c:a", "libopus", "-f", "webm"), "pipe"),
    "webm-file": ("audio/webm", ("-c:a", "libopus", "-f", "webm"), None),
    "ogg-opus": ("audio/ogg", ("-c:a", "libopus", "-f", "ogg"), None),
    "ogg-vorbis": ("audio/ogg", ("-c:a", "libvorbis", "-f", "ogg"), None),
    "wav": ("audio/wav", ("-c:a", "pcm_s16le", "-f", "wav"), None),
    "mp3-info-header": ("audio/mpeg", ("-c:a", "libmp3lame", "-f", "mp3"), None),
    "mp3-vbr-xing": ("audio/mpeg", ("-c:a", "libmp3lame", "-q:a", "4", "-f", "mp3"), None),
    "mp3-44khz-no-xing": (
        "audio/mpeg",
        ("-c:a", "libmp3lame", "-ar", "44100", "-write_xing", "0", "-f", "mp3"),
        None,
    ),
    "m4a": ("audio/mp4", ("-c:a", "aac", "-f", "ipod"), None),
    "m4a-fragmented": (
        "audio/mp4",
        (
            "-c:a",
            "aac",
            "-movflags",
            "frag_keyframe+empty_moov+default_base_moof",
            "-frag_duration",
            "250000",
            "-f",
            "mp4",
        ),
        "pipe",
    ),
    "flac": ("audio/flac", ("-c:a", "flac", "-f", "flac"), None),
    "flac-streamed": ("audio/flac", ("-c:a", "flac", "-f", "flac"), "pipe"),
}


def make_format(wav: Path, name: str) -> bytes:
    _, output, written = FORMATS[name]
    if written == "pipe":
        data = _ffmpeg(wav, *output)
        return as_media_recorder(data) if name == "webm-media-recorder" else data
    target = wav.with_name(f"{wav.stem}-{name}.out")
    _run("ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), *output, str(target))
    return target.read_bytes()


def wav_header(data_size: int, *, rate: int = 16000) -> bytes:
    """A PCM WAV header (16-bit mono) whose data chunk claims ``data_size`` bytes."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_size)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data_size)
    )


def tone(seconds: float, rate: int = 16000) -> bytes:
    """A loud square wave, as 16-bit PCM."""
    period = rate // 440
    samples = [(12000 if (i // (period // 2)) % 2 else -12000) for i in range(int(seconds * rate))]
    return struct.pack(f"<{len(samples)}h", *samples)


# --- a tiny EBML reader, written apart from the one under test -------------------------

EBML, SEGMENT, INFO, TRACKS, CLUSTER = 0x1A45DFA3, 0x18538067, 0x1549A966, 0x1654AE6B, 0x1F43B675
DURATION, TIMECODE_SCALE = 0x4489, 0x2AD7B1
_OPENED = {EBML, SEGMENT, INFO, TRACKS, 0xAE}  # elements whose children are listed


@dataclass(frozen=True)
class Element:
    depth: int
    id: int
    size: int | None  # None: unknown (open-ended)
    size_at: int
    size_length: int


def ebml_outline(data: bytes) -> list[Element]:
    """The elements of a WebM file down to the track entries; a Cluster's blocks are
    skipped (an open-ended Cluster ends at the first element with a longer id)."""
    out: list[Element] = []

    def walk(offset: int, end: int, depth: int) -> int:
        while offset < end:
            id_length = 9 - data[offset].bit_length()
            element_id = int.from_bytes(data[offset : offset + id_length], "big")
            size_at = offset + id_length
            size_length = 9 - data[size_at].bit_length()
            raw = int.from_bytes(data[size_at : size_at + size_length], "big")
            value = raw & ((1 << (7 * size_length)) - 1)
            size = None if value == (1 << (7 * size_length)) - 1 else value
            out.append(Element(depth, element_id, size, size_at, size_length))
            body = size_at + size_length
            if element_id in _OPENED:
                offset = walk(body, len(data) if size is None else body + size, depth + 1)
            elif size is None:  # an open-ended Cluster: past its one-byte-id children
                offset = body
                while offset < len(data) and data[offset] >= 0x80:
                    child_size_at = offset + 1
                    length = 9 - data[child_size_at].bit_length()
                    child = int.from_bytes(data[child_size_at : child_size_at + length], "big")
                    offset = child_size_at + length + (child & ((1 << (7 * length)) - 1))
            else:
                offset = body + size
        return offset

    walk(0, len(data), 0)
    return out


def as_media_recorder(webm: bytes) -> bytes:
    """A live WebM (ffmpeg's, to a pipe: no Duration, a Segment of unknown size) with its
    Clusters made open-ended too, as Chrome's MediaRecorder writes them."""
    data = bytearray(webm)
    for element in ebml_outline(webm):
        if element.id == CLUSTER:
            all_ones = (1 << (7 * element.size_length)) - 1
            marker = 1 << (7 * element.size_length)
            data[element.size_at : element.size_at + element.size_length] = (
                marker | all_ones
            ).to_bytes(element.size_length, "big")
    return bytes(data)


def ebml(element_id: int, body: bytes) -> bytes:
    """An element with ``body``, its size written in 8 bytes."""
    return (
        element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
        + ((1 << 56) | len(body)).to_bytes(8, "big")
        + body
    )


def webm(*segment: bytes, scale: int = 1_000_000, duration: float | None = None) -> bytes:
    """A WebM file of an open-ended Segment holding Info, Tracks and then ``segment``."""
    header = ebml(EBML, ebml(0x4282, b"webm"))
    info = ebml(TIMECODE_SCALE, scale.to_bytes(4, "big"))
    if duration is not None:
        info += ebml(DURATION, struct.pack(">d", duration))
    open_segment = SEGMENT.to_bytes(4, "big") + b"\x01" + b"\xff" * 7
    return header + open_segment + ebml(INFO, info) + ebml(TRACKS, b"") + b"".join(segment)


def cluster(timecode: int, *block_times: int, open_ended: bool = False) -> bytes:
    """A Cluster at ``timecode`` with a one-byte SimpleBlock at each relative time."""
    body = ebml(0xE7, timecode.to_bytes(8, "big")) + b"".join(
        ebml(0xA3, b"\x81" + time.to_bytes(2, "big", signed=True) + b"\x80\x00")
        for time in block_times
    )
    if open_ended:
        return CLUSTER.to_bytes(4, "big") + b"\x01" + b"\xff" * 7 + body
    return ebml(CLUSTER, body)


def webm_claiming(seconds: float) -> bytes:
    """A WebM file whose Segment Info says it lasts ``seconds`` (it holds one block)."""
    return webm(cluster(0, 0), duration=seconds * 1000)
