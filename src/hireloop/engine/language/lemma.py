"""Word forms: one matching key per word, from a maintained lemmatiser (lemminflect).

Pack terms and answers go through the same function, so "containers", "caching" and
"evaluated" meet "container", "cache" and "evaluate" whatever form the candidate used.
lemminflect ships its own data, so this stays offline and deterministic.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from lemminflect import getAllInflections, getAllLemmas, getAllLemmasOOV

# The lemma of the first part of speech that has one wins: verbs first, so "running"
# and "runs" meet "run", then nouns ("containers"), adjectives, adverbs.
_POS_ORDER = ("VERB", "NOUN", "ADJ", "ADV", "AUX", "PROPN")
# British spellings read as American ones when the American form is a known word.
_BRITISH = (
    (re.compile(r"^(\w{2,})is(e|ed|es|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (re.compile(r"^(\w{2,})ys(e|ed|es|ing)$"), r"\1yz\2"),
    (re.compile(r"^(\w{2,})our(s|ed|ing|al|able)?$"), r"\1or\2"),
    (re.compile(r"^(\w{2,})tre(s)?$"), r"\1ter\2"),
    (re.compile(r"^(\w{2,}[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2"),
)


class Lemmatiser(Protocol):
    """Maps a lower-case word to the key it is matched by."""

    def __call__(self, word: str) -> str: ...


@lru_cache(maxsize=131072)
def _known(word: str) -> bool:
    return bool(getAllLemmas(word))


@lru_cache(maxsize=131072)
def lemma(word: str) -> str:
    """The matching key of a lower-case word (numbers and symbols are their own key)."""
    if not word.isalpha():
        return word
    if word.endswith("wards") and len(word) > 6:
        word = word[:-1]  # "upwards" is "upward", "towards" is "toward"
    if not _known(word):
        for pattern, american in _BRITISH:
            candidate = pattern.sub(american, word)
            if candidate != word and _known(candidate):
                word = candidate
                break
    found = getAllLemmas(word)
    for pos in _POS_ORDER:
        if pos in found:
            return str(found[pos][0])
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        # An unknown plural ("sigterms", "kubeconfigs"): lemminflect's rules for nouns.
        guess = getAllLemmasOOV(word, "NOUN").get("NOUN")
        if guess:
            return str(guess[0])
    return word


def is_known_word(word: str) -> bool:
    """Whether the lemmatiser's lexicon knows the word (an English word, not a key mash)."""
    return _known(word.lower())


def can_be_verb(word: str) -> bool:
    return "VERB" in getAllLemmas(word) or "AUX" in getAllLemmas(word)


@lru_cache(maxsize=32768)
def is_participle(word: str) -> bool:
    """A past participle, regular or not ("created", "spread", "built", "shown"); a form
    that is also the past tense ("created") is listed only as VBD."""
    for verb in getAllLemmas(word).get("VERB", ()):
        forms = getAllInflections(verb, upos="VERB")
        if word in forms.get("VBN", ()) or word in forms.get("VBD", ()):
            return True
    return False


@lru_cache(maxsize=32768)
def only_a_verb(word: str) -> bool:
    """A word that is a verb and nothing else ("belongs", "refers", "says")."""
    return set(getAllLemmas(word)) <= {"VERB", "AUX"} and can_be_verb(word)
