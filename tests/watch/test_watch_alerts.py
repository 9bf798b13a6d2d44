"""Saved searches' webhooks while watching: each batch the watch stores and indexes is POSTed to
the webhooks it matches, without `crisol alerts --notify`; a failed POST is sent again later."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from crisol.service.alerts import SaveRequest, save
from crisol.store import open_store
from crisol.watch import Fetcher, Source, Watcher

DATE = "Fri, 14 Mar 2025 09:30:00 GMT"
PORT_TITLE = "El puerto de Valdecañas amplía su muelle de contenedores"


class Receiver:
    """A local webhook: the JSON bodies POSTed to it; answers ``status``."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def titles(self) -> list[list[str]]:
        return [[item["article"]["title"] for item in body["items"]] for body in self.bodies]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "watch.db"))
    yield s
    s.close()


def _feed(server, kit, pages: list[str]) -> list[Source]:
    for name in pages:
        server.page(f"/news/{name}", kit.fixture_page(name))
    server.page(
        "/es.xml", kit.rss([(server.url(f"/news/{n}"), n, DATE) for n in pages]), "application/rss+xml"
    )
    return [Source("Diario del Litoral", feeds=[server.url("/es.xml")], language="es", allow_private=True)]


def _watch(store, sources, config, **kw):
    events = []
    with Fetcher(config, seed=3) as f:
        watcher = Watcher(
            store, sources, f, analyze=False, workers=2, on_event=lambda *e: events.append(e), **kw
        )
        return watcher.run(once=True), events


def test_each_watch_posts_what_is_new_to_the_matching_webhooks(server, kit, store, fast_config, receiver):
    save(store, SaveRequest("search", "Valdecañas", name="puerto", webhook=receiver.url))
    save(store, SaveRequest("search", "ferrocarril", name="tren"))  # no webhook: nothing to POST

    report, events = _watch(store, _feed(server, kit, ["puerto-v1.html", "incendio.html"]), fast_config)
    assert report.new == 2 and report.alerts_sent == 1 and report.alerts_failed == 0
    assert receiver.titles() == [[PORT_TITLE]]
    assert receiver.bodies[0]["saved"]["name"] == "puerto"
    assert ("alert", "puerto", receiver.url, "1 new") in events

    # a poll that brings nothing that matches posts nothing
    report, _ = _watch(
        store, _feed(server, kit, ["puerto-v1.html", "incendio.html", "council.html"]), fast_config
    )
    assert report.new == 1 and report.alerts_sent == 0 and len(receiver.bodies) == 1


def test_a_failed_post_is_sent_again_by_the_next_watch(server, kit, store, fast_config, receiver):
    save(store, SaveRequest("search", "Valdecañas", name="puerto", webhook=receiver.url))
    receiver.status = 500
    report, events = _watch(store, _feed(server, kit, ["puerto-v1.html"]), fast_config)
    assert report.alerts_failed == 1 and report.alerts_sent == 0
    assert any(kind == "error" and "retried next time" in detail for kind, _, _, detail in events)

    receiver.status = 200
    report, _ = _watch(store, _feed(server, kit, ["puerto-v1.html", "incendio.html"]), fast_config)
    assert report.alerts_sent == 1 and receiver.titles() == [[PORT_TITLE], [PORT_TITLE]]


def test_no_alerts_when_asked_not_to(server, kit, store, fast_config, receiver):
    save(store, SaveRequest("search", "Valdecañas", webhook=receiver.url))
    report, _ = _watch(store, _feed(server, kit, ["puerto-v1.html"]), fast_config, alerts=False)
    assert report.new == 1 and report.alerts_sent == 0 and receiver.bodies == []
