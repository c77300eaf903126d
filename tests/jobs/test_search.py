"""Search that finds: whole words and prefixes, never pieces of other words; title matches
first, then stack and skills, then anywhere; newest first within each. The same postings
and the same order on SQLite (FTS5) and PostgreSQL (tsvector), through the public API and
the job list page.

The queries below are what candidates typed when the old substring search let them down
(issue 14): "rust" found "trust", Principal Rust Engineer was not in the top 4, an SRE
posting came first for "python", an Android posting first for "Go Backend".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.jobs import search
from hireloop.jobs.search_words import SearchWord
from hireloop.jobs.word_frequencies import WordFrequencies
from tests.factories import create_job, create_staff_user

JOBS = "/api/v1/job-postings"

# Created oldest first: later ones are newer, so recency alone would put them on top.
POSTINGS: dict[str, dict[str, Any]] = {
    "rust": {
        "title": "Principal Rust Engineer",
        "tech_stack": "Rust, Tokio, PostgreSQL",
        "required_skills": ["Rust ownership", "Concurrency"],
        "description": "Build the storage engine of our database.",
    },
    "python": {
        "title": "Python Developer",
        "tech_stack": "Django, Celery",
        "required_skills": ["Django", "SQL"],
        "description": "Ship the features of our marketplace.",
    },
    "go": {
        "title": "Go Backend Engineer",
        "tech_stack": "Go, gRPC, Kubernetes",
        "required_skills": ["Go concurrency", "gRPC"],
        "description": "Services that move payments between banks.",
    },
    "cpp": {
        "title": "C++ Engineer, Trading Systems",
        "tech_stack": "C++, Linux",
        "required_skills": ["C++", "Networking"],
        "description": "Low-latency order routing in München and London.",
    },
    "dotnet": {
        "title": "Senior .NET Developer",
        "tech_stack": "C#, ASP.NET Core, Azure",
        "required_skills": ["C#", "Entity Framework"],
        "description": "Modernise the insurance claims platform.",
    },
    "trust": {
        "title": "Trust and Safety Analyst",
        "tech_stack": None,
        "required_skills": ["Investigations", "Policy"],
        "description": "Keep our community safe; build trust with users. Frustrating cases.",
        "role_category": "operations",
    },
    "sre": {
        "title": "Site Reliability Engineer",
        "tech_stack": "Kubernetes, Terraform, Prometheus",
        "required_skills": ["Kubernetes", "Observability"],
        "description": "Automate our platform; scripting in Python and Go is a plus.",
    },
    "android": {
        "title": "Android Engineer",
        "tech_stack": "Kotlin, Jetpack Compose",
        "required_skills": ["Android", "Mobile UI"],
        "description": "Our Android app talks to a Go backend.",
    },
    "node": {
        "title": "Full-Stack Engineer",
        "tech_stack": "Node.js, React, TypeScript",
        "required_skills": ["React", "REST APIs"],
        "description": "Own features end to end, from the database to the browser.",
    },
}

# query -> the postings expected first, in order; then the ones that must not be found.
EXPECTED: list[tuple[str, list[str], set[str]]] = [
    # A word is never found inside another word ("trust", "frustrating").
    ("rust", ["rust"], {"trust"}),
    # Title matches first, however new the postings that only mention it are.
    ("python", ["python", "sre"], {"trust"}),
    ("go backend", ["go", "android"], {"trust", "python"}),
    ("Go Backend", ["go", "android"], set()),
    # Stack and skills before the description.
    ("kubernetes", ["sre", "go"], {"python"}),
    # Plural and singular, prefixes ranked after whole words.
    ("engineers", ["node", "android", "sre", "cpp", "go", "rust"], {"python", "trust"}),
    ("kube", ["sre", "go"], set()),
    ("pyth", ["python", "sre"], set()),
    # Technology names keep their punctuation.
    ("c++", ["cpp"], {"dotnet"}),
    ("C#", ["dotnet"], {"cpp"}),
    (".net", ["dotnet"], set()),
    ("node.js", ["node"], set()),
    # Accents do not matter, either way.
    ("munchen", ["cpp"], set()),
    ("MÜNCHEN", ["cpp"], set()),
    # Every word must match; stop words are ignored in longer searches.
    ("engineer for trading", ["cpp"], {"rust", "sre"}),
    ("rust python", [], set(POSTINGS)),
]


@pytest.fixture(params=["few matches", "many matches", "common words", "stale statistics"])
def tier_reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every way a tier is read: its few matches ordered directly; (as when a word is
    common) newest first through the whole list; or, when the statistics call its words
    common, newest first among the newest postings only, falling back to the others when
    those hold too few (as when the statistics are stale: here they claim every word is
    in every posting). The order must not depend on which."""
    if request.param == "many matches":
        monkeypatch.setattr(search, "RARE_TIER_MATCHES", 0)
    if request.param in ("common words", "stale statistics"):
        monkeypatch.setattr(search, "word_frequencies", _every_word_everywhere)
    else:  # not what an earlier test's ANALYZE left in PostgreSQL's statistics
        monkeypatch.setattr(search, "word_frequencies", _no_statistics)
    if request.param == "stale statistics":
        monkeypatch.setattr(search, "MAX_RECENT_ROWS", 1)
    newest_reads: list[int] = []
    newest_of = search._newest_of

    def counted(*args: Any) -> Any:
        newest_reads.append(1)
        return newest_of(*args)

    monkeypatch.setattr(search, "_newest_of", counted)
    yield str(request.param)
    # The statistics decide whether the newest postings are read first.
    assert bool(newest_reads) == (request.param in ("common words", "stale statistics"))


