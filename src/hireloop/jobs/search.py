"""Word search over job postings, ranked, the same on SQLite (FTS5) and PostgreSQL (GIN).

Every word of a search must match (see ``search_words``), as a whole word or, less
relevant, as the start of one. Results come in tiers, newest first within each:

1. every word whole in the title;             4. every word whole or a prefix in the title;
2. ... in the title, tech stack or skills;    5. ... in the title, tech stack or skills;
3. ... anywhere (company, description too);   6. ... anywhere: all the matches.

Each tier is one indexed query, newest first with a LIMIT, and tiers are read in turn
only until the page is full. A search therefore costs what a newest-first listing costs:
no score is computed for every match, which for a common word at 1M postings would read
100k rows per request.

The index lives beside ``job_postings`` (see migration 0009): on PostgreSQL three
generated ``tsvector`` columns with GIN indexes, on SQLite the FTS5 table
``job_postings_search`` kept in step by triggers, keyed by the posting's rowid. Both hold
the words ``search_words.posting_words`` stores in ``search_title``, ``search_role`` and
``search_text``. A migration that rebuilds ``job_postings`` on SQLite (batch mode) drops
those triggers and moves rowids: it must recreate them and rebuild the index.
"""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, cast, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.jobs.models import JobPosting
from hireloop.jobs.search_words import SearchWord
from hireloop.jobs.word_frequencies import WordFrequencies, word_frequencies

SQLITE_INDEX = "job_postings_search"


class Field(Enum):
    title = "title"
    role = "role"
    text = "text"


_POSTGRES_VECTORS = {
    Field.title: "job_postings.title_vector",
    Field.role: "job_postings.role_vector",
    Field.text: "job_postings.search_vector",
}
_SQLITE_COLUMNS = {
    Field.title: "search_title",
    Field.role: "search_role",
    Field.text: "search_text",
}

# (field, prefixes allowed), most relevant first.
TIERS: tuple[tuple[Field, bool], ...] = (
    (Field.title, False),
    (Field.role, False),
    (Field.text, False),
    (Field.title, True),
    (Field.role, True),
    (Field.text, True),
)


def _alternatives(word: SearchWord, prefix: bool) -> tuple[list[str], list[str]]:
    """Whole words and prefixes that satisfy ``word``; forms a prefix covers are left out."""
    prefixes = list(word.prefixes) if prefix else []
    forms = [f for f in word.forms if not any(f.startswith(p) for p in prefixes)]
    return forms, prefixes


def postgres_query(words: list[SearchWord], prefix: bool) -> str:
    """A tsquery, written out: its words are taken as they are (no parser, no stemming)."""

    def any_of(word: SearchWord) -> str:
        forms, prefixes = _alternatives(word, prefix)
        return "(" + " | ".join([f"'{f}'" for f in forms] + [f"'{p}':*" for p in prefixes]) + ")"

    return " & ".join(any_of(word) for word in words)


def sqlite_query(words: list[SearchWord], field: Field, prefix: bool) -> str:
    """An FTS5 query on one column; every word is quoted, so none is read as an operator."""

    def any_of(word: SearchWord) -> str:
        forms, prefixes = _alternatives(word, prefix)
        return "(" + " OR ".join([f'"{f}"' for f in forms] + [f'"{p}"*' for p in prefixes]) + ")"

    return f"{{{_SQLITE_COLUMNS[field]}}} : (" + " AND ".join(any_of(w) for w in words) + ")"


def matches(
    dialect: str, words: list[SearchWord], field: Field = Field.text, prefix: bool = True
) -> ColumnElement[bool]:
    """Postings in which every word matches in ``field`` (by default: every match)."""
    if dialect == "postgresql":
        vector: ColumnElement[Any] = literal_column(_POSTGRES_VECTORS[field])
        found: ColumnElement[bool] = vector.op("@@")(
            cast(literal(postgres_query(words, prefix)), TSQUERY)
        )
        return found
    query = literal(sqlite_query(words, field, prefix))
    index: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(table(SQLITE_INDEX))
        .where(literal_column(SQLITE_INDEX).op("MATCH")(query))
    )
    return literal_column("job_postings.rowid").in_(index)


