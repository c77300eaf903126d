"""Whole interviews with a language model behind the adaptive loop (SPEC §6).

The real ``openai`` client talks to a scripted OpenAI-compatible server. In every
scenario — good replies, fenced JSON, malformed JSON, a 0-10 score, 429s, 500s, replies
slower than the timeout, a refused connection — a job-linked interview completes, each
message records who answered and why, and tokens and cost add up on the interview.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.interviews.simulate import full_transcript, question_for, strong_answer, take_interview
from tests.live_server import free_port
from tests.providers.fake_openai import Call, FakeOpenAI, Reply, Script, naive_model

START = "/api/v1/interviews/start"
JOB = {
    "title": "Staff Data Engineer",
    "company": "Quillfeather Analytics",
    "tech_stack": "Python, Spark",
    "required_skills": ["Apache Spark", "Data modeling", "Airflow"],
    "experience_level": "senior",
}


def fenced(call: Call) -> Reply:
    reply = naive_model(call)
    reply.content = f"Here you go:\n```json\n{reply.content}\n```\nGood luck!"
    return reply


def malformed(call: Call) -> Reply:
    return Reply(content='{"question": "What is a shuffle in Spark?", "score": ')


def unknown_claims(call: Call) -> Reply:
    reply = naive_model(call)
    if call.task == "evaluation":
        verdict = json.loads(reply.content or "{}")
        verdict["claims"].append({"id": "a-claim-it-made-up", "quote": "anything"})
        reply.content = json.dumps(verdict)
    return reply


def html_page(call: Call) -> Reply:
    page = "<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>"
    return Reply(raw_body=page, content_type="text/html")


def without(**fields: Any) -> Script:
    def script(call: Call) -> Reply:
        reply = naive_model(call)
        for name, value in fields.items():
            setattr(reply, name, value)
        return reply

    return script


def schema_mode_500(call: Call) -> Reply:
    if call.response_format == "json_schema":  # llama.cpp's server: 500 for an unknown mode
        return Reply(status=500, content="json_schema is not supported")
    return naive_model(call)


def always(status: int, **headers: str) -> Script:
    return lambda call: Reply(status=status, content="unavailable", headers=headers)


def slow(call: Call) -> Reply:
    reply = naive_model(call)
    reply.delay = 0.4
    return reply


# scenario -> (script, settings changes, fallback reason for questions, for evaluations,
#              for the results wording); None means the model answered.
SCENARIOS: dict[str, tuple[Script, dict[str, Any], str | None, str | None, str | None]] = {
    "well_formed": (naive_model, {}, None, None, None),
    "fenced_json": (fenced, {}, None, None, None),
    "malformed_json": (malformed, {}, "invalid_output", "invalid_output", "invalid_output"),
    "unknown_claim_ids": (unknown_claims, {}, None, "invalid_output", None),
    "html_page_with_200": (html_page, {}, *["not_json (text/html)"] * 3),
    "no_choices": (without(with_choices=False), {}, *["no_choices"] * 3),
    "cut_off_by_max_tokens": (without(finish_reason="length"), {}, *["length"] * 3),
    "500_for_json_schema": (schema_mode_500, {}, None, None, None),
    "no_usage_reported": (without(with_usage=False), {}, None, None, None),
    "rate_limited": (always(429, **{"Retry-After": "0"}), {}, *["rate_limited"] * 3),
    "server_errors": (always(500), {}, *["server_error"] * 3),
    "slower_than_timeout": (
        slow,
        {"ai_timeout_seconds": 0.1, "ai_max_retries": 1},
        *["timeout"] * 3,
    ),
    "connection_refused": (naive_model, {"refused": True}, *["connection_error"] * 3),
}


async def _job_linked(client: AsyncClient, app: Any, **job: Any) -> tuple[str, dict[str, Any]]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter, **{**JOB, **job})
    token = (await register_candidate(client))["access_token"]
    application = await apply(client, token, posting["id"])
    response = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return token, response.json()


def _configure(settings: Settings, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name == "refused":
            settings.ai_base_url = f"http://127.0.0.1:{free_port()}/v1"
        else:
            setattr(settings, name, value)


def _expected_cost(prompt: int, completion: int) -> Decimal:
    return (Decimal(prompt) * Decimal("0.15") + Decimal(completion) * Decimal("0.60")) / Decimal(
        1_000_000
    )


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_job_linked_interview_completes_with_the_right_fallbacks(
    scenario: str,
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_openai: FakeOpenAI,
) -> None:
    script, changes, question_reason, evaluation_reason, wording_reason = SCENARIOS[scenario]
    fake_openai.script = script
    _configure(settings, changes)

    token, started = await _job_linked(client, app)
    turns = await take_interview(client, token, started, strong_answer)
    assert turns[-1]["interview_complete"]

    transcript = await full_transcript(client, token, started["id"])
    assert [m["sequence_number"] for m in transcript] == list(range(1, len(transcript) + 1))
    plan = started["session"]["skill_plan"]
    questions = [m for m in transcript if m["message_type"] == "ai_question"]
    answers = [m for m in transcript if m["message_type"] == "candidate_response"]
    assert len(answers) == len(turns), "no answer is lost"
    for message in questions:
        meta = message["metadata"]
        assert (meta["provider"], meta["model"]) == ("openai", "gpt-4o-mini")
        assert meta["fallback"] is (question_reason is not None), meta
        assert meta["fallback_reason"] == question_reason
        pack_question = question_for(message, plan)
        if question_reason is None:
            assert "how do you apply" in message["content_text"]
        else:  # the built-in engine's own wording
            assert pack_question.text in message["content_text"]
    for message in answers:
        meta = message["metadata"]
        assert meta["fallback_reason"] == evaluation_reason, meta
        assert meta["engine"] == ("builtin" if evaluation_reason else "openai")
        assert 0 <= meta["evaluation"]["score"] <= 1
    closing = transcript[-1]
    assert closing["message_type"] == "ai_closing"
    assert closing["metadata"]["results_wording"]["fallback_reason"] == wording_reason

    detail = (await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))).json()
    prompt, completion = fake_openai.billed(settings.ai_timeout_seconds)
    assert (detail["ai_provider"], detail["ai_model_used"]) == ("openai", "gpt-4o-mini")
    assert detail["total_tokens_used"] == prompt + completion
    if scenario == "no_usage_reported":
        assert detail["cost_usd"] is None, "unknown usage: unknown cost, never $0"
    else:
        assert Decimal(str(detail["cost_usd"])) == _expected_cost(prompt, completion)
    if scenario in ("well_formed", "malformed_json", "unknown_claim_ids", "cut_off_by_max_tokens"):
        assert prompt > 0, "replies that were billed count, usable or not"

    results = await client.get(f"/api/v1/interviews/{started['id']}/results", headers=auth(token))
    assert results.status_code == 200, results.text
    assert results.json()["overall_score"] >= 70
    engine = results.json()["engine"]
    assert engine == ("builtin" if evaluation_reason and wording_reason else engine), engine
    if evaluation_reason is not None:
        assert "openai" not in engine or "builtin" in engine, "fallbacks are not the model's"

    # Each task's own system prompt carries what that task needs of the job: the
    # interviewer all of it, the judge and the results writer the job itself.
    for call in fake_openai.calls:
        needed = (JOB["title"], JOB["company"])
        if call.task == "question":
            needed += (*JOB["required_skills"], "Skill plan")
        for text in needed:
            assert text in call.system, (text, call.task)
        assert call.headers["authorization"] == "Bearer sk-test-key"
    if scenario != "connection_refused":  # then no call reaches any server
        assert {c.task for c in fake_openai.calls} >= {"question"}
    systems = {c.task: c.system for c in fake_openai.calls}
    assert len(set(systems.values())) == len(systems), "one system prompt per task"


async def test_failed_attempts_are_retried_before_falling_back(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script = always(503)
    _, started = await _job_linked(client, app)
    meta = started["first_question"]["metadata"]
    assert meta["fallback_reason"] == "server_error"
    assert meta["attempts"] == 3, "one call and two retries (HIRELOOP_AI_MAX_RETRIES=2)"
    assert len(fake_openai.calls) == 3


async def test_retry_after_is_honoured(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    def busy_once(call: Call) -> Reply:
        if len(fake_openai.calls) == 1:
            return Reply(status=429, content="busy", headers={"Retry-After": "1"})
        return naive_model(call)

    fake_openai.script = busy_once
    _, started = await _job_linked(client, app)
    meta = started["first_question"]["metadata"]
    assert meta["fallback"] is False and meta["attempts"] == 2
    first, second = fake_openai.calls[:2]
    # The backoff alone is ~10 ms here; only Retry-After explains a one-second wait.
    assert second.at - first.at >= 0.95


async def test_standalone_interview_sends_no_job_context(
    client: AsyncClient, fake_openai: FakeOpenAI
) -> None:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": "python"}, headers=auth(token))
    assert response.status_code == 201, response.text
    await take_interview(client, token, response.json(), strong_answer)
    assert fake_openai.calls
    for call in fake_openai.calls:
        assert "<job_posting>" not in call.system and "Job context" not in call.system
        assert "python" in call.system.lower()


async def test_json_schema_rejected_falls_back_to_json_mode_once(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    def no_schemas(call: Call) -> Reply:
        if call.response_format == "json_schema":
            return Reply(status=400, content="response_format json_schema is not supported")
        return naive_model(call)

    fake_openai.script = no_schemas
    token, started = await _job_linked(client, app)
    await take_interview(client, token, started, strong_answer)
    formats = [c.response_format for c in fake_openai.calls]
    assert formats[0] == "json_schema"
    assert set(formats[1:]) == {"json_object"}, "the working mode is remembered"
    transcript = await full_transcript(client, token, started["id"])
    assert not any(m["metadata"].get("fallback") for m in transcript)


async def test_llama_cpp_gets_the_schema_as_a_grammar_and_bad_content_keeps_the_mode(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    """llama.cpp answers 500 to json_schema; json_object then carries the task's schema
    (its servers compile it into a grammar). A reply of the right shape whose content
    fails a check is repaired in the same mode: stepping down would drop the grammar."""
    two_questions = json.dumps({"question": "What is a list? And what is a tuple? Why?"})
    refused: list[str] = []

    def llama_cpp(call: Call) -> Reply:
        if call.response_format == "json_schema":
            return Reply(status=500, content="json_schema is not supported")
        if call.task == "question" and not refused:
            refused.append(call.task)
            return Reply(content=two_questions)
        return naive_model(call)

    fake_openai.script = llama_cpp
    token, started = await _job_linked(client, app)
    await take_interview(client, token, started, strong_answer)
    assert refused, "a question with content the checks refuse was sent"
    calls = fake_openai.calls
    assert calls[0].response_format == "json_schema"
    assert {c.response_format for c in calls[1:]} == {"json_object"}, "the mode stays"
    wanted = {"question": {"question"}, "evaluation": {"claims", "misconceptions"}}
    for call in calls[1:]:
        schema = call.body["response_format"]["schema"]
        assert wanted.get(call.task, set()) <= set(schema["properties"]), call.task
        if call.task == "evaluation":
            claims = schema["properties"]["claims"]
            assert claims["maxItems"] >= 1 and claims["items"]["properties"]["quote"]["maxLength"]
    transcript = await full_transcript(client, token, started["id"])
    assert sum(1 for m in transcript if m["metadata"].get("fallback")) == 0


async def test_stepping_down_a_format_is_not_a_retry(
    client: AsyncClient, app: Any, settings: Settings, fake_openai: FakeOpenAI
) -> None:
    """With no retries allowed, llama.cpp's 500 to json_schema still leaves the call its
    json_object attempt: another format is a new start, not a second try."""
    settings.ai_max_retries = 0
    fake_openai.script = schema_mode_500
    _, started = await _job_linked(client, app)
    meta = started["first_question"]["metadata"]
    assert meta["fallback"] is False and meta["attempts"] == 2
    assert [c.response_format for c in fake_openai.calls] == ["json_schema", "json_object"]


async def test_a_format_that_worked_is_kept_through_a_bad_reply(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    """Once json_schema has given usable replies, one reply that is not JSON (a bad
    sample, a proxy's hiccup) is repaired in the same mode, not taken as the format
    failing for good."""
    garbled: list[int] = []

    def one_bad_reply(call: Call) -> Reply:
        if call.task == "evaluation" and not garbled:
            garbled.append(len(fake_openai.calls))
            return Reply(content="Sure! The candidate did well.")
        return naive_model(call)

    fake_openai.script = one_bad_reply
    token, started = await _job_linked(client, app)
    await take_interview(client, token, started, strong_answer)
    assert garbled, "the bad reply was sent"
    assert {c.response_format for c in fake_openai.calls} == {"json_schema"}
    transcript = await full_transcript(client, token, started["id"])
    assert not any(m["metadata"].get("fallback") for m in transcript)


async def test_unknown_model_counts_tokens_without_a_cost(
    client: AsyncClient, app: Any, settings: Settings, fake_openai: FakeOpenAI
) -> None:
    settings.ai_model = "llama3.1:8b"
    token, started = await _job_linked(client, app)
    await take_interview(client, token, started, strong_answer)
    detail = (await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))).json()
    assert detail["ai_model_used"] == "llama3.1:8b"
    assert detail["total_tokens_used"] == sum(fake_openai.billed()) > 0
    assert detail["cost_usd"] is None


async def test_builtin_interviews_record_the_builtin_engine(
    client: AsyncClient, settings: Settings, fake_openai: FakeOpenAI
) -> None:
    settings.ai_provider = "builtin"
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": "go"}, headers=auth(token))
    started = response.json()
    await take_interview(client, token, started, strong_answer)
    transcript = await full_transcript(client, token, started["id"])
    for message in transcript[:-1]:
        meta = message["metadata"]
        assert (meta["provider"], meta["model"], meta["fallback"]) == ("builtin", None, False)
    detail = (await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))).json()
    assert (detail["ai_provider"], detail["ai_model_used"]) == ("builtin", None)
    assert detail["total_tokens_used"] == 0 and detail["cost_usd"] is None
    assert not fake_openai.calls, "the built-in engine never touches the network"
