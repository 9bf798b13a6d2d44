"""The saved-searches page in a real browser (Debian's chromium through Playwright, as
test_web_browser.py): save a search from the search page of a server that has a token, see it
listed with its new count after more articles arrive, mark it seen, follow its feed link.

Skipped when the ``playwright`` package or ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CRISOL_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
TOKEN = "browser-test-token"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture
def server(web_db, tmp_path):
    """``crisol serve`` with a token over a copy of the web tests' store: (base URL, store path)."""
    import uvicorn

    from crisol.api.guard import LOOPBACK_NAMES, Guard
    from crisol.bench._common import free_port
    from crisol.cli.serve import build_app

    path = tmp_path / "saved.db"
    shutil.copyfile(web_db, path)
    port = free_port()
    app = build_app(str(path), analyze=False, guard=Guard(LOOPBACK_NAMES, TOKEN))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", path
    srv.should_exit = True
    thread.join(10)


def _add_article(path: Path, n: int, text: str) -> None:
    from crisol.model import Article
    from crisol.store import open_store
    from crisol.store.search import index_articles

    article = Article(
        id=f"feed{n:012x}", source=f"/browser/{n}.txt", raw=text.encode(), raw_format="text", text=text,
        title=f"Muelle nuevo {n}", outlet="Gaceta del Puerto", language="es",
        published=datetime(2025, 6, n, 9, tzinfo=timezone.utc),
    )  # fmt: skip
    with open_store(str(path)) as db:
        db.add_articles([article])
        index_articles(db, [article])


def test_save_a_search_see_what_is_new_and_mark_it_seen(server, tmp_path):
    base, path = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{base}/saved?token={TOKEN}")  # once, as crisol serve says: the forms' cookie
        assert "Nothing saved yet" in page.locator("main").inner_text()

        page.goto(f"{base}/search?q=muelle")
        page.get_by_role("button", name="Save this search").click()
        page.wait_for_url(f"{base}/saved")
        card = page.locator(".saved").first
        assert "search: muelle" in card.inner_text() and "0 new" in card.inner_text()

        _add_article(path, 1, "El muelle nuevo abrió al tráfico de pasajeros.")
        _add_article(path, 2, "Otro muelle nuevo, ahora para pescadores.")
        page.reload()
        assert page.locator(".new-count").first.inner_text() == "2 new"
        assert page.locator(".new-items li").count() == 2
        page.screenshot(path=str(tmp_path / "saved-desktop.png"), full_page=True)
        keep = os.environ.get("CRISOL_KEEP_SCREENSHOTS")
        if keep:
            shutil.copy(tmp_path / "saved-desktop.png", keep)

        feed = page.request.get(base + page.locator("a", has_text="Atom feed").first.get_attribute("href"))
        assert feed.ok and b"<feed" in feed.body() and b"Muelle nuevo 2" in feed.body()

        page.get_by_role("button", name="Mark seen").click()
        page.wait_for_url(f"{base}/saved")
        assert page.locator(".new-count").first.inner_text() == "0 new"
        assert problems == []
        browser.close()
