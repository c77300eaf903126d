"""voluntary self-identification for the bias report: self_identifications (issue 18)

One row per candidate who answered (sex, race/ethnicity, each possibly "decline to
answer"), kept apart from every assessment table and deleted with the user.

Revision ID: 0013_self_identification
Revises: 0012_audit_and_erasure
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hireloop.db import UTCDateTime

revision: str = "0013_self_identification"
down_revision: str | None = "0012_audit_and_erasure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEXES = ("male", "female", "decline_to_answer")
RACES = (
    "hispanic_or_latino",
    "white",
    "black_or_african_american",
    "native_hawaiian_or_pacific_islander",
    "asian",
    "native_american_or_alaska_native",
    "two_or_more_races",
    "decline_to_answer",
)


def _enum(values: tuple[str, ...], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    op.create_table(
        "self_identifications",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("sex", _enum(SEXES, "sex", 32), nullable=False),
        sa.Column("race_ethnicity", _enum(RACES, "raceethnicity", 40), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_self_identifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_identifications")),
        sa.UniqueConstraint("user_id", name=op.f("uq_self_identifications_user_id")),
    )


def downgrade() -> None:
    op.drop_table("self_identifications")
