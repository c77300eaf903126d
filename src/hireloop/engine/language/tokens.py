"""Tokens of an answer, with the offsets of the candidate's own characters.

Each word gets a matching key (its lemma); negators ("not", "n't", "never", "without")
become tokens of their own so that a term can be matched whether or not it is negated,
and the negation read separately. Punctuation marks where clauses and segments end.
Offsets always index the original text, so a quote cut from them is verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from hireloop.engine.language.lemma import lemma
from hireloop.engine.language.vocab import CONTRAST, NEGATOR_PAIRS, NEGATORS


class Kind(IntEnum):
    WORD = 0
    NUMBER = 1
    NEG = 2  # a negator: "not", "n't", "never", "without", "no longer" ...
    SEGMENT = 3  # a comma, colon, parenthesis or dash: negation does not reach past it
    SENTENCE = 4  # . ! ? ; or a line break: a clause ends


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # the surface form, lower case ("n't" for a contracted negator)
    key: str  # the matching key: the lemma of a word, the digits of a number
    start: int  # offsets into the original text
    end: int
    kind: Kind
    cased: bool = False  # typed with capitals (CSRF, HttpClient): a name, not a key mash

    @property
    def is_word(self) -> bool:
        return self.kind is Kind.WORD or self.kind is Kind.NUMBER


_TOKEN_RE = re.compile(
    r"(?P<bigo>(?<!\w)[oθω]\([^()\n]{1,20}\))"
    r"|(?P<dotnet>(?<!\w)\.net\b)"
    r"|(?P<abbr>(?<!\w)(?:e\.g|i\.e|etc|vs)\.?(?!\w))"
    r"|(?P<num>\d+(?:[.,:]\d+)*)"
    r"|(?P<word>\w+(?:'\w+)*(?:\.\w+)*(?:\+\+|#|(?:\+\w+)+)?)"
    r"|(?P<pct>%)"
    r"|(?P<sentence>[.!?;]+(?=\s|$|[\"')\]])|\n|\u2022)"
    r"|(?P<segment>[,:()\[\]{}\u2014\u2013]|\s-\s|->|=>|\u2192)"
)
# Dotted names kept whole: "node.js", "asp.net", "socket.io"; other dotted words are
# split ("functools.wraps" reads as "functools wraps").
_JOINED_SUFFIXES = frozenset({"js", "net", "io", "ts", "db"})
_CONTRACTED_NEGATIONS = {
    "can't": "can", "cant": "can", "cannot": "can", "won't": "will", "wont": "will",
    "shan't": "shall", "ain't": "be", "dont": "do", "doesnt": "does", "didnt": "did",
    "isnt": "is", "arent": "are", "wasnt": "was", "werent": "were", "hasnt": "has",
    "havent": "have", "hadnt": "had", "shouldnt": "should", "couldnt": "could",
    "wouldnt": "would", "mustnt": "must", "neednt": "need",
}  # fmt: skip
_CLITICS = ("'s", "'re", "'ve", "'ll", "'d", "'m")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def normalise(text: str) -> tuple[str, list[int]]:
    """Compatibility-folded, lower-case text, and for each of its characters the offset
    of the original character it came from (full-width letters, ligatures, curly quotes)."""
    if text.isascii():
        return text.lower().translate(_APOSTROPHES), list(range(len(text) + 1))
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower().translate(_APOSTROPHES)
        out.append(folded)
        origin.extend([index] * len(folded))
    origin.append(len(text))
    return "".join(out), origin


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether a mark ends a sentence, not code: a Ruby name ("respond_to_missing? lets"),
    a ternary ("T extends U ? X : Y"), an elided argument list ("give(...)")."""
    mark = text[start:end]
    before = text[start - 1] if start > 0 else " "
    after = text[end : end + 2]
    if mark in ("?", "!"):
        if before.isspace() and mark == "?":
            return False  # a question mark is written against its word
        glued = before.isalnum() or before == "_"
        if glued and len(after) == 2 and after[0] == " " and after[1].islower():
            return not _looks_like_a_question_word(text, start)
    return not (mark.startswith("..") and before == "(")


