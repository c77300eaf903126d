"""The categories a candidate may choose, as New York City's Local Law 144 bias audits use
them (the EEO-1 component 1 categories), each with "decline to answer"."""

from __future__ import annotations

from enum import StrEnum

DECLINE = "decline_to_answer"


class Sex(StrEnum):
    male = "male"
    female = "female"
    decline_to_answer = DECLINE


class RaceEthnicity(StrEnum):
    hispanic_or_latino = "hispanic_or_latino"
    white = "white"
    black_or_african_american = "black_or_african_american"
    native_hawaiian_or_pacific_islander = "native_hawaiian_or_pacific_islander"
    asian = "asian"
    native_american_or_alaska_native = "native_american_or_alaska_native"
    two_or_more_races = "two_or_more_races"
    decline_to_answer = DECLINE


LABELS: dict[str, str] = {
    Sex.male: "Male",
    Sex.female: "Female",
    RaceEthnicity.hispanic_or_latino: "Hispanic or Latino",
    RaceEthnicity.white: "White",
    RaceEthnicity.black_or_african_american: "Black or African American",
    RaceEthnicity.native_hawaiian_or_pacific_islander: "Native Hawaiian or Pacific Islander",
    RaceEthnicity.asian: "Asian",
    RaceEthnicity.native_american_or_alaska_native: "Native American or Alaska Native",
    RaceEthnicity.two_or_more_races: "Two or More Races",
    DECLINE: "Decline to answer",
}

# The answers that name a group (compared with each other in the report).
SEXES: tuple[Sex, ...] = tuple(s for s in Sex if s.value != DECLINE)
RACES: tuple[RaceEthnicity, ...] = tuple(r for r in RaceEthnicity if r.value != DECLINE)


def label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " ").capitalize())
