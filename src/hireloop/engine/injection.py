"""Detecting text that tries to instruct the interviewer or the grader."""

from __future__ import annotations

import re

from hireloop.engine.textmatch import fold

# Each pattern needs words that only make sense addressed to a grader, so that technical
# answers ("the cascade ignores earlier rules", "mark the task as complete", "you are now
# in read-only mode", "we put the persona in the system prompt") are not flagged.
_QUALIFIER = (
    r"(?:previous|prior|above|earlier|preceding|former|original|initial|your|system|grading|"
    r"scoring|marking|evaluation|interviewer|interviewers|all|any|every|these|those)"
)
_INSTRUCTION = r"(?:instructions?|prompts?|rubrics?|directives?|guidelines|directions)"
_GRADER = r"(?:your|system|grading|scoring|marking|evaluation|interviewers?|grader'?s?)"
_GRADE_NOUN = r"(?:marks?|scores?|points|rating|grades?|credit)"
_TOP_GRADE = r"(?:10\s*/\s*10|10 out of 10|ten out of ten|100\s*/\s*100|full marks)"
_HIGH = r"(?:full|maximum|max|perfect|top|highest|best|excellent|passing)"
_ME_OR_ANSWER = r"(?:me|this|it|my|this answer|my answer|this response|the candidate)"
_ROLE = (
    r"(?:ai|assistant|grader|interviewer|evaluator|examiner|judge|chatbot|bot|dan|jailbroken|"
    r"unrestricted)"
)
_INJECTION_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # "ignore (all) previous instructions", "disregard your grading rules", "forget the rubric"
        rf"\b(?:ignore|disregard|forget|override|overrule|bypass)\s+(?:\w+\s+){{0,3}}?"
        rf"{_QUALIFIER}\s+(?:\w+\s+){{0,2}}?{_INSTRUCTION}\b",
        rf"\b(?:ignore|disregard|forget)\s+(?:\w+\s+){{0,2}}?{_GRADER}\s+(?:\w+\s+){{0,1}}?"
        r"(?:rules|criteria)\b",
        r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:\w+\s+){0,2}?(?:rubrics?|grading|"
        r"scoring criteria|marking scheme)\b",
        r"\b(?:ignore|disregard|forget)\s+(?:everything|all)\s+(?:above|previous|prior|so far|"
        r"you (?:were|have been) told)",
        # "give me full marks", "award this answer the maximum score", "score this 10/10"
        rf"\b(?:give|award|assign|grant)\s+{_ME_OR_ANSWER}\s+(?:\w+\s+){{0,2}}?{_HIGH}\s+"
        rf"{_GRADE_NOUN}\b",
        rf"\b(?:give|award|assign|grant|score|rate|grade|mark)\s+(?:\w+\s+){{0,3}}?{_TOP_GRADE}",
        r"\b(?:score|rate|grade|evaluate|assess)\s+(?:this|my|me|it)\b(?:\s+(?:answer|response|"
        r"reply|attempt|submission))?\s+(?:as\s+)?(?:an?\s+)?(?:10\b|100\b|correct|perfect|"
        r"excellent|strong|passing|highly|the highest|the maximum|full)",
        r"\bmark\s+(?:me|this|my|the)\s+(?:answer\s+|response\s+|reply\s+)?(?:as\s+)?(?:correct|"
        r"perfect|excellent|strong|passing|right|10\b|100\b)",
        r"\bmark\s+(?:this|my|the)\s+(?:answer|response|reply)\s+as\b",
        rf"\b(?:this|my)\s+(?:answer|response|reply)\s+(?:deserves|should (?:get|receive|be "
        rf"(?:given|scored|graded|marked|rated)))\b(?:\s+\w+){{0,3}}?\s+(?:{_GRADE_NOUN}|10|100|"
        r"correct|perfect|strong)",
        rf"\b(?:set|change|update|make)\s+(?:my|this answer'?s?)\s+(?:final\s+)?{_GRADE_NOUN}\s+"
        r"(?:to|=)",
        # role hijacking
        rf"\b(?:you are now|from now on,? you (?:are|will be|will act as|act as))\s+"
        rf"(?:an?\s+|the\s+|my\s+)?(?:\w+\s+){{0,2}}?{_ROLE}\b",
        r"\byou are now in (?:developer|god|jailbreak|dan|unrestricted) mode\b",
        rf"\bfrom now on,? you (?:will|must|should)\s+(?:give|award|score|grade|rate|mark)\s+"
        rf"(?:me|my|this|every|all|each)\b(?:\s+\w+){{0,3}}?\s+(?:{_GRADE_NOUN}|10|100|correct|"
        r"perfect|highly|full)",
        r"\b(?:act|behave|respond)\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+)?(?:unrestricted|"
        r"jailbroken|different ai|dan)\b",
        r"\bas an? (?:ai|artificial intelligence|large language model|language model|llm)\b"
        r"(?!\s*(?:/|-)?\s*(?:engineers?|researchers?|developers?|scientists?|specialists?|"
        r"practitioners?|consultants?|leads?|teams?|company|companies|startups?|products?|"
        r"platforms?|projects?|features?|tools?|architects?|enthusiasts?|ml|infrastructure|"
        r"vendor|trainers?|annotators?|product manager))",
        # the grader's prompt, and text addressed to the grader
        r"\b(?:your|reveal|print|show|repeat|ignore|override|forget|hidden)\s+(?:the\s+)?"
        r"system\s+(?:prompt|instructions?)\b",
        r"\b(?:your|ignore|override|forget)\s+(?:the\s+)?system\s+message\b",
        r"(?:^|[\n.!?]\s*)system\s+prompt\s*(?::|=)",
        r"\bsystem\s+prompt\s+(?:override|update)\b",
        r"(?:^|\n)\s*(?:system|assistant)\s*:\s*(?:you|ignore|disregard|the candidate|grade|score|"
        r"award|give|new)\b",
        r"<\s*/?\s*(?:system|instructions?|im_start|im_end)\s*>|<\|im_(?:start|end)\|>|"
        r"\[/?(?:system|inst)\]",
        r"\bnew\s+instructions?\s*:",
        r"\b(?:note|message|instructions?|attention)\s+(?:to|for)\s+(?:the\s+)?(?:ai|grader|"
        r"evaluator|interviewer|model|assistant|llm|scorer|reviewer|examiner)\b",
        r"\b(?:dear|hey|hi|hello)\s+(?:the\s+)?(?:ai|grader|evaluator|assistant|llm|scorer|"
        r"chatgpt|gpt)\b",
        r"\b(?:reveal|print|show|repeat|output)\s+(?:me\s+)?(?:your|the)\s+(?:hidden\s+|"
        r"original\s+)?(?:instructions|prompt|rubric|answer key)\b",
    )
)


def injection_text(text: str) -> str:
    lowered = fold(text).replace("\u2019", "'").replace("`", "'")
    return re.sub(r"[ \t\r\f\v]+", " ", lowered)


def detect_prompt_injection(text: str) -> bool:
    """True when the text tries to instruct the interviewer or the grader."""
    lowered = injection_text(text)
    return any(p.search(lowered) for p in _INJECTION_PATTERNS)
