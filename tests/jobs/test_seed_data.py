"""The demo postings that `hireloop seed` loads cover what the spec promises (no database)."""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from typing import Any

import pytest
import yaml

from hireloop.jobs.models import EmploymentType, ExperienceLevel, RoleCategory, WorkSetup
from hireloop.jobs.schemas import JobPostingCreate
from hireloop.jobs.seed import SEED_FILE, load_seed_postings

Posting = dict[str, Any]

# Every posting has exactly the fields of the API's create schema.
# Every field a recruiter fills in; whether voice answers are taken is left at its default.
KEYS = set(JobPostingCreate.model_fields) - {"voice_allowed"}

# First technology of a tech stack -> the stack family demo data should show off.
STACK_FAMILIES = {
    "react": "react",
    "typescript": "typescript",
    "javascript": "javascript/vue",
    "vue": "javascript/vue",
    "vue.js": "javascript/vue",
    "node.js": "node.js",
    "python": "python",
    "go": "go",
    "rust": "rust",
    "java": "java",
    "c#": "c#/.net",
    ".net": "c#/.net",
    "php": "php/laravel",
    "laravel": "php/laravel",
    "ruby": "ruby/rails",
    "rails": "ruby/rails",
    "kotlin": "mobile",
    "swift": "mobile",
    "spark": "data",
    "sql": "data",
    "terraform": "devops",
    "kubernetes": "devops",
    "selenium": "qa",
    "playwright": "qa",
}
MIN_STACK_FAMILIES = 14


@pytest.fixture(scope="module")
def postings() -> list[Posting]:
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_at_least_thirty_postings_all_valid_for_the_api(postings: list[Posting]) -> None:
    assert len(postings) >= 30
    assert len(load_seed_postings()) == len(postings)


@pytest.mark.parametrize(
    ("field", "values", "minimum"),
    [
        ("role_category", RoleCategory, 2),
        ("experience_level", ExperienceLevel, 3),
        ("work_setup", WorkSetup, 5),
        ("employment_type", EmploymentType, 4),
    ],
)
def test_every_enum_value_is_valid_and_covered(
    postings: list[Posting], field: str, values: type[StrEnum], minimum: int
) -> None:
    counts = Counter(p[field] for p in postings)
    assert set(counts) <= {v.value for v in values}
    assert {v.value: counts[v.value] for v in values if counts[v.value] < minimum} == {}


def test_each_posting_is_complete_and_plausible(postings: list[Posting]) -> None:
    for p in postings:
        name = f"{p['title']} @ {p['company']}"
        assert set(p) == KEYS, name
        assert len(p["description"].split()) >= 100, name
        assert 3 <= len(p["required_skills"]) <= 6, name
        assert re.fullmatch(r"[A-Z]{3}", p["salary_currency"]), name
        assert (p["salary_min"] is None) == (p["salary_max"] is None), name
        if p["salary_min"] is not None:
            assert 0 < p["salary_min"] <= p["salary_max"], name


def test_title_and_company_pairs_are_unique(postings: list[Posting]) -> None:
    pairs = Counter((p["title"], p["company"]) for p in postings)
    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_tech_stacks_cover_the_main_families(postings: list[Posting]) -> None:
    first_techs = [
        p["tech_stack"].split(",")[0].strip().lower() for p in postings if p["tech_stack"]
    ]
    families = {STACK_FAMILIES[t] for t in first_techs if t in STACK_FAMILIES}
    assert len(families) >= MIN_STACK_FAMILIES, sorted(families)
