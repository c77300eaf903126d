"""Password rules at registration: length, mix, no whitespace padding, not common, not the
email address — each refused with a 422 that says which rule."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

REGISTER = "/api/v1/auth/register"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "at least 8 characters"),
        ("x1" * 65, "at most 128 characters"),
        ("onlyletters", "mix letters"),
        ("1234567890", "mix letters"),
        (" padded-pass-1", "whitespace"),
        ("Password123", "too common"),
        ("P@ssw0rd", "too common"),
        ("grace.hopper-2024", "email address"),
    ],
)
async def test_weak_passwords_are_refused(client: AsyncClient, password: str, message: str) -> None:
    response = await client.post(
        REGISTER,
        json={"email": "Grace.Hopper@example.com", "password": password, "full_name": "Grace"},
    )
    assert response.status_code == 422, password
    assert message in response.json()["detail"], response.json()["detail"]
    assert password.strip() not in response.text  # the attempt is not echoed back


async def test_a_good_password_is_accepted_and_never_echoed(client: AsyncClient) -> None:
    password = "tide-lantern-47"
    response = await client.post(
        REGISTER, json={"email": "ada@example.com", "password": password, "full_name": "Ada"}
    )
    assert response.status_code == 201
    assert password not in response.text
