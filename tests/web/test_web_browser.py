"""The pages in a real browser: Debian's chromium driven by Playwright for Python.

Skipped (with the reason) when the ``playwright`` package or ``/usr/bin/chromium`` is missing;
no browser is ever downloaded (``playwright install`` is never run). The app runs with uvicorn,
as ``crisol serve`` runs it (REST API plus pages) on 127.0.0.1 on a free port, over the examples
plus tests/fixtures/web (see conftest.py).
Screenshots go to tmp_path and are checked not to be blank by decoding the PNG here.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

CHROMIUM = os.environ.get("CRISOL_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)


# ---- PNG check ----------------------------------------------------------------------------------


def png_rows(data: bytes, limit: int = 700) -> tuple[int, list[np.ndarray]]:
    """Width and the first ``limit`` rows of pixels (RGB or RGBA arrays) of an 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    raw = zlib.decompressobj().decompress(b"".join(idat), (width * bpp + 1) * min(height, limit))
    stride = width * bpp
    rows, prev = [], np.zeros(stride, dtype=np.int64)
    for y in range(min(height, limit)):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1).astype(np.int64)
        rows.append(prev := _unfilter(f, line, prev, bpp))
    return width, rows


def _unfilter(f: int, line: np.ndarray, prev: np.ndarray, bpp: int) -> np.ndarray:
    """Undo one PNG row filter (None, Sub, Up, Average, Paeth)."""
    if f == 0:
        return line
    if f == 2:
        return (line + prev) & 255
    if f == 1:
        return line.reshape(-1, bpp).cumsum(axis=0).reshape(-1) & 255
    out = line.copy()
    for i in range(len(out)):
        a = int(out[i - bpp]) if i >= bpp else 0
        b, c = int(prev[i]), int(prev[i - bpp]) if i >= bpp else 0
        if f == 3:
            out[i] = (out[i] + (a + b) // 2) & 255
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    return out


def assert_not_blank(path: Path) -> None:
    """The screenshot has real content: many colours, none covering almost everything."""
    width, rows = png_rows(path.read_bytes())
    bpp = len(rows[0]) // width
    colours: Counter = Counter()
    for row in rows[::4]:
        pixels = row.reshape(-1, bpp)[:: max(1, width // 200), :3]
        colours.update(map(bytes, pixels.astype(np.uint8)))
    total = sum(colours.values())
    assert len(colours) >= 12, f"{path.name}: only {len(colours)} colours"
    assert colours.most_common(1)[0][1] / total < 0.97, f"{path.name}: almost one colour"


# ---- server and browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records script errors, console errors and dialogs (an alert would mean
    article text was run as script)."""
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on(
        "console",
        lambda m: (
            m.type == "error" and "status of" not in m.text and pg.problems.append(f"console: {m.text}")
        ),
    )
    pg.on("response", lambda r: r.status >= 400 and pg.problems.append(f"HTTP {r.status}: {r.url}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()


def shot(pg, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    assert_not_blank(path)
    return path


def no_sideways_scroll(pg) -> None:
    overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{pg.url}: page is {overflow}px wider than the screen"


def labelled_controls(pg) -> None:
    unlabelled = pg.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.outerHTML)""")
    assert unlabelled == [], unlabelled


# ---- the tests ----------------------------------------------------------------------------------


def test_home_to_story_to_cited_sentence(page, served_url, tmp_path):
    page.goto(served_url + "/")
    assert page.locator("h1").inner_text() == "Stories"
    labelled_controls(page)
    shot(page, tmp_path, "home-desktop")
    page.locator("section[aria-labelledby=biggest-h] .card a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.locator("#summary li").count() > 0
    assert page.locator("#timeline svg").count() == 1
    shot(page, tmp_path, "story-desktop")
    cite = page.locator("#summary a.cite").first
    href = cite.get_attribute("href")
    anchor = href.split("#", 1)[1]
    assert re.fullmatch(r"s-\d+", anchor)
    cite.click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]+#s-\d+$"))
    target = page.locator(f"[id='{anchor}']")
    assert target.count() == 1 and target.inner_text().strip()
    assert page.evaluate("document.activeElement && document.activeElement.id") == anchor
    box, viewport = target.bounding_box(), page.viewport_size
    assert box and 0 <= box["y"] < viewport["height"], "the cited sentence is scrolled into view"
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the cited sentence is highlighted"
    shot(page, tmp_path, "article-cited")
    assert page.problems == []


def test_article_text_is_never_run(page, served_url, tmp_path, web_db):
    from crisol.store import open_store

    with open_store(web_db) as store:
        hostile = [a for a in store.list_articles(limit=1000).items if "<script>" in (a.title or "")]
    assert hostile
    page.goto(f"{served_url}/articles/{hostile[0].id}")
    assert "<script>alert" in page.locator("h1").inner_text()  # shown as text
    assert "<script>alert('x')</script>" in page.locator("#article-body").inner_text()
    assert page.evaluate("document.scripts.length") == 1
    assert page.locator("#article-body a[href^='javascript']").count() == 0
    assert page.get_attribute("#article-body", "lang") == "es"
    page.locator("details.raw summary").click()
    assert "maintext" in page.locator("pre.raw-text").inner_text()
    page.locator("details.removed summary").click()
    # the highlight switches work from the keyboard
    box = page.get_by_role("checkbox", name="entities")
    box.focus()
    page.keyboard.press("Space")
    assert "hl-ent" not in page.get_attribute("#article-body", "class")
    shot(page, tmp_path, "article-hostile")
    page.wait_for_timeout(200)
    assert page.problems == []


def test_entity_page_from_article(page, served_url, tmp_path):
    page.goto(served_url + "/")
    page.locator("section[aria-labelledby=biggest-h] .card a").first.click()
    page.locator("#sources .source h3 a").first.click()
    page.locator("#article-body a.ent").first.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert page.locator("h2", has_text="All spellings").count() == 1
    spellings = page.locator("table.spellings tbody tr")
    assert spellings.count() >= 1
    reasons = page.locator("table.spellings td.why").all_inner_texts()  # why each was merged
    assert len(reasons) == spellings.count() and all(r.strip() for r in reasons), reasons
    shot(page, tmp_path, "entity-desktop")
    assert page.problems == []


def test_filter_events_and_download_csv(page, served_url, tmp_path):
    page.goto(served_url + "/events")
    total = int(page.locator("#events-count").inner_text().split()[0])
    assert total > 0
    first_type = page.locator("table.events tbody tr td:nth-child(2)").first.inner_text().split("/")[0]
    page.get_by_label("Type").fill(first_type)
    page.get_by_label("Certainty").select_option("asserted")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"type=" + first_type))
    filtered = int(page.locator("#events-count").inner_text().split()[0])
    assert 0 < filtered <= total
    types = page.locator("table.events tbody tr td:nth-child(2)").all_inner_texts()
    assert types and all(t.split("/")[0] == first_type for t in types)
    certainties = page.locator("table.events tbody tr td:nth-child(5)").all_inner_texts()
    assert all(c.startswith("asserted") for c in certainties)
    assert page.locator("figure.chart svg rect.bar").count() > 0
    labelled_controls(page)
    csv_href = page.locator("a", has_text="Download CSV").get_attribute("href")
    assert f"type={first_type}" in csv_href
    response = page.request.get(served_url + csv_href)
    assert response.ok and response.text().splitlines()[0].startswith("event_id,date")
    assert len(response.text().strip().splitlines()) == filtered + 1
    shot(page, tmp_path, "events-filtered")
    assert page.problems == []


