"""The SMTP transport against a real local server, and the log when there is none."""

from __future__ import annotations

import asyncio
import smtplib
import socket

import pytest

from hireloop.config import Settings
from hireloop.mail import transport
from hireloop.mail.rendering import render_email
from hireloop.mail.transport import OutgoingEmail
from tests.factories import logged_events
from tests.mail.smtp import Inbox

EMAIL = OutgoingEmail(
    to="ada@example.com",
    subject="Hello <Ada>",
    text="Plain words.\nSecond line.",
    html="<p>Plain <strong>words</strong>.</p>",
)


async def test_a_message_has_a_text_and_an_html_part(settings: Settings, inbox: Inbox) -> None:
    await transport.send(EMAIL, settings, "<fixed-id@hireloop.invalid>")
    [received] = inbox.messages
    assert received.envelope_to == ["ada@example.com"]
    assert received.message["Subject"] == "Hello <Ada>"
    assert received.message["From"] == settings.smtp_from
    assert received.message["Message-ID"] == "<fixed-id@hireloop.invalid>"
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.text.strip() == "Plain words.\nSecond line."
    assert "<strong>words</strong>" in received.html


async def test_names_are_escaped_in_html_but_not_in_text() -> None:
    rendered = render_email(
        "status_changed",
        "ada@example.com",
        "subject",
        {
            "name": "<script>alert(1)</script>",
            "job_title": "R&D",
            "company": "A&B",
            "status_words": "offered",
            "explanation": "x",
            "link": "http://hireloop.test/applications",
        },
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "Hello <script>alert(1)</script>," in rendered.text


async def test_without_smtp_settings_the_email_is_logged(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    await transport.send(EMAIL, settings.model_copy(update={"smtp_host": None}))
    [event] = [e for e in logged_events(capsys) if e["event"] == "email_not_sent_no_smtp"]
    assert event["to"] == "ada@example.com"
    assert event["subject"] == "Hello <Ada>"
    assert "Plain words." in event["text"]


async def test_a_server_that_never_answers_times_out(settings: Settings) -> None:
    # Accepts the connection (the kernel does) but never says hello.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        quick = settings.model_copy(update={"smtp_port": port, "smtp_timeout_seconds": 0.5})
        # The outer limit only keeps a broken timeout from hanging the suite; the error
        # must be the socket's own ("timed out"), not the outer limit's (no message).
        with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected), match="timed out"):
            await asyncio.wait_for(transport.send(EMAIL, quick), timeout=60)
