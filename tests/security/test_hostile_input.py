"""Hostile content: oversized and mistyped bodies, deep JSON, NUL bytes and broken
Unicode in every text field, long answers, injection strings — a 4xx or intact storage,
never a 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.security.body_checks import MAX_JSON_DEPTH
from tests.factories import PASSWORD, auth, create_job, create_staff_user, job_payload
from tests.factories import register_candidate as register

REGISTER = "/api/v1/auth/register"
SQL = "'; DROP TABLE users; -- \" OR 1=1 /* ) UNION SELECT password_hash FROM users"
TEMPLATE = "{{ 7*7 }} {% raw %}${7*7}{% endraw %} <%= 7*7 %> #{7*7} <script>alert(1)</script>"
HOSTILE = [SQL, TEMPLATE, "Ünïcødé 🚀 — 日本語 \u200b zero-width", "C:\\path\\..\\..\\etc\\passwd"]
BAD_TEXT = {
    "NUL escape": "before\u0000after",
    "lone surrogate": "broken \ud800 text",
}


@pytest.fixture
async def people(app: Any, client: AsyncClient) -> AsyncIterator[dict[str, Any]]:
    candidate = await register(client)
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    job = await create_job(client, recruiter)
    started = await client.post(
        "/api/v1/interviews/start",
        json={"role_type": "python"},
        headers=auth(candidate["access_token"]),
    )
    assert started.status_code == 201
    yield {
        "candidate": candidate,
        "recruiter": recruiter,
        "admin": admin,
        "job": job,
        "interview": started.json(),
    }


def _text_fields(people: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any], str]]:
    """(method, url, token, valid body, text field) for every text field clients send."""
    candidate = people["candidate"]["access_token"]
    interview = people["interview"]["id"]
    user_id = people["candidate"]["user"]["id"]
    fields: list[tuple[str, str, str, dict[str, Any], str]] = []
    register_body = {"email": "new@example.com", "password": PASSWORD, "full_name": "New Person"}
    for name in ("email", "password", "full_name", "phone"):
        fields.append(("POST", REGISTER, "", register_body, name))
    for name in ("email", "password"):
        fields.append(("POST", "/api/v1/auth/login", "", register_body, name))
    job = job_payload()
    for name in ("title", "company", "description", "tech_stack", "location", "salary_currency"):
        fields.append(("POST", "/api/v1/job-postings", people["recruiter"], job, name))
        fields.append(
            ("PATCH", f"/api/v1/job-postings/{people['job']['id']}", people["recruiter"], {}, name)
        )
    answer = {
        "content": "A sufficiently long answer about generators.",
        "question_id": people["interview"]["first_question"]["id"],
    }
    fields.append(
        ("POST", f"/api/v1/interviews/{interview}/messages", candidate, answer, "content")
    )
    fields.append(
        ("POST", f"/api/v1/interviews/{interview}/messages", candidate, answer, "idempotency_key")
    )
    fields.append(("POST", "/api/v1/interviews/start", candidate, {}, "role_type"))
    fields.append(("PATCH", f"/api/v1/users/{user_id}", people["admin"], {}, "full_name"))
    return fields


@pytest.mark.parametrize("kind", sorted(BAD_TEXT))
async def test_unstorable_text_in_any_field_is_refused_with_422(
    client: AsyncClient, people: dict[str, Any], kind: str
) -> None:
    bad = BAD_TEXT[kind]
    for method, url, token, body, name in _text_fields(people):
        payload = {**body, name: bad}
        headers = {"content-type": "application/json", **(auth(token) if token else {})}
        # ensure_ascii keeps the \u0000 / \ud800 escapes, exactly as a client would send them
        response = await client.request(method, url, content=json.dumps(payload), headers=headers)
        assert response.status_code == 422, (method, url, name, response.text)
        assert name in response.json()["detail"], response.json()
    # The same in list items (required_skills) and in query strings.
    skills = job_payload(required_skills=["Python", bad])
    created = await client.post(
        "/api/v1/job-postings",
        content=json.dumps(skills),
        headers={"content-type": "application/json", **auth(people["recruiter"])},
    )
    assert created.status_code == 422
    for param in ("search", "location", "tech_stack"):
        listed = await client.get("/api/v1/job-postings", params={param: "a\x00b"})
        assert listed.status_code == 422, listed.text


def _encodings(payload: dict[str, Any]) -> dict[str, bytes]:
    """The same JSON document the ways a client can send it that Python's JSON reader
    accepts: with a UTF-8 byte-order mark, as UTF-16 or UTF-32 (no mark)."""
    text = json.dumps(payload)  # ASCII, the NUL kept as its \u0000 escape
    return {
        "utf-8 with BOM": b"\xef\xbb\xbf" + text.encode(),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
        "utf-32-le": text.encode("utf-32-le"),
    }


async def test_unstorable_text_is_refused_in_every_encoding_of_json(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    for method, url, token, body, name in _text_fields(people):
        for encoding, raw in _encodings({**body, name: BAD_TEXT["NUL escape"]}).items():
            headers = {"content-type": "application/json", **(auth(token) if token else {})}
            response = await client.request(method, url, content=raw, headers=headers)
            assert response.status_code == 422, (encoding, method, url, name, response.text)
    transcript = await client.get(
        f"/api/v1/interviews/{people['interview']['id']}/messages",
        headers=auth(people["candidate"]["access_token"]),
    )
    assert "\x00" not in transcript.text and "\\u0000" not in transcript.text


async def test_two_content_type_headers_are_refused(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    url = f"/api/v1/interviews/{people['interview']['id']}/messages"
    body = json.dumps(
        {"content": "a\u0000b", "question_id": people["interview"]["first_question"]["id"]}
    )
    headers = [
        ("authorization", f"Bearer {people['candidate']['access_token']}"),
        ("content-type", "application/json"),
        ("content-type", "multipart/form-data; boundary=x"),
    ]
    response = await client.post(url, content=body, headers=headers)
    assert response.status_code == 400
    assert "one Content-Type" in response.json()["detail"]
    big = json.dumps({"content": "x" * (2 * 1024 * 1024)})  # over the JSON limit, under uploads
    assert (await client.post(url, content=big, headers=headers)).status_code in (400, 413)


async def test_raw_nul_bytes_and_invalid_utf8_are_refused(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    url = f"/api/v1/interviews/{people['interview']['id']}/messages"
    headers = {"content-type": "application/json", **auth(people["candidate"]["access_token"])}
    question = people["interview"]["first_question"]["id"].encode()
    for content in (
        b"raw \x00 byte in a long enough answer",
        b"invalid \xff\xfe utf-8 in a long enough answer",
        b"truncated \xe2\x82 sequence in an answer",
    ):
        raw = b'{"content": "' + content + b'", "question_id": "' + question + b'"}'
        response = await client.post(url, content=raw, headers=headers)
        assert response.status_code == 422, (raw, response.text)
        detail = response.json()["detail"]
        assert "not valid JSON (Invalid control character" in detail or "UTF-8" in detail
    query = await client.get("/api/v1/job-postings?search=%ff%fe")
    assert query.status_code == 422


async def test_deeply_nested_json_is_refused(client: AsyncClient, people: dict[str, Any]) -> None:
    headers = {"content-type": "application/json", **auth(people["candidate"]["access_token"])}
    url = f"/api/v1/interviews/{people['interview']['id']}/messages"
    for depth in (MAX_JSON_DEPTH + 5, 100_000):
        body = '{"content": ' + "[" * depth + "]" * depth + "}"
        response = await client.post(url, content=body, headers=headers)
        assert response.status_code == 422, (depth, response.text[:200])
        assert "nested" in response.json()["detail"]


async def test_oversized_bodies_are_refused_with_413(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    headers = {"content-type": "application/json", **auth(people["candidate"]["access_token"])}
    url = f"/api/v1/interviews/{people['interview']['id']}/messages"
    big = json.dumps({"content": "x" * (2 * 1024 * 1024)})
    declared = await client.post(url, content=big, headers=headers)
    assert declared.status_code == 413
    assert "too large" in declared.json()["detail"]

    async def stream() -> AsyncIterator[bytes]:  # chunked: no Content-Length to trust
        yield b'{"content": "'
        for _ in range(40):
            yield b"y" * 65536
        yield b'"}'

    chunked = await client.post(url, content=stream(), headers=headers)
    assert chunked.status_code == 413


async def test_wrong_content_types_are_refused_with_415(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    body = json.dumps({"email": "x@example.com", "password": PASSWORD, "full_name": "X"})
    for content_type in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
        response = await client.post(REGISTER, content=body, headers={"content-type": content_type})
        assert response.status_code == 415, content_type
        assert "Content-Type" in response.json()["detail"]
    missing = await client.post(REGISTER, content=body.encode(), headers={"content-type": ""})
    assert missing.status_code == 415
    # A vendor JSON type is JSON, and a body-less POST needs no type at all.
    ok = await client.post(
        REGISTER, content=body, headers={"content-type": "application/vnd.api+json"}
    )
    assert ok.status_code == 201
    interview = people["interview"]["id"]
    done = await client.post(
        f"/api/v1/interviews/{interview}/complete",
        headers=auth(people["candidate"]["access_token"]),
    )
    assert done.status_code == 200


async def test_long_answers_and_injection_strings_are_stored_intact(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    token = people["candidate"]["access_token"]
    url = f"/api/v1/interviews/{people['interview']['id']}/messages"
    question = people["interview"]["first_question"]["id"]
    too_long = await client.post(
        url, json={"content": "a" * 5001, "question_id": question}, headers=auth(token)
    )
    assert too_long.status_code == 422
    sent = ["word " * 999 + "done!", *HOSTILE]  # the first is exactly 5,000 characters
    assert len(sent[0]) == 5000
    for text in sent:
        body = {"content": text, "question_id": question}
        response = await client.post(url, json=body, headers=auth(token))
        assert response.status_code == 200, response.text[:300]
        assert response.json()["answer"]["content_text"] == text
        if response.json()["interview_complete"]:
            break
        question = response.json()["next_question"]["id"]
    transcript = await client.get(url, params={"limit": 200}, headers=auth(token))
    stored = [m["content_text"] for m in transcript.json()["items"]]
    assert all(text in stored for text in sent)


async def test_injection_strings_in_job_postings_round_trip_and_render_escaped(
    client: AsyncClient, people: dict[str, Any]
) -> None:
    job = await create_job(
        client,
        people["recruiter"],
        title=TEMPLATE[:200],
        company=SQL[:200],
        description=" ".join(HOSTILE),
        location="Remote {{ config }}",
    )
    fetched = await client.get(f"/api/v1/job-postings/{job['id']}")
    assert fetched.json()["title"] == TEMPLATE[:200]
    assert fetched.json()["company"] == SQL[:200]
    assert fetched.json()["description"] == " ".join(HOSTILE)
    found = await client.get("/api/v1/job-postings", params={"search": "DROP TABLE"})
    assert found.status_code == 200
    page = await client.get(f"/jobs/{job['id']}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text  # escaped, not executed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "{{ 7*7 }}" in page.text and "Remote {{ config }}" in page.text  # never evaluated
    assert (await client.get("/api/v1/auth/me", headers=auth(people["admin"]))).status_code == 200
