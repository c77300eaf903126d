"""Registration, login, /me and token handling through HTTP."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from httpx import AsyncClient
from sqlalchemy import update

from hireloop.auth.models import User, UserStatus
from tests.factories import PASSWORD, auth, register_candidate

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
SECRET = "test-secret-key-that-is-long-enough-for-hs256"


async def test_register_returns_token_and_candidate_user(client: AsyncClient) -> None:
    response = await client.post(
        REGISTER,
        json={"email": "Grace@Example.com", "password": PASSWORD, "full_name": "Grace Hopper"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == "grace@example.com"
    assert body["user"]["role"] == "candidate"
    assert "password_hash" not in body["user"]
    me = await client.get(ME, headers=auth(body["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]


async def test_email_is_unique_case_insensitively(client: AsyncClient) -> None:
    payload = {"email": "dup@example.com", "password": PASSWORD, "full_name": "One"}
    assert (await client.post(REGISTER, json=payload)).status_code == 201
    again = await client.post(REGISTER, json={**payload, "email": "DUP@example.com"})
    assert again.status_code == 409
    assert again.json() == {"detail": "Email already registered", "code": "email_taken"}


async def test_register_rejects_bad_input_with_422(client: AsyncClient) -> None:
    cases = [
        {"email": "not-an-email", "password": PASSWORD, "full_name": "X"},
        {"email": "a@example.com", "password": "short1", "full_name": "X"},
        {"email": "a@example.com", "password": "onlyletters", "full_name": "X"},
        {"email": "a@example.com", "password": PASSWORD, "full_name": "   "},
        {"email": "a@example.com", "password": PASSWORD},
    ]
    for payload in cases:
        response = await client.post(REGISTER, json=payload)
        assert response.status_code == 422, payload
        assert isinstance(response.json()["detail"], str)


async def test_login_succeeds_and_failures_do_not_reveal_the_email(client: AsyncClient) -> None:
    user = await register_candidate(client)
    email = user["user"]["email"]
    ok = await client.post(LOGIN, json={"email": email.upper(), "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["user"]["id"] == user["user"]["id"]
    wrong_password = await client.post(LOGIN, json={"email": email, "password": "nope-123"})
    unknown_email = await client.post(
        LOGIN, json={"email": "nobody@example.com", "password": "nope-123"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["detail"] == "Invalid email or password"


async def test_inactive_user_cannot_log_in_and_token_stops_working(
    client: AsyncClient, app: object
) -> None:
    user = await register_candidate(client)
    async with app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        await session.execute(
            update(User)
            .where(User.id == uuid.UUID(user["user"]["id"]))
            .values(status=UserStatus.inactive)
        )
        await session.commit()
    assert (await client.get(ME, headers=auth(user["access_token"]))).status_code == 401
    login = await client.post(LOGIN, json={"email": user["user"]["email"], "password": PASSWORD})
    assert login.status_code == 401


def _token(claims: dict[str, object], key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


async def test_bad_tokens_are_401(client: AsyncClient) -> None:
    user = await register_candidate(client)
    good = user["access_token"]
    now = datetime.now(UTC)
    base = {"sub": user["user"]["id"], "role": "candidate", "typ": "access", "iat": now}
    header, payload, signature = good.split(".")
    tampered_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    none_token = jwt.encode({**base, "exp": now + timedelta(hours=1)}, None, algorithm="none")
    bad_tokens = {
        "missing": None,
        "malformed": "not-a-jwt",
        "tampered": f"{header}.{tampered_payload}.{signature}",
        "expired": _token({**base, "exp": now - timedelta(seconds=5)}),
        "wrong key": _token({**base, "exp": now + timedelta(hours=1)}, key="another-key" * 4),
        "alg none": none_token,
        "unknown user": _token({**base, "sub": str(uuid.uuid4()), "exp": now + timedelta(hours=1)}),
    }
    for name, token in bad_tokens.items():
        headers = auth(token) if token else {}
        response = await client.get(ME, headers=headers)
        assert response.status_code == 401, name
        assert response.json()["detail"], name
        assert response.headers.get("www-authenticate") == "Bearer", name


async def test_login_timing_is_similar_for_unknown_and_known_email(client: AsyncClient) -> None:
    user = await register_candidate(client)

    async def timed(email: str) -> float:
        start = time.perf_counter()
        await client.post(LOGIN, json={"email": email, "password": "wrong-pass-1"})
        return time.perf_counter() - start

    known = min([await timed(user["user"]["email"]) for _ in range(3)])
    unknown = min([await timed("ghost@example.com") for _ in range(3)])
    # Both paths run one argon2 verification; without the dummy hash the unknown-email
    # path would be an order of magnitude faster.
    assert unknown > known / 4
