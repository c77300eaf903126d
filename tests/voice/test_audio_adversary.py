"""Bytes written to slip past the duration check or to trip its readers: cut-off files,
sizes and lengths that cannot be, headers that overstate or understate. Each is refused
in plain words or measured sanely, never a 500, and every reader's work is bounded by
the bytes present (the large cases finish because nothing loops on a claimed size)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.config import Settings
from hireloop.errors import InvalidInput
from hireloop.voice.audio import AudioRejected, inspect_audio
from tests.voice.conftest import Formats
from tests.voice.fake_speech import FakeSpeech
from tests.voice.helpers import upload, voice_interview
from tests.voice.recordings import (
    CLUSTER,
    FORMATS,
    SEGMENT,
    TRACKS,
    cluster,
    decoded_seconds,
    ebml,
    webm,
)

LIMIT = 60.0
CLOSE = 0.15
Outcome = str | float | None  # a refusal's code, or the duration measured


def outcome(data: bytes, declared: str | None = None) -> Outcome:
    """What the upload check makes of ``data``; any exception but a refusal fails."""
    try:
        info = inspect_audio(data, declared, max_bytes=8 * 1024 * 1024, max_seconds=LIMIT)
    except (AudioRejected, InvalidInput) as refusal:
        assert "type it instead" in refusal.detail
        return refusal.code
    return info.duration_seconds


# --- building blocks ------------------------------------------------------------------


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def timed_header(kind: bytes, timescale: int, duration: int, *, version: int = 0) -> bytes:
    """An mvhd or mdhd box (only the fields the reader uses are meaningful)."""
    if version == 1:
        fields = bytes([1, 0, 0, 0]) + bytes(16) + struct.pack(">IQ", timescale, duration)
    else:
        fields = bytes(12) + struct.pack(">II", timescale, duration)
    return box(kind, fields + bytes(80 if kind == b"mvhd" else 4))


def m4a(*boxes: bytes) -> bytes:
    return box(b"ftyp", b"M4A \x00\x00\x02\x00") + b"".join(boxes)


def movie(timescale: int = 1000, duration: int = 2500, *, track: bytes | None = None) -> bytes:
    tkhd = box(b"tkhd", bytes(12) + struct.pack(">I", 1) + bytes(68))
    trak = box(b"trak", tkhd + box(b"mdia", timed_header(b"mdhd", 44100, 0)))
    return box(b"moov", timed_header(b"mvhd", timescale, duration) + (track or trak))


def flac_with_rate(data: bytes, rate: int) -> bytes:
    fields = int.from_bytes(data[18:26], "big") & ~(0xFFFFF << 44) | rate << 44
    return data[:18] + fields.to_bytes(8, "big") + data[26:]


def xing_frames(data: bytes, frames: int) -> bytes:
    at = data.index(b"Xing")
    assert int.from_bytes(data[at + 4 : at + 8], "big") & 1  # the frame count is there
    return data[: at + 8] + frames.to_bytes(4, "big") + data[at + 12 :]


def open_element(element_id: int) -> bytes:
    return element_id.to_bytes(4, "big") + b"\x01" + b"\xff" * 7


# --- the cases ------------------------------------------------------------------------

Case = Callable[[Formats], tuple[bytes, Outcome]]
DECODED = "as long as ffmpeg finds it when decoding"


def _cases() -> dict[str, Case]:
    return {
        # WebM / Matroska
        "webm-size-of-nine-bytes": lambda f: (
            webm(cluster(0, 0, 900) + b"\xa3\x00\x81\x00\x00"),
            "audio_unsupported",
        ),
        "webm-block-claiming-2^56-bytes": lambda f: (
            webm(cluster(0, 0, 800) + b"\xa3\x01\xff\xff\xff\xff\xff\xff\xfe\x81\x00\x00"),
            0.8,
        ),
        "webm-element-claiming-2^56-bytes-before-the-audio": lambda f: (
            webm(b"\xec\x01\xff\xff\xff\xff\xff\xff\xfe" + cluster(0, 0, 900)),
            "audio_truncated",
        ),
        "webm-segment-claiming-more-than-the-file": lambda f: (
            webm(cluster(0, 0, 700)).replace(
                open_element(SEGMENT), b"\x18\x53\x80\x67\x01\x00\xff\xff\xff\xff\xff\xff"
            ),
            0.7,
        ),
        "webm-tracks-of-unknown-size": lambda f: (
            webm(open_element(TRACKS) + cluster(0, 0, 900)),
            "audio_unsupported",
        ),
        "webm-timecode-scale-zero": lambda f: (
            webm(cluster(0, 0, 900), scale=0),
            "audio_unsupported",
        ),
        "webm-duration-nan": lambda f: (webm(cluster(0, 0, 900), duration=float("nan")), 0.9),
        "webm-duration-infinite": lambda f: (webm(cluster(0, 0, 900), duration=float("inf")), 0.9),
        "webm-duration-negative": lambda f: (webm(cluster(0, 0, 900), duration=-5000.0), 0.9),
        "webm-duration-understated": lambda f: (
            webm(cluster(0, 0, 30_000), cluster(90_000, 0, 900), duration=1000.0),
            "audio_too_long",
        ),
        "webm-clusters-out-of-order": lambda f: (
            webm(cluster(2000, 0, 500), cluster(1000, -20, 0)),
            1.52,
        ),
        "webm-open-ended-clusters": lambda f: (
            webm(cluster(0, 0, 980, open_ended=True), cluster(1000, 0, 1500, open_ended=True)),
            2.5,
        ),
        "webm-200000-empty-elements": lambda f: (
            webm(open_element(CLUSTER) + b"\xec\x80" * 200_000),
            "audio_truncated",
        ),
        "webm-a-cluster-of-tiny-clusters": lambda f: (
            webm(ebml(CLUSTER, b""), *[b"\x1f\x43\xb6\x75\x80"] * 200_000, cluster(0, 0, 600)),
            0.6,
        ),
        "webm-headers-only": lambda f: (webm(), "audio_truncated"),
        "webm-cluster-without-blocks": lambda f: (webm(cluster(0)), "audio_truncated"),
        # MP3
        "mp3-xing-claiming-10^9-frames": lambda f: (
            xing_frames(f.short("mp3-vbr-xing"), 10**9),
            DECODED,
        ),
        "mp3-xing-claiming-one-frame": lambda f: (xing_frames(f.short("mp3-vbr-xing"), 1), DECODED),
        "mp3-xing-and-half-the-frames": lambda f: (
            f.short("mp3-vbr-xing")[: len(f.short("mp3-vbr-xing")) // 2],
            DECODED,
        ),
        "mp3-id3-claiming-256-mb": lambda f: (
            b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + bytes(500),
            "audio_truncated",
        ),
        "mp3-id3-size-not-synchsafe": lambda f: (
            b"ID3\x04\x00\x00\x00\x00\x80\x00" + bytes(500),
            "audio_unsupported",
        ),
        "mp3-id3-then-no-frame": lambda f: (
            b"ID3\x04\x00\x00\x00\x00\x00\x10" + bytes(5000),
            "audio_unsupported",
        ),
        "mp3-all-ff": lambda f: (b"\xff" * 1_000_000, "audio_unsupported"),
        "mp3-one-frame-cut-off": lambda f: (b"\xff\xfb\x90\x64" + bytes(100), "audio_truncated"),
        # M4A / MP4
        "m4a-box-smaller-than-its-header": lambda f: (
            m4a(struct.pack(">I", 4) + b"free"),
            "audio_unsupported",
        ),
        "m4a-64-bit-size-of-zero": lambda f: (
            m4a(struct.pack(">I", 1) + b"free" + bytes(8), movie()),
            "audio_unsupported",
        ),
        "m4a-box-larger-than-the-file": lambda f: (
            m4a(movie(), struct.pack(">I", 10**6) + b"mdat" + bytes(100)),
            "audio_truncated",
        ),
        "m4a-track-larger-than-its-movie": lambda f: (
            m4a(movie(track=struct.pack(">I", 10**6) + b"trak" + bytes(20))),
            "audio_unsupported",
        ),
        "m4a-no-movie-header": lambda f: (m4a(box(b"mdat", bytes(3000))), "audio_truncated"),
        "m4a-timescale-zero": lambda f: (m4a(movie(timescale=0)), "audio_unsupported"),
        "m4a-movie-header-version-1": lambda f: (
            m4a(box(b"moov", timed_header(b"mvhd", 48000, 96_000, version=1))),
            2.0,
        ),
        "m4a-duration-unknown-then-media-header": lambda f: (
            m4a(
                movie(
                    duration=0xFFFFFFFF,
                    track=box(b"trak", box(b"mdia", timed_header(b"mdhd", 16000, 24_000))),
                )
            ),
            1.5,
        ),
        "m4a-run-claiming-4-billion-samples": lambda f: (
            m4a(
                movie(duration=0),
                box(
                    b"moof",
                    box(
                        b"traf",
                        box(b"tfhd", struct.pack(">II", 0, 1))
                        + box(b"trun", struct.pack(">II", 0x100, 2**32 - 1) + bytes(400)),
                    ),
                ),
            ),
            "audio_unsupported",
        ),
        "m4a-cut-before-its-movie-header": lambda f: (
            f.short("m4a")[: len(f.short("m4a")) // 2],
            "audio_truncated",
        ),
        "m4a-cut-inside-its-movie-header": lambda f: (f.short("m4a")[:-10], "audio_truncated"),
        # FLAC
        "flac-sample-rate-zero": lambda f: (
            flac_with_rate(f.short("flac"), 0),
            "audio_unsupported",
        ),
        "flac-metadata-claiming-16-mb": lambda f: (
            f.short("flac")[:42] + b"\x84\xff\xff\xff" + bytes(100),
            "audio_truncated",
        ),
        "flac-streamed-cut-in-half": lambda f: (
            f.short("flac-streamed")[: len(f.short("flac-streamed")) // 2],
            DECODED,
        ),
        "flac-headers-only": lambda f: (f.short("flac")[:42], "audio_truncated"),
        # WAV: a byte rate that would make four minutes of samples last a second
        "wav-byte-rate-overstated": lambda f: (
            f.short("wav")[:28] + struct.pack("<I", 32000 * 240) + f.short("wav")[32:],
            DECODED,
        ),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_crafted_file_is_refused_plainly_or_measured_sanely(name: str, formats: Formats) -> None:
    data, expected = CASES[name](formats)
    got = outcome(data)
    if expected == DECODED:
        assert got == pytest.approx(decoded_seconds(data), abs=CLOSE)
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, abs=0.001)
    else:
        assert got == expected


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_cut_off_recording_is_refused_or_measured_by_what_is_there(
    name: str, formats: Formats
) -> None:
    whole = formats.short(name)
    for length in (1, 3, 8, 20, 45, 100, 300, len(whole) // 4, len(whole) // 2, len(whole) - 1):
        got = outcome(whole[:length], FORMATS[name][0])
        assert isinstance(got, str) or got is None or got <= formats.short_seconds + CLOSE, (
            length,
            got,
        )


def test_a_file_that_does_not_say_its_length_is_accepted_within_the_size_limit(
    formats: Formats,
) -> None:
    # A streamed FLAC (no total in its STREAMINFO) whose frames cannot be found.
    streamed = formats.short("flac-streamed")
    audio = streamed.index(b"\xff\xf8", 42)
    assert outcome(streamed[: audio + 2] + bytes(5000)) is None


async def test_no_crafted_file_is_a_server_error(
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    formats: Formats,
) -> None:
    settings.speech_max_seconds = int(LIMIT)
    settings.speech_max_bytes = 8 * 1024 * 1024
    settings.rate_limits_enabled = False  # one interview takes every case
    token, _, started, qid = await voice_interview(client, app)
    statuses = {
        "audio_truncated": 422,
        "audio_empty": 422,
        "audio_unsupported": 415,
        "audio_too_long": 413,
    }
    for name, case in sorted(CASES.items()):
        data, expected = case(formats)
        answered = await upload(client, token, started["id"], data, "application/octet-stream", qid)
        if expected in statuses:
            assert answered.status_code == statuses[expected], (name, answered.text)
            assert answered.json()["code"] == expected
        else:
            assert answered.status_code == 201, (name, answered.text)
