"""MP3 (MPEG-1/2/2.5 audio, layers I to III): the duration from the frame count in the
first frame's Xing/Info or VBRI header when the bytes present can hold that many frames,
otherwise from the frames themselves, counted one header at a time (an ID3v2 tag is
skipped first). Each frame header gives its own length, so the walk is bounded by the
bytes present, and bytes that are not a frame are skipped by searching for the next
header, never one byte at a time in Python."""

from __future__ import annotations

import re

from hireloop.voice.audio.base import AudioInfo, AudioKind, cut_off, damaged, seconds

# kbit/s by bitrate index 1..14, for MPEG-1 and MPEG-2/2.5, per layer.
_BITRATES = {
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Sample rates by the version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and rate index.
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _frame_table() -> dict[int, tuple[int, int, int]]:
    """(frame length in bytes, samples, sample rate) by a header's second and third bytes,
    for every valid header (free-format and reserved values left out)."""
    table: dict[int, tuple[int, int, int]] = {}
    for second in range(0xE0, 0x100):
        version, layer = (second >> 3) & 3, 4 - ((second >> 1) & 3)
        if version == 1 or layer == 4:
            continue
        mpeg1 = version == 3
        samples = 384 if layer == 1 else 1152 if layer == 2 or mpeg1 else 576
        for third in range(0x100):
            bitrate, rate_index, padding = third >> 4, (third >> 2) & 3, (third >> 1) & 1
            if bitrate in (0, 15) or rate_index == 3:
                continue
            bits = _BITRATES[mpeg1, layer][bitrate - 1] * 1000
            rate = _RATES[version][rate_index]
            if layer == 1:
                length = (12 * bits // rate + padding) * 4
            else:
                length = samples // 8 * bits // rate + padding
            table[second << 8 | third] = (length, samples, rate)
    return table


_FRAMES = _frame_table()
# The bits of a key a stream keeps from frame to frame (version, layer, sample rate).
_SAME_STREAM = 0xFE0C


def _length_ranges() -> dict[int, tuple[int, int]]:
    """The shortest and longest frame of each kind of stream."""
    ranges: dict[int, tuple[int, int]] = {}
    for key, (length, _, _) in _FRAMES.items():
        low, high = ranges.get(key & _SAME_STREAM, (length, length))
        ranges[key & _SAME_STREAM] = (min(low, length), max(high, length))
    return ranges


_LENGTHS = _length_ranges()
_SECOND = bytes(sorted({key >> 8 for key in _FRAMES}))
_THIRD = bytes(sorted({key & 0xFF for key in _FRAMES}))
_SYNC = re.compile(b"\xff[" + re.escape(_SECOND) + b"][" + re.escape(_THIRD) + b"]")


def read_mp3(data: bytes) -> AudioInfo:
    start = _after_id3(data)
    first = _SYNC.search(data, start)
    if first is None:
        raise damaged(AudioKind.mp3)
    duration = _told(data, first.start())
    if duration is None:
        duration = _counted(data, first.start())
    return AudioInfo(AudioKind.mp3, duration)


def _after_id3(data: bytes) -> int:
    offset = 0
    while data.startswith(b"ID3", offset):
        header = data[offset : offset + 10]
        if len(header) < 10:
            raise cut_off()
        if any(byte & 0x80 for byte in header[6:10]):
            raise damaged(AudioKind.mp3)
        size = header[6] << 21 | header[7] << 14 | header[8] << 7 | header[9]  # synchsafe
        offset += 10 + size + (10 if header[5] & 0x10 else 0)  # a footer
    if offset >= len(data):
        raise cut_off()  # a tag and no audio
    return offset


def _told(data: bytes, offset: int) -> float | None:
    """What the first frame's Xing/Info or VBRI header says, if the bytes agree."""
    key = data[offset + 1] << 8 | data[offset + 2]
    _, samples, rate = _FRAMES[key]
    mpeg1 = key >> 11 & 3 == 3
    mono = offset + 3 < len(data) and data[offset + 3] >> 6 == 3
    side_info = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    xing = offset + 4 + side_info
    frames = size = None
    if data[xing : xing + 4] in (b"Xing", b"Info") and xing + 8 <= len(data):
        flags = int.from_bytes(data[xing + 4 : xing + 8], "big")
        fields = xing + 8
        if flags & 1 and fields + 4 <= len(data):
            frames = int.from_bytes(data[fields : fields + 4], "big")
            fields += 4
        if flags & 2 and fields + 4 <= len(data):
            size = int.from_bytes(data[fields : fields + 4], "big")
    elif data[offset + 36 : offset + 40] == b"VBRI" and offset + 58 <= len(data):
        size = int.from_bytes(data[offset + 46 : offset + 50], "big")
        frames = int.from_bytes(data[offset + 50 : offset + 54], "big")
    if not frames:
        return None
    present = len(data) - offset
    shortest, longest = _LENGTHS[key & _SAME_STREAM]
    if frames * shortest > present or present > (frames + 1) * longest + 4096:
        return None  # more frames than the bytes can hold, or far more bytes: count them
    if size is not None and size > present:
        return None  # cut off: measure what is there
    return seconds(frames * samples, rate)


def _counted(data: bytes, offset: int) -> float:
    total, frames, end = 0.0, 0, len(data)
    while offset + 3 <= end:
        key = data[offset + 1] << 8 | data[offset + 2]
        if data[offset] != 0xFF or key not in _FRAMES:
            found = _SYNC.search(data, offset)
            if found is None:
                break
            offset = found.start()
            key = data[offset + 1] << 8 | data[offset + 2]
        length, samples, rate = _FRAMES[key]
        if offset + length > end:
            if frames == 0:
                raise cut_off()
            break  # a last frame cut off
        total += samples / rate
        frames += 1
        offset += length
    if frames == 0:
        raise damaged(AudioKind.mp3)
    return total
