"""One account, one login counter: other spellings of an address (a full-width letter in
its domain, upper case, spaces) cannot buy more guesses, and display-name forms
(``Ada <ada@example.com>``) are refused at login and registration with a clear 422."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient

from hireloop.config import Settings
from hireloop.main import create_app
from tests.factories import PASSWORD
from tests.web.forms import csrf_of, submit

LOGIN = "/api/v1/auth/login"
REGISTER = "/api/v1/auth/register"
FULL_WIDTH_E = "\uff45"  # FULLWIDTH LATIN SMALL LETTER E


@pytest.fixture
async def default_limits(settings: Settings, app: Any) -> AsyncIterator[AsyncClient]:
    """The shipped limits (10 logins per account per 5 minutes); ``app`` cleans up."""
    assert settings.login_limit_per_account == 10
    limited = create_app(settings)
    async with limited.router.lifespan_context(limited):
        transport = ASGITransport(app=limited)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def _register(client: AsyncClient) -> str:
    address = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post(
        REGISTER, json={"email": address, "password": PASSWORD, "full_name": "Ada"}
    )
    assert response.status_code == 201, response.text
    return address


async def test_other_spellings_of_an_address_share_its_login_limit(
    default_limits: AsyncClient,
) -> None:
    client = default_limits
    address = await _register(client)
    local, domain = address.split("@")
    for _ in range(10):
        wrong = await client.post(LOGIN, json={"email": address, "password": "guess-123"})
        assert wrong.status_code == 401
    spellings = {
        "full-width letter": f"{local}@{domain.replace('e', FULL_WIDTH_E, 1)}",
        "upper case": address.upper(),
        "surrounding spaces": f"  {address} ",
    }
    for name, spelling in spellings.items():
        response = await client.post(LOGIN, json={"email": spelling, "password": PASSWORD})
        assert response.status_code == 429, (name, response.status_code, response.text)
    # The display-name form is not an address at all: refused before any password check.
    wrapped = await client.post(LOGIN, json={"email": f"x <{address}>", "password": PASSWORD})
    assert wrapped.status_code == 422, wrapped.text
    assert "without a name or angle brackets" in wrapped.json()["detail"]
    # The login page counts the same way.
    page = await client.get("/login")
    form = {"email": spellings["full-width letter"], "password": PASSWORD}
    refused = await client.post("/login", data={**form, "csrf_token": csrf_of(page)})
    assert refused.status_code == 429


async def test_a_full_width_domain_reaches_the_same_account(client: AsyncClient) -> None:
    address = await _register(client)
    local, domain = address.split("@")
    spelled = f"{local}@{domain.replace('e', FULL_WIDTH_E, 1)}"
    login = await client.post(LOGIN, json={"email": spelled, "password": PASSWORD})
    assert login.status_code == 200 and login.json()["user"]["email"] == address
    # ... so it cannot be registered a second time either.
    again = await client.post(
        REGISTER, json={"email": spelled, "password": PASSWORD, "full_name": "Ada Again"}
    )
    assert again.status_code == 409


@pytest.mark.parametrize("wrapped", ["Ada <{a}>", "<{a}>", '"Ada" <{a}>', "{a} <{a}>"])
async def test_display_name_forms_are_refused_at_registration(
    client: AsyncClient, wrapped: str
) -> None:
    address = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post(
        REGISTER,
        json={"email": wrapped.format(a=address), "password": PASSWORD, "full_name": "Ada"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith("email:")
    assert "without a name or angle brackets" in response.json()["detail"]
    login = await client.post(LOGIN, json={"email": address, "password": PASSWORD})
    assert login.status_code == 401  # nothing was created


async def test_the_pages_explain_a_display_name_form(client: AsyncClient) -> None:
    address = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    registered = await submit(
        client,
        "/register",
        "/register",
        {"full_name": "Ada", "email": f"Ada <{address}>", "password": PASSWORD},
    )
    assert registered.status_code == 422
    assert "without a name or angle brackets" in registered.text
    login = await submit(
        client, "/login", "/login", {"email": f"Ada <{address}>", "password": PASSWORD}
    )
    assert login.status_code == 422
    assert "without a name or angle brackets" in login.text
    assert 'aria-invalid="true"' in login.text  # beside the email field
