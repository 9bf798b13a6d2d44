"""``crisol events``: events across sources, one row per event however many outlets report it.

Each row is a cross-source event (:mod:`crisol.present.cross_events`): the per-article PLOVER events that
tell one occasion, grouped, with the number of articles, of outlets and of independent sources
(rewrites and copies count once with their origin, articles crediting one wire agency count once)
and the certainty. Filters: ``--actor`` (a registry entity, any spelling, or a name), ``--type``,
``--since``/``--until`` (the event's date overlaps the window) and ``--certainty`` (the weakest
level its reports give: one event is one claim).

``--format csv`` writes one row per event in a GDELT-like layout (:data:`CROSS_CSV_COLUMNS`):

======================== ===================================================================
GLOBALEVENTID            stable id of the cross-source event ("x" + 12 hex digits)
SQLDATE                  its date as YYYYMMDD (YYYYMM, YYYY for a month or a year)
DatePrecision            day, month, season or year
DateSource               text (a time expression of the sentence) or published (publication day)
Actor1Code ... Actor1EntityId  the source: CAMEO-like code (country + sector), name, country,
                         sector, registry entity; Actor2...: the target
EventCode, EventMode     PLOVER type (CONSULT, AID, ASSAULT...) and mode (visit, military...)
NumMentions              supporting sentences
NumArticles              articles reporting it
NumSources               outlets reporting it (an article with no known outlet is one)
NumIndependentSources    independent sources among them
Certainty                the weakest level: asserted, attributed, alleged, denied, hypothetical
Certainties              every level with its number of articles ("asserted:2;alleged:1")
AttributedTo             who the reports credit ("KCNA;TASS")
ActionGeo_FullName       where
Stories                  the stories of its articles
ArticleIds, Outlets      its articles and their outlets (";"-separated)
SOURCEURLS               their URLs (";"-separated)
======================== ===================================================================

``--per-article`` lists the stored per-article events instead, one row each (the columns of
:data:`EVENT_CSV_COLUMNS`, which ``crisol export --what events --format csv`` also writes).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from crisol.cli._common import err, open_store
from crisol.cli.entities import actor_text, events_table, print_table, wide_console
from crisol.cli.outlets import spellings_or_exit
from crisol.model import date_span
from crisol.service.entities import ActorFilter, actor_filter
from crisol.service.exports import (
    CROSS_CSV_COLUMNS,
    EVENT_CSV_COLUMNS,
    cross_csv_row,
    event_csv_row,
    write_csv,
)
from crisol.store.queries import AnnotationQueries, Filters


class Certainty(str, Enum):
    asserted = "asserted"
    attributed = "attributed"
    alleged = "alleged"
    denied = "denied"
    hypothetical = "hypothetical"


class EventsSort(str, Enum):
    support = "support"
    date = "date"


class EventsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _day(value: str | None, option: str, last: bool = False) -> date | None:
    """A --since/--until value: a day, or a month or year (its first day, or its last for --until)."""
    if value is None:
        return None
    span = date_span(value.strip())
    if span is None:
        raise typer.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY", param_hint=option
        )
    return span[1] if last else span[0]


def _actor(queries: AnnotationQueries, actor: str | None) -> ActorFilter:
    """The --actor filter: every spelling of the entities it names (all of them when it is part
    of several names, ``--actor Kim``, said on stderr), else the plain name, any case."""
    found = actor_filter(queries, actor)
    if len(found.entities) > 1:
        err.print(f"--actor {actor!r}: events of {', '.join(e.name for e in found.entities)}", markup=False)
    return found


def cross_table(rows: list[dict[str, Any]], title: str = "events across sources") -> Table:
    table = Table(title=f"{title} ({len(rows)})", title_justify="left")
    table.add_column("when", no_wrap=True)
    table.add_column("type / mode", no_wrap=True)
    table.add_column("source → target", overflow="fold", ratio=2)
    table.add_column("where", overflow="fold")
    table.add_column("certainty", overflow="fold")
    table.add_column("art.", justify="right")
    table.add_column("outl.", justify="right")
    table.add_column("indep.", justify="right")
    table.add_column("sources", overflow="fold", ratio=1)
    table.add_column("id", no_wrap=True, style="dim")
    from crisol.present.cross_events import event_when  # lazy: the presenter loads the linker

    for e in rows:
        when = event_when(e)  # "reported <day>" when only the publication day stands in
        kind = e["type"] + (f"/{e['mode']}" if e["mode"] else "")
        levels = e["certainties"]
        certainty = e["certainty"] + (
            " (" + ", ".join(f"{k} {len(v)}" for k, v in levels.items()) + ")" if len(levels) > 1 else ""
        )
        outlets = {s["article"]: s["outlet"] for s in e["sentences"]}
        sources = ", ".join(dict.fromkeys(outlets.get(a) or a[:8] for a in e["articles"]))
        table.add_row(
            when,
            kind,
            Text(f"{actor_text(e['source'])} → {actor_text(e['target'])}"),
            Text(e["location"] or ""),
            Text(certainty),
            str(e["num_articles"]),
            str(e["num_outlets"]),
            str(e["num_independent_sources"]),
            Text(sources),
            e["id"],
        )
    return table


def events_command(
    ctx: typer.Context,
    actor: Annotated[
        Optional[str], typer.Option(help="Source or target: a registry entity (any spelling) or actor name.")
    ] = None,
    type: Annotated[
        Optional[str], typer.Option("--type", help="PLOVER event type: CONSULT, AID, ASSAULT...")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(help="Event date on or after: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(help="Event date on or before: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    certainty: Annotated[
        Optional[Certainty],
        typer.Option(help="Only events this sure (across sources: the weakest level its reports give)."),
    ] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Only events this outlet reports.")] = None,
    collection: Annotated[
        Optional[str],
        typer.Option(help="Only events the outlets of this collection report (crisol collections)."),
    ] = None,
    limit: Annotated[
        Optional[int], typer.Option(min=1, help="At most this many (default: 100 in a table, all otherwise).")
    ] = None,
    format: Annotated[
        EventsFormat, typer.Option("--format", help="table, json or csv (GDELT-like).")
    ] = EventsFormat.table,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", dir_okay=False, help="File to write (default: stdout)."),
    ] = None,
    per_article: Annotated[
        bool,
        typer.Option(
            "--per-article", help="One row per article's event instead of per event across sources."
        ),
    ] = False,
    sort: Annotated[
        EventsSort,
        typer.Option("--sort", help="support: most independent sources first; date: newest first."),
    ] = EventsSort.support,
) -> None:
    """List events across sources: who did what to whom, where, when, how sure, and how many
    articles, outlets and independent sources report it."""
    since_day, until_day = _day(since, "--since"), _day(until, "--until", last=True)
    if output is not None and format is EventsFormat.table:
        raise typer.BadParameter(
            "a table is for the terminal: use --format csv or json with --output", param_hint="--output"
        )
    if limit is None and format is EventsFormat.table:
        limit = 100
    level = certainty.value if certainty else None
    with open_store(ctx) as store:
        queries = store.annotations
        outlets = spellings_or_exit(store, collection, outlet) if outlet or collection else None
        if per_article:
            who = _actor(queries, actor)
            rows = [
                r.to_dict()
                for r in queries.events(
                    entity_ids=who.ids,
                    actor_names=who.names,
                    type=type,
                    since=since_day,
                    until=until_day,
                    certainty=level,
                    limit=limit,
                    articles=Filters(outlets=outlets) if outlets is not None else None,
                )
            ]
        else:
            from crisol.service.events import select_cross_events  # lazy: grouping loads numpy

            who = _actor(queries, actor)
            found = select_cross_events(
                store,
                type=type,
                entity_ids=who.ids,
                actor_names=who.folded_names(),
                since=since_day,
                until=until_day,
                certainty=level,
                sort="-date" if sort is EventsSort.date else "support",  # by date: newest first, undated last
                outlets=outlets,
            )
            rows = [e.to_dict() for e in found[:limit]]
    if format is EventsFormat.table:
        print_table(events_table(rows) if per_article else cross_table(rows), wide_console())
        return
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if format is EventsFormat.csv:
            layout = (EVENT_CSV_COLUMNS, event_csv_row) if per_article else (CROSS_CSV_COLUMNS, cross_csv_row)
            write_csv(rows, out, *layout)
        else:
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    finally:
        if output:
            out.close()
    if output:
        err.print(f"wrote {len(rows):,} events to {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("events")(events_command)
