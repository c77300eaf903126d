"""Original resume files on disk, under opaque names.

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

from hireloop.resumes.extraction import FileKind

_EXTENSIONS = {FileKind.pdf: ".pdf", FileKind.docx: ".docx", FileKind.text: ".txt"}
_KEY = re.compile(r"^[0-9a-f]{32}\.(?:pdf|docx|txt)$")


class ResumeStorage:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, key: str) -> Path:
        # Keys come from our own database, but a malformed one must still never escape.
        if not _KEY.fullmatch(key):
            raise ValueError(f"invalid storage key {key!r}")
        return self.directory / key

    async def save(self, data: bytes, kind: FileKind) -> str:
        """Store ``data`` and return its key."""
        key = uuid.uuid4().hex + _EXTENSIONS[kind]
        await asyncio.to_thread(self._write, key, data)
        return key

    def delete_now(self, key: str) -> None:
        """Remove a stored file (synchronously: one unlink, for transaction hooks)."""
        self.path_for(key).unlink(missing_ok=True)

    def _write(self, key: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path_for(key)
        partial = target.with_name(target.name + ".part")
        # Written aside, then renamed: a crash never leaves a half-written file under a key.
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, target)
