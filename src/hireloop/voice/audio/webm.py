"""WebM/Matroska (EBML): the header read far enough to refuse a cut-off file, and the
duration from the blocks' timestamps (each Cluster's Timecode plus its blocks' relative
timecodes, times the TimecodeScale), or the Segment Info's Duration when that says more.

A browser's MediaRecorder writes live WebM: no Duration, and a Segment and Clusters of
unknown size, each ending where an element that cannot be inside it begins. Every step
moves forward by at least an element header, and nothing is read or allocated by the
sizes a file claims, so the work is bounded by the bytes present.
"""

from __future__ import annotations

import math
import struct

from hireloop.voice.audio.base import (
    TRY_AGAIN,
    AudioInfo,
    AudioKind,
    UnsupportedAudio,
    cut_off,
    damaged,
    longest,
    seconds,
)

_EBML_DOCTYPE = 0x4282
_SEGMENT = 0x18538067
_INFO, _TIMECODE_SCALE, _DURATION = 0x1549A966, 0x2AD7B1, 0x4489
_TRACKS = 0x1654AE6B
_CLUSTER, _TIMECODE, _SIMPLE_BLOCK, _BLOCK_GROUP, _BLOCK = 0x1F43B675, 0xE7, 0xA3, 0xA0, 0xA1
# What a Cluster may hold (and Void, CRC-32, anywhere): any other element ends a Cluster
# of unknown size.
_CLUSTER_CHILDREN = frozenset({0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF, 0xEC, 0xBF})
_UNKNOWN = -1
_NANOSECONDS = 1_000_000_000
_DEFAULT_SCALE = 1_000_000  # one tick is a millisecond unless the Info says otherwise


def _header(data: bytes, offset: int, end: int) -> tuple[int, int, int] | None:
    """(id, start of body, body size or _UNKNOWN) of the element at ``offset``, or None
    when its header runs past ``end``. Both are EBML variable-length integers: the first
    byte's leading zeros say how many more bytes follow; a size of all ones is unknown."""
    if offset >= end:
        return None
    first = data[offset]
    if first >= 0x80:  # the one-byte ids: blocks, timecodes, Void…
        element, size_at = first, offset + 1
    else:
        size_at = offset + _length(first)
        if size_at > end:
            return None
        element = int.from_bytes(data[offset:size_at], "big")
    if size_at >= end:
        return None
    first = data[size_at]
    if first >= 0x80:
        size, body = first & 0x7F, size_at + 1
        return element, body, _UNKNOWN if size == 0x7F else size
    length = _length(first)
    body = size_at + length
    if body > end:
        return None
    all_ones = (1 << (7 * length)) - 1
    size = int.from_bytes(data[size_at:body], "big") & all_ones  # less the length marker
    return element, body, _UNKNOWN if size == all_ones else size


def _length(first: int) -> int:
    if first == 0:  # a length over 8 bytes: no EBML writer makes one
        raise damaged(AudioKind.webm)
    return 9 - first.bit_length()


def read_webm(data: bytes) -> AudioInfo:
    header = _header(data, 0, len(data))
    if header is None or header[2] == _UNKNOWN or header[1] + header[2] > len(data):
        raise cut_off()
    _, body, size = header
    doctype = b""
    offset = body
    while offset < body + size:
        child = _header(data, offset, body + size)
        if child is None or child[2] == _UNKNOWN:
            raise damaged(AudioKind.webm)
        if child[0] == _EBML_DOCTYPE:
            doctype = data[child[1] : child[1] + child[2]]
        offset = child[1] + child[2]
    if doctype not in (b"webm", b"matroska"):
        raise UnsupportedAudio("This WebM file is not audio we can read. " + TRY_AGAIN)
    segment = _header(data, body + size, len(data))
    if segment is None:
        raise cut_off()
    if segment[0] != _SEGMENT:
        raise damaged(AudioKind.webm)
    timing = _Timing(data)
    timing.segment(segment[1], segment[2])
    # A recording has its track list and at least one block of audio after it; a file
    # cut off after its headers has neither.
    if not timing.tracks or timing.first is None:
        raise cut_off()
    return AudioInfo(AudioKind.webm, timing.seconds())


