"""Stored files (resumes, recorded answers) on disk, under opaque names.

A stored file's name is a random UUID plus an extension chosen from the detected file
kind; nothing the client sent (its file name, its content type) ever becomes part of a
path. File I/O runs in a worker thread so the event loop keeps serving other requests.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path
from typing import ClassVar


class OpaqueFileStore:
    """One directory of files named ``<32 hex digits>.<extension>``."""

    extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._key = re.compile(r"^[0-9a-f]{32}\.(?:" + "|".join(self.extensions) + r")$")

    def path_for(self, key: str) -> Path:
        # Keys come from our own database, but a malformed one must still never escape.
        if not self._key.fullmatch(key):
            raise ValueError(f"invalid storage key {key!r}")
        return self.directory / key

    async def read(self, key: str) -> bytes | None:
        """A stored file's bytes; None once it is deleted."""
        try:
            return await asyncio.to_thread(self.path_for(key).read_bytes)
        except FileNotFoundError:
            return None

    def delete_now(self, key: str) -> None:
        """Remove a stored file (synchronously: one unlink, for transaction hooks)."""
        self.path_for(key).unlink(missing_ok=True)

    async def _save(self, data: bytes, extension: str) -> str:
        key = f"{uuid.uuid4().hex}.{extension}"
        await asyncio.to_thread(self._write, key, data)
        return key

    def _write(self, key: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(key)
        partial = target.with_name(target.name + ".part")
        # Written aside, then renamed: a crash never leaves a half-written file under a key.
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, target)
