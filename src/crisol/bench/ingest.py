"""``crisol bench ingest``: throughput of the ingest pipeline (read + clean + store).

The Spanish Fake News Corpus (1,543 real article bodies with outlet, headline and link; no dates)
is converted to two temporary inputs: one JSON Lines file in the news-please schema and one
folder of plain ``.txt`` files (headline, blank line, body). Each is ingested into a fresh SQLite
store with analysis OFF (annotation is a separate stage with its own benchmark). Beside them:
crisol ingesting the trafilatura-eval HTML pages, and trafilatura's ``extract()`` alone on the
same pages, the floor any HTML pipeline built on it pays.

Speed is articles per CPU-second of this process (one core: the pipeline is single-threaded)
and per wall second. Quality gates, so a faster but lossy pipeline fails: the share of records
stored, of headlines kept as titles, of outlets kept, and how much of the body text survives.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional
from urllib.parse import urlsplit

import trafilatura
import typer

from crisol.bench._common import emit_metrics, machine, shared_dir, write_jsonl
from crisol.service.runner import ingest
from crisol.store import open_store

NAME = "ingest"

# Measured 2026-11-23 (docs/bench/ingest.md), minus a margin: a drop below fails the gate test.
FLOORS = {
    "jsonl_stored": 0.99,
    "jsonl_title_kept": 0.98,
    "jsonl_outlet_kept": 0.98,
    "jsonl_text_kept_mean": 0.97,
    "txt_stored": 0.99,
    "txt_title_kept": 0.97,
    "txt_text_kept_mean": 0.97,
    "html_stored": 0.95,
}

CORPUS = "data/spanish-fake-news-corpus"
CORPUS_FILES = ("train.jsonl", "development.jsonl", "test.jsonl")
HTML_DIR = "data/trafilatura-eval/html"


@dataclass
class Record:
    """One corpus row, with what we expect the pipeline to keep."""

    key: str
    outlet: str
    title: str
    text: str
    url: str | None


def load_corpus(files: list[Path]) -> list[Record]:
    """Rows of the corpus's JSONL files (v1 and v2 spell the columns differently)."""
    out = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = {k.lower(): v for k, v in json.loads(line).items()}
            out.append(
                Record(
                    key=f"{path.name}:{n}",
                    outlet=str(row.get("source") or ""),
                    title=str(row.get("headline") or "").strip(),
                    text=str(row.get("text") or "").strip(),
                    url=row.get("link") or None,
                )
            )
    return out


def news_please(r: Record) -> dict[str, Any]:
    """The record in news-please's JSON schema (its field names; no date: the corpus has none)."""
    domain = urlsplit(r.url).netloc if r.url and "://" in r.url else None
    return {
        "title": r.title,
        "maintext": r.text,
        "url": r.url,
        "source_domain": domain,
        "language": "es",
        "authors": [],
        "date_publish": None,
        "publisher": r.outlet,
    }


def plain_text(r: Record) -> str:
    """A text file as scrapers write them: headline, blank line, body."""
    body = r.text
    # Some bodies already start with their headline (often run into the first sentence).
    if r.title and body.casefold().startswith(r.title.casefold()):
        body = body[len(r.title) :].lstrip(" .:-\n")
    return f"{r.title}\n\n{body}\n" if r.title else body + "\n"


def write_inputs(records: list[Record], tmp: Path) -> tuple[Path, Path, dict[str, Record]]:
    """The JSONL file, the .txt folder, and which record each .txt file holds."""
    jsonl = tmp / "corpus.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(news_please(r), ensure_ascii=False) + "\n")
    folder = tmp / "txt"
    folder.mkdir()
    by_file = {}
    for i, r in enumerate(records):
        path = folder / f"{i:05d}.txt"
        path.write_text(plain_text(r), encoding="utf-8")
        by_file[str(path)] = r
    return jsonl, folder, by_file


