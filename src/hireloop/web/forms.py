"""Reading HTML forms and turning validation errors into messages beside each field."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import ValidationError

from hireloop.web.wording import plain_validator_text

FormData = dict[str, str]


async def read_form(request: Request) -> FormData:
    """Text fields of a submitted form (uploads are not used by these pages)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _message(field: str, error: dict[str, Any]) -> str:
    """A validation error in plain words: "Use at least 8 characters.", never pydantic's
    "String should have at least 8 characters"."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing" or error.get("input") in ("", None):
        return "This field is required."
    if (field, kind) in _PLAIN_FOR_FIELD:
        return _PLAIN_FOR_FIELD[field, kind].format(**ctx)
    if kind in _PLAIN:
        return _PLAIN[kind].format(**ctx)
    if kind == "value_error" and "email address" in str(error.get("msg", "")):
        return "Enter an email address like name@example.com."
    return plain_validator_text(str(error.get("msg", "Check this value.")))


# Pydantic's error types, in words (ctx fills the numbers).
_PLAIN = {
    "string_too_short": "Use at least {min_length} characters.",
    "string_too_long": "Use at most {max_length} characters.",
    "too_short": "Give at least {min_length} items.",
    "too_long": "Give at most {max_length} items.",
    "greater_than_equal": "Use a number of at least {ge}.",
    "greater_than": "Use a number above {gt}.",
    "less_than_equal": "Use a number no larger than {le}.",
    "less_than": "Use a number below {lt}.",
    "int_parsing": "Enter a whole number, without spaces or symbols.",
    "int_type": "Enter a whole number, without spaces or symbols.",
    "int_from_float": "Enter a whole number, without spaces or symbols.",
    "enum": "Choose one of the options.",
    "literal_error": "Choose one of the options.",
    "string_pattern_mismatch": "Check the format: it does not look right.",
    "string_type": "Enter text here.",
}
_PLAIN_FOR_FIELD = {
    ("salary_currency", "string_pattern_mismatch"): "Use a three-letter code, such as USD or EUR.",
    ("required_skills", "too_long"): "List at most {max_length} skills.",
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first message per field; errors not tied to a field go under "form"."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        location = [part for part in error.get("loc", ()) if isinstance(part, str)]
        field = location[0] if location else "form"
        errors.setdefault(field, _message(field, dict(error)))
    return errors


def blank_to_none(data: FormData, *fields: str) -> dict[str, Any]:
    """Empty optional inputs mean "not given"."""
    result: dict[str, Any] = dict(data)
    for field in fields:
        if not str(result.get(field, "")).strip():
            result[field] = None
    return result
