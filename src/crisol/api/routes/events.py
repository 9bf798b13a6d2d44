"""``/events``: PLOVER events, filtered by type, certainty, entity, outlet, language and date;
counts per day for charts, and a CSV download of the same selection."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Iterator, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from crisol.api.deps import StoreDep
from crisol.api.models import EventCountPublic, EventsPublic
from crisol.api.params import ArticleFilters, Paging, checked
from crisol.store import queries_api as qa
from crisol.store.queries_api import Filters

router = APIRouter(tags=["events"])

Certainty = Literal["asserted", "attributed", "alleged", "denied", "hypothetical"]
TypeQ = Annotated[str | None, Query(description="PLOVER type: CONSULT, AID, ASSAULT...")]
CertaintyQ = Annotated[Certainty | None, Query(description="How sure the source is.")]
EntityQ = Annotated[str | None, Query(description="Registry id of either actor.")]

CSV_COLUMNS = ["id", "article_id", "published", "outlet", "language", "type", "mode", "source", "target",
               "certainty", "attributed_to", "location", "date", "trigger", "sentence_text"]  # fmt: skip


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
    got = checked(qa.list_events, store, filters, type=type, certainty=certainty, entity=entity, article=article,
                  sort=page.sort or "-published", limit=page.limit, offset=page.offset)  # fmt: skip
    return EventsPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


@router.get("/events/counts", response_model=list[EventCountPublic])
def count_events(
    store: StoreDep, filters: ArticleFilters, type: TypeQ = None, certainty: CertaintyQ = None, entity: EntityQ = None
) -> list[EventCountPublic]:
    """Events per publication day and type, for the same filters."""
    return [EventCountPublic(**c) for c in qa.event_counts(store, filters, type=type, certainty=certainty,
                                                           entity=entity)]  # fmt: skip


def _csv_rows(store, filters: Filters, type, certainty, entity) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    offset = 0
    while True:
        got = qa.list_events(store, filters, type=type, certainty=certainty, entity=entity,
                             sort="-published", limit=qa.MAX_LIMIT, offset=offset)  # fmt: skip
        for e in got.items:
            row = {**e, "source": (e["source"] or {}).get("name"), "target": (e["target"] or {}).get("name")}
            writer.writerow([row[c] for c in CSV_COLUMNS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
        offset += len(got.items)
        if not got.items or offset >= got.total:
            return


@router.get("/events.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
def export_events(
    store: StoreDep, filters: ArticleFilters, type: TypeQ = None, certainty: CertaintyQ = None, entity: EntityQ = None
) -> StreamingResponse:
    """The selected events as CSV (one row each, actors by name)."""
    return StreamingResponse(
        _csv_rows(store, filters, type, certainty, entity),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="events.csv"'},
    )
