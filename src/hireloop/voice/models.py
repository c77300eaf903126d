from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, UUIDPrimaryKey, utcnow


class VoiceAnswer(UUIDPrimaryKey, Base):
    """One recorded answer: its transcript, and its audio file while it is kept.

    Created when the recording is transcribed; confirmed when the candidate sends the
    (possibly corrected) transcript as their answer. Unconfirmed rows are drafts: a
    retried or abandoned recording leaves the interview itself untouched.
    """

    __tablename__ = "voice_answers"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    # The question message it answers (a plain id: messages may be purged by retention).
    question_message_id: Mapped[uuid.UUID] = mapped_column()
    # The transcript message it became, once confirmed.
    answer_message_id: Mapped[uuid.UUID | None] = mapped_column()
    transcript: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # Opaque name of the audio file under the audio directory; null once deleted.
    storage_key: Mapped[str | None] = mapped_column(String(100))
    edited: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # When a kept recording's file is deleted (HIRELOOP_SPEECH_KEEP_AUDIO_DAYS).
    keep_until: Mapped[datetime | None] = mapped_column(index=True)
