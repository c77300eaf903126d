"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from hireloop.db import UTCDateTime

# JSON on SQLite, JSONB on PostgreSQL (as in hireloop.db.JSONType).
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "candidate",
                "recruiter",
                "admin",
                name="userrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "inactive",
                "deleted",
                name="userstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "job_postings",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "role_category",
            sa.Enum(
                "engineering",
                "quality_assurance",
                "data",
                "devops",
                "design",
                "product",
                "sales",
                "support",
                "operations",
                "management",
                "other",
                name="rolecategory",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("tech_stack", sa.String(length=300), nullable=True),
        sa.Column("required_skills", JSON_TYPE, nullable=False),
        sa.Column(
            "experience_level",
            sa.Enum(
                "junior",
                "mid",
                "senior",
                "lead",
                "principal",
                name="experiencelevel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "employment_type",
            sa.Enum(
                "permanent",
                "contract",
                "part_time",
                name="employmenttype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "work_setup",
            sa.Enum(
                "remote",
                "hybrid",
                "onsite",
                name="worksetup",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("salary_min", sa.Integer(), nullable=True),
        sa.Column("salary_max", sa.Integer(), nullable=True),
        sa.Column("salary_currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "paused",
                "closed",
                name="jobstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_job_postings_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_postings")),
    )
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_postings_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            "ix_job_postings_status_category_created",
            ["status", "role_category", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_job_postings_status_created", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_job_postings_status_level_created",
            ["status", "experience_level", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_job_postings_status_setup_created",
            ["status", "work_setup", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_job_postings_status_type_created",
            ["status", "employment_type", "created_at"],
            unique=False,
        )

    op.create_table(
        "resumes",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("skills", JSON_TYPE, nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["users.id"],
            name=op.f("fk_resumes_candidate_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resumes")),
    )
    with op.batch_alter_table("resumes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resumes_candidate_id"), ["candidate_id"], unique=False)

    op.create_table(
        "applications",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("job_posting_id", sa.Uuid(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "interview_scheduled",
                "interview_in_progress",
                "interview_completed",
                "under_review",
                "rejected",
                "offered",
                "withdrawn",
                name="applicationstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["users.id"],
            name=op.f("fk_applications_candidate_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_applications_job_posting_id_job_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("candidate_id", "job_posting_id", name="uq_applications_candidate_job"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_applications_job_posting_id"), ["job_posting_id"], unique=False
        )

    op.create_table(
        "interviews",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("job_posting_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("resume_id", sa.Uuid(), nullable=True),
        sa.Column("role_type", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "in_progress",
                "completed",
                "abandoned",
                name="interviewstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("ai_provider", sa.String(length=40), nullable=False),
        sa.Column("ai_model_used", sa.String(length=100), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("total_tokens_used", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_interviews_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["users.id"],
            name=op.f("fk_interviews_candidate_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_interviews_job_posting_id_job_postings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resume_id"],
            ["resumes.id"],
            name=op.f("fk_interviews_resume_id_resumes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("application_id", name=op.f("uq_interviews_application_id")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interviews_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interviews_job_posting_id"), ["job_posting_id"], unique=False
        )

    op.create_table(
        "assessment_results",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("overall_score", sa.Float(), nullable=False),
        sa.Column("skill_results", JSON_TYPE, nullable=False),
        sa.Column("strengths", JSON_TYPE, nullable=False),
        sa.Column("growth_areas", JSON_TYPE, nullable=False),
        sa.Column("insufficient_evidence", JSON_TYPE, nullable=False),
        sa.Column("recommendation", sa.String(length=20), nullable=False),
        sa.Column("integrity_flags", JSON_TYPE, nullable=False),
        sa.Column("generated_at", UTCDateTime(), nullable=False),
        sa.Column("engine", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_assessment_results_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint("interview_id", name=op.f("uq_assessment_results_interview_id")),
    )
    # The applications <-> interviews cycle: this FK can only exist once both tables do.
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_applications_interview_id_interviews"),
            "interviews",
            ["interview_id"],
            ["id"],
            ondelete="SET NULL",
        )
    if op.get_bind().dialect.name == "postgresql":
        # Full-text search over title, company, description and skills.
        # A stored tsvector: the GIN index finds rare words, and for common words the
        # planner can walk the newest-first index and test each row cheaply.
        op.execute(
            "ALTER TABLE job_postings ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_job_postings_search ON job_postings USING gin (search_vector)")
        # Substring filters (tech_stack, location) use trigram indexes; they also give the
        # planner real row estimates, which the listing's estimated totals rely on.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("tech_stack", "location"):
            op.execute(
                f"CREATE INDEX ix_job_postings_{column}_trgm ON job_postings "
                f"USING gin (lower({column}) gin_trgm_ops)"
            )

    op.create_table(
        "interview_messages",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("sequence_number", sa.Integer(), nullable=False),
        sa.Column(
            "message_type",
            sa.Enum(
                "ai_question",
                "candidate_response",
                "ai_closing",
                name="messagetype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("metadata", JSON_TYPE, nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_messages_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_messages")),
        sa.UniqueConstraint(
            "interview_id", "idempotency_key", name="uq_interview_messages_idempotency"
        ),
        sa.UniqueConstraint("interview_id", "sequence_number", name="uq_interview_messages_seq"),
    )
    op.create_table(
        "interview_sessions",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column(
            "current_difficulty_level",
            sa.Enum(
                "warmup",
                "standard",
                "advanced",
                name="difficulty",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("questions_asked_count", sa.Integer(), nullable=False),
        sa.Column("skill_plan", JSON_TYPE, nullable=False),
        sa.Column("phase_history", JSON_TYPE, nullable=False),
        sa.Column("response_quality_history", JSON_TYPE, nullable=False),
        sa.Column("skills_explored", JSON_TYPE, nullable=False),
        sa.Column("skills_pending", JSON_TYPE, nullable=False),
        sa.Column("boundary_detections", JSON_TYPE, nullable=False),
        sa.Column("skill_levels", JSON_TYPE, nullable=False),
        sa.Column("cursor", JSON_TYPE, nullable=False),
        sa.Column("last_activity_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_sessions_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_sessions")),
        sa.UniqueConstraint("interview_id", name=op.f("uq_interview_sessions_interview_id")),
    )


def downgrade() -> None:
    op.drop_table("interview_sessions")
    op.drop_table("interview_messages")
    op.drop_table("assessment_results")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_applications_interview_id_interviews"), type_="foreignkey"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_job_postings_search")
        op.execute("DROP INDEX ix_job_postings_tech_stack_trgm")
        op.execute("DROP INDEX ix_job_postings_location_trgm")
        # pg_trgm stays installed: other objects in the database may use it.
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviews_job_posting_id"))
        batch_op.drop_index(batch_op.f("ix_interviews_candidate_id"))

    op.drop_table("interviews")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_job_posting_id"))
        batch_op.drop_index(batch_op.f("ix_applications_candidate_id"))

    op.drop_table("applications")
    with op.batch_alter_table("resumes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resumes_candidate_id"))

    op.drop_table("resumes")
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_job_postings_status_type_created")
        batch_op.drop_index("ix_job_postings_status_setup_created")
        batch_op.drop_index("ix_job_postings_status_level_created")
        batch_op.drop_index("ix_job_postings_status_created")
        batch_op.drop_index("ix_job_postings_status_category_created")
        batch_op.drop_index(batch_op.f("ix_job_postings_owner_id"))

    op.drop_table("job_postings")
    op.drop_table("users")
