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
from crisol.api import docs, problems
from crisol.api.guard import Guard, GuardMiddleware
from crisol.api.ingest import Ingestor
from crisol.api.models import ArticleCreate, ProblemPublic
from crisol.api.routes import (
    articles,
    attention,
    entities,
    events,
    ingest,
    outlets,
    quotes,
    saved,
    search,
    stories,
)
from crisol.api.warm import Warmer
from crisol.service.runner import Stages
from crisol.store import open_store

ROUTERS = (articles, ingest, stories, entities, quotes, events, search, outlets, attention, saved)
API_PREFIX = "/api"  # the web pages own the root (crisol.web); the schema stays at /openapi.json


def create_app(
    store_url: str,
    *,
    analyze: bool = True,
    stages: Stages | None = None,
    guard: Guard | None = None,
    warm: bool = False,
) -> FastAPI:
    """The API over the store at ``store_url`` (a path or a postgresql:// URL).

    ``analyze=False`` stores posted articles without the annotation stage (faster); ``stages``
    replaces the pipeline's stage functions (tests). ``guard`` says who may call it
    (:mod:`crisol.api.guard`; ``crisol serve`` sets hosts and a token); without one, writes are
    still refused from other browser origins and in the content types a foreign page can send.
    ``warm=True`` (``crisol serve``'s default) presents, once started, the views of the stories
    most recently changed in the background (:mod:`crisol.api.warm`; ``app.state.warmer``), so
    the first reader of one does not wait for it; off by default, so an app built for one
    call or a test does no work it did not ask for.
    """
    store = open_store(store_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.ingestor.open()
        app.state.ingestor.catch_up_soon()
        if warm:
            app.state.warmer.start()
        yield
        app.state.warmer.stop()
        app.state.ingestor.close()
        store.close()

    app = FastAPI(
        title="crisol",
        version=getattr(crisol, "__version__", "0"),
        description="News monitoring: articles, stories, entities, quotes and events, with full-text search.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load Swagger UI or ReDoc from a CDN: crisol.api.docs serves its own
        redoc_url=None,
    )
    app.state.store = store
    app.state.ingestor = Ingestor(store, analyze=analyze, stages=stages)
    # the warm-up starts no story while a posted input waits or is ingested
    app.state.warmer = Warmer(store, busy=lambda: app.state.ingestor.queued > 0)
    problems.install(app)
    app.state.guard = guard or Guard(hosts=None)
    app.add_middleware(GuardMiddleware, guard=app.state.guard)
    for module in ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    docs.install(app)
    _document_create_model(app)
    return app


def _document_create_model(app: FastAPI) -> None:
    """Add ArticleCreate to the schema: POST /articles reads its body raw, through the readers."""

    def openapi():
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["ArticleCreate"] = ArticleCreate.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components.setdefault("ProblemPublic", ProblemPublic.model_json_schema())
            document_problems(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


# What every answer may be beside the route's own: the guard's refusals (crisol.api.guard), the
# store being unavailable, and what writes and look-ups by id can answer.
_ANY = {
    "401": "The server's token is needed (writes; reads too on a server bound beyond loopback).",
    "421": "The Host header names no host this server answers to (start it with --allow-host NAME).",
    "503": "The store is unavailable.",
}
_WRITE = {
    "400": "An empty body, or a Content-Length that is no number.",
    "403": "A write from another origin or site.",
    "413": "The body is larger than the limit (checked before it is read).",
    "415": "Writes must be JSON (or JSON Lines) or a multipart upload.",
    "422": "The body is no article or list of articles, or nothing in it could be read (each record's reason listed).",
    "503": "The ingest queue is full (`Retry-After` says when to retry), or the store is unavailable.",
}
_VALIDATION = "A parameter is invalid; `input` names it."
_BY_ID = {"404": "Nothing has that id."}
_AMBIGUOUS = {"409": "The id prefix names more than one article."}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemPublic"}}}


def document_problems(schema: dict) -> None:
    """Every error answer of every operation documented as ``application/problem+json``
    (ProblemPublic, not FastAPI's validation shape), with the statuses the guard, the ingest
    queue and look-ups by id can answer, and the 200/202 answers of the writes."""
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            responses = op.setdefault("responses", {})
            extra = dict(_ANY)
            if method in ("post", "put", "patch", "delete"):
                extra.update(_WRITE)
            if "{id}" in path:
                extra.update(_BY_ID)
            if path.startswith(API_PREFIX + "/articles/{id}"):
                extra.update(_AMBIGUOUS)
            for status, description in extra.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[:1] in ("4", "5"):
                    response["content"] = _PROBLEM
                    if response.get("description") in (None, "", "Validation Error", "Successful Response"):
                        response["description"] = extra.get(
                            status, _VALIDATION if status == "422" else "A problem (RFC 7807)."
                        )
            if method == "post" and "201" in responses:  # the ingest routes
                created = responses["201"]
                responses.setdefault(
                    "200",
                    {"description": "Everything was already stored.", "content": created.get("content", {})},
                )
                responses.setdefault(
                    "202",
                    {
                        "description": "Queued (?background=true): the job to poll; `Location` is its URL.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/IngestJobPublic"}}
                        },
                    },
                )
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
