"""The API documentation pages, /docs (Swagger UI) and /redoc (ReDoc), working offline.

Their scripts and styles are the builds the ``fastapi-offline`` package ships (kept up to
date with Swagger UI 5 and ReDoc 2 releases), served from this server under
``/docs/assets``: no CDN, so the docs work on a disconnected network. The pages carry no
inline script (``/static/api-docs.js`` starts either viewer from the page's data
attributes), so their Content-Security-Policy (``security.headers.DOCS_CSP``) allows scripts
from this server only.

FastAPI's own OAuth2 redirect page is not served: it is needed only by the
authorization-code and implicit flows, and the API's *Authorize* button uses the
password flow.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
# FastAPI's defaults for Swagger UI (fastapi.openapi.docs.swagger_ui_default_parameters).
SWAGGER_PARAMETERS = {
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{root}{assets}/favicon.png">
{styles}
</head>
<body>
<noscript>The API documentation needs JavaScript. The API description itself is at
<a href="{openapi}">{openapi}</a>.</noscript>
<div id="{element}" data-config="{config}"></div>
<script src="{root}{assets}/{bundle}"></script>
<script src="{root}/static/api-docs.js"></script>
</body>
</html>
"""


def _page(request: Request, app: FastAPI, viewer: str) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    openapi = f"{root}{app.openapi_url}"
    if viewer == "swagger":
        config = {**SWAGGER_PARAMETERS, **(app.swagger_ui_parameters or {}), "url": openapi}
        element, bundle, title = "swagger-ui", "swagger-ui-bundle.js", "Swagger UI"
        styles = f'<link rel="stylesheet" href="{root}{ASSETS_URL}/swagger-ui.css">'
    else:
        config = {"url": openapi}
        element, bundle, title, styles = "redoc", "redoc.standalone.js", "ReDoc", ""
    body = _PAGE.format(
        title=html.escape(f"{app.title} API · {title}"),
        root=html.escape(root),
        assets=ASSETS_URL,
        styles=styles,
        openapi=html.escape(openapi),
        element=element,
        config=html.escape(json.dumps(config)),
        bundle=bundle,
    )
    return HTMLResponse(body)


def install_api_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc (create the app with ``docs_url=None, redoc_url=None``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="api-docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _page(request, app, "swagger")

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _page(request, app, "redoc")
