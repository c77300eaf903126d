"""Encoding fuzz: every JSON and form route gets a NUL in every text field, in every
wrapping a client can choose, and nothing may store it or answer with a 5xx.

The routes are the app's own (its OpenAPI document for the API; its route table and the
forms its pages show for the web pages), so a new route is fuzzed without anyone adding
it here; a page route whose form no page shows fails the test until one does. Each text
field (JSON string leaves and keys, form fields, file names and contents) is sent with a
NUL as: JSON with the \\u0000 escape or a raw NUL, with a UTF-8/16/32 byte-order mark or
as UTF-16/32 without one, under a declared charset and a +json media type; URL-encoded
(%00, raw, BOM-prefixed, UTF-16); multipart (raw, in a UTF-16 part, under
charset=utf-7 where ``+AAA-`` is a NUL, or as a file part); and with two Content-Type
headers. Query strings of every GET route carry one too. Afterwards every column of
every table is read back: 0 NULs stored.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from httpx import ASGITransport, AsyncClient
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hireloop.config import Settings
from hireloop.consent.models import Consent
from hireloop.db import Base
from hireloop.main import create_app
from tests.factories import PASSWORD, apply, auth, create_job
from tests.resumes.files import RESUME_LINES, make_text
from tests.security.encodings import (
    Form,
    Sent,
    file_bodies,
    form_bodies,
    forms_of,
    json_bodies,
    stored_nul,
    with_nul,
)
from tests.security.world import USERS, World, build_world
from tests.security.world import Target as WorldTarget

API = "/api/"
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ANONYMOUS = "anonymous"
# Defaults for empty fields, so that requests are valid but for the NUL.
TEXT_DEFAULTS = {
    "email": "fuzz-person@example.com",
    "password": PASSWORD,
    "current_password": PASSWORD,
    "new_password": "another-horse-42",
    "full_name": "Fuzz Person",
    "role_type": "python",
    "content": "I would add an index on the filtered column, then check the plan.",
    "idempotency_key": "fuzz-key-1",
}


@dataclass
class Target:
    method: str
    route: str  # the path template, e.g. /api/v1/interviews/{interview_id}/messages
    url: str
    caller: str
    bodies: list[Sent]


@pytest.fixture
async def fuzz_app(settings: Settings, app: Any) -> AsyncIterator[FastAPI]:
    """The app without rate limits (they have their own tests); ``app`` empties the
    tables afterwards."""
    configured = settings.model_copy(update={"rate_limits_enabled": False})
    application = create_app(configured)
    async with application.router.lifespan_context(application):
        yield application


async def test_no_encoding_of_a_nul_is_stored_or_fails_the_server(fuzz_app: FastAPI) -> None:
    async with AsyncExitStack() as stack:
        transport = ASGITransport(app=fuzz_app)
        setup = await stack.enter_async_context(
            AsyncClient(transport=transport, base_url="http://t")
        )
        world = await build_world(setup, fuzz_app)
        await _second_resume(setup, world)
        await _oversight_forms(fuzz_app, setup, world)
        clients = {ANONYMOUS: setup}
        for user in USERS:
            browser = await stack.enter_async_context(
                AsyncClient(transport=transport, base_url="http://t")
            )
            browser.cookies.set("hireloop_session", world.tokens[user])
            clients[user] = browser

        targets = await _api_targets(fuzz_app, setup, world)
        targets += await _page_targets(fuzz_app, clients, world)
        body_routes = {
            (method, context.path)
            for context in iter_route_contexts(fuzz_app.routes)
            if isinstance(context.original_route, APIRoute)
            for method in context.methods or ()
            if method in BODY_METHODS
        }
        unshown = {("POST", route) for route in FORMS_THIS_WORLD_DOES_NOT_SHOW}
        fuzzed = {(t.method, t.route) for t in targets}
        assert body_routes - unshown <= fuzzed, "routes left unfuzzed"

        failures: list[str] = []
        sent = 0
        for target in targets:
            client = clients[target.caller]
            token = (
                []
                if target.caller == ANONYMOUS
                else list(auth(world.tokens[target.caller]).items())
            )
            for body in target.bodies:
                response = await client.request(
                    target.method, target.url, content=body.body, headers=[*body.headers, *token]
                )
                sent += 1
                label = f"{target.method} {target.route} [{body.variant}] -> {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"{label}: {response.text[:200]}")
                elif body.must_refuse and response.status_code < 400:
                    failures.append(f"{label}: accepted")
        failures += await _query_strings(fuzz_app, clients, world)
        assert not failures, f"{len(failures)} of {sent} requests:\n" + "\n".join(failures)
        assert sent > 1000

    columns, rows = await _stored_nuls(fuzz_app.state.engine)
    assert rows > 50, "the world was not stored: nothing was checked"
    assert columns == set(), f"NUL characters stored in {sorted(columns)}"


async def _second_resume(client: AsyncClient, world: World) -> None:
    """cand_a uploads another resume: the first becomes inactive, so the page offers to
    activate it (one more form to fuzz)."""
    response = await client.post(
        "/api/v1/resumes",
        files={"file": ("second.txt", make_text(RESUME_LINES), "text/plain")},
        headers=auth(world.tokens["cand_a"]),
    )
    assert response.status_code == 201, response.text


async def _oversight_forms(app: FastAPI, client: AsyncClient, world: World) -> None:
    """Three more forms to fuzz: cand_b asks for a human review of the completed job
    interview (rec_2's applicant page offers to mark it handled) and completes another
    one (its results page offers to ask), and cand_a has not accepted the candidate notice
    yet (its page offers to accept it)."""
    completed = world.applications[1].params["application_id"]  # cand_b's, rec_2's job
    token = world.tokens["cand_b"]
    response = await client.post(
        f"/api/v1/applications/{completed}/human-review",
        json={"message": "Please look again."},
        headers=auth(token),
    )
    assert response.status_code == 201, response.text
    job = await create_job(client, world.tokens["rec_2"], title="Second Backend Engineer")
    application = await apply(client, token, job["id"])
    started = await client.post(
        "/api/v1/interviews/start", json={"application_id": application["id"]}, headers=auth(token)
    )
    assert started.status_code == 201, started.text
    finished = await client.post(
        f"/api/v1/interviews/{started.json()['id']}/complete", headers=auth(token)
    )
    assert finished.status_code == 200, finished.text
    world.interviews.append(
        WorldTarget({"interview_id": started.json()["id"]}, candidate="cand_b", recruiter="rec_2")
    )
    async with app.state.sessionmaker() as session:
        await session.execute(
            delete(Consent).where(Consent.user_id == uuid.UUID(world.user_ids["cand_a"]))
        )
        await session.commit()


# --- the API: operations and request bodies from its OpenAPI document -------------------


async def _api_targets(app: FastAPI, client: AsyncClient, world: World) -> list[Target]:
    spec = app.openapi()
    interview = world.interviews[0].params["interview_id"]  # cand_a's, in progress
    current = await client.get(
        f"/api/v1/interviews/{interview}", headers=auth(world.tokens["cand_a"])
    )
    values = {
        **TEXT_DEFAULTS,
        "question_id": current.json()["current_question"]["id"],
        "application_id": world.applications[0].params["application_id"],
        "job_posting_id": world.jobs[2].params["job_id"],  # rec_2's, cand_a has not applied
        "resume_id": world.resumes[0].params["resume_id"],
    }
    path_values = {
        "job_id": world.jobs[0].params["job_id"],
        "application_id": world.applications[0].params["application_id"],
        "interview_id": interview,
        "user_id": world.user_ids["cand_a"],
        "resume_id": world.resumes[0].params["resume_id"],
        "message_id": values["question_id"],
        "voice_answer_id": str(uuid.uuid4()),  # none yet: refused as not found
    }
    targets = []
    for route, item in spec["paths"].items():
        for method, operation in item.items():
            if method.upper() not in BODY_METHODS:
                continue
            # Ids no world object has (a webhook endpoint, a delivery) are made up: the
            # guard must refuse the text before any lookup.
            url = re.sub(r"{(\w+)}", lambda m: path_values.get(m.group(1), uuid.uuid4().hex), route)
            content = operation.get("requestBody", {}).get("content", {})
            bodies = _api_bodies(spec, content, values)
            targets.append(Target(method.upper(), route, url, _api_caller(route), bodies))
    return targets


def _api_caller(route: str) -> str:
    if route.startswith("/api/v1/users"):
        return "admin"
    if route.startswith(("/api/v1/job-postings", "/api/v1/applications/{")):
        return "rec_1"
    if route in ("/api/v1/auth/register", "/api/v1/auth/login"):
        return ANONYMOUS
    return "cand_a"


def _api_bodies(
    spec: dict[str, Any], content: dict[str, Any], values: dict[str, str]
) -> list[Sent]:
    if "multipart/form-data" in content:
        schema = _resolve(spec, content["multipart/form-data"]["schema"])
        properties = schema.get("properties", {})
        files = [name for name, prop in properties.items() if _is_file(spec, prop)]
        fields = [(name, values.get(name, "Fuzz text")) for name in properties if name not in files]
        bodies = json_bodies({name: with_nul("x") for name in properties})
        for name in properties:  # each field as text, a file field too (then it is not one)
            text = [*[(field, value) for field, value in fields if field != name]]
            bodies += form_bodies([*text, (name, values.get(name, "Fuzz text"))], name)
        for name in files:
            bodies += file_bodies(fields, name, make_text(RESUME_LINES))
        return bodies
    if "application/json" not in content:
        # No body at all: a NUL the route never reads must still not get past the guard.
        return [
            b
            for b in json_bodies({"note": with_nul("x")}) + form_bodies([("note", "x")], "note")
            if b.must_refuse
        ]
    document = _example(spec, content["application/json"]["schema"], "", values)
    assert isinstance(document, dict)
    bodies = json_bodies({**document, with_nul("key"): "value"})
    for path in _string_leaves(document):
        bodies += json_bodies(_replace(document, path, with_nul(_get(document, path))))
    flat = [
        (key, value if isinstance(value, str) else _json(value)) for key, value in document.items()
    ]
    for key in document:
        bodies += form_bodies(flat, key)
    return bodies


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _is_file(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(spec, schema)
    return schema.get("format") == "binary" or "contentMediaType" in schema


def _example(
    spec: dict[str, Any], schema: dict[str, Any], name: str, values: dict[str, str]
) -> Any:
    """A value the schema accepts, with every optional property filled in too."""
    schema = _resolve(spec, schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return values.get(name) if values.get(name) in schema["enum"] else schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(spec, s).get("type") != "null"]
            return _example(spec, options[0], name, values)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            prop: _example(spec, sub, prop, values)
            for prop, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        count = max(2, int(schema.get("minItems", 0)))
        return [_example(spec, schema.get("items", {}), name, values) for _ in range(count)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return int(low) + 1 if kind == "integer" else float(low) + 1
    if kind == "boolean":
        return True
    if schema.get("format") == "uuid":
        return values.get(name, str(uuid.uuid4()))
    if schema.get("format") == "email":
        return values.get("email", "fuzz@example.com")
    text = values.get(name, "Fuzz text")
    text = text.ljust(int(schema.get("minLength", 0)), "x")
    return text[: int(schema.get("maxLength", len(text)))]


def _string_leaves(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(document, str):
        return [path]
    if isinstance(document, dict):
        return [
            leaf for key, value in document.items() for leaf in _string_leaves(value, (*path, key))
        ]
    if isinstance(document, list):
        return [
            leaf for i, value in enumerate(document) for leaf in _string_leaves(value, (*path, i))
        ]
    return []


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        return {**document, head: _replace(document[head], rest, value)}
    copy = list(document)
    copy[head] = _replace(copy[head], rest, value)
    return copy


def _json(value: Any) -> str:
    return json.dumps(value)


# --- the pages: their forms, as the pages show them -------------------------------------


# Forms that need what this world has not made: a speech server (voice answers), a sent
# webhook delivery, an emailed invitation. Their text fields go through the same guard;
# tests/voice, tests/webhooks and tests/mail send them hostile input of their own.
FORMS_THIS_WORLD_DOES_NOT_SHOW = {
    "/admin/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    "/interviews/{interview_id}/answer-mode",
    "/interviews/{interview_id}/voice-answers",
    "/interviews/{interview_id}/voice-answers/{voice_answer_id}/confirm",
    "/invitations/{token}/accept",
}


def _note_forms(
    found: dict[str, tuple[str, Form, str]],
    posts: dict[str, re.Pattern[str]],
    user: str,
    url: str,
    html: str,
) -> None:
    """Remember the first form seen for each POST route (who saw it, and where)."""
    for form in forms_of(html):
        action = urlsplit(form.action or url).path
        route = next((r for r, pattern in posts.items() if pattern.match(action)), None)
        if form.method == "post" and route and route not in found:
            found[route] = (user, form, action)


async def _page_targets(
    app: FastAPI, clients: dict[str, AsyncClient], world: World
) -> list[Target]:
    """One form per page route that takes a POST, found by opening every page as every
    user (anonymous included) with every id of the world."""
    contexts = [
        context
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and not (context.path or "").startswith(API)
    ]
    posts = {
        context.path: re.compile(re.sub(r"\\{\w+\\}", "[^/]+", re.escape(context.path)) + "$")
        for context in contexts
        if "POST" in (context.methods or ())
    }
    pools = _id_pools(world)
    found: dict[str, tuple[str, Form, str]] = {}  # route -> (user, form, page url)
    for context in contexts:
        if "GET" not in (context.methods or ()):
            continue
        names = re.findall(r"{(\w+)}", context.path)
        for user, ids in itertools.product(
            clients, itertools.product(*(pools.get(n, []) for n in names))
        ):
            url = context.path
            for name, value in zip(names, ids, strict=True):
                url = url.replace(f"{{{name}}}", value)
            page = await clients[user].get(url)
            if page.status_code == 200:
                _note_forms(found, posts, user, url, page.text)
    # A page that shows a form only for a query: People, searched for an invited address.
    for url in [f"/admin/people?search={address}" for address in world.invitees]:
        page = await clients["admin"].get(url)
        _note_forms(found, posts, "admin", url, page.text)
    missing = sorted(set(posts) - set(found) - FORMS_THIS_WORLD_DOES_NOT_SHOW)
    assert not missing, f"no page shows a form for {missing}: open one in _page_targets"
    targets = []
    for route, (user, form, action) in found.items():
        fields = [
            (name, value or TEXT_DEFAULTS.get(name, "Fuzz text")) for name, value in form.fields
        ]
        bodies: list[Sent] = []
        for name, value in fields:
            bodies += json_bodies({**dict(fields), name: with_nul(value)})
            bodies += form_bodies(fields, name)
        for name in form.files:
            bodies += file_bodies(fields, name, make_text(RESUME_LINES))
        targets.append(Target("POST", route, action, user, bodies))
    return targets


def _id_pools(world: World) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    groups = (world.jobs, world.applications, world.interviews, world.resumes, world.users)
    for group in (*groups, world.webhooks):
        for target in group:
            for name, value in target.params.items():
                pools.setdefault(name, []).append(value)
    return pools


async def _query_strings(app: FastAPI, clients: dict[str, AsyncClient], world: World) -> list[str]:
    """Every GET route with a NUL in its query string: refused, never a 5xx."""
    pools = _id_pools(world)
    failures = []
    for context in iter_route_contexts(app.routes):
        if "GET" not in (getattr(context, "methods", None) or ()) or not context.path:
            continue
        url = re.sub(r"{(\w+)}", lambda m: pools.get(m.group(1), ["x"])[0], context.path)
        for user in (ANONYMOUS, "cand_a"):
            headers = auth(world.tokens["cand_a"]) if user != ANONYMOUS else {}
            for query in ("q=a%00b", "a%00b=1", "q=%C0%80"):
                response = await clients[user].get(f"{url}?{query}", headers=headers)
                if response.status_code >= 500 or response.status_code < 400:
                    failures.append(f"GET {context.path}?{query} -> {response.status_code}")
    return failures


async def _stored_nuls(engine: AsyncEngine) -> tuple[set[str], int]:
    """The columns (table.column) holding a NUL anywhere, and how many rows were read."""
    columns: set[str] = set()
    rows = 0
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(select(table))
            for row in result.mappings():
                rows += 1
                columns.update(
                    f"{table.name}.{name}" for name, value in row.items() if stored_nul(value)
                )
    return columns, rows
