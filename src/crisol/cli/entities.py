"""``crisol entities`` lists the entity registry; ``crisol entity NAME`` shows one entity whole.

An entity is found by its name or any spelling seen (accents, case, hyphens and punctuation
ignored). When a name fits several entities and none exactly, they are listed and the command
exits with 1: give more of the name, or the entity id.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crisol.cli._common import ListFormat, ShowFormat, err, open_store
from crisol.cli.outlets import spellings_or_exit
from crisol.service.entities import find_entity, spellings
from crisol.store.queries import AnnotationQueries, EntityRecord, entity_detail, list_entities

TOP_ALIASES = 4  # spellings shown per entity in the listing


class EntityType(str, Enum):
    PER = "PER"
    ORG = "ORG"
    LOC = "LOC"
    MISC = "MISC"


def require_entity(queries: AnnotationQueries, name: str, where: str) -> EntityRecord:
    """The entity for ``name``, or a message (not found / which ones) and exit code 1."""
    found = find_entity(queries, name)
    if found.entity is not None:
        return found.entity
    if not found.candidates:
        err.print(f"error: no entity named {name!r} in {where}", markup=False)
        raise typer.Exit(1)
    err.print(
        f"error: {name!r} matches {len(found.candidates)} entities; give the full name or an id:",
        markup=False,
    )
    for e in found.candidates[:20]:
        err.print(f"  {e.id}\t{e.name}\t{e.data.get('type')}\t{e.mentions} mentions", markup=False)
    raise typer.Exit(1)


# ---- crisol entities -------------------------------------------------------------------------


def wide_console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: don't squeeze the columns into 80
        console.width = 160
    return console


def _registry_table(rows: list[dict[str, Any]], total: int) -> Table:
    table = Table(title=f"entities: {len(rows):,} of {total:,}", title_justify="left")
    table.add_column("name", overflow="fold")
    table.add_column("type", no_wrap=True)
    table.add_column("country", no_wrap=True)
    table.add_column("role", overflow="fold")
    table.add_column("mentions", justify="right")
    table.add_column("articles", justify="right")
    table.add_column("spellings", overflow="fold", ratio=1)
    table.add_column("id", no_wrap=True, style="dim")
    for e in rows:
        others = [f"{a['text']} ({a['count']})" for a in e["aliases"] if a["text"] != e["name"]][:TOP_ALIASES]
        table.add_row(
            Text(e["name"]),
            e["type"] or "",
            e["country"] or "",
            e["role"] or "",
            f"{e['mentions']:,}",
            f"{e['article_count']:,}",
            Text(", ".join(others)),
            e["id"],
        )
    return table


def entities_command(
    ctx: typer.Context,
    type: Annotated[Optional[EntityType], typer.Option("--type", help="Only this type.")] = None,
    country: Annotated[
        Optional[str], typer.Option(help="Only this ISO 3166 alpha-3 country: RUS, PRK...")
    ] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Only entities named by this outlet.")] = None,
    collection: Annotated[
        Optional[str],
        typer.Option(help="Only entities named by this collection's outlets (crisol collections)."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to show (most mentioned first).")] = 50,
    format: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List the entity registry, most mentioned first, with the spellings merged into each;
    ``--outlet``/``--collection`` keep those named in an article of theirs (counts stay the whole
    store's).

    ``--format json`` prints the items of the API's ``GET /api/entities``.
    """
    with open_store(ctx) as store:
        outlets = spellings_or_exit(store, collection, outlet) if outlet or collection else None
        page = list_entities(
            store, type=type.value if type else None, country=country, limit=limit, outlets=outlets
        )
    if format is ListFormat.json:
        typer.echo(json.dumps(page.items, ensure_ascii=False, indent=2))
        return
    if not page.items:
        err.print("no entities: ingest articles (the registry is filled when they are linked)", markup=False)
        return
    wide_console().print(_registry_table(page.items, page.total))


# ---- crisol entity NAME ----------------------------------------------------------------------


def entity_view(queries: AnnotationQueries, entity: EntityRecord, limit: int = 200) -> dict[str, Any]:
    """The entity in full (:func:`crisol.store.queries.entity_detail`, what ``GET
    /api/entities/ID`` answers): its articles, quotes (as speaker) and events (either side)."""
    return entity_detail(queries, entity, limit)


def _spellings_table(entity: EntityRecord) -> Table:
    table = Table(title="spellings", title_justify="left")
    table.add_column("spelling", overflow="fold")
    table.add_column("count", justify="right")
    table.add_column("merged because", overflow="fold", ratio=1)
    for s in spellings(entity):
        table.add_row(
            Text(s.text), str(s.count), Text(s.why + (f" [article {s.article}]" if s.article else ""))
        )
    return table


