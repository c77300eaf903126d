"""The rule for text that can be stored: no NUL characters, valid Unicode.

The request guard applies it to everything it reads (``body_checks``); fields it does not
read (uploaded files, their names, text extracted from files) use ``SafeText`` or
``reject_unsafe_text``. Such text is refused, never silently stripped, so what is stored
is always exactly what the client sent.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored (a NUL character, a lone surrogate), or None."""
    if "\x00" in value:
        return "text must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "text must be valid Unicode (no lone surrogates)"
    return None


def reject_unsafe_text(value: str) -> str:
    """Pydantic validator: refuse NUL characters and lone surrogates (422)."""
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


SafeText = Annotated[str, AfterValidator(reject_unsafe_text)]
