"""Migration 0005: the listings' composite indexes exist on both engines, SQLite reads a filtered,
newest-first page straight from one of them, and the migration goes down and up again cleanly.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run on PostgreSQL too.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, text

from crisol.model import Article
from crisol.store import open_store
from crisol.store.migrate import alembic_config, current_revision, scripted_head
from crisol.store.queries import Filters, list_articles

M = importlib.import_module("crisol.store.migrations.versions.0005_indexes")
OUTLETS = ("Heraldo de Prueba", "Boletín Comarcal", "The Test Courier")


def _articles(n: int) -> list[Article]:
    start = datetime(2025, 1, 1, 8, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        body = f"Nota {i}: la junta vecinal revisó el presupuesto del barrio y aplazó la votación."
        out.append(
            Article(
                id=f"{i:016x}",
                source=f"idx/{i}",
                raw=body.encode(),
                raw_format="text",
                text=body,
                title=f"Nota {i}",
                outlet=OUTLETS[i % 3],
                language="en" if i % 3 == 2 else "es",
                published=None if i % 17 == 0 else start + timedelta(hours=7 * i),
            )
        )
    return out


def _index_columns(conn, table: str) -> dict[str, list[str]]:
    """Index name -> its columns as the engine stores them, ``DESC`` included."""
    if conn.dialect.name == "sqlite":
        out = {}
        for _, name, *_ in conn.exec_driver_sql(f"PRAGMA index_list({table})"):
            cols = conn.exec_driver_sql(f"PRAGMA index_xinfo({name})").all()
            # index_xinfo: (seqno, cid, name, desc, coll, key); key=0 rows are the rowid
            out[name] = [c[2] + (" DESC" if c[3] else "") for c in cols if c[5]]
        return out
    rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"), {"t": table})
    columns = {
        name: d[d.index("(") + 1 : d.rindex(")")] for name, d in rows
    }  # "CREATE INDEX ... (a, b DESC)"
    return {name: [c.strip().replace('"', "") for c in cols.split(",")] for name, cols in columns.items()}


def test_listing_indexes_exist_with_their_order(db_url):
    with open_store(db_url) as store, store.engine.connect() as conn:
        assert current_revision(store.engine) == scripted_head()
        for name, table, columns in M.INDEXES:
            assert _index_columns(conn, table).get(name) == columns, name
        for name, table, _ in M.REPLACED:
            assert name not in _index_columns(conn, table)


def test_sqlite_reads_an_outlet_page_newest_first_from_the_composite_index(tmp_path):
    with open_store(str(tmp_path / "plan.db")) as store:
        store.add_articles(_articles(300))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        seen: list[tuple[str, object]] = []

        def remember(conn, cursor, statement, params, context, executemany):
            seen.append((statement, params))

        event.listen(store.engine, "before_cursor_execute", remember)
        try:
            page = list_articles(store, Filters(outlet=OUTLETS[1]), sort="-published", limit=10, offset=20)
        finally:
            event.remove(store.engine, "before_cursor_execute", remember)
        dates = [a["published"] for a in page.items]
        assert page.total == 100 and len(page.items) == 10 and dates == sorted(dates, reverse=True)
        listing = [(sql, p) for sql, p in seen if "ORDER BY" in sql and "LIMIT" in sql]
        assert listing, seen
        with store.engine.connect() as conn:
            for sql, params in listing:
                plan = " | ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                assert "ix_articles_outlet_published" in plan, plan
                assert "TEMP B-TREE" not in plan, plan  # no sort: the index gives the order
            count = "SELECT count(*) FROM articles WHERE outlet = ? AND language = ? AND published >= ?"
            plan = " | ".join(
                r[3]
                for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + count, (OUTLETS[1], "es", "2025-02-01"))
            )
            assert "COVERING INDEX" in plan, plan  # counted without reading article rows


def test_undated_articles_come_last_newest_first(db_url):
    with open_store(db_url) as store:
        store.add_articles(_articles(60))
        items = list_articles(store, Filters(language="es"), sort="-published", limit=100).items
    dates = [a["published"] for a in items]
    dated = [d for d in dates if d]
    assert dates == dated + [None] * (len(dates) - len(dated)) and dated == sorted(dated, reverse=True)
    assert len(items) == 40


def _downgrade(store, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_migration_goes_down_and_up_again(db_url):
    with open_store(db_url) as store:
        store.add_articles(_articles(20))
        _downgrade(store, "0004_search")
        assert current_revision(store.engine) == "0004_search"
        with store.engine.connect() as conn:
            names = set(_index_columns(conn, "articles")) | set(_index_columns(conn, "events"))
            assert (
                "ix_articles_outlet_published" not in names
                and {"ix_articles_outlet", "ix_events_type"} <= names
            )
            if conn.dialect.name == "postgresql":
                method = conn.scalar(
                    text(
                        "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                        "WHERE c.oid = to_regclass('ix_search_docs_tsv')"
                    )
                )
                assert method == "gin"
    with open_store(db_url) as store:  # opening upgrades again
        assert current_revision(store.engine) == scripted_head()
        assert store.count_articles() == 20
        assert list_articles(store, Filters(outlet=OUTLETS[0]), limit=5).total == 7
