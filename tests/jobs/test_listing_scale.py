"""Large listings: totals stay cheap (estimated on PostgreSQL past 200 matches)."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from hireloop.jobs import search
from hireloop.jobs.schemas import JobPostingFilters
from hireloop.jobs.search_words import search_words
from hireloop.jobs.service import list_postings
from hireloop.jobs.synthetic import seed_synthetic
from hireloop.jobs.word_frequencies import (
    WordFrequencies,
    forget_word_frequencies,
    word_frequencies,
)


async def test_large_result_sets_report_an_estimated_total(
    client: AsyncClient, app: Any, is_postgres: bool
) -> None:
    async with app.state.sessionmaker() as session:
        await seed_synthetic(session, 2_500, progress=lambda done, total: None)
        # Fresh statistics, as autovacuum would have them in production.
        if is_postgres:
            await session.execute(text("ANALYZE job_postings"))
            await session.commit()
    everything = (await client.get("/api/v1/job-postings")).json()
    small = (
        await client.get(
            "/api/v1/job-postings",
            params={
                "search": "kubernetes",
                "experience_level": "principal",
                "work_setup": "onsite",
            },
        )
    ).json()
    assert len(everything["items"]) == 20
    assert small["total_is_estimate"] is False
    assert small["total"] == len(
        (
            await client.get(
                "/api/v1/job-postings",
                params={
                    "search": "kubernetes",
                    "experience_level": "principal",
                    "work_setup": "onsite",
                    "limit": 100,
                },
            )
        ).json()["items"]
    )
    if is_postgres:
        assert everything["total_is_estimate"] is True
        active = 2_500 * 0.9  # the generator closes about one posting in ten
        assert 0.7 * active <= everything["total"] <= 1.3 * active
    else:
        assert everything["total_is_estimate"] is False
        assert 2_000 <= everything["total"] <= 2_500


async def test_text_filters_are_planned_with_their_values(app: Any, is_postgres: bool) -> None:
    """A cached generic plan cannot see how selective a search is and scans the whole
    table; listings with a search or substring filter are planned with the values."""
    if not is_postgres:
        pytest.skip("PostgreSQL only: SQLite has no plan cache to configure")
    async with app.state.sessionmaker() as session:
        await list_postings(session, JobPostingFilters())
        assert (await session.scalar(text("SHOW plan_cache_mode"))) == "auto"
    async with app.state.sessionmaker() as session:
        await list_postings(session, JobPostingFilters(location="berlin"))
        mode = await session.scalar(text("SHOW plan_cache_mode"))
        assert mode == "force_custom_plan"


async def test_word_statistics_choose_the_reading_not_the_results(
    client: AsyncClient, app: Any, is_postgres: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's statistics say which words are common, so their tiers are read newest
    first; the postings found, and their order, are those of the reading without them."""
    if not is_postgres:
        pytest.skip("PostgreSQL only: SQLite keeps no word statistics")
    async with app.state.sessionmaker() as session:
        await seed_synthetic(session, 2_500, progress=lambda done, total: None)
        await session.execute(text("ANALYZE job_postings"))
        await session.commit()
    forget_word_frequencies()
    async with app.state.sessionmaker() as session:
        frequencies = await word_frequencies(session)
    common = frequencies.postings_with_all("role_vector", search_words("negotiation crm"))
    assert common >= search.COMMON_TIER_MATCHES / 10  # the sales skills: about 1 in 8
    assert frequencies.postings_with_all("role_vector", search_words("zanzibarian")) == 0
    monkeypatch.setattr(search, "COMMON_TIER_MATCHES", 100)  # 2,500 postings, not 1M
    searches = [
        {"search": "negotiation crm"},
        {"search": "negotiation crm", "skip": 40, "limit": 20},
        {"search": "python", "experience_level": "lead"},
        {"search": "senior engineer"},
        {"search": "kubernetes"},
    ]
    newest_of = search._newest_of
    newest_reads: list[int] = []

    def counted(*args: Any) -> Any:
        newest_reads.append(1)
        return newest_of(*args)

    monkeypatch.setattr(search, "_newest_of", counted)
    with_statistics = [await _ids(client, params) for params in searches]
    assert newest_reads
    monkeypatch.setattr(search, "word_frequencies", _no_statistics)
    assert with_statistics == [await _ids(client, params) for params in searches]
    assert all(with_statistics)


async def _ids(client: AsyncClient, params: dict[str, Any]) -> list[str]:
    response = await client.get("/api/v1/job-postings", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _no_statistics(session: object) -> WordFrequencies:
    return WordFrequencies()
