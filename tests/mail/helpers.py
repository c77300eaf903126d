"""Recruiters, postings and invitations through the public API, for the email tests."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.mail.smtp import Received

LINK = re.compile(r"https?://[^\s\"<>]+/invitations/[A-Za-z0-9_\-.]+")


async def recruiter_with_job(app: Any, client: AsyncClient, **job: Any) -> tuple[str, str]:
    """A new recruiter's token and the id of their new active posting."""
    token = await create_staff_user(app, UserRole.recruiter)
    return token, (await create_job(client, token, **job))["id"]


async def invite(
    client: AsyncClient, token: str, job_id: str, *emails: str
) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        f"/api/v1/job-postings/{job_id}/invitations",
        json={"emails": list(emails)},
        headers=auth(token),
    )
    return response.status_code, response.json()


def link_in(received: Received) -> str:
    """The invitation link, found in the text part and the same in the HTML part."""
    [link] = set(LINK.findall(received.text))
    assert link in received.html
    return link


def path_of(link: str) -> str:
    return link.split("hireloop.test", 1)[1]


async def email_of(client: AsyncClient, token: str) -> str:
    me = await client.get("/api/v1/auth/me", headers=auth(token))
    return str(me.json()["email"])
