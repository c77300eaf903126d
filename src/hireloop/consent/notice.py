"""The candidate notice: what an interview assesses, how, who sees the results, how long
data is kept, and how to ask for a person instead.

The wording is versioned by ``NOTICE_WORDING``: change the wording, change it, and every
candidate is asked to accept again before their next interview. The facts an operator
sets (the judge, the contact, retention) are filled in from the settings, so the notice
says what this server does; they are part of the version too (``notice_version``), so a
candidate who accepted "the built-in judge" is asked again once a language model judges.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from hireloop.config import Settings

NOTICE_WORDING = "2026-12-07"  # change it with the wording
NOTICE_URL = "/privacy/notice"


@dataclass(frozen=True)
class NoticeSection:
    key: str  # stable, for clients that show sections their own way
    heading: str
    text: str


@dataclass(frozen=True)
class Notice:
    version: str
    url: str
    title: str
    sections: list[NoticeSection]

    @property
    def text(self) -> str:
        return "\n\n".join(f"{s.heading}\n{s.text}" for s in self.sections)


def judge_text(settings: Settings) -> str:
    if settings.ai_provider != "builtin":
        return (
            f"A language model ({settings.ai_model}) reads each answer and judges it against "
            "the points a good answer to that question makes; Hireloop's built-in checks "
            "confirm every point it credits against your own words."
        )
    return (
        "An automated judge built into Hireloop compares each answer with the points a good "
        "answer to that question makes; every point credited is quoted from your answer."
    )


def voice_text(settings: Settings) -> str:
    """Who hears a spoken answer, when this server offers voice interviews ('' when not)."""
    if not settings.speech_enabled:
        return ""
    host = urlsplit(settings.speech_base_url).hostname if settings.speech_base_url else None
    server = f"at {host}" if host else "OpenAI's, api.openai.com"
    kept = (
        f"the recording is kept {settings.speech_keep_audio_days} days so recruiters can "
        "listen to it, then deleted"
        if settings.speech_keep_audio_days
        else "the recording is deleted once you confirm its transcript"
    )
    return (
        f"If you answer by voice, your recordings are sent to a speech server ({server}) "
        "that turns them into text, and each question's text is sent to it to be spoken. "
        f"You check and may correct every transcript before it is your answer; {kept}. "
        "You can type instead at any time."
    )


def retention_text(settings: Settings) -> str:
    """How long interview data is kept: the operator's retention settings, in words."""

    def kept(what: str, days: int | None) -> str:
        if days is None:
            return f"{what} are kept until you delete your account"
        return f"{what} are deleted {days} days after the application is closed"

    parts = [
        kept("interview transcripts", settings.retention_transcript_days),
        kept("resumes", settings.retention_resume_days),
    ]
    return (
        f"Your account, applications and results are kept until you delete your account "
        f"(on your profile page), which removes them; {parts[0]}; {parts[1]}. A closed "
        f"application is one rejected, offered or withdrawn. After a deletion the recruiter "
        f"keeps only an anonymous outcome (job, status, score), with nothing that leads to you."
    )


def human_alternative_text(settings: Settings) -> str:
    contact = settings.human_alternative_contact.strip()
    who = (
        f"contact {contact}"
        if contact
        else "contact the recruiter who posted the job (the company named on the job page)"
    )
    return (
        "You may ask to be assessed by a person instead of by the automated interview: "
        f"{who} before you start. After a job interview you can also ask for a person to "
        "review your result, from your results page."
    )


def notice_version(settings: Settings) -> str:
    """The version a candidate accepts: the wording's, plus a fingerprint of the facts
    this server fills in (the judge, retention, the contact)."""
    facts = "\n".join(
        (judge_text(settings), retention_text(settings), human_alternative_text(settings))
    )
    if settings.speech_enabled:  # unchanged versions for servers without voice
        facts += "\n" + voice_text(settings)
    return f"{NOTICE_WORDING}.{hashlib.sha256(facts.encode()).hexdigest()[:8]}"


def build_notice(settings: Settings) -> Notice:
    version = notice_version(settings)
    sections = [
        NoticeSection(
            "what",
            "What is assessed",
            "Your answers to the interview's questions, on the skills the job lists (for a "
            "practice interview, the skills of the role type you choose). The page before "
            "each interview names these skills. Nothing else about you is scored.",
        ),
        NoticeSection(
            "how",
            "How it is assessed",
            judge_text(settings) + " The score is advice: a recruiter, a person, decides on "
            "your application, and can read your whole transcript.",
        ),
        *(
            [NoticeSection("voice", "Voice answers", voice_text(settings))]
            if settings.speech_enabled
            else []
        ),
        NoticeSection(
            "who",
            "Who sees the results",
            "You. For a job interview also the recruiters of the company that posted the job "
            "(your answers, the scores and the quotes behind them). Practice interviews are "
            "not shared with recruiters.",
        ),
        NoticeSection("retention", "How long data is kept", retention_text(settings)),
        NoticeSection(
            "human", "Your right to a human alternative", human_alternative_text(settings)
        ),
        NoticeSection(
            "consent",
            "Your consent",
            f"This is version {version} of this notice. You accept it once, before "
            "your first interview; if it changes you are asked again. Recruiters see that and "
            "when you accepted it.",
        ),
    ]
    return Notice(version, NOTICE_URL, "How your interview is assessed", sections)
