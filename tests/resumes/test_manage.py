"""Listing, reading, activating and deleting resumes, and who may do each."""

from __future__ import annotations

import asyncio
import uuid

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.resumes.files import RESUME_LINES, TEXT, make_text
from tests.resumes.test_upload import URL, stored_files, upload


async def _candidate_with_resume(client: AsyncClient) -> tuple[str, dict]:  # type: ignore[type-arg]
    token = (await register_candidate(client))["access_token"]
    response = await upload(client, token, "cv.txt", make_text(RESUME_LINES), TEXT)
    assert response.status_code == 201, response.text
    return token, response.json()


async def test_newest_upload_is_active_and_activation_switches(client: AsyncClient) -> None:
    token, first = await _candidate_with_resume(client)
    second = (await upload(client, token, "v2.txt", make_text(RESUME_LINES[:4]), TEXT)).json()

    listing = (await client.get(URL, headers=auth(token))).json()["items"]
    assert [item["id"] for item in listing] == [second["id"], first["id"]], "newest first"
    assert [item["is_active"] for item in listing] == [True, False]
    assert "text" not in listing[0], "lists leave the full text out"

    activated = await client.post(f"{URL}/{first['id']}/activate", headers=auth(token))
    assert activated.status_code == 200
    assert activated.json()["is_active"] is True
    listing = (await client.get(URL, headers=auth(token))).json()["items"]
    assert {item["id"]: item["is_active"] for item in listing} == {
        first["id"]: True,
        second["id"]: False,
    }
    again = await client.post(f"{URL}/{first['id']}/activate", headers=auth(token))
    assert again.status_code == 200 and again.json()["is_active"] is True

    detail = await client.get(f"{URL}/{second['id']}", headers=auth(token))
    assert detail.status_code == 200
    assert detail.json()["text"].startswith("Grace Hopper")


async def test_delete_removes_the_row_and_the_file(client: AsyncClient, settings: Settings) -> None:
    token, resume = await _candidate_with_resume(client)
    [stored] = stored_files(settings)

    response = await client.delete(f"{URL}/{resume['id']}", headers=auth(token))

    assert response.status_code == 204
    assert not stored.exists()
    assert stored_files(settings) == []
    assert (await client.get(f"{URL}/{resume['id']}", headers=auth(token))).status_code == 404
    assert (await client.get(URL, headers=auth(token))).json()["items"] == []
    again = await client.delete(f"{URL}/{resume['id']}", headers=auth(token))
    assert again.status_code == 404


async def test_other_candidates_cannot_see_or_change_a_resume(
    client: AsyncClient, settings: Settings
) -> None:
    _, resume = await _candidate_with_resume(client)
    other = (await register_candidate(client, "Eve Other"))["access_token"]
    path = f"{URL}/{resume['id']}"

    assert (await client.get(path, headers=auth(other))).status_code == 404
    assert (await client.post(f"{path}/activate", headers=auth(other))).status_code == 404
    assert (await client.delete(path, headers=auth(other))).status_code == 404
    assert (await client.get(URL, headers=auth(other))).json()["items"] == []
    assert len(stored_files(settings)) == 1


async def test_recruiters_read_resumes_of_their_applicants_only(
    client: AsyncClient, app: object
) -> None:
    token, resume = await _candidate_with_resume(client)
    recruiter = await create_staff_user(app, UserRole.recruiter)
    stranger = await create_staff_user(app, UserRole.recruiter, "Sam Stranger")
    posting = await create_job(client, recruiter)
    path = f"{URL}/{resume['id']}"

    before = await client.get(path, headers=auth(recruiter))
    assert before.status_code == 404, "no application to this recruiter's jobs yet"

    await apply(client, token, posting["id"])

    seen = await client.get(path, headers=auth(recruiter))
    assert seen.status_code == 200
    assert seen.json()["skills"] == resume["skills"]
    assert (await client.post(f"{path}/activate", headers=auth(recruiter))).status_code == 403
    assert (await client.delete(path, headers=auth(recruiter))).status_code == 403
    assert (await client.get(path, headers=auth(stranger))).status_code == 404
    assert (await client.get(path, headers=auth(token))).status_code == 200


async def test_admin_reads_any_resume_and_only_candidates_upload(
    client: AsyncClient, app: object
) -> None:
    _, resume = await _candidate_with_resume(client)
    admin = await create_staff_user(app, UserRole.admin, "Ada Admin")
    recruiter = await create_staff_user(app, UserRole.recruiter)

    assert (await client.get(f"{URL}/{resume['id']}", headers=auth(admin))).status_code == 200
    refused = await upload(client, recruiter, "cv.txt", make_text(RESUME_LINES), TEXT)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only candidates can upload resumes"


async def test_authentication_and_malformed_ids(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]

    assert (await client.get(URL)).status_code == 401
    no_token = await client.post(URL, files={"file": ("cv.txt", b"Python developer", TEXT)})
    assert no_token.status_code == 401
    assert (await client.get(f"{URL}/not-a-uuid", headers=auth(token))).status_code == 422
    unknown = uuid.uuid4()
    missing = await client.get(f"{URL}/{unknown}", headers=auth(token))
    assert missing.status_code == 404
    assert missing.json() == {"detail": f"Resume {unknown} not found", "code": "not_found"}


async def test_deleting_a_resume_an_interview_used_keeps_the_interview(
    client: AsyncClient,
) -> None:
    token, resume = await _candidate_with_resume(client)
    started = await client.post(
        "/api/v1/interviews/start", json={"role_type": "python"}, headers=auth(token)
    )
    assert started.json()["resume_id"] == resume["id"]

    assert (await client.delete(f"{URL}/{resume['id']}", headers=auth(token))).status_code == 204

    interview = await client.get(f"/api/v1/interviews/{started.json()['id']}", headers=auth(token))
    assert interview.status_code == 200
    assert interview.json()["resume_id"] is None
    assert interview.json()["status"] == "in_progress"


async def test_openapi_documents_the_resume_endpoints(client: AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    upload_op = paths["/api/v1/resumes"]["post"]
    assert {"201", "413", "415", "422"} <= set(upload_op["responses"])
    assert "multipart/form-data" in upload_op["requestBody"]["content"]
    assert {"get", "delete"} <= set(paths["/api/v1/resumes/{resume_id}"])
    assert "post" in paths["/api/v1/resumes/{resume_id}/activate"]


async def test_concurrent_uploads_leave_exactly_one_active_resume(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    data = make_text(RESUME_LINES)

    responses = await asyncio.gather(
        *(upload(client, token, f"cv{n}.txt", data, TEXT) for n in range(4))
    )

    assert [r.status_code for r in responses] == [201] * 4
    listing = (await client.get(URL, headers=auth(token))).json()["items"]
    assert len(listing) == 4
    assert sum(item["is_active"] for item in listing) == 1
