"""``crisol bench watch``: the watch loop against a loopback news server with many outlets.

A threaded HTTP server on 127.0.0.1 plays ``--sources`` outlets, each under its own host name
(``outlet-007.bench.test``, resolved to 127.0.0.1 by the benchmark's resolver: no traffic
leaves the machine), each with an RSS feed of its latest 100 articles, robots.txt and ETags.
Articles are generated from sentence templates written for this benchmark (Spanish and
English), each one distinct.

Phase 1 (real clock): ``crisol watch --once`` over ``--articles`` articles: articles fetched and
stored per second (analysis off unless ``--analyze``), politeness measured at the server (the
most requests any host saw in one second, the shortest gap between two), and every article
page fetched exactly once.

Phase 2 (simulated clock): an hour of polling every 10 minutes while each outlet publishes a new
article every 10 minutes: the memory of the process after it (RSS), new articles all stored,
feeds answering 304 when nothing changed, and still nothing fetched twice.
"""

from __future__ import annotations

import gc
import hashlib
import math
import random
import shutil
import tempfile
import threading
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crisol.bench._common import emit_metrics, machine, write_jsonl
from crisol.store import open_store
from crisol.watch import FetchConfig, Fetcher, SimulatedClock, Source, Watcher

NAME = "watch"

# Measured 2026-11-23 (docs/bench/watch.md), minus a margin; the gate test runs a small subset,
# so throughput floors are for that subset.
FLOORS = {
    "stored_share": 1.0,
    "fetched_twice": 0,  # a ceiling: no page fetched twice
    "politeness_ok": 1,
    "sim_stored_share": 1.0,
    "fetched_twice_both_phases": 0,  # a ceiling
}

HOST = "outlet-{:03d}.bench.test"
PER_FEED = 100  # items in each feed, newest first
SIM_PUBLISH_EVERY = 600.0  # phase 2: each outlet publishes this often (simulated seconds)
SIM_INTERVAL = 300.0  # phase 2: each outlet is polled this often

# ---- generated articles ---------------------------------------------------------------------

_ES = {
    "titles": [
        "{city} aprueba un plan de {thing} de {n} millones",
        "Los vecinos de {city} protestan por {thing}",
        "{person} anuncia cambios en {thing} tras {n} días de debate",
        "El gobierno regional destina {n} millones a {thing} en {city}",
    ],
    "sentences": [
        "El ayuntamiento de {city} aprobó este {day} un plan de {thing} que costará {n} millones de euros y se "
        "ejecutará en los próximos {m} años.",
        "{person}, portavoz del equipo de gobierno, explicó que la medida beneficiará a unos {n2} vecinos de los "
        "barrios del norte.",
        "La oposición criticó que el proyecto se haya presentado sin un estudio previo y reclamó un debate en el "
        "pleno del próximo mes.",
        "Según los técnicos municipales, las obras de {thing} comenzarán en otoño si no hay recursos contra la "
        "adjudicación.",
        '"Es la inversión más importante de la última década", afirmó {person} ante los medios en la sede '
        "del consistorio.",
        "Las asociaciones vecinales pidieron que se tengan en cuenta las molestias del tráfico durante los {m} "
        "meses de trabajos.",
        "El presupuesto incluye una partida de {n3} euros para ayudas a los comercios afectados por el cierre de "
        "calles.",
        "La consejería de Fomento deberá dar el visto bueno al informe ambiental antes de que termine el año.",
    ],
    "cities": [
        "Valdecañas",
        "Puerto Albar",
        "Sierra Morena del Sur",
        "Villanueva del Campo",
        "Costa Brava Alta",
        "Monteverde",
        "Río Claro",
        "Santa Aurelia",
    ],
    "things": [
        "movilidad urbana",
        "vivienda pública",
        "carriles bici",
        "depuración de aguas",
        "alumbrado",
        "rehabilitación de fachadas",
        "transporte escolar",
        "zonas verdes",
    ],
    "people": [
        "Marta Lozano",
        "Andrés Villalba",
        "Lucía Benítez",
        "Rosa Echeverría",
        "Julián Sastre",
        "Carmen Robledo",
    ],
    "days": ["lunes", "martes", "miércoles", "jueves", "viernes"],
}
_EN = {
    "titles": [
        "{city} approves a {n} million plan for {thing}",
        "Residents of {city} protest over {thing}",
        "{person} announces changes to {thing} after {n} days of debate",
        "Regional government puts {n} million into {thing} in {city}",
    ],
    "sentences": [
        "{city} council approved on {day} a plan for {thing} that will cost {n} million pounds and run for the "
        "next {m} years.",
        "{person}, who speaks for the council, said the measure would benefit about {n2} residents of the "
        "northern districts.",
        "Opposition councillors complained that the project had been presented without a prior study and asked "
        "for a full debate next month.",
        "According to council engineers, work on {thing} will start in the autumn if the contract award is not "
        "challenged.",
        '"This is the most important investment of the last decade," {person} told reporters at the town hall.',
        "Residents' associations asked the council to plan for traffic disruption during the {m} months of "
        "works.",
        "The budget includes {n3} pounds in grants for shops affected by street closures along the route.",
        "The regional transport department must approve the environmental report before the end of the year.",
    ],
    "cities": [
        "Harborview",
        "Port Alden",
        "Kestrel Bay",
        "Millbrook",
        "Stonebridge",
        "Ashford Green",
        "Wyndham Cross",
        "Larkfield",
    ],
    "things": [
        "urban transport",
        "public housing",
        "cycle lanes",
        "water treatment",
        "street lighting",
        "school buses",
        "flood defences",
        "green spaces",
    ],
    "people": [
        "Priya Raman",
        "Tom Aldridge",
        "Helen Okafor",
        "James Whitlow",
        "Sarah Penhale",
        "Omar Castell",
    ],
    "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
}


