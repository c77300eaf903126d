"""CI gate on the judge's calibration: every kind of answer meets targets.yaml, in the
answer set used while authoring packs, in the held-out one and in the blind adversarial one."""

from __future__ import annotations

import pytest

from tests.calibration.calibrate import SETS, judge_all, load_samples, misses, tally


@pytest.mark.parametrize("answer_set", SETS)
def test_the_judge_meets_its_calibration_targets(answer_set: str) -> None:
    tallies = tally(judge_all(load_samples(answer_set)))
    assert misses(tallies) == []


@pytest.mark.parametrize("answer_set", SETS)
def test_every_quote_is_verbatim_from_the_answer_it_credits(answer_set: str) -> None:
    for sample, verdict in judge_all(load_samples(answer_set)):
        for found in (*verdict.credited, *verdict.misconceptions):
            assert found.quote in sample.answer, (sample.question.id, sample.kind)
