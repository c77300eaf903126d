"""candidate notice consents, human review requests, who decided an application's status
(issue 18: notice & consent, human oversight)

Revision ID: 0011_consent_and_oversight
Revises: 0010_engine_state_document
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hireloop.db import UTCDateTime

revision: str = "0011_consent_and_oversight"
down_revision: str | None = "0010_engine_state_document"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("notice_version", sa.String(length=40), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "page",
                "api",
                "start",
                name="consentmethod",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consents_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        sa.UniqueConstraint("user_id", "notice_version", name="uq_consents_user_version"),
    )
    op.create_index(op.f("ix_consents_user_id"), "consents", ["user_id"], unique=False)
    op.create_table(
        "human_review_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
        sa.Column("handled_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_human_review_requests_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["users.id"],
            name=op.f("fk_human_review_requests_candidate_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by"],
            ["users.id"],
            name=op.f("fk_human_review_requests_handled_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_human_review_requests")),
        sa.UniqueConstraint("application_id", name=op.f("uq_human_review_requests_application_id")),
    )
    op.create_index(
        op.f("ix_human_review_requests_candidate_id"),
        "human_review_requests",
        ["candidate_id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        # A plain ALTER, not batch mode: rebuilding applications would fire the ON DELETE
        # actions of the tables that refer to it. SQLite accepts an inline REFERENCES on a
        # new column whose default is NULL.
        op.execute(
            "ALTER TABLE applications ADD COLUMN status_decided_by CHAR(32) "
            "REFERENCES users (id) ON DELETE SET NULL"
        )
        op.execute("ALTER TABLE applications ADD COLUMN status_decided_at DATETIME")
    else:
        op.add_column("applications", sa.Column("status_decided_by", sa.Uuid(), nullable=True))
        op.add_column("applications", sa.Column("status_decided_at", UTCDateTime(), nullable=True))
        op.create_foreign_key(
            op.f("fk_applications_status_decided_by_users"),
            "applications",
            "users",
            ["status_decided_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_human_review_requests_candidate_id"), table_name="human_review_requests")
    op.drop_table("human_review_requests")
    op.drop_index(op.f("ix_consents_user_id"), table_name="consents")
    op.drop_table("consents")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column that is part of a foreign key only by rebuilding the table,
        # and dropping the old applications table sets interviews.application_id to NULL
        # (ON DELETE SET NULL): keep the links aside and put them back.
        op.execute(
            "CREATE TEMP TABLE interview_links AS SELECT id, application_id FROM interviews "
            "WHERE application_id IS NOT NULL"
        )
        with op.batch_alter_table("applications") as batch_op:
            batch_op.drop_column("status_decided_at")
            batch_op.drop_column("status_decided_by")
        op.execute(
            "UPDATE interviews SET application_id = (SELECT l.application_id FROM "
            "interview_links AS l WHERE l.id = interviews.id) "
            "WHERE id IN (SELECT id FROM interview_links)"
        )
        op.execute("DROP TABLE interview_links")
    else:
        op.drop_constraint(
            op.f("fk_applications_status_decided_by_users"), "applications", type_="foreignkey"
        )
        op.drop_column("applications", "status_decided_at")
        op.drop_column("applications", "status_decided_by")
