"""Puts the edge middleware on the app, and documents in the OpenAPI schema what the
request guard can answer (400/413/415/422, in the app's own error shapes)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from hireloop.config import Settings
from hireloop.errors import ErrorResponse, ValidationErrorResponse
from hireloop.security.body_checks import MULTIPART
from hireloop.security.guard import RequestGuardMiddleware
from hireloop.security.proxies import TrustedProxyMiddleware


def install_security(app: FastAPI, settings: Settings) -> None:
    """CORS for the configured origins, then the guard (so its headers and refusals apply
    to every response), then the trusted-proxy middleware outermost (so everything sees
    the real client), and the OpenAPI entries for what the guard returns."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID"],
    )
    app.add_middleware(
        RequestGuardMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxies)
    _document_guard_responses(app)


def _document_guard_responses(app: FastAPI) -> None:
    """Every operation lists the 413/415/422 the guard can answer with, and every 422 uses
    the app's real shape (FastAPI's default 422 schema describes a different body)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorResponse, ValidationErrorResponse):
            components.setdefault(
                model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}")
            )
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method.upper() not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                    continue
                responses = operation.setdefault("responses", {})
                codes = ["422"]
                if "requestBody" in operation:
                    codes += ["413", "415"]
                    if MULTIPART in operation["requestBody"].get("content", {}):
                        codes.append("400")  # FastAPI's answer to a malformed multipart body
                for code in codes:
                    current = responses.get(code)
                    if current is None or "HTTPValidationError" in json.dumps(current):
                        responses[code] = _response_entry(code)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _response_entry(code: str) -> dict[str, Any]:
    model = "ValidationErrorResponse" if code == "422" else "ErrorResponse"
    description = {
        "400": "Malformed request body",
        "413": "Request body too large",
        "415": "Unsupported media type",
        "422": "Invalid input",
    }[code]
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
    }
