"""WAV: measured from the sample bytes actually present, never the size its header claims;
uncompressed 16-bit audio is also checked for silence."""

from __future__ import annotations

import struct

from hireloop.voice.audio.base import AudioInfo, AudioKind, cut_off, longest, seconds

# Below this peak level (of full scale) a PCM recording is taken as silence.
SILENCE_PEAK = 0.01


def read_wav(data: bytes) -> AudioInfo:
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
        raise cut_off()
    audio_format, channels, rate, byte_rate, align, bits = fmt
    if not (channels and rate and byte_rate):
        raise cut_off()
    # A decoder plays PCM at the sample rate, block by block, whatever the byte rate says.
    duration = longest(
        seconds(len(pcm), byte_rate), seconds(len(pcm) // align, rate) if align else None
    )
    silent = audio_format == 1 and bits == 16 and _peak16(pcm) < SILENCE_PEAK
    return AudioInfo(AudioKind.wav, duration, silent)


def _peak16(pcm: bytes) -> float:
    count = len(pcm) // 2
    if count == 0:
        return 0.0
    samples = struct.unpack_from(f"<{count}h", pcm)
    peak: int = max(abs(min(samples)), max(samples))
    return peak / 32768
