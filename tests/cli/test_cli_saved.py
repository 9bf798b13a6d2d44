"""``crisol save``, ``crisol saved`` and ``crisol alerts``: saving, listing what is new, marking it
seen, and webhooks delivered to a local HTTP server (a failed POST is retried next time)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.model import Article
from crisol.store import open_store
from crisol.store.search import index_articles


def _article(n: int, text: str) -> Article:
    return Article(
        id=f"{n:016x}", source=f"/in/{n}.txt", raw=text.encode(), raw_format="text", text=text,
        title=f"Nota {n}", outlet="Diario del Sur", language="es",
        published=datetime(2025, 4, n, 9, tzinfo=timezone.utc),
    )  # fmt: skip


def _add(path, *articles: Article) -> None:
    with open_store(str(path)) as db:
        db.add_articles(list(articles))
        index_articles(db, articles)


def run(path, *args: str):
    return CliRunner().invoke(app, ["--db", str(path), *args])


class Hook:
    """A local webhook: records the JSON bodies POSTed to it, answers ``status``."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.status = 204
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.bodies.append(json.loads(body))
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def test_save_list_alert_mark_seen_and_remove(tmp_path):
    db = tmp_path / "s.db"
    _add(db, _article(1, "La sequía limita el riego."))
    result = run(db, "save", "search", "sequía", "--name", "sequía", "--language", "es")
    assert result.exit_code == 0, result.output
    _add(db, _article(2, "Otra sequía en el valle."), _article(3, "El pleno aprobó el presupuesto."))

    listed = json.loads(run(db, "saved", "list", "--format", "json").stdout)
    assert [(s["name"], s["kind"], s["language"], s["new"]) for s in listed] == [
        ("sequía", "search", "es", 1)
    ]

    shown = run(db, "alerts", "--json")
    assert shown.exit_code == 0
    assert [i["article"]["id"] for i in json.loads(shown.stdout)[0]["items"]] == [f"{2:016x}"]
    table = run(db, "alerts", "--mark-seen")
    assert "#1 sequía: 1 new" in table.stdout and "Nota 2" in table.stdout
    assert json.loads(run(db, "alerts", "sequía", "--json").stdout)[0]["new"] == 0

    assert run(db, "saved", "remove", "sequía").exit_code == 0
    assert json.loads(run(db, "saved", "list", "--format", "json").stdout) == []


def test_bad_saves_and_unknown_names_are_usage_errors(tmp_path):
    db = tmp_path / "s.db"
    _add(db, _article(1, "El puerto reabrió."))  # a store, so each refusal is about the save itself
    assert run(db, "save", "entity", "Nadie").exit_code == 2
    assert run(db, "save", "search", "x", "--webhook", "ftp://example.test/").exit_code == 2
    assert run(db, "alerts", "no-such").exit_code == 2
    assert run(db, "saved", "remove", "no-such").exit_code == 1


def test_notify_posts_new_items_once_and_retries_a_failed_post(tmp_path, hook):
    db = tmp_path / "s.db"
    _add(db, _article(1, "El puerto reabrió."))
    assert run(db, "save", "search", "puerto", "--name", "p", "--webhook", hook.url).exit_code == 0

    hook.status = 500  # the receiver fails: reported, exit 1, nothing marked
    _add(db, _article(2, "El puerto cerró."))
    failed = run(db, "alerts", "--notify")
    assert failed.exit_code == 1 and "FAILED" in failed.stderr and "retry" in failed.stderr
    assert "failing" in run(db, "saved", "list").stdout

    hook.status = 200  # the next run sends the same item again, and what arrived since
    _add(db, _article(3, "Un puerto nuevo."))
    assert run(db, "alerts", "--notify").exit_code == 0
    ids = [[i["article"]["id"] for i in body["items"]] for body in hook.bodies]
    assert ids == [[f"{2:016x}"], [f"{2:016x}", f"{3:016x}"]]
    assert hook.bodies[-1]["saved"]["name"] == "p" and hook.bodies[-1]["new"] == 2

    assert run(db, "alerts", "--notify").exit_code == 0  # delivered: nothing to send
    assert len(hook.bodies) == 2
    # the webhook's mark is its own: the reader still has both as new
    assert json.loads(run(db, "alerts", "--json").stdout)[0]["new"] == 2


def test_a_webhook_that_never_answers_times_out(tmp_path):
    import socket

    db = tmp_path / "s.db"
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
    try:
        _add(db, _article(1, "El puerto reabrió."))
        assert run(db, "save", "search", "puerto", "--webhook", url).exit_code == 0
        _add(db, _article(2, "El puerto cerró."))
        result = run(db, "alerts", "--notify", "--timeout", "0.5")
        assert result.exit_code == 1 and "timed out" in result.stderr
    finally:
        silent.close()