class _Timing:
    """One pass over a Segment's elements, keeping what tells the recording's length."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.scale = _DEFAULT_SCALE
        self.duration: float | None = None  # the Info's Duration, in ticks
        self.first: int | None = None  # the earliest and latest block, in ticks
        self.last: int | None = None
        self.tracks = False

    def seconds(self) -> float | None:
        told = seconds(self.duration * self.scale, _NANOSECONDS) if self.duration else None
        span = None
        if self.first is not None and self.last is not None:
            span = seconds((self.last - self.first) * self.scale, _NANOSECONDS)
        return longest(told, span)

    def segment(self, body: int, size: int) -> None:
        data = self.data
        end = len(data) if size == _UNKNOWN else min(body + size, len(data))
        offset = body
        while offset < end:
            header = _header(data, offset, end)
            if header is None:
                return  # the file ends inside an element header: read what came before
            element, element_body, element_size = header
            if element == _CLUSTER:
                offset = self.cluster(element_body, element_size, end)
                continue
            if element_size == _UNKNOWN:  # only a Segment or a Cluster may be open-ended
                raise damaged(AudioKind.webm)
            element_end = element_body + element_size
            if element == _INFO:
                self.info(element_body, min(element_end, end))
            elif element == _TRACKS and element_end <= end:
                self.tracks = True
            offset = element_end

    def info(self, offset: int, end: int) -> None:
        data = self.data
        while offset < end:
            header = _header(data, offset, end)
            if header is None or header[2] == _UNKNOWN or header[1] + header[2] > end:
                return
            field, body, size = header
            value = data[body : body + size]
            if field == _TIMECODE_SCALE and size:
                if size > 8 or not any(value):
                    raise damaged(AudioKind.webm)
                self.scale = int.from_bytes(value, "big")
            elif field == _DURATION and size in (4, 8):
                duration = struct.unpack(">f" if size == 4 else ">d", value)[0]
                if math.isfinite(duration) and duration > 0:
                    self.duration = duration
            offset = body + size

    def cluster(self, body: int, size: int, end: int) -> int:
        """Read one Cluster's timestamps; where the next element begins."""
        data = self.data
        open_ended = size == _UNKNOWN
        end = end if open_ended else min(body + size, end)
        timecode, earliest, latest = 0, None, None
        offset, total = body, len(data)
        while offset < end:
            element = data[offset]
            if element >= 0x80 and offset + 2 < end and data[offset + 1] >= 0x80:
                # The common case, inline: a one-byte id and a one-byte size.
                element_size, element_body = data[offset + 1] & 0x7F, offset + 2
                if element_size == 0x7F:
                    element_size = _UNKNOWN
            else:
                header = _header(data, offset, end)
                if header is None:
                    break
                element, element_body, element_size = header
            if open_ended and element not in _CLUSTER_CHILDREN:
                break  # the next Cluster, Cues, Tags…: this one ends here
            if element_size == _UNKNOWN:
                raise damaged(AudioKind.webm)
            element_end = element_body + element_size
            if element_end > total:
                break  # cut off inside this element: its audio is not all there
            relative = None
            if element == _TIMECODE:
                if element_size > 8:
                    raise damaged(AudioKind.webm)
                timecode = int.from_bytes(data[element_body:element_end], "big")
            elif element == _SIMPLE_BLOCK:
                relative = _block_time(data, element_body, element_end)
            elif element == _BLOCK_GROUP:
                relative = self.block_group(element_body, element_end)
            if relative is not None:
                earliest = relative if earliest is None else min(earliest, relative)
                latest = relative if latest is None else max(latest, relative)
            offset = element_end
        if earliest is not None and latest is not None:
            start, finish = timecode + earliest, timecode + latest
            self.first = start if self.first is None else min(self.first, start)
            self.last = finish if self.last is None else max(self.last, finish)
        return offset if open_ended else end

    def block_group(self, offset: int, end: int) -> int | None:
        while offset < end:
            header = _header(self.data, offset, end)
            if header is None or header[2] == _UNKNOWN:
                return None
            if header[0] == _BLOCK:
                return _block_time(self.data, header[1], min(header[1] + header[2], end))
            offset = header[1] + header[2]
        return None


def _block_time(data: bytes, offset: int, end: int) -> int | None:
    """A (Simple)Block's timecode relative to its Cluster: after the track number, two
    bytes, signed."""
    if offset >= end:
        return None
    start = offset + _length(data[offset])  # past the track number
    if start + 2 > end:
        return None
    return int.from_bytes(data[start : start + 2], "big", signed=True)
