"""``crisol events``: events across sources, one row per event however many outlets report it.

Each row is a cross-source event (:mod:`crisol.link.events`): the per-article PLOVER events that
tell one occasion, grouped, with the number of articles, of outlets and of independent sources
(rewrites and copies count once with their origin, articles crediting one wire agency count once)
and the certainty. Filters: ``--actor`` (a registry entity, any spelling, or a name), ``--type``,
``--since``/``--until`` (the event's date overlaps the window) and ``--certainty`` (the surest
level the sources give).

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
Certainty                the surest level: asserted, attributed, alleged, denied, hypothetical
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

import csv
import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Iterable, Optional

import typer
from rich.table import Table
from rich.text import Text

from crisol.cli._common import err, open_store
from crisol.cli.entities import actor_text, events_table, find_entity, print_table, wide_console
from crisol.text import fold
from crisol.store.queries import AnnotationQueries, EventRow, date_span

if TYPE_CHECKING:
    from crisol.link.events import CrossEvent


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


# One row per cross-source event, GDELT-like (see the module docstring for each column).
CROSS_CSV_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "DatePrecision", "DateSource",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code", "Actor1EntityId",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "Actor2EntityId",
    "EventCode", "EventMode", "NumMentions", "NumArticles", "NumSources", "NumIndependentSources",
    "Certainty", "Certainties", "AttributedTo", "ActionGeo_FullName", "Stories", "ArticleIds",
    "Outlets", "SOURCEURLS",
]  # fmt: skip


def cross_csv_row(e: dict[str, Any]) -> dict[str, Any]:
    """A cross-source event in its JSON shape (:meth:`CrossEvent.to_dict`) as a CSV row."""
    row: dict[str, Any] = {
        "GLOBALEVENTID": e["id"], "SQLDATE": _sqldate(e["date"]), "DatePrecision": e["date_precision"],
        "DateSource": e["date_source"], "EventCode": e["type"], "EventMode": e["mode"],
        "NumMentions": len(e["sentences"]), "NumArticles": e["num_articles"], "NumSources": e["num_outlets"],
        "NumIndependentSources": e["num_independent_sources"], "Certainty": e["certainty"],
        "Certainties": ";".join(f"{k}:{len(v)}" for k, v in e["certainties"].items()),
        "AttributedTo": ";".join(e["attributed_to"]), "ActionGeo_FullName": e["location"],
        "Stories": ";".join(e["stories"]), "ArticleIds": ";".join(e["articles"]),
        "Outlets": ";".join(e["outlets"]), "SOURCEURLS": ";".join(e["urls"]),
    }  # fmt: skip
    for n, role in ((1, "source"), (2, "target")):
        actor = e.get(role) or {}
        row.update({f"Actor{n}Code": actor.get("code"), f"Actor{n}Name": actor.get("name"),
                    f"Actor{n}CountryCode": actor.get("country"), f"Actor{n}Type1Code": actor.get("sector"),
                    f"Actor{n}EntityId": actor.get("entity_id")})  # fmt: skip
    return row


def _sqldate(value: str | None) -> str | None:
    """GDELT's compact date: "2025-06-12" -> "20250612"; a month or year stays shorter."""
    if not value:
        return None
    parts = value.split("-")
    return "".join(p for p in parts if p.isdigit()) if all(p.isdigit() for p in parts) else value


