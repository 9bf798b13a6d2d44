"""``crisol link-archive ARCHIVE``: a Parquet archive written by ``crisol batch`` into the store,
its stories linked language by language (docs/batch.md).

The articles land in the store as ``crisol ingest`` stores them, so the CLI, the REST API and
the web pages read them unchanged. Exit code 0 when done, 1 when the archive or the store could
not be used, 2 for a usage error.
"""

from __future__ import annotations

import json
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import err, open_store
from crisol.errors import CrisolError


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def _summary(report) -> Table:
    table = Table(title="link-archive", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in (
        ("articles in the archive", report.archive_articles),
        ("  stored now", report.stored),
        ("  stored before", report.already_stored),
        ("  exact copies", report.copies),
        ("linked into stories", report.linked),
        ("  in chunks", len(report.chunks)),
        ("stories created", report.stories_created),
        ("  continued across chunk edges", report.continued),
        ("  merged at chunk edges", report.stitched),
        ("  merged across languages", report.across_languages),
    ):
        table.add_row(what, f"{n:,}")
    for name, phase in report.phases.items():
        table.add_row(f"{name} (CPU s / wall s)", f"{phase.cpu:.1f} / {phase.wall:.1f}")
    return table


def link_archive_command(
    ctx: typer.Context,
    archive: Annotated[
        Path, typer.Argument(metavar="ARCHIVE", help="The archive folder (crisol batch --out).")
    ],
    period: Annotated[
        Optional[int],
        typer.Option(
            "--period",
            min=1,
            help="Cut each language into chunks of this many days (a backfill), each replaying the "
            "30 days before it; default: one chunk per language.",
        ),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Where chunks run: 'local' (processes) or 'ray'.")
    ] = Engine.local,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Chunks linked at once (1: in this process).")
    ] = 1,
    address: Annotated[
        Optional[str],
        typer.Option("--address", help="A running Ray cluster (with --engine ray); default: a local one."),
    ] = None,
) -> None:
    """Store a Parquet archive's articles and link their stories, language by language.
    A run stopped midway resumes where it left off."""
    from crisol.cli import settings  # cycle: crisol.cli imports the command modules

    try:
        from crisol.batch.linking import link_archive  # lazy: pyarrow, the linker
    except ImportError as e:
        from crisol.batch import EXTRA_HINT

        err.print(f"error: crisol link-archive needs pyarrow ({e}): {EXTRA_HINT}", markup=False)
        raise typer.Exit(2) from None
    if not archive.is_dir():
        raise typer.BadParameter(f"{archive}: no archive folder there", param_hint="ARCHIVE")
    with open_store(ctx, create=True) as store:
        try:
            report = link_archive(
                archive,
                store,
                period=timedelta(days=period) if period else None,
                engine=engine.value,
                workers=workers,
                store_url=settings(ctx).db,
                address=address,
                on_progress=lambda message: err.print(message, markup=False, soft_wrap=True),
            )
        except CrisolError as e:
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(1) from None
    Console(stderr=True, highlight=False).print(_summary(report))
    typer.echo(json.dumps(report.to_dict()))


def register(app: typer.Typer) -> None:
    app.command("link-archive")(link_archive_command)
