"""``crisol sources add|list|remove|status``: the outlets ``crisol watch`` follows.

The list lives in a sources file (YAML or TOML, ``--sources``, default ``sources.yaml`` or
``$CRISOL_SOURCES``); ``status`` reads the store (``--db``) for what the polls did.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import ListFormat, err, open_store

DEFAULT_SOURCES = "sources.yaml"

sources_app = typer.Typer(help="The outlets crisol watches: add, list, remove, status.", no_args_is_help=True)

SourcesOpt = Annotated[
    str,
    typer.Option("--sources", "-s", envvar="CRISOL_SOURCES", help="The sources file (.yaml, .yml or .toml)."),
]


def _load(path: str):
    from crisol.watch.sources import SourcesError, load_sources  # lazy: httpx, lxml, feedparser

    try:
        return load_sources(path)
    except SourcesError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(2) from None


@sources_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="The outlet's name (also the key to remove it).")],
    feed: Annotated[
        Optional[list[str]], typer.Option("--feed", help="An RSS/Atom feed URL (repeatable).")
    ] = None,
    sitemap: Annotated[
        Optional[list[str]], typer.Option("--sitemap", help="A sitemap URL (repeatable).")
    ] = None,
    homepage: Annotated[Optional[str], typer.Option(help="The outlet's home page.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO 3166-1 alpha-3 code: ESP, MEX, GBR...")] = None,
    language: Annotated[Optional[str], typer.Option(help="ISO 639-1 code: es, en...")] = None,
    interval: Annotated[str, typer.Option(help="How often to poll: 900, 15m, 1h...")] = "15m",
    recheck: Annotated[
        Optional[str], typer.Option(help="Re-check recent articles this long after fetching.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow private/loopback addresses.")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a source with the same name.")] = False,
    sources: SourcesOpt = DEFAULT_SOURCES,
) -> None:
    """Add an outlet to the sources file (created if missing)."""
    from crisol.watch.sources import Source, SourcesError, save_sources  # lazy: as above

    sf = _load(sources)
    d = {
        "name": name,
        "feeds": feed or [],
        "sitemaps": sitemap or [],
        "homepage": homepage,
        "country": country,
        "language": language,
        "interval": interval,
        "recheck": recheck,
        "allow_private": allow_private,
    }
    try:
        sf.add(Source.from_dict({k: v for k, v in d.items() if v is not None}, sources), replace=replace)
    except SourcesError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(2) from None
    path = save_sources(sf, sources)
    typer.echo(f"{name}: added to {path} ({len(sf.sources)} sources)")


@sources_app.command("remove")
def remove_command(
    name: Annotated[str, typer.Argument(help="The source's name.")], sources: SourcesOpt = DEFAULT_SOURCES
) -> None:
    """Remove an outlet from the sources file (what was fetched from it stays stored)."""
    from crisol.watch.sources import SourcesError, save_sources  # lazy: as above

    sf = _load(sources)
    try:
        removed = sf.remove(name)
    except SourcesError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    save_sources(sf, sources)
    typer.echo(f"{removed.name}: removed ({len(sf.sources)} sources left)")


@sources_app.command("list")
def list_command(
    sources: SourcesOpt = DEFAULT_SOURCES,
    format: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
) -> None:
    """List the outlets in the sources file."""
    sf = _load(sources)
    if format == ListFormat.json:
        typer.echo(json.dumps(sf.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(sf.sources)} sources in {sf.where}", title_justify="left")
    for col in ("name", "country", "lang", "every", "feeds", "sitemaps"):
        table.add_column(col, overflow="fold")
    for s in sf.sources:
        table.add_row(
            s.name,
            s.country or "—",
            s.language or "—",
            _duration(s.interval),
            "\n".join(s.feeds) or "—",
            "\n".join(s.sitemaps) or "—",
        )
    Console(highlight=False).print(table)


@sources_app.command("status")
def status_command(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="Window for articles per day.")] = 7,
    format: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
) -> None:
    """Per source: last poll, last success, errors, articles stored and per day."""
    from crisol.watch.status import source_status  # lazy: as above

    with open_store(ctx) as store:
        rows = source_status(store, days=days)
    if format == ListFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"sources ({len(rows)})", title_justify="left")
    for col in (
        "source",
        "last poll",
        "last success",
        "errors",
        "articles",
        f"per day ({days} d)",
        "pending",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        errors = (
            f"{r.failed_polls} polls, {r.failed_urls} pages" if (r.failed_polls or r.failed_urls) else "—"
        )
        if r.last_error and r.consecutive_errors:
            errors += f"\nlast: {r.last_error[:200]}"
        table.add_row(
            r.name,
            _when(r.last_poll),
            _when(r.last_success),
            errors,
            f"{r.articles:,}",
            f"{r.articles_per_day:g}",
            f"{r.pending:,}",
        )
    Console(highlight=False).print(table)


def _when(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S UTC") if dt else "never"


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
