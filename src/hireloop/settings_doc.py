"""The settings reference, generated from ``Settings`` so it cannot drift from the code.

``hireloop settings --markdown --group core`` (and ``--group ai``, ``--group speech``)
print the README's configuration tables; ``make docs`` (``python -m hireloop.settings_doc
README.md``) rewrites them in place, and ``tests/test_readme.py`` fails when the README
differs.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import AliasChoices, SecretStr
from pydantic.fields import FieldInfo

from hireloop.config import Settings

Group = Literal["core", "ai", "speech"]
GROUPS: tuple[Group, ...] = ("core", "ai", "speech")


def group_of(name: str) -> Group:
    """The language-model and speech settings are documented beside their sections."""
    if name.startswith("ai_"):
        return "ai"
    return "speech" if name.startswith("speech_") else "core"


def env_name(name: str, field: FieldInfo) -> str:
    """The variable an operator sets (the first alias, when the field has aliases)."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        if isinstance(first, str):
            return first
    if isinstance(alias, str):
        return alias
    return f"{Settings.model_config.get('env_prefix', '')}{name}".upper()


def _extra(field: FieldInfo, key: str) -> Any:
    extra = field.json_schema_extra
    return extra.get(key) if isinstance(extra, dict) else None


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def default_text(field: FieldInfo) -> str:
    worded = _extra(field, "doc_default")
    if worded is not None:
        return str(worded)
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list | dict | tuple) and not value:
        return "empty"
    if isinstance(value, Path):
        return f"`{value.as_posix()}`"
    return f"`{_number(value)}`"


def _bounds(field: FieldInfo) -> str:
    low = high = ""
    for rule in field.metadata:
        if isinstance(rule, annotated_types.Ge):
            low = f"≥ {_number(rule.ge)}"
        elif isinstance(rule, annotated_types.Gt):
            low = f"> {_number(rule.gt)}"
        elif isinstance(rule, annotated_types.Le):
            high = f"≤ {_number(rule.le)}"
        elif isinstance(rule, annotated_types.Lt):
            high = f"< {_number(rule.lt)}"
    if low.startswith("≥") and high.startswith("≤"):
        return f"{low[2:]} to {high[2:]}"
    return ", ".join(part for part in (low, high) if part)


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def allowed_text(field: FieldInfo) -> str:
    """What the value may be, read from the field's type and constraints."""
    annotation = _without_none(field.annotation)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return " / ".join(f"`{choice}`" for choice in typing.get_args(annotation))
    if annotation is bool:
        return "`true` / `false`"
    if annotation in (int, float):
        kind = "integer" if annotation is int else "number"
        bounds = _bounds(field)
        return f"{kind} {bounds}" if bounds else kind
    if annotation is SecretStr:
        return "secret"
    if annotation is Path:
        return "path"
    if origin is list:
        return "comma-separated list"
    if origin is dict:
        return "JSON"
    return "text"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(group: Group | None = None) -> str:
    """One row per setting of the group (every setting when ``group`` is None)."""
    rows = ["| variable | default | allowed | meaning |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if group is not None and group_of(name) != group:
            continue
        if not field.description:
            raise ValueError(
                f"Settings.{name} has no description: add Field(description=...) in config.py"
            )
        variable = f"`{env_name(name, field)}`"
        rows.append(
            "| "
            + " | ".join(
                _cell(cell)
                for cell in (variable, default_text(field), allowed_text(field), field.description)
            )
            + " |"
        )
    return "\n".join(rows) + "\n"


def current_values(settings: Settings, group: Group | None = None) -> list[tuple[str, str]]:
    """Each variable with the value in effect; secrets and URL passwords are masked."""
    from sqlalchemy.engine import make_url

    values: list[tuple[str, str]] = []
    for name, field in Settings.model_fields.items():
        if group is not None and group_of(name) != group:
            continue
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            shown = "**********"
        elif value is None:
            shown = ""
        elif name in ("database_url", "redis_url"):
            try:
                shown = make_url(str(value)).render_as_string(hide_password=True)
            except Exception:  # not a URL SQLAlchemy can read: show nothing of it
                shown = "(unreadable URL)"
        elif isinstance(value, bool):
            shown = str(value).lower()
        elif isinstance(value, list):
            shown = ",".join(map(str, value))
        elif isinstance(value, dict):
            shown = f"({len(value)} entries)"
        else:
            shown = str(value)
        values.append((env_name(name, field), shown))
    return values


# A generated table in a Markdown file sits between these two lines; `make docs` (this
# module run on the file) rewrites what is between them, the test suite compares.
BLOCK = re.compile(
    r"(?P<begin><!-- generated by `hireloop settings --markdown --group (?P<group>\w+)`"
    r"; `make docs` rewrites it -->\n)(?P<table>.*?)(?P<end><!-- end of generated settings -->)",
    re.DOTALL,
)


def refresh_generated(text: str) -> str:
    """The text with every generated settings table brought up to date."""

    def table(match: re.Match[str]) -> str:
        group = match["group"]
        if group not in GROUPS:
            raise ValueError(f"unknown settings group {group!r}; known: {', '.join(GROUPS)}")
        return match["begin"] + markdown_table(group) + match["end"]

    return BLOCK.sub(table, text)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        before = path.read_text()
        after = refresh_generated(before)
        if after != before:
            path.write_text(after)
        print(f"{name}: settings tables {'updated' if after != before else 'up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
