"""The voluntary self-identification section of the profile page: the choices, the
candidate's current answers, and the form's values and errors after a refused save."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User
from hireloop.fairness import service
from hireloop.fairness.categories import RaceEthnicity, Sex, label
from hireloop.fairness.schemas import SelfIdentificationRead, SelfIdentificationUpdate
from hireloop.web.forms import FormData

FIELDS = ("sex", "race_ethnicity")
CHOOSE = "Choose an answer, or Decline to answer."


@dataclass
class SelfIdentificationForm:
    current: SelfIdentificationRead | None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: {
            "sex": [(s.value, label(s)) for s in Sex],
            "race_ethnicity": [(r.value, label(r)) for r in RaceEthnicity],
        }
    )


async def self_identification_form(session: AsyncSession, user: User) -> SelfIdentificationForm:
    found = await service.find_own(session, user)
    current = SelfIdentificationRead.model_validate(found) if found else None
    values = {}
    if current is not None:
        values = {"sex": current.sex.value, "race_ethnicity": current.race_ethnicity.value}
    return SelfIdentificationForm(current=current, values=values)


def parse_answers(form: FormData) -> SelfIdentificationUpdate | dict[str, str]:
    """The answers, or the message per question that was left unanswered or tampered with."""
    values = {name: form.get(name, "") for name in FIELDS}
    try:
        return SelfIdentificationUpdate.model_validate(values)
    except ValidationError as exc:
        wrong = {str(error["loc"][0]) for error in exc.errors() if error.get("loc")}
        return {name: CHOOSE for name in FIELDS if name in wrong}
