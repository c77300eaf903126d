from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints, model_validator

from hireloop.engine.schema import Difficulty
from hireloop.interviews.models import AnswerMode, InterviewStatus, MessageType

STANDALONE_EXAMPLE: dict[str, JsonValue] = {"role_type": "python"}
ANSWER_MAX_CHARS = 5000
JOB_LINKED_EXAMPLE: dict[str, JsonValue] = {
    "application_id": "6f1c2a9e-3b7d-4e21-9a55-0c8e4f2d1b77"
}


class InterviewStartRequest(BaseModel):
    """Start an interview: job-linked (``application_id``) or standalone practice (``role_type``).

    With ``application_id`` the application's job decides the role type and links the
    interview to the job, even if ``role_type`` is also sent. Without it, ``role_type``
    (free text such as "React" or "node.js" is accepted) starts a practice interview.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [STANDALONE_EXAMPLE, JOB_LINKED_EXAMPLE],
        }
    )

    role_type: str | None = Field(default=None, max_length=100)
    application_id: uuid.UUID | None = None
    resume_id: uuid.UUID | None = None
    consent_notice_version: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description=(
            "accept the candidate notice (GET /api/v1/consent-notice) with this start: its "
            "current version; needed once, unless the notice was accepted already"
        ),
    )
    answer_mode: AnswerMode = Field(
        default=AnswerMode.text,
        description=(
            "`voice` to hear the questions and answer by speaking (granted when the server "
            "has a speech server and the job allows it; the response's `answer_mode` says "
            "which), `text` to type"
        ),
    )

    @model_validator(mode="after")
    def _strip_role_type(self) -> InterviewStartRequest:
        if self.role_type is not None and not self.role_type.strip():
            self.role_type = None
        return self


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sequence_number: int
    message_type: MessageType
    content_text: str
    metadata: dict[str, Any] = Field(validation_alias="meta")
    created_at: datetime


class SessionRead(BaseModel):
    """The engine state as a viewer may see it (built by ``router.session_read``)."""

    current_difficulty_level: Difficulty
    questions_asked_count: int
    skill_plan: list[dict[str, Any]]
    phase_history: list[dict[str, Any]]
    skills_explored: list[str]
    skills_pending: list[str]
    skill_levels: dict[str, Any] = Field(
        description=(
            "per planned skill: for the candidate while the interview runs only `closed` and "
            "`questions`; once it is over (and for the job's recruiters) also the level and "
            "how each answer was judged"
        )
    )
    last_activity_at: datetime


class InterviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    candidate_id: uuid.UUID
    job_posting_id: uuid.UUID | None
    application_id: uuid.UUID | None
    resume_id: uuid.UUID | None
    role_type: str
    status: InterviewStatus
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None
    ai_provider: str
    ai_model_used: str | None
    total_tokens_used: int
    cost_usd: Decimal | None
    created_at: datetime
    answer_mode: AnswerMode = Field(
        default=AnswerMode.text,
        description="`voice`: questions spoken, answers recorded; `text`: typed",
    )


class InterviewStartResponse(InterviewRead):
    session: SessionRead
    first_question: MessageRead
    # The question awaiting an answer (the first one, unless an interview is resumed).
    current_question: MessageRead | None


AnswerText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ANSWER_MAX_CHARS)
]


class AnswerCreate(BaseModel):
    """An answer, from the API and the pages alike (one rule: stripped, 1-5000 characters)."""

    content: AnswerText
    question_id: uuid.UUID = Field(
        description=(
            "The id of the question message this answers (the start's `first_question`, a "
            "turn's `next_question`, or `current_question` of GET /interviews/{id}). An "
            "answer to a question that is no longer current gets 409 `question_not_current` "
            "with the current question."
        )
    )
    # A client retry with the same key replays the stored turn instead of adding one.
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=100)


class Progress(BaseModel):
    question_number: int
    max_questions: int
    difficulty: Difficulty
    skills_done: list[str] = Field(description="skills asked about already (not now)")
    skill_current: str | None = Field(
        default=None, description="the skill of the latest question, the one being asked"
    )
    skills_pending: list[str] = Field(description="skills not asked about yet")


class AnswerResponse(BaseModel):
    answer: MessageRead
    next_question: MessageRead | None
    progress: Progress
    interview_complete: bool


class InterviewDetail(InterviewRead):
    session: SessionRead | None
    progress: Progress | None
    current_question: MessageRead | None = None  # the question awaiting an answer
    voice_offered: bool = Field(
        default=False,
        description="whether this interview can be taken by voice (speech server and job allow it)",
    )


class InterviewList(BaseModel):
    items: list[InterviewRead]
    total: int
    skip: int
    limit: int


class TranscriptPage(BaseModel):
    items: list[MessageRead]
    # Pass as after_sequence to get the next page; null when this page is the last.
    next_after_sequence: int | None


ADVISORY_NOTE = (
    "The score is advice from an automated judge, not a decision: for a job interview a "
    "person (the recruiter who posted the job) decides on the application, and the "
    "candidate can ask for a human review of this result."
)


class AssessmentResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    advisory: str = Field(
        default=ADVISORY_NOTE, description="the score is advice: a person decides"
    )

    interview_id: uuid.UUID
    role_type: str
    job_posting_id: uuid.UUID | None
    overall_score: float
    skill_results: list[dict[str, Any]]
    strengths: list[str]
    growth_areas: list[dict[str, Any]]
    insufficient_evidence: list[str]
    recommendation: str
    integrity_flags: list[dict[str, Any]]
    coverage: dict[str, Any] | None = Field(
        default=None,
        description="questions_asked of questions_planned, skills_assessed of skills_planned",
    )
    confidence: str | None = Field(default=None, description="high, medium or low")
    review_reasons: list[str] | None = Field(
        default=None, description="why the results need a human review (needs_review)"
    )
    evaluator_version: str | None = None
    produced_by: dict[str, Any] | None = Field(
        default=None,
        description=(
            "which engine produced each part: `evaluations` counts answers judged per engine "
            "(`builtin`, `openai`), `wording` names who worded the summary"
        ),
    )
    generated_at: datetime
    engine: str
    model: str | None
