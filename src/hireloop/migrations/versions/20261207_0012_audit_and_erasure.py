"""audit log and erasure: audit_entries, application_outcomes (issue 18, part b)

audit_entries is append-only (the app inserts and reads, nothing else); its actor and
person ids are deliberately not foreign keys, so entries outlive the accounts they name.
application_outcomes holds the anonymous outcome rows an erasure leaves for statistics.

Revision ID: 0012_audit_and_erasure
Revises: 0011_consent_and_oversight
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hireloop.db import JSONType, UTCDateTime

revision: str = "0012_audit_and_erasure"
down_revision: str | None = "0011_consent_and_oversight"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("details", JSONType, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at", "id"])
    op.create_index("ix_audit_entries_person_at", "audit_entries", ["person_id", "at"])
    op.create_index("ix_audit_entries_actor_at", "audit_entries", ["actor_id", "at"])
    op.create_index(op.f("ix_audit_entries_action"), "audit_entries", ["action"])
    op.create_table(
        "application_outcomes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_posting_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("overall_score", sa.Float(), nullable=True),
        sa.Column("recommendation", sa.String(length=20), nullable=True),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("last_changed_at", UTCDateTime(), nullable=False),
        sa.Column("erased_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_application_outcomes_job_posting_id_job_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_outcomes")),
    )
    op.create_index(
        op.f("ix_application_outcomes_job_posting_id"), "application_outcomes", ["job_posting_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_application_outcomes_job_posting_id"), table_name="application_outcomes")
    op.drop_table("application_outcomes")
    op.drop_index(op.f("ix_audit_entries_action"), table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_person_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_at", table_name="audit_entries")
    op.drop_table("audit_entries")
