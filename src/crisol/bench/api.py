"""``crisol bench api``: latency (p50/p99) and throughput of the main read endpoints, with 100k
articles stored, on SQLite and PostgreSQL, while an ingest runs beside.

1. build the store once (reused when it already holds enough articles): real Spanish news texts
   (the Spanish fake news corpus) replicated with variations (sentences reordered and dropped,
   dates and outlets spread), bulk-inserted through the store and indexed for search;
2. start ``crisol serve`` in its own process on loopback;
3. start an ingest beside: a client posting batches of new articles to ``POST /articles`` for
   the whole measurement;
4. load each endpoint in turn with ``wrk`` (Debian's package; a Python asyncio client when wrk
   is not installed) for a fixed time, and read its latency percentiles and request rate;
5. with the ingest stopped, send each endpoint ``--cpu-requests`` requests one at a time and
   read the CPU time they cost the server process and (PostgreSQL) the database's backends
   from ``/proc``: a per-request cost that does not depend on what else runs on the machine.

Bounded in time: building 100k articles takes a few minutes per engine the first time; each
endpoint is loaded for ``--seconds``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import httpx
import typer
from sqlalchemy import create_engine, text

from crisol.bench._common import AUTH, emit_metrics, free_port, shared_dir, start_server, write_jsonl
from crisol.model import Article
from crisol.store import database_url, open_store
from crisol.store import search as fts

NAME = "api"

# The gate (tests/api/test_bench_api.py: 1,000 articles, SQLite, 1 s per endpoint) measured
# 32-130 req/s and p99 120-270 ms per endpoint on 2 cores shared with other jobs (load 10-18);
# the floors sit well below that because the machine's load swings threefold between runs.
# An error rate up to 1%: wrk counts a connection the server closes at the end of a run.
FLOORS = {"min_rps": 5.0, "max_p99_ms": 3000.0, "max_error_rate": 0.01, "min_ingest_articles_per_s": 2.0}

CORPUS = "spanish-fake-news-corpus"
OUTLETS = ("Diario del Norte", "La Voz del Sur", "El Observador", "Gaceta Central", "Crónica Local",
           "Noticias del Valle", "El Puerto Hoy", "La Mañana")  # fmt: skip
SEARCH_WORDS = ("gobierno", "presidente", "elecciones", "educación", "salud", "economía")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


# ---- 1. the store ---------------------------------------------------------------------------


def corpus_texts(folder: Path) -> list[dict[str, str]]:
    """Headline, text and source of every record of the corpus (train, development, test)."""
    rows = []
    for name in ("train.jsonl", "development.jsonl", "test.jsonl"):
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            text = (r.get("Text") or "").strip()
            if len(text) > 200:
                rows.append(
                    {"title": r.get("Headline") or text[:80], "text": text, "source": r.get("Source") or ""}
                )
    if not rows:
        raise typer.BadParameter(
            f"{folder}: no corpus records (expected train.jsonl, development.jsonl, test.jsonl)"
        )
    return rows


def variant(rows: list[dict[str, str]], n: int, salt: str = "") -> dict[str, Any]:
    """The n-th article: a corpus text with its sentences reordered and one dropped, a date and
    an outlet of its own (deterministic in ``n``)."""
    base = rows[n % len(rows)]
    rng = random.Random(f"{salt}{n}")
    lines = [s for s in _SENTENCE.split(base["text"].replace("\n", " ")) if s]
    if len(lines) > 3:
        lines.pop(rng.randrange(1, len(lines)))
        body = lines[1:]
        rng.shuffle(body)
        lines = lines[:1] + body
    published = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(
        minutes=rng.randrange(0, 2 * 365 * 24 * 60)
    )
    return {
        "title": base["title"],
        "text": " ".join(lines),
        "outlet": rng.choice(OUTLETS),
        "language": "es",
        "date": published.isoformat(),
        "url": f"https://bench.example/{salt}{n}",
    }


def _article(record: dict[str, Any], n: int):
    raw = json.dumps(record, ensure_ascii=False).encode()
    return Article(
        id=hashlib.sha256(raw).hexdigest()[:16],
        source=f"bench/{n}",
        raw=raw,
        raw_format="json",
        text=record["text"],
        title=record["title"],
        outlet=record["outlet"],
        url=record["url"],
        published=datetime.fromisoformat(record["date"]),
        date_source="metadata",
        language="es",
    )


def build_store(url: str, rows: list[dict[str, str]], articles: int, batch: int = 1000) -> dict[str, Any]:
    """Fill the store up to ``articles`` (keeping what is there); returns counts and timings."""

    started = time.perf_counter()
    with open_store(url) as store:
        have = store.count_articles()
        for start in range(have, articles, batch):
            batch_articles = [
                _article(variant(rows, n), n) for n in range(start, min(articles, start + batch))
            ]
            with store.transaction():
                store.add_articles(batch_articles)
                fts.index_articles(store, batch_articles)
            print(f"  stored {min(articles, start + batch):,}/{articles:,}", file=sys.stderr, end="\r")
        fts.catch_up(store)
        total = store.count_articles()
    return {
        "articles": total,
        "added": max(0, total - have),
        "build_s": round(time.perf_counter() - started, 1),
    }


# ---- 3. the ingest beside -------------------------------------------------------------------


@dataclass
class Ingest:
    """Posts batches of new articles until stopped; counts what was stored."""

    base: str
    rows: list[dict[str, str]]
    batch: int = 20
    stored: int = 0
    errors: int = 0
    seconds: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started, n = time.perf_counter(), 0
        salt = f"live-{os.getpid()}-{time.time_ns()}-"
        with httpx.Client(base_url=self.base, timeout=60, headers=AUTH) as client:
            while not self._stop.is_set():
                records = [variant(self.rows, n + i, salt) for i in range(self.batch)]
                n += self.batch
                try:
                    r = client.post("/articles", json=records)
                except httpx.HTTPError:
                    self.errors += 1
                    time.sleep(0.1)
                    continue
                if r.status_code in (200, 201):
                    self.stored += r.json()["new"]
                else:
                    self.errors += 1
        self.seconds = time.perf_counter() - started

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def stop(self, thread: threading.Thread) -> None:
        self._stop.set()
        thread.join(timeout=120)


# ---- 4. load --------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not m:
        raise ValueError(f"cannot read wrk latency {value!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    """p50/p99 (ms), requests per second and error count from ``wrk --latency`` output."""
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(x) for x in sock.groups()) if sock else 0
    return {
        "p50_ms": _ms(pct["50"]),
        "p99_ms": _ms(pct["99"]),
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)) if total else 0,
        "errors": errors,
    }


def load_wrk(url: str, seconds: float, connections: int) -> dict[str, float]:
    # A long timeout: a slow answer is measured as slow, not dropped as a socket error.
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def load_python(url: str, seconds: float, connections: int) -> dict[str, float]:
    """The same measurement with an asyncio httpx client (when wrk is not installed)."""

    async def worker(client, deadline, latencies, errors):
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            r = await client.get(url)
            latencies.append((time.perf_counter() - t0) * 1000)
            errors[0] += r.status_code >= 300

    async def main():
        latencies, errors = [], [0]
        async with httpx.AsyncClient(timeout=60) as client:
            deadline = time.perf_counter() + seconds
            await asyncio.gather(*(worker(client, deadline, latencies, errors) for _ in range(connections)))
        return latencies, errors[0]

    started = time.perf_counter()
    latencies, errors = asyncio.run(main())
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0  # noqa: E731
    return {
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "rps": len(latencies) / (time.perf_counter() - started),
        "requests": len(latencies),
        "errors": errors,
    }


def endpoints(base: str) -> Iterator[tuple[str, str]]:
    """(name, URL) of the read endpoints measured, against what the store holds."""

    listing = httpx.get(f"{base}/articles", params={"limit": 1, "offset": 500}).json()
    if not listing["data"]:  # a small store: its first article
        listing = httpx.get(f"{base}/articles", params={"limit": 1}).json()
    some_id = listing["data"][0]["id"] if listing["data"] else "0"
    yield "articles", f"{base}/articles?limit=20"
    yield (
        "articles_filtered",
        f"{base}/articles?language=es&outlet=La%20Voz%20del%20Sur&since=2024-06-01&limit=20&offset=200",
    )  # noqa: E501
    yield "article", f"{base}/articles/{some_id}"
    yield "search_common", f"{base}/search?q={SEARCH_WORDS[0]}&limit=10"
    yield "search_two_words", f"{base}/search?q=presidente%20elecciones&limit=10"
    yield "events", f"{base}/events?limit=20"
    # attention over time (issue 15): a common word's weekly counts and top lists
    yield "attention", f"{base}/attention?q={SEARCH_WORDS[0]}&interval=week"


# ---- 5. CPU per request ---------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; 0 where unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends connected to the bench database (none for SQLite)."""
    if not url.startswith(("postgresql", "postgres:")):
        return []

    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            mine = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            return list(conn.scalars(text(mine)))
    finally:
        engine.dispose()


