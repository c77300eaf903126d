"""The built-in answer evaluator: offline, deterministic, fast (SPEC §5 "Answer evaluation").

An answer covers a key point when it contains any of the point's phrasings, compared as
lower-cased, lightly stemmed tokens (multi-word phrasings as consecutive tokens). The score
is the covered share of key points plus a small bonus for specifics, shaped by guards
against answers that should earn nothing: empty text, gibberish, echoes of the question,
off-topic text, bare keyword lists and text that tries to instruct the grader.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, Field

from hireloop.engine.schema import Question

STRONG = 0.7
ADEQUATE = 0.4
SHORT_WORDS = 8  # fewer words than this is a "very short" answer
BRIEF_WORDS = 15  # fewer than this cannot be strong, however many terms it names
VAGUE_WORDS = 25  # a low-coverage answer shorter than this is vague rather than weak
SHORT_CAP = 0.3
BRIEF_CAP = 0.65
STUFFING_CAP = 0.45
NOTES_CAP = 0.65
# Share of function words ("the", "is", "because"...): natural sentences have 30-50%, terse
# notes about 10%, a bare list of terms almost none.
LIST_RATIO = 0.08
NOTES_RATIO = 0.15
SPECIFIC_BONUS = 0.04  # per kind of specific (number, example, named tool)
MAX_SPECIFIC_BONUS = 0.12

PROMPT_INJECTION = "prompt_injection"
KEYWORD_STUFFING = "keyword_stuffing"


class Signal(StrEnum):
    strong = "strong"
    adequate = "adequate"
    vague = "vague"
    weak = "weak"
    off_topic = "off_topic"


class AnswerEvaluation(BaseModel):
    score: float = Field(ge=0.0, le=1.0)
    key_points_covered: list[str]
    key_points_missed: list[str]
    signal: Signal
    word_count: int = Field(ge=0)
    integrity_flags: list[str] = Field(default_factory=list)
    # The answer's own words that matched a phrasing, one per covered point (evidence).
    matched_phrases: list[str] = Field(default_factory=list)


# -- tokens and stems ------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    etc even ever every few for from further had has have having he her here hers him his how
    however i if in into is it its itself just let like me might more most much must my myself
    no nor not now of off on once one only or other our ours out over own per quite rather
    really same shall she should so some such than that the their theirs them then there these
    they this those though through thus to too under until up upon us very via was we were what
    when where whether which while who whom whose why will with within without would yes yeah
    yet you your yours dont doesnt didnt isnt arent wasnt cant wont im ive id ill its thats
    theres weve youre theyre ok okay"""
)
# Words that carry no subject matter: an answer made only of them is generic, not off-topic.
_GENERIC = _words(
    """know knew known use used uses using experience experienced familiar work worked working
    works sure think thought basically lot lots good great well thing things stuff done
    definitely actually probably maybe course bit little always never often sometimes usually
    question ask asked asking answer understand mean important many kind sort able get got
    make made way pretty"""
)
_ARTICLES = frozenset({"a", "an", "the"})

_TOKEN_RE = re.compile(
    r"(?P<bigo>(?<!\w)[oθω]\([^()\n]{1,20}\))"
    r"|(?P<dotnet>(?<!\w)\.net\b)"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"
    r"|(?P<word>\w+(?:['\u2019]\w+)*(?:\.\w+)*(?:\+\+|#|(?:\+\w+)+)?)"
    r"|(?P<pct>%)"
    r"|(?P<stop>[.!?;,:](?=\s|$)|\n)"
)
_DOTTED_WORD = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]+)+")
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class Token:
    raw: str  # the normalised surface form ("node.js" -> "nodejs")
    stem: str
    start: int
    end: int
    boundary: bool = False  # sentence or clause punctuation: phrasings never span it
    cased: bool = False  # typed with capitals (CSRF, HttpClient): a name, not a key mash

    @property
    def article(self) -> bool:
        return self.raw in _ARTICLES


def _undouble(word: str) -> str:
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        return word[:-1]
    return word


