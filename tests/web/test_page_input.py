"""Page forms follow the same input rules as the API, whatever encoding they arrive in."""

from __future__ import annotations

from httpx import AsyncClient

from hireloop.interviews.schemas import ANSWER_MAX_CHARS
from tests.factories import PASSWORD, auth
from tests.web.forms import csrf_of, question_of, web_register

NUL = "e\x00f"


async def _practice(client: AsyncClient) -> tuple[str, str, str]:
    """A signed-in candidate's practice interview: (interview url, csrf token, question id)."""
    await web_register(client, "pia@example.com")
    page = await client.get("/practice")
    started = await client.post(
        "/practice", data={"role_type": "python", "csrf_token": csrf_of(page)}
    )
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    interview = await client.get(url)
    return url, csrf_of(interview), question_of(interview)


async def test_multipart_text_fields_with_nul_are_refused_on_every_form(
    client: AsyncClient,
) -> None:
    # Registration: a NUL in the name, sent as multipart instead of a URL-encoded form.
    page = await client.get("/register")
    response = await client.post(
        "/register",
        files={
            "full_name": (None, NUL),
            "email": (None, "nul@example.com"),
            "password": (None, "correct-horse-9"),
            "csrf_token": (None, csrf_of(page)),
        },
    )
    assert response.status_code == 422 and "<html" in response.text.lower()
    # The interview's answer form, as the page's own script posts it (FormData).
    url, csrf, question = await _practice(client)
    response = await client.post(
        f"{url}/answer",
        files={
            "content": (None, NUL),
            "question_id": (None, question),
            "csrf_token": (None, csrf),
        },
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 422
    transcript = await client.get(url)
    assert "\x00" not in transcript.text and "e\ufffdf" not in transcript.text


async def test_a_role_longer_than_the_limit_is_a_message_not_a_500(client: AsyncClient) -> None:
    await web_register(client, "long@example.com")
    page = await client.get("/practice")
    response = await client.post(
        "/practice", data={"role_type": "r" * 101, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 422
    assert "Choose a role type from the list." in response.text


async def test_a_second_tab_answering_the_same_question_is_refused(client: AsyncClient) -> None:
    url, csrf, question = await _practice(client)
    body = {"content": "A tuple is immutable; a list can change.", "question_id": question}
    first = await client.post(
        f"{url}/answer", data={**body, "csrf_token": csrf}, headers={"X-Requested-With": "fetch"}
    )
    assert first.status_code == 200, first.text
    second = await client.post(
        f"{url}/answer", data={**body, "csrf_token": csrf}, headers={"X-Requested-With": "fetch"}
    )
    assert second.status_code == 409
    assert second.json()["code"] == "question_not_current"
    assert second.json()["current_question"]["id"] == first.json()["next_question"]["id"]


async def test_the_page_and_the_api_apply_the_same_answer_rules(client: AsyncClient) -> None:
    """One schema for an answer: blank (once stripped) and over-long answers are refused the
    same way by both; an answer is stored stripped by both."""
    url, csrf, question = await _practice(client)
    interview_id = url.rsplit("/", 1)[-1]
    token = (
        await client.post(
            "/api/v1/auth/login", json={"email": "pia@example.com", "password": PASSWORD}
        )
    ).json()["access_token"]
    api = f"/api/v1/interviews/{interview_id}/messages"
    for content in (" \n\t ", "x" * (ANSWER_MAX_CHARS + 1)):
        by_api = await client.post(
            api, json={"content": content, "question_id": question}, headers=auth(token)
        )
        by_page = await client.post(
            f"{url}/answer",
            data={"content": content, "question_id": question, "csrf_token": csrf},
            headers={"X-Requested-With": "fetch"},
        )
        assert by_api.status_code == by_page.status_code == 422, (by_api.text, by_page.text)
    padded = "  A tuple is immutable; a list can change.  \n"
    taken = await client.post(
        api, json={"content": padded, "question_id": question}, headers=auth(token)
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["answer"]["content_text"] == padded.strip()
    nxt = taken.json()["next_question"]["id"]
    by_page = await client.post(
        f"{url}/answer",
        data={"content": padded, "question_id": nxt, "csrf_token": csrf},
        headers={"X-Requested-With": "fetch"},
    )
    assert by_page.status_code == 200, by_page.text
    assert by_page.json()["answer"]["text"] == padded.strip()
