"""``crisol bench batch``: one CC-NEWS-like crawl through ingest, ``crisol batch --engine local``
and ``crisol batch`` on Ray Data with 1 and 2 workers.

The crawl (:mod:`crisol.bench._ccnews`) is built at run time from ../shared/data: Spanish articles
of the fake-news corpus in news pages, real English pages of the Zyte benchmark, dealt into
gzipped WARC files with a crawl's redirects and robots.txt, as CC-NEWS holds them; without
../shared (or with ``--fixture``), the test fixture's six articles.

Correctness (FLOORS, all must hold): every engine's archive is the same table, column for column
(embeddings included), and the same rejections; and the articles equal, field for field, what
``crisol ingest`` stores from the same files (analysis on, no linking).

Speed: per run, the workers' CPU seconds on their inputs (model loading apart), articles per
CPU-second of a worker, the processing wall time (first input started to last finished, which
leaves out Ray's start and the models' loading, a fixed cost per worker) and the end-to-end
wall time; the 1 -> 2 worker speed-up on processing wall time; the peak resident memory of each
worker. Beside them, the machine's load average and its parallel ceiling (two spinning processes
against one, just before the Ray runs): on a shared machine a second worker competes with other
people's processes, which the CPU seconds (unchanged) and the wall time (not halved) show apart.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crisol.batch import engines, schema
from crisol.batch.archive import Archive, read_articles
from crisol.bench._ccnews import fixture_pages, shared_pages, write_crawl
from crisol.bench._common import emit_metrics, machine, shared_dir
from crisol.model import Article, as_utc

NAME = "batch"

# Correctness, not speed: each engine gives exactly the local pipeline's articles (1 = yes).
FLOORS = {
    "identical_to_ingest": 1.0,
    "identical_local_ray_1": 1.0,
    "identical_local_ray_2": 1.0,
    "rejections_identical": 1.0,
}
# The goal for 2 workers on 2 cores (a measure, not a gate: the machine is shared).
SPEEDUP_GOAL = 1.8
FIXTURE = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "batch" / "articles.jsonl"


def build_crawl(folder: Path, articles: int, files: int, fixture: bool) -> tuple[list[Path], str]:
    """The WARC files, and a line saying what they hold."""
    shared = None if fixture else shared_dir()
    if shared is None:
        if not FIXTURE.exists():
            raise typer.BadParameter(
                "neither ../shared nor tests/fixtures/batch is here to build a crawl from"
            )
        pages = fixture_pages(FIXTURE)
        what = f"the test fixture's {len(pages)} articles"
    else:
        spanish = round(articles * 0.6)
        pages = shared_pages(shared, spanish, articles - spanish)
        what = f"{len(pages)} pages: Spanish fake-news corpus in news pages, Zyte's real English pages"
    files = max(1, min(files, len(pages)))
    return write_crawl(folder, pages, files, hostile=True), f"{what}, in {files} WARC.gz files"


def same_article(archived: Article, stored: Article) -> bool:
    """Equal in every field; times as instants (the store hands a naive time back as UTC)."""
    times = ("published", "fetched")
    if any(as_utc(getattr(archived, t)) != as_utc(getattr(stored, t)) for t in times):
        return False
    return replace(archived, published=None, fetched=None) == replace(stored, published=None, fetched=None)


def stored_differences(archive: Path, crawl: list[Path], db: Path) -> tuple[int, int, Any]:
    """Articles of the archive that differ from what ``crisol ingest`` stores from the same
    files (times compared as instants, as the store keeps them), articles missing on either
    side, and the ingest report."""
    from crisol.service.runner import Runner
    from crisol.store import open_store

    store = open_store(str(db))
    try:
        report = Runner(store, link=False).run([str(p) for p in crawl])
        stored = {a.id: a for a in store.iter_articles(with_raw=True)}
    finally:
        store.close()
    archived = {a.id: a for a, _ in schema.from_table(read_articles(archive))}
    differ = sum(not same_article(archived[aid], stored[aid]) for aid in stored.keys() & archived.keys())
    missing = len(stored.keys() ^ archived.keys())
    rejected_ingest = sorted((r.source, r.location, r.reason) for r in report.rejected)
    rejected_batch = sorted(
        (r["source"], r["location"], r["reason"]) for r in Archive(archive).rejections().to_pylist()
    )
    differ += rejected_ingest != rejected_batch
    return differ, missing, report


def _timed_ingest(archive: Path, crawl: list[Path], db: Path) -> dict[str, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    differ, missing, report = stored_differences(archive, crawl, db)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "differ": differ,
        "missing": missing,
        "articles": report.new,
        "cpu": cpu,
        "wall": wall,
    }


def _spin(seconds: float, counts) -> None:
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        for _ in range(1000):
            n += 1
    counts.put(n)


def _spin_together(processes: int, seconds: float) -> int:
    ctx = multiprocessing.get_context("spawn")
    counts = ctx.Queue()
    spinners = [ctx.Process(target=_spin, args=(seconds, counts)) for _ in range(processes)]
    for p in spinners:
        p.start()
    total = sum(counts.get() for _ in spinners)
    for p in spinners:
        p.join()
    return total


def parallel_ceiling(seconds: float = 2.0) -> float:
    """What two busy processes get done beside one, on this machine now (2.0: two free cores;
    1.0: the second process only takes time from the first): the most any 2-worker run could
    gain here, measured so the speed-up can be read against it."""
    one = (_spin_together(1, seconds) + _spin_together(1, seconds)) / 2
    return round(_spin_together(2, seconds) / one, 2) if one else 0.0


def _run_summary(report: engines.BatchReport) -> dict[str, Any]:
    workers = report.workers.values()
    return {
        "articles": report.articles,
        "rejected": report.rejected,
        "elapsed": round(report.elapsed, 2),
        "processing_wall": round(report.processing_wall, 2),
        "cpu": round(report.cpu, 2),
        "per_worker_cpu_s": round(report.articles / report.cpu, 2) if report.cpu else 0.0,
        "per_wall_s": round(report.articles / report.processing_wall, 2) if report.processing_wall else 0.0,
        "peak_rss_mb": round(max((w.rss_mb for w in workers), default=0.0)),
        # the CPU seconds of the busiest worker: the run's length had each worker a core of its own
        "busiest_worker_cpu": round(max((w.cpu for w in workers), default=0.0), 2),
        # cores the run had on average (the rest of a busy machine's went to other processes)
        "cores_used": round(report.cpu / report.processing_wall, 2) if report.processing_wall else 0.0,
        "workers_seen": len(report.workers),
    }


def run(crawl: list[Path], work: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The crawl through every path; (metrics, per-run summaries)."""
    inputs = [str(p) for p in crawl]
    runs: dict[str, dict[str, Any]] = {}
    load = {"load_before": round(os.getloadavg()[0], 2)}
    local = engines.run(inputs, work / "local", engine="local")
    runs["local"] = _run_summary(local)
    load["parallel_ceiling"] = parallel_ceiling()
    ray, started = engines.start_ray(None, 2)
    try:
        for n in (1, 2):
            report = engines.run(inputs, work / f"ray-{n}", engine="ray", workers=n)
            runs[f"ray_{n}"] = _run_summary(report)
    finally:
        if started:
            ray.shutdown()
    load["load_after_ray"] = round(os.getloadavg()[0], 2)
    ingest = _timed_ingest(work / "local", crawl, work / "ingest.db")
    runs["ingest"] = {
        "articles": ingest["articles"],
        "cpu": round(ingest["cpu"], 2),
        "wall": round(ingest["wall"], 2),
    }

    reference = read_articles(work / "local")
    rejections = Archive(work / "local").rejections().sort_by("location")
    metrics: dict[str, Any] = {
        "inputs": len(crawl),
        "articles": reference.num_rows,
        "rejected": rejections.num_rows,
        "identical_to_ingest": float(ingest["differ"] == 0 and ingest["missing"] == 0),
        "rejections_identical": 1.0,
    }
    for n in (1, 2):
        metrics[f"identical_local_ray_{n}"] = float(read_articles(work / f"ray-{n}").equals(reference))
        same = Archive(work / f"ray-{n}").rejections().sort_by("location").equals(rejections)
        metrics["rejections_identical"] = min(metrics["rejections_identical"], float(same))
    for name, summary in runs.items():
        for key, value in summary.items():
            metrics[f"{name}_{key}"] = value
    one, two = runs["ray_1"]["processing_wall"], runs["ray_2"]["processing_wall"]
    metrics["speedup_1_to_2"] = round(one / two, 2) if two else 0.0
    metrics["speedup_1_to_2_end_to_end"] = round(runs["ray_1"]["elapsed"] / runs["ray_2"]["elapsed"], 2)
    metrics["cpu_ratio_2_to_1"] = round(runs["ray_2"]["cpu"] / runs["ray_1"]["cpu"], 2)
    busiest = runs["ray_2"]["busiest_worker_cpu"]
    metrics["speedup_1_to_2_cpu_bound"] = round(runs["ray_1"]["cpu"] / busiest, 2) if busiest else 0.0
    return {**metrics, **load}, runs


