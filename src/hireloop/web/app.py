"""Plugging the web app into the FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from hireloop.web.errors import install_error_pages
from hireloop.web.pages import PAGE_ROUTERS
from hireloop.web.rendering import STATIC_DIR


def install_web(app: FastAPI) -> None:
    """Serve the pages and /static from the same server as the API; errors outside any
    page route (unknown address, wrong method, server error) get HTML pages too."""
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_pages(app)
