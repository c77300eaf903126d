"""results of the claims-based judge: coverage, confidence, review reasons, who produced
what; interviews: whether every model reply reported its token usage

Results made before this migration keep what they stored; their new columns stay empty
(null), and the pages show them as they were.

Revision ID: 0007_results_coverage
Revises: 0006_resume_parsing
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0007_results_coverage"
down_revision: str | None = "0006_resume_parsing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("coverage", "confidence", "review_reasons", "evaluator_version", "produced_by")


def upgrade() -> None:
    # Plain ALTERs, not batch mode: no table rebuild on SQLite (see 0006).
    op.add_column("assessment_results", sa.Column("coverage", JSON_TYPE, nullable=True))
    op.add_column("assessment_results", sa.Column("confidence", sa.String(10), nullable=True))
    op.add_column("assessment_results", sa.Column("review_reasons", JSON_TYPE, nullable=True))
    op.add_column(
        "assessment_results", sa.Column("evaluator_version", sa.String(40), nullable=True)
    )
    op.add_column("assessment_results", sa.Column("produced_by", JSON_TYPE, nullable=True))
    op.add_column("interviews", sa.Column("ai_usage_known", sa.Boolean(), nullable=True))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in [("interviews", "ai_usage_known")] + [
        ("assessment_results", column) for column in reversed(COLUMNS)
    ]:
        if sqlite:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # native since 3.35
        else:
            op.drop_column(table, column)
