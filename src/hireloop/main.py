"""The application factory: settings, engine, routers and error handlers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from hireloop.api_docs import install_api_docs
from hireloop.applications.router import router as applications_router
from hireloop.audit.router import router as audit_router
from hireloop.auth.router import router as auth_router
from hireloop.config import Settings, get_settings
from hireloop.consent.router import router as consent_router
from hireloop.db import create_engine, create_sessionmaker
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.providers import close_providers
from hireloop.errors import install_error_handlers
from hireloop.exports.router import router as exports_router
from hireloop.fairness.router import admin_router as bias_report_router
from hireloop.fairness.router import me_router as self_identification_router
from hireloop.health import router as health_router
from hireloop.interviews.router import router as interviews_router
from hireloop.interviews.sweeper import idle_sweeper
from hireloop.invitations.router import router as invitations_router
from hireloop.jobs.router import router as jobs_router
from hireloop.logging import RequestIdMiddleware, configure_logging
from hireloop.mail.digest import recruiter_digest
from hireloop.mail.outbox import RememberBaseUrl
from hireloop.outbox.channels import load_channels
from hireloop.outbox.pacing import CountRequests, RequestsInFlight
from hireloop.outbox.worker import outbox_worker
from hireloop.privacy.router import address_router as privacy_address_router
from hireloop.privacy.router import admin_router as privacy_admin_router
from hireloop.privacy.router import me_router
from hireloop.privacy.scheduler import retention_purger
from hireloop.ratelimit import create_rate_limiter
from hireloop.resumes.router import router as resumes_router
from hireloop.security.install import install_security
from hireloop.users.router import router as users_router
from hireloop.voice.provider import close_speech_providers
from hireloop.voice.router import router as voice_router
from hireloop.web.app import install_web
from hireloop.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"


def _freeze_startup_objects() -> None:
    """Move what startup built out of the garbage collector's sight, once per process.

    The knowledge packs, models and routes live as long as the process; frozen, the
    collector's full passes no longer walk them again and again. (A one-off measurement
    during bench.start_interview, with gc callbacks: full passes went from about 150 ms
    to about 40 ms; each stalls every request in flight.)
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    load_channels()  # every outbox channel registers its sender and event subscribers
    requests_in_flight = RequestsInFlight()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        get_knowledge()  # validate every knowledge pack before taking traffic
        settings.jwt_secret_value()  # create the local secret once, up front
        _freeze_startup_objects()
        engine = create_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.rate_limiter = create_rate_limiter(settings)
        try:
            async with (
                idle_sweeper(app.state.sessionmaker, settings),
                retention_purger(app.state.sessionmaker, settings),
                recruiter_digest(app.state.sessionmaker, settings),
                outbox_worker(app.state.sessionmaker, settings, requests_in_flight),
            ):
                yield
        finally:
            await close_providers()  # a language model's HTTP connections, if any
            await close_speech_providers()
            await app.state.rate_limiter.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Hireloop",
        version="0.1.0",
        description="Job-driven adaptive interviews: browse jobs, apply, interview, get results.",
        lifespan=lifespan,
        docs_url=None,  # served by install_api_docs, without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(RememberBaseUrl)  # links in the emails a request causes
    install_security(app, settings)  # body limits, content types, headers, CORS
    app.add_middleware(CountRequests, requests=requests_in_flight)  # the worker gives way

    api = APIRouter(prefix=API_PREFIX)
    for router in (
        auth_router,
        jobs_router,
        applications_router,
        interviews_router,
        voice_router,
        users_router,
        resumes_router,
        self_identification_router,
        bias_report_router,
        consent_router,
        me_router,
        privacy_admin_router,
        privacy_address_router,
        audit_router,
        invitations_router,
        exports_router,
        webhooks_router,
    ):
        api.include_router(router)
    app.include_router(api)
    app.include_router(health_router)
    install_api_docs(app)
    install_web(app)  # the server-rendered pages and /static
    return app
