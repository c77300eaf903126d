"""Imports every ORM model so ``Base.metadata`` is complete (Alembic, tests)."""

from hireloop.applications.models import Application, ApplicationStatus, HumanReviewRequest
from hireloop.auth.models import User, UserRole, UserStatus
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
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.resumes.models import Resume

__all__ = [
    "Application",
    "ApplicationStatus",
    "AssessmentResult",
    "Base",
    "Consent",
    "HumanReviewRequest",
    "Interview",
    "InterviewMessage",
    "InterviewSession",
    "InterviewStatus",
    "JobPosting",
    "JobStatus",
    "MessageType",
    "Resume",
    "SelfIdentification",
    "User",
    "UserRole",
    "UserStatus",
]
