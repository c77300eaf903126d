"""FLAC: the STREAMINFO block's total samples over its sample rate. A FLAC written to a
pipe leaves the total at 0 (unknown); then the last frame says where the audio ends: its
header, found from the end and checked by its CRC-8 and against the STREAMINFO, carries
its position in the stream and its block size."""

from __future__ import annotations

from dataclasses import dataclass

from hireloop.voice.audio.base import AudioInfo, AudioKind, cut_off, damaged, seconds

_STREAMINFO_LENGTH = 34
# A frame is at least a 6-byte header, a subframe of 2 bytes and a 2-byte CRC.
_SMALLEST_FRAME = 10
_LARGEST_BLOCK = 65536
_TRIES = 256  # frame-like bytes looked at from the end before giving up


@dataclass(frozen=True)
class _StreamInfo:
    block: int  # the block size of a fixed-blocksize stream
    rate: int
    channels: int
    bits: int
    total: int  # samples; 0 when the writer did not know


def read_flac(data: bytes) -> AudioInfo:
    if len(data) < 8 + _STREAMINFO_LENGTH:
        raise cut_off()
    if data[4] & 0x7F != 0 or int.from_bytes(data[5:8], "big") < _STREAMINFO_LENGTH:
        raise damaged(AudioKind.flac)  # STREAMINFO must come first
    info = _stream_info(data[8 : 8 + _STREAMINFO_LENGTH])
    audio = _after_metadata(data)
    if info.total:
        return AudioInfo(AudioKind.flac, seconds(info.total, info.rate))
    samples = _last_frame_end(data, audio, info)
    return AudioInfo(AudioKind.flac, None if samples is None else seconds(samples, info.rate))


def _stream_info(block: bytes) -> _StreamInfo:
    min_block = int.from_bytes(block[0:2], "big")
    fields = int.from_bytes(block[10:18], "big")
    rate = fields >> 44
    if rate == 0 or min_block < 16:  # no stream has either
        raise damaged(AudioKind.flac)
    return _StreamInfo(
        block=min_block,
        rate=rate,
        channels=(fields >> 41 & 0x7) + 1,
        bits=(fields >> 36 & 0x1F) + 1,
        total=fields & 0xF_FFFF_FFFF,
    )


def _after_metadata(data: bytes) -> int:
    """Where the first frame begins, past every metadata block."""
    offset = 4
    while True:
        if offset + 4 > len(data):
            raise cut_off()
        header = data[offset]
        offset += 4 + int.from_bytes(data[offset + 1 : offset + 4], "big")
        if header & 0x7F == 0x7F:
            raise damaged(AudioKind.flac)
        if header & 0x80:  # the last metadata block
            break
    if offset + 2 > len(data):
        raise cut_off()  # no audio after the metadata
    if data[offset] != 0xFF or data[offset + 1] & 0xFE != 0xF8:
        raise damaged(AudioKind.flac)
    return offset


def _last_frame_end(data: bytes, audio: int, info: _StreamInfo) -> int | None:
    sync = data[audio : audio + 2]  # the first frame's: fixed or variable block sizes
    stop = len(data)
    for _ in range(_TRIES):
        offset = data.rfind(sync, audio, stop)
        if offset < 0:
            return None
        end = _frame_end(data[offset : offset + 16], info)
        # A frame cannot start later in the stream than the bytes before it can hold.
        frames_before = (offset - audio) // _SMALLEST_FRAME
        block = _LARGEST_BLOCK if sync[1] & 1 else info.block
        if end is not None and end <= frames_before * block + _LARGEST_BLOCK:
            return end
        stop = offset + 1
    return None


def _frame_end(header: bytes, info: _StreamInfo) -> int | None:
    """The sample after the frame whose header this is, or None if it is not one."""
    if len(header) < 6:
        return None
    variable = header[1] & 1
    block_code, rate_code = header[2] >> 4, header[2] & 0xF
    channel_code, size_code = header[3] >> 4, header[3] >> 1 & 0x7
    if block_code == 0 or rate_code == 15 or channel_code > 10 or header[3] & 1:
        return None
    if (channel_code + 1 if channel_code < 8 else 2) != info.channels:
        return None
    if size_code and _BITS.get(size_code) != info.bits:
        return None
    if rate_code in _RATES and _RATES[rate_code] != info.rate:
        return None
    coded = _utf8(header, 4)
    if coded is None:
        return None
    number, position = coded
    if block_code in (6, 7):  # the block size (less one) follows, in 8 or 16 bits
        width = block_code - 5
        block = int.from_bytes(header[position : position + width], "big") + 1
        position += width
    elif block_code == 1:
        block = 192
    else:
        block = 576 << (block_code - 2) if block_code < 6 else 256 << (block_code - 8)
    position += {12: 1, 13: 2, 14: 2}.get(rate_code, 0)  # so may the sample rate
    if position >= len(header) or _crc8(header[:position]) != header[position]:
        return None
    return (number if variable else number * info.block) + block


_BITS = {1: 8, 2: 12, 4: 16, 5: 20, 6: 24, 7: 32}
_RATES = {1: 88200, 2: 176400, 3: 192000, 4: 8000, 5: 16000, 6: 22050, 7: 24000}
_RATES |= {8: 32000, 9: 44100, 10: 48000, 11: 96000}


def _utf8(header: bytes, offset: int) -> tuple[int, int] | None:
    """A frame or sample number, coded as UTF-8 is (up to 7 bytes): (value, next offset)."""
    first = header[offset]
    if first < 0x80:
        return first, offset + 1
    length = 8 - (first ^ 0xFF).bit_length()  # as many bytes as leading ones
    if not 2 <= length <= 7 or offset + length > len(header):
        return None
    value = first & (0x7F >> length)
    for byte in header[offset + 1 : offset + length]:
        if byte & 0xC0 != 0x80:
            return None
        value = value << 6 | byte & 0x3F
    return value, offset + length


def _crc8_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc << 1 ^ 0x07) & 0xFF if crc & 0x80 else crc << 1 & 0xFF
        table.append(crc)
    return table


_CRC8 = _crc8_table()


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = _CRC8[crc ^ byte]
    return crc
