"""A new SQLite store gets index statistics when an ingest closes it, so the planner reads an
outlet's articles from the (outlet, published) index instead of guessing (SQLite only:
PostgreSQL's autovacuum analyses its tables itself)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from crisol.errors import StoreBusy
from crisol.service.runner import ingest
from crisol.store import open_store
from crisol.store import store as store_module

OUTLETS = ["Gaceta del Valle", "Heraldo Costero", "The Harbour Times"]
ES = "El consejo de la comarca {n} aprobó el martes un plan de riego para {k} parcelas agrícolas."
EN = "The county board {n} approved on Tuesday an irrigation plan covering {k} farm plots."


def _feed(path, n: int) -> None:
    t0 = datetime(2025, 4, 1, 8, tzinfo=timezone.utc)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            english = i % 3 == 2
            body = (EN if english else ES).format(n=i, k=10 + i)
            more = (" The vote was unanimous." if english else " La votación fue unánime.") * 3
            row = {
                "title": f"{'Plan' if english else 'Riego'} {i}",
                "text": body + more,
                "outlet": OUTLETS[i % len(OUTLETS)],
                "date": (t0 + timedelta(hours=i)).isoformat(),
                "url": f"https://example.org/{i}",
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _plan(store, sql: str, params: tuple) -> str:
    with store.engine.connect() as conn:
        return " | ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))


def test_after_an_ingest_the_planner_reads_an_outlet_from_its_index(tmp_path):
    feed, db = tmp_path / "feed.jsonl", str(tmp_path / "fresh.db")
    _feed(feed, 240)
    with open_store(db) as store:
        report = ingest([str(feed)], store, analyze=False)
        assert report.new == 240
    with open_store(db) as store:
        with store.engine.connect() as conn:
            analysed = conn.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'articles'"))
        assert analysed >= 2  # one line per index of the articles table
        language = store.list_articles(limit=1).items[0].language
        page = (
            "SELECT id FROM articles WHERE outlet IN (?) AND language = ? "
            "ORDER BY published DESC, id LIMIT 10"
        )
        count = "SELECT count(*) FROM articles WHERE outlet IN (?) AND language = ? AND published >= ?"
        for sql, params in ((page, (OUTLETS[0], language)), (count, (OUTLETS[0], language, "2025-04-02"))):
            assert "ix_articles_outlet_published" in _plan(store, sql, params)
        assert store.optimize() is False  # fresh statistics: nothing to redo


def test_statistics_are_taken_again_when_the_store_has_grown(tmp_path):
    db = str(tmp_path / "grow.db")
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 12)
    with open_store(db) as store:
        ingest([str(feed)], store, analyze=False)
    with open_store(db) as store:
        assert store.optimize() is False
        more = tmp_path / "more.jsonl"
        _feed(more, 60)  # the same first 12 (already stored) and 48 new
        ingest([str(more)], store, analyze=False)
        assert store.optimize() is True  # 12 -> 60 articles: stale
        assert store.optimize() is False


def test_a_store_held_by_another_writer_closes_without_statistics(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "ANALYZE_WAIT_MS", 100)  # the writer is never waited out: wait briefly
    db = str(tmp_path / "held.db")
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 12)
    store = open_store(db)
    ingest([str(feed)], store, analyze=False)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        with pytest.raises(StoreBusy):
            store.optimize()
        store.close()  # no error: the statistics wait for the next time
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_store(db) as again:
        assert again.optimize() is True  # still missing, so taken now
