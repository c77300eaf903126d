"""A person's data as one zip archive: ``hireloop-export.json`` with every row of every
source in the registry, plus the original files (resumes) under ``files/``.

Paths inside the archive are built from row ids and the stored file's extension only,
never from a name the person typed, so no entry can point outside the archive.
"""

from __future__ import annotations

import asyncio
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.privacy.registry import SOURCES, FileStore, PersonalData

FORMAT = "hireloop-export/1"
DOCUMENT_NAME = "hireloop-export.json"


@dataclass(frozen=True)
class Export:
    file_name: str
    content: bytes


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return None  # no binary columns today; files travel as files
    return value


async def source_rows(
    session: AsyncSession, source: PersonalData, person_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The person's rows of one source, as plain dicts keyed by column name."""
    table = source.model.__table__
    primary = list(table.primary_key.columns)  # type: ignore[attr-defined]
    result = await session.execute(
        select(table).where(source.rows_of(person_id)).order_by(*primary)
    )
    return [
        {key: _plain(value) for key, value in row.items() if key not in source.hidden}
        for row in result.mappings()
    ]


async def collect(session: AsyncSession, person_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    return {source.name: await source_rows(session, source, person_id) for source in SOURCES}


async def build_export(
    session: AsyncSession, requester: User, person: User, settings: Settings
) -> Export:
    """Everything held about ``person``; recorded in the audit log first, so the export
    includes its own entry."""
    record(
        session,
        requester,
        AuditAction.export_downloaded,
        "user",
        person.id,
        person_id=person.id,
        details={"by": "self" if requester.id == person.id else "admin"},
    )
    await session.flush()
    now = utcnow()
    data = await collect(session, person.id)
    files: list[dict[str, Any]] = []
    contents: list[tuple[str, FileStore, str]] = []
    for source in SOURCES:
        if source.file_column is None or source.store is None:
            continue
        store = source.store(settings)
        for row in data[source.name]:
            key = row.get(source.file_column)
            if not key:
                continue
            path = f"files/{source.name}/{row['id']}{PurePosixPath(str(key)).suffix}"
            files.append({"source": source.name, "row_id": row["id"], "path": path})
            contents.append((path, store, str(key)))
    document = {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "person_id": str(person.id),
        "about": (
            "Everything Hireloop holds about you: one list per kind of data, each row as "
            "stored. Original files are in files/, listed under 'files'."
        ),
        "data": data,
        "files": files,
    }
    content = await asyncio.to_thread(_zip, document, contents)
    return Export(f"hireloop-export-{now:%Y%m%d-%H%M%S}.zip", content)


def _zip(document: dict[str, Any], contents: list[tuple[str, FileStore, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, store, key in contents:
            try:
                archive.writestr(path, store.path_for(key).read_bytes())
            except (OSError, ValueError):
                document["files"] = [
                    {**item, "missing": True} if item["path"] == path else item
                    for item in document["files"]
                ]
        text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
        archive.writestr(DOCUMENT_NAME, text)
    return buffer.getvalue()
