from __future__ import annotations

import uuid
from typing import Annotated

import structlog
from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from hireloop.applications.schemas import Paging
from hireloop.auth.dependencies import CurrentUser
from hireloop.auth.models import User
from hireloop.config import Settings, settings_of
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.interviews import answers, reads, repository, service, start, streaming
from hireloop.interviews.models import (
    Interview,
    InterviewMessage,
    InterviewSession,
    InterviewStatus,
    MessageType,
)
from hireloop.interviews.schemas import (
    JOB_LINKED_EXAMPLE,
    STANDALONE_EXAMPLE,
    AnswerCreate,
    AnswerResponse,
    AssessmentResultRead,
    InterviewDetail,
    InterviewList,
    InterviewRead,
    InterviewStartRequest,
    InterviewStartResponse,
    MessageRead,
    SessionRead,
    TranscriptPage,
)
from hireloop.interviews.service import TurnResult
from hireloop.ratelimit import limit_answers, limit_interview_starts
from hireloop.voice import service as voice

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/interviews", tags=["interviews"])

_START_EXAMPLES = {
    "standalone": {
        "summary": "Standalone practice interview",
        "description": "No job context: the role type picks the question packs.",
        "value": STANDALONE_EXAMPLE,
    },
    "job_linked": {
        "summary": "Job-linked interview",
        "description": "The application's job decides role type and skills.",
        "value": JOB_LINKED_EXAMPLE,
    },
}


def message_read(message: InterviewMessage, interview: Interview, viewer: User) -> MessageRead:
    """A transcript message. Per-answer evaluations stay hidden from the candidate until
    the interview is over, so they cannot be used to game the remaining questions."""
    read = MessageRead.model_validate(message)
    reveal = interview.status is InterviewStatus.completed or viewer.id != interview.candidate_id
    if message.message_type is MessageType.candidate_response and not reveal:
        read.metadata = {k: v for k, v in read.metadata.items() if k != "evaluation"}
    return read


def session_read(row: InterviewSession, interview: Interview, viewer: User) -> SessionRead:
    """The session state as the viewer may see it. Until the interview is over the
    candidate sees which skills are done, never how an answer was judged (scores,
    signals, levels): that would let them game the remaining questions."""
    state = repository.engine_state(row)
    read = SessionRead(
        current_difficulty_level=state.current_difficulty_level,
        questions_asked_count=state.questions_asked_count,
        skill_plan=[skill.model_dump(mode="json") for skill in state.skill_plan],
        phase_history=state.phase_history,
        skills_explored=state.skills_explored,
        skills_pending=state.skills_pending,
        skill_levels={
            skill_id: skill.model_dump(mode="json")
            for skill_id, skill in state.skill_levels.items()
        },
        last_activity_at=row.last_activity_at,
    )
    reveal = interview.status is InterviewStatus.completed or viewer.id != interview.candidate_id
    if not reveal:
        read.skill_levels = {
            skill_id: {
                "closed": bool(level.get("closed")),
                "questions": level.get("primary_questions", 0),
            }
            for skill_id, level in read.skill_levels.items()
            if isinstance(level, dict)
        }
    return read


@router.post(
    "/start",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": InterviewStartResponse,
            "description": "The interview was already in progress; it is returned as it stands",
        },
        **error_responses(400, 401, 403, 404, 409, 422, 428, 429),
    },
    dependencies=[Depends(limit_interview_starts)],  # per user; 429 + Retry-After
)
async def start_interview(
    data: Annotated[InterviewStartRequest, Body(openapi_examples=_START_EXAMPLES)],
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
) -> InterviewStartResponse:
    """Start an interview and get its first question.

    - **Job-linked** (`application_id`): the candidate's own application (403 otherwise,
      404 if unknown) whose job is still active (400). The interview scheduled when
      they applied is started; role type and job come from the job posting, even if
      `role_type` was also sent. Already in progress → 200 with the interview as it
      stands (resume after a disconnect); completed or abandoned → 409.
    - **Standalone practice** (`role_type` only): a role type such as `python` or free
      text such as "React" or "node.js"; unknown role types → 422 with the valid ones.
    - `{}` → 400. `resume_id`, when given, must be one of the caller's resumes (404).
    - The caller must have accepted the current candidate notice (`POST /api/v1/me/consents`)
      or accept it here with `consent_notice_version`; otherwise 428 `consent_required`
      with `notice_version` and `notice_url`. An old version → 409
      `notice_version_outdated`. (Operators can turn the requirement off.)
    - `answer_mode`: `voice` is granted when the server has a speech server and the job
      allows voice; otherwise the interview is typed (the response says which).
    """
    settings = settings_of(request)
    result = await start.start_interview(session, user, data, settings)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    interview = result.interview
    await voice.choose_mode(session, interview, data.answer_mode, settings)
    return InterviewStartResponse(
        **InterviewRead.model_validate(interview).model_dump(),
        session=session_read(result.session, interview, user),
        first_question=message_read(result.first_question, interview, user),
        current_question=(
            message_read(result.current_question, interview, user)
            if result.current_question
            else None
        ),
    )


@router.get("/me", responses=error_responses(401, 422))
async def my_interviews(
    user: CurrentUser, session: SessionDep, paging: Annotated[Paging, Query()]
) -> InterviewList:
    """The caller's interviews, newest first."""
    items, total = await reads.list_mine(session, user, paging.skip, paging.limit)
    return InterviewList(
        items=[InterviewRead.model_validate(i) for i in items],
        total=total,
        skip=paging.skip,
        limit=paging.limit,
    )


