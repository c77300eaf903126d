"""The report's rules on small, hand-made populations (no database)."""

from __future__ import annotations

from typing import Any

from hireloop.applications.models import ApplicationStatus as S
from hireloop.fairness.report import Applicant, build_dimensions


def _people(n: int, sex: str | None, status: S, rec: str | None = None) -> list[Applicant]:
    return [Applicant(status, rec, sex, "white" if sex else None) for _ in range(n)]


def _sex(applicants: list[Applicant], min_size: int = 5) -> dict[str, Any]:
    """The sex table's rows by group, and its reference groups under "highest"."""
    table = build_dimensions(applicants, min_size)[0]
    return {row.group: row for row in table.groups} | {"highest": table.highest}


def test_nobody_selected_anywhere_gives_no_ratio_and_no_flag() -> None:
    rows = _sex(_people(6, "male", S.rejected) + _people(6, "female", S.rejected))
    male = rows["male"].selection
    assert (male.rate, male.impact_ratio, male.status) == (0.0, None, "ok")
    assert rows["highest"]["selection"] is None


def test_a_small_group_is_never_the_reference_even_at_the_top() -> None:
    rows = _sex(_people(4, "female", S.offered) + _people(10, "male", S.offered))
    assert rows["female"].offer.status == "too_small"
    assert rows["highest"]["offer"] == "male"
    rows = _sex(_people(4, "female", S.offered) + _people(10, "male", S.offered), min_size=4)
    assert rows["female"].offer.status == "ok"


def test_scoring_counts_only_people_with_results_and_needs_review_is_not_favourable() -> None:
    people = (
        _people(3, "male", S.interview_completed, "yes")
        + _people(3, "male", S.interview_completed, "needs_review")
        + _people(4, "male", S.applied)
    )
    scoring = _sex(people)["male"].scoring
    assert (scoring.count, scoring.out_of, scoring.rate) == (3, 6, 0.5)


def test_unknown_answers_are_counted_but_not_compared() -> None:
    rows = _sex(_people(7, None, S.offered) + _people(5, "male", S.rejected))
    assert rows["not_provided"].applicants == 7
    assert rows["not_provided"].selection.status == "not_compared"
    assert rows["highest"]["selection"] is None, "only rejected men are compared"
