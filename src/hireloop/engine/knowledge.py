"""Knowledge packs: the role and skill data files, loaded and cross-checked at start-up.

Role mapping lives here too, because it is a lookup over the role packs' aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import ValidationError

from hireloop.engine.judge.terms import TermError, compile_question, compile_term
from hireloop.engine.schema import (
    DIFFICULTY_ORDER,
    LEXICON_REF,
    GenericPack,
    LexiconFile,
    Question,
    RolePack,
    SkillPack,
)
from hireloop.engine.text import normalize_term

ROLE_TYPES: tuple[str, ...] = (
    "react", "javascript", "typescript", "nodejs", "python", "go", "rust", "java", "csharp",
    "php", "ruby", "mobile", "fullstack", "data_engineering", "devops", "qa_automation",
    "sales", "support", "product", "design", "marketing", "operations", "management", "general",
)  # fmt: skip

PACKS_DIR = Path(__file__).parent / "packs"

DEFAULT_ROLE = "fullstack"

# A job's role_category (SPEC §3) when its tech_stack names no known role.
CATEGORY_ROLES: Mapping[str, str] = {
    "engineering": "fullstack",
    "quality_assurance": "qa_automation",
    "data": "data_engineering",
    "devops": "devops",
    "design": "design",
    "product": "product",
    "sales": "sales",
    "support": "support",
    "operations": "operations",
    "management": "management",
    "other": "general",
}
_CATEGORY_KEYS = {normalize_term(key): role for key, role in CATEGORY_ROLES.items()}

# Composite stacks are split on list separators first ("React, TypeScript"), then on
# joiners inside one item ("Node.js / Express", "Python + Django" but not "C++").
_SPLITTERS = (
    re.compile(r"[,;|()\[\]{}\n\r•·]"),
    re.compile(r"/|\\|&|(?<!\+)\+(?!\+)|\s-\s|\b(?:and|or|with)\b", re.IGNORECASE),
)

# The C loader (when PyYAML was built with libyaml) parses the packs several times faster.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_Pack = TypeVar("_Pack", RolePack, SkillPack, GenericPack)


class _Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...


class PackError(ValueError):
    """A knowledge pack file is invalid or inconsistent with the other packs."""


class KnowledgeBase:
    """Every role and skill pack, validated together, with lookups over them."""

    def __init__(
        self,
        roles: Iterable[RolePack],
        skills: Iterable[SkillPack],
        *,
        sources: Mapping[str, str] | None = None,
        required_roles: Iterable[str] = (),
    ) -> None:
        """Cross-check the packs; raise ``PackError`` naming the offending file.

        Args:
            roles: Role packs.
            skills: Skill packs.
            sources: File name per ``"roles/<id>"`` / ``"skills/<id>"``, for error messages.
            required_roles: Role ids that must be present.
        """
        self._sources = dict(sources or {})
        self.roles: dict[str, RolePack] = self._by_id("roles", roles)
        self.skills: dict[str, SkillPack] = self._by_id("skills", skills)
        self._questions: dict[str, tuple[Question, SkillPack]] = {}
        for skill in self.skills.values():
            for item in skill.questions:
                if item.id in self._questions:
                    other = self._questions[item.id][1].id
                    raise PackError(
                        f"{self._where('skills', skill.id)}: question id {item.id!r} "
                        f"is also used in {self._where('skills', other)}"
                    )
                self._questions[item.id] = (item, skill)
        self._role_terms = self._terms("roles", self.roles)
        # Longest role name or alias, in words: the widest window tried when scanning text.
        self._max_words = max(
            (len(t.split()) for r in self.roles.values() for t in (r.name, *r.aliases)), default=1
        )
        self._skill_terms = self._terms("skills", self.skills)
        for role in self.roles.values():
            self._check_role(role)
        missing = [role_id for role_id in required_roles if role_id not in self.roles]
        if missing:
            raise PackError(f"missing role packs: {', '.join(missing)}")

    def _where(self, kind: str, pack_id: str) -> str:
        return self._sources.get(f"{kind}/{pack_id}", f"{kind} pack {pack_id!r}")

    def _by_id(self, kind: str, packs: Iterable[_Pack]) -> dict[str, _Pack]:
        found: dict[str, _Pack] = {}
        for pack in packs:
            if pack.id in found:
                raise PackError(f"{self._where(kind, pack.id)}: duplicate {kind} id {pack.id!r}")
            found[pack.id] = pack
        return found

    def _terms(self, kind: str, packs: Mapping[str, _Named]) -> dict[str, str]:
        """Map every normalised id, name and alias to its pack id; reject collisions."""
        terms: dict[str, str] = {}
        for pack_id, pack in packs.items():
            for name in (pack_id, pack.name, *pack.aliases):
                key = normalize_term(name)
                if not key:
                    raise PackError(f"{self._where(kind, pack_id)}: alias {name!r} is empty")
                owner = terms.setdefault(key, pack_id)
                if owner != pack_id:
                    raise PackError(
                        f"{self._where(kind, pack_id)}: alias {name!r} collides with "
                        f"{self._where(kind, owner)} (both normalise to {key!r})"
                    )
        return terms

    def _check_role(self, role: RolePack) -> None:
        where = self._where("roles", role.id)
        unknown = [skill_id for skill_id in role.core_skills if skill_id not in self.skills]
        if unknown:
            raise PackError(f"{where}: core_skills without a skill pack: {', '.join(unknown)}")
        covered = {q.difficulty for s in role.core_skills for q in self.skills[s].questions}
        absent = [d.value for d in DIFFICULTY_ORDER if d not in covered]
        if absent:
            raise PackError(f"{where}: no {', '.join(absent)} questions in its core skills")

    # -- lookups ------------------------------------------------------------------------

    def question(self, question_id: str) -> Question:
        """The question with this id; ``KeyError`` if there is none."""
        return self._questions[question_id][0]

    def skill_of_question(self, question_id: str) -> SkillPack:
        """The skill pack a question belongs to; ``KeyError`` if there is none."""
        return self._questions[question_id][1]

    def resolve_skill(self, text: str) -> SkillPack | None:
        """The skill pack named by a skill id, name or alias, or None."""
        skill_id = self._skill_terms.get(normalize_term(text))
        return self.skills[skill_id] if skill_id else None

    def is_technical(self, role_id: str) -> bool:
        """Whether interviews for this role may include technical (coding) questions."""
        return self.roles[role_id].technical

    def resolve_role(self, text: str | None) -> str | None:
        """The role id named by free text (a role id, name, alias or composite stack), or None.

        The whole text is tried first ("React Native" is mobile, not react), then each part
        of a composite stack in order ("React, TypeScript" -> react), then, inside a part,
        words and word groups left to right ("Senior Python Developer" -> python).
        """
        if text is None or not normalize_term(text):
            return None
        return self._resolve(text, 0)

    def _resolve(self, text: str, level: int) -> str | None:
        exact = self._role_terms.get(normalize_term(text))
        if exact is not None or level == len(_SPLITTERS):
            return exact if exact is not None else self._scan_words(text)
        for part in _SPLITTERS[level].split(text):
            if normalize_term(part):
                found = self._resolve(part, level + 1)
                if found is not None:
                    return found
        return None

    def _scan_words(self, text: str) -> str | None:
        words = text.split()
        for start in range(len(words)):
            for size in range(min(self._max_words, len(words) - start), 0, -1):
                found = self._role_terms.get(normalize_term(" ".join(words[start : start + size])))
                if found is not None:
                    return found
        return None

    def map_job_role(self, tech_stack: str | None, role_category: str | None) -> str:
        """The role type for a job: from its tech_stack, else its role_category, else fullstack."""
        role = self.resolve_role(tech_stack)
        if role is not None:
            return role
        if role_category:
            return _CATEGORY_KEYS.get(normalize_term(role_category), DEFAULT_ROLE)
        return DEFAULT_ROLE


Lexicon = dict[str, list[str]]  # "domain.concept" -> terms


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping at the top level")
    return data


def read_lexicon(folder: Path) -> Lexicon:
    """Every ``<folder>/*.yaml`` lexicon file, as "domain.concept" -> terms."""
    lexicon: Lexicon = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            entry = LexiconFile.model_validate(_read_yaml(path))
        except ValidationError as exc:
            raise PackError(f"{path}: invalid lexicon: {exc}") from exc
        if entry.domain != path.stem:
            raise PackError(f"{path}: domain {entry.domain!r} does not match the file name")
        for concept, terms in entry.terms.items():
            lexicon[f"{entry.domain}.{concept}"] = terms
    return lexicon


def _expand(value: Any, lexicon: Lexicon, path: Path) -> Any:
    """Replace every "@domain.concept" term in the pack's slots with the lexicon's terms."""
    if isinstance(value, dict):
        return {key: _expand(item, lexicon, path) for key, item in value.items()}
    if isinstance(value, list):
        expanded: list[Any] = []
        for item in value:
            match = LEXICON_REF.match(item.strip().lower()) if isinstance(item, str) else None
            if match is None:
                expanded.append(_expand(item, lexicon, path))
                continue
            ref = f"{match[1]}.{match[2]}"
            if ref not in lexicon:
                raise PackError(f"{path}: unknown lexicon reference {item!r}")
            expanded.extend(lexicon[ref])
        return expanded
    return value


def read_pack(path: Path, model: type[_Pack], lexicon: Lexicon | None = None) -> _Pack:
    data = _read_yaml(path)
    if lexicon is not None:
        data = _expand(data, lexicon, path)
    try:
        pack = model.model_validate(data)
    except ValidationError as exc:
        raise PackError(f"{path}: invalid {model.__name__}: {exc}") from exc
    if pack.id != path.stem:
        raise PackError(f"{path}: id {pack.id!r} does not match the file name")
    return pack


def load_knowledge(
    directory: Path | None = None, *, required_roles: Iterable[str] = ()
) -> KnowledgeBase:
    """Load and validate ``<directory>/roles/*.yaml`` and ``<directory>/skills/*.yaml``.

    Raises:
        PackError: a file is malformed or the packs are inconsistent; the message names
            the file.
    """
    base = directory if directory is not None else PACKS_DIR
    lexicon = read_lexicon(base / "lexicon")
    roles = [read_pack(path, RolePack) for path in _pack_files(base / "roles")]
    skills = [read_pack(path, SkillPack, lexicon) for path in _pack_files(base / "skills")]
    for skill in skills:
        compile_skill(skill, str(base / "skills" / f"{skill.id}.yaml"))
    # File names equal pack ids (checked in _read_pack), so errors can name the file.
    sources = {f"roles/{r.id}": str(base / "roles" / f"{r.id}.yaml") for r in roles}
    sources |= {f"skills/{s.id}": str(base / "skills" / f"{s.id}.yaml") for s in skills}
    return KnowledgeBase(roles, skills, sources=sources, required_roles=required_roles)


def skill_vocabulary(skill: SkillPack) -> frozenset[str]:
    """The keys of every term in a skill's questions: what counts as the skill's jargon."""
    keys: set[str] = set()
    for question in skill.questions:
        for statement in (*question.claims, *question.misconceptions):
            for form in statement.forms:
                for terms in form.slots.values():
                    for text in terms:
                        for term in compile_term(text):
                            keys.update(k for part in term.parts for k in part)
    return frozenset(keys)


def compile_skill(skill: SkillPack, source: str) -> None:
    """Compile every question's claims once, so answers are judged without re-parsing."""
    try:
        vocabulary = skill_vocabulary(skill)
        for question in skill.questions:
            question._compiled = compile_question(question, vocabulary)
    except TermError as exc:
        raise PackError(f"{source}: {exc}") from exc


def _pack_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise PackError(f"{folder}: pack directory not found")
    return sorted(folder.glob("*.yaml"))


@cache
def get_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded once; every role type must have a pack."""
    return load_knowledge(PACKS_DIR, required_roles=ROLE_TYPES)
