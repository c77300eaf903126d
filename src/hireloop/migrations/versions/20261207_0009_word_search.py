"""search by whole words and prefixes, ranked: job_postings.search_title/search_role and
a word index on both databases (issue 14)

Postings are indexed by the words ``hireloop.jobs.search_words`` computes (search_title,
search_role, search_text, filled here for existing postings). PostgreSQL: three generated
tsvector columns built from those words as they are (no parser, no stemming), each with a
GIN index; they replace the English-stemmed search_vector. SQLite: an FTS5 table over the
same three columns, kept in step by triggers and built here from the existing rows.

Revision ID: 0009_word_search
Revises: 0008_revocable_sessions
Create Date: 2026-12-07
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from hireloop.db import JSONType
from hireloop.jobs.search_words import posting_words

revision: str = "0009_word_search"
down_revision: str | None = "0008_revocable_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2_000

_postings = sa.table(
    "job_postings",
    sa.column("id", sa.Uuid()),
    sa.column("title", sa.String()),
    sa.column("company", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("tech_stack", sa.String()),
    sa.column("required_skills", JSONType),
    sa.column("search_title", sa.Text()),
    sa.column("search_role", sa.Text()),
    sa.column("search_text", sa.Text()),
)

# The words of a posting, kept as they are (array_to_tsvector skips the text parser, so
# "cplusplus", "nodejs" and "munchen" stay single words, exactly as on SQLite).
_WORDS_OF = "array_to_tsvector(array_remove(string_to_array({column}, ' '), ''))"
_VECTORS = {
    "title_vector": ("search_title", "ix_job_postings_title_search"),
    "role_vector": ("search_role", "ix_job_postings_role_search"),
    "search_vector": ("search_text", "ix_job_postings_search"),
}

_FTS = "job_postings_search"
_FTS_COLUMNS = "search_title, search_role, search_text"
_SQLITE_INDEX = [
    # External content: the words stay in job_postings, FTS5 keeps only its index.
    # detail=column: no word positions (no phrase queries), which keeps the index small.
    f"CREATE VIRTUAL TABLE {_FTS} USING fts5({_FTS_COLUMNS}, content='job_postings', "
    "tokenize='unicode61 remove_diacritics 0', prefix='2 3', detail='column')",
    f"""CREATE TRIGGER {_FTS}_insert AFTER INSERT ON job_postings BEGIN
        INSERT INTO {_FTS}(rowid, {_FTS_COLUMNS})
        VALUES (new.rowid, new.search_title, new.search_role, new.search_text);
    END""",
    f"""CREATE TRIGGER {_FTS}_delete AFTER DELETE ON job_postings BEGIN
        INSERT INTO {_FTS}({_FTS}, rowid, {_FTS_COLUMNS})
        VALUES ('delete', old.rowid, old.search_title, old.search_role, old.search_text);
    END""",
    f"""CREATE TRIGGER {_FTS}_update AFTER UPDATE OF {_FTS_COLUMNS} ON job_postings BEGIN
        INSERT INTO {_FTS}({_FTS}, rowid, {_FTS_COLUMNS})
        VALUES ('delete', old.rowid, old.search_title, old.search_role, old.search_text);
        INSERT INTO {_FTS}(rowid, {_FTS_COLUMNS})
        VALUES (new.rowid, new.search_title, new.search_role, new.search_text);
    END""",
    f"INSERT INTO {_FTS}({_FTS}) VALUES ('rebuild')",
]


def _rewrite(values: Callable[[Any], dict[str, str]]) -> None:
    """Set columns of every posting from its text, in batches (ordered by id)."""
    bind = op.get_bind()
    last: Any = None
    while True:
        query = sa.select(_postings).order_by(_postings.c.id).limit(BATCH)
        if last is not None:
            query = query.where(_postings.c.id > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        changes = [{"posting_id": row.id, **values(row)} for row in rows]
        names = [name for name in changes[0] if name != "posting_id"]
        bind.execute(
            _postings.update()
            .where(_postings.c.id == sa.bindparam("posting_id"))
            .values({name: sa.bindparam(name) for name in names}),
            changes,
        )
        last = rows[-1].id


def _new_words(row: Any) -> dict[str, str]:
    words = posting_words(
        row.title, row.company, row.description, list(row.required_skills or []), row.tech_stack
    )
    return {"search_title": words.title, "search_role": words.role, "search_text": words.text}


def _old_search_text(row: Any) -> dict[str, str]:
    """search_text as revision 0001 to 0008 wrote it: the lower-cased text itself."""
    skills = " ".join(row.required_skills or [])
    parts = [row.title, row.company, row.tech_stack or "", skills, row.description]
    return {"search_text": " ".join(" ".join(parts).lower().split())}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX ix_job_postings_search")
        op.execute("ALTER TABLE job_postings DROP COLUMN search_vector")
    # Plain ALTERs with a constant default, not batch mode: a rebuild of job_postings on
    # SQLite would fire the ON DELETE actions of the tables that refer to it.
    for name in ("search_title", "search_role"):
        op.add_column("job_postings", sa.Column(name, sa.Text(), nullable=False, server_default=""))
    _rewrite(_new_words)  # before the index exists, so it is built once
    if postgres:
        generated = ", ".join(
            f"ADD COLUMN {vector} tsvector "
            f"GENERATED ALWAYS AS ({_WORDS_OF.format(column=column)}) STORED"
            for vector, (column, _) in _VECTORS.items()
        )
        op.execute(f"ALTER TABLE job_postings {generated}")
        for vector, (_, index) in _VECTORS.items():
            op.execute(f"CREATE INDEX {index} ON job_postings USING gin ({vector})")
    else:
        for statement in _SQLITE_INDEX:
            op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for vector, (_, index) in _VECTORS.items():
            op.execute(f"DROP INDEX {index}")
            op.execute(f"ALTER TABLE job_postings DROP COLUMN {vector}")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {_FTS}_{trigger}")
        op.execute(f"DROP TABLE {_FTS}")
    _rewrite(_old_search_text)
    for name in ("search_role", "search_title"):
        if postgres:
            op.drop_column("job_postings", name)
        else:
            op.execute(f"ALTER TABLE job_postings DROP COLUMN {name}")  # native since 3.35
    if postgres:
        op.execute(
            "ALTER TABLE job_postings ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_job_postings_search ON job_postings USING gin (search_vector)")