def _fill(rng: random.Random, lang: dict, template: str, number: int) -> str:
    return template.format(
        city=rng.choice(lang["cities"]),
        thing=rng.choice(lang["things"]),
        person=rng.choice(lang["people"]),
        day=rng.choice(lang["days"]),
        n=rng.randint(2, 900),
        m=rng.randint(2, 9),
        n2=1000 + number,
        n3=f"{rng.randint(10, 999)}{number:05d}",
    )


def article_html(source: int, number: int) -> tuple[str, bytes]:
    """The title and page of article ``number`` of outlet ``source`` (deterministic, distinct)."""
    lang_code = "es" if source % 2 == 0 else "en"
    lang = _ES if lang_code == "es" else _EN
    rng = random.Random(source * 1_000_003 + number)
    title = _fill(rng, lang, rng.choice(lang["titles"]), number)
    paragraphs = []
    for _ in range(5):
        a, b = rng.sample(lang["sentences"], 2)
        paragraphs.append(f"<p>{_fill(rng, lang, a, number)} {_fill(rng, lang, b, number)}</p>")
    html = (
        f'<!DOCTYPE html><html lang="{lang_code}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><nav><a href="/">Portada</a> <a href="/local/">Local</a></nav><article><h1>{title}</h1>'
        f"{''.join(paragraphs)}</article><footer>© Outlet {source}</footer></body></html>"
    )
    return title, html.encode("utf-8")


# ---- the loopback server ----------------------------------------------------------------------


