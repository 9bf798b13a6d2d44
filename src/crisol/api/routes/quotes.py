"""``/quotes``: who said what, filtered by speaker, entity, outlet, language and date."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from crisol.api.deps import StoreDep
from crisol.api.models import QuotesPublic
from crisol.api.params import ArticleFilters, Paging, checked
from crisol.store import queries as qa

router = APIRouter(tags=["quotes"])


@router.get("/quotes", response_model=QuotesPublic)
def list_quotes(
    store: StoreDep,
    filters: ArticleFilters,
    page: Paging,
    entity: Annotated[str | None, Query(description="Registry id of the speaker.")] = None,
    speaker: Annotated[str | None, Query(description="Speaker as written, any case.")] = None,
    kind: Annotated[Literal["direct", "indirect", "stance"] | None, Query()] = None,
    article: Annotated[str | None, Query(description="Only this article's quotes.")] = None,
) -> QuotesPublic:
    """Quotes, newest article first (sort: published, speaker)."""
    got = checked(
        qa.list_quotes,
        store,
        filters,
        entity=entity,
        speaker=speaker,
        kind=kind,
        article=article,
        sort=page.sort or "-published",
        limit=page.limit,
        offset=page.offset,
    )
    return QuotesPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)
