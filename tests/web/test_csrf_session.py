"""CSRF tokens belong to the signed-in session, not to the browser: a token from before a
login, from another account's session, or from a session that has ended is refused."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from tests.factories import PASSWORD
from tests.web.forms import csrf_of, web_login, web_register

CSRF_FAILED = "This form has expired or did not come from Hireloop"


def address(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@example.com"


async def start_practice(client: AsyncClient, token: str) -> int:
    response = await client.post("/practice", data={"role_type": "python", "csrf_token": token})
    if response.status_code == 403:
        assert CSRF_FAILED in response.text
    return response.status_code


async def test_a_token_from_before_login_does_not_work_after_it(client: AsyncClient) -> None:
    ada = address("ada")
    await web_register(client, ada)
    await client.post("/logout", data={"csrf_token": csrf_of(await client.get("/jobs"))})
    before = csrf_of(await client.get("/login"))  # what a page showed while signed out
    login = await client.post(
        "/login", data={"email": ada, "password": PASSWORD, "csrf_token": before}
    )
    assert login.status_code == 303
    assert await start_practice(client, before) == 403
    assert await start_practice(client, csrf_of(await client.get("/practice"))) == 303


async def test_a_token_from_one_account_does_not_work_for_the_next(client: AsyncClient) -> None:
    """One shared computer: Ada signs out, Bob signs in; a page Ada left open (or a token
    an attacker planted while Ada was signed in) must not act for Bob."""
    ada, bob = address("ada"), address("bob")
    await web_register(client, bob)
    await client.post("/logout", data={"csrf_token": csrf_of(await client.get("/jobs"))})
    await web_register(client, ada)
    adas_token = csrf_of(await client.get("/practice"))
    await client.post("/logout", data={"csrf_token": adas_token})
    assert (await web_login(client, bob)).status_code == 303
    assert await start_practice(client, adas_token) == 403
    bobs_token = csrf_of(await client.get("/practice"))
    assert bobs_token != adas_token
    assert await start_practice(client, bobs_token) == 303


async def test_a_sessions_token_stops_working_when_it_ends(client: AsyncClient) -> None:
    await web_register(client, address("cy"))
    token = csrf_of(await client.get("/jobs"))
    logout = await client.post("/logout", data={"csrf_token": token})
    assert logout.status_code == 303
    # Signed out, the old token is good for nothing: not even the login form takes it.
    refused = await client.post(
        "/login", data={"email": address("cy"), "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 403 and CSRF_FAILED in refused.text


async def test_two_tabs_of_one_session_share_a_token(client: AsyncClient) -> None:
    await web_register(client, address("tabs"))
    first = csrf_of(await client.get("/jobs"))
    second = csrf_of(await client.get("/practice"))
    assert first == second
    assert await start_practice(client, first) == 303


async def test_a_form_from_a_session_ended_elsewhere_asks_to_sign_in_again(
    client: AsyncClient,
) -> None:
    """Signed out everywhere from another device: a form still open here does nothing
    and leads back to the login page (which says the session ended), not to an error."""
    ada = address("ada")
    await web_register(client, ada)
    token = csrf_of(await client.get("/practice"))
    api = await client.post("/api/v1/auth/login", json={"email": ada, "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {api.json()['access_token']}"}
    assert (await client.post("/api/v1/auth/logout-everywhere", headers=bearer)).status_code == 204
    response = await client.post(
        "/practice",
        data={"role_type": "python", "csrf_token": token},
        headers={"Referer": "http://test/practice"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/practice&expired=1"
    again = await client.post("/api/v1/auth/login", json={"email": ada, "password": PASSWORD})
    mine = await client.get(
        "/api/v1/interviews/me", headers={"Authorization": f"Bearer {again.json()['access_token']}"}
    )
    assert mine.status_code == 200 and mine.json()["total"] == 0
