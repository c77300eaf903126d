"""Text matching for the built-in evaluator: tokens, light stemming, phrases, gibberish.

Key-point phrasings and answers go through the same tokenizer and stemmer, so a phrasing
matches an answer when their stemmed tokens appear in sequence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


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
