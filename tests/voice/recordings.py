"""Recordings for the voice tests, made at test time: espeak-ng speaks a sentence,
ffmpeg turns it into what browsers record (WebM/Opus) and other containers; sox makes
silence. Made once per test session, in a temporary directory."""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

SPOKEN = "I would put the failed jobs on a retry queue with a backoff."


@dataclass(frozen=True)
class Recordings:
    wav: Path  # 16 kHz mono speech
    webm: Path  # Opus in WebM, as MediaRecorder makes it
    ogg: Path  # Opus in Ogg
    mp3: Path
    silence_wav: Path

    def read(self, name: str) -> bytes:
        return Path(getattr(self, name)).read_bytes()


def tools_missing() -> list[str]:
    return [tool for tool in ("espeak-ng", "sox", "ffmpeg") if shutil.which(tool) is None]


def make_recordings(directory: Path, text: str = SPOKEN) -> Recordings:
    directory.mkdir(parents=True, exist_ok=True)
    raw = directory / "spoken-raw.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True)
    wav = directory / "spoken.wav"
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav)],
        check=True,
        capture_output=True,
    )
    out = {}
    for name, codec in (("webm", "libopus"), ("ogg", "libopus"), ("mp3", "libmp3lame")):
        target = directory / f"spoken.{name}"
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), "-c:a", codec, str(target)],
            check=True,
            capture_output=True,
        )
        out[name] = target
    silence = directory / "silence.wav"
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(silence), "trim", "0", "2"],
        check=True,
        capture_output=True,
    )
    return Recordings(wav=wav, silence_wav=silence, **out)


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


def webm_claiming(seconds: float) -> bytes:
    """A WebM file whose Segment Info says it lasts ``seconds`` (it holds no audio)."""

    def element(element_id: bytes, body: bytes) -> bytes:
        return (
            element_id + bytes([0x80 | len(body)]) + body
            if len(body) < 127
            else (element_id + b"\x40" + bytes([len(body)]) + body)
        )

    header = element(b"\x1a\x45\xdf\xa3", element(b"\x42\x82", b"webm"))
    info = element(
        b"\x15\x49\xa9\x66",
        element(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3, "big"))
        + element(b"\x44\x89", struct.pack(">d", seconds * 1000)),
    )
    tracks_and_cluster = b"\x16\x54\xae\x6b\x80" + b"\x1f\x43\xb6\x75\x80"
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
    return header + segment + info + tracks_and_cluster
