"""Composite indexes for the read side's listings; a ranking index for search on PostgreSQL.

Revision ID: 0005_indexes
Revises: 0004_search
Create Date: 2026-11-23

Listings filter on one column and sort newest first with the id as tie-break; an index on
(filter, published DESC, id) gives the rows in that order, so a page stops after LIMIT rows
instead of sorting every match (see ``crisol.store.schema``). The single-column indexes they
start with are dropped: each composite serves their lookups too, and every index slows ingest.

PostgreSQL only: when the ``rum`` extension is installed on the server (Debian's
``postgresql-NN-rum``), the search index ``ix_search_docs_tsv`` becomes a RUM index. It keeps
each word's positions and weights in the index, so ``ORDER BY tsv <=> query LIMIT n`` ranks
the matches without reading their tsvectors from the table (with GIN, ``ts_rank`` decompresses
every matching row: seconds for a common word at 100k articles). Without the extension (or
without the right to create it) the GIN index stays and search ranks the plain way; both give
the same matches. The index keeps its name and column, so the schema the code declares is the
same either way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_indexes"
down_revision = "0004_search"
branch_labels = None
depends_on = None

# (name, table, columns): column text may carry DESC, as the index stores it.
INDEXES = [
    ("ix_articles_published_id", "articles", ["published DESC", "id"]),
    ("ix_articles_outlet_published", "articles", ["outlet", "published DESC", "id", "language"]),
    ("ix_articles_language_published", "articles", ["language", "published DESC", "id", "outlet"]),
    ("ix_events_type_date", "events", ["type", "date DESC", "article_id", "position"]),
    ("ix_events_source_entity", "events", ["source_entity"]),
    ("ix_events_target_entity", "events", ["target_entity"]),
    ("ix_quotes_speaker_entity", "quotes", ["speaker_entity"]),
    ("ix_mentions_entity_article", "mentions", ["entity_id", "article_id"]),
]
# What the composites replace: (name, table, column).
REPLACED = [
    ("ix_articles_outlet", "articles", "outlet"),
    ("ix_articles_published", "articles", "published"),
    ("ix_articles_language", "articles", "language"),
    ("ix_events_type", "events", "type"),
    ("ix_mentions_entity_id", "mentions", "entity_id"),
]
SEARCH_INDEX = "ix_search_docs_tsv"


def _column(spec: str):
    name, _, order = spec.partition(" ")
    return sa.text(f"{name} DESC") if order == "DESC" else name


def upgrade() -> None:
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)
    for name, table, columns in INDEXES:
        op.create_index(name, table, [_column(c) for c in columns])
    if op.get_bind().dialect.name == "postgresql":
        _rank_with_rum()
    elif op.get_bind().scalar(sa.text("SELECT count(*) FROM (SELECT 1 FROM articles LIMIT 1)")):
        # A filled store: give SQLite's planner the new indexes' statistics, or it guesses
        # (outlet + language + date could count through the language index, 8x the rows).
        for name, _, _ in INDEXES:
            op.execute(f"ANALYZE {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _back_to_gin()
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    for name, table, column in REPLACED:
        op.create_index(name, table, [column])


def _rank_with_rum() -> None:
    bind = op.get_bind()
    if not bind.scalar(sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")):
        return
    try:
        # A savepoint: without the right to create extensions, the migration goes on with GIN.
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rum"))
    except sa.exc.DBAPIError:
        return
    op.drop_index(SEARCH_INDEX, table_name="search_docs")
    op.execute(f"CREATE INDEX {SEARCH_INDEX} ON search_docs USING rum (tsv rum_tsvector_ops)")


def _back_to_gin() -> None:
    bind = op.get_bind()
    method = bind.scalar(
        sa.text("SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = :name"),
        {"name": SEARCH_INDEX},
    )
    if method != "rum":
        return
    op.drop_index(SEARCH_INDEX, table_name="search_docs")
    op.create_index(SEARCH_INDEX, "search_docs", ["tsv"], postgresql_using="gin")
    try:  # the extension goes too, unless something else of the database uses it
        with bind.begin_nested():
            bind.execute(sa.text("DROP EXTENSION IF EXISTS rum"))
    except sa.exc.DBAPIError:
        pass
