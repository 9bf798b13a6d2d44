"""One ingest path: an article arriving by any door ends up stored, in a story, in search and in
the story's stored view; a run killed between storing and linking loses nothing.

The watch door is tested beside the loopback news server (tests/watch/test_watch_one_path.py).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.service.runner import Runner
from crisol.service.views import stored_story_view
from crisol.store import open_store
from crisol.store import search as fts
from crisol.store.link import LinkStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

PUENTE = Path(__file__).resolve().parent / "fixtures" / "doors" / "puente.jsonl"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def assert_reached_everything(store, article_id: str, query: str) -> None:
    """Stored, in a story, found by search, and shown in the story's view (stored once read)."""
    links = LinkStore(store)
    assert store.get_article(article_id) is not None
    story = links.story_of(article_id)
    assert story is not None, "not placed in a story"
    hits = fts.search(store, query)
    assert article_id in {h.article_id or h.ref for h in hits.hits}, [h.ref for h in hits.hits]
    view = stored_story_view(store, story)
    assert article_id in view["articles"]
    assert links.load_view(story) is not None  # presented once, then served


def test_cli_ingest_door(tmp_path):
    db = str(tmp_path / "cli.db")
    r = CliRunner().invoke(app, ["--db", db, "ingest", str(PUENTE)])
    assert r.exit_code == 0, r.output
    assert "end to end" in r.output and "annotate" in r.output  # every phase in the summary
    with open_store(db) as store:
        (article,) = list(store.iter_articles())
        assert_reached_everything(store, article.id, "puente Tormes")


def test_rest_api_door(tmp_path):
    from crisol.api import create_app

    db = str(tmp_path / "api.db")
    body = json.loads(PUENTE.read_text(encoding="utf-8").splitlines()[0])
    with TestClient(create_app(db)) as client:
        r = client.post("/api/articles", json=body)
        assert r.status_code == 201, r.text
        article_id = r.json()["articles"][0]["id"]
    with open_store(db) as store:
        assert_reached_everything(store, article_id, "puente Tormes")


def test_a_run_killed_after_storing_links_and_indexes_on_the_next_run(tmp_path, monkeypatch):
    db = str(tmp_path / "killed.db")
    calls = {"n": 0}
    real = Runner.follow_up

    def dies_once(self, articles):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt  # killed between storing a batch and linking it
        return real(self, articles)

    monkeypatch.setattr(Runner, "follow_up", dies_once)
    with open_store(db) as store:
        with pytest.raises(KeyboardInterrupt):
            Runner(store, batch_size=2).run([str(EXAMPLES / "noticias.jsonl")])
        stored = {a.id for a in store.iter_articles()}
        assert stored and not any(LinkStore(store).story_of(i) for i in stored)
    monkeypatch.setattr(Runner, "follow_up", real)
    with open_store(db) as store:
        report = Runner(store, batch_size=2).run([str(EXAMPLES / "noticias.jsonl")])
        ids = [a.id for a in store.iter_articles()]
        assert len(ids) == len(set(ids)) and set(ids) >= stored  # nothing lost, nothing twice
        assert report.linked["linked"] == len(ids)
        assert all(LinkStore(store).story_of(i) for i in ids)
        assert not fts.missing_article_ids(store)


def test_a_server_starting_links_what_a_killed_ingest_left(tmp_path):
    """The API door's resume: articles stored but not linked (an ingest killed between the two)
    are placed in stories when the server starts, before any request."""
    import time

    from crisol.api import create_app

    db = str(tmp_path / "left.db")
    with open_store(db) as store:
        Runner(store, link=False).run([str(EXAMPLES / "noticias.jsonl")])  # stored and indexed only
        ids = [a.id for a in store.iter_articles()]
        assert ids and not any(LinkStore(store).story_of(i) for i in ids)
    with TestClient(create_app(db)) as client:
        deadline = time.monotonic() + 120
        while client.get("/api/stories").json()["count"] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
    with open_store(db) as store:
        assert all(LinkStore(store).story_of(i) for i in ids)
