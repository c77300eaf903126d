from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from hireloop.interviews.models import AnswerMode
from hireloop.interviews.schemas import AnswerText


class VoiceAnswerRead(BaseModel):
    """A recorded answer's transcript, waiting for the candidate to confirm or correct it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    question_message_id: uuid.UUID
    transcript: str
    duration_seconds: float | None = Field(
        description="as the recording's container states it; null when it does not"
    )


class VoiceAnswerConfirm(BaseModel):
    """The transcript as the candidate sends it: unchanged, or corrected."""

    content: AnswerText


class AnswerModeUpdate(BaseModel):
    answer_mode: AnswerMode
