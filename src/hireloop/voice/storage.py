"""Recorded answers on disk, under opaque names (see ``hireloop.file_store``)."""

from __future__ import annotations

from hireloop.config import Settings
from hireloop.file_store import OpaqueFileStore
from hireloop.voice.audio import AudioKind


class AudioStorage(OpaqueFileStore):
    extensions = tuple(kind.extension for kind in AudioKind)

    @classmethod
    def of(cls, settings: Settings) -> AudioStorage:
        return cls(settings.audio_directory)

    async def save(self, data: bytes, kind: AudioKind) -> str:
        """Store a recording and return its key."""
        return await self._save(data, kind.extension)
