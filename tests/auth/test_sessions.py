"""Sessions end on the server: after logging out, signing out everywhere, changing the
password or being deactivated, a copied cookie or bearer token no longer works."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from httpx import ASGITransport, AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import PASSWORD, auth, create_staff_user, register_candidate
from tests.web.forms import csrf_of, submit, web_login, web_register

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
SESSION_COOKIE = "hireloop_session"
NEW_PASSWORD = "battery-staple-42"


@asynccontextmanager
async def browser(app: Any, session_cookie: str | None = None) -> AsyncIterator[AsyncClient]:
    """Another browser, optionally holding a (copied) session cookie."""
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as other:
        if session_cookie:
            other.cookies.set(SESSION_COOKIE, session_cookie)
        yield other


async def signed_in(client: AsyncClient) -> bool:
    """Whether the client's cookie opens a signed-in page (else: sent to log in)."""
    response = await client.get("/profile")
    assert response.status_code in (200, 303), response.text
    return response.status_code == 200


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> str:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def test_api_logout_ends_that_token_only(client: AsyncClient) -> None:
    user = await register_candidate(client)
    token = user["access_token"]
    other = await login(client, user["user"]["email"])
    assert (await client.get(ME, headers=auth(token))).status_code == 200
    logout = await client.post("/api/v1/auth/logout", headers=auth(token))
    assert logout.status_code == 204
    refused = await client.get(ME, headers=auth(token))
    assert refused.status_code == 401 and refused.json()["detail"] == "Invalid or expired token"
    assert (await client.post("/api/v1/auth/logout", headers=auth(token))).status_code == 401
    # Another session of the same account (another device) is not affected.
    assert (await client.get(ME, headers=auth(other))).status_code == 200


async def test_a_copied_cookie_stops_working_after_logout(client: AsyncClient, app: Any) -> None:
    await web_register(client, f"copy-{uuid.uuid4().hex[:8]}@example.com")
    copied = client.cookies.get(SESSION_COOKIE)
    assert copied
    async with browser(app, copied) as thief:
        assert await signed_in(thief)
        logout = await submit(client, "/profile", "/logout")
        assert logout.status_code == 303
        assert not await signed_in(thief)
        # Nor does the same token work on the API.
        assert (await thief.get(ME, headers=auth(copied))).status_code == 401


async def test_concurrent_logouts_of_one_session_are_fine(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/logout", headers=auth(token)) for _ in range(5))
    )
    assert {r.status_code for r in responses} <= {204, 401}
    assert 204 in {r.status_code for r in responses}
    assert (await client.get(ME, headers=auth(token))).status_code == 401


async def test_sign_out_everywhere_through_the_api(client: AsyncClient, app: Any) -> None:
    address = f"everywhere-{uuid.uuid4().hex[:8]}@example.com"
    await web_register(client, address)
    phone, laptop = await login(client, address), await login(client, address)
    response = await client.post("/api/v1/auth/logout-everywhere", headers=auth(phone))
    assert response.status_code == 204
    for token in (phone, laptop):
        assert (await client.get(ME, headers=auth(token))).status_code == 401
    assert not await signed_in(client)  # the browser's session too
    # Signing in again works, and the new session is not affected.
    fresh = await login(client, address)
    assert (await client.get(ME, headers=auth(fresh))).status_code == 200


