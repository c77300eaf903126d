"""M4A/MP4 (ISO base media file format): the duration from the movie header (mvhd), the
tracks' media headers (mdhd), and, for a fragmented file written while recording (its
movie header says 0), the fragments' sample durations (tfdt, trun, tfhd and trex
defaults); the longest of what they say.

Boxes are walked at a few fixed depths; a box smaller than its own header, or larger than
what holds it, ends the reading with a refusal, so every step moves forward and the work
is bounded by the bytes present.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from hireloop.voice.audio.base import AudioInfo, AudioKind, cut_off, damaged, longest, seconds

_ALL_ONES = (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF)  # "duration unknown"


def _boxes(
    data: bytes, offset: int, end: int, *, top: bool = False
) -> Iterator[tuple[bytes, int, int]]:
    """(type, start of body, end) of each box from ``offset`` to ``end``. A box running
    past the file's end is a cut-off file; past the box that holds it, a damaged one."""
    runs_past = cut_off if top else lambda: damaged(AudioKind.m4a)
    while end - offset >= 8:
        size = int.from_bytes(data[offset : offset + 4], "big")
        kind, header = data[offset + 4 : offset + 8], 8
        if size == 1:  # a 64-bit size follows the type
            if end - offset < 16:
                raise runs_past()
            size, header = int.from_bytes(data[offset + 8 : offset + 16], "big"), 16
        elif size == 0:  # to the end of what holds it
            size = end - offset
        if size < header:
            raise damaged(AudioKind.m4a)
        if offset + size > end:
            raise runs_past()
        yield kind, offset + header, offset + size
        offset += size


def _uint(data: bytes, offset: int, length: int, end: int) -> int:
    """A big-endian unsigned integer that must lie inside its box."""
    if offset + length > end:
        raise damaged(AudioKind.m4a)
    return int.from_bytes(data[offset : offset + length], "big")


def _timed(data: bytes, body: int, end: int) -> tuple[int, int]:
    """(timescale, duration) of a movie or media header, version 0 or 1."""
    if _uint(data, body, 1, end) == 1:
        timescale, duration = _uint(data, body + 20, 4, end), _uint(data, body + 24, 8, end)
    else:
        timescale, duration = _uint(data, body + 12, 4, end), _uint(data, body + 16, 4, end)
    if timescale == 0:
        raise damaged(AudioKind.m4a)
    return timescale, duration


@dataclass
class _Track:
    timescale: int = 0
    default_sample_duration: int | None = None
    first: int | None = None  # the fragments' earliest start and latest end, in ticks
    end: int = 0


class _Movie:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.timescale = 0
        self.durations: list[float | None] = []
        self.tracks: dict[int, _Track] = {}

    def moov(self, body: int, end: int) -> None:
        data = self.data
        for kind, child, child_end in _boxes(data, body, end):
            if kind == b"mvhd":
                self.timescale, duration = _timed(data, child, child_end)
                self.durations.append(self._seconds(duration, self.timescale))
            elif kind == b"trak":
                self.trak(child, child_end)
            elif kind == b"mvex":
                for inner, inner_body, inner_end in _boxes(data, child, child_end):
                    if inner == b"mehd" and self.timescale:
                        wide = _uint(data, inner_body, 1, inner_end) == 1
                        duration = _uint(data, inner_body + 4, 8 if wide else 4, inner_end)
                        self.durations.append(self._seconds(duration, self.timescale))
                    elif inner == b"trex":
                        track = self._track(_uint(data, inner_body + 4, 4, inner_end))
                        track.default_sample_duration = _uint(data, inner_body + 12, 4, inner_end)

    def trak(self, body: int, end: int) -> None:
        data = self.data
        track_id, timescale, duration = None, 0, 0
        for kind, child, child_end in _boxes(data, body, end):
            if kind == b"tkhd":
                wide = _uint(data, child, 1, child_end) == 1
                track_id = _uint(data, child + (20 if wide else 12), 4, child_end)
            elif kind == b"mdia":
                for inner, inner_body, inner_end in _boxes(data, child, child_end):
                    if inner == b"mdhd":
                        timescale, duration = _timed(data, inner_body, inner_end)
        if timescale:
            self.durations.append(self._seconds(duration, timescale))
            if track_id is not None:
                self._track(track_id).timescale = timescale

    def moof(self, body: int, end: int) -> None:
        for kind, child, child_end in _boxes(self.data, body, end):
            if kind == b"traf":
                self.traf(child, child_end)

    def traf(self, body: int, end: int) -> None:
        data = self.data
        track, start, total = None, None, 0
        default = None
        for kind, child, child_end in _boxes(data, body, end):
            if kind == b"tfhd":
                flags = _uint(data, child + 1, 3, child_end)
                track = self._track(_uint(data, child + 4, 4, child_end))
                field = child + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
                if flags & 0x08:
                    default = _uint(data, field, 4, child_end)
            elif kind == b"tfdt":
                wide = _uint(data, child, 1, child_end) == 1
                start = _uint(data, child + 4, 8 if wide else 4, child_end)
            elif kind == b"trun":
                if track is None:
                    raise damaged(AudioKind.m4a)  # a run before the fragment's header
                if default is None:
                    default = track.default_sample_duration
                run = self._run(child, child_end, default)
                if run is None:
                    return  # samples of no known duration: this fragment cannot be timed
                total += run
        if track is None:
            return
        if start is None:
            start = track.end  # fragments follow one another
        track.first = start if track.first is None else min(track.first, start)
        track.end = max(track.end, start + total)

    def _run(self, body: int, end: int, default: int | None) -> int | None:
        """The summed sample durations of a track run."""
        data = self.data
        flags, count = _uint(data, body + 1, 3, end), _uint(data, body + 4, 4, end)
        fields = body + 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
        per_sample = 4 * bin(flags & 0xF00).count("1")  # duration, size, flags, time offset
        if fields + count * per_sample > end:
            raise damaged(AudioKind.m4a)  # more samples than the box holds
        if not flags & 0x100:
            return None if default is None else count * default
        words = array("I")  # every field of every sample, as 32-bit words
        assert words.itemsize == 4
        words.frombytes(memoryview(data)[fields : fields + count * per_sample])
        if sys.byteorder == "little":
            words.byteswap()
        return sum(words[:: per_sample // 4])

    def _track(self, track_id: int) -> _Track:
        if track_id not in self.tracks:
            if len(self.tracks) >= 64:  # no recording has more; a file inventing ids stops
                raise damaged(AudioKind.m4a)
            self.tracks[track_id] = _Track()
        return self.tracks[track_id]

    @staticmethod
    def _seconds(duration: int, timescale: int) -> float | None:
        return None if duration == 0 or duration in _ALL_ONES else seconds(duration, timescale)

    def seconds(self) -> float | None:
        fragments = [
            seconds(track.end - track.first, track.timescale)
            for track in self.tracks.values()
            if track.first is not None and track.timescale and track.end > track.first
        ]
        return longest(*self.durations, *fragments)


def read_m4a(data: bytes) -> AudioInfo:
    movie, has_moov = _Movie(data), False
    for kind, body, end in _boxes(data, 0, len(data), top=True):
        if kind == b"moov":
            movie.moov(body, end)
            has_moov = True
        elif kind == b"moof" and has_moov:
            movie.moof(body, end)
    if not has_moov:
        raise cut_off()  # the movie header is written last: a file without one is cut off
    return AudioInfo(AudioKind.m4a, movie.seconds())
