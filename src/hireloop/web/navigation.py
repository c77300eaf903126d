"""The main menu: which links each kind of user sees. Add a page's entry here."""

from __future__ import annotations

from dataclasses import dataclass

from hireloop.auth.models import User, UserRole

ANYONE = frozenset({None, UserRole.candidate, UserRole.recruiter, UserRole.admin})
CANDIDATES = frozenset({UserRole.candidate})
STAFF = frozenset({UserRole.recruiter, UserRole.admin})
ADMINS = frozenset({UserRole.admin})


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    # Roles that see the link; None stands for visitors who are not signed in.
    audience: frozenset[UserRole | None]


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Jobs", "/jobs", ANYONE),
    NavItem("My applications", "/applications", CANDIDATES),
    NavItem("Practice", "/practice", CANDIDATES),
    NavItem("Profile", "/profile", CANDIDATES),
    NavItem("My postings", "/recruiter/jobs", STAFF),
    NavItem("People", "/admin/people", ADMINS),
    NavItem("Audit log", "/admin/audit", ADMINS),
    NavItem("Bias report", "/admin/bias-report", ADMINS),
    NavItem("Webhooks", "/admin/webhooks", ADMINS),
)


def nav_for(user: User | None, current_path: str) -> list[dict[str, object]]:
    role = user.role if user else None
    return [
        {
            "label": item.label,
            "href": item.href,
            "current": current_path == item.href or current_path.startswith(item.href + "/"),
        }
        for item in NAV_ITEMS
        if role in item.audience
    ]
