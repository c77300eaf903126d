"""Admins manage users (GET/PATCH /users); nobody else can."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import PASSWORD, auth, create_staff_user, register_candidate

USERS = "/api/v1/users"


async def _me(client: AsyncClient, token: str) -> dict[str, Any]:
    response = await client.get("/api/v1/auth/me", headers=auth(token))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_admin_lists_filters_and_searches_users(client: AsyncClient, app: object) -> None:
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    await create_staff_user(app, UserRole.recruiter, name="Rita Recruiter")
    ada = await register_candidate(client, "Ada Lovelace")
    await register_candidate(client, "Grace Hopper")

    everyone = await client.get(USERS, headers=auth(admin))
    assert everyone.status_code == 200 and everyone.json()["total"] == 4
    assert "password_hash" not in everyone.json()["items"][0]
    candidates = await client.get(USERS, params={"role": "candidate"}, headers=auth(admin))
    assert {u["full_name"] for u in candidates.json()["items"]} == {"Ada Lovelace", "Grace Hopper"}
    found = await client.get(USERS, params={"search": "LOVELACE"}, headers=auth(admin))
    assert [u["id"] for u in found.json()["items"]] == [ada["user"]["id"]]
    by_email = await client.get(
        USERS, params={"search": ada["user"]["email"][:12]}, headers=auth(admin)
    )
    assert ada["user"]["id"] in [u["id"] for u in by_email.json()["items"]]
    literal = await client.get(USERS, params={"search": "%"}, headers=auth(admin))
    assert literal.json()["total"] == 0
    page = await client.get(USERS, params={"limit": 1, "skip": 1}, headers=auth(admin))
    assert len(page.json()["items"]) == 1 and page.json()["total"] == 4
    one = await client.get(f"{USERS}/{ada['user']['id']}", headers=auth(admin))
    assert one.json()["email"] == ada["user"]["email"]
    for params in ({"role": "boss"}, {"limit": 500}, {"status": "gone"}):
        assert (await client.get(USERS, params=params, headers=auth(admin))).status_code == 422
    assert (await client.get(f"{USERS}/{uuid.uuid4()}", headers=auth(admin))).status_code == 404


async def test_admin_changes_role_and_status(client: AsyncClient, app: object) -> None:
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    ada = await register_candidate(client, "Ada Lovelace")
    user_url = f"{USERS}/{ada['user']['id']}"

    promoted = await client.patch(user_url, json={"role": "recruiter"}, headers=auth(admin))
    assert promoted.status_code == 200 and promoted.json()["role"] == "recruiter"
    # The promotion takes effect on the next request with the same token.
    mine = await client.get("/api/v1/job-postings/mine", headers=auth(ada["access_token"]))
    assert mine.status_code == 200

    renamed = await client.patch(user_url, json={"full_name": "  Ada King "}, headers=auth(admin))
    assert renamed.json()["full_name"] == "Ada King"
    deactivated = await client.patch(user_url, json={"status": "inactive"}, headers=auth(admin))
    assert deactivated.json()["status"] == "inactive"
    # Inactive users' tokens stop working and they cannot log in.
    me = await client.get("/api/v1/auth/me", headers=auth(ada["access_token"]))
    assert me.status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": ada["user"]["email"], "password": PASSWORD}
    )
    assert login.status_code == 401
    await client.patch(user_url, json={"status": "active"}, headers=auth(admin))
    # Deactivation ended the old sessions for good (issue 13); signing in again works.
    old = await client.get("/api/v1/auth/me", headers=auth(ada["access_token"]))
    assert old.status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": ada["user"]["email"], "password": PASSWORD}
    )
    assert (await _me(client, login.json()["access_token"]))["status"] == "active"

    for body in ({"role": "owner"}, {"status": "asleep"}, {"full_name": " "}):
        assert (await client.patch(user_url, json=body, headers=auth(admin))).status_code == 422
    missing = await client.patch(f"{USERS}/{uuid.uuid4()}", json={}, headers=auth(admin))
    assert missing.status_code == 404


async def test_admins_cannot_lock_themselves_out(client: AsyncClient, app: object) -> None:
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    me = await _me(client, admin)
    for body in ({"role": "candidate"}, {"status": "inactive"}):
        response = await client.patch(f"{USERS}/{me['id']}", json=body, headers=auth(admin))
        assert response.status_code == 409
        assert response.json()["detail"] == "Admins cannot change their own role or status"
    renamed = await client.patch(
        f"{USERS}/{me['id']}", json={"full_name": "Ann Boss"}, headers=auth(admin)
    )
    assert renamed.status_code == 200


async def test_only_admins_manage_users(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    candidate = await register_candidate(client)
    target = f"{USERS}/{candidate['user']['id']}"
    for token in (recruiter, candidate["access_token"]):
        listed = await client.get(USERS, headers=auth(token))
        assert listed.status_code == 403 and listed.json()["detail"] == "Admin role required"
        assert (await client.get(target, headers=auth(token))).status_code == 403
        patched = await client.patch(target, json={"role": "admin"}, headers=auth(token))
        assert patched.status_code == 403
    assert (await client.get(USERS)).status_code == 401
    assert (await client.patch(target, json={"role": "admin"})).status_code == 401
