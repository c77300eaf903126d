"""Admin pages for data rights: the audit log (filter, page through, export as CSV) and
people (find an account, download its data, erase it on the person's request; or, for
an address without an account, erase the invitations sent to it)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.audit import service as audit
from hireloop.audit.models import AuditAction
from hireloop.audit.router import csv_response
from hireloop.audit.schemas import AuditFilters
from hireloop.auth.emails import account_key
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.privacy import erasure
from hireloop.privacy.export import build_export
from hireloop.privacy.router import zip_response
from hireloop.users import service as users
from hireloop.users.schemas import UserFilters
from hireloop.web.forms import field_errors, read_form
from hireloop.web.rendering import PageRoute, page_number, pager, redirect, render
from hireloop.web.session import CsrfChecked, PageAdmin

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50
FILTER_FIELDS = ("action", "actor_id", "person_id", "subject_id", "since", "until")
ADMIN_NOTICES = {
    "erased": "The account and everything about it were erased.",
    "address_erased": "The invitations to that address were erased.",
}


def _filter_values(request: Request) -> dict[str, str]:
    return {
        name: request.query_params[name].strip()
        for name in FILTER_FIELDS
        if request.query_params.get(name, "").strip()
    }


@router.get("/audit")
async def audit_page(request: Request, session: SessionDep, _admin: PageAdmin) -> Response:
    values = _filter_values(request)
    page = page_number(request)
    try:
        filters = AuditFilters.model_validate(
            {**values, "skip": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE}
        )
    except ValidationError as exc:
        context = _audit_context(values, [], 0, {}, 1)
        context["errors"] = field_errors(exc)
        return render(request, "admin/audit.html", context, status_code=422)
    entries, total, emails = await audit.list_entries(session, filters)
    return render(request, "admin/audit.html", _audit_context(values, entries, total, emails, page))


def _audit_context(
    values: dict[str, str], entries: list[Any], total: int, emails: dict[Any, str], page: int
) -> dict[str, Any]:
    query = urlencode(values)

    def url_for(number: int) -> str:
        return "/admin/audit?" + urlencode({**values, "page": number})

    return {
        "values": values,
        "errors": {},
        "entries": entries,
        "emails": emails,
        "total": total,
        "actions": [action.value for action in AuditAction],
        "export_url": "/admin/audit/export" + (f"?{query}" if query else ""),
        **pager(page, total, PAGE_SIZE, url_for),
    }


@router.get("/audit/export")
async def audit_export(request: Request, session: SessionDep, admin: PageAdmin) -> Response:
    try:
        filters = AuditFilters.model_validate(_filter_values(request))
    except ValidationError:
        return redirect("/admin/audit")
    return csv_response(await audit.export_csv(session, admin, filters))


@router.get("/people")
async def people_page(request: Request, session: SessionDep, _admin: PageAdmin) -> Response:
    page = page_number(request)
    search = request.query_params.get("search", "").strip()[:200]
    filters = UserFilters(search=search or None, skip=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    items, total = await users.list_users(session, filters)

    def url_for(number: int) -> str:
        return "/admin/people?" + urlencode({"search": search, "page": number})

    context: dict[str, Any] = {
        "people": items,
        "search": search,
        "total": total,
        **pager(page, total, PAGE_SIZE, url_for),
    }
    address = account_key(search)
    if address is not None and total == 0:
        # Someone invited who never registered: what is held about the address alone.
        context["address"] = address
        context["address_invitations"] = await erasure.invitations_to_address(session, address)
    notice = ADMIN_NOTICES.get(request.query_params.get("notice", ""))
    if notice:
        context["notice"] = notice
    return render(request, "admin/people.html", context)


@router.post("/addresses/erase", dependencies=[CsrfChecked])
async def erase_address(request: Request, session: SessionDep, admin: PageAdmin) -> Response:
    form = await read_form(request)
    address = account_key(form.get("email", ""))
    if address is None:
        return redirect("/admin/people")
    await erasure.erase_address(session, admin, address)
    return redirect("/admin/people", notice="address_erased")


@router.get("/people/{user_id}/export")
async def person_export(
    user_id: uuid.UUID, request: Request, session: SessionDep, admin: PageAdmin
) -> Response:
    person = await users.get_user(session, user_id)
    return zip_response(await build_export(session, admin, person, settings_of(request)))


@router.get("/people/{user_id}/erase")
async def confirm_erase(
    user_id: uuid.UUID, request: Request, session: SessionDep, admin: PageAdmin
) -> Response:
    person = await users.get_user(session, user_id)
    return render(
        request, "admin/confirm_erase.html", {"person": person, "is_self": person.id == admin.id}
    )


@router.post("/people/{user_id}/erase", dependencies=[CsrfChecked])
async def erase(
    user_id: uuid.UUID, request: Request, session: SessionDep, admin: PageAdmin
) -> Response:
    await erasure.erase_person(session, admin, user_id, settings_of(request))
    return redirect("/admin/people", notice="erased")
