"""Steps of a voice interview through the public API."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import func, select

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.voice.models import VoiceAnswer
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.voice.conftest import audio_files

START = "/api/v1/interviews/start"
TYPED = "I would retry failed jobs from a queue with backoff and alert on a growing backlog."


async def voice_interview(
    client: AsyncClient, app: Any, **job: Any
) -> tuple[str, str, dict[str, Any], str]:
    """A candidate's job-linked interview started in voice mode:
    (candidate token, recruiter token, start response, first question id)."""
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter, **job)
    candidate = await register_candidate(client)
    token = candidate["access_token"]
    application = await apply(client, token, posting["id"])
    started = await client.post(
        START,
        json={"application_id": application["id"], "answer_mode": "voice"},
        headers=auth(token),
    )
    assert started.status_code == 201, started.text
    body = started.json()
    return token, recruiter, body, body["first_question"]["id"]


async def upload(
    client: AsyncClient,
    token: str,
    interview_id: str,
    data: bytes,
    content_type: str = "audio/webm",
    question_id: str | None = None,
) -> Response:
    form = {"question_id": question_id} if question_id else {}
    return await client.post(
        f"/api/v1/interviews/{interview_id}/voice-answers",
        files={"audio": ("answer.webm", data, content_type)},
        data=form,
        headers=auth(token),
    )


async def confirm(
    client: AsyncClient, token: str, interview_id: str, voice_answer_id: str, content: str
) -> Response:
    return await client.post(
        f"/api/v1/interviews/{interview_id}/voice-answers/{voice_answer_id}/confirm",
        json={"content": content},
        headers=auth(token),
    )


async def nothing_lost(
    client: AsyncClient, app: Any, settings: Settings, token: str, interview_id: str, qid: str
) -> None:
    """After a refused recording: the question is still open, nothing was kept, and typing
    the answer works."""
    detail = await client.get(f"/api/v1/interviews/{interview_id}", headers=auth(token))
    assert detail.json()["status"] == "in_progress"
    assert detail.json()["current_question"]["id"] == qid
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(VoiceAnswer)) == 0
    assert audio_files(settings) == []
    typed = await client.post(
        f"/api/v1/interviews/{interview_id}/messages",
        json={"content": TYPED, "question_id": qid},
        headers=auth(token),
    )
    assert typed.status_code == 200, typed.text