def test_search_from_the_header(page, served_url, tmp_path):
    page.goto(served_url + "/")
    page.get_by_label("Search articles, quotes, entities and stories").fill("puerto")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=puerto"))
    assert int(page.locator("#search-count").inner_text().split()[0]) > 0
    assert page.locator(".hit mark").count() > 0
    shot(page, tmp_path, "search-desktop")
    page.locator(".hit h2 a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert page.problems == []


def test_keyboard_skip_link(page, served_url):
    page.goto(served_url + "/events")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_api_docs_render_with_no_network(browser, served_url, tmp_path):
    """/docs with every request beyond this machine refused (as on an offline machine): Swagger
    UI comes from crisol itself and lists the operations of the schema."""
    context = browser.new_context(viewport=DESKTOP)
    outside: list[str] = []

    def only_this_machine(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_machine)
    try:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(served_url + "/docs")
        pg.locator(".opblock").first.wait_for(timeout=20_000)
        paths = set(pg.locator(".opblock-summary-path").all_inner_texts())
        assert {"/api/stories", "/api/entities/{id}", "/api/search"} <= {
            p.replace("\u200b", "") for p in paths
        }
        assert pg.locator(".opblock-tag").count() >= 5  # one section per resource
        pg.locator(".opblock-summary", has_text="/api/stories").first.click()
        pg.locator(".opblock-body .parameters").first.wait_for()
        shot(pg, tmp_path, "api-docs-offline")
        assert outside == [] and errors == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "story", "article", "/events", "/search?q=agua", "entity"])
