"""The profile page in-process (httpx): a candidate's resumes through the HTML forms.

Uploads are real multipart posts of generated files, the way a browser sends the form;
the API (with a bearer token for the same account) is the independent check of what
the forms changed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from httpx import AsyncClient, Response

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.resumes.service import MAX_RESUME_BYTES
from tests.factories import PASSWORD, auth, create_staff_user
from tests.resumes.files import (
    DOCX,
    FAKE_EXECUTABLE,
    PDF,
    RESUME_LINES,
    TEXT,
    make_docx,
    make_pdf,
    make_text,
)
from tests.web.forms import csrf_of, submit, web_register

DESIGNER_LINES = [
    "Lin Designer",
    "Product Designer at Studio North, 2022 - Present",
    "- Designed the onboarding flow in Figma and ran usability testing with 40 users.",
    "Skills: Figma, User research",
]


async def candidate(client: AsyncClient) -> str:
    """Registers through the web form (the client keeps the session cookie); returns an API
    token for the same account, used only to check results."""
    address = f"profile-{uuid.uuid4().hex[:8]}@example.com"
    await web_register(client, address)
    login = await client.post("/api/v1/auth/login", json={"email": address, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token: str = login.json()["access_token"]
    return token


async def upload(
    client: AsyncClient, name: str, data: bytes, content_type: str, *, token: bool = True
) -> Response:
    page = await client.get("/profile")
    form = {"csrf_token": csrf_of(page)} if token else {}
    return await client.post(
        "/profile/resumes", data=form, files={"file": (name, data, content_type)}
    )


async def my_resumes(client: AsyncClient, token: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/resumes", headers=auth(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def card_of(page: Response, file_name: str) -> str:
    """The HTML of one resume's card on the profile page."""
    for card in page.text.split('<li class="card job-card">')[1:]:
        if f">{file_name}</h3>" in card:
            return card.split("\n    </li>", 1)[0]
    raise AssertionError(f"{file_name} is not listed:\n{page.text}")


def file_error(page: Response) -> str:
    match = re.search(r'<p class="error" id="f-file-error">([^<]*)</p>', page.text)
    assert match, page.text
    assert 'aria-invalid="true"' in page.text
    assert 'aria-describedby="f-file-hint f-file-error"' in page.text
    assert "/static/focus-errors.js" in page.text  # focus moves to the field
    return match.group(1)


@asynccontextmanager
async def other_browser(client: AsyncClient) -> AsyncIterator[AsyncClient]:
    transport = client._transport
    async with AsyncClient(transport=transport, base_url="http://test") as other:
        yield other


async def test_upload_replace_and_delete(client: AsyncClient, settings: Settings) -> None:
    token = await candidate(client)
    empty = await client.get("/profile")
    assert empty.status_code == 200
    assert '<a href="/profile" aria-current="page">Profile</a>' in empty.text
    assert "You have not uploaded a resume yet." in empty.text
    assert 'enctype="multipart/form-data"' in empty.text

    first = await upload(client, "grace.txt", make_text(RESUME_LINES), TEXT)
    assert first.status_code == 303 and first.headers["location"].startswith("/profile?")
    page = await client.get(first.headers["location"])
    assert "Resume uploaded. It is now your active resume" in page.text
    card = card_of(page, "grace.txt")
    for skill in ("FastAPI", "PostgreSQL", "Docker", "Django"):
        assert f'<li class="tag">{skill}</li>' in card
    assert "Active</span>" in card and "<dd>7</dd>" in card
    assert "Senior Backend Engineer, Software Developer" in card
    assert "Make active" not in card  # it already is

    second = await upload(client, "lin.docx", make_docx(DESIGNER_LINES), DOCX)
    assert second.status_code == 303
    page = await client.get("/profile")
    assert 'class="tag">Figma</li>' in card_of(page, "lin.docx")
    assert "Not active</span>" in card_of(page, "grace.txt")
    listed = {r["file_name"]: r for r in await my_resumes(client, token)}
    assert listed["lin.docx"]["is_active"] and not listed["grace.txt"]["is_active"]

    # Replace: the first resume becomes the active one again.
    grace_id = listed["grace.txt"]["id"]
    assert f'action="/profile/resumes/{grace_id}/activate"' in card_of(page, "grace.txt")
    activated = await submit(client, "/profile", f"/profile/resumes/{grace_id}/activate")
    assert activated.status_code == 303
    assert "Active resume changed" in (await client.get(activated.headers["location"])).text
    active = [r["file_name"] for r in await my_resumes(client, token) if r["is_active"]]
    assert active == ["grace.txt"]

    # Delete, after a confirmation page.
    lin_id = listed["lin.docx"]["id"]
    assert f'href="/profile/resumes/{lin_id}/delete"' in page.text
    confirm = await client.get(f"/profile/resumes/{lin_id}/delete")
    assert confirm.status_code == 200 and "Delete “lin.docx”?" in confirm.text
    assert 'href="/profile">Cancel, keep it</a>' in confirm.text
    assert len(list(settings.resume_directory.iterdir())) == 2
    deleted = await submit(
        client, f"/profile/resumes/{lin_id}/delete", f"/profile/resumes/{lin_id}/delete"
    )
    assert deleted.status_code == 303
    page = await client.get(deleted.headers["location"])
    assert "Resume deleted" in page.text and "lin.docx" not in page.text
    assert [r["file_name"] for r in await my_resumes(client, token)] == ["grace.txt"]
    assert len(list(settings.resume_directory.iterdir())) == 1


