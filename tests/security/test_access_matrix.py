"""Access-control matrix: every route that takes an id, called by every user with every
other user's ids, is refused (403/404 as SPEC §4 says), leaks nothing and changes nothing.

The table ``ROUTES`` is keyed by (method, path) exactly as the app registers them; the
test walks the app's routes and fails on any id-taking route missing from the table, so a
new endpoint cannot ship without its access rule. Adding one is one line: which ids to
try, who may use them, and the refusal the others get.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy import select

from hireloop.config import Settings
from hireloop.db import Base
from tests.factories import auth, job_payload
from tests.security.world import CANDIDATES, USERS, Target, World, build_world
from tests.web.forms import CONFIRMED

Allowed = Callable[[Target], set[str]]


def owner(t: Target) -> set[str]:
    return {t.candidate} if t.candidate else set()


def viewers(t: Target) -> set[str]:
    """The candidate, the recruiter who owns the job, admins (SPEC §1)."""
    return {u for u in (t.candidate, t.recruiter, "admin") if u}


def managers(t: Target) -> set[str]:
    return {u for u in (t.recruiter, "admin") if u}


def resume_readers(t: Target) -> set[str]:
    """The candidate, admins, recruiters of jobs the candidate applied to."""
    return {*owner(t), "admin", *t.readers}


def admin_only(_t: Target) -> set[str]:
    return {"admin"}


def public_or_managers(t: Target) -> set[str]:
    return set(USERS) if t.public else managers(t)


def public_only(t: Target) -> set[str]:
    """Active postings are public; the others are only listed to their owners (/mine)."""
    return set(USERS) if t.public else set()


def applicants(t: Target) -> set[str]:
    """Any candidate may apply to an active job; nobody to a closed one."""
    return set(CANDIDATES) if t.public else set()


def jobs(w: World) -> list[Target]:
    return w.jobs


def applications(w: World) -> list[Target]:
    return w.applications


def interviews(w: World) -> list[Target]:
    return w.interviews


def resumes(w: World) -> list[Target]:
    return w.resumes


def users(w: World) -> list[Target]:
    return w.users


def webhooks(w: World) -> list[Target]:
    return w.webhooks


def invitations(w: World) -> list[Target]:
    return w.invitations


@dataclass(frozen=True)
class Access:
    targets: Callable[[World], list[Target]]
    allowed: Allowed
    refusal: tuple[int, ...]
    body: dict[str, Any] | None = None  # JSON for the API, form fields for pages
    extra: dict[str, str] = field(default_factory=dict)  # path params that are not ids


API = "/api/v1"
NOT_YOURS = (403,)  # SPEC: another user's application or interview → 403
HIDDEN = (404,)  # SPEC: another user's resume, a posting not visible to the caller → 404
EITHER = (403, 404)  # e.g. a candidate on a recruiter route (403) or on a hidden job (404)
# Staff cannot apply (403); a posting that is not active "is not accepting applications" (400).
CANNOT_APPLY = (400, 403, 404)
JOB_CHANGE = {"title": "Changed by someone else"}
NO_ID = "00000000-0000-4000-8000-000000000000"  # a path id that is not the one tried
ANSWER = {
    "content": "An answer sent to someone else's interview, with enough words.",
    "question_id": "00000000-0000-4000-8000-000000000000",  # access is refused before this
}

ROUTES: dict[tuple[str, str], Access] = {
    # --- JSON API (bearer token) ---
    ("GET", f"{API}/job-postings/{{job_id}}"): Access(jobs, public_only, HIDDEN),
    ("PATCH", f"{API}/job-postings/{{job_id}}"): Access(jobs, managers, EITHER, JOB_CHANGE),
    ("POST", f"{API}/job-postings/{{job_id}}/close"): Access(jobs, managers, EITHER),
    ("POST", f"{API}/job-postings/{{job_id}}/pause"): Access(jobs, managers, EITHER),
    ("POST", f"{API}/job-postings/{{job_id}}/reopen"): Access(jobs, managers, EITHER),
    ("GET", f"{API}/job-postings/{{job_id}}/applications"): Access(jobs, managers, EITHER),
    ("GET", f"{API}/job-postings/{{job_id}}/applicants.csv"): Access(jobs, managers, EITHER),
    ("GET", f"{API}/job-postings/{{job_id}}/invitations"): Access(jobs, managers, EITHER),
    ("POST", f"{API}/job-postings/{{job_id}}/invitations"): Access(
        jobs, managers, EITHER, {"emails": ["invited.by.someone.else@example.com"]}
    ),
    ("POST", f"{API}/job-postings/{{job_id}}/invitations/{{invitation_id}}/withdraw"): Access(
        invitations, managers, EITHER
    ),
    ("GET", f"{API}/applications/{{application_id}}"): Access(applications, viewers, NOT_YOURS),
    ("POST", f"{API}/applications/{{application_id}}/withdraw"): Access(
        applications, owner, NOT_YOURS
    ),
    ("PATCH", f"{API}/applications/{{application_id}}"): Access(
        applications, managers, NOT_YOURS, {"status": "rejected"}
    ),
    ("POST", f"{API}/applications/{{application_id}}/human-review"): Access(
        applications, owner, NOT_YOURS, {"message": "Someone else asks"}
    ),
    ("GET", f"{API}/applications/{{application_id}}/human-review"): Access(
        applications, viewers, NOT_YOURS
    ),
    ("POST", f"{API}/applications/{{application_id}}/human-review/handled"): Access(
        applications, managers, NOT_YOURS
    ),
    ("GET", f"{API}/interviews/{{interview_id}}"): Access(interviews, viewers, NOT_YOURS),
    ("POST", f"{API}/interviews/{{interview_id}}/messages"): Access(
        interviews, owner, NOT_YOURS, ANSWER
    ),
    ("POST", f"{API}/interviews/{{interview_id}}/messages/stream"): Access(
        interviews, owner, NOT_YOURS, ANSWER
    ),
    ("GET", f"{API}/interviews/{{interview_id}}/messages"): Access(interviews, viewers, NOT_YOURS),
    ("POST", f"{API}/interviews/{{interview_id}}/complete"): Access(interviews, owner, NOT_YOURS),
    ("POST", f"{API}/interviews/{{interview_id}}/abandon"): Access(interviews, owner, NOT_YOURS),
    ("GET", f"{API}/interviews/{{interview_id}}/results"): Access(interviews, viewers, NOT_YOURS),
    # Voice answers. An upload without its recording is refused for that first (FastAPI
    # checks the multipart field before the route runs): it says nothing about the
    # interview. tests/voice/test_voice_answers.py sends others' interviews a recording.
    ("POST", f"{API}/interviews/{{interview_id}}/voice-answers"): Access(
        interviews, owner, (403, 422)
    ),
    (
        "POST",
        f"{API}/interviews/{{interview_id}}/voice-answers/{{voice_answer_id}}/confirm",
    ): Access(
        interviews,
        owner,
        NOT_YOURS,
        {"content": "Someone else's words."},
        {"voice_answer_id": NO_ID},
    ),
    ("GET", f"{API}/interviews/{{interview_id}}/voice-answers/{{voice_answer_id}}/audio"): Access(
        interviews, viewers, NOT_YOURS, None, {"voice_answer_id": NO_ID}
    ),
    ("GET", f"{API}/interviews/{{interview_id}}/messages/{{message_id}}/speech"): Access(
        interviews, viewers, NOT_YOURS, None, {"message_id": NO_ID}
    ),
    ("PUT", f"{API}/interviews/{{interview_id}}/answer-mode"): Access(
        interviews, owner, NOT_YOURS, {"answer_mode": "text"}
    ),
    ("GET", f"{API}/users/{{user_id}}"): Access(users, admin_only, NOT_YOURS),
    ("PATCH", f"{API}/users/{{user_id}}"): Access(
        users, admin_only, NOT_YOURS, {"full_name": "Renamed by someone else"}
    ),
    ("GET", f"{API}/users/{{user_id}}/export"): Access(users, admin_only, NOT_YOURS),
    ("DELETE", f"{API}/users/{{user_id}}"): Access(users, admin_only, NOT_YOURS, {"confirm": True}),
    ("GET", f"{API}/admin/webhooks/{{endpoint_id}}"): Access(webhooks, admin_only, NOT_YOURS),
    ("PATCH", f"{API}/admin/webhooks/{{endpoint_id}}"): Access(
        webhooks, admin_only, NOT_YOURS, {"enabled": False}
    ),
    ("DELETE", f"{API}/admin/webhooks/{{endpoint_id}}"): Access(webhooks, admin_only, NOT_YOURS),
    ("GET", f"{API}/admin/webhooks/{{endpoint_id}}/deliveries"): Access(
        webhooks, admin_only, NOT_YOURS
    ),
    ("POST", f"{API}/admin/webhooks/{{endpoint_id}}/deliveries/{{delivery_id}}/redeliver"): Access(
        webhooks, admin_only, NOT_YOURS, None, {"delivery_id": "1"}
    ),
    ("GET", f"{API}/resumes/{{resume_id}}"): Access(resumes, resume_readers, HIDDEN),
    # Readers who are not the candidate get 403; everyone else 404, as if it did not exist.
    ("POST", f"{API}/resumes/{{resume_id}}/activate"): Access(resumes, owner, EITHER),
    ("DELETE", f"{API}/resumes/{{resume_id}}"): Access(resumes, owner, EITHER),
    # --- server-rendered pages (session cookie + CSRF token) ---
    ("GET", "/jobs/{job_id}"): Access(jobs, public_or_managers, HIDDEN),
    ("POST", "/jobs/{job_id}/apply"): Access(jobs, applicants, CANNOT_APPLY, {}),
    ("POST", "/applications/{application_id}/start"): Access(applications, owner, EITHER, {}),
    ("POST", "/applications/{application_id}/withdraw"): Access(
        applications, owner, EITHER, CONFIRMED
    ),
    ("POST", "/applications/{application_id}/human-review"): Access(
        applications, owner, EITHER, {"message": "Someone else asks"}
    ),
    ("GET", "/interviews/{interview_id}"): Access(interviews, viewers, EITHER),
    ("POST", "/interviews/{interview_id}/answer"): Access(interviews, owner, EITHER, ANSWER),
    ("POST", "/interviews/{interview_id}/finish"): Access(interviews, owner, EITHER, CONFIRMED),
    ("GET", "/interviews/{interview_id}/results"): Access(interviews, viewers, EITHER),
    ("GET", "/interviews/{interview_id}/transcript"): Access(interviews, viewers, EITHER),
    ("POST", "/interviews/{interview_id}/voice-answers"): Access(interviews, owner, EITHER, {}),
    ("POST", "/interviews/{interview_id}/voice-answers/{voice_answer_id}/confirm"): Access(
        interviews, owner, EITHER, {"content": "Someone else's words."}, {"voice_answer_id": NO_ID}
    ),
    ("GET", "/interviews/{interview_id}/voice-answers/{voice_answer_id}/audio"): Access(
        interviews, viewers, EITHER, None, {"voice_answer_id": NO_ID}
    ),
    ("GET", "/interviews/{interview_id}/questions/{message_id}/speech"): Access(
        interviews, viewers, EITHER, None, {"message_id": NO_ID}
    ),
    ("POST", "/interviews/{interview_id}/answer-mode"): Access(
        interviews, owner, EITHER, {"answer_mode": "text"}
    ),
    ("GET", "/profile/resumes/{resume_id}/delete"): Access(resumes, owner, EITHER),
    ("POST", "/profile/resumes/{resume_id}/delete"): Access(resumes, owner, EITHER, {}),
    ("POST", "/profile/resumes/{resume_id}/activate"): Access(resumes, owner, EITHER, {}),
    ("GET", "/admin/people/{user_id}/export"): Access(users, admin_only, NOT_YOURS),
    ("GET", "/admin/people/{user_id}/erase"): Access(users, admin_only, NOT_YOURS),
    ("POST", "/admin/people/{user_id}/erase"): Access(users, admin_only, NOT_YOURS, {}),
    ("GET", "/admin/webhooks/{endpoint_id}"): Access(webhooks, admin_only, NOT_YOURS),
    ("POST", "/admin/webhooks/{endpoint_id}/switch"): Access(
        webhooks, admin_only, NOT_YOURS, {"enabled": "false"}
    ),
    ("POST", "/admin/webhooks/{endpoint_id}/remove"): Access(webhooks, admin_only, NOT_YOURS, {}),
    ("POST", "/admin/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver"): Access(
        webhooks, admin_only, NOT_YOURS, {}, {"delivery_id": "1"}
    ),
    ("GET", "/recruiter/jobs/{job_id}/edit"): Access(jobs, managers, EITHER),
    ("POST", "/recruiter/jobs/{job_id}/edit"): Access(jobs, managers, EITHER, job_payload()),
    ("POST", "/recruiter/jobs/{job_id}/{action}"): Access(
        jobs, managers, EITHER, {}, {"action": "close"}
    ),
    ("GET", "/recruiter/jobs/{job_id}/applicants"): Access(jobs, managers, EITHER),
    ("GET", "/recruiter/jobs/{job_id}/compare"): Access(jobs, managers, EITHER),
    ("GET", "/recruiter/jobs/{job_id}/applicants.csv"): Access(jobs, managers, EITHER),
    ("GET", "/recruiter/jobs/{job_id}/invitations"): Access(jobs, managers, EITHER),
    ("POST", "/recruiter/jobs/{job_id}/invitations"): Access(
        jobs, managers, EITHER, {"emails": "invited.by.someone.else@example.com"}
    ),
    ("POST", "/recruiter/jobs/{job_id}/invitations/{invitation_id}/withdraw"): Access(
        invitations, managers, EITHER, {}
    ),
    ("GET", "/recruiter/applications/{application_id}/print"): Access(
        applications, managers, EITHER
    ),
    ("GET", "/recruiter/applications/{application_id}"): Access(applications, managers, EITHER),
    ("POST", "/recruiter/applications/{application_id}/status"): Access(
        applications, managers, EITHER, {"status": "rejected", **CONFIRMED}
    ),
    ("POST", "/recruiter/applications/{application_id}/human-review/handled"): Access(
        applications, managers, EITHER, {}
    ),
}

# Ids that travel in a JSON body rather than the path: (path, field, targets, allowed, refusal).
BODY_IDS: list[tuple[str, str, Callable[[World], list[Target]], Allowed, tuple[int, ...]]] = [
    (f"{API}/applications", "job_posting_id", jobs, applicants, CANNOT_APPLY),
    (f"{API}/interviews/start", "application_id", applications, owner, NOT_YOURS),
    (f"{API}/interviews/start", "resume_id", resumes, owner, HIDDEN),
]

_ID_PARAM = re.compile(r"\{(\w+_id)\}")


def id_taking_routes(app: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        if not _ID_PARAM.search(route.path):
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


def test_every_id_taking_route_has_an_access_rule(app: Any) -> None:
    missing = sorted(id_taking_routes(app) - ROUTES.keys())
    assert not missing, f"add these routes to ROUTES in {__file__}: {missing}"
    stale = sorted(ROUTES.keys() - id_taking_routes(app))
    assert not stale, f"ROUTES lists routes the app no longer has: {stale}"


class Callers:
    """One API client per user (bearer token) and one browser per user (cookies + CSRF)."""

    def __init__(self, app: Any, world: World) -> None:
        self.app = app
        self.world = world
        self.browsers: dict[str, tuple[AsyncClient, str]] = {}

    async def browser(self, user: str) -> tuple[AsyncClient, str]:
        if user not in self.browsers:
            client = AsyncClient(transport=ASGITransport(app=self.app), base_url="http://test")
            page = await client.get("/login")  # sets the CSRF cookie, as a browser would
            match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert match, "the login page carries a CSRF token"
            client.cookies.set("hireloop_session", self.world.tokens[user])
            self.browsers[user] = (client, match.group(1))
        return self.browsers[user]

    async def call(
        self, api: AsyncClient, user: str, method: str, path: str, body: dict[str, Any] | None
    ) -> Response:
        if path.startswith(API):
            headers = auth(self.world.tokens[user])
            if body is None:
                return await api.request(method, path, headers=headers)
            return await api.request(method, path, headers=headers, json=body)
        browser, csrf = await self.browser(user)
        if method == "GET":
            return await browser.get(path)
        return await browser.request(method, path, data={**(body or {}), "csrf_token": csrf})

    async def aclose(self) -> None:
        for client, _ in self.browsers.values():
            await client.aclose()


async def _snapshot(app: Any) -> dict[str, list[tuple[Any, ...]]]:
    async with app.state.sessionmaker() as session:
        snapshot = {}
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(select(table).order_by(*table.primary_key.columns))
            snapshot[table.name] = [tuple(row) for row in rows]
        return snapshot


def _forbidden_text(world: World, user: str, sent_ids: set[str]) -> set[str]:
    """What a refusal shown to ``user`` must never contain: other users' private text and
    the ids of objects that are not theirs (beyond those they sent)."""
    texts = {
        text for owner_key, found in world.secrets.items() if owner_key != user for text in found
    }
    for group in (world.applications, world.interviews, world.resumes, world.jobs):
        for target in group:
            if target.public or user in {target.candidate, target.recruiter}:
                continue
            texts.update(set(target.params.values()) - sent_ids)
    texts.update(uid for key, uid in world.user_ids.items() if key != user)
    return texts - sent_ids


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The outbox worker would deliver the world's emails while the test compares the
    # database before and after; delivering is not what this test is about.
    return settings.model_copy(update={"outbox_worker_in_server": False})


@pytest.fixture
async def world(app: Any, client: AsyncClient) -> AsyncIterator[World]:
    yield await build_world(client, app)


async def test_other_users_ids_are_refused_without_leaks_or_changes(
    app: Any, client: AsyncClient, world: World
) -> None:
    callers = Callers(app, world)
    before = await _snapshot(app)
    problems: list[str] = []
    checked = 0
    try:
        for (method, template), access in sorted(ROUTES.items()):
            for target in access.targets(world):
                allowed = access.allowed(target)
                path = template.format(**target.params, **access.extra)
                for user in USERS:
                    if user in allowed:
                        continue
                    response = await callers.call(client, user, method, path, access.body)
                    checked += 1
                    problems += _judge(
                        world,
                        user,
                        f"{method} {path}",
                        response,
                        access.refusal,
                        set(target.params.values()),
                    )
        for path, field_name, targets, allowed_for, refusal in BODY_IDS:
            for target in targets(world):
                value = target.params[next(iter(target.params))]
                for user in set(USERS) - allowed_for(target):
                    response = await callers.call(client, user, "POST", path, {field_name: value})
                    checked += 1
                    problems += _judge(
                        world, user, f"POST {path} {field_name}", response, refusal, {value}
                    )
    finally:
        await callers.aclose()
    assert not problems, "\n".join(problems)
    assert checked > 200
    assert await _snapshot(app) == before, "a refused request changed the database"


def _judge(
    world: World,
    user: str,
    what: str,
    response: Response,
    refusal: tuple[int, ...],
    sent_ids: set[str],
) -> list[str]:
    problems = []
    if response.status_code not in refusal:
        problems.append(f"{user} {what}: {response.status_code} (expected {refusal})")
    leaked = [text for text in _forbidden_text(world, user, sent_ids) if text in response.text]
    if leaked:
        problems.append(f"{user} {what}: response shows {leaked[:3]}")
    return problems


async def test_owners_can_read_what_the_matrix_refuses_others(
    app: Any, client: AsyncClient, world: World
) -> None:
    """The control: the same ids work for the users allowed to read them, so the
    refusals above are about who asks, not about bad ids."""
    callers = Callers(app, world)
    try:
        for (method, template), access in sorted(ROUTES.items()):
            if method != "GET" or access.extra:
                continue  # extra path ids are placeholders that no world object has
            for target in access.targets(world):
                path = template.format(**target.params, **access.extra)
                for user in access.allowed(target):
                    response = await callers.call(client, user, method, path, None)
                    assert response.status_code in (200, 303, 409), (
                        user,
                        path,
                        response.text[:300],
                    )
                    # A page may redirect elsewhere (a finished interview to its results),
                    # but never to the login form: the session was accepted.
                    assert not response.headers.get("location", "").startswith("/login"), path
    finally:
        await callers.aclose()
