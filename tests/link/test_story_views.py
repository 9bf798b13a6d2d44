"""Materialized story views (table ``story_views``, migration 0007): linking presents the stories
it touched and stores them; readers (``get_story``, the API, ``crisol story``) serve the stored
view without presenting again, and present a story once more after it changed.

Articles are tests/fixtures/link/story_views.json (written for these tests), stored unannotated
so no spaCy model is needed (present splits their text into sentences).
Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

import importlib
import json
import warnings
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect
from typer.testing import CliRunner

import crisol.present
from crisol.cli import app
from crisol.link import dedup
from crisol.link.similarity import DIM
from crisol.model import Article
from crisol.service import views
from crisol.service.linking import Linker, link_stored
from crisol.service.views import story_view
from crisol.store import open_store
from crisol.store.link import LinkStore
from crisol.store.migrate import alembic_config, current_revision, scripted_head

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "link" / "story_views.json"
M = importlib.import_module("crisol.store.migrations.versions.0007_story_views")


def _articles() -> list[Article]:
    out = []
    for r in json.loads(FIXTURE.read_text(encoding="utf-8")):
        out.append(
            Article(
                id=r["id"],
                source=f"/in/{r['id']}.txt",
                raw=r["text"].encode(),
                raw_format="text",
                text=r["text"],
                title=r["title"],
                outlet=r["outlet"],
                language="es",
                published=datetime.fromisoformat(r["published"]),
            )
        )
    return out


class Presents:
    """Counts calls to ``present_story`` (what ``story_view`` calls), or refuses them."""

    def __init__(self, monkeypatch, refuse: bool = False):
        self.calls = 0
        real = crisol.present.present_story

        def present(*args, **kwargs):
            self.calls += 1
            if refuse:
                raise AssertionError("present_story called: the stored view was not served")
            return real(*args, **kwargs)

        monkeypatch.setattr(crisol.present, "present_story", present)


def _story_of(store, article_id: str) -> str:
    sid = LinkStore(store).story_of(article_id)
    assert sid is not None
    return sid


def test_linking_stores_the_view_and_readers_serve_it_without_presenting(db_url, monkeypatch):
    first, second, third = _articles()
    with open_store(db_url) as store:
        store.add_articles([first, second])
        report = link_stored(store)
        sid = _story_of(store, first.id)
        assert _story_of(store, second.id) == sid, "the fixture's two articles tell one story"
        assert report.views == 1 and report.to_dict()["views"] == 1 and report.views_seconds > 0
        links = LinkStore(store)
        made_at, stored = links.load_view(sid)
        assert made_at == links.story_updated(sid)
        assert stored["articles"] == [first.id, second.id] and stored["summary"]
        # the stored view is what presenting gives now (same embeddings: the cache holds them)
        assert stored == json.loads(json.dumps(story_view(store, sid, dedup.SHARED_VECTORS)))

    Presents(monkeypatch, refuse=True)
    with open_store(db_url) as store:
        served = views.get_story(store, sid)
        assert served["articles"] == [first.id, second.id] and served["summary"] == stored["summary"]
    from crisol.api import create_app

    with TestClient(create_app(db_url, analyze=False), base_url="http://testserver/api") as client:
        r = client.get(f"/stories/{sid}")
        assert r.status_code == 200, r.text
        assert r.json() == json.loads(json.dumps(served))
    result = CliRunner().invoke(app, ["--db", db_url, "story", sid, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == r.json()


def test_a_story_that_changed_is_presented_once_more_then_served(db_url, monkeypatch):
    first, second, third = _articles()
    with open_store(db_url) as store:
        store.add_articles([first, second])
        link_stored(store)
        sid = _story_of(store, first.id)
        # a new member linked without presenting (an older crisol, or views switched off)
        store.add_articles([third])
        assert Linker(store, views=False).link_pending().views == 0
        assert _story_of(store, third.id) == sid
        links = LinkStore(store)
        made_at, _ = links.load_view(sid)
        assert made_at < links.story_updated(sid)
        presents = Presents(monkeypatch)
        assert views.get_story(store, sid)["articles"] == [first.id, second.id, third.id]
        assert presents.calls == 1
        made_at, stored = links.load_view(sid)
        assert made_at == links.story_updated(sid) and third.id in stored["articles"]
        store.memo(views.READ_VIEWS).clear()
        again = views.get_story(store, sid)
        assert presents.calls == 1, "the refreshed view is served from the store"
        assert again["articles"] == stored["articles"]


def test_linking_a_new_member_refreshes_the_stored_view(db_url, monkeypatch):
    first, second, third = _articles()
    with open_store(db_url) as store:
        store.add_articles([first, second])
        link_stored(store)
        sid = _story_of(store, first.id)
        store.add_articles([third])
        report = link_stored(store)
        assert report.views == 1, "one story touched, presented once"
        links = LinkStore(store)
        made_at, stored = links.load_view(sid)
        assert made_at == links.story_updated(sid)
        assert stored["articles"] == [first.id, second.id, third.id]
        assert {s["outlet"] for s in stored["sources"]} == {a.outlet for a in (first, second, third)}
        Presents(monkeypatch, refuse=True)
        assert views.get_story(store, sid)["articles"] == stored["articles"]


def test_presenting_after_linking_reuses_the_sentences_the_linker_embedded(tmp_path, monkeypatch):
    first, second, _ = _articles()
    vectors = dedup.SentenceVectors()
    with open_store(str(tmp_path / "reuse.db")) as store:
        store.add_articles([first, second])
        linker = Linker(store)
        linker._load()
        linker.sentences = dedup.SentenceCache(vectors=vectors)  # a fresh cache, to count on
        report = linker.link_pending()
        assert report.views == 1
    # the rewrite check embedded both articles' sentences; presenting split them the same way
    # (unannotated text), so it asked the cache again and embedded nothing new
    assert vectors.misses == len(dedup.split_sentences(first.text)) + len(dedup.split_sentences(second.text))
    assert vectors.hits >= vectors.misses


def test_sentence_vectors_embed_each_text_once_and_stay_bounded():
    vectors = dedup.SentenceVectors(size=3)
    one = vectors(["Primera frase de prueba.", "Segunda frase de prueba."])
    again = vectors(["Segunda frase de prueba.", "Primera frase de prueba.", "Segunda frase de prueba."])
    assert (vectors.hits, vectors.misses) == (3, 2)
    assert (again[1] == one[0]).all() and (again[0] == one[1]).all() and again.shape == (3, DIM)
    vectors(["Tercera.", "Cuarta."])
    assert len(vectors) == 3
    assert vectors([]).shape == (0, DIM)


def test_migration_0007_upgrades_and_downgrades(db_url):
    from alembic import command

    with open_store(db_url) as store:
        store.add_articles(_articles()[:2])
        link_stored(store)
        config = alembic_config()
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, M.down_revision)
        assert current_revision(store.engine) == M.down_revision
        assert "story_views" not in inspect(store.engine).get_table_names()
        assert "stories" in inspect(store.engine).get_table_names()
    with open_store(db_url) as store:  # opening upgrades again: no views, presented on first read
        assert current_revision(store.engine) == scripted_head()  # the head: this one or a later one
        sid = _story_of(store, _articles()[0].id)
        assert LinkStore(store).load_view(sid) is None
        assert views.get_story(store, sid)["id"] == sid
        assert LinkStore(store).load_view(sid) is not None


def test_a_reader_does_not_wait_for_an_ingest_to_store_a_view(tmp_path, caplog):
    import time

    path = str(tmp_path / "busy.db")
    first, second, _ = _articles()
    with open_store(path) as store, open_store(path) as ingest:
        store.add_articles([first, second])
        Linker(store, views=False).link_pending()
        sid = _story_of(store, first.id)
        with ingest.transaction():  # another writer holds SQLite's write lock (busy timeout 30 s)
            start = time.perf_counter()
            view = views.get_story(store, sid)
            took = time.perf_counter() - start
        assert view["articles"] == [first.id, second.id]
        assert took < 20, f"the reader waited for the writer ({took:.1f} s)"
        assert LinkStore(store).load_view(sid) is None
        assert "could not store the view" in caplog.text
        store.memo(views.READ_VIEWS).clear()
        views.get_story(store, sid)  # the lock is gone: stored now
        assert LinkStore(store).load_view(sid) is not None
