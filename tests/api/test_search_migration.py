"""Migration 0004_search (and 0005_indexes after it) builds the search tables on both engines and keeps them in step."""

from __future__ import annotations

from sqlalchemy import inspect

from crisol.store import open_store
from crisol.store.migrate import current_revision, scripted_head


def test_search_tables_exist_on_each_engine(db_url):
    with open_store(db_url) as store:
        assert current_revision(store.engine) == scripted_head()
        insp = inspect(store.engine)
        cols = {c["name"] for c in insp.get_columns("search_docs")}
        assert {"kind", "ref", "article_id", "title", "body", "published"} <= cols
        if store.engine.dialect.name == "postgresql":
            assert "tsv" in cols
            assert "ix_search_docs_tsv" in {i["name"] for i in insp.get_indexes("search_docs")}
        else:
            assert "search_fts" in insp.get_table_names()


def test_search_docs_match_the_code(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from crisol.store.search import metadata

    def include_object(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name == "search_docs"

    with open_store(db_url) as store, store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(ctx, metadata)
    assert diff == []
