"""``/search``: full-text search over articles, quotes, entities and stories."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from crisol.api.deps import IngestorDep, StoreDep
from crisol.api.models import SearchResultsPublic
from crisol.api.params import ArticleFilters, Paging
from crisol.api.problems import Problem
from crisol.service.search import expansion_dict, hit_dict
from crisol.store import search as fts

router = APIRouter(tags=["search"])

Kind = Literal["article", "quote", "entity", "story"]


@router.get("/search", response_model=SearchResultsPublic)
def search(
    store: StoreDep,
    ingestor: IngestorDep,
    filters: ArticleFilters,
    page: Paging,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=fts.MAX_QUERY_CHARS,
            description=(
                'Words (all must match), "a phrase", word*, a OR b. A repeated term counts once; at most '
                f"{fts.MAX_QUERY_TERMS} distinct words and {fts.MAX_QUERY_CHARS:,} characters (else a 422 problem naming q)."
            ),
        ),
    ],
    kind: Annotated[list[Kind] | None, Query(description="Only these kinds (repeatable).")] = None,
    exact: Annotated[
        bool,
        Query(
            description="Search the words as written only. By default a word or phrase naming a registry "
            "entity also searches the entity's other spellings (listed in `expanded`)."
        ),
    ] = False,
) -> SearchResultsPublic:
    """Ranked matches, best first, with highlighted snippets; accents and word endings do not
    matter (Spanish and English stemming)."""
    if page.sort not in (None, "-score", "score"):
        raise Problem(
            422,
            f"search results are sorted by score only; got sort={page.sort!r}",
            kind="invalid-parameters",
            input="sort",
        )
    ingestor.catch_up_soon()
    try:
        got = fts.search(
            store,
            q,
            kinds=kind,
            language=filters.language,
            outlet=filters.outlet,
            collection=filters.collection,
            since=filters.since,
            until=filters.until,
            limit=page.limit,
            offset=page.offset,
            exact=exact,
        )
    except fts.QueryTooLong as e:
        raise Problem(422, f"q: {e}", kind="query-too-long", input="q") from None
    data = [hit_dict(h) for h in got.hits]
    return SearchResultsPublic(
        query=q,
        exact=exact,
        expanded=[expansion_dict(e) for e in got.expansions],
        data=data,
        count=got.total,
        limit=got.limit,
        offset=got.offset,
    )
