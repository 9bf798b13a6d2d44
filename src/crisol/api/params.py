"""Query parameters shared by the listings: filters, dates, paging and sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Callable, TypeVar

from fastapi import Depends, Query

from crisol.api.deps import StoreDep
from crisol.api.problems import Problem
from crisol.model import parse_moment
from crisol.service.outlets import UnknownName, outlet_names
from crisol.store.queries import MAX_LIMIT, MAX_OFFSET, Filters

T = TypeVar("T")


def parse_when(value: str | None, name: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (UTC when naive).

    A bare date is the start of that day, or its end for ``until`` (so ``until=2025-07-12``
    includes the 12th).

    >>> parse_when("2025-07-12", "until", end_of_day=True).isoformat()
    '2025-07-12T23:59:59.999999+00:00'
    """
    if not value:
        return None
    try:
        return parse_moment(value.strip(), end_of_day)
    except ValueError:
        raise Problem(
            422,
            f"{name}={value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM",
            kind="invalid-parameters",
            input=name,
        ) from None


@dataclass
class PageParams:
    limit: int
    offset: int
    sort: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip (at most {MAX_OFFSET:,}).")
    ] = 0,
    sort: Annotated[str | None, Query(description="Sort key; a leading - sorts descending.")] = None,
) -> PageParams:
    return PageParams(limit, offset, sort)


def article_filters(
    store: StoreDep,
    outlet: Annotated[
        str | None, Query(description="Outlet name (any case), one of its spellings, or a domain.")
    ] = None,
    collection: Annotated[str | None, Query(description="Only the outlets of this collection.")] = None,
    language: Annotated[str | None, Query(description="Language code: es, en...")] = None,
    since: Annotated[str | None, Query(description="Published on or after (YYYY-MM-DD[THH:MM]).")] = None,
    until: Annotated[
        str | None, Query(description="Published on or before; a bare date includes the day.")
    ] = None,
) -> Filters:
    filters = Filters(
        outlet=outlet,
        language=language,
        since=parse_when(since, "since"),
        until=parse_when(until, "until", end_of_day=True),
        collection=collection,
    )
    try:  # resolved here, once, for every route (crisol.service.outlets.outlet_names)
        return filters.resolved(store)
    except UnknownName as e:
        raise Problem(422, str(e), kind="invalid-parameters", input="collection") from None


def outlet_filter(
    store: StoreDep,
    outlet: Annotated[
        str | None, Query(description="Outlet name (any case), one of its spellings, or a domain.")
    ] = None,
    collection: Annotated[str | None, Query(description="Only the outlets of this collection.")] = None,
) -> list[str] | None:
    """The ``articles.outlet`` spellings an outlet and a collection keep (None: no filter), for
    the listings that are not of articles (entities, grouped events)."""
    if not (outlet or collection):
        return None
    try:
        return outlet_names(store, collection=collection, outlet=outlet)
    except UnknownName as e:
        raise Problem(422, str(e), kind="invalid-parameters", input="collection") from None


Paging = Annotated[PageParams, Depends(page_params)]
ArticleFilters = Annotated[Filters, Depends(article_filters)]
OutletFilter = Annotated[list[str] | None, Depends(outlet_filter)]


def checked(call: Callable[..., T], *args, **kwargs) -> T:
    """Run a store query; its ValueError (a bad sort key, say) becomes a 422 naming the input."""
    try:
        return call(*args, **kwargs)
    except ValueError as e:
        name = str(e).split(" ", 1)[0]
        raise Problem(422, str(e), kind="invalid-parameters", input=name) from None