async def ranked_ids(
    session: AsyncSession,
    dialect: str,
    postings: Select[Any],
    words: list[SearchWord],
    skip: int,
    limit: int,
) -> list[uuid.UUID]:
    """Ids of the page ``skip``..``skip + limit`` of ``postings`` matching ``words``, by tier."""
    wanted = skip + limit
    found: dict[uuid.UUID, None] = {}
    has_prefixes = any(word.prefixes for word in words)
    frequencies = await word_frequencies(session)
    for field, prefix in TIERS:
        if prefix and not has_prefixes:
            break  # the prefix tiers would repeat the whole-word ones
        # Up to len(found) rows of this tier were already found in an earlier one.
        ids = await _tier_ids(
            session,
            dialect,
            postings,
            matches(dialect, words, field, prefix),
            wanted + len(found),
            0.0 if prefix else _common_share(frequencies, field, words),
        )
        found.update(dict.fromkeys(ids))
        if len(found) >= wanted:
            break  # this tier had enough rows; every tier before it was read to its end
    return list(found)[skip:wanted]


# A tier the statistics say at least this many postings may hold is read newest first.
COMMON_TIER_MATCHES = 2000


def _common_share(frequencies: WordFrequencies, field: Field, words: list[SearchWord]) -> float:
    """The share of postings a common tier may hold at most; 0 for a rare one. Prefixes
    are not in the statistics: their tiers count as rare."""
    column = _POSTGRES_VECTORS[field].removeprefix("job_postings.")
    at_most = frequencies.postings_with_all(column, words)
    return at_most / frequencies.postings if at_most >= COMMON_TIER_MATCHES else 0.0


# How many postings that read may check, per row wanted and per expected match (bounded
# by MAX_RECENT_ROWS): if a search's words are common only together with each other
# and not in the same postings, or only in closed postings, it stops there.
RECENT_ROWS_MARGIN = 4
MAX_RECENT_ROWS = 10_000
# A tier with at most this many matches is read whole through the word index, then
# ordered; one with more is read newest first, checking each posting's words.
RARE_TIER_MATCHES = 500


async def _tier_ids(
    session: AsyncSession,
    dialect: str,
    postings: Select[Any],
    tier: ColumnElement[bool],
    wanted: int,
    share: float,
) -> list[uuid.UUID]:
    """Up to ``wanted`` ids of ``postings`` in the tier, newest first.

    ``share`` is the statistics' upper bound on the share of postings in the tier (0:
    rare or unknown).
    Reading newest first and stopping at ``wanted`` is fast when matches are common, but
    reading the word index (a GIN index) costs every match of every word before the
    first row: 90 ms for "negotiation crm", in 9% of 1M postings. So:

    1. a tier the statistics call common is read newest first, checking at most the
       postings its share says should suffice, with a margin;
    2. otherwise, or when that fell short, a capped probe through the word index (no
       order, no filters) decides: a word the planner thinks common and is not (none of
       1M titles say "kubernetes") would make reading newest first read the whole
       table. A rare tier's few ids are then ordered directly;
    3. a tier the probe finds common is read newest first.
    """
    if share > 0:
        checked = min(MAX_RECENT_ROWS, max(wanted, round(wanted / share * RECENT_ROWS_MARGIN)))
        recent = list(await session.scalars(_newest_of(dialect, postings, tier, wanted, checked)))
        if len(recent) >= wanted:
            return recent
    probe = select(JobPosting.id).where(tier).limit(RARE_TIER_MATCHES + 1)
    hits = list(await session.scalars(probe))
    if not hits:
        return []
    narrowed = JobPosting.id.in_(hits) if len(hits) <= RARE_TIER_MATCHES else tier
    stmt = (
        postings.with_only_columns(JobPosting.id)
        .where(narrowed)
        .order_by(JobPosting.created_at.desc(), JobPosting.id.desc())
        .limit(wanted)
    )
    return list(await session.scalars(stmt))


def _newest_of(
    dialect: str, postings: Select[Any], tier: ColumnElement[bool], wanted: int, checked: int
) -> Select[Any]:
    """The tier's newest ``wanted`` among the newest ``checked`` postings.

    Those postings are a subquery named ``job_postings`` carrying what the tier's
    condition reads (the word vectors; SQLite's rowid), so the same condition applies to
    it. Its LIMIT bounds the rows read whatever the planner estimates; its order is kept
    outside, so the read stops as soon as ``wanted`` rows are found."""
    if dialect == "postgresql":
        carried: list[Label[Any]] = [
            literal_column(c).label(c.removeprefix("job_postings."))
            for c in _POSTGRES_VECTORS.values()
        ]
    else:
        carried = [literal_column("job_postings.rowid").label("rowid")]
    newest = (
        postings.with_only_columns(JobPosting.id, JobPosting.created_at, *carried)
        .order_by(JobPosting.created_at.desc(), JobPosting.id.desc())
        .limit(checked)
        .subquery("job_postings")
    )
    return (
        select(newest.c.id)
        .where(tier)
        .order_by(newest.c.created_at.desc(), newest.c.id.desc())
        .limit(wanted)
    )
