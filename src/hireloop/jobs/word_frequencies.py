"""How common a search's words are, from PostgreSQL's own statistics (``pg_stats``).

ANALYZE keeps, for each word vector column, its most common words and the share of rows
holding each. A search uses that to choose how to read a tier (see ``search._tier_ids``):
a tier of common words is read newest first, while one of rare words is read through the
word index, which for common words reads every match before it returns the first.

The figures are read once per ``REFRESH_SECONDS`` per database and only ever choose a
plan: whichever is chosen, a search returns the same postings. Without statistics (never
analysed, or SQLite) every word counts as rare, which is the safe choice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.jobs.search_words import SearchWord

REFRESH_SECONDS = 300.0

_STATISTICS = text(
    """
    SELECT s.attname, s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples
    FROM pg_stats AS s
    JOIN pg_class AS c ON c.oid = to_regclass(quote_ident(s.schemaname) || '.job_postings')
    WHERE s.schemaname = current_schema() AND s.tablename = 'job_postings'
      AND s.most_common_elems IS NOT NULL
    """
)


@dataclass(frozen=True)
class WordFrequencies:
    """Per word vector column, the share of postings holding each of its common words."""

    postings: float = 0.0
    shares: dict[str, dict[str, float]] = field(default_factory=dict)

    def postings_with_all(self, column: str, words: Iterable[SearchWord]) -> float:
        """An upper bound on how many postings hold every word (by any of its forms) in
        ``column``: the count of the least common one. A word missing from the
        statistics is rarer than every word in them: it counts as none."""
        shares = self.shares.get(column, {})
        least = min((sum(shares.get(form, 0.0) for form in w.forms) for w in words), default=0.0)
        return least * self.postings


_cache: dict[str, tuple[float, WordFrequencies]] = {}


async def word_frequencies(session: AsyncSession) -> WordFrequencies:
    """The current statistics of this session's database (re-read every few minutes);
    none on SQLite."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return WordFrequencies()
    key = bind.engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and now - cached[0] < REFRESH_SECONDS:
        return cached[1]
    shares: dict[str, dict[str, float]] = {}
    postings = 0.0
    for column, words, freqs, reltuples in await session.execute(_STATISTICS):
        # most_common_elem_freqs ends with three summary figures after one per word.
        shares[column] = dict(zip(words, freqs, strict=False))
        postings = max(postings, float(reltuples))
    frequencies = WordFrequencies(postings, shares)
    _cache[key] = (now, frequencies)
    return frequencies


def forget_word_frequencies() -> None:
    """Drop the cached statistics (tests, after ANALYZE)."""
    _cache.clear()
