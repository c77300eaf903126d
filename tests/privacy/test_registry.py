"""Every table that holds rows of a person is in the export registry (or says why not):
a table added later without its one registry line fails here."""

from __future__ import annotations

from hireloop import models  # noqa: F401  (every table in Base.metadata)
from hireloop.db import Base
from hireloop.privacy.registry import NOT_PERSONAL, SOURCES, STAFF_REFERENCES

PERSON_TABLES = {"users", "applications", "interviews", "resumes"}


def test_every_table_about_a_person_is_registered() -> None:
    registered = {source.model.__table__.name for source in SOURCES}
    referring = {
        table.name
        for table in Base.metadata.sorted_tables
        if any(fk.column.table.name in PERSON_TABLES for fk in table.foreign_keys)
    } | {"users"}
    missing = referring - registered - set(NOT_PERSONAL)
    assert not missing, f"add a PersonalData line for {sorted(missing)} (privacy/registry.py)"
    assert len({source.name for source in SOURCES}) == len(SOURCES)


def test_every_person_table_is_erased_by_cascade() -> None:
    """Erasure deletes the user row and relies on ON DELETE CASCADE for the rest."""
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_PERSONAL:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name in {"users", "applications", "interviews"}:
                assert fk.ondelete in ("CASCADE", "SET NULL"), (table.name, fk.parent.name)
                if fk.column.table.name == "users":
                    expected = (
                        "SET NULL"
                        if (table.name, fk.parent.name) in STAFF_REFERENCES
                        else "CASCADE"
                    )
                    assert fk.ondelete == expected, (table.name, fk.parent.name)
