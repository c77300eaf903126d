"""Recorded answers kept for review go on their date; drafts never confirmed go after a
day; the export holds a person's recordings and an erasure removes them."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.privacy.export import DOCUMENT_NAME
from hireloop.privacy.retention import purge
from hireloop.voice.models import VoiceAnswer
from tests.factories import PASSWORD, auth
from tests.voice.conftest import audio_files
from tests.voice.helpers import confirm, upload, voice_interview
from tests.voice.recordings import Recordings

ANSWER = "I would retry failed jobs from a queue with backoff and alert on a growing backlog."


async def _purge(app: Any, settings: Settings, days_later: float) -> list[str]:
    async with app.state.sessionmaker() as session:
        plan = await purge(session, settings, utcnow() + timedelta(days=days_later))
        await session.commit()
    return plan.lines()


async def test_kept_recordings_and_abandoned_drafts_go_on_their_dates(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    settings.speech_keep_audio_days = 3
    token, recruiter, started, _ = await voice_interview(client, app)
    interview_id = started["id"]
    kept = (await upload(client, token, interview_id, recordings.read("webm"))).json()
    assert (await confirm(client, token, interview_id, kept["id"], ANSWER)).status_code == 200
    draft = (await upload(client, token, interview_id, recordings.read("ogg"), "audio/ogg")).json()
    assert len(audio_files(settings)) == 2

    assert await _purge(app, settings, 0.5) == []
    assert [line.split()[1] for line in await _purge(app, settings, 2)] == [draft["id"]]
    assert len(audio_files(settings)) == 1
    url = f"/api/v1/interviews/{interview_id}/voice-answers/{kept['id']}/audio"
    assert (await client.get(url, headers=auth(recruiter))).status_code == 200

    assert [line.split()[1] for line in await _purge(app, settings, 4)] == [kept["id"]]
    assert audio_files(settings) == []
    assert (await client.get(url, headers=auth(recruiter))).status_code == 404
    assert await _purge(app, settings, 5) == []  # nothing found twice
    async with app.state.sessionmaker() as session:
        row = await session.get(VoiceAnswer, uuid.UUID(kept["id"]))
        assert row is not None and row.storage_key is None  # the transcript as heard stays


async def test_export_holds_recordings_and_erasure_removes_them(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    settings.speech_keep_audio_days = 30
    token, _, started, _ = await voice_interview(client, app)
    kept = (await upload(client, token, started["id"], recordings.read("webm"))).json()
    assert (await confirm(client, token, started["id"], kept["id"], ANSWER)).status_code == 200

    exported = await client.get("/api/v1/me/export", headers=auth(token))
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        names = archive.namelist()
        document = json.loads(archive.read(DOCUMENT_NAME))
        assert [row["id"] for row in document["data"]["voice_answers"]] == [kept["id"]]
        assert any(archive.read(name) == recordings.read("webm") for name in names)

    erased = await client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=auth(token)
    )
    assert erased.status_code == 204, erased.text
    assert audio_files(settings) == []
    async with app.state.sessionmaker() as session:
        assert list(await session.scalars(select(VoiceAnswer))) == []
