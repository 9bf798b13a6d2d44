"""``crisol events``: the stored PLOVER events, filtered by actor, type, date and certainty.

``--format csv`` writes one row per event in a GDELT-like layout (:data:`EVENT_CSV_COLUMNS`):
the event, its two actors with country and sector codes, what and how sure, where, the
sentence, and the article it was read in (id, outlet, url). ``crisol export --what events
--format csv`` writes the same columns.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterable, Optional

import typer

from crisol.cli._common import err, open_store
from crisol.cli.entities import events_table, find_entity, print_table, wide_console
from crisol.store.queries import AnnotationQueries, EventRow, date_span


class Certainty(str, Enum):
    asserted = "asserted"
    attributed = "attributed"
    alleged = "alleged"
    denied = "denied"
    hypothetical = "hypothetical"


class EventsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# One row per event, GDELT-like: id and date, actor 1 (source), actor 2 (target), the PLOVER
# type and mode (GDELT's event code), certainty, place, where it was read (SOURCEURL), and the
# story the article belongs to (its other articles report the same events from other sources).
EVENT_CSV_COLUMNS = [
    "event_id", "date", "date_precision",
    "source_name", "source_country", "source_sector", "source_entity",
    "target_name", "target_country", "target_sector", "target_entity",
    "type", "mode", "certainty", "attributed_to", "location", "trigger", "sentence",
    "article", "outlet", "url", "published", "story",
]  # fmt: skip


def event_csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """An event in its JSON shape (:meth:`EventRow.to_dict`) flattened to the CSV columns."""
    flat = {k: row.get(k) for k in EVENT_CSV_COLUMNS}
    flat["event_id"] = row.get("id")
    for role in ("source", "target"):
        actor = row.get(role) or {}
        for key, column in (("name", "name"), ("country", "country"), ("sector", "sector"), ("entity_id", "entity")):
            flat[f"{role}_{column}"] = actor.get(key)
    return flat


def write_events_csv(rows: Iterable[dict[str, Any]], out) -> int:
    writer = csv.DictWriter(out, fieldnames=EVENT_CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow({k: "" if v is None else v for k, v in event_csv_row(row).items()})
    return n


def _day(value: str | None, option: str, last: bool = False) -> date | None:
    """A --since/--until value: a day, or a month or year (its first day, or its last for --until)."""
    if value is None:
        return None
    span = date_span(value.strip())
    if span is None:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY", param_hint=option)
    return span[1] if last else span[0]


def select_events(queries: AnnotationQueries, actor: str | None, **filters: Any) -> list[EventRow]:
    """Events matching the filters.

    ``actor`` is looked up in the registry first: every spelling of the entity it names counts
    (all the entities it may name, when it is a part of several names: ``--actor Kim``). A name
    the registry does not know is matched as a plain actor name, case-insensitively.
    """
    entity_ids: list[str] = []
    names: list[str] = []
    if actor:
        found = find_entity(queries, actor)
        chosen = [found.entity] if found.entity else found.candidates
        if len(chosen) > 1:
            err.print(f"--actor {actor!r}: events of {', '.join(e.name for e in chosen)}", markup=False)
        entity_ids = [e.id for e in chosen]
        names = [actor, *(t for e in chosen for t in (e.name, *(a for a, _ in e.aliases)))]
    return queries.events(entity_ids=entity_ids, actor_names=names, **filters)


def events_command(
    ctx: typer.Context,
    actor: Annotated[
        Optional[str], typer.Option(help="Source or target: a registry entity (any spelling) or actor name.")
    ] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="PLOVER event type: CONSULT, AID, ASSAULT...")] = None,
    since: Annotated[Optional[str], typer.Option(help="Event date on or after: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Event date on or before: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    certainty: Annotated[Optional[Certainty], typer.Option(help="Only events this sure.")] = None,
    limit: Annotated[
        Optional[int], typer.Option(min=1, help="At most this many (default: 100 in a table, all otherwise).")
    ] = None,
    format: Annotated[
        EventsFormat, typer.Option("--format", help="table, json or csv (GDELT-like).")
    ] = EventsFormat.table,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", dir_okay=False, help="File to write (default: stdout).")
    ] = None,
) -> None:
    """List stored events: who did what to whom, where, when, and how sure the source is."""
    since_day, until_day = _day(since, "--since"), _day(until, "--until", last=True)
    if output is not None and format is EventsFormat.table:
        raise typer.BadParameter("a table is for the terminal: use --format csv or json with --output",
                                 param_hint="--output")  # fmt: skip
    if limit is None and format is EventsFormat.table:
        limit = 100
    with open_store(ctx) as store:
        queries = AnnotationQueries(store)
        rows = select_events(queries, actor, type=type, since=since_day, until=until_day,
                             certainty=certainty.value if certainty else None, limit=limit)  # fmt: skip
    if format is EventsFormat.table:
        print_table(events_table(rows), wide_console())
        return
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if format is EventsFormat.csv:
            write_events_csv((r.to_dict() for r in rows), out)
        else:
            out.write(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
    finally:
        if output:
            out.close()
    if output:
        err.print(f"wrote {len(rows):,} events to {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("events")(events_command)
