"""The pack linter: every shipped pack passes it, and it catches what it promises to."""

from __future__ import annotations

from typing import Any

import pytest

from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.lint import lint_knowledge, lint_question
from hireloop.engine.schema import Question


def test_every_shipped_pack_passes_the_linter() -> None:
    assert lint_knowledge(get_knowledge()) == []


CLAIMS: list[dict[str, Any]] = [
    {
        "id": "canary-first",
        "text": "A canary release sends a small share of traffic to the new version first",
        "slots": {
            "canary": ["canary release", "canary deploy", "canary"],
            "small": ["small share of traffic", "small percentage of users", "a few percent"],
        },
        "subject": "canary",
    },
    {
        "id": "watch-metrics",
        "text": "Its error rates are compared with the old version before the rollout widens",
        "slots": {
            "compare": [
                "error rates are compared",
                "compare the error rates",
                "checked against the previous release",
            ],
            "widen": ["the rollout widens", "widening the rollout", "more traffic goes to it"],
        },
        "order": ["compare", "widen"],
    },
    {
        "id": "automatic-rollback",
        "text": "When its metrics degrade, the canary is rolled back automatically",
        "slots": {
            "trigger": ["its metrics degrade", "errors spike", "the alerts fire"],
            "rollback": ["rolled back automatically", "automatic rollback", "reverted for you"],
        },
        "order": ["trigger", "rollback"],
    },
    {
        "id": "feature-flags",
        "text": "Feature flags separate deploying code from releasing features",
        "slots": {
            "flags": ["feature flags", "feature toggles", "toggles"],
            "separate": [
                "separate deploying * from releasing",
                "decouple deploy from release",
                "ship code dark",
            ],
        },
        "subject": "flags",
    },
]
WRONG: dict[str, Any] = {
    "id": "canary-all-traffic",
    "text": "A canary release sends all traffic to the new version at once",
    "contradicts": "canary-first",
    "slots": {
        "canary": ["canary release", "canary deploy", "canary"],
        "all": ["all traffic * at once", "every user at once", "all users at the same time"],
    },
    "subject": "canary",
}


def _question(**changes: Any) -> Question:
    data: dict[str, Any] = {
        "id": "deploy-q",
        "difficulty": "standard",
        "text": "How do you deploy a service safely?",
        "followup": "What would you watch after the deploy?",
        "claims": CLAIMS,
        "misconceptions": [WRONG],
    }
    data.update(changes)
    return Question.model_validate(data)


def test_a_well_formed_question_has_no_problems() -> None:
    assert lint_question(_question()) == []


def test_too_few_claims_and_no_misconceptions_are_refused() -> None:
    problems = lint_question(_question(claims=_question().model_dump()["claims"][:3]))
    assert any("has 3 claims" in p for p in problems)
    problems = lint_question(_question(misconceptions=[]))
    assert any("no misconceptions" in p for p in problems)


@pytest.mark.parametrize("term", ["use", "faster", "data", "once", "never needed"])
def test_a_single_generic_word_is_refused(term: str) -> None:
    claims = _question().model_dump()["claims"]
    claims[0]["slots"]["small"].append(term)
    problems = lint_question(_question(claims=claims))
    assert any("generic word" in p and repr(term) in p for p in problems)


def test_a_slot_without_paraphrase_variety_is_refused() -> None:
    claims = _question().model_dump()["claims"]
    claims[1]["slots"]["compare"] = ["compared against the old version"]
    assert any("give at least 3 ways" in p for p in lint_question(_question(claims=claims)))


def test_a_claim_the_question_itself_states_is_refused() -> None:
    claims = _question().model_dump()["claims"]
    claims[0]["slots"] = {
        "deploy": ["deploy a service", "deploying"],
        "safe": ["safely", "safe way", "without risk"],
    }
    claims[0]["subject"] = None
    problems = lint_question(_question(claims=claims))
    assert any("question's own words credit canary-first" in p for p in problems)


def test_a_claim_whose_own_statement_does_not_match_it_is_refused() -> None:
    claims = _question().model_dump()["claims"]
    claims[0]["text"] = "Deployments go out in small batches"  # says nothing of a canary
    assert any(
        "its own statement does not credit it" in p for p in lint_question(_question(claims=claims))
    )
