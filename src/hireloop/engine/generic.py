"""Experience questions for a required skill that has no knowledge pack.

Without a pack we cannot judge the skill's technical content, so these questions ask
for a real situation and are judged on what any strong experience answer states: the
setting, the candidate's own actions, a measurable result, the trade-offs weighed. The
questions and their claims are a pack file like the others
(``packs/generic/experience.yaml``), whose texts name the skill as ``{skill}``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache, lru_cache

from hireloop.engine.knowledge import PACKS_DIR, compile_skill, read_lexicon, read_pack
from hireloop.engine.schema import GenericPack, Question, SkillPack

GENERIC_PACK = PACKS_DIR / "generic" / "experience.yaml"
SKILL_PLACEHOLDER = "{skill}"


@cache
def generic_templates() -> tuple[Question, ...]:
    """The template questions, validated and compiled once."""
    pack = read_pack(GENERIC_PACK, GenericPack, read_lexicon(PACKS_DIR / "lexicon"))
    # Compiled through a skill pack wrapper, so the templates share the loader's checks.
    wrapper = SkillPack(id="generic", name="generic", technical=False, questions=pack.questions)
    compile_skill(wrapper, str(GENERIC_PACK))
    return tuple(wrapper.questions)


def skill_slug(skill_name: str) -> str:
    """The id-safe form of a skill name, for generic skill and question ids.

    Readable for plain names ("Salesforce CPQ" -> "salesforce-cpq"); "#" and "+" are
    spelled out so that "C", "C#" and "C++" stay apart; names with letters outside
    ASCII (which ids cannot hold) get a short hash of the name, so they stay apart too.
    """
    folded = " ".join(unicodedata.normalize("NFKC", skill_name).casefold().split())
    spelled = folded.replace("#", " sharp ").replace("+", " plus ")
    slug = re.sub(r"[^a-z0-9]+", "-", spelled).strip("-")
    if any(char.isalnum() and not char.isascii() for char in folded):
        digest = hashlib.sha256(folded.encode()).hexdigest()[:8]
        return f"{slug}-{digest}" if slug else digest
    return slug or "skill"


def generic_skill_questions(skill_name: str) -> list[Question]:
    """Two experience questions per difficulty that name the skill."""
    return list(_generic_questions(" ".join(skill_name.split()) or "this skill"))


@lru_cache(maxsize=512)
def _generic_questions(name: str) -> tuple[Question, ...]:
    slug = skill_slug(name)
    questions = []
    for template in generic_templates():
        suffix = template.id.removeprefix("generic-")
        questions.append(
            template.model_copy(  # the compiled claims are shared: they do not name the skill
                update={
                    "id": f"generic-{slug}-{suffix}",
                    "text": template.text.replace(SKILL_PLACEHOLDER, name),
                    "followup": template.followup.replace(SKILL_PLACEHOLDER, name),
                }
            )
        )
    return tuple(questions)
