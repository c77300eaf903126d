"""One interview turn as server-sent events, for the API and the page alike.

The turn runs as its own task with its own database session (a streamed response outlives
the request's session), so a client that goes away does not cancel its answer. Events:
``question.delta`` {text} as the next question is worded, ``question.reset`` when what was
shown is withdrawn, then ``turn`` (the caller's body) or ``error`` {status, detail}.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable

import structlog
from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.errors import DomainError, error_body
from hireloop.interviews import answers
from hireloop.interviews.schemas import AnswerCreate
from hireloop.interviews.service import TurnResult

log = structlog.get_logger(__name__)

EVENTS_DESCRIPTION = (
    "Server-sent events: `question.delta` {text} as the next question is worded, "
    "`question.reset` when what was shown is withdrawn, then `turn` (the same body as the "
    "non-streamed route) or `error` {status, detail}."
)

# Streamed turns run on as tasks; kept here so they are not garbage-collected mid-turn.
_running: set[asyncio.Task[None]] = set()


class EventStream:
    """The next question, word by word, as server-sent events (a QuestionStream)."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[str | None] = asyncio.Queue()
        self._shown = ""

    def send(self, name: str, data: str) -> None:
        self.events.put_nowait(f"event: {name}\ndata: {data}\n\n")

    async def show(self, text: str) -> None:
        if text.startswith(self._shown):
            delta = text[len(self._shown) :]
        else:  # reworded from the start (a fallback's own wording): begin again
            self.send("question.reset", "{}")
            delta = text
        self._shown = text
        if delta:
            self.send("question.delta", json.dumps({"text": delta}))

    async def retract(self) -> None:
        self._shown = ""
        self.send("question.reset", "{}")


async def stream_turn(
    request: Request,
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    answer: AnswerCreate,
    idempotency_key: str | None,
    settings: Settings,
    body: Callable[[TurnResult], str],
) -> StreamingResponse:
    """Take the answer and stream the turn; ``body`` renders the final ``turn`` event.

    What would be refused at once is refused before the stream begins, with its HTTP
    status; only a refusal decided later (another answer won the race) is an event."""
    await answers.check_answerable(
        session, user, interview_id, idempotency_key, settings, answer.question_id
    )
    # The request's own session ends its transaction before the turn's session begins:
    # SQLite has one writer, and a lock held here would stall the turn below. (A commit,
    # not a rollback: nothing was changed, and a rollback would expire the signed-in user.)
    await session.commit()
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    stream = EventStream()

    async def take_turn() -> None:
        try:
            async with maker() as session:
                try:
                    result = await answers.submit_answer(
                        session,
                        user,
                        interview_id,
                        answer.content,
                        idempotency_key,
                        settings,
                        stream,
                        question_id=answer.question_id,
                    )
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
            stream.send("turn", body(result))
        except DomainError as error:
            stream.send("error", json.dumps({"status": error.status_code, **error_body(error)}))
        except Exception:
            log.exception("streamed_answer_failed", interview_id=str(interview_id))
            stream.send("error", json.dumps({"status": 500, "detail": "Internal server error"}))
        finally:
            stream.events.put_nowait(None)

    task = asyncio.create_task(take_turn())
    _running.add(task)
    task.add_done_callback(_running.discard)

    async def events() -> AsyncIterator[str]:
        while (event := await stream.events.get()) is not None:
            yield event

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
