"""Standard Webhooks signatures (https://www.standardwebhooks.com/): the secret is
``whsec_`` + base64 of 24-64 random bytes; each request carries ``webhook-id``,
``webhook-timestamp`` (Unix seconds) and ``webhook-signature``: ``v1,`` + base64 of the
HMAC-SHA256 of ``"{id}.{timestamp}.{body}"`` under the decoded key. Receivers verify with
the specification's libraries (``standardwebhooks`` and others)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for one request."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
        "content-type": "application/json",
    }