def _strip(word: str, suffix: str, keep: int, replacement: str = "") -> str | None:
    if word.endswith(suffix) and len(word) - len(suffix) >= keep:
        return word[: -len(suffix)] + replacement
    return None


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer: plural, -ed, -ing, -ly, -ation, -ment, -able, -e."""
    if not word.isalpha():
        return word
    if len(word) <= 3:
        return _undouble(word)
    # British spellings read as American ones: "optimise" -> "optimize", "analyse" -> "analyze".
    match = re.fullmatch(r"(\w{3,})([iy])s(e|ed|es|ing|ation)", word)
    if match:
        word = f"{match[1]}{match[2]}z{match[3]}"
    # plural
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses") or (word.endswith(("xes", "ches", "shes", "zes")) and len(word) > 4):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # verb endings
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ed") and not word.endswith("eed"):
        stemmed = word[:-2]
        if len(stemmed) >= 3 and _VOWELS.intersection(stemmed):
            word = stemmed
    elif word.endswith("ing"):
        stemmed = word[:-3]
        if len(stemmed) >= 3 and _VOWELS.intersection(stemmed):
            word = stemmed
    word = _strip(word, "ly", 4) or word
    # derivational endings
    for suffix, replacement in (
        ("ization", "ize"),
        ("ational", "ate"),
        ("ation", "ate"),
        ("ability", "able"),
        ("ibility", "ible"),
    ):
        if word.endswith(suffix):
            word = word[: -len(suffix)] + replacement
            break
    for _ in range(2):
        stripped = _strip(word, "ate", 4) or _strip(word, "able", 4) or _strip(word, "ment", 4)
        if stripped is None:
            break
        word = stripped
    word = _strip(word, "e", 3) or word
    word = _undouble(word)
    return _strip(word, "at", 4) or word


def _surface(kind: str, text: str) -> str:
    if kind == "bigo":
        return re.sub(r"[\s*·]", "", text)
    if kind == "dotnet":
        return "dotnet"
    if kind == "num":
        return text.replace(",", "")
    if kind == "pct":
        return "percent"
    word = text.replace("\u2019", "'")
    word = re.sub(r"'s$", "", word).replace("'", "")
    if _DOTTED_WORD.fullmatch(word):
        word = word.replace(".", "")
    return word


def _compatible(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Lower case, with compatibility forms (full-width letters, ligatures) unified."""
    return _compatible(text).lower()


def tokenize(text: str) -> list[Token]:
    """Tokens of ``fold(text)`` with stems; ``%`` reads as "percent", "1,000" as "1000"."""
    source = _compatible(text)
    lowered = source.lower()
    same_offsets = len(lowered) == len(source)
    tokens: list[Token] = []
    for match in _TOKEN_RE.finditer(lowered):
        kind = match.lastgroup or "word"
        start, end = match.span()
        if kind == "stop":
            tokens.append(Token(match[0], "|", start, end, boundary=True))
            continue
        raw = _surface(kind, match[0])
        if raw:
            original = source[start:end]
            # Acronyms and CamelCase names; a long all-capitals run may still be a key mash.
            mixed = not original.isupper() and not original.islower()
            cased = same_offsets and (mixed or (original.isupper() and len(original) <= 5))
            tokens.append(Token(raw, stem(raw), start, end, cased=cased))
    return tokens


def content_stems(tokens: list[Token]) -> list[str]:
    """Stems of the words that carry subject matter."""
    return [
        t.stem
        for t in tokens
        if not t.boundary and t.raw not in STOPWORDS and t.raw not in _GENERIC and len(t.raw) > 1
    ]


def find_phrase(stems: list[str], phrase: tuple[str, ...]) -> tuple[int, int] | None:
    """The index span where ``phrase`` occurs as consecutive stems, if it does."""
    size = len(phrase)
    first = phrase[0]
    for i, current in enumerate(stems):
        if current == first and tuple(stems[i : i + size]) == phrase:
            return i, i + size
    return None