async def test_bad_files_are_explained_beside_the_field(
    client: AsyncClient, settings: Settings
) -> None:
    token = await candidate(client)
    oversized = await upload(client, "big.txt", b"a" * (MAX_RESUME_BYTES + 1), TEXT)
    assert oversized.status_code == 413
    assert file_error(oversized) == "Resume files may be at most 5 MB"

    wrong_type = await upload(client, "cv.exe", FAKE_EXECUTABLE, "application/x-msdownload")
    assert wrong_type.status_code == 415
    assert file_error(wrong_type).startswith("Unsupported resume file type")

    renamed = await upload(client, "cv.pdf", FAKE_EXECUTABLE, PDF)
    assert renamed.status_code == 415
    assert "The file&#39;s content is not a PDF" in file_error(renamed)

    scanned = await upload(client, "scan.pdf", make_pdf(None), PDF)
    assert scanned.status_code == 422
    assert "no extractable text" in file_error(scanned)

    page = await client.get("/profile")
    nothing = await client.post(
        "/profile/resumes",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert nothing.status_code == 422 and file_error(nothing) == "Choose a file to upload."

    # A refused upload leaves nothing behind, and the page still works.
    assert await my_resumes(client, token) == []
    directory = settings.resume_directory
    assert not directory.exists() or list(directory.iterdir()) == []
    path = await upload(client, "../../etc/passwd", make_text(RESUME_LINES), TEXT)
    assert path.status_code == 303
    assert [r["file_name"] for r in await my_resumes(client, token)] == ["passwd"]


async def test_a_file_past_the_upload_limit_gets_the_pages_own_message(
    client: AsyncClient, settings: Settings
) -> None:
    """Past the server's upload limit the file never reaches the page's own check; the
    browser still gets the profile page back, with the same message beside the file field
    as a file just over the resume limit gets (not JSON, not a bare error page)."""
    token = await candidate(client)
    for size in (settings.max_upload_bytes + 1, 3 * settings.max_upload_bytes):
        huge = await upload(client, "huge.txt", b"a" * size, TEXT)
        assert huge.status_code == 413
        assert huge.headers["content-type"].startswith("text/html")
        assert file_error(huge) == "Resume files may be at most 5 MB"
        assert '<a href="/profile" aria-current="page">Profile</a>' in huge.text  # the site
        assert huge.headers["x-content-type-options"] == "nosniff"
    page = await client.get("/profile")
    assert page.status_code == 200 and "huge.txt" not in page.text
    assert await my_resumes(client, token) == []


async def test_forms_need_the_csrf_token(client: AsyncClient) -> None:
    token = await candidate(client)
    refused = await upload(client, "grace.txt", make_text(RESUME_LINES), TEXT, token=False)
    assert refused.status_code == 403 and "form has expired" in refused.text
    forged = await client.post(
        "/profile/resumes",
        data={"csrf_token": "0" * 64},
        files={"file": ("grace.txt", make_text(RESUME_LINES), TEXT)},
    )
    assert forged.status_code == 403
    assert await my_resumes(client, token) == []

    assert (await upload(client, "grace.txt", make_text(RESUME_LINES), TEXT)).status_code == 303
    [resume] = await my_resumes(client, token)
    for action in ("activate", "delete"):
        response = await client.post(f"/profile/resumes/{resume['id']}/{action}")
        assert response.status_code == 403 and "form has expired" in response.text
    assert len(await my_resumes(client, token)) == 1


async def test_candidates_cannot_touch_each_others_resumes(client: AsyncClient) -> None:
    owner_token = await candidate(client)
    await upload(client, "grace.txt", make_text(RESUME_LINES), TEXT)
    await upload(client, "second.txt", make_text(DESIGNER_LINES), TEXT)
    grace = next(r for r in await my_resumes(client, owner_token) if r["file_name"] == "grace.txt")

    async with other_browser(client) as mallory:
        await candidate(mallory)
        page = await mallory.get("/profile")
        assert "grace.txt" not in page.text
        confirm = await mallory.get(f"/profile/resumes/{grace['id']}/delete")
        assert confirm.status_code == 404 and "grace.txt" not in confirm.text
        for action in ("delete", "activate"):
            response = await submit(mallory, "/profile", f"/profile/resumes/{grace['id']}/{action}")
            assert response.status_code == 404, action
            assert response.headers["content-type"].startswith("text/html")

    after = {r["file_name"]: r["is_active"] for r in await my_resumes(client, owner_token)}
    assert after == {"grace.txt": False, "second.txt": True}


async def test_staff_and_visitors(client: AsyncClient, app: object) -> None:
    visitor = await client.get("/profile")
    assert visitor.status_code == 303 and visitor.headers["location"] == "/login?next=/profile"

    token = await create_staff_user(app, UserRole.recruiter, name="Rita Recruiter")
    me = (await client.get("/api/v1/auth/me", headers=auth(token))).json()
    await submit(client, "/login", "/login", {"email": me["email"], "password": PASSWORD})
    page = await client.get("/profile")
    assert page.status_code == 200 and "Rita Recruiter" in page.text and me["email"] in page.text
    assert "Upload resume" not in page.text and 'type="file"' not in page.text
    assert 'href="/profile"' not in page.text  # no menu entry for staff
    refused = await upload(client, "cv.txt", make_text(RESUME_LINES), TEXT)
    assert refused.status_code == 403 and "Only candidates can upload resumes" in refused.text
