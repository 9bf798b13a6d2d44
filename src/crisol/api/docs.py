"""The interactive API docs at ``/docs``, from files crisol ships, so the page works offline.

FastAPI's own ``/docs`` page loads Swagger UI from a CDN: blank on a machine with no network.
This is FastAPI's self-hosting recipe (its page, our files): Swagger UI 5 from the package data
(``static/swagger-ui``; version, licence and hashes in its PROVENANCE.md), served under
``/docs/static``.

>>> from fastapi.testclient import TestClient
>>> from crisol.api import create_app
>>> with TestClient(create_app(":memory:", analyze=False)) as client:
...     page = client.get("/docs").text
...     "/docs/static/swagger-ui-bundle.js" in page, "cdn" in page.lower()
(True, False)
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = DOCS_URL + "/static"
SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"
# Swagger UI's defaults would send the schema to an online validator; the server has none.
PARAMETERS = {"validatorUrl": None}


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets on ``app`` (made with ``docs_url=None``, ``redoc_url=None``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=SWAGGER_UI), name="docs-static")

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{app.title} API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon-32x32.png",
            swagger_ui_parameters=PARAMETERS,
        )
