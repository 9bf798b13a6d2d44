"""A page on another origin, opened in a real browser, tries to write into a running server.

``crisol serve`` runs as a user runs it (a subprocess on loopback, its own token); a second
server on another port plays the hostile site, whose page submits a ``text/plain`` form, a
url-encoded form, and no-cors fetches (text/plain and multipart) to ``/api/articles``. Debian's
chromium opens that page; afterwards the store must hold nothing. Skipped without playwright or
chromium (no browser is downloaded).
"""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import httpx
import pytest

CHROMIUM = os.environ.get("CRISOL_CHROMIUM", "/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

ATTACK = """<!doctype html><html><body>
<iframe name="sink1"></iframe><iframe name="sink2"></iframe>
<form id="plain" method="post" enctype="text/plain" target="sink1" action="{api}/articles">
<input name='{{"title": "Forged", "text": "Forged text written by a foreign page, long enough to keep.", "x": "' value='"}}'>
</form>
<form id="urlenc" method="post" target="sink2" action="{api}/articles/upload">
<input name="file" value="Forged upload text">
</form>
<script>
document.getElementById("plain").submit();
document.getElementById("urlenc").submit();
const body = JSON.stringify({{title: "Forged by fetch", text: "A forged article sent by a no-cors fetch."}});
fetch("{api}/articles", {{method: "POST", mode: "no-cors", body: body}}).finally(() => {{
  const form = new FormData();
  form.append("file", new Blob([body], {{type: "application/json"}}), "forged.json");
  return fetch("{api}/articles/upload", {{method: "POST", mode: "no-cors", body: form}});
}}).finally(() => {{ document.title = "sent"; }});
</script></body></html>"""


@pytest.fixture(scope="module")
def crisol_server(tmp_path_factory):
    from crisol.bench._common import free_port, start_server

    port = free_port()
    proc = start_server(str(tmp_path_factory.mktemp("xo") / "crisol.db"), port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def hostile_site(crisol_server):
    page = ATTACK.format(api=crisol_server + "/api").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # "localhost" is another origin than "127.0.0.1" for the browser, as a foreign site would be
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


def test_a_foreign_page_in_a_real_browser_stores_nothing(crisol_server, hostile_site):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            page = browser.new_page()
            page.goto(hostile_site)
            page.wait_for_function("document.title === 'sent'", timeout=20_000)
            page.wait_for_timeout(1000)  # the two form posts land in their frames
        finally:
            browser.close()
    listing = httpx.get(f"{crisol_server}/api/articles").json()
    assert listing["count"] == 0, listing
    # the server itself still takes a write from a client holding its token
    from crisol.bench._common import AUTH

    r = httpx.post(
        f"{crisol_server}/api/articles",
        headers=AUTH,
        json={
            "title": "Legítimo",
            "text": "Un artículo enviado con la clave del servidor local.",
            "language": "es",
        },
    )
    assert r.status_code == 201, r.text
