"""Admin pages for webhooks: the endpoints (add one, switch it off or on, remove it) and
one endpoint's delivery log with redelivery. The same services as the API."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import InvalidInput, NotFound
from hireloop.outbox.events import EventType
from hireloop.web.forms import field_errors
from hireloop.web.rendering import PageRoute, page_number, pager, redirect, render
from hireloop.web.session import CsrfChecked, PageAdmin
from hireloop.webhooks import service
from hireloop.webhooks.models import WebhookEndpoint
from hireloop.webhooks.router import read_delivery
from hireloop.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate

router = APIRouter(prefix="/admin/webhooks", route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 20
NOTICES = {
    "enabled": "The endpoint is switched on.",
    "disabled": "The endpoint is switched off: nothing more is sent to it.",
    "removed": "The endpoint was removed.",
    "redelivered": "The delivery is queued again.",
}
EVENT_LABELS = {
    EventType.application_created: "A candidate applies",
    EventType.application_status_changed: "An application's status changes",
    EventType.interview_started: "An interview starts",
    EventType.interview_completed: "An interview is completed (with the results summary)",
    EventType.job_posting_status_changed: "A job posting is paused, closed or reopened",
}


def _endpoint_view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {"endpoint": endpoint, "events": sorted(service.events_of(endpoint))}


async def _list_page(
    request: Request,
    session: SessionDep,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    created: WebhookEndpoint | None = None,
    status_code: int = 200,
) -> Response:
    endpoints = await service.list_endpoints(session)
    context: dict[str, Any] = {
        "endpoints": [_endpoint_view(endpoint) for endpoint in endpoints],
        "event_choices": [(event.value, label) for event, label in EVENT_LABELS.items()],
        "values": values or {"events": []},
        "errors": errors or {},
        "created": created,
    }
    notice = NOTICES.get(request.query_params.get("notice", ""))
    if notice:
        context["notice"] = notice
    return render(request, "admin/webhooks.html", context, status_code=status_code)


@router.get("")
async def webhooks_page(request: Request, session: SessionDep, _admin: PageAdmin) -> Response:
    return await _list_page(request, session)


@router.post("", dependencies=[CsrfChecked])
async def add_endpoint(request: Request, session: SessionDep, admin: PageAdmin) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "url": str(form.get("url", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "events": [str(event) for event in form.getlist("events")],
    }
    try:
        data = WebhookEndpointCreate.model_validate(values)
        endpoint = await service.create_endpoint(session, admin, data, settings_of(request))
    except ValidationError as exc:
        errors = field_errors(exc)
        if "events" in errors:
            errors["events"] = "Choose at least one event."
        return await _list_page(request, session, values=values, errors=errors, status_code=422)
    except InvalidInput as exc:
        message = exc.detail.removeprefix("url: ")
        message = message[:1].upper() + message[1:] + "."
        return await _list_page(
            request, session, values=values, errors={"url": message}, status_code=422
        )
    # The secret is shown in this answer only (never in a URL, never again).
    return await _list_page(request, session, created=endpoint, status_code=201)


@router.get("/{endpoint_id}")
async def endpoint_page(
    endpoint_id: uuid.UUID, request: Request, session: SessionDep, _admin: PageAdmin
) -> Response:
    endpoint = await service.get_endpoint(session, endpoint_id)
    page = page_number(request)
    messages, attempts, total = await service.list_deliveries(
        session, endpoint_id, (page - 1) * PAGE_SIZE, PAGE_SIZE
    )
    context: dict[str, Any] = {
        **_endpoint_view(endpoint),
        "deliveries": [read_delivery(message, attempts[message.id]) for message in messages],
        "total": total,
        **pager(page, total, PAGE_SIZE, lambda n: f"/admin/webhooks/{endpoint_id}?page={n}"),
    }
    notice = NOTICES.get(request.query_params.get("notice", ""))
    if notice:
        context["notice"] = notice
    return render(request, "admin/webhook.html", context)


@router.post("/{endpoint_id}/switch", dependencies=[CsrfChecked])
async def switch_endpoint(
    endpoint_id: uuid.UUID, request: Request, session: SessionDep, admin: PageAdmin
) -> Response:
    form = await request.form()
    enabled = form.get("enabled") == "true"
    update = WebhookEndpointUpdate(enabled=enabled)
    await service.update_endpoint(session, admin, endpoint_id, update, settings_of(request))
    return redirect(f"/admin/webhooks/{endpoint_id}", "enabled" if enabled else "disabled")


@router.post("/{endpoint_id}/remove", dependencies=[CsrfChecked])
async def remove_endpoint(
    endpoint_id: uuid.UUID, session: SessionDep, admin: PageAdmin
) -> Response:
    await service.delete_endpoint(session, admin, endpoint_id)
    return redirect("/admin/webhooks", "removed")


@router.post("/{endpoint_id}/deliveries/{delivery_id}/redeliver", dependencies=[CsrfChecked])
async def redeliver(
    endpoint_id: uuid.UUID, delivery_id: str, session: SessionDep, admin: PageAdmin
) -> Response:
    if not delivery_id.isdigit() or len(delivery_id) > 18:
        raise NotFound("There is no such delivery.")
    await service.redeliver_message(session, admin, endpoint_id, int(delivery_id))
    return redirect(f"/admin/webhooks/{endpoint_id}", "redelivered")
