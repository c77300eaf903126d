"""voice interviews: voice_answers, interviews.answer_mode, job_postings.voice_allowed (issue 16)

A recorded answer's transcript (and its audio file while kept), the mode an interview is
answered in, and whether a job takes voice answers.

Revision ID: 0016_voice
Revises: 0015_invitations
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hireloop.db import UTCDateTime

revision: str = "0016_voice"
down_revision: str | None = "0015_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "voice_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("question_message_id", sa.Uuid(), nullable=False),
        sa.Column("answer_message_id", sa.Uuid(), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("storage_key", sa.String(length=100), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("keep_until", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_voice_answers_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_answers")),
    )
    op.create_index(
        op.f("ix_voice_answers_interview_id"), "voice_answers", ["interview_id"], unique=False
    )
    op.create_index(
        op.f("ix_voice_answers_keep_until"), "voice_answers", ["keep_until"], unique=False
    )
    # Plain ADD COLUMN, never a batch copy: copying job_postings on SQLite would drop its
    # full-text search triggers. SQLite cannot add a CHECK constraint to a table in place.
    op.add_column(
        "interviews",
        sa.Column("answer_mode", sa.String(length=10), nullable=False, server_default="text"),
    )
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            op.f("ck_interviews_answermode"), "interviews", "answer_mode IN ('text', 'voice')"
        )
    op.add_column(
        "job_postings",
        sa.Column("voice_allowed", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("job_postings", "voice_allowed")
    op.drop_column("interviews", "answer_mode")  # its CHECK constraint goes with it
    op.drop_index(op.f("ix_voice_answers_keep_until"), table_name="voice_answers")
    op.drop_index(op.f("ix_voice_answers_interview_id"), table_name="voice_answers")
    op.drop_table("voice_answers")
