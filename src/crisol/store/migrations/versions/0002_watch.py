"""Watch state: sources, feeds, fetched URLs with their versions, and the poll log.

Revision ID: 0002_watch
Revises: 0001
Create Date: 2026-11-23

Mirrors the tables in :mod:`crisol.store.watch`. Portable types only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_watch"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(32)
TS = sa.DateTime(timezone=True)
URL = sa.String(2048)
NAME = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("name", NAME, nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("language", sa.String(16)),
        sa.Column("last_poll", TS),
        sa.Column("last_success", TS),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", TS),
        sa.Column("consecutive_errors", sa.Integer, nullable=False),
        sa.Column("next_poll", TS),
        sa.PrimaryKeyConstraint("name", name="pk_watch_sources"),
    )
    op.create_table(
        "watch_feeds",
        sa.Column("url", URL, nullable=False),
        sa.Column("source", NAME, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64)),
        sa.Column("last_fetched", TS),
        sa.Column("last_status", sa.Integer),
        sa.PrimaryKeyConstraint("url", name="pk_watch_feeds"),
    )
    op.create_table(
        "watch_urls",
        sa.Column("url", URL, nullable=False),
        sa.Column("link", URL, nullable=False),
        sa.Column("source", NAME, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_fetched", TS),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64)),
        sa.Column("text_hash", sa.String(32)),
        sa.Column("article_id", ID),
        sa.Column("versions", sa.Integer, nullable=False),
        sa.Column("item_date", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("alias_of", URL),
        sa.PrimaryKeyConstraint("url", name="pk_watch_urls"),
    )
    op.create_index("ix_watch_urls_source", "watch_urls", ["source"])
    op.create_index("ix_watch_urls_status", "watch_urls", ["status"])
    op.create_table(
        "watch_versions",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("url", URL, nullable=False),
        sa.Column("source", NAME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("previous_id", ID),
        sa.Column("fetched", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_watch_versions_article_id_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_watch_versions"),
    )
    op.create_index("ix_watch_versions_url", "watch_versions", ["url"])
    op.create_index("ix_watch_versions_source", "watch_versions", ["source"])
    op.create_table(
        "watch_polls",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("source", NAME, nullable=False),
        sa.Column("started", TS, nullable=False),
        sa.Column("finished", TS, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_watch_polls"),
    )
    op.create_index("ix_watch_polls_source", "watch_polls", ["source"])


def downgrade() -> None:
    for table in ("watch_polls", "watch_versions", "watch_urls", "watch_feeds", "watch_sources"):
        op.drop_table(table)
