"""Uploading resumes: real PDF, DOCX and text files, and everything that must be refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from httpx import AsyncClient

from hireloop.config import Settings
from tests.factories import auth, register_candidate
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

URL = "/api/v1/resumes"
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|docx|txt)$")


async def upload(client: AsyncClient, token: str, name: str, data: bytes, content_type: str) -> Any:
    return await client.post(URL, files={"file": (name, data, content_type)}, headers=auth(token))


def stored_files(settings: Settings) -> list[Path]:
    directory = settings.resume_directory
    return sorted(directory.iterdir()) if directory.exists() else []


async def test_pdf_resume_is_stored_and_parsed(client: AsyncClient, settings: Settings) -> None:
    token = (await register_candidate(client))["access_token"]
    data = make_pdf(RESUME_LINES)

    response = await upload(client, token, "grace-hopper.pdf", data, PDF)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["file_name"] == "grace-hopper.pdf"
    assert body["content_type"] == PDF
    assert body["size"] == len(data)
    assert body["is_active"] is True
    assert "real-time billing API" in body["text"]
    for skill in ("FastAPI", "PostgreSQL", "Docker", "Django", "Python", "Git"):
        assert skill in body["skills"]
    assert body["years_of_experience"] == 7
    assert body["recent_titles"][:2] == ["Senior Backend Engineer", "Software Developer"]
    quoted = {mention["skill"]: mention["text"] for mention in body["mentions"]}
    assert quoted["FastAPI"].startswith("Built a real-time billing API with FastAPI")
    # The original is kept byte for byte, under a name that is not the user's.
    [stored] = stored_files(settings)
    assert STORED_NAME.match(stored.name) and stored.suffix == ".pdf"
    assert stored.read_bytes() == data


async def test_docx_and_text_resumes(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]

    docx_response = await upload(client, token, "cv.docx", make_docx(RESUME_LINES), DOCX)
    text_response = await upload(client, token, "cv.txt", make_text(RESUME_LINES), TEXT)

    assert docx_response.status_code == 201, docx_response.text
    assert text_response.status_code == 201, text_response.text
    for body in (docx_response.json(), text_response.json()):
        assert {"FastAPI", "PostgreSQL", "Docker"} <= set(body["skills"])
        assert body["recent_titles"][0] == "Senior Backend Engineer"
    assert docx_response.json()["content_type"] == DOCX
    assert text_response.json()["content_type"] == TEXT


async def test_the_candidates_own_name_is_not_taken_for_a_job_title(client: AsyncClient) -> None:
    """A surname such as "Designer" or "Lead" makes the heading look like a title."""
    token = (await register_candidate(client, name="Lin Designer"))["access_token"]
    lines = [
        "  LIN   DESIGNER ",
        "Product Designer at Studio North, 2022 - Present",
        "Team Lead, Acme 2019 - 2022",
    ]
    response = await upload(client, token, "lin.txt", make_text(lines), TEXT)
    assert response.status_code == 201, response.text
    assert response.json()["recent_titles"] == ["Product Designer", "Team Lead"]


async def test_type_decided_by_extension_when_client_sends_a_generic_type(
    client: AsyncClient,
) -> None:
    token = (await register_candidate(client))["access_token"]
    data = make_pdf(RESUME_LINES)

    response = await upload(client, token, "cv.pdf", data, "application/octet-stream")

    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == PDF


async def test_pdf_without_text_is_refused_with_a_reason(
    client: AsyncClient, settings: Settings
) -> None:
    token = (await register_candidate(client))["access_token"]

    response = await upload(client, token, "scan.pdf", make_pdf(None), PDF)

    assert response.status_code == 422
    assert "no extractable text" in response.json()["detail"]
    assert stored_files(settings) == []


async def test_renamed_executable_is_refused(client: AsyncClient, settings: Settings) -> None:
    token = (await register_candidate(client))["access_token"]

    for name, content_type in (("cv.pdf", PDF), ("cv.docx", DOCX), ("cv.txt", TEXT)):
        response = await upload(client, token, name, FAKE_EXECUTABLE, content_type)
        assert response.status_code == 415, (name, response.text)
        assert "content is not" in response.json()["detail"]
    assert stored_files(settings) == []


async def test_other_file_types_are_refused(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    cases = [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "application/msword"),
        ("tool.exe", FAKE_EXECUTABLE, "application/octet-stream"),
        ("cv.html", b"<html><body>Python</body></html>", "text/html"),
    ]
    for name, data, content_type in cases:
        response = await upload(client, token, name, data, content_type)
        assert response.status_code == 415, (name, response.text)
        assert "PDF, DOCX or plain-text" in response.json()["detail"]


async def test_a_zip_that_is_not_a_word_document_is_refused(client: AsyncClient) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "echo hello")
    token = (await register_candidate(client))["access_token"]

    response = await upload(client, token, "cv.docx", buffer.getvalue(), DOCX)

    assert response.status_code == 415


async def test_file_over_five_megabytes_is_refused(client: AsyncClient, settings: Settings) -> None:
    token = (await register_candidate(client))["access_token"]
    six_mb = make_text(RESUME_LINES) + b" " * (6_000_000 - len(make_text(RESUME_LINES)))

    response = await upload(client, token, "huge.txt", six_mb, TEXT)

    assert response.status_code == 413
    assert response.json()["detail"] == "Resume files may be at most 5 MB"
    assert stored_files(settings) == []


async def test_file_name_never_becomes_a_path(client: AsyncClient, settings: Settings) -> None:
    token = (await register_candidate(client))["access_token"]
    data = make_text(RESUME_LINES)

    response = await upload(client, token, "../../etc/passwd", data, TEXT)

    assert response.status_code == 201, response.text
    assert response.json()["file_name"] == "passwd"
    [stored] = stored_files(settings)
    assert STORED_NAME.match(stored.name)
    assert stored.parent == settings.resume_directory
    assert stored.read_bytes() == data
    # Nothing named after the user's file was written anywhere under the test's directory.
    written = [path for path in settings.data_dir.parent.rglob("*") if path.is_file()]
    assert not [path for path in written if path.name == "passwd" or "etc" in path.parts]


async def test_empty_file_and_missing_file_field(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]

    empty = await upload(client, token, "cv.txt", b"", TEXT)
    missing = await client.post(URL, files={"note": (None, "no file")}, headers=auth(token))
    blank_text = await upload(client, token, "cv.txt", b"   \n\n  ", TEXT)

    assert empty.status_code == 422
    assert missing.status_code == 422
    assert "file" in missing.json()["detail"]
    assert blank_text.status_code == 422
    assert blank_text.json()["detail"] == "The file contains no text"


async def test_resume_dir_setting_is_used(client: AsyncClient, settings: Settings) -> None:
    # The fixture's settings put resumes under data_dir unless HIRELOOP_RESUME_DIR is set.
    assert settings.resume_directory == settings.data_dir / "resumes"
    custom = Settings(resume_dir=Path("/srv/resumes"))
    assert custom.resume_directory == Path("/srv/resumes")