async def test_sign_out_everywhere_from_the_profile_page(client: AsyncClient, app: Any) -> None:
    address = f"button-{uuid.uuid4().hex[:8]}@example.com"
    await web_register(client, address)
    phone = await login(client, address)
    page = await client.get("/profile")
    assert "Sign out everywhere" in page.text
    response = await client.post("/profile/sign-out-everywhere", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?notice=signed_out_everywhere"
    login_page = await client.get(response.headers["location"])
    assert "signed out on every device" in login_page.text
    assert (await client.get(ME, headers=auth(phone))).status_code == 401
    assert not await signed_in(client)
    assert (await web_login(client, address)).status_code == 303
    assert await signed_in(client)


async def test_a_new_password_ends_every_other_session(client: AsyncClient, app: Any) -> None:
    address = f"password-{uuid.uuid4().hex[:8]}@example.com"
    await web_register(client, address)
    token = await login(client, address)
    wrong = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "not-it-123", "new_password": NEW_PASSWORD},
        headers=auth(token),
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"
    weak = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "password123"},
        headers=auth(token),
    )
    assert weak.status_code == 422
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=auth(token),
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get(ME, headers=auth(token))).status_code == 401
    fresh = changed.json()["access_token"]
    assert (await client.get(ME, headers=auth(fresh))).status_code == 200
    assert not await signed_in(client)  # the browser signed in before the change
    old = await client.post(LOGIN, json={"email": address, "password": PASSWORD})
    assert old.status_code == 401
    assert (
        await client.get(ME, headers=auth(await login(client, address, NEW_PASSWORD)))
    ).is_success


async def test_changing_the_password_on_the_profile_page(client: AsyncClient, app: Any) -> None:
    address = f"form-{uuid.uuid4().hex[:8]}@example.com"
    await web_register(client, address)
    elsewhere = await login(client, address)
    wrong = await submit(
        client,
        "/profile",
        "/profile/password",
        {"current_password": "not-it-123", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 403 and "Current password is incorrect" in wrong.text
    short = await submit(
        client,
        "/profile",
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "x1"},
    )
    assert short.status_code == 422 and 'id="f-new_password-error"' in short.text
    changed = await submit(
        client,
        "/profile",
        "/profile/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 303
    page = await client.get(changed.headers["location"])
    assert "Password changed" in page.text  # still signed in here ...
    assert (await client.get(ME, headers=auth(elsewhere))).status_code == 401  # not elsewhere
    # The page's forms keep working after the change (the same session, a fresh token).
    again = await submit(
        client,
        "/profile",
        "/profile/password",
        {"current_password": NEW_PASSWORD, "new_password": "third-horse-77"},
    )
    assert again.status_code == 303


async def test_reactivating_an_account_does_not_revive_its_old_tokens(
    client: AsyncClient, app: Any
) -> None:
    admin = await create_staff_user(app, UserRole.admin)
    user = await register_candidate(client)
    token, user_id = user["access_token"], user["user"]["id"]
    async with browser(app) as page_browser:
        await web_login(page_browser, user["user"]["email"])
        assert await signed_in(page_browser)
        for status in ("inactive", "active"):
            response = await client.patch(
                f"/api/v1/users/{user_id}", json={"status": status}, headers=auth(admin)
            )
            assert response.status_code == 200, response.text
        assert (await client.get(ME, headers=auth(token))).status_code == 401
        assert not await signed_in(page_browser)
    assert (
        await client.get(ME, headers=auth(await login(client, user["user"]["email"])))
    ).is_success


async def test_one_token_one_answer_whether_sent_as_bearer_or_as_cookie(
    client: AsyncClient, app: Any
) -> None:
    """The API and the pages resolve the user the same way: the token the API issued
    opens the pages as a cookie, and once its session is signed out neither accepts it."""
    user = await register_candidate(client)
    token = user["access_token"]
    async with browser(app, session_cookie=token) as cookie_holder:
        assert await signed_in(cookie_holder)
        assert (await client.get(ME, headers=auth(token))).status_code == 200
        assert (await client.post("/api/v1/auth/logout", headers=auth(token))).status_code == 204
        assert not await signed_in(cookie_holder)
        assert (await client.get(ME, headers=auth(token))).status_code == 401
    # And the other way round: a session the pages signed out is refused by the API.
    async with browser(app) as web:
        await web_login(web, user["user"]["email"])
        cookie = web.cookies[SESSION_COOKIE]
        assert (await client.get(ME, headers=auth(cookie))).status_code == 200
        await submit(web, "/profile", "/profile/sign-out-everywhere")
        assert (await client.get(ME, headers=auth(cookie))).status_code == 401
