"""the engine state as one versioned document: interview_sessions.state (issue 17)

The nine columns the engine's state was copied into field by field become one JSON
document, loaded and saved whole (``hireloop.engine.state.EngineState``), so a new
field can never be dropped for want of a column. Existing rows get a version 1 document:
the columns as they were, which the server upgrades in code when it loads them.
``last_activity_at`` stays a column: the idle sweep selects by it.

The downgrade writes the columns back, deriving what version 2 no longer stores
(``skills_explored``, ``skills_pending`` and ``cursor.skill_index``).

Revision ID: 0010_engine_state_document
Revises: 0009_word_search
Create Date: 2026-12-07
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_engine_state_document"
down_revision: str | None = "0009_word_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000
TABLE = "interview_sessions"

# JSON on SQLite, JSONB on PostgreSQL (as in hireloop.db.JSONType).
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_DIFFICULTIES = ("warmup", "standard", "advanced")
# Revision 0001's enum column: a string with a CHECK constraint named "difficulty".
_DIFFICULTY_CHECK = "ck_interview_sessions_difficulty"

# The columns of revision 0001, in their order.
_JSON_COLUMNS = (
    "skill_plan",
    "phase_history",
    "response_quality_history",
    "skills_explored",
    "skills_pending",
    "boundary_detections",
    "skill_levels",
    "cursor",
)
_OLD_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("current_difficulty_level", sa.String(length=32)),
    ("questions_asked_count", sa.Integer()),
    *((name, JSON_TYPE) for name in _JSON_COLUMNS),
)

_sessions = sa.table(
    TABLE,
    sa.column("id", sa.Uuid()),
    sa.column("state", JSON_TYPE),
    *(sa.column(name, type_) for name, type_ in _OLD_COLUMNS),
)


def _rewrite(columns: Sequence[str], values: Callable[[Any], dict[str, Any]]) -> None:
    """Set ``columns`` of every session row from the row, in batches (ordered by id)."""
    bind = op.get_bind()
    last: Any = None
    while True:
        query = sa.select(_sessions).order_by(_sessions.c.id).limit(BATCH)
        if last is not None:
            query = query.where(_sessions.c.id > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        bind.execute(
            _sessions.update()
            .where(_sessions.c.id == sa.bindparam("session_id"))
            .values({name: sa.bindparam(name) for name in columns}),
            [{"session_id": row.id, **values(row)} for row in rows],
        )
        last = rows[-1].id


def _document(row: Any) -> dict[str, Any]:
    """Version 1: the columns as they are."""
    return {"state": {"version": 1, **{name: getattr(row, name) for name, _ in _OLD_COLUMNS}}}


def _columns(row: Any) -> dict[str, Any]:
    document = dict(row.state)
    if document.get("version", 1) >= 2:
        # What version 2 derives (EngineState.skills_explored / skills_pending).
        levels = document.get("skill_levels") or {}
        answered = {skill_id for skill_id, skill in levels.items() if skill.get("answers")}
        history = document.get("response_quality_history") or []
        first_seen = dict.fromkeys(entry["skill_id"] for entry in history)
        document["skills_explored"] = [skill_id for skill_id in first_seen if skill_id in answered]
        document["skills_pending"] = [
            skill["id"] for skill in document.get("skill_plan") or [] if skill["id"] not in answered
        ]
        document["cursor"] = {"skill_index": 0, **(document.get("cursor") or {})}
    defaults: dict[str, Any] = {
        "current_difficulty_level": "warmup",
        "questions_asked_count": 0,
        "skill_levels": {},
        "cursor": {},
    }
    return {name: document.get(name, defaults.get(name, [])) for name, _ in _OLD_COLUMNS}


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("state", JSON_TYPE, nullable=True))
    _rewrite(["state"], _document)
    # Batch mode: SQLite rebuilds the table, without the CHECK on a dropped column.
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("state", existing_type=JSON_TYPE, nullable=False)
        batch.drop_constraint(op.f(_DIFFICULTY_CHECK), type_="check")
        for name, _ in reversed(_OLD_COLUMNS):
            batch.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        for name, type_ in _OLD_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    _rewrite([name for name, _ in _OLD_COLUMNS], _columns)
    with op.batch_alter_table(TABLE) as batch:
        for name, type_ in _OLD_COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=False)
        allowed = ", ".join(f"'{value}'" for value in _DIFFICULTIES)
        batch.create_check_constraint(
            op.f(_DIFFICULTY_CHECK), sa.text(f"current_difficulty_level IN ({allowed})")
        )
        batch.drop_column("state")
