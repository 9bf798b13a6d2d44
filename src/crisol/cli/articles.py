"""``crisol articles`` lists stored articles; ``crisol article ID`` shows one in full."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from crisol.cli._common import ListFormat, ShowFormat, err, open_store, parse_when
from crisol.cli.outlets import spellings_or_exit
from crisol.model import Article
from crisol.store import AmbiguousId, queries


def _page_table(page: queries.Page) -> Table:
    shown = f"{page.offset + 1}–{page.offset + len(page.items)}" if page.items else "0"
    table = Table(title=f"articles {shown} of {page.total:,}", title_justify="left")
    # The id must stay whole (it is what `crisol article` takes); the title gets what is left.
    table.add_column("id", no_wrap=True, min_width=16)
    table.add_column("published", no_wrap=True)
    table.add_column("outlet", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("lang", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    for a in page.items:
        published = (a["published"] or "—")[:10]
        table.add_row(a["id"], published, a["outlet"] or "—", a["language"] or "—", Text(a["title"] or "—"))
    return table


def articles_command(
    ctx: typer.Context,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet (case-insensitive).")] = None,
    collection: Annotated[
        Optional[str], typer.Option(help="Only the outlets of this collection (crisol collections).")
    ] = None,
    language: Annotated[Optional[str], typer.Option(help="Only this language code: es, en...")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after this date (ISO 8601).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before this date (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to show.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    format: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List stored articles, newest first: id, published, outlet, language, title.

    ``--format json`` prints the items of the API's ``GET /api/articles`` (one shape for both).
    """
    filters = queries.Filters(outlet, language, parse_when(since), parse_when(until, end_of_day=True))
    with open_store(ctx) as store:
        if outlet or collection:
            filters.outlets = spellings_or_exit(store, collection, outlet)
        page = queries.list_articles(store, filters, limit=limit, offset=offset)
    if format is ListFormat.json:
        typer.echo(json.dumps(page.items, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: don't squeeze titles into 80 columns
        console.width = 160
    console.print(_page_table(page))


def _metadata(a: Article) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    published = a.published.isoformat() if a.published else "unknown"
    if a.published and a.date_source:
        published += f"  (from {a.date_source})"
    language = a.language or "unknown"
    if a.language_score is not None:
        language += f"  ({a.language_score:.2f})"
    rows = [
        ("id", a.id),
        ("source", a.source + (f" ({a.location})" if a.location else "")),
        ("format", a.raw_format),
        ("outlet", a.outlet),
        ("url", a.url),
        ("published", published),
        ("fetched", a.fetched.isoformat() if a.fetched else None),
        ("language", language),
        ("authors", ", ".join(a.authors) if a.authors else None),
        ("analysis", a.analysis),
        ("copy of", a.copy_of),
    ]
    for key, value in rows:
        if value:
            table.add_row(key, Text(str(value)))
    counts = [(n, len(getattr(a, n))) for n in ("sentences", "mentions", "dates", "quotes", "events")]
    if any(c for _, c in counts):
        table.add_row("annotations", ", ".join(f"{c} {n}" for n, c in counts))
    return table


def _entities_table(a: Article, names: dict[str, str]) -> Table:
    """One row per spelling, label and registry entity, with how often the article uses it."""
    table = Table(title="entities", title_justify="left")
    for column in ("mention", "label", "registry entity", "id", "country", "role", "n"):
        table.add_column(column, overflow="fold", justify="right" if column == "n" else "left")
    rows: dict[tuple, list] = {}
    for m in a.mentions:
        key = (m.text, m.label, m.entity_id)
        if key in rows:
            rows[key][-1] += 1
        else:
            entity = names.get(m.entity_id or "") or (m.canonical if m.canonical != m.text else None)
            rows[key] = [m.text, m.label, entity or "—", m.entity_id or "—", m.country or "", m.role or "", 1]
    for row in rows.values():
        table.add_row(*(Text(str(x)) for x in row))
    return table


def _dates_table(a: Article) -> Table:
    table = Table(title="dates", title_justify="left")
    for column in ("expression", "value", "precision", "sentence"):
        table.add_column(column, overflow="fold")
    for d in a.dates:
        table.add_row(Text(d.text), d.value or "unresolved", d.precision, str(d.sentence))
    return table


def _quotes_table(a: Article, names: dict[str, str]) -> Table:
    table = Table(title="quotes", title_justify="left")
    for column in ("speaker", "cue", "kind", "via", "text"):
        table.add_column(column, overflow="fold", ratio=1 if column == "text" else None)
    for q in a.quotes:
        speaker = q.speaker or "?"
        registry = names.get(q.speaker_entity or "")
        if registry and registry != q.speaker:
            speaker += f" → {registry}"
        table.add_row(Text(speaker), Text(q.cue or ""), q.kind, Text(q.via or ""), Text(q.text))
    return table


def _actor(actor) -> str:
    if actor is None:
        return "—"
    return f"{actor.name} [{actor.code}]" if actor.code else actor.name


def _events_table(a: Article) -> Table:
    table = Table(title="events", title_justify="left")
    for column in ("type / mode", "source → target", "where", "when", "certainty", "sentence"):
        table.add_column(column, overflow="fold", ratio=1 if column == "sentence" else None)
    from crisol.present.cross_events import date_source_of, when_label  # lazy: loads the linker

    for e in a.events:
        when = when_label(e.date, e.date_precision, date_source_of(e, a))
        certainty = e.certainty + (f" ({e.attributed_to})" if e.attributed_to else "")
        table.add_row(
            e.type + (f"/{e.mode}" if e.mode else ""),
            Text(f"{_actor(e.source)} → {_actor(e.target)}"),
            Text(e.location or ""),
            when,
            Text(certainty),
            Text(str(e.sentence)),
        )
    return table


def print_annotations(a: Article, names: dict[str, str], console: Console) -> None:
    """Entities (with their registry entity), dates, quotes and events of one article."""
    tables = (_entities_table(a, names), _dates_table(a), _quotes_table(a, names), _events_table(a))
    for table in tables:
        if table.row_count:
            console.print(table)
        else:
            console.print(Text(f"{table.title}: none", style="dim"))


def print_article(a: Article, console: Console, names: dict[str, str] | None = None) -> None:
    console.print(Text(a.title or "(no title)", style="bold"))
    console.print(_metadata(a))
    console.print(Rule("text"))
    console.print(Text(a.text))
    console.print(Rule(f"removed ({len(a.removed)})"))
    for r in a.removed:
        place = f"line {r.line}, " if r.line else ""
        console.print(Text.assemble((f"[{place}{r.reason}] ", "dim"), r.text))
    if a.analysis or a.mentions or a.quotes or a.events or a.dates:
        console.print(Rule("analysis"))
        print_annotations(a, names or {}, console)


def _registry_names(store, a: Article) -> dict[str, str]:
    ids = {m.entity_id for m in a.mentions} | {x.speaker_entity for x in a.quotes}
    ids |= {x.entity_id for e in a.events for x in (e.source, e.target) if x is not None}
    return store.annotations.entity_names(i for i in ids if i)


def article_command(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Article id, or a unique prefix of one.")],
    format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
    raw: Annotated[bool, typer.Option("--raw", help="Write the original input bytes to stdout.")] = False,
) -> None:
    """Show one article: metadata, clean text, removed boilerplate, entities, dates, quotes, events.

    ``--format json`` prints what the API's ``GET /api/articles/ID`` answers.
    """
    # Entities with the registry entity each mention was linked to, dates with their resolved
    # value and precision, quotes with speaker/cue/kind/channel, events with actor codes.
    with open_store(ctx) as store:
        try:
            article = store.get_article(article_id)
        except AmbiguousId as e:
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(1) from None
        # The detail links unlinked event actors through the article's mentions (in place).
        detail = queries.article_detail(store, article) if article is not None else None
        names = _registry_names(store, article) if article is not None else {}
    if article is None:
        err.print(f"error: no article with id {article_id!r} in {store.where}", markup=False)
        raise typer.Exit(1)
    if raw:
        sys.stdout.flush()
        sys.stdout.buffer.write(article.raw)
        sys.stdout.buffer.flush()
    elif format is ShowFormat.json:
        typer.echo(json.dumps(detail, ensure_ascii=False, indent=2))
    else:
        console = Console(highlight=False)
        if not console.is_terminal:  # piped: room for the annotation tables
            console.width = 160
        print_article(article, console, names)


def register(app: typer.Typer) -> None:
    app.command("articles")(articles_command)
    app.command("article")(article_command)
