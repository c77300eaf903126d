"""Imports every ORM model so ``Base.metadata`` is complete (Alembic, tests)."""

from hireloop.applications.models import Application, ApplicationStatus, HumanReviewRequest
from hireloop.audit.models import AuditEntry
from hireloop.auth.models import RevokedSession, User, UserRole, UserStatus
from hireloop.consent.models import Consent
from hireloop.db import Base
from hireloop.fairness.models import SelfIdentification
from hireloop.interviews.models import (
    AssessmentResult,
    Interview,
    InterviewMessage,
    InterviewSession,
    InterviewStatus,
    MessageType,
)
from hireloop.invitations.models import DigestedInterview, Invitation
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.outbox.models import OutboxAttempt, OutboxMessage
from hireloop.privacy.models import ApplicationOutcome
from hireloop.resumes.models import Resume
from hireloop.voice.models import VoiceAnswer
from hireloop.webhooks.models import WebhookEndpoint, WebhookSubscription

__all__ = [
    "Application",
    "ApplicationOutcome",
    "ApplicationStatus",
    "AssessmentResult",
    "AuditEntry",
    "Base",
    "Consent",
    "DigestedInterview",
    "HumanReviewRequest",
    "Interview",
    "InterviewMessage",
    "InterviewSession",
    "InterviewStatus",
    "Invitation",
    "JobPosting",
    "JobStatus",
    "MessageType",
    "OutboxAttempt",
    "OutboxMessage",
    "Resume",
    "RevokedSession",
    "SelfIdentification",
    "User",
    "UserRole",
    "UserStatus",
    "VoiceAnswer",
    "WebhookEndpoint",
    "WebhookSubscription",
]
