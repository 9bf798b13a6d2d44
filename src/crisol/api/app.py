"""The FastAPI application: one store, one ingest worker, a router per resource.

>>> from fastapi.testclient import TestClient
>>> with TestClient(create_app(":memory:", analyze=False)) as client:
...     client.get("/api/articles").json()["count"]
0
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

import crisol
from crisol.api import problems
from crisol.api.guard import Guard, GuardMiddleware
from crisol.api.ingest import Ingestor
from crisol.api.models import ArticleCreate
from crisol.api.routes import articles, entities, events, ingest, quotes, search, stories
from crisol.pipeline import Stages
from crisol.store import open_store

ROUTERS = (articles, ingest, stories, entities, quotes, events, search)
API_PREFIX = "/api"  # the web pages own the root (crisol.web); the schema stays at /openapi.json


def create_app(store_url: str, *, analyze: bool = True, stages: Stages | None = None,
               guard: Guard | None = None) -> FastAPI:
    """The API over the store at ``store_url`` (a path or a postgresql:// URL).

    ``analyze=False`` stores posted articles without the annotation stage (faster); ``stages``
    replaces the pipeline's stage functions (tests). ``guard`` says who may call it
    (:mod:`crisol.api.guard`; ``crisol serve`` sets hosts and a token); without one, writes are
    still refused from other browser origins and in the content types a foreign page can send.
    """
    store = open_store(store_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.ingestor.catch_up_soon()
        yield
        app.state.ingestor.close()
        store.close()

    app = FastAPI(
        title="crisol",
        version=getattr(crisol, "__version__", "0"),
        description="News monitoring: articles, stories, entities, quotes and events, with full-text search.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.ingestor = Ingestor(store, analyze=analyze, stages=stages)
    problems.install(app)
    app.state.guard = guard or Guard(hosts=None)
    app.add_middleware(GuardMiddleware, guard=app.state.guard)
    for module in ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    _document_create_model(app)
    return app


def _document_create_model(app: FastAPI) -> None:
    """Add ArticleCreate to the schema: POST /articles reads its body raw, through the readers."""

    def openapi():
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)  # fmt: skip
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["ArticleCreate"] = ArticleCreate.model_json_schema(ref_template="#/components/schemas/{model}")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