def report(metrics: dict[str, Any], runs: dict[str, dict[str, Any]], what: str) -> None:
    print(f"crisol bench batch — {machine()}; {what}")
    print(
        f"load average: {metrics['load_before']} before, {metrics['load_after_ray']} after the Ray runs; "
        f"two busy processes did x{metrics['parallel_ceiling']} the work of one just before them"
    )
    print(
        f"{'run':8} {'articles':>8} {'rej.':>5} {'CPU s':>7} {'art/CPU-s':>9} {'proc. wall':>10} "
        f"{'art/s':>6} {'e2e wall':>8} {'peak RSS/worker':>15}"
    )
    for name in ("local", "ray_1", "ray_2"):
        r = runs[name]
        print(
            f"{name:8} {r['articles']:8d} {r['rejected']:5d} {r['cpu']:7.1f} {r['per_worker_cpu_s']:9.2f} "
            f"{r['processing_wall']:10.1f} {r['per_wall_s']:6.2f} {r['elapsed']:8.1f} {r['peak_rss_mb']:12d} MiB"
        )
    ingest = runs["ingest"]
    print(
        f"ingest   {ingest['articles']:8d}       {ingest['cpu']:7.1f}  (crisol ingest, analysis on, no linking)"
    )
    print(
        f"1 -> 2 workers: x{metrics['speedup_1_to_2']} on processing wall (goal x{SPEEDUP_GOAL}), "
        f"x{metrics['speedup_1_to_2_end_to_end']} end to end; workers' CPU-s x{metrics['cpu_ratio_2_to_1']}; "
        f"x{metrics['speedup_1_to_2_cpu_bound']} with a core per worker (1 worker's CPU-s over the busiest "
        f"of 2's); cores had: {runs['ray_1']['cores_used']} and {runs['ray_2']['cores_used']}"
    )
    print("correctness (floors in brackets):")
    for key, floor in FLOORS.items():
        mark = "ok" if metrics[key] >= floor else "BELOW FLOOR"
        print(f"  {key:24} {metrics[key]:.0f}  [{floor:.0f}] {mark}")


def command(
    articles: Annotated[
        int, typer.Option(min=1, help="Pages in the crawl (60% Spanish, 40% English).")
    ] = 240,
    files: Annotated[
        int, typer.Option(min=1, help="WARC files the pages are dealt into (one task each).")
    ] = 12,
    fixture: Annotated[
        bool, typer.Option(help="Build the crawl from the test fixture, not ../shared.")
    ] = False,
    keep: Annotated[
        Optional[Path], typer.Option(help="Keep the crawl and the archives in this folder (made empty).")
    ] = None,
) -> None:
    """One CC-NEWS-like crawl through ingest, batch --engine local and Ray with 1 and 2 workers."""
    work = keep or Path(tempfile.mkdtemp(prefix="crisol-bench-batch-"))
    if keep is not None:
        shutil.rmtree(keep, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    try:
        crawl, what = build_crawl(work / "crawl", articles, files, fixture)
        metrics, runs = run(crawl, work)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report(metrics, runs, what)
    metrics["cores"] = os.cpu_count()
    emit_metrics(metrics)
    if any(metrics[key] < floor for key, floor in FLOORS.items()):
        raise typer.Exit(1)
