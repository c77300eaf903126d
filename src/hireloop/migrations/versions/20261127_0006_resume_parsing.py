"""resumes: parsed data column, one active resume per candidate (issue 6)

Revision ID: 0006_resume_parsing
Revises: 0001_initial
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0006_resume_parsing"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_ACTIVE_INDEX = "uq_resumes_one_active_per_candidate"


def upgrade() -> None:
    # Plain ALTERs, not batch mode: rebuilding the table on SQLite (foreign keys on) would
    # null every interviews.resume_id through the ON DELETE SET NULL action.
    op.add_column("resumes", sa.Column("parsed", JSON_TYPE, nullable=True))
    # Keep only each candidate's newest active resume active, so the index can be built.
    op.execute(
        "UPDATE resumes SET is_active = false WHERE is_active AND EXISTS ("
        " SELECT 1 FROM resumes AS newer"
        " WHERE newer.candidate_id = resumes.candidate_id AND newer.is_active"
        " AND (newer.uploaded_at > resumes.uploaded_at"
        " OR (newer.uploaded_at = resumes.uploaded_at AND newer.id > resumes.id)))"
    )
    op.create_index(
        ONE_ACTIVE_INDEX,
        "resumes",
        ["candidate_id"],
        unique=True,
        sqlite_where=sa.text("is_active"),
        postgresql_where=sa.text("is_active"),
    )


def downgrade() -> None:
    op.drop_index(ONE_ACTIVE_INDEX, table_name="resumes")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE resumes DROP COLUMN parsed")  # native since SQLite 3.35
    else:
        op.drop_column("resumes", "parsed")