def articles_table(refs: list[dict[str, Any]], title: str = "articles", total: int | None = None) -> Table:
    """Articles in the summary shape (``id``, ``published``, ``outlet``, ``title``)."""
    shown = f"{len(refs)}" if total is None or total == len(refs) else f"{len(refs)} of {total}"
    table = Table(title=f"{title} ({shown})", title_justify="left")
    table.add_column("id", no_wrap=True, min_width=16)
    table.add_column("published", no_wrap=True)
    table.add_column("outlet", overflow="ellipsis", max_width=24)
    table.add_column("title", overflow="fold", ratio=1)
    for a in refs:
        table.add_row(a["id"], (a["published"] or "—")[:10], a["outlet"] or "—", Text(a["title"] or "—"))
    return table


def _shape(row: Any) -> dict[str, Any]:
    """A row object (QuoteRow, EventRow) or its dict, as the dict."""
    return row.to_dict() if hasattr(row, "to_dict") else row


def quotes_table(rows: list, title: str = "quotes") -> Table:
    """Quotes in the quote shape (or :class:`QuoteRow`)."""
    table = Table(title=f"{title} ({len(rows)})", title_justify="left")
    table.add_column("speaker", overflow="fold")
    table.add_column("cue", overflow="fold")
    table.add_column("kind")
    table.add_column("via", overflow="fold")
    table.add_column("text", overflow="fold", ratio=1)
    table.add_column("article", no_wrap=True, style="dim")
    for q in map(_shape, rows):
        table.add_row(
            Text(q["speaker"]["name"] or "?"),
            Text(q["cue"] or ""),
            q["kind"],
            Text(q["via"] or ""),
            Text(q["text"]),
            q["article"],
        )
    return table


def actor_text(actor) -> str:
    """``Wang Yi [CHN GOV]``, or ``—`` when the event has no such actor (an Actor or its dict)."""
    if actor is None:
        return "—"
    if isinstance(actor, dict):
        name, code = actor["name"], " ".join(p for p in (actor.get("country"), actor.get("sector")) if p)
    else:
        name, code = actor.name, actor.code
    return f"{name} [{code}]" if code else name


def events_table(rows: list, title: str = "events") -> Table:
    """Events in the event shape (or :class:`EventRow`)."""
    table = Table(title=f"{title} ({len(rows)})", title_justify="left")
    table.add_column("type / mode", no_wrap=True)
    table.add_column("source → target", overflow="fold", ratio=1)
    table.add_column("where", overflow="fold")
    table.add_column("when", no_wrap=True)
    table.add_column("certainty", overflow="fold")
    table.add_column("article", no_wrap=True, style="dim")
    from crisol.present.cross_events import event_when  # lazy: the presenter loads the linker

    for e in map(_shape, rows):
        kind = e["type"] + (f"/{e['mode']}" if e["mode"] else "")
        certainty = e["certainty"] + (f" ({e['attributed_to']})" if e["attributed_to"] else "")
        table.add_row(
            kind,
            Text(f"{actor_text(e['source'])} → {actor_text(e['target'])}"),
            Text(e["location"] or ""),
            event_when(e),
            Text(certainty),
            e["article"],
        )
    return table


def print_entity(view: dict[str, Any], entity: EntityRecord, console: Console) -> None:
    """The entity in full (``view``: :func:`entity_view`), its spellings explained from ``entity``."""
    facts = [view["type"], view["country"], view["role"]]
    console.print(
        Text.assemble(
            (view["name"], "bold"), "  ", " · ".join(f for f in facts if f), ("  " + view["id"], "dim")
        )
    )
    console.print(f"{view['mentions']:,} mentions in {len(view['articles']):,} articles", markup=False)
    console.print(_spellings_table(entity))
    tables = (
        articles_table(view["recent_articles"], total=len(view["articles"])),
        quotes_table(view["quotes"], "quotes by it"),
        events_table(view["events"], "events it is in"),
    )
    for table in tables:
        print_table(table, console)


def print_table(table: Table, console: Console) -> None:
    """The table, or only its title when it has no rows (an empty grid says nothing)."""
    if table.row_count:
        console.print(table)
    else:
        console.print(Text(f"{table.title}: none", style="dim"))


def entity_command(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="A name or spelling (accents and case ignored), or an entity id."
        ),
    ],
    format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
    limit: Annotated[int, typer.Option(min=1, help="At most this many quotes and this many events.")] = 200,
) -> None:
    """Show one entity: every spelling and why it was merged, its articles, quotes and events.

    ``--format json`` prints what the API's ``GET /api/entities/ID?limit=LIMIT`` answers.
    """
    with open_store(ctx) as store:
        queries = store.annotations
        entity = require_entity(queries, name, store.where)
        view = entity_view(queries, entity, limit)
    if format is ShowFormat.json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    print_entity(view, entity, wide_console())


def register(app: typer.Typer) -> None:
    app.command("entities")(entities_command)
    app.command("entity")(entity_command)
