"""Migration 0010: an interview in progress when the engine state was nine columns carries
on through the API once they are one document, and the downgrade gives the columns back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine

from hireloop import migrate
from hireloop.auth.security import hash_password
from hireloop.config import Settings
from hireloop.db import JSONType, UTCDateTime
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.loop import AdaptiveLoop, LoopConfig
from hireloop.engine.planner import build_skill_plan
from hireloop.engine.state import EngineState, SkillState
from hireloop.main import create_app
from tests.factories import PASSWORD, auth
from tests.interviews.simulate import strong_answer, take_interview

BEFORE = "0009_word_search"
EMAIL = "old-interview@example.com"

_users = sa.table(
    "users",
    *(sa.column(name) for name in ("email", "full_name", "password_hash", "role", "status")),
    sa.column("id", sa.Uuid()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
_interviews = sa.table(
    "interviews",
    *(sa.column(name) for name in ("role_type", "status", "ai_provider")),
    *(sa.column(name) for name in ("prompt_tokens", "completion_tokens", "total_tokens_used")),
    sa.column("id", sa.Uuid()),
    sa.column("candidate_id", sa.Uuid()),
    *(sa.column(name, UTCDateTime()) for name in ("started_at", "created_at", "updated_at")),
)
_messages = sa.table(
    "interview_messages",
    *(sa.column(name) for name in ("sequence_number", "message_type", "content_text")),
    sa.column("id", sa.Uuid()),
    sa.column("interview_id", sa.Uuid()),
    sa.column("metadata", JSONType),
    sa.column("created_at", UTCDateTime()),
)
_JSON_COLUMNS = (
    "skill_plan",
    "phase_history",
    "response_quality_history",
    "skills_explored",
    "skills_pending",
    "boundary_detections",
    "skill_levels",
    "cursor",
)
_sessions = sa.table(
    "interview_sessions",
    sa.column("current_difficulty_level"),
    sa.column("questions_asked_count"),
    *(sa.column(name, JSONType) for name in _JSON_COLUMNS),
    sa.column("id", sa.Uuid()),
    sa.column("interview_id", sa.Uuid()),
    sa.column("last_activity_at", UTCDateTime()),
)


async def _insert_old_interview(url: str) -> dict[str, Any]:
    """A python interview at its first question, stored as revision 0009 stored it."""
    now = datetime.now(UTC)
    kb = get_knowledge()
    plan = build_skill_plan(kb, "python")
    planning = EngineState(skill_plan=plan, skill_levels={s.id: SkillState() for s in plan})
    turn = AdaptiveLoop(kb, LoopConfig()).next_question(planning, seed="old", now=now)
    assert turn is not None
    user_id, interview_id, question_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                _users.insert().values(
                    id=user_id,
                    email=EMAIL,
                    full_name="Olga Oldtimer",
                    password_hash=hash_password(PASSWORD),
                    role="candidate",
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            await connection.execute(
                _interviews.insert().values(
                    id=interview_id,
                    candidate_id=user_id,
                    role_type="python",
                    status="in_progress",
                    ai_provider="builtin",
                    prompt_tokens=0,
                    completion_tokens=0,
                    total_tokens_used=0,
                    started_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            await connection.execute(
                _messages.insert().values(
                    id=question_id,
                    interview_id=interview_id,
                    sequence_number=1,
                    message_type="ai_question",
                    content_text=turn.text,
                    metadata=turn.metadata(),
                    created_at=now,
                )
            )
            await connection.execute(
                _sessions.insert().values(
                    id=uuid.uuid4(),
                    interview_id=interview_id,
                    current_difficulty_level="warmup",
                    questions_asked_count=1,
                    skill_plan=[s.model_dump(mode="json") for s in plan],
                    phase_history=[
                        {"phase": "warmup", "question_number": 1, "at": now.isoformat()}
                    ],
                    response_quality_history=[],
                    skills_explored=[],
                    skills_pending=[s.id for s in plan],
                    boundary_detections=[],
                    skill_levels={
                        s.id: {
                            "level": "not_assessed",
                            "rung": "warmup",
                            "primary_questions": int(s.id == turn.skill_id),
                            "closed": False,
                            "answers": [],
                        }
                        for s in plan
                    },
                    cursor={
                        "skill_index": 0,
                        "skill_id": turn.skill_id,
                        "question_id": turn.question_id,
                        "question_message_id": str(question_id),
                        "followup_asked": False,
                        "followup_of_message_id": None,
                        "asked_question_ids": [turn.question_id],
                        "skill_difficulty": {turn.skill_id: "warmup"},
                    },
                    last_activity_at=now,
                )
            )
    finally:
        await engine.dispose()
    return {"id": str(interview_id), "question_id": str(question_id), "plan": plan}


async def _continue_through_the_api(url: str, data_dir: Path, old: dict[str, Any]) -> int:
    """Sign in, find the interview where it was, and finish it; how many questions."""
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=data_dir,
        jwt_secret=SecretStr("test-secret-key-that-is-long-enough-for-hs256"),
        log_json=True,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client,
    ):
        login = await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        detail = (await client.get(f"/api/v1/interviews/{old['id']}", headers=auth(token))).json()
        assert detail["status"] == "in_progress"
        assert detail["current_question"]["id"] == old["question_id"]
        session = detail["session"]
        assert session["questions_asked_count"] == 1
        assert session["skills_pending"] == [s.id for s in old["plan"]]
        assert session["skills_explored"] == []
        assert detail["progress"]["question_number"] == 1
        turns = await take_interview(client, token, detail, strong_answer)
        results = await client.get(f"/api/v1/interviews/{old['id']}/results", headers=auth(token))
        assert results.status_code == 200, results.text
        assert all(s["score"] is not None for s in results.json()["skill_results"])
    return 1 + sum(1 for turn in turns if turn["next_question"] is not None)


async def _old_columns(url: str) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(sa.select(_sessions))).one()
    finally:
        await engine.dispose()
    return dict(row._mapping)


def test_an_interview_in_progress_carries_on_after_the_columns_become_a_document(
    empty_database_url: str, tmp_path: Path
) -> None:
    url = empty_database_url
    migrate.upgrade(url, BEFORE)
    old = asyncio.run(_insert_old_interview(url))
    migrate.upgrade(url)

    asked = asyncio.run(_continue_through_the_api(url, tmp_path / "data", old))

    migrate.downgrade(url, BEFORE)
    columns = asyncio.run(_old_columns(url))
    assert columns["questions_asked_count"] == asked
    assert columns["current_difficulty_level"] in ("standard", "advanced")
    assert columns["skills_pending"] == []
    assert sorted(columns["skills_explored"]) == sorted(s.id for s in old["plan"])
    assert columns["cursor"]["skill_index"] == 0
    assert len(columns["cursor"]["asked_question_ids"]) >= len(old["plan"])
    migrate.upgrade(url)
