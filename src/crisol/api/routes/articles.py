"""``/articles``: list with filters, one article in full, its raw input; POST to ingest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from crisol.api.deps import StoreDep
from crisol.api.models import ArticlePublic, ArticlesPublic
from crisol.api.params import ArticleFilters, Paging, checked
from crisol.api.problems import Problem
from crisol.store import Store
from crisol.store import queries as qa

router = APIRouter(tags=["articles"])


def resolve(store: Store, id_or_prefix: str) -> str:
    """The full article id, or a 404 / 409 problem naming the id given."""
    found = store.resolve_id(id_or_prefix)  # an ambiguous prefix: 409 (crisol.api.problems)
    if found is None:
        raise Problem(404, f"no article with id {id_or_prefix!r}", kind="not-found", input="id")
    return found


@router.get("/articles", response_model=ArticlesPublic)
def list_articles(
    store: StoreDep,
    filters: ArticleFilters,
    page: Paging,
    entity: Annotated[str | None, Query(description="Registry entity id mentioned in the article.")] = None,
) -> ArticlesPublic:
    """Articles, newest first by default (sort: published, ingested, id; `-` descending)."""
    got = checked(
        qa.list_articles,
        store,
        filters,
        entity=entity,
        sort=page.sort or "-published",
        limit=page.limit,
        offset=page.offset,
    )
    return ArticlesPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


@router.get("/articles/{id}", response_model=ArticlePublic)
def get_article(store: StoreDep, id: str) -> ArticlePublic:
    """One article in full (an unambiguous id prefix is enough): its quotes and events in the
    shapes of ``/quotes`` and ``/events``, each mention with its registry name, its story."""
    article = qa.get_article(store, resolve(store, id))
    if article is None:  # deleted between the two calls
        raise Problem(404, f"no article with id {id!r}", kind="not-found", input="id")
    return ArticlePublic.model_validate(article)


@router.get(
    "/articles/{id}/raw",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def get_raw(store: StoreDep, id: str) -> Response:
    """The input bytes the article was read from, exactly; served as a download, never rendered."""
    full = resolve(store, id)
    data = store.raw_bytes(full) or b""
    headers = {
        "Content-Disposition": f'attachment; filename="{full}.raw"',
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type="application/octet-stream", headers=headers)
