"""Domain errors and the handlers that turn them into ``{"detail": ...}`` responses.

Services raise these (never ``HTTPException``); one handler maps them to status codes.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger(__name__)


class ErrorResponse(BaseModel):
    """Every error: a human-readable ``detail`` message."""

    detail: str


class ValidationErrorResponse(ErrorResponse):
    """A 422: the message plus the machine-readable list of what was wrong."""

    errors: list[dict[str, Any]] = []


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class BadRequest(DomainError):
    status_code = 400


class Unauthorized(DomainError):
    status_code = 401

    def __init__(self, detail: str = "Not authenticated") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidInput(DomainError):
    """Well-formed but semantically invalid input (e.g. an unknown role type)."""

    status_code = 422


class ServiceUnavailable(DomainError):
    status_code = 503


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the given error status codes."""
    descriptions = {
        400: "Bad request",
        401: "Missing, invalid or expired token",
        403: "Not allowed for this user",
        404: "Not found",
        409: "Conflict with the current state",
        413: "Request body too large",
        415: "Unsupported media type",
        422: "Invalid input",
        429: "Too many requests",
        503: "Service unavailable",
    }
    return {
        code: {
            "model": ValidationErrorResponse if code == 422 else ErrorResponse,
            "description": descriptions.get(code, "Error"),
        }
        for code in codes
    }


def _describe_validation_error(error: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = str(error.get("msg", "invalid value"))
    return f"{location}: {message}" if location else message


async def _domain_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {key: value for key, value in error.items() if key in ("loc", "msg", "type")}
        for error in exc.errors()
    ]
    detail = "; ".join(_describe_validation_error(error) for error in errors) or "Invalid input"
    return JSONResponse(
        {"detail": detail, "errors": jsonable_encoder(errors)},
        status_code=422,
    )


async def _http_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(
        {"detail": str(exc.detail)},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


DATABASE_UNAVAILABLE = "Database unavailable, please retry shortly"


async def _database_unavailable_handler(_request: Request, exc: Exception) -> JSONResponse:
    # Only connection-level failures are a 503; any other database error is a bug and
    # must surface as one (re-raised to the server error handler).
    if isinstance(exc, DBAPIError) and not (
        exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    ):
        raise exc
    log.warning("database_unavailable", error=type(exc).__name__)
    return JSONResponse(
        {"detail": DATABASE_UNAVAILABLE}, status_code=503, headers={"Retry-After": "5"}
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DBAPIError, _database_unavailable_handler)
    app.add_exception_handler(ConnectionError, _database_unavailable_handler)
    app.add_exception_handler(DomainError, _domain_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
