"""Steps that cannot be undone ask first even without JavaScript: a form posted without
the ``confirmed=1`` that static/confirm.js adds gets a confirmation page and changes
nothing; the page's "Yes" posts the same action with it, and that acts."""

from __future__ import annotations

import html
import re
from typing import Any

from httpx import AsyncClient, Response

from hireloop.auth.models import UserRole
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.web.forms import csrf_of, submit, web_login


async def _made(client: AsyncClient, app: object) -> dict[str, Any]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, title="Platform Engineer", company="Northwind")
    candidate = await register_candidate(client, name="Cleo Careful")
    application = await apply(client, candidate["access_token"], job["id"])
    await web_login(client, candidate["user"]["email"])
    return {"recruiter": recruiter, "candidate": candidate, "app": application}


async def _status(client: AsyncClient, made: dict[str, Any]) -> str:
    url = f"/api/v1/applications/{made['app']['id']}"
    seen = await client.get(url, headers=auth(made["candidate"]["access_token"]))
    return str(seen.json()["status"])


def _yes_form(page: Response, action: str) -> dict[str, str]:
    """The hidden fields of the confirmation page's form, which must post to ``action``."""
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    assert form and html.unescape(form.group(1)) == action, page.text
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)))


async def test_withdrawing_without_javascript_asks_on_a_page_first(
    client: AsyncClient, app: object
) -> None:
    made = await _made(client, app)
    action = f"/applications/{made['app']['id']}/withdraw"
    asked = await submit(client, "/applications", action)
    assert asked.status_code == 200
    assert "<h1" in asked.text and "Withdraw your application for Platform Engineer?" in asked.text
    assert "Northwind will no longer consider you" in asked.text
    assert "Yes, withdraw application" in asked.text
    assert 'href="/applications">Cancel</a>' in asked.text
    fields = _yes_form(asked, action)
    assert fields["confirmed"] == "1" and fields["csrf_token"] == csrf_of(asked)
    assert await _status(client, made) == "interview_scheduled"  # nothing happened yet
    done = await client.post(action, data=fields)
    assert done.status_code == 303 and done.headers["location"].endswith("notice=withdrawn")
    assert await _status(client, made) == "withdrawn"
    # Asking again about a withdrawn application says it is no longer possible.
    again = await submit(client, "/applications", action)
    assert again.status_code == 409


async def test_finishing_without_javascript_asks_on_a_page_first(
    client: AsyncClient, app: object
) -> None:
    made = await _made(client, app)
    started = await submit(client, "/applications", f"/applications/{made['app']['id']}/start")
    url = started.headers["location"]
    asked = await submit(client, url, f"{url}/finish")
    assert asked.status_code == 200 and "Finish the interview now?" in asked.text
    assert "You have answered 0 questions" in html.unescape(asked.text)
    assert "Yes, finish interview" in asked.text and f'href="{url}">Cancel</a>' in asked.text
    assert (await client.get(url)).status_code == 200  # still under way: no redirect
    done = await client.post(f"{url}/finish", data=_yes_form(asked, f"{url}/finish"))
    assert done.status_code == 303 and done.headers["location"] == f"{url}/results"
    assert (await client.get(url)).headers["location"] == f"{url}/results"


async def test_a_final_decision_without_javascript_asks_on_a_page_first(
    client: AsyncClient, app: object
) -> None:
    made = await _made(client, app)
    me = (await client.get("/api/v1/auth/me", headers=auth(made["recruiter"]))).json()
    client.cookies.clear()
    await web_login(client, me["email"])
    review = f"/recruiter/applications/{made['app']['id']}"
    asked = await submit(client, review, f"{review}/status", {"status": "rejected"})
    assert asked.status_code == 200 and "Reject Cleo Careful?" in asked.text
    assert "their interview can no longer be started" in asked.text
    fields = _yes_form(asked, f"{review}/status")
    assert fields["status"] == "rejected" and fields["confirmed"] == "1"
    assert await _status(client, made) == "interview_scheduled"
    done = await client.post(f"{review}/status", data=fields)
    assert done.status_code == 303
    assert await _status(client, made) == "rejected"


async def test_others_are_refused_before_any_question_is_asked(
    client: AsyncClient, app: object
) -> None:
    made = await _made(client, app)
    client.cookies.clear()
    intruder = await register_candidate(client, name="Ivo Intruder")
    await web_login(client, intruder["user"]["email"])
    for action in (
        f"/applications/{made['app']['id']}/withdraw",
        f"/interviews/{made['app']['interview']['id']}/finish",
        f"/recruiter/applications/{made['app']['id']}/status",
    ):
        refused = await submit(client, "/applications", action, {"status": "rejected"})
        assert refused.status_code in (403, 404), action
        assert "Platform Engineer" not in refused.text and "Cleo" not in refused.text
    assert await _status(client, made) == "interview_scheduled"
    # The JSON API never asks: it acts on the first call, as before.
    withdrawn = await client.post(
        f"/api/v1/applications/{made['app']['id']}/withdraw",
        headers=auth(made["candidate"]["access_token"]),
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
