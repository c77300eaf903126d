"""Every page router of the web app. To add a page area, add its router here."""

from __future__ import annotations

from fastapi import APIRouter

from hireloop.web.pages import (
    account,
    admin,
    bias_report,
    candidate,
    exports,
    interviews,
    invitations,
    jobs,
    my_data,
    privacy,
    profile,
    recruiter,
    voice,
    webhooks,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    account.router,
    jobs.router,
    candidate.router,
    interviews.router,
    voice.router,
    # Before recruiter.router: its POST /recruiter/jobs/{id}/{action} would take ours.
    invitations.router,
    exports.router,
    recruiter.router,
    profile.router,
    bias_report.router,
    privacy.router,
    my_data.router,
    admin.router,
    webhooks.router,
)
