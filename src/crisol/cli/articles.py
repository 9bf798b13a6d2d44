"""``crisol articles`` lists stored articles; ``crisol article ID`` shows one in full."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from crisol.cli._common import err, open_store, parse_when
from crisol.model import Article
from crisol.store import AmbiguousId, ArticlePage


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


def _page_table(page: ArticlePage) -> Table:
    shown = f"{page.offset + 1}–{page.offset + len(page.items)}" if page.items else "0"
    table = Table(title=f"articles {shown} of {page.total:,}", title_justify="left")
    # The id must stay whole (it is what `crisol article` takes); the title gets what is left.
    table.add_column("id", no_wrap=True, min_width=16)
    table.add_column("published", no_wrap=True)
    table.add_column("outlet", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("lang", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    for a in page.items:
        published = a.published.strftime("%Y-%m-%d") if a.published else "—"
        table.add_row(a.id, published, a.outlet or "—", a.language or "—", Text(a.title or "—"))
    return table


def articles_command(
    ctx: typer.Context,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet (case-insensitive).")] = None,
    language: Annotated[Optional[str], typer.Option(help="Only this language code: es, en...")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after this date (ISO 8601).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before this date (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to show.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    format: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List stored articles, newest first: id, published, outlet, language, title."""
    since_dt, until_dt = parse_when(since), parse_when(until, end_of_day=True)
    with open_store(ctx) as store:
        page = store.list_articles(outlet=outlet, language=language, since=since_dt, until=until_dt,
                                   limit=limit, offset=offset)  # fmt: skip
    if format is ListFormat.json:
        rows = [a.to_dict() for a in page.items]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
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
        ("id", a.id), ("source", a.source + (f" ({a.location})" if a.location else "")),
        ("format", a.raw_format), ("outlet", a.outlet), ("url", a.url), ("published", published),
        ("fetched", a.fetched.isoformat() if a.fetched else None), ("language", language),
        ("authors", ", ".join(a.authors) if a.authors else None), ("analysis", a.analysis),
        ("copy of", a.copy_of),
    ]  # fmt: skip
    for key, value in rows:
        if value:
            table.add_row(key, Text(str(value)))
    counts = [(n, len(getattr(a, n))) for n in ("sentences", "mentions", "dates", "quotes", "events")]
    if any(c for _, c in counts):
        table.add_row("annotations", ", ".join(f"{c} {n}" for n, c in counts))
    return table


def print_article(a: Article, console: Console) -> None:
    console.print(Text(a.title or "(no title)", style="bold"))
    console.print(_metadata(a))
    console.print(Rule("text"))
    console.print(Text(a.text))
    console.print(Rule(f"removed ({len(a.removed)})"))
    for r in a.removed:
        place = f"line {r.line}, " if r.line else ""
        console.print(Text.assemble((f"[{place}{r.reason}] ", "dim"), r.text))


def article_command(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Article id, or a unique prefix of one.")],
    format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
    raw: Annotated[bool, typer.Option("--raw", help="Write the original input bytes to stdout.")] = False,
) -> None:
    """Show one article: metadata, clean text and the boilerplate removed, with reasons."""
    with open_store(ctx) as store:
        try:
            article = store.get_article(article_id)
        except AmbiguousId as e:
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(1) from None
    if article is None:
        err.print(f"error: no article with id {article_id!r} in {store.where}", markup=False)
        raise typer.Exit(1)
    if raw:
        sys.stdout.flush()
        sys.stdout.buffer.write(article.raw)
        sys.stdout.buffer.flush()
    elif format is ShowFormat.json:
        typer.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_article(article, Console(highlight=False))


def register(app: typer.Typer) -> None:
    app.command("articles")(articles_command)
    app.command("article")(article_command)
