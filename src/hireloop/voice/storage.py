"""Recorded answers on disk, under opaque names (as resumes are kept).

The name is a random UUID plus an extension from the detected container; nothing the
client sent becomes part of a path. File I/O runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path

from hireloop.config import Settings
from hireloop.voice.audio import AudioKind

_KEY = re.compile(r"^[0-9a-f]{32}\.(?:webm|ogg|wav|mp3|m4a|flac)$")


class AudioStorage:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def of(cls, settings: Settings) -> AudioStorage:
        return cls(settings.audio_directory)

    def path_for(self, key: str) -> Path:
        # Keys come from our own database, but a malformed one must still never escape.
        if not _KEY.fullmatch(key):
            raise ValueError(f"invalid storage key {key!r}")
        return self.directory / key

    async def save(self, data: bytes, kind: AudioKind) -> str:
        key = f"{uuid.uuid4().hex}.{kind.extension}"
        await asyncio.to_thread(self._write, key, data)
        return key

    async def read(self, key: str) -> bytes | None:
        path = self.path_for(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    def delete_now(self, key: str) -> None:
        """Remove a stored file (synchronously: one unlink, for transaction hooks)."""
        self.path_for(key).unlink(missing_ok=True)

    def _write(self, key: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(key)
        partial = target.with_name(target.name + ".part")
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, target)
