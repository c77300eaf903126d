"""Structured start-up logs: correlation id, ids and flags only (never content or PII)."""

from __future__ import annotations

import json

import pytest
from httpx import AsyncClient

from tests.factories import auth, logged_events, register_candidate


async def test_start_logs_events_with_the_request_id_and_no_personal_data(
    capsys: pytest.CaptureFixture[str], client: AsyncClient
) -> None:
    # capsys first: the app (built by the client fixture) logs to the stream it finds.
    user = await register_candidate(client, name="Grace Secretname")
    response = await client.post(
        "/api/v1/interviews/start",
        json={"role_type": "python"},
        headers={**auth(user["access_token"]), "X-Request-ID": "req-abc-123"},
    )
    assert response.status_code == 201
    assert response.headers["x-request-id"] == "req-abc-123"
    lines = logged_events(capsys)
    events = {line["event"]: line for line in lines if line.get("request_id") == "req-abc-123"}
    assert {"start_interview_request", "interview_started_successfully"} <= set(events)
    assert events["interview_started_successfully"]["interview_id"] == response.json()["id"]
    logged = json.dumps(lines)
    assert "Secretname" not in logged and user["user"]["email"] not in logged
    assert response.json()["first_question"]["content_text"][:40] not in logged


async def test_a_missing_or_malformed_request_id_is_replaced(client: AsyncClient) -> None:
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 36
    hostile = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert hostile.headers["x-request-id"] != "bad id\nwith newline"
