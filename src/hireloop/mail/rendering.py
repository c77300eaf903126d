"""Emails from the templates in ``mail/templates``: ``KIND.txt`` and ``KIND.html``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hireloop.mail.transport import OutgoingEmail

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Names and job titles come from users: escaped in HTML; plain text has nothing to escape.
_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_email(kind: str, to: str, subject: str, context: dict[str, Any]) -> OutgoingEmail:
    values = {"subject": subject, **context}
    text = _environment.get_template(f"{kind}.txt").render(values)
    html = _environment.get_template(f"{kind}.html").render(values)
    return OutgoingEmail(to=to, subject=subject, text=text, html=html)
