"""``crisol bench page``: page weight and time to first render of the web pages, in a real browser.

For each store (the bundled ``examples/`` by default, then ``examples/`` plus ``../shared/seeds``
when that folder exists; or the stores / running servers given as arguments):

1. build the store once (cached under ``--workdir``, keyed by the inputs' names, sizes and mtimes)
   and start ``crisol serve`` on loopback (a URL given as argument is used as it is);
2. pick the pages: home, the story page of the biggest story, its first article, the most
   mentioned entity, events, and a search for the longest word of that story's title; time the
   first request of each (the server's own caches are cold then) with a plain HTTP client;
3. drive Debian's chromium with Playwright (``--no-sandbox``, new headless mode, which reports
   paint timings; no browser download) under three profiles: ``desktop`` (1350×940),
   ``phone`` (412×823 at 1.75×, touch: Lighthouse's emulated phone) and ``phone-slow4g`` (the
   same phone with Lighthouse's "Slow 4G" DevTools throttling: 562.5 ms request latency,
   1.47 Mbit/s down, 675 kbit/s up, CPU 4× slower);
4. per page and profile: the weight of one cold load (every request: bytes on the wire and
   decoded, compression, Cache-Control, render-blocking status), then ``--runs`` cold loads (a new
   browser context each: empty cache, new connection) and ``--runs`` warm loads (one context,
   after a priming load), reading the Navigation Timing, Paint Timing and Largest Contentful
   Paint entries of the page: time to first byte, first paint, first contentful paint, LCP,
   DOMContentLoaded and load, as median and p90.

Timings are loopback timings on a shared machine: the throttled profile is the one to hold
against field thresholds (docs/bench/page.md); the weights are exact and machine-independent.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterable, Optional
from urllib.parse import quote

import httpx
import typer

from crisol.bench._common import emit_metrics, free_port, shared_dir, start_server, write_jsonl
from crisol.service.runner import ingest
from crisol.store import open_store

NAME = "page"

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
CHROMIUM = os.environ.get("CRISOL_CHROMIUM", "/usr/bin/chromium")
# New headless mode ("--headless=new"): the old one never reports paint timings.
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--mute-audio", "--hide-scrollbars"]  # fmt: skip
PAGES = ("home", "story", "article", "entity", "events", "search")

# Ceilings for tests/web/test_bench_page.py (examples + tests/fixtures/web, desktop and phone,
# one cold load each). Measured with gzip on: the story page 8.3 kB of HTML on the wire (60 kB
# decoded), 13.0 kB with its stylesheet, script and icon; 4 requests on every page; the HTML 7.3×
# smaller compressed. The ceilings sit well above (~1.8×) so that the pages may grow with what
# they show, while an uncompressed page, a new script or a web font trips them.
FLOORS = {
    "max_requests": 4,  # the HTML, one stylesheet, one deferred script, the icon
    "max_render_blocking_requests": 1,  # the stylesheet
    "max_html_transfer_bytes": 16_000,  # any page's HTML on the wire (headers + gzip body)
    "max_total_transfer_bytes": 24_000,  # any page with all its resources, on the wire
    "max_total_decoded_bytes": 150_000,  # any page with all its resources, uncompressed
    "max_story_html_decoded_bytes": 120_000,  # the story page's HTML, uncompressed
    "min_compression_ratio": 4.0,  # the story page's HTML: decoded bytes / bytes on the wire
}


@dataclass(frozen=True)
class Profile:
    name: str
    viewport: dict[str, int]
    scale: float = 1.0
    mobile: bool = False
    # CDP Network.emulateNetworkConditions (bytes/s) and CPU slowdown; None: no throttling
    network: dict[str, Any] | None = None
    cpu: float = 1.0


# Lighthouse's emulated devices and its "Slow 4G" preset (150 ms RTT, 1,638.4 kbit/s down,
# 750 kbit/s up, CPU ×4), with the multipliers Lighthouse applies for DevTools (request-level)
# throttling: latency ×3.75, throughput ×0.9 (lighthouse/core/config/constants.js).
SLOW_4G = {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1638.4 * 0.9 * 1024 / 8,
           "uploadThroughput": 750 * 0.9 * 1024 / 8}  # fmt: skip
PROFILES = {
    "desktop": Profile("desktop", {"width": 1350, "height": 940}),
    "phone": Profile("phone", {"width": 412, "height": 823}, 1.75, True),
    "phone-slow4g": Profile("phone-slow4g", {"width": 412, "height": 823}, 1.75, True, SLOW_4G, 4.0),
}

# Reads the page's own timing entries once it has loaded: waits for first contentful paint
# (it can come after the load event) and for the LCP entries buffered so far.
TIMING_JS = """async () => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = name => (performance.getEntriesByName(name)[0] || {}).startTime ?? null;
  const waitFor = (test, ms) => new Promise(done => {
    const t0 = performance.now();
    (function poll() { if (test() || performance.now() - t0 > ms) done(); else setTimeout(poll, 10); })();
  });
  await waitFor(() => paint('first-contentful-paint') !== null && nav.loadEventEnd > 0, 15000);
  const lcp = await new Promise(done => {
    let last = null;
    new PerformanceObserver(list => { const e = list.getEntries(); last = e[e.length - 1]; })
      .observe({type: 'largest-contentful-paint', buffered: true});
    requestAnimationFrame(() => setTimeout(() => done(last ? last.startTime : null), 0));
  });
  return {ttfb: nav.responseStart, fp: paint('first-paint'), fcp: paint('first-contentful-paint'), lcp,
          dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}"""
RESOURCES_JS = """() => Object.fromEntries(performance.getEntriesByType('resource')
  .map(e => [e.name, e.renderBlockingStatus || 'unknown']))"""
TIMINGS = ("ttfb", "fp", "fcp", "lcp", "dcl", "load")


# ---- stores and servers ---------------------------------------------------------------------


def inputs_key(paths: Iterable[Path]) -> str:
    """A short hash of the input files' names, sizes and mtimes: a cached store is rebuilt
    when its inputs change."""
    h = hashlib.sha256()
    for p in paths:
        for f in sorted(p.rglob("*") if p.is_dir() else [p]):
            if f.is_file():
                st = f.stat()
                h.update(f"{f.name}\0{st.st_size}\0{int(st.st_mtime)}\n".encode())
    return h.hexdigest()[:12]


def build_store(label: str, paths: list[Path], workdir: Path, rebuild: bool = False) -> Path:
    """The SQLite store of ``paths`` ingested through the whole pipeline, cached in ``workdir``."""

    for p in paths:
        if not p.exists():
            raise typer.BadParameter(f"{p}: no such file or folder to ingest")
    db = workdir / f"{label}-{inputs_key(paths)}.db"
    done = db.with_suffix(".done")  # written once the ingest has finished: a killed build is redone
    if done.is_file() and db.is_file() and not rebuild:
        return db
    workdir.mkdir(parents=True, exist_ok=True)
    for f in (done, db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        f.unlink(missing_ok=True)
    print(f"[{label}] ingesting {', '.join(map(str, paths))} into {db} ...", file=sys.stderr)
    with open_store(str(db)) as store:
        report = ingest([str(p) for p in paths], store)
    if not report.new:
        raise RuntimeError(f"[{label}] nothing was stored from {paths}: {report}")
    done.write_text(f"{report.new} articles\n")
    return db


# ---- which pages ----------------------------------------------------------------------------


def pick_pages(base: str) -> tuple[dict[str, str], dict[str, float]]:
    """Path of each page measured, and how long the server took to answer it the first time
    (its caches cold: a story is presented once, then kept), in ms."""

    first_ms: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=120) as client:

        def api(path: str, **params: Any) -> dict[str, Any]:
            r = client.get("/api" + path, params=params)
            if r.status_code != 200:
                raise RuntimeError(f"{base}/api{path}: HTTP {r.status_code}: {r.text[:300]}")
            return r.json()

        def first(name: str, path: str) -> str:
            t0 = time.perf_counter()
            r = client.get(path)
            first_ms[name] = round((time.perf_counter() - t0) * 1000, 1)
            if r.status_code != 200:
                raise RuntimeError(f"{base}{path}: HTTP {r.status_code}")
            return path

        stories = api("/stories", sort="-size", limit=1)["data"]
        if not stories:
            raise RuntimeError(f"{base}: the store holds no story")
        story = stories[0]
        paths = {"home": first("home", "/"), "story": first("story", f"/stories/{quote(story['id'])}")}
        article = api(f"/stories/{quote(story['id'])}")["articles"][0]
        paths["article"] = first("article", f"/articles/{quote(article)}")
        entities = api("/entities", limit=1)["data"]
        if entities:
            paths["entity"] = first("entity", f"/entities/{quote(entities[0]['id'], safe='')}")
        paths["events"] = first("events", "/events")
        words = sorted(re.findall(r"\w{4,}", story.get("title") or ""), key=len, reverse=True) or ["news"]
        paths["search"] = first("search", f"/search?q={quote(words[0].lower())}")
    return paths, first_ms


# ---- the browser ----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of the values that are not None.

    >>> percentile([5.0, 1.0, None, 3.0], 0.5), percentile([5.0, 1.0, None, 3.0], 0.9)
    (3.0, 5.0)
    """
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    return xs[max(0, math.ceil(q * len(xs)) - 1)]


