"""Domain errors and the handlers that turn them into ``{"detail": ...}`` responses.

Services raise these (never ``HTTPException``); one handler maps them to status codes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)


class ErrorResponse(BaseModel):
    """Every error: a human-readable ``detail`` message and a stable, machine-readable
    ``code`` (e.g. ``interview_not_in_progress``, ``answer_already_recorded``)."""

    detail: str
    code: str = "error"


class ValidationErrorResponse(ErrorResponse):
    """A 422: the message plus the machine-readable list of what was wrong."""

    errors: list[dict[str, Any]] = []


class DomainError(Exception):
    status_code = 400
    code = "bad_request"  # each subclass (or raise site) names its case

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers
        self.code = code or type(self).code
        self.extra = extra or {}  # more fields of the error body (e.g. the current question)


class BadRequest(DomainError):
    status_code = 400


class Unauthorized(DomainError):
    status_code = 401
    code = "not_authenticated"

    def __init__(self, detail: str = "Not authenticated") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    """Well-formed but semantically invalid input (e.g. an unknown role type)."""

    status_code = 422
    code = "invalid_input"


class PreconditionRequired(DomainError):
    """Something must be done first (e.g. accept the candidate notice before an interview)."""

    status_code = 428
    code = "precondition_required"


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"


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
        428: "Something must be done first (the body says what)",
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
    if error.get("type") == "json_invalid":
        # FastAPI's own wording is "17: JSON decode error"; say what and where instead.
        reason = str((error.get("ctx") or {}).get("error", "")).strip() or "malformed"
        position = error.get("loc", ("", ""))[-1]
        return f"Request body is not valid JSON ({reason}, at character {position})"
    location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = str(error.get("msg", "invalid value"))
    return f"{location}: {message}" if location else message


def error_body(exc: DomainError) -> dict[str, Any]:
    """The JSON body of a domain error, wherever it is sent (API, page script, stream)."""
    return {"detail": exc.detail, "code": exc.code, **exc.extra}


async def _domain_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse(error_body(exc), status_code=exc.status_code, headers=exc.headers)


async def _validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = "; ".join(_describe_validation_error(error) for error in exc.errors())
    errors = [
        {key: value for key, value in error.items() if key in ("loc", "msg", "type")}
        for error in exc.errors()
    ]
    detail = detail or "Invalid input"
    return JSONResponse(
        {"detail": detail, "errors": jsonable_encoder(errors)},
        status_code=422,
    )


# The web pages answer errors that reach no route of theirs (an unknown address, a wrong
# method, a server error) with HTML pages in the site's layout: ``web.errors`` sets this on
# ``app.state.page_errors``. It returns None for requests that are not for a page (the API).
PageErrors = Callable[[Request, int, Mapping[str, str] | None], Awaitable[Response | None]]


async def _respond(
    request: Request, status_code: int, body: dict[str, Any], headers: Mapping[str, str] | None
) -> Response:
    pages: PageErrors | None = getattr(request.app.state, "page_errors", None)
    if pages is not None:
        page = await pages(request, status_code, headers)
        if page is not None:
            return page
    return JSONResponse(body, status_code=status_code, headers=headers)


async def _http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return await _respond(
        request, exc.status_code, {"detail": str(exc.detail)}, getattr(exc, "headers", None)
    )


DATABASE_UNAVAILABLE = "Database unavailable, please retry shortly"


async def _database_unavailable_handler(request: Request, exc: Exception) -> Response:
    # Only connection-level failures are a 503; any other database error is a bug and
    # must surface as one (re-raised to the server error handler).
    if isinstance(exc, DBAPIError) and not (
        exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    ):
        raise exc
    log.warning("database_unavailable", error=type(exc).__name__, message=str(exc)[:200])
    return await _respond(request, 503, {"detail": DATABASE_UNAVAILABLE}, {"Retry-After": "5"})


INTERNAL_ERROR = "Internal server error"


class UnhandledErrorMiddleware:
    """A bug (an exception no handler takes) is answered with a 500 in the app's shape:
    JSON on the API, an HTML page on the web pages. It sits inside the security headers
    and request-id middleware, so the answer carries both; the exception is then raised
    on, for the server to log with its traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if not started:
                log.error("unhandled_error", error=type(exc).__name__)
                request = Request(scope, receive)
                body = {"detail": INTERNAL_ERROR, "code": "internal_error"}
                response = await _respond(request, 500, body, None)
                await response(scope, receive, send)
            raise


def install_error_handlers(app: FastAPI) -> None:
    # Added first, so it is the innermost middleware (see UnhandledErrorMiddleware).
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_exception_handler(DBAPIError, _database_unavailable_handler)
    app.add_exception_handler(ConnectionError, _database_unavailable_handler)
    app.add_exception_handler(DomainError, _domain_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
