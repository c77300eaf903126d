"""Getting applications into each status the way users would, through the API."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.factories import apply, auth, register_candidate


async def applied(client: AsyncClient, job_id: str, name: str = "Ada Candidate") -> dict[str, Any]:
    """A fresh candidate applies; returns {token, application}."""
    candidate = await register_candidate(client, name)
    token = candidate["access_token"]
    return {"token": token, "application": await apply(client, token, job_id), **candidate}


async def start(client: AsyncClient, token: str, application_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/interviews/start", json={"application_id": application_id}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def finish(client: AsyncClient, token: str, interview_id: str) -> None:
    response = await client.post(f"/api/v1/interviews/{interview_id}/complete", headers=auth(token))
    assert response.status_code == 200, response.text


async def move(
    client: AsyncClient, token: str, application_id: str, status: str
) -> tuple[int, dict[str, Any]]:
    response = await client.patch(
        f"/api/v1/applications/{application_id}", json={"status": status}, headers=auth(token)
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


async def application_in(
    client: AsyncClient, recruiter: str, job_id: str, status: str
) -> dict[str, Any]:
    """A candidate whose application to job_id is in `status`; returns {token, application}."""
    made = await applied(client, job_id)
    token, application = made["token"], made["application"]
    app_id, interview_id = application["id"], application["interview"]["id"]
    if status == "interview_scheduled":
        pass
    elif status == "withdrawn":
        response = await client.post(f"/api/v1/applications/{app_id}/withdraw", headers=auth(token))
        assert response.status_code == 200, response.text
    elif status == "rejected":
        assert (await move(client, recruiter, app_id, "rejected"))[0] == 200
    else:
        await start(client, token, app_id)
        if status != "interview_in_progress":
            await finish(client, token, interview_id)
            if status in ("under_review", "offered"):
                assert (await move(client, recruiter, app_id, status))[0] == 200
    current = await client.get(f"/api/v1/applications/{app_id}", headers=auth(token))
    assert current.json()["status"] == status
    return made
