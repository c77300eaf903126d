"""A small populated world for the security tests: two candidates, two recruiters of
different companies and an admin, each with their own jobs, applications, interviews
(one completed, with results) and resumes — all created the way users create them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import UserRole
from hireloop.auth.security import decode_access_token
from hireloop.resumes.models import Resume
from hireloop.webhooks.models import WebhookEndpoint
from hireloop.webhooks.signing import new_secret
from tests.factories import (
    apply,
    auth,
    create_job,
    create_staff_user,
    current_question_id,
    register_candidate,
)

CANDIDATES = ("cand_a", "cand_b")
RECRUITERS = ("rec_1", "rec_2")
USERS = (*CANDIDATES, *RECRUITERS, "admin")


@dataclass
class Target:
    """One object behind an id: its path parameters and who it belongs to."""

    params: dict[str, str]
    candidate: str | None = None  # the candidate who owns it
    recruiter: str | None = None  # the recruiter who owns the job it belongs to
    public: bool = False  # readable by anyone (an active job posting)
    readers: set[str] = field(default_factory=set)  # others who may read it


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    jobs: list[Target] = field(default_factory=list)
    applications: list[Target] = field(default_factory=list)
    interviews: list[Target] = field(default_factory=list)
    resumes: list[Target] = field(default_factory=list)
    users: list[Target] = field(default_factory=list)
    webhooks: list[Target] = field(default_factory=list)
    invitations: list[Target] = field(default_factory=list)
    invitees: list[str] = field(default_factory=list)  # invited addresses without accounts
    # Per user: text only they (and those SPEC lets in) may see: emails, names, answers.
    secrets: dict[str, set[str]] = field(default_factory=dict)

    def ids(self) -> set[str]:
        found: set[str] = set(self.user_ids.values())
        for group in (self.jobs, self.applications, self.interviews, self.resumes):
            found.update(value for target in group for value in target.params.values())
        return found


ANSWER = (
    "I would profile first, then add an index on the filtered columns and check the plan; "
    "in my last project that cut p95 latency by 40 percent. Secret answer token {token}."
)


async def _answer_until_done(client: AsyncClient, token: str, interview_id: str, tag: str) -> None:
    question = await current_question_id(client, token, interview_id)
    for turn in range(3):
        text = ANSWER.format(token=f"{tag}-{turn}")
        response = await client.post(
            f"/api/v1/interviews/{interview_id}/messages",
            json={"content": text, "question_id": question},
            headers=auth(token),
        )
        assert response.status_code == 200, response.text
        if response.json()["next_question"]:
            question = response.json()["next_question"]["id"]
    done = await client.post(f"/api/v1/interviews/{interview_id}/complete", headers=auth(token))
    assert done.status_code == 200, done.text


async def _start(client: AsyncClient, token: str, body: dict[str, Any]) -> str:
    response = await client.post("/api/v1/interviews/start", json=body, headers=auth(token))
    assert response.status_code in (200, 201), response.text
    interview_id: str = response.json()["id"]
    return interview_id


async def build_world(client: AsyncClient, app: Any) -> World:
    world = World()
    settings = app.state.settings
    for key in CANDIDATES:
        registered = await register_candidate(client, name=f"Name of {key} {uuid.uuid4().hex[:8]}")
        world.tokens[key] = registered["access_token"]
        world.secrets[key] = {registered["user"]["email"], registered["user"]["full_name"]}
    for key, role in (("rec_1", UserRole.recruiter), ("rec_2", UserRole.recruiter)):
        world.tokens[key] = await create_staff_user(app, role, name=f"Recruiter {key}")
    world.tokens["admin"] = await create_staff_user(app, UserRole.admin, name="The Admin")
    for key, token in world.tokens.items():
        user_id = decode_access_token(settings, token)
        assert user_id is not None
        world.user_ids[key] = str(user_id)
        world.users.append(Target({"user_id": str(user_id)}))

    # Each recruiter: an active job, and a closed one only they (and admins) may see.
    active: dict[str, str] = {}
    for key, company in (("rec_1", "Acme Analytics"), ("rec_2", "Globex Systems")):
        job = await create_job(client, world.tokens[key], company=company)
        active[key] = job["id"]
        world.jobs.append(Target({"job_id": job["id"]}, recruiter=key, public=True))
        invited = f"invitee.of.{key}.{uuid.uuid4().hex[:8]}@example.com"
        response = await client.post(
            f"/api/v1/job-postings/{job['id']}/invitations",
            json={"emails": [invited]},
            headers=auth(world.tokens[key]),
        )
        assert response.status_code == 201, response.text
        invitation_id = response.json()["invited"][0]["id"]
        world.invitations.append(
            Target({"job_id": job["id"], "invitation_id": invitation_id}, recruiter=key)
        )
        world.secrets.setdefault(key, set()).add(invited)
        world.invitees.append(invited)
        private_text = f"Confidential posting text {uuid.uuid4().hex}"
        closed = await create_job(
            client, world.tokens[key], company=company, description=private_text
        )
        response = await client.post(
            f"/api/v1/job-postings/{closed['id']}/close", headers=auth(world.tokens[key])
        )
        assert response.status_code == 200, response.text
        world.jobs.append(Target({"job_id": closed["id"]}, recruiter=key))
        world.secrets.setdefault(key, set()).add(private_text)

    # cand_a: applied to rec_1's job and started that interview; cand_b: applied to
    # rec_2's job and completed it (results exist). Each also has a practice interview.
    for cand, rec, complete in (("cand_a", "rec_1", False), ("cand_b", "rec_2", True)):
        token = world.tokens[cand]
        application = await apply(client, token, active[rec])
        world.applications.append(
            Target({"application_id": application["id"]}, candidate=cand, recruiter=rec)
        )
        interview_id = await _start(client, token, {"application_id": application["id"]})
        if complete:
            await _answer_until_done(client, token, interview_id, f"{cand}-job")
        else:
            await _answer_one(client, token, interview_id, f"{cand}-job")
        world.interviews.append(
            Target({"interview_id": interview_id}, candidate=cand, recruiter=rec)
        )
        practice_id = await _start(client, token, {"role_type": "python"})
        await _answer_until_done(client, token, practice_id, f"{cand}-practice")
        world.interviews.append(Target({"interview_id": practice_id}, candidate=cand))
        world.secrets[cand].update(
            ANSWER.format(token=f"{cand}-{kind}-{turn}")
            for kind in ("job", "practice")
            for turn in range(3)
        )
        recruiters = {rec}
        if cand == "cand_b":  # cand_b also applied to rec_1's job: a scheduled interview
            scheduled = await apply(client, token, active["rec_1"])
            world.applications.append(
                Target({"application_id": scheduled["id"]}, candidate=cand, recruiter="rec_1")
            )
            world.interviews.append(
                Target(
                    {"interview_id": scheduled["interview"]["id"]},
                    candidate=cand,
                    recruiter="rec_1",
                )
            )
            recruiters.add("rec_1")
        resume_id = await _add_resume(app, world.user_ids[cand], cand)
        # Recruiters of jobs the candidate applied to may read the resume (not change it).
        world.resumes.append(Target({"resume_id": resume_id}, candidate=cand, readers=recruiters))
        world.secrets[cand].add(f"Private resume text of {cand}")
        # Voluntary self-identification (issue 18): only its owner reads or changes it.
        answered = await client.put(
            "/api/v1/me/self-identification",
            json={"sex": "decline_to_answer", "race_ethnicity": "two_or_more_races"},
            headers=auth(token),
        )
        assert answered.status_code == 200, answered.text
    world.webhooks.append(Target({"endpoint_id": await _add_webhook(app)}))
    return world


async def _add_webhook(app: Any) -> str:
    """A webhook endpoint row listening to nothing (so no worker sends anything)."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(), url="https://hooks.example.com/ats", secret=new_secret()
    )
    async with maker() as session:
        session.add(endpoint)
        await session.commit()
    return str(endpoint.id)


async def _answer_one(client: AsyncClient, token: str, interview_id: str, tag: str) -> None:
    response = await client.post(
        f"/api/v1/interviews/{interview_id}/messages",
        json={
            "content": ANSWER.format(token=f"{tag}-0"),
            "question_id": await current_question_id(client, token, interview_id),
        },
        headers=auth(token),
    )
    assert response.status_code == 200, response.text


async def _add_resume(app: Any, candidate_id: str, tag: str) -> str:
    """A stored resume row (as an upload leaves it), so resume ids can be tried."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    resume_id = uuid.uuid4()
    async with maker() as session:
        session.add(
            Resume(
                id=resume_id,
                candidate_id=uuid.UUID(candidate_id),
                file_name=f"{tag}-cv.txt",
                content_type="text/plain",
                size=42,
                text=f"Private resume text of {tag}",
                skills=["python"],
                is_active=True,
            )
        )
        await session.commit()
    return str(resume_id)
