"""Ogg (Opus or Vorbis): the last page's granule position, in samples at the stream's rate."""

from __future__ import annotations

import struct

from hireloop.voice.audio.base import AudioInfo, AudioKind, cut_off, seconds


def read_ogg(data: bytes) -> AudioInfo:
    if len(data) < 28:
        raise cut_off()
    last = data.rfind(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0] if last + 14 <= len(data) else -1
    first_packet = data[28:36]
    rate = 48_000 if first_packet.startswith(b"OpusHead") else 0
    if first_packet[1:7] == b"vorbis" and len(data) >= 44:
        rate = struct.unpack_from("<I", data, 40)[0]
    return AudioInfo(AudioKind.ogg, seconds(granule, rate))
