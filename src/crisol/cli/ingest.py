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
from crisol.service.runner import BATCH_SIZE, IngestReport, ingest


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn(
            "{task.fields[articles]} read · {task.fields[stored]} stored · {task.fields[linked]} linked"
        ),
        TextColumn(
            "· {task.fields[done]} done, {task.fields[rate]:.1f} articles/s end to end · {task.fields[rejected]} rejected"
        ),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def phase_table(report: IngestReport) -> Table:
    """Where the time went: per phase, the articles it handled, CPU and wall seconds, rate."""
    table = Table(title="phases", title_justify="left")
    for name, justify in (
        ("phase", "left"),
        ("articles", "right"),
        ("CPU s", "right"),
        ("wall s", "right"),
        ("articles / CPU-s", "right"),
    ):
        table.add_column(name, justify=justify)
    for name, stat in report.phases.stats.items():
        rate = f"{stat.items / stat.cpu:,.1f}" if stat.cpu > 0 and stat.items else "—"
        table.add_row(name, f"{stat.items:,}", f"{stat.cpu:.1f}", f"{stat.wall:.1f}", rate)
    table.add_row("present", "—", "—", "—", "when a story is first read")
    table.add_row(
        "end to end",
        f"{report.read:,}",
        f"{report.cpu:.1f}",
        f"{report.elapsed:.1f}",
        f"{report.cpu_rate:,.1f}" if report.cpu > 0 else "—",
        style="bold",
    )
    return table


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
        ]
    for what, n in rows:
        table.add_row(what, f"{n:,}")
    return table


def headline(report: IngestReport) -> str:
    """The end-to-end rate, every phase counted (and the models' loading, on a first run)."""
    analysis = "on" if report.analyzed else "off"
    return (
        f"{report.read:,} articles in {report.elapsed:.1f} s ({report.rate:.1f} articles/s), "
        f"{report.cpu:.1f} CPU-s ({report.cpu_rate:.1f} articles per CPU-second), end to end; "
        f"analysis {analysis}"
    )


def ingest_command(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders (read recursively), globs, or - for stdin.")
    ],
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=1, help="Articles per batch: annotated, stored, linked and indexed together."
        ),
    ] = BATCH_SIZE,
    analyze: Annotated[
        bool, typer.Option("--analyze/--no-analyze", help="Run the analysis stage (entities, events...).")
    ] = True,
) -> None:
    """Read, clean, analyse and store articles. A run stopped midway resumes where it left off."""
    store = open_store(ctx, create=True)  # the first ingest makes the store
    with store, _progress() as progress:
        task = progress.add_task(
            "starting", total=None, articles=0, stored=0, linked=0, done=0, rate=0.0, rejected=0
        )

        def on_progress(r: IngestReport) -> None:
            # "done": through every phase (indexed is the last); the rate counts only those
            done = r.phases["index"].items
            progress.update(
                task,
                description=r.phase or "starting",
                articles=r.read,
                stored=r.phases["store"].items,
                linked=r.phases["link"].items + r.in_phase,
                done=done,
                rate=done / r.elapsed if r.elapsed > 0 else 0.0,
                rejected=len(r.rejected),
            )

        report = ingest(paths, store, batch_size=batch_size, analyze=analyze, on_progress=on_progress)
    out = Console(highlight=False)
    out.print(summary_table(report))
    out.print(phase_table(report))
    out.print(headline(report), soft_wrap=True)
    for rejection in report.rejected:
        typer.echo(str(rejection))  # one line each, never wrapped: easy to grep
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
