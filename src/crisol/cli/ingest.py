"""``crisol ingest PATH...``: read, clean, analyse and store articles, with a progress bar.

Exit code 0 when everything was stored, 1 when any input or record was rejected (each one is
listed with its place and reason), 2 for a usage error.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crisol.cli._common import err, open_store
from crisol.pipeline import IngestReport, ingest


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[articles]} articles · {task.fields[rate]:.1f} articles/s"),
        TextColumn("· {task.fields[inputs]} inputs · {task.fields[rejected]} rejected"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def summary_table(report: IngestReport) -> Table:
    table = Table(title="ingest", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("inputs", report.inputs),
        ("  skipped (finished before)", report.inputs_skipped),
        ("articles read", report.read),
        ("new", report.new),
        ("duplicate (already stored)", report.duplicate),
        ("copies (same text as a stored one)", report.copies),
        ("rejected", len(report.rejected)),
    ]
    if report.linked is not None:
        rels = report.linked.get("relations", {})
        rows += [
            ("stories started", report.linked["stories_created"]),
            ("stories merged", report.linked["stories_merged"]),
            ("stories split (drifted)", report.linked.get("stories_split", 0)),
            ("duplicates / rewrites found", sum(rels.values())),
            ("stories presented (views stored)", report.linked.get("views", 0)),
        ]
    for what, n in rows:
        table.add_row(what, f"{n:,}")
    if report.linked is not None and report.linked.get("views"):
        table.add_row("  presenting them took", f"{report.linked.get('views_seconds', 0.0):.1f} s")
    analysis = "on" if report.analyzed else "off"
    table.caption = f"{report.elapsed:.1f} s, {report.rate:.1f} articles/s, analysis {analysis}"
    return table


def ingest_command(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders (read recursively), globs, or - for stdin.")
    ],
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles per database transaction.")
    ] = 200,
    analyze: Annotated[
        bool, typer.Option("--analyze/--no-analyze", help="Run the analysis stage (entities, events...).")
    ] = True,
) -> None:
    """Read, clean, analyse and store articles. A run stopped midway resumes where it left off."""
    store = open_store(ctx)
    with store, _progress() as progress:
        task = progress.add_task("ingesting", total=None, articles=0, rate=0.0, inputs=0, rejected=0)

        def on_progress(r: IngestReport) -> None:
            progress.update(task, articles=r.read, rate=r.rate, inputs=r.inputs,
                            rejected=len(r.rejected))  # fmt: skip

        report = ingest(paths, store, batch_size=batch_size, analyze=analyze, on_progress=on_progress)
    out = Console(highlight=False)
    out.print(summary_table(report))
    for rejection in report.rejected:
        typer.echo(str(rejection))  # one line each, never wrapped: easy to grep
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