def phrase_variants(phrasing: str) -> tuple[tuple[str, ...], ...]:
    """Stem sequences that count as saying ``phrasing``.

    Punctuation inside a phrasing ("where Self: Sized") may or may not be typed by the
    candidate, so the sequence with and without its clause boundaries both count.
    """
    tokens = [t for t in tokenize(phrasing) if not t.article]
    plain = tuple(t.stem for t in tokens if not t.boundary)
    if not plain:
        return ()
    with_marks = tuple(t.stem for t in tokens)
    while with_marks and with_marks[0] == "|":
        with_marks = with_marks[1:]
    while with_marks and with_marks[-1] == "|":
        with_marks = with_marks[:-1]
    return (plain,) if with_marks == plain else (plain, with_marks)


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_WORD_RUNS = frozenset({"erty", "trew"})  # property, liberty; strewn
_VOWELLESS_TERMS = frozenset({"html", "http", "https", "grpc", "smtp", "sftp", "xhtml", "nginx"})


def _looks_like_a_word(word: str) -> bool:
    if not word.isalpha() or len(word) < 4 or word in _VOWELLESS_TERMS:
        return True
    if not _VOWELS.intersection(word) or re.search(r"(.)\1\1", word):
        return False
    if re.search(r"[^aeiouy]{6,}", word):  # "strengths" has five
        return False
    # Four neighbouring keys ("asdf", "qwer"), except the runs real words contain.
    for row in _KEYBOARD_ROWS:
        for i in range(len(row) - 3):
            for run in (row[i : i + 4], row[i + 3 : i - 1 if i else None : -1]):
                if run in word and run not in _WORD_RUNS:
                    return False
    return True


def is_gibberish(words: list[Token]) -> bool:
    """Keyboard mash, random characters, one word repeated, or no real words at all."""
    alpha_tokens = [t for t in words if any(c.isalpha() for c in t.raw)]
    alpha = [t.raw for t in alpha_tokens]
    if not alpha:
        return True
    if len(alpha) >= 3 and len(set(alpha)) == 1:
        return True
    # Natural text repeats itself more the longer it gets, so only a very low variety of
    # words in a long text counts as spam.
    variety = len(set(alpha)) / len(alpha)
    if len(alpha) >= 6 and variety < (0.3 if len(alpha) < 200 else 0.05):
        return True
    if len(alpha) >= 3 and sum(len(w) for w in alpha) / len(alpha) < 2:
        return True
    odd = sum(1 for t in alpha_tokens if not t.cased and not _looks_like_a_word(t.raw))
    return odd / len(alpha) >= 0.5


# -- prompt injection ------------------------------------------------------------------

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


def _injection_text(text: str) -> str:
    lowered = fold(text).replace("\u2019", "'").replace("`", "'")
    return re.sub(r"[ \t\r\f\v]+", " ", lowered)


def detect_prompt_injection(text: str) -> bool:
    """True when the text tries to instruct the interviewer or the grader."""
    lowered = _injection_text(text)
    return any(p.search(lowered) for p in _INJECTION_PATTERNS)


# -- per-question reference data ---------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    points: tuple[str, ...]
    # Per key point, per phrasing: its stem sequences, and whether the question says it.
    phrasings: tuple[tuple[tuple[tuple[tuple[str, ...], ...], bool], ...], ...]
    question_stems: frozenset[str]
    followup_stems: frozenset[str]
    topic_stems: frozenset[str]


@lru_cache(maxsize=2048)
def _reference(
    text: str, followup: str, key_points: tuple[tuple[str, tuple[str, ...]], ...]
) -> _Reference:
    question_seq = [t.stem for t in tokenize(text) if not t.boundary and not t.article]
    topic = set(content_stems(tokenize(text))) | set(content_stems(tokenize(followup)))
    phrasings: list[tuple[tuple[tuple[tuple[str, ...], ...], bool], ...]] = []
    for point, raw_phrasings in key_points:
        topic.update(content_stems(tokenize(point)))
        entries = []
        for phrasing in raw_phrasings:
            variants = phrase_variants(phrasing)
            if not variants:
                continue
            topic.update(s for s in variants[0] if s not in STOPWORDS)
            in_question = find_phrase(question_seq, variants[0]) is not None
            entries.append((variants, in_question))
        phrasings.append(tuple(entries))
    return _Reference(
        points=tuple(point for point, _ in key_points),
        phrasings=tuple(phrasings),
        question_stems=frozenset(content_stems(tokenize(text))),
        followup_stems=frozenset(content_stems(tokenize(followup))),
        topic_stems=frozenset(topic),
    )


