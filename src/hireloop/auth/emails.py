"""Email addresses as accounts know them: one canonical form per address.

Registration stores it, login looks the account up by it, and the per-account login
limit counts it, so two spellings that reach the same account (``ADA@example.com``,
the same address with a full-width letter in its domain, ``ada@xn--...`` for an internationalised
domain) always share one counter.
"""

from __future__ import annotations

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field, WithJsonSchema

DISPLAY_NAME_REFUSED = (
    "give the address only (like ada@example.com), without a name or angle brackets"
)


def canonical_email(value: str) -> str:
    """The canonical form of an address, or ValueError with a message for the user.

    Display-name forms (``Ada <ada@example.com>``) are refused rather than unwrapped:
    an address field holds an address.
    """
    candidate = value.strip()
    if "<" in candidate or ">" in candidate:
        raise ValueError(DISPLAY_NAME_REFUSED)
    try:
        # The domain is mapped by IDNA/UTS-46 (full-width letters fold to ASCII) and the
        # local part NFC-normalised; lower-casing makes addresses case-insensitive.
        parsed = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"value is not a valid email address: {exc}") from None
    return parsed.normalized.lower()


def account_key(value: object) -> str | None:
    """The canonical address of whatever a client sent, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return canonical_email(value)
    except ValueError:
        return None


# An email field of a request: validated and returned in canonical form.
Email = Annotated[
    str,
    Field(max_length=320),
    AfterValidator(canonical_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 320}),
]
