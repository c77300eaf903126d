"""Demo job postings: loaded from seed_jobs.yaml, idempotent by (title, company)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.jobs.schemas import JobPostingCreate
from hireloop.jobs.service import refresh_search_words

SEED_FILE = Path(__file__).with_name("seed_jobs.yaml")


def load_seed_postings(path: Path = SEED_FILE) -> list[JobPostingCreate]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [JobPostingCreate.model_validate(item) for item in raw]


async def count_postings(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(JobPosting)) or 0


async def seed_postings(session: AsyncSession) -> tuple[int, int]:
    """Insert the demo postings that are not there yet. Returns (added, already_present)."""
    postings = load_seed_postings()
    keys = [(p.title, p.company) for p in postings]
    rows = await session.execute(
        select(JobPosting.title, JobPosting.company).where(
            tuple_(JobPosting.title, JobPosting.company).in_(keys)
        )
    )
    existing = {(title, company) for title, company in rows}
    added = 0
    for posting in postings:
        if (posting.title, posting.company) in existing:
            continue
        job = JobPosting(**posting.model_dump(), status=JobStatus.active)
        refresh_search_words(job)
        session.add(job)
        added += 1
    await session.flush()
    return added, len(postings) - added