def _reference_for(question: Question) -> _Reference:
    key_points = tuple((kp.point, tuple(kp.phrasings)) for kp in question.key_points)
    return _reference(question.text, question.followup, key_points)


# -- analysing one piece of text -------------------------------------------------------

_EXAMPLE_MARKERS = re.compile(
    r"\b(?:for example|for instance|e\.?g\.?|such as|in particular|specifically|"
    r"(?:in|at|on) (?:my|our|a) (?:last|previous|current|former) (?:job|role|project|team|company|"
    r"employer|position)|in production|we had|we used|i built|i wrote|i implemented|i set up|"
    r"i led|last (?:year|quarter|month|week)|one time)\b"
)
_NUMBER_WORDS = frozenset(
    {"hundred", "thousand", "million", "billion", "dozen", "twice", "double", "half", "percent"}
)
# Capitalised or mixed-case names (Kafka, PostgreSQL, AWS) that do not start a sentence.
_NAMED = re.compile(r"\b(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]{2,}|[a-z]+[A-Z]\w*)\b")
_UNKNOWN = re.compile(
    r"\b(?:i (?:do not|dont|don't) know|no idea|not sure|no clue|never (?:used|worked|heard|"
    r"done)|(?:have not|haven't|havent) (?:used|worked|done)|no experience|not familiar|"
    r"(?:can't|cant|cannot|don't|dont) remember|pass on this|idk|dunno)\b"
)


@dataclass
class _Part:
    """What one answer text contributes."""

    word_count: int = 0
    empty: bool = True
    injection: bool = False
    gibberish: bool = False
    echo: bool = False
    admits_unknown: bool = False
    tokens: int = 0
    function_words: int = 0
    content: list[str] = field(default_factory=list)
    novel: set[str] = field(default_factory=set)
    specifics: set[str] = field(default_factory=set)
    covered: dict[int, str] = field(default_factory=dict)

    @property
    def counts(self) -> bool:
        return not (self.empty or self.gibberish or self.echo or self.injection)


_NOT_NAMES = frozenset({"OK", "TL", "DR", "ASAP", "FYI", "IMO", "ETC", "YES", "NO"})


def _specifics(text: str, tokens: list[Token], question_stems: frozenset[str]) -> set[str]:
    kinds: set[str] = set()
    if any(any(c.isdigit() for c in t.stem) or t.raw in _NUMBER_WORDS for t in tokens):
        kinds.add("number")
    if _EXAMPLE_MARKERS.search(text.lower()):
        kinds.add("example")
    named = False
    for m in _NAMED.finditer(text):
        if m[0] in _NOT_NAMES or stem(m[0].lower()) in question_stems:
            continue  # naming the question's own subject is not a specific
        j = m.start() - 1
        while j >= 0 and text[j] in " \t\"'(":
            j -= 1
        if j >= 0 and text[j] not in ".!?:;\n":
            named = True
            break
    if named or any(("#" in t.raw or "+" in t.raw) for t in tokens):
        kinds.add("named")
    return kinds


def _analyse(text: str, ref: _Reference, echo_of: frozenset[str]) -> _Part:
    part = _Part()
    tokens = tokenize(text)
    words = [t for t in tokens if not t.boundary]
    part.word_count = sum(1 for w in text.split() if any(c.isalnum() for c in w))
    if not text.strip():
        return part
    part.empty = False
    if not words:
        part.gibberish = True  # punctuation or symbols only
        return part
    if detect_prompt_injection(text):
        part.injection = True
        return part
    if is_gibberish(words):
        part.gibberish = True
        return part
    part.tokens = len(words)
    part.function_words = sum(1 for t in words if t.raw in STOPWORDS)
    part.content = content_stems(tokens)
    part.novel = {s for s in part.content if s not in echo_of}
    part.admits_unknown = bool(_UNKNOWN.search(_injection_text(text)))
    # Echo: mostly the question's own words, and enough of them to be a restatement
    # (merely naming the subject, "yes I know Kafka", is a vague answer instead).
    in_question = sum(1 for s in part.content if s in echo_of)
    repeated = len(echo_of.intersection(part.content))
    if (
        part.content
        and in_question / len(part.content) >= 0.7
        and len(part.novel) <= 3
        and repeated >= max(3, 0.4 * len(echo_of))
    ):
        part.echo = True
        return part
    # A phrasing the question itself contains only counts alongside real content.
    substantive = len(part.novel) >= 3
    lowered = fold(text)  # the token offsets index the folded text
    kept = [t for t in tokens if not t.article]
    stems = [t.stem for t in kept]
    for index, entries in enumerate(ref.phrasings):
        span = None
        for variants, in_question_text in entries:
            if in_question_text and not substantive:
                continue
            for variant in variants:
                span = find_phrase(stems, variant)
                if span is not None:
                    break
            if span is not None:
                part.covered[index] = lowered[kept[span[0]].start : kept[span[1] - 1].end]
                break
    part.specifics = _specifics(text, words, echo_of)
    return part


