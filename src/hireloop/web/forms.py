"""Reading HTML forms and turning validation errors into messages beside each field."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import ValidationError

FormData = dict[str, str]


async def read_form(request: Request) -> FormData:
    """Text fields of a submitted form (uploads are not used by these pages)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _message(error: dict[str, Any]) -> str:
    if error.get("type") == "missing" or error.get("input") in ("", None):
        return "This field is required."
    message = str(error.get("msg", "Invalid value"))
    # Pydantic prefixes custom validator messages with "Value error, ".
    message = message.removeprefix("Value error, ")
    if "_" in message.split(" ", 1)[0]:
        return message  # starts with a field name such as salary_min: keep it as written
    return message[:1].upper() + message[1:]


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first message per field; errors not tied to a field go under "form"."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        location = [part for part in error.get("loc", ()) if isinstance(part, str)]
        field = location[0] if location else "form"
        errors.setdefault(field, _message(dict(error)))
    return errors


def blank_to_none(data: FormData, *fields: str) -> dict[str, Any]:
    """Empty optional inputs mean "not given"."""
    result: dict[str, Any] = dict(data)
    for field in fields:
        if not str(result.get(field, "")).strip():
            result[field] = None
    return result
