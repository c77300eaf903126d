"""Experience questions for a required skill that has no knowledge pack.

Without a pack we cannot judge the skill's technical content, so these questions ask
for a real situation and are scored on what any strong experience answer contains:
context, the candidate's own actions, a result, the trade-offs weighed, and specifics.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hireloop.engine.schema import Difficulty, KeyPoint, Question

# Phrasings are what people say when they give each part of a STAR-style answer; they are
# kept clear of the words of the question templates below, so that repeating a question
# covers nothing.
_CONTEXT = KeyPoint(
    point="Context: the situation, team or project where the skill was used",
    phrasings=[
        "at my last job", "at my previous job", "in my last role", "in my previous role",
        "in my current role", "at my current company", "at my last company", "we had",
        "our team", "the client", "our customers", "the company", "the goal was",
        "the problem was", "the situation was", "we needed", "was asked to", "at the time",
    ],
)  # fmt: skip
_ACTION = KeyPoint(
    point="Action: what the candidate personally did",
    phrasings=[
        "i built", "i led", "i designed", "i implemented", "i wrote", "i set up", "i created",
        "i configured", "i migrated", "i automated", "i introduced", "i decided", "i owned",
        "i proposed", "i rewrote", "i fixed", "i analysed", "i analyzed", "i ran", "i organised",
        "i organized", "i worked with", "i was responsible", "my role was", "i started by",
        "i would start", "i'd start", "i would first", "first i would",
    ],
)  # fmt: skip
_RESULT = KeyPoint(
    point="Result: a measurable outcome",
    phrasings=[
        "reduced", "improved", "increased", "decreased", "saved", "percent", "faster",
        "as a result", "the result", "went from", "which meant", "led to", "dropped", "grew",
        "doubled", "halved", "cut the", "resulted in", "in the end", "shipped", "launched",
        "metric", "kpi", "measure it", "measured", "track whether",
    ],
)  # fmt: skip
_TRADE_OFFS = KeyPoint(
    point="Trade-offs: alternatives considered and their downsides",
    phrasings=[
        "trade-off", "tradeoff", "downside", "instead of", "rather than", "alternative",
        "drawback", "at the expense", "compromise", "pros and cons", "on the other hand",
        "the risk", "the cost was", "we gave up", "i gave up", "limitation", "the catch",
        "in hindsight", "would do differently",
    ],
)  # fmt: skip
_SPECIFICS = KeyPoint(
    point="Specifics: concrete names, numbers or examples",
    phrasings=[
        "for example", "for instance", "such as", "specifically", "in particular", "e.g.",
        "per day", "per week", "per month", "per second", "hours", "days", "weeks", "months",
        "minutes", "million", "thousand", "hundred", "dozen", "version", "users",
    ],
)  # fmt: skip

_FOLLOWUP = (
    "Can you make that concrete: one specific situation with {skill}, what exactly you did, "
    "and what changed as a result (numbers if you have them)?"
)

# (suffix, difficulty, question template, key points)
_TEMPLATES: tuple[tuple[str, Difficulty, str, tuple[KeyPoint, ...]], ...] = (
    (
        "w1",
        Difficulty.warmup,
        "How have you used {skill} in your work so far? Describe one recent situation where "
        "you relied on it.",
        (_CONTEXT, _ACTION, _SPECIFICS),
    ),
    (
        "w2",
        Difficulty.warmup,
        "Walk me through a typical task you have done with {skill}: what was it for, and what "
        "steps did you take?",
        (_CONTEXT, _ACTION, _RESULT, _SPECIFICS),
    ),
    (
        "s1",
        Difficulty.standard,
        "Tell me about a project where {skill} was central to your work. What was the "
        "setting, what did you do, and how did it turn out?",
        (_CONTEXT, _ACTION, _RESULT, _SPECIFICS),
    ),
    (
        "s2",
        Difficulty.standard,
        "Describe a problem you ran into while working with {skill}. How did you work out "
        "what was wrong, and what did you change?",
        (_CONTEXT, _ACTION, _RESULT, _SPECIFICS),
    ),
    (
        "a1",
        Difficulty.advanced,
        "Tell me about a decision involving {skill} where you had to weigh different "
        "options. What did you choose, what did you give up, and how did it work out?",
        (_CONTEXT, _ACTION, _RESULT, _TRADE_OFFS, _SPECIFICS),
    ),
    (
        "a2",
        Difficulty.advanced,
        "If you joined a team whose use of {skill} was struggling, how would you find what to "
        "fix first, what risks would you watch for, and how would you know it worked?",
        (_ACTION, _RESULT, _TRADE_OFFS, _SPECIFICS),
    ),
)


def skill_slug(skill_name: str) -> str:
    """The id-safe form of a skill name, for generic skill and question ids.

    Readable for plain names ("Salesforce CPQ" -> "salesforce-cpq"); "#" and "+" are
    spelled out so that "C", "C#" and "C++" stay apart; names with letters outside
    ASCII (which ids cannot hold) get a short hash of the name, so they stay apart too.
    """
    folded = " ".join(unicodedata.normalize("NFKC", skill_name).casefold().split())
    spelled = folded.replace("#", " sharp ").replace("+", " plus ")
    slug = re.sub(r"[^a-z0-9]+", "-", spelled).strip("-")
    if any(char.isalnum() and not char.isascii() for char in folded):
        digest = hashlib.sha256(folded.encode()).hexdigest()[:8]
        return f"{slug}-{digest}" if slug else digest
    return slug or "skill"


def generic_skill_questions(skill_name: str) -> list[Question]:
    """Two experience questions per difficulty that name the skill."""
    name = " ".join(skill_name.split()) or "this skill"
    slug = skill_slug(skill_name)
    return [
        Question(
            id=f"generic-{slug}-{suffix}",
            difficulty=difficulty,
            text=template.format(skill=name),
            key_points=list(points),
            followup=_FOLLOWUP.format(skill=name),
        )
        for suffix, difficulty, template, points in _TEMPLATES
    ]
