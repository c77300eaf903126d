"""Synthetic job postings in bulk, for load tests and the listing benchmark.

``hireloop seed --synthetic N`` writes N plausible postings in batches with a progress
bar; values are drawn from small vocabularies with a fixed seed, so runs are repeatable.
"""

from __future__ import annotations

import random
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.db import utcnow
from hireloop.jobs.models import (
    EmploymentType,
    ExperienceLevel,
    JobPosting,
    JobStatus,
    RoleCategory,
    WorkSetup,
)
from hireloop.jobs.search_words import posting_words

BATCH_SIZE = 2_000

# Per category: (title, tech stack, required skills).
_STACKS: dict[RoleCategory, list[tuple[str, str | None, list[str]]]] = {
    RoleCategory.engineering: [
        ("Backend Engineer", "Python, Django, PostgreSQL", ["Python", "Django", "PostgreSQL"]),
        ("Frontend Engineer", "React, TypeScript", ["React", "TypeScript", "Accessibility"]),
        ("Go Developer", "Go, Kubernetes", ["Go", "Kubernetes", "gRPC"]),
        ("Java Engineer", "Java, Spring Boot", ["Java", "Spring", "Kafka"]),
        ("Rust Engineer", "Rust, Tokio", ["Rust", "Concurrency", "Linux"]),
        (".NET Developer", "C#, ASP.NET Core", ["C#", "ASP.NET Core", "SQL"]),
        ("Node.js Engineer", "Node.js, Express", ["Node.js", "REST APIs", "MongoDB"]),
        ("Mobile Engineer", "Kotlin, Swift", ["Android", "iOS", "Mobile UI"]),
    ],
    RoleCategory.data: [("Data Engineer", "Spark, Airflow, SQL", ["Spark", "Airflow", "SQL"])],
    RoleCategory.devops: [("Platform Engineer", "Terraform, AWS", ["Terraform", "AWS", "CI/CD"])],
    RoleCategory.quality_assurance: [
        ("QA Automation Engineer", "Playwright, TypeScript", ["Test automation", "API testing"])
    ],
    RoleCategory.design: [("Product Designer", None, ["User research", "Figma"])],
    RoleCategory.product: [("Product Manager", None, ["Prioritization", "Product metrics"])],
    RoleCategory.sales: [("Account Executive", None, ["Negotiation", "CRM", "Prospecting"])],
    RoleCategory.support: [("Support Specialist", None, ["Troubleshooting", "De-escalation"])],
    RoleCategory.operations: [("Operations Manager", None, ["Process improvement"])],
    RoleCategory.management: [("Engineering Manager", None, ["People leadership", "Hiring"])],
    RoleCategory.other: [("Technical Writer", None, ["Technical writing"])],
}
_COMPANIES = [
    f"{a} {b}"
    for a in (
        "Blue",
        "North",
        "Bright",
        "Quantum",
        "Green",
        "Silver",
        "Atlas",
        "Nova",
        "Delta",
        "Orbit",
    )
    for b in (
        "Labs",
        "Systems",
        "Analytics",
        "Health",
        "Logistics",
        "Media",
        "Robotics",
        "Finance",
        "Energy",
        "Retail",
    )
]
_LOCATIONS = [
    "Berlin, Germany",
    "London, UK",
    "Remote (EU)",
    "Austin, TX, USA",
    "Toronto, Canada",
    "Bangalore, India",
    "Sydney, Australia",
    "Amsterdam, Netherlands",
    "Remote (US)",
    "Singapore",
]


def _posting(rng: random.Random, index: int, now: Any) -> dict[str, Any]:
    category = rng.choice(list(_STACKS))
    title, stack, skills = rng.choice(_STACKS[category])
    level = rng.choice(list(ExperienceLevel))
    company = rng.choice(_COMPANIES)
    description = (
        f"{company} is hiring a {level.value} {title.lower()} to join a growing team. "
        f"You will work with {', '.join(skills)} on products used by thousands of customers, "
        "own features end to end and help shape how we build. Posting #{index}."
    ).replace("{index}", str(index))
    salary_min = rng.randrange(30, 150) * 1000
    row = {
        "id": uuid.uuid4(),
        "title": f"{level.value.title()} {title}",
        "company": company,
        "description": description,
        "role_category": category,
        "tech_stack": stack,
        "required_skills": skills,
        "experience_level": level,
        "employment_type": rng.choice(list(EmploymentType)),
        "work_setup": rng.choice(list(WorkSetup)),
        "location": rng.choice(_LOCATIONS),
        "salary_min": salary_min,
        "salary_max": salary_min + rng.randrange(10, 60) * 1000,
        "salary_currency": "USD",
        "status": JobStatus.active if rng.random() < 0.9 else JobStatus.closed,
        "owner_id": None,
        "created_at": now - timedelta(seconds=rng.randrange(0, 365 * 24 * 3600)),
    }
    row["updated_at"] = row["created_at"]
    words = posting_words(row["title"], company, description, skills, stack)
    row.update(search_title=words.title, search_role=words.role, search_text=words.text)
    return row


def print_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "-" * (width - filled)
    print(f"\rSynthetic postings [{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr)


async def seed_synthetic(
    session: AsyncSession,
    count: int,
    *,
    seed: int = 1,
    progress: Callable[[int, int], None] = print_progress,
) -> int:
    """Insert ``count`` synthetic postings, committing each batch."""
    rng = random.Random(seed)
    now = utcnow()
    done = 0
    while done < count:
        size = min(BATCH_SIZE, count - done)
        rows = [_posting(rng, done + i, now) for i in range(size)]
        await session.execute(insert(JobPosting), rows)
        await session.commit()
        done += size
        progress(done, count)
    return done
