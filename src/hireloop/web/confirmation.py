"""Steps that cannot be undone ask first: the words of each question, in one place.

Each page's form carries them as data-confirm attributes, which static/confirm.js shows in
a dialog and, on "Yes", sends with ``confirmed=1``. A form posted without that field (no
JavaScript) gets the same question as a page of its own; its "Yes" button posts the same
action again with ``confirmed=1``. The JSON API never asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.jobs.models import JobPosting
from hireloop.web.forms import FormData


@dataclass(frozen=True)
class Confirmation:
    title: str
    message: str
    action: str  # the words on the "Yes" button


def is_confirmed(form: FormData) -> bool:
    return form.get("confirmed") == "1"


def withdraw_question(application: Application) -> Confirmation:
    job = application.job_posting
    return Confirmation(
        title=f"Withdraw your application for {job.title}?",
        message=f"{job.company} will no longer consider you for this job, and its interview "
        "can no longer be taken. This cannot be undone.",
        action="Withdraw application",
    )


def finish_question(
    answered: int, max_questions: int | None, job: JobPosting | None
) -> Confirmation:
    plural = "" if answered == 1 else "s"
    out_of = f" of up to {max_questions}" if max_questions else ""
    shown = f" and shown to the recruiters at {job.company}" if job else ""
    return Confirmation(
        title="Finish the interview now?",
        message=f"You have answered {answered} question{plural}{out_of}. Finishing ends the "
        "interview: no more questions can be answered, and the results are worked out from "
        f"the answers so far{shown}.",
        action="Finish interview",
    )


def status_question(
    candidate_name: str, current: ApplicationStatus, target: ApplicationStatus
) -> Confirmation | None:
    """Only the final decisions ask; moving to "under review" does not."""
    final = "This is final: the status cannot be changed afterwards."
    if target is ApplicationStatus.offered:
        return Confirmation(
            title=f"Offer the job to {candidate_name}?",
            message=f"{candidate_name} sees “Offered” on their applications at once. {final}",
            action="Mark as offered",
        )
    if target is ApplicationStatus.rejected:
        not_started = current in (ApplicationStatus.applied, ApplicationStatus.interview_scheduled)
        also = ", and their interview can no longer be started" if not_started else ""
        return Confirmation(
            title=f"Reject {candidate_name}?",
            message=f"{candidate_name} sees “Rejected” on their applications at once{also}. "
            f"{final}",
            action="Reject applicant",
        )
    return None


@dataclass(frozen=True)
class ConfirmPage:
    """The no-JavaScript confirmation: where "Yes" posts, with which fields, and the way back."""

    question: Confirmation
    action_url: str
    cancel_url: str
    fields: dict[str, str] = field(default_factory=dict)
