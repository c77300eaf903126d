"""The outbox's "email" channel: render the message from its payload's ids, then send it
over SMTP (or into the log without ``HIRELOOP_SMTP_HOST``). One attempt per call; the
worker retries temporary failures with backoff."""

from __future__ import annotations

import smtplib

import structlog

from hireloop.mail import transport
from hireloop.mail.messages import compose
from hireloop.mail.outbox import CHANNEL
from hireloop.outbox import ChannelContext, Delivery, Outcome, register_channel

log = structlog.get_logger(__name__)


async def deliver(delivery: Delivery, context: ChannelContext) -> Outcome:
    async with context.sessionmaker() as session:
        email = await compose(session, context.settings, delivery.payload)
    if email is None:
        return Outcome.failed("nothing to send any more (used, withdrawn or erased)")
    # The same Message-ID on every attempt: a mail server that got it once can tell.
    message_id = f"<{delivery.event_id}@hireloop.invalid>"
    try:
        await transport.send(email, context.settings, message_id)
    except smtplib.SMTPRecipientsRefused:
        return Outcome.failed("the mail server refused the recipient")
    except smtplib.SMTPResponseException as error:
        reason = f"mail server answered {error.smtp_code}"
        if 500 <= error.smtp_code < 600:
            return Outcome.failed(reason)
        return Outcome.retry(reason)
    except (OSError, smtplib.SMTPException) as error:
        return Outcome.retry(f"mail server unreachable ({type(error).__name__})")
    return Outcome.delivered()


register_channel(CHANNEL, deliver)
