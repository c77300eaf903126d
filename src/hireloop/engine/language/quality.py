"""Checks on an answer as a whole, shared by every judge: is there anything to judge?

- **gibberish**: key mashes, one word repeated, symbols, mostly non-words;
- **term lists**: clauses that are only the field's terms strung together, bare or glued
  with function words ("the X is the Y and Z with the W"). They name ideas without
  stating anything about them, so no claim is credited from them;
- **admits not knowing**, and **word counts**.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from hireloop.engine.language.clauses import BRACKETS, Reading
from hireloop.engine.language.injection import injection_text
from hireloop.engine.language.lemma import (
    can_be_verb,
    is_known_word,
    is_participle,
    only_a_verb,
)
from hireloop.engine.language.tokens import Kind, Token
from hireloop.engine.language.vocab import (
    ADVERBS_IN_VERB_GROUP,
    COPULAS,
    GLUE,
    MODALS,
    OBJECT_PRONOUNS,
    STOPWORDS,
    SUBJECT_PRONOUNS,
)

# Measured on hand-written answers (tests/calibration): prose, even terse expert prose,
# has a quarter to a third of its words in GLUE and a tenth or more in other function
# words (pronouns, modals, "so", "because"); glued term lists have over 45% glue and
# almost nothing else; bare lists almost no function words at all.
LIST_CLAUSE_WORDS = 6
GLUED_SHARE, GLUED_RELATIONAL, GLUED_CONTENT = 0.45, 0.1, 5
LOOSE_GLUED_SHARE, LOOSE_GLUED_RELATIONAL, LOOSE_GLUED_CONTENT = 0.42, 0.06, 6
HEAVY_GLUE_SHARE = 0.55  # a chained glued clause repeats "is"; or is nearly all glue
GLUED_TERM_SHARE = 0.5  # and at least half its content words are field terms
BARE_LIST_WORDS, BARE_LIST_STOP_SHARE = 6, 0.12
# A comma list: five items or more, none longer than four words. (Allowing one longer
# item catches more padded lists but also terse real answers: "segment by impact, give
# notice, brief teams first, explain why, and provide a migration path".)
LIST_SEGMENTS, LIST_SHORT_SEGMENT_WORDS, LIST_SEGMENT_STOP_SHARE = 5, 4, 0.45
STUFFED_SHARE = 0.5  # an answer is keyword stuffing when half its words are in term lists

_UNKNOWN = re.compile(
    r"\b(?:i (?:do not|dont|don't) know|no idea|not sure|no clue|never (?:used|worked|heard|"
    r"done)|(?:have not|haven't|havent) (?:used|worked|done)|no experience|not familiar|"
    r"(?:can't|cant|cannot|don't|dont) remember|pass on this|idk|dunno)\b"
)
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_WORD_RUNS = frozenset({"erty", "trew"})  # property, liberty; strewn
_VOWELS = frozenset("aeiouy")


def word_count(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def admits_not_knowing(text: str) -> bool:
    return bool(_UNKNOWN.search(injection_text(text)))


def _looks_like_a_word(word: str) -> bool:
    if not word.isalpha() or len(word) < 4 or is_known_word(word):
        return True
    if not _VOWELS.intersection(word) or re.search(r"(.)\1\1", word):
        return False
    if re.search(r"[^aeiouy]{6,}", word):
        return False
    for row in _KEYBOARD_ROWS:
        for i in range(len(row) - 3):
            for run in (row[i : i + 4], row[i + 3 : i - 1 if i else None : -1]):
                if run in word and run not in _WORD_RUNS:
                    return False
    return True


def is_gibberish(tokens: list[Token], vocabulary: Collection[str] = ()) -> bool:
    """Key mash, random characters, one word repeated, or no real words at all."""
    alpha_tokens = [t for t in tokens if t.kind is Kind.WORD and any(c.isalpha() for c in t.text)]
    alpha = [t.text for t in alpha_tokens]
    if not alpha:
        return True
    if len(alpha) >= 3 and len(set(alpha)) == 1:
        return True
    variety = len(set(alpha)) / len(alpha)
    if len(alpha) >= 6 and variety < (0.3 if len(alpha) < 200 else 0.05):
        return True
    if len(alpha) >= 3 and sum(len(w) for w in alpha) / len(alpha) < 2:
        return True
    odd = sum(
        1
        for t in alpha_tokens
        if not t.cased and t.key not in vocabulary and not _looks_like_a_word(t.text)
    )
    return odd / len(alpha) >= 0.5


# A line of code: indented, an assignment or statement at its start, or ending the way
# code lines end. An "=" or ";" in the middle of a line is not enough: a term list with
# "refresh=wait_for" in it is still a list.
_CODE_LINE = re.compile(
    r"^\s{4,}\S"
    r"|^\s*[\w.\[\]'\"]+\s*(?:[-+*/|&]?=|:=|<-)(?!=)"
    r"|[;{(\[]\s*$|[)\]]\s*[;:]?\s*$"
    r"|^\s*(?:def|class|import|from|return|if|for|let|const|var|func|fn|pub|SELECT|select)\b.*[:(=]"
    r"|^\s*[}\])]"
)


def _code_offsets(text: str) -> list[tuple[int, int]]:
    """Character ranges of lines that look like code: they are neither prose nor lists."""
    ranges: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if _CODE_LINE.search(line):
            ranges.append((offset, offset + len(line)))
        offset += len(line) + 1
    return ranges


@dataclass(frozen=True)
class ListReading:
    list_clauses: frozenset[int]  # clauses that only string terms together
    stuffing: bool  # the answer as a whole is a term list


def _glue_shares(words: list[Token]) -> tuple[float, float, int, int]:
    count = len(words)
    glue = sum(t.text in GLUE for t in words) / count
    relational = sum(t.text in STOPWORDS and t.text not in GLUE for t in words) / count
    content = sum(1 for t in words if t.text not in STOPWORDS)
    copulas = sum(t.text in COPULAS for t in words)
    return glue, relational, content, copulas


def _loosely_glued(words: list[Token]) -> bool:
    """Mostly glue words and content words, nothing that relates them."""
    glue, relational, content, _ = _glue_shares(words)
    return (
        glue >= GLUED_SHARE and relational <= GLUED_RELATIONAL and content >= GLUED_CONTENT
    ) or (
        glue >= LOOSE_GLUED_SHARE
        and relational <= LOOSE_GLUED_RELATIONAL
        and content >= LOOSE_GLUED_CONTENT
    )


def _verb_form(word: str) -> bool:
    return word.endswith(("ed", "ing", "en")) and can_be_verb(word)


def _has_predicate(words: list[Token], domain_keys: Collection[str] = ()) -> bool:
    """Something that relates the clause's terms: a modal ("can", "must"), a passive or
    progressive verb ("are created", "are spread", "is running"), a pronoun acting ("it
    returns", "which also helps"), a verb that is not one of the field's terms after a
    noun ("a contact always belongs to"), a participle clause ("assuming the null is
    true"), or a pronoun as an object ("the reason behind it")."""
    for index, token in enumerate(words):
        word = token.text
        if word in MODALS or (word in OBJECT_PRONOUNS and token.key not in domain_keys):
            return True
        following = words[index + 1 : index + 4]
        previous = words[index - 1].text if index else ""
        if word in COPULAS:
            for after in following:
                if _verb_form(after.text) or (
                    is_participle(after.text) and after.key not in domain_keys
                ):
                    return True
                if after.text not in ADVERBS_IN_VERB_GROUP:
                    break
        elif word in SUBJECT_PRONOUNS:
            for after in following:
                if after.text not in STOPWORDS and can_be_verb(after.text):
                    return True
                if after.text not in ADVERBS_IN_VERB_GROUP:
                    break
        elif word == "to" and following and following[0].text != previous:
            # "to customise", not "to the X" nor "end to end", "peer to peer"
            verb = following[0].text
            if verb not in STOPWORDS and can_be_verb(verb) and not _verb_form(verb):
                return True
        elif (
            # "a contact always belongs to": an adverb, then a verb of the sentence.
            word not in STOPWORDS
            and previous in ADVERBS_IN_VERB_GROUP
            and _finite_verb(word)
            and only_a_verb(word)
        ):
            return True
    return False


def _finite_verb(word: str) -> bool:
    """A third-person present verb ("belongs", "refers"): an -s form that is a verb."""
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss") and can_be_verb(word)


def _term_like(token: Token, domain_keys: Collection[str]) -> bool:
    """A field term: the skill's vocabulary, a name (CSRF, HttpClient), a number, or a word
    no English dictionary knows (kubectl, namedtuple)."""
    if token.kind is Kind.NUMBER or token.cased or token.key in domain_keys:
        return True
    return token.text.isalpha() and len(token.text) >= 3 and not is_known_word(token.text)


def _glued(words: list[Token], domain_keys: Collection[str]) -> bool:
    """Loosely glued, chained ("the X is the Y ... the Z is the W", or nearly all glue),
    mostly field terms, and no verb that relates anything."""
    glue, relational, content, copulas = _glue_shares(words)
    chained = _loosely_glued(words) and (copulas >= 2 or glue >= HEAVY_GLUE_SHARE)
    # Short, but nearly all glue: "the __enter__ is the __exit__ and the close with the X".
    short = glue >= HEAVY_GLUE_SHARE and relational <= GLUED_RELATIONAL and content >= 4
    if not (chained or short) or _has_predicate(words, domain_keys):
        return False
    return _mostly_terms(words, domain_keys)


def _mostly_terms(words: list[Token], domain_keys: Collection[str]) -> bool:
    contents = [t for t in words if t.text not in STOPWORDS]
    terms = sum(_term_like(t, domain_keys) for t in contents)
    return terms >= GLUED_TERM_SHARE * len(contents)


# "I'd use the X of the Y with the Z": a speaker, a verb, maybe a preposition, then the
# glued terms. The frame relates nothing but the first term to the speaker, so what follows
# it is read on its own.
FRAMED_GLUE_WORDS = 15  # shorter glue behind a frame is common in prose ("I log X in Y for Z")
FRAME_SUBJECTS = frozenset({"i", "we", "you", "it", "this", "that", "they"})
FRAME_AUXILIARIES = MODALS | COPULAS | ADVERBS_IN_VERB_GROUP | {"do", "does", "did", "am", "first"}
FRAME_VERBS_IN_STOPWORDS = frozenset({"have", "has", "had", "do", "did"})
FRAME_PREPOSITIONS = frozenset({"about", "on", "with", "for", "to", "at", "into", "in", "by"})


def _after_frame(words: list[Token], domain_keys: Collection[str]) -> list[Token]:
    """The clause without an opening "I'd use", "we check", "it's about", "I had" or an
    opening imperative verb ("Check the ..."); the whole clause when it has no such frame."""
    index = 0
    if words and words[0].text in FRAME_SUBJECTS:
        index = 1
        while index < len(words) and words[index].text in FRAME_AUXILIARIES:
            index += 1
        if index < len(words) and words[index].text == "about":
            return words[index + 1 :]  # "it's about the X with the Y"
        if index >= len(words):
            return words
        verb = words[index]
        if not (
            verb.text in FRAME_VERBS_IN_STOPWORDS
            or (verb.text not in STOPWORDS and can_be_verb(verb.text))
        ):
            return words
    elif not (
        words
        and words[0].text not in STOPWORDS
        and words[0].key not in domain_keys
        and only_a_verb(words[0].text)
    ):
        return words
    index += 1
    if index < len(words) and words[index].text in FRAME_PREPOSITIONS:
        index += 1
    return words[index:]


def _framed_glue(words: list[Token], domain_keys: Collection[str]) -> bool:
    """Field terms glued together behind a frame ("I'd check the X of the Y with the Z"):
    without the frame, loosely glued, no verb relating anything, mostly field terms."""
    if len(words) <= FRAMED_GLUE_WORDS:
        return False
    body = _after_frame(words, domain_keys)
    if not FRAMED_GLUE_WORDS <= len(body) < len(words):
        return False
    glue, relational, content, _ = _glue_shares(body)
    return (
        glue >= GLUED_SHARE
        and relational <= GLUED_RELATIONAL
        and content >= GLUED_CONTENT
        and not _has_predicate(body, domain_keys)
        and not any(_plain_verb(t, domain_keys) for t in body)
        and _mostly_terms(body, domain_keys)
    )


def _plain_verb(token: Token, domain_keys: Collection[str]) -> bool:
    """A verb form that is no field term ("worked", "supporting"), where glued terms have
    only their own -ing and -ed words ("rate limiting", "account locked")."""
    return (
        token.text not in STOPWORDS
        and not _term_like(token, domain_keys)
        and _verb_form(token.text)
    )


def _comma_list(words: list[Token], segment_sizes: Collection[int]) -> bool:
    """Five items or more, none longer than four words, hardly any function words."""
    stop = sum(t.text in STOPWORDS for t in words) / len(words)
    return (
        len(segment_sizes) >= LIST_SEGMENTS
        and max(segment_sizes) <= LIST_SHORT_SEGMENT_WORDS
        and stop <= LIST_SEGMENT_STOP_SHARE
    )


def _bare(words: list[Token]) -> bool:
    stop = sum(t.text in STOPWORDS for t in words) / len(words)
    return len(words) >= BARE_LIST_WORDS and stop <= BARE_LIST_STOP_SHARE


def _list_items(reading: Reading) -> list[int]:
    """Per token, the list item it belongs to: items end at commas, colons and dashes but
    not at brackets, so a gloss ("RED (rate, errors, duration) for services") is not five
    items, while a list inside brackets still is."""
    items: list[int] = []
    item = 0
    for token in reading.tokens:
        ends_item = token.kind is Kind.SEGMENT and token.text not in BRACKETS
        if ends_item or token.kind is Kind.SENTENCE:
            item += 1
        items.append(item)
    return items


def read_term_lists(reading: Reading, domain_keys: Collection[str] = ()) -> ListReading:
    """Which clauses are term lists, bare or glued, and whether the whole answer is one.

    Args:
        domain_keys: The skill's vocabulary (lemma keys of its pack terms).
    """
    code = _code_offsets(reading.text)
    list_item = _list_items(reading)
    per_clause: dict[int, list[Token]] = {}
    segment_sizes: dict[int, dict[int, int]] = {}
    everything: list[Token] = []
    for index, token in enumerate(reading.tokens):
        clause = reading.clause[index]
        if clause < 0 or not (token.is_word or token.kind is Kind.NEG):
            continue
        if any(start <= token.start < end for start, end in code):
            continue
        per_clause.setdefault(clause, []).append(token)
        sizes = segment_sizes.setdefault(clause, {})
        sizes[list_item[index]] = sizes.get(list_item[index], 0) + 1
        everything.append(token)
    listed: set[int] = set()
    loose_words = 0
    for clause, words in per_clause.items():
        if len(words) < LIST_CLAUSE_WORDS:
            continue
        item_sizes = list(segment_sizes[clause].values())
        if _glued(words, domain_keys) or _comma_list(words, item_sizes):
            listed.add(clause)
            loose_words += len(words)
        elif (_loosely_glued(words) and not _has_predicate(words, domain_keys)) or _framed_glue(
            words, domain_keys
        ):
            loose_words += len(words)
    # The whole answer: one term per line, or mostly list-like clauses.
    all_sizes = [n for sizes in segment_sizes.values() for n in sizes.values()]
    one_per_line = bool(everything) and _bare(everything) and _comma_list(everything, all_sizes)
    stuffing = one_per_line or loose_words >= STUFFED_SHARE * max(1, len(everything))
    return ListReading(frozenset(listed), stuffing)
