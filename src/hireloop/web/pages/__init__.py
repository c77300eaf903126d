"""Every page router of the web app. To add a page area, add its router here."""

from __future__ import annotations

from fastapi import APIRouter

from hireloop.web.pages import (
    account,
    admin,
    candidate,
    interviews,
    jobs,
    privacy,
    profile,
    recruiter,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    account.router,
    jobs.router,
    candidate.router,
    interviews.router,
    recruiter.router,
    profile.router,
    privacy.router,
    admin.router,
)
