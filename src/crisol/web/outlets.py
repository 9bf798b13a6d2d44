"""The outlets directory (``/outlets``) and a collection's page (``/collections/NAME``).

Server-rendered like the other pages, from :mod:`crisol.service.outlets` (the records the CLI
and ``/api/outlets`` show); editing is the CLI's and the API's (PUT), so these pages only read.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crisol.service import outlets as svc
from crisol.store import Database, queries
from crisol.web.views import Urls

COLLECTION_ARTICLES = 20  # latest articles shown on a collection's page


def directory_page(store: Database, collection: str, country: str, media_type: str, q: str) -> dict[str, Any]:
    """The outlets, filtered like ``crisol outlets list``; an unknown collection is a problem."""
    problems = []
    try:
        items = svc.list_outlets(
            store,
            collection=collection or None,
            country=country or None,
            media_type=media_type or None,
            q=q or None,
        )
    except svc.UnknownName as e:
        items, problems = [], [str(e)]
    return {
        "outlets": items,
        "collections": svc.list_collections(store),
        "media_types": svc.MEDIA_TYPES,
        "countries": sorted({o["country"] for o in svc.list_outlets(store) if o["country"]}),
        "f": {"collection": collection, "country": country, "media_type": media_type, "q": q},
        "problems": problems,
    }


def collection_page(store: Database, name: str) -> dict[str, Any] | None:
    """A collection: its outlets, and the latest articles they published."""
    found = svc.get_collection(store, name)
    if found is None:
        return None
    latest = queries.list_articles(
        store, queries.Filters(collection=found["name"]), limit=COLLECTION_ARTICLES
    )
    languages = sorted({o["language"] for o in found["outlets"] if o["language"]})
    countries = sorted({o["country"] for o in found["outlets"] if o["country"]})
    return {"c": found, "latest": latest, "languages": languages, "countries": countries}


def router(db: Database, urls: Urls, page: Callable[..., HTMLResponse]) -> APIRouter:
    """The two pages, rendered by the pages' ``page`` (templates, security headers)."""
    r = APIRouter(include_in_schema=False)

    @r.get("/outlets", response_class=HTMLResponse)
    def outlets(request: Request, collection: str = "", country: str = "", type: str = "", q: str = ""):
        ctx = directory_page(db, collection.strip(), country.strip(), type.strip(), q.strip())
        return page(request, "outlets.html", 400 if ctx["problems"] else 200, **ctx)

    @r.get("/collections/{name}", response_class=HTMLResponse)
    def collection(request: Request, name: str):
        ctx = collection_page(db, name)
        if ctx is None:
            return page(request, "missing.html", 404, what="collection", ident=name, ambiguous=None)
        return page(request, "collection.html", **ctx)

    return r
