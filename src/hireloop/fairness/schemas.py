"""API shapes of self-identification and of the bias report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from hireloop.fairness.categories import RaceEthnicity, Sex, label


class SelfIdentificationUpdate(BaseModel):
    """Both answers, each of which may be ``decline_to_answer``."""

    model_config = ConfigDict(extra="forbid")

    sex: Sex = Field(description="male, female or decline_to_answer")
    race_ethnicity: RaceEthnicity = Field(
        description="an EEO-1 race/ethnicity category or decline_to_answer"
    )


class SelfIdentificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sex: Sex
    race_ethnicity: RaceEthnicity
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sex_label(self) -> str:
        return label(self.sex)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def race_ethnicity_label(self) -> str:
        return label(self.race_ethnicity)


Dimension = Literal["sex", "race_ethnicity", "intersectional"]
Metric = Literal["selection", "offer", "scoring"]
# ok: compared, at or above four fifths of the highest rate; below_four_fifths: compared
# and flagged; too_small: fewer people than the minimum, shown but not compared;
# not_compared: declined or not provided; no_data: nobody in the group.
MetricStatus = Literal["ok", "below_four_fifths", "too_small", "not_compared", "no_data"]


class MetricResult(BaseModel):
    count: int = Field(description="people in the group with this outcome")
    out_of: int = Field(description="people in the group this rate is taken over")
    rate: float | None = Field(description="count / out_of; null when out_of is 0")
    impact_ratio: float | None = Field(
        description="rate / the highest compared group's rate; null when not compared"
    )
    status: MetricStatus


class GroupRow(BaseModel):
    group: str = Field(description="category key(s), e.g. female or female+asian")
    label: str
    compared: bool = Field(description="false for decline to answer and not provided")
    applicants: int
    selection: MetricResult
    offer: MetricResult
    scoring: MetricResult


class DimensionReport(BaseModel):
    dimension: Dimension
    title: str
    groups: list[GroupRow]
    highest: dict[Metric, str | None] = Field(
        description="per metric, the compared group with the highest rate (the reference)"
    )


class JobRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    company: str


class BiasReport(BaseModel):
    job: JobRef | None = Field(description="the job reported on; null for all jobs")
    generated_at: datetime
    applicants: int = Field(description="applications counted (withdrawn ones are not)")
    min_group_size: int
    four_fifths: float = 0.8
    definitions: dict[str, str]
    dimensions: list[DimensionReport]
