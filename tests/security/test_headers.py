"""Security headers on every response, and CORS only for configured origins."""

from __future__ import annotations

from typing import Any

from httpx import ASGITransport, AsyncClient

from hireloop.config import Settings
from hireloop.main import create_app
from tests.factories import auth, register_candidate

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def assert_secure(response: Any) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.url, name)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


async def test_every_kind_of_response_carries_the_security_headers(client: AsyncClient) -> None:
    user = await register_candidate(client)
    responses = [
        await client.get("/api/v1/auth/me", headers=auth(user["access_token"])),  # 200 JSON
        await client.get("/api/v1/auth/me"),  # 401
        await client.get("/api/v1/job-postings/not-a-uuid"),  # 422
        await client.get("/api/v1/nowhere"),  # 404
        await client.post(
            "/api/v1/auth/login", content=b"x", headers={"content-type": "text/plain"}
        ),
        await client.get("/healthz"),
        await client.get("/jobs"),  # a server-rendered page
        await client.get("/docs"),
    ]
    for response in responses:
        assert_secure(response)
    page_csp = responses[6].headers["content-security-policy"]
    assert "script-src 'self'" in page_csp and "unsafe-inline" not in page_csp
    assert responses[0].headers["cache-control"] == "no-store"  # personal data is not cached


async def test_cors_is_off_unless_origins_are_configured(client: AsyncClient) -> None:
    preflight = await client.options(
        "/api/v1/auth/login",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    simple = await client.get("/healthz", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_allows_only_the_configured_origins(settings: Settings) -> None:
    configured = create_app(settings.model_copy(update={"cors_origins": ["https://app.example"]}))
    async with configured.router.lifespan_context(configured):
        transport = ASGITransport(app=configured)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            allowed = await client.options(
                "/api/v1/auth/login",
                headers={
                    "origin": "https://app.example",
                    "access-control-request-method": "POST",
                    "access-control-request-headers": "content-type",
                },
            )
            assert allowed.status_code == 200
            assert allowed.headers["access-control-allow-origin"] == "https://app.example"
            other = await client.options(
                "/api/v1/auth/login",
                headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
            )
            assert "access-control-allow-origin" not in other.headers
            simple = await client.get("/healthz", headers={"origin": "https://app.example"})
            assert simple.headers["access-control-allow-origin"] == "https://app.example"


def test_cors_origins_are_read_comma_separated_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("HIRELOOP_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