def _looks_like_a_question_word(text: str, end: int) -> bool:
    """A real question runs on in lower case less often than code names end in "?", but
    "why? because ..." happens: a plain English word before the mark is prose."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    word = text[start:end]
    return word.isalpha() and word.islower() and "_" not in word and len(word) < 12


def _cased(original: str) -> bool:
    """Capitals after the first letter (HttpClient, PostgreSQL) or a short acronym (CSRF)."""
    rest = original[1:]
    if rest == rest.lower():  # most words: no capital after the first letter
        return False
    upper = original.isupper()
    return not upper or 2 <= len(original) <= 6


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (see the module docstring)."""
    folded, origin = normalise(text)
    tokens: list[Token] = []

    def add(surface: str, key: str, start: int, end: int, kind: Kind, cased: bool = False) -> None:
        tokens.append(Token(surface, key, origin[start], origin[end], kind, cased))

    for match in _TOKEN_RE.finditer(folded):
        group = match.lastgroup or "word"
        start, end = match.span()
        raw = match[0]
        if group == "sentence":
            if not _ends_sentence(text, origin[start], origin[end]):
                continue
            add(raw, "", start, end, Kind.SENTENCE)
        elif group == "segment":
            add(raw.strip(), "", start, end, Kind.SEGMENT)
        elif group == "num":
            add(raw, raw.replace(",", ""), start, end, Kind.NUMBER)
        elif group == "pct":
            add("%", "percent", start, end, Kind.WORD)
        elif group == "bigo":
            key = re.sub(r"[\s*·]", "", raw)
            add(raw, key, start, end, Kind.WORD, cased=True)
        elif group == "dotnet":
            add(raw, "dotnet", start, end, Kind.WORD, cased=True)
        elif group == "abbr":
            add(raw, raw.replace(".", ""), start, end, Kind.WORD)
        else:
            _add_word(add, text, raw, start, origin)
    return _merge_negator_pairs(tokens)


def _add_word(add: _Adder, text: str, raw: str, start: int, origin: list[int]) -> None:
    original = text[origin[start] : origin[start + len(raw)]]
    cased = _cased(original)
    if raw in _CONTRACTED_NEGATIONS:
        base = _CONTRACTED_NEGATIONS[raw]
        split = 3 if raw == "cannot" else len(raw) - (3 if "'" in raw else 2)
        add(raw[:split], lemma(base), start, start + split, Kind.WORD)
        add("n't", "not", start + split, start + len(raw), Kind.NEG)
        return
    if raw.endswith("n't"):
        base = raw[:-3]
        add(base, lemma(base), start, start + len(base), Kind.WORD)
        add("n't", "not", start + len(base), start + len(raw), Kind.NEG)
        return
    for clitic in _CLITICS:
        if raw.endswith(clitic) and len(raw) > len(clitic):
            raw = raw[: -len(clitic)]
            break
    if "." in raw and not raw.replace(".", "").isdigit():
        parts = raw.split(".")
        if parts[-1] in _JOINED_SUFFIXES and all(p.isalpha() for p in parts):
            joined = "".join(parts)
            add(joined, joined, start, start + len(raw), Kind.WORD, cased)
            return
        offset = start
        for part in parts:
            if part:
                _add_plain(add, part, offset, cased)
            offset += len(part) + 1
        return
    plural_acronym = cased and original[-1:] == "s" and bool(_ACRONYM_PLURAL.match(original))
    _add_plain(add, raw, start, cased, plural_acronym)


_ACRONYM_PLURAL = re.compile(r"^[A-Z]{2,}s$")


def _add_plain(
    add: _Adder, raw: str, start: int, cased: bool, acronym_plural: bool = False
) -> None:
    dunder = raw.startswith("__") and raw.endswith("__") and len(raw) > 4
    word = raw.replace("'", "") if dunder else raw.strip("_").replace("'", "")
    if not word:
        return
    lead = 0 if dunder else len(raw) - len(raw.lstrip("_"))
    kind = Kind.NEG if word in NEGATORS else Kind.WORD
    if kind is Kind.NEG:
        key = "not"
    elif dunder:
        key = word
    elif acronym_plural:
        key = lemma(word[:-1])  # "APIs", "CPUs", "URLs": the acronym's own key
    else:
        key = lemma(word)
    add(word, key, start + lead, start + lead + len(word), kind, cased)


def _merge_negator_pairs(tokens: list[Token]) -> list[Token]:
    """Two-word negators ("no longer", "instead of") read as one negator."""
    merged: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind is Kind.WORD and (token.text,) in NEGATOR_PAIRS:
            merged.append(Token(token.text, "not", token.start, token.end, Kind.NEG))
            index += 1
            continue
        if index + 1 < len(tokens):
            following = tokens[index + 1]
            if (token.text, following.text) in NEGATOR_PAIRS:
                merged.append(Token(token.text, "not", token.start, following.end, Kind.NEG))
                index += 2
                continue
        merged.append(token)
        index += 1
    return merged


def is_contrast(token: Token) -> bool:
    return token.kind is Kind.WORD and token.text in CONTRAST


class _Adder(Protocol):  # the signature of tokenize's local ``add``
    def __call__(
        self, surface: str, key: str, start: int, end: int, kind: Kind, cased: bool = ...
    ) -> None: ...
