"""Error messages in plain words for the pages.

Services speak to developers ("Job posting 3e0d… not found", "Not authorized to access
this interview"); the API keeps that text. A page shows the person what happened and
what they can do, without ids, codes or validator wording.
"""

from __future__ import annotations

import re

from hireloop.applications import review
from hireloop.applications import service as applications
from hireloop.errors import DomainError
from hireloop.interviews import service as interviews
from hireloop.interviews import start

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_NOT_FOUND = re.compile(r"^(?P<what>[A-Z][a-z ]+) \S+ not found$")

NOT_FOUND = {
    "Job posting": "This job posting doesn't exist or is no longer available.",
    "Interview": "This interview doesn't exist, or it has been deleted.",
    "Application": "This application doesn't exist, or it has been deleted.",
    "Resume": "This resume doesn't exist, or it has been deleted.",
    "User": "This account doesn't exist.",
}

# Exact service texts (imported where they are constants) and their plain versions.
BY_TEXT = {
    interviews.NOT_AUTHORIZED: (
        "This interview belongs to another account, so it cannot be opened here."
    ),
    applications.NOT_AUTHORIZED: "This application belongs to another account.",
    review.NOT_YOUR_POSTING: "Only the recruiter who posted this job can review its applicants.",
    "Not authorized to change this job posting": (
        "Only the recruiter who posted this job can change it."
    ),
    applications.NOT_ACCEPTING: "This job is not taking applications at the moment.",
    "Only candidates can apply to jobs": (
        "Only candidate accounts can apply to jobs. Sign in with a candidate account to apply."
    ),
    start.JOB_INACTIVE: (
        "This job is no longer taking applications, so its interview cannot be started."
    ),
    "Application has been withdrawn": (
        "You withdrew this application, so its interview cannot be started."
    ),
}

# By the error's code, for texts that carry details (a status, an id).
BY_CODE = {
    "interview_finished": "This interview has already ended.",
    "interview_completed": "This interview has already ended.",
    "interview_not_in_progress": (
        "This interview is not under way any more, so it cannot be answered or finished."
    ),
    "interview_not_completed": "Results are shown once the interview is completed.",
    "no_results": "The results of this interview are not available.",
    "cannot_withdraw": (
        "This application can no longer be withdrawn: a decision has been made, "
        "or it was withdrawn already."
    ),
    "status_change_not_allowed": (
        "That status change is no longer possible for this application. "
        "Reload the page to see its current status."
    ),
    "job_status_not_allowed": (
        "That change is not possible for this posting in its current state. "
        "Reload the page to see it."
    ),
    "job_not_accepting": BY_TEXT[applications.NOT_ACCEPTING],
    "job_not_active": BY_TEXT[start.JOB_INACTIVE],
}

# When a text still reads like a developer's (an id, a field name), the page says this.
GENERIC = {
    400: "That did not work. Go back and try again.",
    403: "You don't have access to this page.",
    404: "This page doesn't exist or is no longer available.",
    409: "That is not possible right now: the page may be out of date. Reload it and try again.",
    422: "Some of what was sent could not be used. Go back, check it and try again.",
    503: "Hireloop is not available for a moment. Nothing was saved; try again shortly.",
}


def wait_text(seconds: int) -> str:
    """``Retry-After`` seconds as a person would say them."""
    if seconds < 60:
        return "a minute" if seconds > 45 else "a few seconds" if seconds <= 10 else "half a minute"
    minutes = round(seconds / 60)
    return f"{minutes} minutes" if minutes > 1 else "a minute"


def page_message(exc: DomainError) -> str:
    """What a page says about a refused request."""
    if exc.status_code == 429:
        retry = (exc.headers or {}).get("Retry-After", "60")
        seconds = int(retry) if retry.isdigit() else 60
        return (
            "You have done this many times in a short while. "
            f"Please wait {wait_text(seconds)} and try again."
        )
    if exc.detail in BY_TEXT:
        return BY_TEXT[exc.detail]
    if exc.code in BY_CODE:
        return BY_CODE[exc.code]
    found = _NOT_FOUND.match(exc.detail)
    if exc.status_code == 404 and found and found["what"] in NOT_FOUND:
        return NOT_FOUND[found["what"]]
    if _reads_like_code(exc.detail):
        return GENERIC.get(exc.status_code, GENERIC[400])
    return exc.detail


def _reads_like_code(text: str) -> bool:
    """An id, a snake_case name or a "field: message" prefix gives a developer's text away."""
    return bool(_UUID.search(text) or re.search(r"\b[a-z]+_[a-z_]+\b", text))


# Field names that validator messages may start with, as the forms label them.
FIELD_WORDS = {
    "salary_min": "the lowest salary",
    "salary_max": "the highest salary",
    "salary_currency": "the currency",
    "full_name": "your name",
    "new_password": "the new password",
    "current_password": "the current password",
    "required_skills": "the required skills",
    "tech_stack": "the tech stack",
    "role_type": "the role type",
}


def plain_validator_text(message: str) -> str:
    """A custom validator's message ("salary_min must not exceed salary_max") in words."""
    message = message.removeprefix("Value error, ")
    field, colon, rest = message.partition(": ")
    if colon and re.fullmatch(r"[a-z_ ]+", field):
        message = rest  # "new_password: must differ …" → the field is already shown
    for name, words in FIELD_WORDS.items():
        message = re.sub(rf"\b{name}\b", words, message)
    message = message.strip()
    if message and not message.endswith((".", "!", "?")):
        message += "."
    return message[:1].upper() + message[1:]
