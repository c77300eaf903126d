from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, Timestamps, UUIDPrimaryKey, enum_column
from hireloop.fairness.categories import RaceEthnicity, Sex


class SelfIdentification(UUIDPrimaryKey, Timestamps, Base):
    """A candidate's voluntary answers, one row per person, apart from every assessment
    table: no relationship leads here from an application, interview or result."""

    __tablename__ = "self_identifications"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    sex: Mapped[Sex] = enum_column(Sex)
    race_ethnicity: Mapped[RaceEthnicity] = enum_column(RaceEthnicity, length=40)