class _EveryWordEverywhere(WordFrequencies):
    def postings_with_all(self, column: str, words: Iterable[SearchWord]) -> float:
        return self.postings


async def _every_word_everywhere(session: object) -> WordFrequencies:
    return _EveryWordEverywhere(postings=1_000_000)


async def _no_statistics(session: object) -> WordFrequencies:
    return WordFrequencies()


@pytest.fixture
async def postings(client: AsyncClient, app: object, tier_reading: str) -> dict[str, str]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    ids = {}
    for key, fields in POSTINGS.items():
        ids[key] = (await create_job(client, recruiter, **fields))["id"]
    return ids


async def _search(client: AsyncClient, query: str, **params: Any) -> list[str]:
    response = await client.get(JOBS, params={"search": query, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_searches_find_whole_words_ranked_by_where_they_match(
    client: AsyncClient, postings: dict[str, str]
) -> None:
    names = {posting_id: key for key, posting_id in postings.items()}
    for query, first, never in EXPECTED:
        found = [names[i] for i in await _search(client, query)]
        assert found[: len(first)] == first, (query, found)
        assert not never & set(found), (query, found)
        if not first:
            assert found == [], (query, found)


async def test_paging_a_search_keeps_its_order_and_total(
    client: AsyncClient, postings: dict[str, str]
) -> None:
    everything = await _search(client, "engineer")
    assert len(everything) == 6
    pages = [await _search(client, "engineer", skip=skip, limit=2) for skip in (0, 2, 4)]
    assert [i for page in pages for i in page] == everything
    response = await client.get(JOBS, params={"search": "engineer", "limit": 2})
    assert response.json()["total"] == 6
    # Filters narrow a search without changing its order.
    remote = await _search(client, "engineer", work_setup="remote")
    assert remote == everything


async def test_search_text_is_never_read_as_query_syntax(
    client: AsyncClient, postings: dict[str, str]
) -> None:
    hostile = [
        'rust" OR "python',
        "rust OR python",
        "NEAR(rust python)",
        "title:rust",
        "{search_title} : rust",
        "rust*",
        "^rust",
        "rust & !python",
        "rust | python",
        "'; DROP TABLE job_postings; --",
        "(((",
        '"""',
        "-rust",
        "%",
        "_",
        "rust\x00python",
        "\u0440\u0443\u0301\u0441\u0441\u043a\u0438\u0439 漢字 🦀",  # Cyrillic, a combining accent
        "a " * 60,
    ]
    for query in hostile:
        response = await client.get(JOBS, params={"search": query})
        assert response.status_code in (200, 422), (query, response.text)
        if response.status_code == 200:
            found = {item["id"] for item in response.json()["items"]}
            # Operators are words here: never an OR that finds both.
            assert not {postings["rust"], postings["python"]} <= found, query
    # The quoted and starred forms still find the word itself.
    assert (await _search(client, 'rust" OR "python')) == []
    assert (await _search(client, "rust*")) == [postings["rust"]]


async def test_the_job_list_page_ranks_the_same_way(
    client: AsyncClient, postings: dict[str, str]
) -> None:
    page = await client.get("/jobs", params={"search": "python"})
    assert page.status_code == 200
    text = page.text
    assert "2 jobs found" in text
    assert text.index("Python Developer") < text.index("Site Reliability Engineer")
    assert "Trust and Safety" not in (await client.get("/jobs", params={"search": "rust"})).text
