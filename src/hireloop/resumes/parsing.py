"""Reading a resume's text without a network: skills, years of experience, recent titles.

Skills are recognised with the interview engine's own vocabulary (skill pack names and
aliases, through ``KnowledgeBase.resolve_skill`` and ``normalize_term``), so "Node.js",
"node js" and "Express" on a resume mean the same skill the role mapping and the
knowledge packs mean. Pure functions; callers run them in a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, Field

from hireloop.engine.knowledge import KnowledgeBase
from hireloop.engine.language.injection import detect_prompt_injection
from hireloop.engine.text import normalize_term

MAX_MENTION_CHARS = 200
MAX_TITLES = 3
MAX_WINDOW_WORDS = 5

# Words that are skills only when written like one ("Go", "REST", "Spring"), because in
# lower case they are ordinary English ("go live", "the rest", "in spring").
_STYLED_ONLY = {
    "go", "rest", "next", "swift", "dart", "flask", "spark", "spring", "rust", "ruby", "java",
    "express", "elastic", "lean", "less", "lambda", "relay", "expo", "apollo", "jest", "realm",
    "helm", "koa", "lumen", "node", "rabbit", "mongo", "kube", "looker",
}  # fmt: skip
# Words too ambiguous on their own to claim a skill, whatever their case.
_NEVER_ALONE = {
    "rice", "moscow", "qualification", "positioning", "attribution", "cache", "caches",
    "tracing", "productivity", "stats", "elk",
}  # fmt: skip
_CHUNK_SPLIT = re.compile(r"[,;:()\[\]{}|•·▪●◦\"“”!?]")
_WORD_SPLIT = re.compile(r"[\s/]+")
_BULLET = re.compile(r"^[\s\-\u2013\u2014*•·▪●◦>]+")  # hyphen, en and em dash, bullets
_LIST_HEADINGS = ("skills", "technologies", "tools", "tech stack", "stack", "languages")

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATE = r"(?:(?P<{p}m>[A-Za-z]{{3,9}})\.?\s+|(?P<{p}n>\d{{1,2}})[/.-])?(?P<{p}y>(?:19|20)\d{{2}})"
_RANGE = re.compile(
    _DATE.format(p="a")
    + r"\s*(?:-|\u2013|\u2014|to|until)\s*(?:"
    + _DATE.format(p="b")
    + r"|(?P<now>present|current|now|today|ongoing))",
    re.IGNORECASE,
)
_EXPLICIT_YEARS = re.compile(
    r"(\d{1,2}(?:[.,]5)?)\s*\+?\s*(?:years?|yrs?)\.?(?:\s+of)?\b[^.\n]{0,40}?\bexperience",
    re.IGNORECASE,
)
_EDUCATION = re.compile(
    r"\b(?:university|college|school|bachelor|master|b\.?sc|m\.?sc|ph\.?d|degree|diploma|"
    r"b\.?a\.?|m\.?a\.?|education)\b",
    re.IGNORECASE,
)
_TITLE_WORD = re.compile(
    r"\b(?:engineer|developer|programmer|architect|manager|designer|analyst|scientist|"
    r"consultant|specialist|administrator|director|lead|head|intern|representative|"
    r"executive|coordinator|tester|officer|recruiter|marketer|writer|agent|strategist|"
    r"owner|sre|cto|ceo|vp|founder|co-founder|technician|researcher|advocate|editor)\b",
    re.IGNORECASE,
)
_TITLE_SPLIT = re.compile(r"\s+(?:at|@)\s+|\s*[|,(]\s*|\s+[-\u2013\u2014]\s+", re.IGNORECASE)
_SMALL_WORDS = {"of", "and", "the", "for", "in", "&", "to", "a"}


class SkillMention(BaseModel):
    """A line of the resume that mentions a skill (quoted in resume-aware interviews)."""

    skill: str
    text: str


class ParsedResume(BaseModel):
    skills: list[str] = Field(default_factory=list)  # skill pack names, first mention first
    years_of_experience: float | None = None
    recent_titles: list[str] = Field(default_factory=list)
    mentions: list[SkillMention] = Field(default_factory=list)


def parse_resume(
    text: str, kb: KnowledgeBase, today: date | None = None, owner_name: str | None = None
) -> ParsedResume:
    """Skills, experience, titles and quotable mentions from a resume's text.

    ``owner_name`` is the candidate's own name: a resume's heading line that is just
    the name is never taken for a job title ("Lin Designer").
    """
    lines = text.splitlines()
    found: dict[str, list[int]] = {}  # skill pack id -> line numbers, in order
    for number, line in enumerate(lines):
        for skill_id in _skills_in_line(line, kb):
            found.setdefault(skill_id, []).append(number)
    mentions = []
    for skill_id, numbers in found.items():
        quoted = next((lines[n] for n in numbers if _quotable(lines[n])), None)
        if quoted is not None:
            mentions.append(SkillMention(skill=kb.skills[skill_id].name, text=quote(quoted)))
    return ParsedResume(
        skills=[kb.skills[skill_id].name for skill_id in found],
        years_of_experience=years_of_experience(text, today or date.today()),
        recent_titles=recent_titles(lines, owner_name),
        mentions=mentions,
    )


def _windows(line: str) -> Iterator[tuple[int, int, str]]:
    """(position, size, phrase) for every run of up to MAX_WINDOW_WORDS words, longest
    first at each position. Runs never cross list separators ("AWS, Lambda" is two items)."""
    position = 0
    for chunk in _CHUNK_SPLIT.split(line):
        words = _WORD_SPLIT.split(chunk.strip())
        words = [word for word in words if word]
        for start in range(len(words)):
            for size in range(min(MAX_WINDOW_WORDS, len(words) - start), 0, -1):
                yield position + start, size, " ".join(words[start : start + size])
        position += len(words)


def _skills_in_line(line: str, kb: KnowledgeBase) -> list[str]:
    skills: list[str] = []
    covered_until = 0  # words already part of a longer match ("React Native" is not React)
    for position, size, phrase in _windows(line):
        if position < covered_until:
            continue
        pack = kb.resolve_skill(phrase)
        if pack is None or (size == 1 and not _counts_alone(phrase)):
            continue
        covered_until = position + size
        if pack.id not in skills:
            skills.append(pack.id)
    return skills


def _counts_alone(word: str) -> bool:
    key = normalize_term(word)
    if key in _NEVER_ALONE:
        return False
    styled = any(char.isupper() or char.isdigit() or char in "#+." for char in word.strip("."))
    # Short words ("pg", "ts", "ml") and common English ones only count when styled.
    return styled or (len(key) > 3 and key not in _STYLED_ONLY)


def _quotable(line: str) -> bool:
    # Quotes are shown as the interviewer's words (and sent to a model), so a line that
    # tries to instruct the interviewer is never quoted.
    return _is_descriptive(line) and not detect_prompt_injection(line)


def _is_descriptive(line: str) -> bool:
    """A sentence about work, not a heading or a comma-separated skills list."""
    cleaned = _BULLET.sub("", line).strip()
    words = cleaned.split()
    if len(words) < 6 or cleaned.count(",") > len(words) // 3:
        return False
    return not cleaned.lower().startswith(_LIST_HEADINGS)


def quote(line: str) -> str:
    """A resume line as it can be quoted back: no bullet, one line, at most 200 characters."""
    cleaned = " ".join(_BULLET.sub("", line).split()).rstrip(".;,")
    if len(cleaned) <= MAX_MENTION_CHARS:
        return cleaned
    return cleaned[: MAX_MENTION_CHARS - 1].rsplit(" ", 1)[0] + "…"


def find_mention(text: str, phrase: str) -> str | None:
    """A descriptive line of ``text`` that names ``phrase`` (any case or punctuation)."""
    key = normalize_term(phrase)
    if not key:
        return None
    for line in text.splitlines():
        if _quotable(line) and any(
            normalize_term(window) == key for _, _, window in _windows(line)
        ):
            return quote(line)
    return None


def mentions_phrase(text: str, phrase: str) -> bool:
    """Whether ``text`` names ``phrase`` anywhere (e.g. a job skill without a knowledge pack)."""
    key = normalize_term(phrase)
    return bool(key) and any(
        normalize_term(window) == key
        for line in text.splitlines()
        for _, _, window in _windows(line)
    )


def years_of_experience(text: str, today: date) -> float | None:
    """Years of work: stated explicitly ("8+ years of experience"), else summed date ranges."""
    stated = [float(m.group(1).replace(",", ".")) for m in _EXPLICIT_YEARS.finditer(text)]
    stated = [value for value in stated if 0 < value <= 50]
    if stated:
        return max(stated)
    spans: list[tuple[int, int]] = []
    for line in text.splitlines():
        if _EDUCATION.search(line):
            continue
        for match in _RANGE.finditer(line):
            span = _span_months(match, today)
            if span is not None:
                spans.append(span)
    months = _merged_length(spans)
    return round(months / 12, 1) if months else None


def _month_index(name: str | None, number: str | None, year: str, default: int) -> int:
    month = default
    if number is not None and 1 <= int(number) <= 12:
        month = int(number)
    elif name is not None and name[:3].lower() in _MONTHS:
        month = _MONTHS.index(name[:3].lower()) + 1
    return int(year) * 12 + month - 1


def _span_months(match: re.Match[str], today: date) -> tuple[int, int] | None:
    start = _month_index(match["am"], match["an"], match["ay"], default=1)
    if match["now"]:
        end = today.year * 12 + today.month - 1
    else:
        end = _month_index(match["bm"], match["bn"], match["by"], default=12)
    current = today.year * 12 + today.month - 1
    if start < 1960 * 12 or start > current or end < start:
        return None
    return start, min(end, current) + 1


def _merged_length(spans: list[tuple[int, int]]) -> int:
    total, reach = 0, None
    for start, end in sorted(spans):
        if reach is None or start >= reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def recent_titles(lines: list[str], owner_name: str | None = None) -> list[str]:
    """Job titles in the order they appear (resumes list the most recent first);
    a line that is only the owner's name is skipped."""
    name = " ".join((owner_name or "").casefold().split())
    titles: list[str] = []
    for line in lines:
        cleaned = _BULLET.sub("", line).strip()
        if not cleaned or len(cleaned.split()) > 14:
            continue
        if name and " ".join(cleaned.casefold().split()) == name:
            continue
        for segment in _TITLE_SPLIT.split(cleaned):
            title = _title_in(segment)
            if title is not None:
                if title.lower() not in (t.lower() for t in titles):
                    titles.append(title)
                break
        if len(titles) == MAX_TITLES:
            break
    return titles


def _title_in(segment: str) -> str | None:
    words = segment.strip().rstrip(".:").split()
    if not 1 <= len(words) <= 6 or not _TITLE_WORD.search(segment):
        return None
    if any(char.isdigit() for char in segment):
        return None
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    # Titles are written in title case ("Senior Software Engineer"); sentences are not.
    if not significant or any(not w[0].isupper() for w in significant):
        return None
    return " ".join(words)
