"""``/attention``: attention over time for a query, an entity or a story (JSON or CSV)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from crisol.api.deps import StoreDep
from crisol.api.params import parse_when
from crisol.api.problems import Problem
from crisol.service.attention import CSV_TABLES, Selection, attention, compare, csv_text, kept_outlets
from crisol.store import search as fts
from crisol.store.outlets import UnknownName

router = APIRouter(tags=["attention"])


@router.get(
    "/attention",
    responses={
        200: {
            "content": {"application/json": {}, "text/csv": {}},
            "description": "JSON, or with format=csv one table",
        }
    },
)
def attention_route(
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=fts.MAX_QUERY_CHARS, description="Search query.")] = None,
    entity: Annotated[str | None, Query(description="A registry entity id.")] = None,
    story: Annotated[str | None, Query(description="A story id.")] = None,
    compare_q: Annotated[
        str | None, Query(alias="compare", description="A second query, counted over the same periods.")
    ] = None,
    interval: Annotated[Literal["day", "week"], Query(description="Counts per day or per week.")] = "day",
    outlet: Annotated[
        list[str] | None, Query(description="Only these outlets (repeatable, any case).")
    ] = None,
    collection: Annotated[str | None, Query(description="Only the outlets of this collection.")] = None,
    language: Annotated[str | None, Query(description="Language code: es, en...")] = None,
    since: Annotated[str | None, Query(description="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[
        str | None, Query(description="Published on or before; a bare date includes the day.")
    ] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json, or csv (one table).")] = "json",
    table: Annotated[str, Query(description=f"The CSV table: {', '.join(CSV_TABLES)}.")] = "timeline",
) -> Any:
    """Articles, outlets and independent sources per day or week, and the top outlets,
    languages, entities and words over the period; ``compare`` adds a second query."""
    try:
        outlets = kept_outlets(store, outlet, collection)
    except UnknownName as e:
        raise Problem(422, str(e), kind="invalid-parameters", input="collection") from None
    common = dict(
        outlets=outlets,
        language=language,
        since=parse_when(since, "since"),
        until=parse_when(until, "until", end_of_day=True),
    )
    selections = [Selection(q=q, entity=entity, story=story, **common)]
    if compare_q:
        selections.append(Selection(q=compare_q, **common))
    if table not in CSV_TABLES:
        raise Problem(
            422, f"table must be one of {', '.join(CSV_TABLES)}", kind="invalid-parameters", input="table"
        )
    try:
        results = (
            compare(store, selections, interval) if compare_q else [attention(store, selections[0], interval)]
        )
    except fts.QueryTooLong as e:
        raise Problem(422, f"q: {e}", kind="query-too-long", input="q") from None
    if format == "csv":
        headers = {"Content-Disposition": f'attachment; filename="attention-{table}.csv"'}
        return Response(csv_text(results, table), media_type="text/csv; charset=utf-8", headers=headers)
    return {"data": [r.to_dict() for r in results]}