@dataclass
class Browser:
    """One chromium for the whole run; contexts are made per profile and load."""

    executable: str = CHROMIUM
    _pw: Any = None
    _browser: Any = None

    def __enter__(self) -> "Browser":
        from playwright.sync_api import sync_playwright  # lazy: the dev extra; only for the browser

        self._pw = sync_playwright().start()
        # headless=False with --headless=new: Playwright's own headless switch picks a mode
        # without paint timings.
        self._browser = self._pw.chromium.launch(executable_path=self.executable, args=ARGS, headless=False)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._browser.close()
        self._pw.stop()

    def context(self, profile: Profile):
        return self._browser.new_context(
            viewport=profile.viewport,
            device_scale_factor=profile.scale,
            is_mobile=profile.mobile,
            has_touch=profile.mobile,
        )

    def page(self, context, profile: Profile):
        pg = context.new_page()
        if profile.network or profile.cpu != 1.0:
            cdp = context.new_cdp_session(pg)
            cdp.send("Network.enable")
            if profile.network:
                cdp.send("Network.emulateNetworkConditions", profile.network)
            if profile.cpu != 1.0:
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile.cpu})
            pg._crisol_cdp = cdp  # kept alive as long as the page
        return pg


def weigh(browser: Browser, url: str, profile: Profile) -> dict[str, Any]:
    """Every request of one cold load of ``url``: bytes on the wire and decoded, compression,
    Cache-Control and render-blocking status; totals."""
    context = browser.context(profile)
    try:
        pg = browser.page(context, profile)
        finished: list[Any] = []
        pg.on("requestfinished", lambda r: finished.append(r))
        pg.goto(url, wait_until="load")
        pg.evaluate(TIMING_JS)
        pg.wait_for_load_state("networkidle")  # the icon is asked for after the load event
        blocking = pg.evaluate(RESOURCES_JS)
        requests = [_request_row(r, blocking) for r in finished]
    finally:
        context.close()
    html = next((r for r in requests if r["type"] == "document"), None)
    if html is None:
        raise RuntimeError(f"{url}: no document was loaded")
    return {
        "html_transfer_bytes": html["transfer_bytes"],
        "html_decoded_bytes": html["decoded_bytes"],
        "html_encoding": html["encoding"],
        "total_transfer_bytes": sum(r["transfer_bytes"] for r in requests),
        "total_decoded_bytes": sum(r["decoded_bytes"] for r in requests),
        "requests": len(requests),
        "render_blocking_requests": sum(r["render_blocking"] for r in requests),
        "by_type": _by_type(requests),
        "uncached_static": [r["url"] for r in requests if r["type"] != "document" and not r["cache_control"]],
        "resources": requests,
    }