def test_phone_width(browser, served_url, tmp_path, web_db, path):
    from crisol.store import open_store, queries

    with open_store(web_db) as store:
        story = queries.list_stories(store, sort="-size", limit=1).items[0]
        where = {
            "story": f"/stories/{story['id']}",
            "article": f"/articles/{story['articles'][0]}",
            "entity": f"/entities/{queries.list_entities(store, limit=1).items[0]['id']}",
        }
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        pg = context.new_page()
        pg.goto(served_url + where.get(path, path))
        no_sideways_scroll(pg)
        name = "phone-" + (path.strip("/").split("?")[0] or "home")
        shot(pg, tmp_path, name)
    finally:
        context.close()


def test_attention_from_search_chart_marks_match_the_csv_download(page, served_url, tmp_path):
    page.goto(served_url + "/search?q=puerto")
    page.locator("#search-attention").click()
    page.wait_for_url(re.compile(r"/attention\?q=puerto"))
    marks = page.locator("#chart-articles svg circle.mark")
    shown = [(m.get_attribute("data-period"), int(m.get_attribute("data-count"))) for m in marks.all()]
    with page.expect_download() as download:
        page.locator("#chart-articles a.csv").click()
    rows = [line.split(",") for line in Path(download.value.path()).read_text().splitlines()]
    assert rows[0] == ["selection", "period", "articles", "outlets", "independent_sources"]
    assert shown == [(r[1], int(r[2])) for r in rows[1:]], "one mark per period, the CSV's numbers"
    assert sum(n for _, n in shown) > 0
    outlets = page.locator("#chart-outlets svg circle.mark").all()
    assert [int(m.get_attribute("data-count")) for m in outlets] == [int(r[3]) for r in rows[1:]]
    assert page.locator("#top-outlets tbody tr").count() > 0
    labelled_controls(page)
    shot(page, tmp_path, "attention-desktop")
    page.get_by_label("Compare with").fill("agua")
    page.get_by_label("Count per", exact=True).select_option("week")
    page.get_by_role("button", name="Count").click()
    page.wait_for_url(re.compile(r"compare=agua"))
    series = page.locator("#chart-articles svg g.series")
    assert series.count() == 2 and [
        t.strip() for t in page.locator("#attention-legend li").all_inner_texts()
    ] == ["puerto", "agua"]
    weeks = series.nth(0).locator("circle.mark").count()
    assert weeks == series.nth(1).locator("circle.mark").count() >= 1
    shot(page, tmp_path, "attention-compare")
    assert page.problems == []


def test_attention_links_from_story_and_entity(page, served_url):
    page.goto(served_url + "/")
    page.locator("section[aria-labelledby=biggest-h] .card a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    story_articles = int(page.locator("p.meta").first.inner_text().split()[0])
    page.locator("#story-attention").click()
    page.wait_for_url(re.compile(r"/attention\?story="))
    counts = page.locator("#chart-articles svg circle.mark").all()
    undated = re.search(r"\((\d+) undated", page.locator("#attention-totals").inner_text())
    dated = sum(int(m.get_attribute("data-count")) for m in counts)
    assert dated + (int(undated.group(1)) if undated else 0) == story_articles
    page.goto(served_url + "/")
    page.locator("section[aria-labelledby=biggest-h] .card a").first.click()
    page.locator("#sources .source h3 a").first.click()
    page.locator("#article-body a.ent").first.click()
    page.wait_for_url(re.compile(r"/entities/"))
    page.locator("#entity-attention").click()
    page.wait_for_url(re.compile(r"/attention\?entity="))
    assert page.locator("#chart-articles svg circle.mark").count() >= 1
    assert page.problems == []
