"""The words of job postings and of searches, computed once for both databases.

SQLite (FTS5) and PostgreSQL (tsvector) index the words made here instead of parsing the
text themselves, so a search finds the same postings on either:

- a word is a run of letters and digits, lower-cased, accents removed ("München" is
  ``munchen``), so "rust" is never found inside "trust";
- technology names keep their punctuation as letters: "C++" is ``cplusplus``, "C#"
  ``csharp``, ".NET" ``dotnet``; dotted names are one word and their parts ("Node.js" is
  ``nodejs``, ``node`` and ``js``; "ASP.NET" also ``dotnet``), hyphenated ones too
  ("mid-market" is ``midmarket``, ``mid`` and ``market``);
- a search word matches that word and its plural or singular ("engineers" finds
  "engineer"), and, ranked below them, any word it starts ("kube" finds "Kubernetes").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Letters and digits, joined by ".", "-" or an apostrophe; "++" or "#" may end a name.
_LETTERS = r"[^\W_]+"
_JOINER = r"[.'\u2019\-]"  # \u2019: the typographic apostrophe
_TOKEN = re.compile(rf"(\.)?({_LETTERS}(?:{_JOINER}{_LETTERS})*)(\+\+|#)?")
_JOINERS = re.compile(_JOINER)
_SUFFIXES = {"++": "plusplus", "#": "sharp"}

# Longer "words" (hashes, base64) are not indexed; no search needs them.
MAX_WORD_LENGTH = 64
# Words beyond this many in one search are ignored: each word costs an index lookup.
MAX_SEARCH_WORDS = 8
# Dropped from searches of several words ("head of engineering"): they match nearly
# every posting as whole words and would only stop title matches ranking first.
STOP_WORDS = frozenset(
    "a an and are as at be by for from in is of on or the to with".split()  # noqa: SIM905
)


def _plain(text: str) -> str:
    """Lower case without accents; compatibility forms folded (full-width, ligatures)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class _Token:
    words: tuple[str, ...]  # what a search for this token requires (all of them)
    indexed: tuple[str, ...]  # what a posting containing this token is found by
    is_name: bool  # "node.js", "c#": never given a plural or singular


def _tokens(text: str) -> Iterable[_Token]:
    for match in _TOKEN.finditer(_plain(text)):
        lead_dot, body, suffix = match.groups()
        parts = [part for part in _JOINERS.split(body) if part]
        if suffix:
            parts[-1] += _SUFFIXES[suffix]
        joined = "".join(parts)
        indexed = list(parts)
        if len(parts) > 1:
            indexed.append(joined)
        if lead_dot:
            words = ["dot" + joined]
            indexed.append(words[0])
        elif "." in body:
            words = [joined]
            if parts[-1].isalpha():
                indexed.append("dot" + parts[-1])  # "ASP.NET" is found by ".net"
        else:
            words = parts  # "mid-market" searches for "mid" and "market"
        yield _Token(
            tuple(w for w in words if len(w) <= MAX_WORD_LENGTH),
            tuple(w for w in indexed if len(w) <= MAX_WORD_LENGTH),
            is_name=bool(lead_dot or suffix or "." in body),
        )


def index_words(*texts: str) -> str:
    """The distinct words postings are found by, space-separated (what the index holds)."""
    seen: dict[str, None] = {}
    for text in texts:
        for token in _tokens(text):
            seen.update(dict.fromkeys(token.indexed))
    return " ".join(seen)


@dataclass(frozen=True)
class PostingWords:
    """The three texts a posting is indexed by; each search ranks on them in this order."""

    title: str  # the title's words
    role: str  # title, tech stack and required skills: what the job is
    text: str  # everything: also company and description


def posting_words(
    title: str, company: str, description: str, skills: list[str], tech_stack: str | None
) -> PostingWords:
    return PostingWords(
        title=index_words(title),
        role=index_words(title, tech_stack or "", *skills),
        text=index_words(title, company, tech_stack or "", *skills, description),
    )


@dataclass(frozen=True)
class SearchWord:
    """One word of a search: a posting matches it by one of ``forms`` as a whole word or,
    less relevant, by a word starting with one of ``prefixes``."""

    forms: tuple[str, ...]
    prefixes: tuple[str, ...]


def _word_forms(word: str) -> list[str]:
    """The word and its regular plural or singular (a light stemmer that never guesses
    beyond English "-s", "-es", "-ies")."""
    forms = [word]
    if len(word) < 3 or not word.isalpha():
        return forms
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    elif word.endswith(("sses", "xes", "ches", "shes")):
        forms.append(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.append(word[:-1])
    elif word.endswith("y") and word[-2] not in "aeiou":
        forms.append(word[:-1] + "ies")
    elif word.endswith(("s", "x", "ch", "sh")):
        forms.append(word + "es")
    else:
        forms.append(word + "s")
    return forms


def _search_word(word: str, is_name: bool) -> SearchWord:
    forms = (word,) if is_name else tuple(_word_forms(word))
    # Single letters ("c", "r") are whole words only: as prefixes they would match anything.
    return SearchWord(forms, (word,) if len(word) >= 2 else ())


def search_words(text: str) -> list[SearchWord]:
    """The words a search must all match; empty when it has none."""
    words: dict[str, bool] = {}
    for token in _tokens(text):
        for word in token.words:
            words.setdefault(word, token.is_name)
    kept = [word for word in words if word not in STOP_WORDS] or list(words)
    return [_search_word(word, words[word]) for word in kept[:MAX_SEARCH_WORDS]]