def _request_row(request: Any, blocking: dict[str, str]) -> dict[str, Any]:
    response = request.response()
    sizes = request.sizes()
    body = response.body() if response else b""
    headers = response.headers if response else {}
    return {
        "url": request.url,
        "type": request.resource_type,
        "status": response.status if response else None,
        "transfer_bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
        "body_bytes": sizes["responseBodySize"],
        "decoded_bytes": len(body),
        "encoding": headers.get("content-encoding", ""),
        "cache_control": headers.get("cache-control", ""),
        "render_blocking": blocking.get(request.url) == "blocking",
    }


def _by_type(requests: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in requests:
        t = out.setdefault(r["type"], {"requests": 0, "transfer_bytes": 0, "decoded_bytes": 0})
        t["requests"] += 1
        t["transfer_bytes"] += r["transfer_bytes"]
        t["decoded_bytes"] += r["decoded_bytes"]
    return out


def time_loads(browser: Browser, url: str, profile: Profile, runs: int) -> dict[str, list[float | None]]:
    """``runs`` cold loads (new context each) and ``runs`` warm ones (one context, after a priming
    load); each timing in ms from navigation start."""
    out: dict[str, list[float | None]] = {f"{mode}_{t}": [] for mode in ("cold", "warm") for t in TIMINGS}
    for _ in range(runs):
        context = browser.context(profile)
        try:
            _record(out, "cold", _load(browser.page(context, profile), url))
        finally:
            context.close()
    context = browser.context(profile)
    try:
        pg = browser.page(context, profile)
        _load(pg, url)
        for _ in range(runs):
            _record(out, "warm", _load(pg, url))
    finally:
        context.close()
    return out


def _load(pg: Any, url: str) -> dict[str, float | None]:
    pg.goto(url, wait_until="load", timeout=60_000)
    return pg.evaluate(TIMING_JS)


def _record(out: dict[str, list[float | None]], mode: str, timing: dict[str, float | None]) -> None:
    for t in TIMINGS:
        value = timing.get(t)
        out[f"{mode}_{t}"].append(round(value, 1) if value is not None else None)


# ---- one store ------------------------------------------------------------------------------


def measure_site(
    base: str,
    label: str,
    *,
    runs: int,
    profiles: Iterable[str],
    browser: Browser,
    pages: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One row per page and profile: weight, then timings (median and p90) when ``runs`` > 0."""
    first_ms: dict[str, float] = {}
    if pages is None:
        pages, first_ms = pick_pages(base)
    rows = []
    for page_name, path in pages.items():
        for name in profiles:
            profile = PROFILES[name]
            url = base + path
            row: dict[str, Any] = {
                "store": label,
                "page": page_name,
                "path": path,
                "profile": name,
                "server_first_ms": first_ms.get(page_name),
            }
            row.update(weigh(browser, url, profile))
            if runs:
                samples = time_loads(browser, url, profile, runs)
                row["runs"] = runs
                for key, values in samples.items():
                    row[f"{key}_median_ms"] = _median(values)
                    row[f"{key}_p90_ms"] = percentile(values, 0.9)
                row["samples"] = samples
            rows.append(row)
            _print_row(row)
    return rows


def _median(values: list[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return round(statistics.median(xs), 1) if xs else None


def _print_row(row: dict[str, Any]) -> None:
    t = ""
    if "runs" in row:
        t = "  ".join(f"{k} {_fmt(row.get(f'cold_{k}_median_ms'))}" for k in ("ttfb", "fcp", "lcp", "load"))
    print(
        f"[{row['store']}] {row['page']:8} {row['profile']:13} {row['requests']} req  "
        f"{row['total_transfer_bytes'] / 1000:6.1f} kB wire  {row['total_decoded_bytes'] / 1000:6.1f} kB  "
        f"cold median: {t}",
        file=sys.stderr,
    )


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f}"


# ---- summary --------------------------------------------------------------------------------


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The closing metrics: the story page in full (weight, server's first answer, timings per
    profile), every other page's weight and its cold FCP on the throttled phone, the ceilings."""
    m: dict[str, Any] = {}
    for r in rows:
        key = re.sub(r"\W+", "_", f"{r['store']}_{r['page']}")
        prof = r["profile"].replace("-", "_")
        if f"{key}_requests" not in m:  # the weight, from the first profile (the same on all)
            for k in ("total_transfer_bytes", "total_decoded_bytes", "requests"):
                m[f"{key}_{k}"] = r[k]
            if r["page"] == "story":
                m[f"{key}_html_transfer_bytes"] = r["html_transfer_bytes"]
                m[f"{key}_html_decoded_bytes"] = r["html_decoded_bytes"]
                m[f"{key}_server_first_ms"] = r.get("server_first_ms")
        if "runs" not in r:
            continue
        if r["page"] == "story":
            for t in ("ttfb", "fcp", "lcp", "load"):
                m[f"{key}_{prof}_cold_{t}_median_ms"] = r.get(f"cold_{t}_median_ms")
            for t in ("fcp", "lcp"):
                m[f"{key}_{prof}_cold_{t}_p90_ms"] = r.get(f"cold_{t}_p90_ms")
            m[f"{key}_{prof}_warm_fcp_median_ms"] = r.get("warm_fcp_median_ms")
        elif r["profile"] == "phone-slow4g":
            m[f"{key}_{prof}_cold_fcp_median_ms"] = r.get("cold_fcp_median_ms")
    m.update(ceiling_inputs(rows))
    return m


def ceiling_inputs(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The numbers FLOORS bounds, over every page and profile of ``rows``."""
    story = [r for r in rows if r["page"] == "story"]
    ratios = [r["html_decoded_bytes"] / r["html_transfer_bytes"] for r in story if r["html_transfer_bytes"]]
    return {
        "max_requests": max(r["requests"] for r in rows),
        "max_render_blocking_requests": max(r["render_blocking_requests"] for r in rows),
        "max_html_transfer_bytes": max(r["html_transfer_bytes"] for r in rows),
        "max_total_transfer_bytes": max(r["total_transfer_bytes"] for r in rows),
        "max_total_decoded_bytes": max(r["total_decoded_bytes"] for r in rows),
        "max_story_html_decoded_bytes": max((r["html_decoded_bytes"] for r in story), default=0),
        "min_compression_ratio": round(min(ratios), 2) if ratios else 0.0,
    }


def check_ceilings(metrics: dict[str, Any], floors: dict[str, float] = FLOORS) -> list[str]:
    """What goes past FLOORS (``max_*`` above, ``min_*`` below); empty when all hold."""
    bad = []
    for key, limit in floors.items():
        value = metrics.get(key)
        if value is None or (value > limit if key.startswith("max_") else value < limit):
            bad.append(f"{key}: {value} (limit {limit})")
    return bad


def print_report(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'store':15} {'page':8} {'profile':13} {'req':>3} {'html wire':>9} {'html':>8} {'all wire':>9} "
        f"{'all':>8} {'1st srv':>7} {'ttfb':>6} {'fcp':>6} {'fcp p90':>7} {'lcp':>6} {'load':>6} {'warm fcp':>8}"
    )
    for r in rows:
        ms = lambda k: _fmt(r.get(k))  # noqa: E731
        print(
            f"{r['store']:15} {r['page']:8} {r['profile']:13} {r['requests']:3d} "
            f"{r['html_transfer_bytes'] / 1000:7.1f}kB {r['html_decoded_bytes'] / 1000:6.1f}kB "
            f"{r['total_transfer_bytes'] / 1000:7.1f}kB {r['total_decoded_bytes'] / 1000:6.1f}kB "
            f"{_fmt(r.get('server_first_ms')):>7} {ms('cold_ttfb_median_ms'):>6} {ms('cold_fcp_median_ms'):>6} "
            f"{ms('cold_fcp_p90_ms'):>7} {ms('cold_lcp_median_ms'):>6} {ms('cold_load_median_ms'):>6} "
            f"{ms('warm_fcp_median_ms'):>8}"
        )
    print(
        "(bytes: on the wire = headers + compressed body, then decoded; times: ms, median of the cold "
        "loads unless p90/warm; 1st srv: the server's first answer, its caches cold)"
    )


# ---- the command ----------------------------------------------------------------------------


def default_stores(workdir: Path, rebuild: bool) -> list[tuple[str, str]]:
    """(label, store path): the examples, then the examples plus ../shared/seeds if present."""
    stores = [("examples", str(build_store("examples", [EXAMPLES], workdir, rebuild)))]
    shared = shared_dir()
    if shared is not None and (shared / "seeds").is_dir():
        seeds = shared / "seeds"
        stores.append(
            ("examples+seeds", str(build_store("examples+seeds", [EXAMPLES, seeds], workdir, rebuild)))
        )
    return stores


def bench_page(
    stores: list[tuple[str, str]], *, runs: int, profiles: list[str], chromium: str = CHROMIUM
) -> list[dict[str, Any]]:
    """Measure every store (a path or database URL is served here; an http(s) URL is used as
    it is); one row per store, page and profile."""
    if not Path(chromium).is_file():
        raise typer.BadParameter(f"no chromium at {chromium} (apt-get install -y chromium)")
    rows: list[dict[str, Any]] = []
    with Browser(chromium) as browser:
        for label, where in stores:
            if where.startswith(("http://", "https://")):
                rows += measure_site(where.rstrip("/"), label, runs=runs, profiles=profiles, browser=browser)
                continue
            port = free_port()
            server = start_server(where, port)
            try:
                rows += measure_site(
                    f"http://127.0.0.1:{port}", label, runs=runs, profiles=profiles, browser=browser
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
    return rows


def command(
    stores: Annotated[
        Optional[list[str]],
        typer.Argument(
            help="Stores to measure: SQLite paths, postgresql:// URLs, or the http:// URL of a running "
            "crisol serve. Default: the bundled examples, then examples + ../shared/seeds."
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option(min=0, help="Cold loads and warm loads per page and profile (0: weight only).")
    ] = 5,  # noqa: E501
    profile: Annotated[
        Optional[list[str]], typer.Option(help=f"Profiles to run: {', '.join(PROFILES)} (default: all).")
    ] = None,  # noqa: E501
    workdir: Annotated[Path, typer.Option(help="Where the default stores are built and kept.")] = Path(
        "/tmp/crisol-bench-page"
    ),  # noqa: E501
    rebuild: Annotated[bool, typer.Option(help="Rebuild the default stores even if cached.")] = False,
    chromium: Annotated[
        str, typer.Option(envvar="CRISOL_CHROMIUM", help="The chromium executable.")
    ] = CHROMIUM,
    out: Annotated[
        Optional[Path], typer.Option(help="Per page and profile results (with every sample) as JSONL.")
    ] = None,  # noqa: E501
) -> None:
    """Page weight and time to first render of the web pages (story page first), in chromium."""
    chosen = profile or list(PROFILES)
    unknown = [p for p in chosen if p not in PROFILES]
    if unknown:
        raise typer.BadParameter(
            f"unknown profile(s) {', '.join(unknown)}; choose from {', '.join(PROFILES)}"
        )
    if stores:
        for where in stores:
            if "://" not in where and not Path(where).is_file():
                raise typer.BadParameter(
                    f"{where}: no such store (a SQLite file, a postgresql:// or http:// URL)"
                )
        targets = [(_label(s), s) for s in stores]
    else:
        targets = default_stores(workdir, rebuild)
    rows = bench_page(targets, runs=runs, profiles=chosen, chromium=chromium)
    write_jsonl(out, rows)
    print_report(rows)
    metrics = summarize(rows)
    metrics.update(
        {"runs": runs, "profiles": ",".join(chosen), "stores": ",".join(label for label, _ in targets)}
    )
    emit_metrics(metrics)


def _label(where: str) -> str:
    if where.startswith(("http://", "https://", "postgresql")):
        return re.sub(r"^\w+(\+\w+)?://(.*@)?", "", where).split("/")[0].replace(":", "_")
    return Path(where).stem
