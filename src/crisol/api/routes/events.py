"""``/events``: PLOVER events, filtered by type, certainty, entity, outlet, language and date;
counts per day for charts, and a CSV download of the same selection (the CLI's export layout).

An event of ``/events`` is one article's report of it (as in ``crisol events --per-article``);
``/events/grouped`` lists events across sources (:mod:`crisol.present.cross_events`, as bare ``crisol
events`` does): one item per event however many articles report it, with their counts."""

from __future__ import annotations

from typing import Annotated, Iterator, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from crisol.api.deps import StoreDep
from crisol.api.models import CrossEventsPublic, EventCountPublic, EventsPublic
from crisol.api.params import ArticleFilters, OutletFilter, Paging, checked
from crisol.api.problems import Problem
from crisol.model import date_span
from crisol.service import events, exports
from crisol.store import queries as qa
from crisol.store.queries import Filters

router = APIRouter(tags=["events"])

Certainty = Literal["asserted", "attributed", "alleged", "denied", "hypothetical"]
TypeQ = Annotated[str | None, Query(description="PLOVER type: CONSULT, AID, ASSAULT...")]
CertaintyQ = Annotated[Certainty | None, Query(description="How sure the source is.")]
EntityQ = Annotated[str | None, Query(description="Registry id of either actor.")]


@router.get("/events", response_model=EventsPublic)
def list_events(
    store: StoreDep,
    filters: ArticleFilters,
    page: Paging,
    type: TypeQ = None,
    certainty: CertaintyQ = None,
    entity: EntityQ = None,
    article: Annotated[str | None, Query(description="Only this article's events.")] = None,
) -> EventsPublic:
    """Events, newest article first (sort: published, date, type)."""
    got = checked(
        qa.list_events,
        store,
        filters,
        type=type,
        certainty=certainty,
        entity=entity,
        article=article,
        sort=page.sort or "-published",
        limit=page.limit,
        offset=page.offset,
    )
    return EventsPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


def _event_day(value: str | None, name: str, last: bool = False):
    """A day, month or year (YYYY-MM-DD, YYYY-MM, YYYY) as its first (or last) day."""
    if not value:
        return None
    span = date_span(value.strip())
    if span is None:
        raise Problem(
            422,
            f"{name}={value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY",
            kind="invalid-parameters",
            input=name,
        )
    return span[1] if last else span[0]


@router.get(
    "/events/grouped",
    response_model=CrossEventsPublic,
    responses={
        422: {
            "description": "A bad parameter, or a selection too broad to group "
            "(give a type or a shorter date window)."
        }
    },
)
def list_grouped_events(
    store: StoreDep,
    page: Paging,
    type: TypeQ = None,
    certainty: CertaintyQ = None,
    entity: Annotated[
        str | None, Query(description="Registry id of an actor (its spellings match unlinked actors).")
    ] = None,
    actor: Annotated[
        str | None, Query(description="An actor's name, any case, or a registry spelling.")
    ] = None,
    since: Annotated[
        str | None, Query(description="The event's date overlaps from: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    until: Annotated[
        str | None, Query(description="The event's date overlaps until: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    outlets: OutletFilter = None,
) -> CrossEventsPublic:
    """Events across sources: one item per event however many articles report it, with the
    number of articles, outlets and independent sources (a rewrite or one agency's copies count
    once) and the weakest certainty of its reports; sort: support (most independent sources first), -date, date.
    ``outlet``/``collection``: an article of that outlet or collection reports the event.

    Grouping reads every report in the selection: one holding more than
    ``MAX_GROUPED_REPORTS`` (5,000) per-article events is refused with a 422 asking for a type or
    a shorter date window."""
    first, last = _event_day(since, "since"), _event_day(until, "until", last=True)
    ids, names = qa.actor_keys(store, entity, actor) if entity or actor else (set(), set())
    try:
        got = events.list_cross_events(
            store,
            type=type,
            entity_ids=ids,
            actor_names=names,
            since=first,
            until=last,
            certainty=certainty,
            sort=page.sort or "support",
            limit=page.limit,
            offset=page.offset,
            outlets=outlets,
        )
    except events.TooBroad as e:
        raise Problem(422, str(e), kind="too-broad", input="since") from None
    except ValueError as e:  # a bad sort key
        raise Problem(422, str(e), kind="invalid-parameters", input=str(e).split(" ", 1)[0]) from None
    return CrossEventsPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


@router.get("/events/counts", response_model=list[EventCountPublic])
def count_events(
    store: StoreDep,
    filters: ArticleFilters,
    type: TypeQ = None,
    certainty: CertaintyQ = None,
    entity: EntityQ = None,
) -> list[EventCountPublic]:
    """Events per publication day and type, for the same filters."""
    return [
        EventCountPublic(**c)
        for c in qa.event_counts(store, filters, type=type, certainty=certainty, entity=entity)
    ]


def _csv_rows(store, filters: Filters, type, certainty, entity) -> Iterator[str]:
    return exports.event_csv_lines(_all_events(store, filters, type, certainty, entity))


def _all_events(store, filters: Filters, type, certainty, entity) -> Iterator[dict]:
    offset = 0
    while True:
        got = qa.list_events(
            store,
            filters,
            type=type,
            certainty=certainty,
            entity=entity,
            sort="-published",
            limit=qa.MAX_LIMIT,
            offset=offset,
        )
        yield from got.items
        offset += len(got.items)
        if not got.items or offset >= got.total:
            return


@router.get("/events.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}})
def export_events(
    store: StoreDep,
    filters: ArticleFilters,
    type: TypeQ = None,
    certainty: CertaintyQ = None,
    entity: EntityQ = None,
) -> StreamingResponse:
    """The selected events as CSV: one row per article's report, in the GDELT-like layout of
    ``crisol export --what events --format csv`` (actors with country, sector and entity; the
    article, outlet, url, story)."""
    return StreamingResponse(
        _csv_rows(store, filters, type, certainty, entity),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="events.csv"'},
    )