@dataclass
class Timing:
    mode: str
    items: int
    stored: int
    rejected: int
    wall: float
    cpu: float
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def per_cpu_second(self) -> float:
        return self.items / self.cpu if self.cpu else 0.0

    @property
    def per_wall_second(self) -> float:
        return self.items / self.wall if self.wall else 0.0


def timed_ingest(mode: str, paths: list[str], db: Path, items: int, analyze: bool) -> tuple[Timing, Any]:
    store = open_store(str(db))
    wall, cpu = time.perf_counter(), time.process_time()
    report = ingest(paths, store, analyze=analyze)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Timing(mode, items, report.new, len(report.rejected), wall, cpu), store


def _same_title(expected: str, got: str | None) -> bool | None:
    """Whether the stored title is the headline (spacing aside); None when there is none."""
    if not expected.strip():
        return None  # some corpus rows have no headline: nothing to keep
    return " ".join(expected.split()) == " ".join((got or "").split())


def _kept(expected: str, got: str | None) -> float:
    """Share of the expected body's words found in the stored text (order-free, capped at 1)."""
    want = expected.split()
    if not want:
        return 1.0
    have = set((got or "").split())
    return sum(w in have for w in want) / len(want)


def score_jsonl(store, records: list[Record]) -> tuple[dict[str, float], list[dict[str, Any]]]:
    # Records were written in order, so line n of the JSONL is records[n - 1].
    rows = []
    for a in store.iter_articles():
        n = int((a.location or "line 0").split()[-1])
        r = records[n - 1]
        rows.append(
            {
                "mode": "jsonl",
                "record": r.key,
                "id": a.id,
                "title_kept": _same_title(r.title, a.title),
                "outlet_kept": bool(a.outlet),
                "text_kept": round(_kept(r.text, a.text), 4),
            }
        )
    return _summary("jsonl", rows, len(records)), rows


def score_txt(store, by_file: dict[str, Record]) -> tuple[dict[str, float], list[dict[str, Any]]]:
    rows = []
    for a in store.iter_articles():
        r = by_file[a.source]
        rows.append(
            {
                "mode": "txt",
                "record": r.key,
                "id": a.id,
                "title_kept": _same_title(r.title, a.title),
                "text_kept": round(_kept(r.text, (a.title or "") + "\n" + a.text), 4),
            }
        )
    return _summary("txt", rows, len(by_file)), rows


def _summary(mode: str, rows: list[dict[str, Any]], total: int) -> dict[str, float]:
    out = {f"{mode}_stored": len(rows) / total if total else 0.0}
    if rows:
        out[f"{mode}_text_kept_median"] = statistics.median(r["text_kept"] for r in rows)
        out[f"{mode}_text_kept_mean"] = statistics.fmean(r["text_kept"] for r in rows)
        titled = [r["title_kept"] for r in rows if r["title_kept"] is not None]
        out[f"{mode}_title_kept"] = sum(titled) / len(titled) if titled else 0.0
        if "outlet_kept" in rows[0]:
            out[f"{mode}_outlet_kept"] = sum(r["outlet_kept"] for r in rows) / len(rows)
    return out


def trafilatura_alone(pages: list[Path]) -> Timing:
    htmls = [p.read_bytes() for p in pages]
    wall, cpu = time.perf_counter(), time.process_time()
    extracted = sum(trafilatura.extract(h) is not None for h in htmls)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Timing("trafilatura.extract (HTML)", len(pages), extracted, len(pages) - extracted, wall, cpu)


def warm_up(tmp: Path, records: list[Record], pages: list[Path], analyze: bool) -> None:
    """Load lazily-initialised models (language detection...) outside the timed runs."""

    few = tmp / "warm"
    few.mkdir()
    for i, r in enumerate(records[:5]):
        (few / f"{i}.txt").write_text(plain_text(r), encoding="utf-8")
    with open_store(str(tmp / "warm.db")) as store:
        ingest([str(few), *map(str, pages[:2])], store, analyze=analyze)


