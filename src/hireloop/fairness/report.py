"""The adverse-impact report: selection, offer and scoring rates per group, impact ratios
against the highest group, and four-fifths-rule flags (as NYC Local Law 144 audits do).

Definitions (also returned with every report, so a reader never has to guess):

- **Applicants**: applications to the job (or to every job, for the overall report),
  except withdrawn ones. A person who applied to three jobs counts three times overall.
- **Selection rate**: the share of applicants whose application is now ``under_review`` or
  ``offered``: moved past screening by a recruiter. It reads the current status, so an
  applicant reviewed and then rejected counts as not selected.
- **Offer rate**: the share of applicants whose application is ``offered``.
- **Scoring rate**: of the applicants with an assessment result, the share whose
  recommendation is favourable: ``yes`` or ``strong_yes`` (the upper half of the engine's
  scale strong_yes > yes > lean_no > no). ``needs_review`` (too little evidence to judge)
  counts as not favourable, so a group sent to review more often shows up here.
- **Impact ratio**: a group's rate divided by the highest rate among compared groups.
  Below 0.8 is flagged (the four-fifths rule).
- **Too small**: a group with fewer people than ``HIRELOOP_BIAS_REPORT_MIN_GROUP_SIZE``
  behind a rate (default 5) is shown with its counts but given no ratio or flag and is
  never the reference group: a rate over so few people says nothing.
- **Not compared**: "decline to answer" and "not provided" (no answers on file) are counted
  and shown on rows of their own, never compared. In the intersectional table a person
  counts as not stated when either answer is missing or declined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hireloop.applications.models import ApplicationStatus
from hireloop.fairness.categories import DECLINE, RACES, SEXES, label
from hireloop.fairness.schemas import (
    DimensionReport,
    GroupRow,
    Metric,
    MetricResult,
    MetricStatus,
)

FOUR_FIFTHS = Fraction(4, 5)
SELECTED = frozenset({ApplicationStatus.under_review, ApplicationStatus.offered})
FAVOURABLE = frozenset({"strong_yes", "yes"})
NOT_PROVIDED = "not_provided"
NOT_STATED = "not_stated"
METRICS: tuple[Metric, ...] = ("selection", "offer", "scoring")
DEFINITIONS = {
    "applicants": "Applications to the job (all jobs for the overall report), withdrawn ones "
    "excluded; a person who applied to several jobs counts once per job.",
    "selection": "Share of applicants whose application is now under review or offered "
    "(advanced past screening by a recruiter).",
    "offer": "Share of applicants whose application is offered.",
    "scoring": "Share of applicants with an assessment result whose recommendation is "
    "yes or strong yes; needs review counts as not favourable.",
    "impact_ratio": "Group rate divided by the highest rate among compared groups; below "
    "0.8 is flagged (four-fifths rule).",
    "too_small": "Groups with fewer people behind a rate than the minimum group size get no "
    "ratio and are never the reference group.",
    "not_compared": "Decline to answer and not provided are counted on their own rows and "
    "never compared. Intersectional: not stated when either answer is missing or declined.",
}


@dataclass(frozen=True)
class Applicant:
    """One application as the report sees it: outcome, recommendation, and the answers."""

    status: ApplicationStatus
    recommendation: str | None
    sex: str | None
    race_ethnicity: str | None


@dataclass(frozen=True)
class _Group:
    key: str
    label: str
    compared: bool
    members: list[Applicant]


def _counts(metric: Metric, members: Sequence[Applicant]) -> tuple[int, int]:
    if metric == "selection":
        return sum(a.status in SELECTED for a in members), len(members)
    if metric == "offer":
        return sum(a.status is ApplicationStatus.offered for a in members), len(members)
    assessed = [a for a in members if a.recommendation is not None]
    return sum(a.recommendation in FAVOURABLE for a in assessed), len(assessed)


def _answer_key(value: str | None) -> str:
    return NOT_PROVIDED if value is None else value


def _single(
    applicants: Sequence[Applicant],
    categories: Iterable[str],
    answer: Callable[[Applicant], str | None],
) -> list[_Group]:
    groups = [_Group(c, label(c), True, []) for c in categories]
    groups += [
        _Group(DECLINE, label(DECLINE), False, []),
        _Group(NOT_PROVIDED, "Not provided", False, []),
    ]
    by_key = {g.key: g for g in groups}
    for applicant in applicants:
        by_key[_answer_key(answer(applicant))].members.append(applicant)
    return groups


def _intersectional(applicants: Sequence[Applicant]) -> list[_Group]:
    groups = [
        _Group(f"{sex}+{race}", f"{label(sex)} · {label(race)}", True, [])
        for sex in SEXES
        for race in RACES
    ]
    by_key = {g.key: g for g in groups}
    rest = _Group(NOT_STATED, "Not stated (either answer declined or not provided)", False, [])
    for applicant in applicants:
        by_key.get(f"{applicant.sex}+{applicant.race_ethnicity}", rest).members.append(applicant)
    return [*groups, rest]


def _metric_results(
    groups: Sequence[_Group], metric: Metric, min_size: int
) -> tuple[list[MetricResult], str | None]:
    counts = [_counts(metric, g.members) for g in groups]
    eligible = [
        (Fraction(count, out_of), group.key)
        for group, (count, out_of) in zip(groups, counts, strict=True)
        if group.compared and out_of >= min_size and out_of > 0
    ]
    # The first of equal rates, in the categories' order, is the reference.
    highest_rate, highest_key = max(eligible, key=lambda pair: pair[0], default=(None, None))
    results: list[MetricResult] = []
    for group, (count, out_of) in zip(groups, counts, strict=True):
        rate = Fraction(count, out_of) if out_of else None
        ratio: Fraction | None = None
        status: MetricStatus
        if not group.compared:
            status = "not_compared"
        elif out_of == 0:
            status = "no_data"
        elif out_of < min_size:
            status = "too_small"
        else:
            if rate is not None and highest_rate:  # no ratio when every rate is 0
                ratio = rate / highest_rate
            status = "below_four_fifths" if ratio is not None and ratio < FOUR_FIFTHS else "ok"
        results.append(
            MetricResult(
                count=count,
                out_of=out_of,
                rate=round(float(rate), 4) if rate is not None else None,
                impact_ratio=round(float(ratio), 4) if ratio is not None else None,
                status=status,
            )
        )
    return results, highest_key if highest_rate else None


def _dimension(
    dimension: str, title: str, groups: Sequence[_Group], min_size: int
) -> DimensionReport:
    per_metric = {m: _metric_results(groups, m, min_size) for m in METRICS}
    rows = [
        GroupRow(
            group=group.key,
            label=group.label,
            compared=group.compared,
            applicants=len(group.members),
            selection=per_metric["selection"][0][index],
            offer=per_metric["offer"][0][index],
            scoring=per_metric["scoring"][0][index],
        )
        for index, group in enumerate(groups)
    ]
    return DimensionReport.model_validate(
        {
            "dimension": dimension,
            "title": title,
            "groups": rows,
            "highest": {m: per_metric[m][1] for m in METRICS},
        }
    )


def build_dimensions(applicants: Sequence[Applicant], min_size: int) -> list[DimensionReport]:
    """The three tables of the report, from the applications it covers."""
    return [
        _dimension("sex", "Sex", _single(applicants, SEXES, lambda a: a.sex), min_size),
        _dimension(
            "race_ethnicity",
            "Race/ethnicity",
            _single(applicants, RACES, lambda a: a.race_ethnicity),
            min_size,
        ),
        _dimension(
            "intersectional", "Sex and race/ethnicity", _intersectional(applicants), min_size
        ),
    ]
