"""``crisol watch``: poll the sources file's outlets at their intervals and store what they publish.

Runs until Ctrl-C (or ``--max-duration`` seconds); ``--once`` polls each source once, fetches
what it lists, and exits. Exit code 0, or 1 when a source or page failed in a ``--once`` run.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crisol.cli._common import err, open_store
from crisol.cli.sources import DEFAULT_SOURCES, SourcesOpt, _load

_STYLE = {"new": "green", "updated": "cyan", "error": "red", "rejected": "yellow", "alert": "magenta"}


def watch_command(
    ctx: typer.Context,
    sources: SourcesOpt = DEFAULT_SOURCES,
    once: Annotated[
        bool, typer.Option("--once", help="Poll every source once, fetch what it lists, exit.")
    ] = False,
    max_duration: Annotated[
        Optional[float], typer.Option("--max-duration", min=0, help="Stop after this many seconds.")
    ] = None,
    analyze: Annotated[bool, typer.Option("--analyze/--no-analyze", help="Run the analysis stage.")] = True,
    workers: Annotated[int, typer.Option(min=1, help="Requests in flight at once (all hosts).")] = 8,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the final summary.")] = False,
    alerts: Annotated[
        bool,
        typer.Option(
            "--alerts/--no-alerts",
            help="POST what is new to the saved searches' webhooks after each batch is stored and linked.",
        ),
    ] = True,
) -> None:
    """Watch the outlets of the sources file: feeds and sitemaps polled, new articles stored."""
    from crisol.watch import watch  # lazy: httpx, lxml and feedparser
    from crisol.watch.sources import SourcesError  # lazy: as above

    sf = _load(sources)
    if not sf.sources:
        err.print(f"error: {sf.where} lists no sources; add one with `crisol sources add`", markup=False)
        raise typer.Exit(2)

    def on_event(kind: str, source: str, url: str, detail: str) -> None:
        if quiet or kind in ("poll", "unchanged"):
            return
        style = _STYLE.get(kind, "dim")
        err.print(f"[{style}]{kind:>8}[/] {escape(f'{source}: {url} {detail}'.rstrip())}", highlight=False)

    with open_store(ctx, create=True) as store:  # a first watch makes the store
        try:
            report = watch(
                store,
                sf,
                once=once,
                max_duration=max_duration,
                analyze=analyze,
                workers=workers,
                on_event=on_event,
                alerts=alerts,
            )
        except (SourcesError, ValueError) as e:
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(2) from None
    Console(highlight=False).print(_summary(report))
    failed = report.polls_failed or report.failed
    raise typer.Exit(1 if once and failed else 0)


def _summary(report) -> Table:
    table = Table(title="watch", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("polls", report.polls),
        ("  failed", report.polls_failed),
        ("  feeds not modified", report.listings_not_modified),
        ("new URLs found", report.discovered),
        ("pages fetched", report.pages_fetched),
        ("  not modified (304)", report.pages_not_modified),
        ("new articles", report.new),
        ("updated (new version)", report.updated),
        ("unchanged", report.unchanged),
        ("rejected (no article)", report.rejected),
        ("failed", report.failed),
        ("requests", report.requests),
    ]
    if report.alerts_sent or report.alerts_failed:
        rows += [
            ("webhooks sent", report.alerts_sent),
            ("  failed (retried next time)", report.alerts_failed),
        ]
    if report.linked:
        rows += [
            ("placed in stories", report.linked["linked"]),
            ("  stories started", report.linked["stories_created"]),
        ]
    for what, n in rows:
        table.add_row(what, f"{n:,}")
    table.caption = f"{report.elapsed:.1f} s" + (" (interrupted)" if report.interrupted else "")
    return table


def register(app: typer.Typer) -> None:
    app.command("watch")(watch_command)
