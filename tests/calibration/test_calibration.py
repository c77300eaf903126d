"""CI gate on the judge's calibration: every kind of answer meets targets.yaml, in the
answer set used while authoring packs, in the held-out one and in the blind adversarial one."""

from __future__ import annotations

import pytest

from tests.calibration.calibrate import (
    SETS,
    Tally,
    judge_all,
    load_samples,
    shortfalls,
    tally,
    unexplained_misses,
)


@pytest.mark.parametrize("answer_set", SETS)
def test_the_judge_meets_its_calibration_targets(answer_set: str) -> None:
    """Every target, except a known shortfall (shortfalls.yaml), which must hold its floor."""
    tallies = tally(judge_all(load_samples(answer_set)))
    assert unexplained_misses(tallies, answer_set) == []


def test_a_known_shortfall_is_held_to_its_floor_and_only_excuses_its_own_kind() -> None:
    [(answer_set, kinds)] = shortfalls().items()
    [(kind, entry)] = kinds.items()
    floor = float(str(entry["pass_at_least"]))

    def passing(rate: float) -> dict[str, Tally]:
        return {kind: Tally(answers=1000, passed=round(rate * 10))}

    assert unexplained_misses(passing(floor + 1), answer_set) == []  # below target, known
    assert unexplained_misses(passing(floor - 1), answer_set) != []  # fell below the floor
    assert unexplained_misses(passing(floor + 1), "dev") != []  # another set: no excuse
    worse = {**passing(floor + 1), "wrong": Tally(answers=10, passed=5)}
    assert [m.split(":")[0] for m in unexplained_misses(worse, answer_set)] == ["wrong"]


@pytest.mark.parametrize("answer_set", SETS)
def test_every_quote_is_verbatim_from_the_answer_it_credits(answer_set: str) -> None:
    for sample, verdict in judge_all(load_samples(answer_set)):
        for found in (*verdict.credited, *verdict.misconceptions):
            assert found.quote in sample.answer, (sample.question.id, sample.kind)
