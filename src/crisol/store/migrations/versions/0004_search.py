"""Full-text search: one row per searchable thing (article, quote, entity, story) and its index.

Revision ID: 0004_search
Revises: 0003_link
Create Date: 2026-11-23

``search_docs`` is portable. The index itself is engine-specific, which is why this migration
branches on the dialect: an FTS5 table on SQLite (``search_fts``, rowid = ``search_docs.id``), a
``tsvector`` column with a GIN index on PostgreSQL (the column exists, empty, on SQLite too,
so both engines have the same tables). Both index the same stemmed, accent-folded
text, made in Python (:mod:`crisol.store.search`), so both engines find the same documents.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0004_search"
down_revision = "0003_link"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        sa.Column("article_id", sa.String(32)),
        sa.Column("language", sa.String(16)),
        sa.Column("outlet", sa.String(200)),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("title", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("tsv", sa.Text().with_variant(TSVECTOR(), "postgresql")),  # NULL on SQLite
        sa.PrimaryKeyConstraint("id", name="pk_search_docs"),
        sa.UniqueConstraint("kind", "ref", name="uq_search_docs_kind"),
    )
    op.create_index("ix_search_docs_article_id", "search_docs", ["article_id"])
    op.create_index("ix_search_docs_tsv", "search_docs", ["tsv"], postgresql_using="gin")
    if op.get_bind().dialect.name != "postgresql":
        # remove_diacritics 2 folds accents the stemmer left (the text is already folded: this
        # keeps a hand-written query or a newer stemmer safe too).
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_docs")
