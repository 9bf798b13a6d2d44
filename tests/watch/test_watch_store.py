"""The watch tables: the migration builds exactly what crisol.store.watch uses."""

from __future__ import annotations

from datetime import datetime, timezone

from crisol.store import open_store
from crisol.store import watch as w


def test_the_watch_migration_builds_exactly_the_watch_tables(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    ours = {t.name for t in w.TABLES}

    def include_name(name, type_, parent_names):
        return type_ != "table" or name in ours

    def include_object(obj, name, type_, reflected, compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in ours

    opts = {"compare_type": True, "include_name": include_name, "include_object": include_object}
    with open_store(str(tmp_path / "w.db")) as s, s.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, w.TABLES[0].metadata)
    assert diff == []


def test_pending_urls_survive_a_reopen_and_are_added_once(tmp_path):
    at = datetime(2025, 3, 14, 12, tzinfo=timezone.utc)
    path = str(tmp_path / "w.db")
    with open_store(path) as s:
        ws = w.WatchStore(s)
        ws.add_pending([("https://d.test/a", "https://d.test/a?utm_source=x", "D", None)] * 2, at)
        ws.add_pending([("https://d.test/a", "https://d.test/a", "D", "otro")], at)
    with open_store(path) as s:
        (state,) = w.WatchStore(s).pending(["D"])
    assert state.link == "https://d.test/a?utm_source=x" and state.status == "pending"
