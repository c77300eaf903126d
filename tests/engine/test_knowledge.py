"""Knowledge packs: the real files load and hold together; broken packs fail at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hireloop.engine.knowledge import (
    ROLE_TYPES,
    KnowledgeBase,
    PackError,
    get_knowledge,
    load_knowledge,
)
from hireloop.engine.schema import DIFFICULTY_ORDER, Difficulty
from hireloop.engine.text import normalize_term

SPEC_ROLE_ORDER = (
    "react", "javascript", "typescript", "nodejs", "python", "go", "rust", "java", "csharp",
    "php", "ruby", "mobile", "fullstack", "data_engineering", "devops", "qa_automation",
    "sales", "support", "product", "design", "marketing", "operations", "management", "general",
)  # fmt: skip

NON_TECHNICAL = set(SPEC_ROLE_ORDER[SPEC_ROLE_ORDER.index("sales") :])

CORE_SKILLS = {
    "react": "react_fundamentals react_state_management frontend_performance frontend_testing",
    "javascript": "javascript_language async_javascript browser_dom javascript_tooling",
    "typescript": (
        "typescript_type_system typescript_generics javascript_language typescript_tooling"
    ),
    "nodejs": "nodejs_runtime async_javascript rest_apis sql",
    "python": "python_language python_concurrency python_performance testing",
    "go": "go_language go_concurrency go_error_handling testing",
    "rust": "rust_ownership rust_traits_generics rust_error_handling rust_concurrency",
    "java": "java_language jvm_internals java_concurrency spring",
    "csharp": "csharp_language csharp_async aspnet_core linq_ef",
    "php": "php_language laravel web_security sql",
    "ruby": "ruby_language rails testing web_security",
    "mobile": "mobile_app_architecture mobile_ui mobile_performance mobile_offline_data",
    "fullstack": "javascript_language rest_apis sql web_security system_design",
    "data_engineering": "sql etl_pipelines data_modeling spark",
    "devops": "ci_cd docker kubernetes terraform observability",
    "qa_automation": "test_strategy test_automation api_testing bug_reporting",
    "sales": "prospecting sales_discovery negotiation crm",
    "support": "customer_communication troubleshooting de_escalation knowledge_management",
    "product": "product_discovery prioritization stakeholder_management product_metrics",
    "design": "user_research interaction_design visual_design design_systems",
    "marketing": "marketing_strategy content_marketing seo marketing_analytics",
    "operations": "process_improvement operations_planning vendor_management operations_metrics",
    "management": "people_leadership hiring performance_feedback project_delivery",
    "general": "communication problem_solving teamwork time_management",
}


# -- the real packs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return get_knowledge()


def test_role_types_are_the_spec_roles_in_order() -> None:
    assert ROLE_TYPES == SPEC_ROLE_ORDER


def test_every_role_type_has_its_pack(kb: KnowledgeBase) -> None:
    assert set(kb.roles) == set(ROLE_TYPES)
    for role_id, role in kb.roles.items():
        assert role.core_skills == CORE_SKILLS[role_id].split(), role_id
        assert role.technical is (role_id not in NON_TECHNICAL), role_id
        assert kb.is_technical(role_id) is role.technical


@pytest.mark.parametrize("role_id", sorted(NON_TECHNICAL))
def test_non_technical_roles_never_ask_coding_questions(kb: KnowledgeBase, role_id: str) -> None:
    role = kb.roles[role_id]
    assert "never ask coding" in role.base_prompt.lower()
    assert not any(kb.skills[skill].technical for skill in role.core_skills)


def test_every_role_reaches_every_difficulty(kb: KnowledgeBase) -> None:
    for role in kb.roles.values():
        difficulties = {q.difficulty for s in role.core_skills for q in kb.skills[s].questions}
        assert difficulties == set(DIFFICULTY_ORDER), role.id


def test_every_question_is_found_by_its_id(kb: KnowledgeBase) -> None:
    ids = [q.id for skill in kb.skills.values() for q in skill.questions]
    assert len(ids) == len(set(ids))
    for skill in kb.skills.values():
        for question in skill.questions:
            assert kb.question(question.id) is question
            assert kb.skill_of_question(question.id) is skill
    with pytest.raises(KeyError):
        kb.question("no-such-question")


def test_every_skill_resolves_by_id_name_and_alias(kb: KnowledgeBase) -> None:
    for skill in kb.skills.values():
        for term in (skill.id, skill.name, *skill.aliases):
            assert kb.resolve_skill(term) is skill, term
            assert kb.resolve_skill(f" {term.upper()} ") is skill, term
    assert kb.resolve_skill("underwater basket weaving") is None


def test_aliases_do_not_collide(kb: KnowledgeBase) -> None:
    for packs in (kb.roles.values(), kb.skills.values()):
        owners: dict[str, str] = {}
        for pack in packs:
            for term in (pack.id, pack.name, *pack.aliases):
                assert owners.setdefault(normalize_term(term), pack.id) == pack.id, term


def test_knowledge_is_loaded_once() -> None:
    assert get_knowledge() is get_knowledge()


# -- broken packs are rejected -----------------------------------------------------------


def _question(qid: str, difficulty: Difficulty) -> dict[str, Any]:
    return {
        "id": qid,
        "difficulty": difficulty.value,
        "text": "Tell me about a time you used this skill.",
        "claims": [
            {
                "id": "context",
                "text": "Describes the situation",
                "slots": {"setting": ["the situation"], "said": ["was described"]},
            },
            {
                "id": "result",
                "text": "Names the outcome",
                "slots": {"outcome": ["the outcome"], "measured": ["was measured"]},
            },
        ],
        "followup": "What was the result?",
    }


def _skill(skill_id: str, aliases: list[str] | None = None) -> dict[str, Any]:
    questions = [
        _question(f"{skill_id}-{d.value}-{n}", d) for d in DIFFICULTY_ORDER for n in (1, 2)
    ]
    return {
        "id": skill_id,
        "name": skill_id.title(),
        "technical": True,
        "aliases": aliases or [],
        "questions": questions,
    }


def _role(role_id: str, aliases: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": role_id.title(),
        "technical": True,
        "aliases": aliases or [],
        "base_prompt": "You are a senior engineer interviewing a candidate for this role.",
        "core_skills": ["alpha", "beta", "gamma", "delta"],
    }


def _write(directory: Path, kind: str, pack: dict[str, Any]) -> Path:
    path = directory / kind / f"{pack['id']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(pack, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    """A small valid pack directory: two roles over four skills."""
    for skill_id in ("alpha", "beta", "gamma", "delta"):
        _write(tmp_path, "skills", _skill(skill_id, aliases=[f"{skill_id} skill"]))
    _write(tmp_path, "roles", _role("backend", aliases=["Node.js", "server side"]))
    _write(tmp_path, "roles", _role("frontend", aliases=["browser"]))
    return tmp_path


def test_a_valid_pack_directory_loads(packs: Path) -> None:
    kb = load_knowledge(packs)
    assert set(kb.roles) == {"backend", "frontend"}
    assert kb.resolve_role("NODE JS, browser") == "backend"
    assert kb.resolve_skill("Alpha Skill") is kb.skills["alpha"]


def test_duplicate_question_id_is_rejected(packs: Path) -> None:
    beta = _skill("beta")
    beta["questions"][0]["id"] = "alpha-warmup-1"
    path = _write(packs, "skills", beta)
    with pytest.raises(PackError, match="alpha-warmup-1") as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)


def test_role_with_missing_skill_is_rejected(packs: Path) -> None:
    role = _role("data")
    role["core_skills"] = ["alpha", "beta", "gamma", "omega"]
    path = _write(packs, "roles", role)
    with pytest.raises(PackError, match="omega") as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("alias", ["nodejs", "node js", "NODE.JS", "Backend"])
def test_role_alias_collision_is_rejected(packs: Path, alias: str) -> None:
    _write(packs, "roles", _role("zeta", aliases=[alias]))
    with pytest.raises(PackError, match="collides") as error:
        load_knowledge(packs)
    assert "zeta.yaml" in str(error.value)
    assert "backend.yaml" in str(error.value)


def test_skill_alias_collision_is_rejected(packs: Path) -> None:
    _write(packs, "skills", _skill("epsilon", aliases=["ALPHA-skill"]))
    with pytest.raises(PackError, match="collides") as error:
        load_knowledge(packs)
    assert "epsilon.yaml" in str(error.value)


def test_skill_missing_a_difficulty_is_rejected(packs: Path) -> None:
    gamma = _skill("gamma")
    gamma["questions"] = [q for q in gamma["questions"] if q["difficulty"] != "advanced"]
    path = _write(packs, "skills", gamma)
    with pytest.raises(PackError, match="advanced") as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: [unclosed", "cannot read YAML"),
        ("- just a list", "mapping"),
        ("id: delta\nname: Delta\n", "invalid SkillPack"),
    ],
)
def test_malformed_file_is_rejected_naming_it(packs: Path, content: str, message: str) -> None:
    path = packs / "skills" / "delta.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PackError, match=message) as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)


def test_file_name_must_match_pack_id(packs: Path) -> None:
    (packs / "skills" / "delta.yaml").rename(packs / "skills" / "delta2.yaml")
    with pytest.raises(PackError, match="does not match the file name"):
        load_knowledge(packs)


def test_required_roles_must_be_present(packs: Path) -> None:
    with pytest.raises(PackError, match="missing role packs: mobile"):
        load_knowledge(packs, required_roles=("backend", "mobile"))


def test_missing_pack_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="not found"):
        load_knowledge(tmp_path)


# -- claims and the lexicon ------------------------------------------------------------------


def test_lexicon_references_expand_into_the_pack(packs: Path) -> None:
    lexicon = packs / "lexicon" / "work.yaml"
    lexicon.parent.mkdir()
    lexicon.write_text("domain: work\nterms:\n  outcome: [the outcome, the result]\n")
    alpha = _skill("alpha")
    alpha["questions"][0]["claims"][1]["slots"]["outcome"] = ["@work.outcome"]
    _write(packs, "skills", alpha)
    question = load_knowledge(packs).question("alpha-warmup-1")
    assert question.claims[1].slots["outcome"] == ["the outcome", "the result"]


def test_an_unknown_lexicon_reference_is_rejected_naming_the_file(packs: Path) -> None:
    alpha = _skill("alpha")
    alpha["questions"][0]["claims"][0]["slots"]["setting"] = ["@work.nowhere"]
    path = _write(packs, "skills", alpha)
    with pytest.raises(PackError, match="unknown lexicon reference") as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)


def test_a_term_of_filler_words_only_is_rejected_naming_the_file(packs: Path) -> None:
    alpha = _skill("alpha")
    alpha["questions"][0]["claims"][0]["slots"]["setting"] = ["the very", "situation"]
    path = _write(packs, "skills", alpha)
    with pytest.raises(PackError, match="no words to match") as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)


def test_a_misconception_must_contradict_one_of_its_claims(packs: Path) -> None:
    alpha = _skill("alpha")
    alpha["questions"][0]["misconceptions"] = [
        {
            "id": "wrong",
            "text": "The outcome is never measured",
            "contradicts": "no-such-claim",
            "slots": {"outcome": ["the outcome"], "never": ["never measured"]},
        }
    ]
    path = _write(packs, "skills", alpha)
    with pytest.raises(PackError, match="no-such-claim") as error:
        load_knowledge(packs)
    assert str(path) in str(error.value)
