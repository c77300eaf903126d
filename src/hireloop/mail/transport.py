"""Sending one message: over SMTP when a mail server is configured, else into the log.

``smtplib`` runs in a worker thread with the configured timeout, so a slow mail server
holds up only the delivery that talks to it, never the event loop.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import structlog

from hireloop.config import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OutgoingEmail:
    """A rendered message: one recipient, a subject, a plain-text and an HTML part."""

    to: str
    subject: str
    text: str
    html: str


def build_message(email: OutgoingEmail, sender: str, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = message_id or make_msgid(domain="hireloop.invalid")
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def _send_blocking(message: EmailMessage, settings: Settings) -> None:
    host = settings.smtp_host
    assert host is not None
    timeout = settings.smtp_timeout_seconds
    smtp: smtplib.SMTP
    if settings.smtp_tls == "tls":
        smtp = smtplib.SMTP_SSL(
            host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)


async def send(email: OutgoingEmail, settings: Settings, message_id: str | None = None) -> None:
    """Deliver ``email`` (raises ``OSError``/``smtplib.SMTPException`` when it fails, so the
    outbox tries again later). Without ``HIRELOOP_SMTP_HOST`` it is logged instead."""
    message = build_message(email, settings.smtp_from, message_id)
    if not settings.smtp_host:
        # No mail server: the operator reads what would have been sent in the log.
        log.info(
            "email_not_sent_no_smtp",
            to=email.to,
            subject=email.subject,
            text=email.text,
            message_id=message["Message-ID"],
        )
        return
    await asyncio.to_thread(_send_blocking, message, settings)
    log.info("email_sent", message_id=message["Message-ID"])
