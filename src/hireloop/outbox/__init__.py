"""The transactional outbox: every message Hireloop sends (webhooks, emails) goes through it.

Why a table and not a job queue: a message must be written in the SAME transaction as
the change that causes it, so a change that rolls back sends nothing and a committed
change always gets its message, even if the process dies right after the commit. A
queue outside the database (Redis, a broker) cannot share that transaction, so the
``outbox_messages`` table is the queue, and the worker (``worker.py``) reads it with row
leases (PostgreSQL: ``FOR UPDATE SKIP LOCKED`` claims, so several workers never take the
same attempt; SQLite: one writer at a time). Backoff with jitter comes from ``tenacity``.

Writing (in a service, with the request's session; nothing here commits)::

    from hireloop import outbox

    await outbox.emit(session, "application.created", {"application_id": str(app.id)})
    outbox.enqueue(session, channel="email", destination="a@b.example",
                   payload={...}, person_id=user.id)

``emit`` announces a domain event to every subscriber (``subscribe``; ``emit_many`` several
events of one change, which ``subscribe_batch`` subscribers write in one statement); the
webhooks turn each into one message per enabled endpoint that listens to the event (no
write at all when none does). ``enqueue`` writes one message for one channel directly.
The events and their payloads are in ``outbox/events.py``.

Adding a channel (e.g. ``email``): in its own module

1. write ``async def deliver(delivery: Delivery, context: ChannelContext) -> Outcome``
   making ONE attempt: ``Outcome.delivered()``, ``Outcome.retry(reason)`` (a temporary
   failure: the worker retries with backoff for ``HIRELOOP_OUTBOX_RETRY_HOURS``, then
   gives up) or ``Outcome.failed(reason)`` (never retried); an exception counts as retry;
2. call ``register_channel("email", deliver)`` at import (``after_batch=`` optionally
   runs in the transaction that records a batch's attempts; ``context.shared`` lets the
   attempts of one batch do common work once);
3. add the module to ``channels.CHANNEL_MODULES`` so every worker imports it;
4. if a payload or destination holds personal data, pass ``person_id`` to ``enqueue``:
   erasing that person deletes the message (``ON DELETE CASCADE``).

The worker runs inside ``hireloop serve`` (``outbox_worker`` in the app's lifespan) unless
``HIRELOOP_OUTBOX_WORKER_IN_SERVER=false``, and as ``hireloop worker``.
"""

from hireloop.outbox.channels import (
    ChannelContext,
    Delivery,
    Outcome,
    load_channels,
    register_channel,
)
from hireloop.outbox.models import AttemptOutcome, MessageStatus, OutboxAttempt, OutboxMessage
from hireloop.outbox.service import (
    Event,
    emit,
    emit_many,
    enqueue,
    redeliver,
    subscribe,
    subscribe_batch,
)

__all__ = [
    "AttemptOutcome",
    "ChannelContext",
    "Delivery",
    "Event",
    "MessageStatus",
    "OutboxAttempt",
    "OutboxMessage",
    "Outcome",
    "emit",
    "emit_many",
    "enqueue",
    "load_channels",
    "redeliver",
    "register_channel",
    "subscribe",
    "subscribe_batch",
]
