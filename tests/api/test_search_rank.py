"""Ranked search on PostgreSQL: with a RUM index (migration 0005, where the server has the
extension) and the plain way, the same documents, totals and result shape; ties page cleanly on
every engine."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from crisol.model import Article
from crisol.store import open_store
from crisol.store import search as fts

QUERIES = [
    "eleccion",
    "sequía OR elecciones",
    "Valdemora",
    "riego",
    '"pleno de Valdemora"',
    "elec*",
    "Quiroga",
]


def _rum_available(store) -> bool:
    with store.connection() as conn:
        return bool(conn.scalar(text("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")))


def _everything(store, q):
    return fts.search(store, q, limit=100)


def test_postgresql_ranks_with_rum_when_the_server_has_it(filled):
    with open_store(filled) as store, store.connection() as conn:
        rum = fts.uses_rum(conn)
        available = store.engine.dialect.name == "postgresql" and _rum_available(store)
    if store.engine.dialect.name != "postgresql":
        assert not rum
    elif not available:
        pytest.skip("the PostgreSQL server has no rum extension (Debian: postgresql-NN-rum)")
    else:
        assert rum


def test_rum_and_plain_ranking_find_the_same_documents(filled, monkeypatch):
    with open_store(filled) as store:
        with store.connection() as conn:
            if not fts.uses_rum(conn):
                pytest.skip("no RUM index on this engine")
        ranked = {q: _everything(store, q) for q in QUERIES}
        monkeypatch.setattr(fts, "uses_rum", lambda conn: False)
        for q, got in ranked.items():
            plain = _everything(store, q)
            assert got.total == plain.total > 0, q
            assert {(h.kind, h.ref) for h in got.hits} == {(h.kind, h.ref) for h in plain.hits}, q
            by_ref = {(h.kind, h.ref): asdict(h) for h in plain.hits}
            for hit in got.hits:  # same shape and the same snippet; only the score's scale differs
                mine, other = asdict(hit), by_ref[(hit.kind, hit.ref)]
                assert mine.keys() == other.keys() and hit.score > 0
                mine.pop("score"), other.pop("score")
                assert mine == other
        # filters narrow the RUM query as they narrow the plain one
        monkeypatch.undo()
        es = fts.search(store, "Valdemora", language="es", kinds=["article"], limit=100)
        assert es.total == len(es.hits) > 0 and {h.language for h in es.hits} == {"es"}


def _tied_articles(n: int) -> list[Article]:
    start = datetime(2025, 5, 1, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        # Every third article says "presupuesto" twice, the rest once: two groups of equal rank.
        extra = " El presupuesto se votará de nuevo." if i % 3 == 0 else ""
        body = f"La asamblea del distrito {i % 2} discutió el presupuesto durante la tarde.{extra}"
        out.append(
            Article(
                id=f"{i + 1:016x}",
                source=f"tie/{i}",
                raw=body.encode(),
                raw_format="text",
                text=body,
                title="Sesión de la asamblea",
                language="es",
                outlet="Gaceta de Prueba",
                published=start + timedelta(hours=i),
            )
        )
    return out


def test_pages_of_tied_results_never_overlap(db_url, monkeypatch):
    monkeypatch.setattr(fts, "RUM_FETCH", 1)  # ties run past what is first read: read on
    with open_store(db_url) as store:
        articles = _tied_articles(24)
        store.add_articles(articles)
        fts.index_articles(store, articles)
        whole = fts.search(store, "presupuesto", limit=100)
        assert whole.total == 24 and len(whole.hits) == 24
        paged = []
        for offset in range(0, 24, 5):
            page = fts.search(store, "presupuesto", limit=5, offset=offset)
            assert page.total == 24
            paged += [h.ref for h in page.hits]
        assert paged == [h.ref for h in whole.hits]  # every document once, in one order
        scores = [h.score for h in whole.hits]
        assert scores == sorted(scores, reverse=True)
        for a, b in zip(whole.hits, whole.hits[1:]):  # equal rank: id order, as on SQLite
            if a.score == b.score:
                assert a.ref < b.ref
        twice = {a.id for i, a in enumerate(articles) if i % 3 == 0}
        assert {h.ref for h in whole.hits[:8]} == twice  # saying it twice ranks higher
        assert fts.search(store, "presupuesto", limit=5, offset=40).hits == []


def test_unfiltered_search_counts_as_the_filtered_path_does(filled):
    # Without filters the index alone ranks and counts; naming every kind goes through the
    # documents table: the same hits, in the same order, and the same total.
    with open_store(filled) as store:
        for q in QUERIES:
            alone = fts.search(store, q, limit=100)
            joined = fts.search(store, q, kinds=list(fts.KINDS), limit=100)
            assert alone.total == joined.total == len(alone.hits) > 0, q
            assert [(h.kind, h.ref) for h in alone.hits] == [(h.kind, h.ref) for h in joined.hits], q