def cpu_per_request(
    url: str, label: str, server: subprocess.Popen, base: str, requests: int
) -> list[dict[str, Any]]:
    """CPU milliseconds each endpoint costs the server (and the database), one request at a time."""

    rows = []
    with httpx.Client(timeout=60) as client:
        for name, endpoint in endpoints(base):
            for _ in range(3):  # warm: connections opened, caches filled
                client.get(endpoint)
            backends = backend_pids(url)
            s0, d0, w0 = cpu_seconds(server.pid), sum(map(cpu_seconds, backends)), time.perf_counter()
            for _ in range(requests):
                client.get(endpoint)
            s1, d1, w1 = cpu_seconds(server.pid), sum(map(cpu_seconds, backends)), time.perf_counter()
            rows.append(
                {
                    "engine": label,
                    "endpoint": f"cpu_{name}",
                    "requests": requests,
                    "server_cpu_ms": round(1000 * (s1 - s0) / requests, 1),
                    "db_cpu_ms": round(1000 * (d1 - d0) / requests, 1),
                    "wall_ms": round(1000 * (w1 - w0) / requests, 1),
                }
            )
    return rows


# ---- the command ----------------------------------------------------------------------------


def run_engine(
    url: str,
    label: str,
    rows,
    articles: int,
    seconds: float,
    connections: int,
    ingest: bool,
    cpu_requests: int = 0,
):
    """Build (or reuse) the store at ``url``, serve it, load every endpoint; per-endpoint rows."""
    print(f"[{label}] building the store ({articles:,} articles) ...", file=sys.stderr)
    built = build_store(url, rows, articles)
    print(f"[{label}] {built}", file=sys.stderr)
    port = free_port()
    server = start_server(url, port)
    base = f"http://127.0.0.1:{port}/api"
    load = load_wrk if shutil.which("wrk") else load_python
    results = []
    try:
        beside = Ingest(base, rows) if ingest else None
        thread = beside.start() if beside else None
        time.sleep(1.0 if beside else 0)  # let the first batch start
        for name, endpoint in endpoints(base):
            m = load(endpoint, seconds, connections)
            results.append({"engine": label, "endpoint": name, "url": endpoint.replace(base, ""), **m})
            print(
                f"[{label}] {name:18} p50 {m['p50_ms']:8.1f} ms  p99 {m['p99_ms']:8.1f} ms  "
                f"{m['rps']:8.1f} req/s  errors {m['errors']}",
                file=sys.stderr,
            )
        if beside:
            beside.stop(thread)
            rate = beside.stored / beside.seconds if beside.seconds else 0.0
            results.append(
                {
                    "engine": label,
                    "endpoint": "ingest_beside",
                    "articles": beside.stored,
                    "seconds": round(beside.seconds, 1),
                    "articles_per_s": round(rate, 1),
                    "errors": beside.errors,
                }
            )
        if cpu_requests:
            for r in cpu_per_request(url, label, server, base, cpu_requests):
                results.append(r)
                print(
                    f"[{label}] {r['endpoint']:22} server {r['server_cpu_ms']:6.1f} ms CPU  "
                    f"database {r['db_cpu_ms']:6.1f} ms CPU  (one at a time: {r['wall_ms']:.1f} ms)",
                    file=sys.stderr,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return built, results, load.__name__


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    reads = [r for r in results if "rps" in r]
    ingests = [r for r in results if r["endpoint"] == "ingest_beside"]
    metrics: dict[str, Any] = {}
    for r in reads:
        key = f"{r['engine']}_{r['endpoint']}"
        metrics[f"{key}_p50_ms"] = round(r["p50_ms"], 2)
        metrics[f"{key}_p99_ms"] = round(r["p99_ms"], 2)
        metrics[f"{key}_rps"] = round(r["rps"], 1)
    for r in ingests:
        metrics[f"{r['engine']}_ingest_articles_per_s"] = r["articles_per_s"]
    for r in results:
        if "server_cpu_ms" in r:
            metrics[f"{r['engine']}_{r['endpoint']}_ms"] = round(r["server_cpu_ms"] + r["db_cpu_ms"], 1)
    total = sum(r["requests"] for r in reads)
    metrics["min_rps"] = round(min((r["rps"] for r in reads), default=0.0), 1)
    metrics["max_p99_ms"] = round(max((r["p99_ms"] for r in reads), default=0.0), 1)
    metrics["error_rate"] = round(sum(r["errors"] for r in reads) / total, 4) if total else 0.0
    metrics["min_ingest_articles_per_s"] = min((r["articles_per_s"] for r in ingests), default=0.0)
    return metrics


def bench_api(
    corpus: Path,
    *,
    articles: int,
    seconds: float,
    connections: int,
    sqlite_db: Path | None,
    pg_url: str | None,
    ingest: bool = True,
    cpu_requests: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the benchmark on SQLite (and PostgreSQL when ``pg_url``); (metrics, per-endpoint rows)."""
    rows = corpus_texts(corpus)
    engines = ([(str(sqlite_db), "sqlite")] if sqlite_db else []) + (
        [(pg_url, "postgresql")] if pg_url else []
    )
    results, builds, tool = [], {}, ""
    for url, label in engines:
        built, got, tool = run_engine(url, label, rows, articles, seconds, connections, ingest, cpu_requests)
        builds[label] = built
        results.extend(got)
    metrics = summarize(results)
    metrics.update(
        {
            "articles": articles,
            "seconds_per_endpoint": seconds,
            "connections": connections,
            "load_tool": "wrk" if tool == "load_wrk" else "python-httpx",
            **{f"{k}_build_s": v["build_s"] for k, v in builds.items()},
        }
    )
    return metrics, results


def command(
    corpus: Annotated[
        Optional[Path], typer.Argument(help="Folder of the Spanish fake news corpus (JSONL).")
    ] = None,
    articles: Annotated[int, typer.Option(min=100, help="Articles in the store.")] = 100_000,
    seconds: Annotated[float, typer.Option(min=1, help="Load time per endpoint.")] = 10.0,
    connections: Annotated[int, typer.Option(min=1, help="Concurrent connections.")] = 8,
    sqlite_db: Annotated[Path, typer.Option(help="SQLite store to build or reuse.")] = Path(
        "/tmp/crisol-bench-api.db"
    ),
    pg: Annotated[
        Optional[str], typer.Option(envvar="CRISOL_BENCH_PG_URL", help="PostgreSQL URL to build or reuse.")
    ] = None,  # noqa: E501
    ingest: Annotated[
        bool, typer.Option("--ingest/--no-ingest", help="Run an ingest beside the load.")
    ] = True,
    sqlite: Annotated[
        bool, typer.Option("--sqlite/--no-sqlite", help="Measure SQLite (--no-sqlite: PostgreSQL only).")
    ] = True,  # noqa: E501
    cpu_requests: Annotated[
        int,
        typer.Option(
            min=0, help="Requests per endpoint, one at a time, to read the CPU each costs (0: skip)."
        ),
    ] = 20,  # noqa: E501
    out: Annotated[Optional[Path], typer.Option(help="Per-endpoint results as JSONL.")] = None,
) -> None:
    """API latency and throughput under load, with an ingest running beside."""
    if corpus is None:
        shared = shared_dir()
        if shared is None:
            raise typer.BadParameter("no corpus given and ../shared/data is not present")
        corpus = shared / "data" / CORPUS
    metrics, results = bench_api(
        corpus,
        articles=articles,
        seconds=seconds,
        connections=connections,
        sqlite_db=sqlite_db if sqlite else None,
        pg_url=pg,
        ingest=ingest,
        cpu_requests=cpu_requests,
    )
    write_jsonl(out, results)
    print(
        f"\nAPI under load ({metrics['load_tool']}, {connections} connections, {seconds:g} s per endpoint, "
        f"{articles:,} articles, ingest beside: {'yes' if ingest else 'no'})"
    )
    print(f"{'engine':11} {'endpoint':18} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>9}")
    for r in results:
        if "rps" in r:
            print(
                f"{r['engine']:11} {r['endpoint']:18} {r['p50_ms']:9.1f} {r['p99_ms']:9.1f} {r['rps']:9.1f}"
            )
        elif "server_cpu_ms" in r:
            print(
                f"{r['engine']:11} {r['endpoint']:18} CPU per request: server {r['server_cpu_ms']} ms + "
                f"database {r['db_cpu_ms']} ms"
            )
        else:
            print(
                f"{r['engine']:11} ingest beside: {r['articles']} articles in {r['seconds']} s "
                f"({r['articles_per_s']}/s), {r['errors']} errors"
            )
    emit_metrics(metrics)