@router.get("/{interview_id}", responses=error_responses(401, 403, 404, 422))
async def get_interview(
    interview_id: uuid.UUID, user: CurrentUser, session: SessionDep, request: Request
) -> InterviewDetail:
    """One interview with its session state: the candidate's, or for the job's recruiter."""
    settings = settings_of(request)
    interview = await service.readable_interview(session, user, interview_id)
    row = interview.session
    current = await repository.open_question(session, interview)
    return InterviewDetail(
        **InterviewRead.model_validate(interview).model_dump(),
        session=session_read(row, interview, user) if row else None,
        progress=reads.progress_of(repository.engine_state(row), settings) if row else None,
        current_question=message_read(current, interview, user) if current else None,
        voice_offered=voice.voice_offered(settings, interview.job_posting),
    )


@router.post(
    "/{interview_id}/messages",
    responses=error_responses(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_answers)],  # per user; 429 + Retry-After
)
async def answer_question(
    interview_id: uuid.UUID,
    data: AnswerCreate,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> AnswerResponse:
    """Answer the current question; get the next one (or the end of the interview).

    Send an `Idempotency-Key` header (or `idempotency_key` field) to make retries safe:
    a repeated key returns the stored turn instead of adding another. `question_id` names
    the question answered: 409 `question_not_current` (with `current_question`) when it
    is no longer the open one (another tab, a resent request), 409
    `interview_not_in_progress` when the interview has ended, 409
    `answer_already_recorded` when another answer to the same question was accepted while
    the language model was evaluating this one.
    """
    settings = settings_of(request)
    result = await answers.submit_answer(
        session,
        user,
        interview_id,
        data.content,
        data.idempotency_key or idempotency_key,
        settings,
        question_id=data.question_id,
    )
    return turn_response(result, user, settings)


def turn_response(result: TurnResult, user: User, settings: Settings) -> AnswerResponse:
    interview = result.interview
    state = repository.engine_state(result.state)
    nxt = result.next_message
    return AnswerResponse(
        answer=message_read(result.answer, interview, user),
        next_question=(
            message_read(nxt, interview, user)
            if nxt is not None and nxt.message_type is MessageType.ai_question
            else None
        ),
        progress=reads.progress_of(state, settings),
        interview_complete=interview.status is InterviewStatus.completed,
    )


@router.post(
    "/{interview_id}/messages/stream",
    responses={
        **error_responses(401, 403, 404, 409, 422, 429),
        200: {
            "content": {"text/event-stream": {}},
            "description": streaming.EVENTS_DESCRIPTION,
        },
    },
    dependencies=[Depends(limit_answers)],
    response_class=StreamingResponse,
)
async def answer_question_streamed(
    interview_id: uuid.UUID,
    data: AnswerCreate,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> StreamingResponse:
    """Answer the current question, and watch the next one being worded.

    The same turn as `POST …/messages` (same rules, same stored result); with a language
    model the next question's words arrive as they are generated, each shown only once
    the words so far pass the question checks. What is refused at once (someone else's
    interview, an ended one, a question already answered) is an HTTP error as on the
    non-streamed route; a refusal decided later (another answer to the same question was
    accepted first) arrives as an `error` event. The turn completes even if the client
    goes away.
    """
    settings = settings_of(request)
    return await streaming.stream_turn(
        request,
        session,
        user,
        interview_id,
        data,
        data.idempotency_key or idempotency_key,
        settings,
        lambda result: turn_response(result, user, settings).model_dump_json(),
    )


@router.get("/{interview_id}/messages", responses=error_responses(401, 403, 404, 422))
async def get_transcript(
    interview_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    after_sequence: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TranscriptPage:
    """The transcript in order, a page at a time (by sequence number)."""
    interview, messages = await reads.transcript(session, user, interview_id, after_sequence, limit)
    return TranscriptPage(
        items=[message_read(m, interview, user) for m in messages],
        next_after_sequence=messages[-1].sequence_number if len(messages) == limit else None,
    )


@router.post("/{interview_id}/complete", responses=error_responses(401, 403, 404, 409, 422))
async def complete_interview(
    interview_id: uuid.UUID, user: CurrentUser, session: SessionDep, request: Request
) -> InterviewRead:
    """Finish now and get results from the answers so far (idempotent)."""
    interview = await service.finish_by_candidate(session, user, interview_id, settings_of(request))
    return InterviewRead.model_validate(interview)


@router.post("/{interview_id}/abandon", responses=error_responses(401, 403, 404, 409, 422))
async def abandon_interview(
    interview_id: uuid.UUID, user: CurrentUser, session: SessionDep, request: Request
) -> InterviewRead:
    """Leave the interview without results."""
    interview = await service.abandon(session, user, interview_id, settings_of(request))
    return InterviewRead.model_validate(interview)


@router.get("/{interview_id}/results", responses=error_responses(401, 403, 404, 409, 422))
async def get_results(
    interview_id: uuid.UUID, user: CurrentUser, session: SessionDep, request: Request
) -> AssessmentResultRead:
    """Per-skill results with evidence; 409 until the interview is completed.

    The score is advice (`advisory`): a person decides on the application, and the
    candidate can ask for a human review (`POST /api/v1/applications/{id}/human-review`).
    """
    interview, result = await reads.get_results(session, user, interview_id)
    return AssessmentResultRead(
        interview_id=interview.id,
        role_type=interview.role_type,
        job_posting_id=interview.job_posting_id,
        overall_score=result.overall_score,
        skill_results=result.skill_results,
        strengths=result.strengths,
        growth_areas=result.growth_areas,
        insufficient_evidence=result.insufficient_evidence,
        recommendation=result.recommendation,
        integrity_flags=result.integrity_flags,
        coverage=result.coverage,
        confidence=result.confidence,
        review_reasons=result.review_reasons,
        evaluator_version=result.evaluator_version,
        produced_by=result.produced_by,
        generated_at=result.generated_at,
        engine=result.engine,
        model=result.model,
    )