def run(
    corpus: list[Path],
    html_dir: Path | None,
    limit: int | None = None,
    html_limit: int | None = None,
    analyze: bool = False,
) -> tuple[dict[str, Any], list[Timing]]:
    """The whole benchmark; returns the metrics and the timings (with per-item rows)."""
    records = load_corpus(corpus)[:limit] if limit else load_corpus(corpus)
    html_limit = html_limit or limit
    pages = sorted(p for p in html_dir.iterdir() if p.is_file())[:html_limit] if html_dir else []
    metrics: dict[str, Any] = {
        "articles": len(records),
        "html_pages": len(pages),
        "analysis": "on" if analyze else "off",
    }
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="crisol-bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        jsonl, folder, by_file = write_inputs(records, tmp)
        warm_up(tmp, records, pages, analyze)
        t, store = timed_ingest(
            "crisol ingest news-please JSONL", [str(jsonl)], tmp / "j.db", len(records), analyze
        )
        with store:
            quality, t.rows = score_jsonl(store, records)
        metrics.update(quality)
        timings.append(t)
        t, store = timed_ingest(
            "crisol ingest .txt folder", [str(folder)], tmp / "t.db", len(records), analyze
        )
        with store:
            quality, t.rows = score_txt(store, by_file)
        metrics.update(quality)
        timings.append(t)
        if pages:
            html_paths = [str(p) for p in pages]
            t, store = timed_ingest("crisol ingest HTML pages", html_paths, tmp / "h.db", len(pages), analyze)
            store.close()
            metrics["html_stored"] = t.stored / len(pages)
            timings.append(t)
            timings.append(trafilatura_alone(pages))
    for t, key in zip(timings, ("jsonl", "txt", "html", "trafilatura")):
        metrics[f"{key}_per_cpu_s"] = round(t.per_cpu_second, 1)
        metrics[f"{key}_per_wall_s"] = round(t.per_wall_second, 1)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}, timings


def report(metrics: dict[str, Any], timings: list[Timing]) -> None:
    stages = "read + clean + annotate + store" if metrics["analysis"] == "on" else "read + clean + store"
    print(f"crisol bench ingest — {machine()}, analysis {metrics['analysis']} ({stages})")
    print(
        f"{'pipeline':34} {'items':>6} {'stored':>6} {'rej.':>5} {'wall s':>7} {'cpu s':>7} "
        f"{'/cpu-s':>7} {'/wall-s':>7}"
    )
    for t in timings:
        print(
            f"{t.mode:34} {t.items:6d} {t.stored:6d} {t.rejected:5d} {t.wall:7.2f} {t.cpu:7.2f} "
            f"{t.per_cpu_second:7.1f} {t.per_wall_second:7.1f}"
        )
    print("quality (floors in brackets):")
    for key, floor in FLOORS.items():
        if key in metrics:
            mark = "ok" if metrics[key] >= floor else "BELOW FLOOR"
            print(f"  {key:26} {metrics[key]:.3f}  [{floor}] {mark}")


def command(
    files: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Corpus JSONL files (default: the Spanish Fake News Corpus in ../shared)."),
    ] = None,
    html: Annotated[
        Optional[Path], typer.Option(help="Folder of HTML pages (default: trafilatura-eval's).")
    ] = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N records and pages.")] = None,
    html_limit: Annotated[Optional[int], typer.Option(help="Only the first N HTML pages.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write per-article results (JSONL).")] = None,
    analyze: Annotated[
        bool, typer.Option("--analyze", help="Run the analysis stage too (default: off).")
    ] = False,
) -> None:
    """Ingest throughput (articles/s per core) on real Spanish news, beside trafilatura alone."""
    shared = shared_dir()
    if not files:
        if shared is None:
            raise typer.BadParameter("no corpus given and ../shared is not present")
        files = [shared / CORPUS / f for f in CORPUS_FILES]
    if html is None and shared is not None and (shared / HTML_DIR).is_dir():
        html = shared / HTML_DIR
    metrics, timings = run(files, html, limit, html_limit, analyze=analyze)
    write_jsonl(out, (row for t in timings for row in t.rows))
    report(metrics, timings)
    metrics["cores"] = os.cpu_count()
    emit_metrics(metrics)
