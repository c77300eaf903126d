"""Original resume files on disk, under opaque names (see ``hireloop.file_store``)."""

from __future__ import annotations

from hireloop.file_store import OpaqueFileStore
from hireloop.resumes.extraction import FileKind

_EXTENSIONS = {FileKind.pdf: "pdf", FileKind.docx: "docx", FileKind.text: "txt"}


class ResumeStorage(OpaqueFileStore):
    extensions = tuple(_EXTENSIONS.values())

    async def save(self, data: bytes, kind: FileKind) -> str:
        """Store ``data`` and return its key."""
        return await self._save(data, _EXTENSIONS[kind])