class BenchServer:
    """Outlets as virtual hosts on one threaded server; logs every request per host.

    Outlet ``s`` has ``initial`` articles published before the start, then (when ``publish_every``)
    one more every ``publish_every`` seconds of ``clock`` time, staggered across outlets.
    """

    def __init__(self, sources: int, initial: int, clock=None, publish_every: float | None = None):
        self.sources, self.initial, self.clock = sources, initial, clock
        self.publish_every = publish_every
        self.t0 = clock.now() if clock else time.time()
        self.date_base = self.t0 - 86400  # publication dates stay the same across phases
        self.log: dict[str, list[float]] = defaultdict(list)  # host -> request times (real monotonic)
        self.sim_log: dict[str, list[float]] = defaultdict(list)  # host -> request times (clock)
        self.page_gets: Counter = Counter()
        self.statuses: Counter = Counter()
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def simulate(self, clock, publish_every: float) -> None:
        """From now on, time is ``clock``'s and outlets publish every ``publish_every`` seconds."""
        with self.lock:
            self.clock, self.publish_every, self.t0 = clock, publish_every, clock.now()
            self.sim_log.clear()

    def published(self, source: int) -> int:
        """How many articles outlet ``source`` has published by now."""
        if not self.publish_every or self.clock is None:
            return self.initial
        offset = (source % 10) * self.publish_every / 10
        elapsed = self.clock.now() - self.t0 - offset
        return self.initial + (int(elapsed // self.publish_every) + 1 if elapsed >= 0 else 0)

    def feed(self, source: int) -> bytes:
        host = HOST.format(source)
        n = self.published(source)
        items = []
        for number in range(n - 1, max(-1, n - 1 - PER_FEED), -1):
            title = article_html(source, number)[0]
            date = formatdate(self.date_base + 60 * number, usegmt=True)
            items.append(
                f"<item><title>{title}</title><link>http://{host}:{self.port}/a/{number}.html"
                f"?utm_source=rss</link><pubDate>{date}</pubDate></item>"
            )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Outlet {source}'
            f"</title><link>http://{host}/</link><description>bench</description>{''.join(items)}"
            "</channel></rss>"
        ).encode()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                with server.lock:
                    server.log[host].append(time.monotonic())
                    if server.clock is not None:
                        server.sim_log[host].append(server.clock.now())
                try:
                    status, body, ctype = server.route(host, self.path, self.headers.get("If-None-Match"))
                except (BrokenPipeError, ConnectionResetError):
                    return
                with server.lock:
                    server.statuses[status] += 1
                    if status == 200 and self.path.startswith("/a/"):
                        server.page_gets[(host, self.path.split("?")[0])] += 1
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if status in (200, 304):
                    self.send_header("ETag", '"' + hashlib.sha1(body).hexdigest()[:16] + '"' if body else "")
                self.end_headers()
                if body and status == 200:
                    self.wfile.write(body)

        return Handler

    def route(self, host: str, path: str, etag: str | None) -> tuple[int, bytes, str]:
        if not host.endswith(".bench.test"):
            return 404, b"unknown host", "text/plain"
        source = int(host.split(".")[0].split("-")[1])
        if path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow: /private/\n", "text/plain"
        if path == "/feed.xml":
            body = self.feed(source)
            if etag == '"' + hashlib.sha1(body).hexdigest()[:16] + '"':
                return 304, b"", "application/rss+xml"
            return 200, body, "application/rss+xml"
        if path.startswith("/a/"):
            number = int(path[3:].split(".")[0])
            if number < self.published(source):
                body = article_html(source, number)[1]
                if etag == '"' + hashlib.sha1(body).hexdigest()[:16] + '"':
                    return 304, b"", "text/html; charset=utf-8"
                return 200, body, "text/html; charset=utf-8"
        return 404, b"not found", "text/plain"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def max_per_second(times: list[float]) -> int:
    """The most requests in any one-second window [t, t+1)."""
    times = sorted(times)
    # A microsecond of slack: simulated times near 1.7e9 s carry float rounding.
    return max((bisect_right(times, t + 1 - 1e-6) - i for i, t in enumerate(times)), default=0)


def min_gap(times: list[float]) -> float | None:
    times = sorted(times)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return min(gaps) if gaps else None


def rss_mb() -> float:
    """The resident memory of this process (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---- the run ----------------------------------------------------------------------------------


@dataclass
class Result:
    metrics: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)


def _sources(n: int, port: int, interval: float):
    return [
        Source(
            f"Outlet {i:03d}",
            feeds=[f"http://{HOST.format(i)}:{port}/feed.xml"],
            language="es" if i % 2 == 0 else "en",
            country="ESP" if i % 2 == 0 else "GBR",
            interval=interval,
            allow_private=True,
        )
        for i in range(n)
    ]


def _resolver(host: str) -> list[str]:
    if host.endswith(".bench.test") or host == "127.0.0.1":
        return ["127.0.0.1"]
    raise OSError(f"the benchmark only talks to loopback, not {host}")


def _politeness(log: dict[str, list[float]], delay: float) -> dict[str, Any]:
    per_host = [max_per_second(t) for t in log.values()]
    gaps = [g for g in (min_gap(t) for t in log.values()) if g is not None]
    # Starts at least `delay` apart: at most ceil(1 / delay) of them in any [t, t + 1).
    allowed = math.ceil(1 / delay - 1e-9) if delay > 0 else None
    return {
        "max_requests_per_host_per_s": max(per_host, default=0),
        "min_gap_s": round(min(gaps), 4) if gaps else None,
        "allowed_per_s": allowed,
        "ok": int(allowed is None or max(per_host, default=0) <= allowed),
    }


def run(
    sources: int = 200,
    articles: int = 20_000,
    delay: float = 0.5,
    workers: int = 16,
    sim_seconds: float = 3600.0,
    analyze: bool = False,
) -> Result:
    """Both phases; returns the metrics and per-outlet rows."""

    per_source = max(1, articles // sources)
    res = Result()
    tmp = Path(tempfile.mkdtemp(prefix="crisol-bench-watch-"))
    config = FetchConfig(
        contact="mailto:bench@crisol.test",
        delay=delay,
        connect_timeout=5,
        read_timeout=10,
        deadline=30,
        retries=2,
        backoff=0.2,
    )
    try:
        store = open_store(str(tmp / "watch.db"))
        rss_start = rss_mb()
        # 1. real clock: every outlet polled once, every listed article fetched and stored
        server = BenchServer(sources, per_source)
        srcs = _sources(sources, server.port, interval=600)
        with Fetcher(config, resolver=_resolver, max_connections=workers * 2) as fetcher:
            t0 = time.perf_counter()
            report = Watcher(store, srcs, fetcher, analyze=analyze, workers=workers).run(once=True)
            wall = time.perf_counter() - t0
        expected = sources * min(per_source, PER_FEED)
        stored = store.count_articles()
        polite = _politeness(server.log, delay)
        m = res.metrics
        m.update(
            sources=sources,
            articles=expected,
            stored=stored,
            stored_share=round(stored / expected, 4),
            seconds=round(wall, 1),
            articles_per_s=round(stored / wall, 1),
            requests=report.requests,
            fetched_twice=sum(1 for n in server.page_gets.values() if n > 1),
            failed=report.failed,
            politeness_ok=polite["ok"],
            max_requests_per_host_per_s=polite["max_requests_per_host_per_s"],
            min_gap_s=polite["min_gap_s"],
            allowed_per_s=polite["allowed_per_s"],
            delay=delay,
            workers=workers,
            analysis="on" if analyze else "off",
            rss_mb_start=round(rss_start, 1),
            rss_mb_after_phase1=round(rss_mb(), 1),
        )
        # 2. simulated clock: polls every 5 minutes for an hour while outlets publish every 10
        clock = SimulatedClock(start=time.time())
        server.simulate(clock, SIM_PUBLISH_EVERY)
        srcs = _sources(sources, server.port, interval=SIM_INTERVAL)
        with Fetcher(config, resolver=_resolver, clock=clock, max_connections=workers * 2) as fetcher:
            t0 = time.perf_counter()
            sim = Watcher(store, srcs, fetcher, analyze=analyze, workers=workers).run(
                max_duration=sim_seconds
            )
            sim_wall = time.perf_counter() - t0
            # One last poll of every outlet: whatever was published by the end must now be stored.
            final = Watcher(store, srcs, fetcher, analyze=analyze, workers=workers).run(once=True)
        published = sum(server.published(i) for i in range(sources)) - sources * per_source
        server.close()
        gc.collect()
        sim_polite = _politeness(server.sim_log, delay)
        m.update(
            sim_seconds=sim_seconds,
            sim_wall_seconds=round(sim_wall, 1),
            sim_polls=sim.polls,
            sim_feeds_not_modified=sim.listings_not_modified,
            sim_published=published,
            sim_new=sim.new + final.new,
            sim_stored_share=round((sim.new + final.new) / published, 4) if published else 1.0,
            fetched_twice_both_phases=sum(1 for n in server.page_gets.values() if n > 1),
            sim_max_requests_per_host_per_sim_s=sim_polite["max_requests_per_host_per_s"],
            sim_politeness_ok=sim_polite["ok"],
            sim_min_gap_s=sim_polite["min_gap_s"],
            rss_mb_after_sim_hour=round(rss_mb(), 1),
            pending_left=store.watch.count_urls("pending"),
        )
        for name, counts in sorted(report.per_source.items()):
            res.rows.append({"source": name, **counts, "sim": dict(sim.per_source.get(name, {}))})
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def command(
    sources: Annotated[
        int, typer.Option(min=1, help="Outlets (virtual hosts on the loopback server).")
    ] = 200,
    articles: Annotated[
        int, typer.Option(min=1, help="Articles in phase 1, spread over the outlets.")
    ] = 20_000,
    delay: Annotated[float, typer.Option(min=0, help="Politeness delay per host, seconds.")] = 0.5,
    workers: Annotated[int, typer.Option(min=1, help="Requests in flight at once.")] = 16,
    sim_seconds: Annotated[float, typer.Option(min=0, help="Simulated polling time in phase 2.")] = 3600.0,
    analyze: Annotated[bool, typer.Option("--analyze/--no-analyze", help="Run spaCy analysis.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="Per-outlet results as JSONL.")] = None,
) -> None:
    """Watch throughput, politeness, memory and no double fetches against a loopback server."""
    res = run(sources, articles, delay, workers, sim_seconds, analyze)
    m = res.metrics
    print(f"machine: {machine()}")
    print(
        f"phase 1 (real clock, analysis {m['analysis']}): {m['stored']:,}/{m['articles']:,} articles from "
        f"{m['sources']} outlets in {m['seconds']} s = {m['articles_per_s']} articles/s; "
        f"{m['requests']:,} requests; fetched twice: {m['fetched_twice']}; failed: {m['failed']}"
    )
    print(
        f"politeness: at most {m['max_requests_per_host_per_s']} requests per host in any second "
        f"(delay {m['delay']} s allows {m['allowed_per_s']}), shortest gap {m['min_gap_s']} s"
    )
    print(
        f"phase 2 (simulated {m['sim_seconds']:.0f} s in {m['sim_wall_seconds']} s): {m['sim_polls']} polls, "
        f"{m['sim_feeds_not_modified']} feeds unchanged, {m['sim_new']}/{m['sim_published']} new articles "
        f"stored, fetched twice (both phases): {m['fetched_twice_both_phases']}, pending left: {m['pending_left']}"
    )
    print(
        f"memory (RSS): {m['rss_mb_start']} MB at start, {m['rss_mb_after_phase1']} MB after phase 1, "
        f"{m['rss_mb_after_sim_hour']} MB after the simulated hour"
    )
    write_jsonl(out, res.rows)
    emit_metrics(m)