# -- scoring ------------------------------------------------------------------------------


def _combine(ref: _Reference, parts: list[_Part]) -> AnswerEvaluation:
    word_count = sum(p.word_count for p in parts)
    every_point = list(ref.points)

    def result(
        score: float,
        signal: Signal,
        covered: dict[int, str] | None = None,
        flags: list[str] | None = None,
    ) -> AnswerEvaluation:
        covered = covered or {}
        return AnswerEvaluation(
            score=round(min(1.0, max(0.0, score)), 3),
            key_points_covered=[ref.points[i] for i in sorted(covered)],
            key_points_missed=[p for i, p in enumerate(every_point) if i not in covered],
            signal=signal,
            word_count=word_count,
            integrity_flags=flags or [],
            matched_phrases=[covered[i] for i in sorted(covered)],
        )

    if any(p.injection for p in parts):
        return result(0.0, Signal.off_topic, flags=[PROMPT_INJECTION])
    valid = [p for p in parts if p.counts]
    if not valid:
        if any(p.gibberish for p in parts):
            return result(0.0, Signal.off_topic)
        return result(0.0, Signal.weak)  # empty, or only repeats the question

    covered: dict[int, str] = {}
    for p in valid:
        for index, phrase in p.covered.items():
            covered.setdefault(index, phrase)
    words = sum(p.word_count for p in valid)
    content = [s for p in valid for s in p.content]
    if not covered:
        if any(p.admits_unknown for p in valid):
            return result(0.0, Signal.weak)
        if content and not any(s in ref.topic_stems for s in content):
            return result(0.0, Signal.off_topic)

    score = len(covered) / len(every_point)
    specifics = set().union(*(p.specifics for p in valid))
    if covered:
        score += min(MAX_SPECIFIC_BONUS, SPECIFIC_BONUS * len(specifics))
    flags: list[str] = []
    tokens = sum(p.tokens for p in valid)
    function_ratio = sum(p.function_words for p in valid) / max(1, tokens)
    stuffing = len(covered) >= 2 and tokens >= 5 and function_ratio < LIST_RATIO
    if stuffing:
        flags.append(KEYWORD_STUFFING)
        score = min(score, STUFFING_CAP)
    elif function_ratio < NOTES_RATIO:
        score = min(score, NOTES_CAP)  # terse notes name the ideas without explaining them
    if words < SHORT_WORDS:
        score = min(score, SHORT_CAP)
    elif words < BRIEF_WORDS:
        score = min(score, BRIEF_CAP)

    if score >= STRONG:
        signal = Signal.strong
    elif stuffing:
        signal = Signal.vague  # names the terms without explaining them: ask for more
    elif score >= ADEQUATE:
        signal = Signal.adequate
    elif words < VAGUE_WORDS or (not covered and not specifics):
        signal = Signal.vague
    else:
        signal = Signal.weak
    return result(score, signal, covered, flags)


def evaluate_answer(question: Question, answer: str) -> AnswerEvaluation:
    """Score one answer against the question's key points."""
    ref = _reference_for(question)
    return _combine(ref, [_analyse(answer, ref, ref.question_stems)])


def evaluate_followup(
    question: Question, original_answer: str, followup_answer: str
) -> AnswerEvaluation:
    """Score the combined evidence of an answer and the answer to its follow-up."""
    ref = _reference_for(question)
    original = _analyse(original_answer, ref, ref.question_stems)
    followup = _analyse(followup_answer, ref, ref.question_stems | ref.followup_stems)
    return _combine(ref, [original, followup])
