"""``crisol batch INPUTS... --out DIR``: many inputs analysed in parallel into a Parquet archive.

The same read → clean → annotate → embed as ``crisol ingest`` (without the store), on Ray Data
(a local cluster, or one at ``--address``) or in this process (``--engine local``). The archive
is partitioned ``date=``/``language=``; a rerun skips the inputs finished before. docs/batch.md
explains the archive and how to run on a cluster.

Exit code 0 when every record was kept, 1 when any was rejected (each kept in
``DIR/_rejections/`` with its reason) or an input failed, 2 for a usage error.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import err
from crisol.errors import CrisolError

SHOWN_REJECTIONS = 20


class Engine(str, Enum):
    ray = "ray"
    local = "local"


def _progress(report, staged) -> None:
    if staged is None:
        todo = report.inputs - report.skipped
        where = f"Ray, {report.workers_asked} workers" if report.engine == "ray" else "this process"
        err.print(
            f"batch: {report.inputs:,} inputs, {report.skipped:,} finished before (skipped), "
            f"{todo:,} to process ({where})",
            markup=False,
        )
        return
    todo = report.inputs - report.skipped
    n = report.done + len(report.failed)
    outcome = (
        f"failed: {staged.error}"
        if staged.error
        else f"{staged.articles:,} article{'' if staged.articles == 1 else 's'}, {staged.rejected:,} rejected"
    )
    rate = report.articles / report.elapsed if report.elapsed > 0 else 0.0
    err.print(
        f"[{n}/{todo}] {staged.source}: {outcome} ({staged.wall:.1f} s on {staged.worker}) "
        f"· {report.articles:,} articles, {rate:.1f}/s so far",
        markup=False,
        soft_wrap=True,
    )


def _summary(report) -> Table:
    table = Table(title="batch", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in (
        ("inputs", report.inputs),
        ("  skipped (finished before)", report.skipped),
        ("  processed", report.done),
        ("  failed (a rerun retries them)", len(report.failed)),
        ("articles", report.articles),
        ("rejected", report.rejected),
    ):
        table.add_row(what, f"{n:,}")
    return table


def _workers(report) -> Table:
    table = Table(title="workers", title_justify="left")
    for name, justify in (
        ("worker", "left"),
        ("inputs", "right"),
        ("articles", "right"),
        ("CPU s", "right"),
        ("articles / CPU-s", "right"),
        ("peak RSS MiB", "right"),
    ):
        table.add_column(name, justify=justify)
    for name, w in sorted(report.workers.items()):
        rate = f"{w.per_cpu_second:,.1f}" if w.cpu > 0 else "—"
        table.add_row(name, f"{w.inputs:,}", f"{w.articles:,}", f"{w.cpu:.1f}", rate, f"{w.rss_mb:,.0f}")
    return table


def batch_command(
    ctx: typer.Context,
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(
            help="Files, folders (read recursively) or globs: one task per file, as ingest reads them."
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The archive folder (made if missing).")] = ...,
    lists: Annotated[
        Optional[list[Path]],
        typer.Option("--list", help="A text file naming inputs, one path a line (# comments); repeatable."),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="'ray' (Ray Data, an actor pool) or 'local' (this process).")
    ] = Engine.ray,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Ray actors, each with its own copy of the models.")
    ] = 2,
    cpus_per_worker: Annotated[
        int,
        typer.Option("--cpus-per-worker", min=1, help="CPUs each worker reserves (and its BLAS threads)."),
    ] = 1,
    memory_per_worker: Annotated[
        Optional[str],
        typer.Option(
            "--memory-per-worker",
            help="Memory each Ray worker reserves (e.g. 2GB): Ray starts no more workers than fit. "
            "A worker measured ~1.2 GiB at peak (docs/batch.md).",
        ),
    ] = None,
    address: Annotated[
        Optional[str],
        typer.Option(
            "--address",
            help="A running Ray cluster (ray://head:10001, head:6379 or 'auto'); default: a local one.",
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles annotated together, as ingest does.")
    ] = 100,
) -> None:
    """Analyse many inputs in parallel into a Parquet archive (date=/language= partitions).
    A run stopped midway resumes where it left off."""
    from crisol.cli import settings  # cycle: crisol.cli imports the command modules

    paths = list(inputs or [])
    try:
        from crisol.batch import engines  # lazy: pyarrow, and the stages
    except ImportError as e:
        from crisol.batch import EXTRA_HINT

        err.print(f"error: crisol batch needs pyarrow ({e}): {EXTRA_HINT}", markup=False)
        raise typer.Exit(2) from None
    for listed in lists or []:
        try:
            paths += engines.read_list(str(listed))
        except OSError as e:
            raise typer.BadParameter(f"cannot read {listed}: {e.strerror}", param_hint="--list") from None
    if not paths:
        raise typer.BadParameter("give inputs, or --list FILE naming them", param_hint="INPUTS")
    try:
        memory = engines.parse_size(memory_per_worker) if memory_per_worker else None
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--memory-per-worker") from None
    chosen = settings(ctx)
    run_settings = engines.Settings(
        ner=chosen.ner,
        ner_model=str(chosen.ner_model) if chosen.ner_model else None,
        now=datetime.now(timezone.utc),
        batch_size=batch_size,
        threads=cpus_per_worker,
    )
    try:
        report = engines.run(
            paths,
            os.fspath(out),
            engine=engine.value,
            workers=workers,
            cpus_per_worker=cpus_per_worker,
            memory_per_worker=memory,
            address=address,
            settings=run_settings,
            on_input=_progress,
        )
    except CrisolError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    _report(report, out)
    raise typer.Exit(0 if report.ok else 1)


def _report(report, out: Path) -> None:
    from crisol.batch.archive import Archive

    console = Console(highlight=False)
    console.print(_summary(report))
    if report.workers:
        console.print(_workers(report))
    rate = report.articles / report.elapsed if report.elapsed > 0 else 0.0
    console.print(
        f"{report.articles:,} articles in {report.elapsed:.1f} s ({rate:.1f} articles/s end to end, "
        f"{report.processing_wall:.1f} s processing), {report.cpu:.1f} CPU-s in the workers",
        soft_wrap=True,
    )
    for failure in report.failed:
        typer.echo(str(failure))
    if report.rejected:
        shown = Archive(out).rejections().slice(0, SHOWN_REJECTIONS).to_pylist()
        for r in shown:
            where = f"{r['source']} ({r['location']})" if r["location"] else r["source"]
            typer.echo(f"{where}: {r['reason']}")
        typer.echo(f"rejections (all runs) are kept in {out / '_rejections'}/ with their reasons")


def register(app: typer.Typer) -> None:
    app.command("batch")(batch_command)