def write_cross_csv(rows: Iterable[dict[str, Any]], out) -> int:
    writer = csv.DictWriter(out, fieldnames=CROSS_CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow({k: "" if v is None else v for k, v in cross_csv_row(row).items()})
    return n


def select_cross_events(store, queries: AnnotationQueries, actor: str | None, type: str | None = None,
                        since: date | None = None, until: date | None = None,
                        certainty: str | None = None) -> list[CrossEvent]:  # fmt: skip
    """Cross-source events matching the filters: an actor (any report's source or target is the
    registry entity, any spelling, or carries the name), a type, a date window the event's date
    overlaps, and the event's certainty (the surest level its sources give)."""
    from crisol.link.events import stored_events  # lazy: it brings numpy, ~0.2 s on every start

    found = stored_events(store, type=type, since=since, until=until)
    if actor:
        entity_ids, names = _actor_keys(queries, actor)
        found = [e for e in found if e.has_actor(entity_ids, names)]
    if since or until:
        found = [e for e in found if _overlaps(date_span(e.date), since, until)]
    if certainty:
        found = [e for e in found if e.certainty == certainty]
    return found


def _actor_keys(queries: AnnotationQueries, actor: str) -> tuple[set[str], set[str]]:
    lookup = find_entity(queries, actor)
    chosen = [lookup.entity] if lookup.entity else lookup.candidates
    if len(chosen) > 1:
        err.print(f"--actor {actor!r}: events of {', '.join(e.name for e in chosen)}", markup=False)
    names = {fold(actor), *(fold(t) for e in chosen for t in (e.name, *(a for a, _ in e.aliases)))}
    return {e.id for e in chosen}, names


def _overlaps(span, since: date | None, until: date | None) -> bool:
    if span is None:
        return False
    return (since is None or span[1] >= since) and (until is None or span[0] <= until)


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
    for e in rows:
        when = e["date"] or ""
        if when and e["date_source"] == "published":
            when += " (pub.)"  # only the publication day: the text gives no date
        kind = e["type"] + (f"/{e['mode']}" if e["mode"] else "")
        levels = e["certainties"]
        certainty = e["certainty"] + (" (" + ", ".join(f"{k} {len(v)}" for k, v in levels.items()) + ")"
                                      if len(levels) > 1 else "")  # fmt: skip
        outlets = {s["article"]: s["outlet"] for s in e["sentences"]}
        sources = ", ".join(dict.fromkeys(outlets.get(a) or a[:8] for a in e["articles"]))
        table.add_row(when, kind, Text(f"{actor_text(e['source'])} → {actor_text(e['target'])}"),
                      Text(e["location"] or ""), Text(certainty), str(e["num_articles"]), str(e["num_outlets"]),
                      str(e["num_independent_sources"]), Text(sources), e["id"])  # fmt: skip
    return table


def events_command(
    ctx: typer.Context,
    actor: Annotated[
        Optional[str], typer.Option(help="Source or target: a registry entity (any spelling) or actor name.")
    ] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="PLOVER event type: CONSULT, AID, ASSAULT...")] = None,
    since: Annotated[Optional[str], typer.Option(help="Event date on or after: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Event date on or before: YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    certainty: Annotated[
        Optional[Certainty], typer.Option(help="Only events this sure (across sources: the surest level given).")
    ] = None,
    limit: Annotated[
        Optional[int], typer.Option(min=1, help="At most this many (default: 100 in a table, all otherwise).")
    ] = None,
    format: Annotated[
        EventsFormat, typer.Option("--format", help="table, json or csv (GDELT-like).")
    ] = EventsFormat.table,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", dir_okay=False, help="File to write (default: stdout).")
    ] = None,
    per_article: Annotated[
        bool, typer.Option("--per-article", help="One row per article's event instead of per event across sources.")
    ] = False,
    sort: Annotated[
        EventsSort, typer.Option("--sort", help="support: most independent sources first; date: newest first.")
    ] = EventsSort.support,
) -> None:
    """List events across sources: who did what to whom, where, when, how sure, and how many
    articles, outlets and independent sources report it."""
    since_day, until_day = _day(since, "--since"), _day(until, "--until", last=True)
    if output is not None and format is EventsFormat.table:
        raise typer.BadParameter("a table is for the terminal: use --format csv or json with --output",
                                 param_hint="--output")  # fmt: skip
    if limit is None and format is EventsFormat.table:
        limit = 100
    level = certainty.value if certainty else None
    with open_store(ctx) as store:
        queries = AnnotationQueries(store)
        if per_article:
            rows = [r.to_dict() for r in select_events(queries, actor, type=type, since=since_day,
                                                       until=until_day, certainty=level, limit=limit)]  # fmt: skip
        else:
            found = select_cross_events(store, queries, actor, type=type, since=since_day, until=until_day,
                                        certainty=level)  # fmt: skip
            if sort is EventsSort.date:  # newest first, undated last (the order is stable)
                found.sort(key=lambda e: date_span(e.date) or (date.min, date.min), reverse=True)
            rows = [e.to_dict() for e in found[:limit]]
    if format is EventsFormat.table:
        print_table(events_table(rows) if per_article else cross_table(rows), wide_console())
        return
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if format is EventsFormat.csv:
            (write_events_csv if per_article else write_cross_csv)(rows, out)
        else:
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    finally:
        if output:
            out.close()
    if output:
        err.print(f"wrote {len(rows):,} events to {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("events")(events_command)
