"""Saved searches: a query, an entity or a story kept under a name, with what was last seen.

Revision ID: 0010_saved_searches
Revises: 0007_story_views
Create Date: 2026-12-06

Each saved search keeps two high-water marks (JSON: the last article stored and the last
``story_history`` row accounted for): ``seen`` for the reader (``crisol alerts``, the pages, the
feed) and ``notified`` for its webhook, which advances only when a delivery succeeds. Articles
get an index in the order they were stored, which is the order the marks count in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_saved_searches"
down_revision = "0009_attention_indexes"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("outlet", sa.String(200)),
        sa.Column("webhook", sa.String(2048)),
        sa.Column("created", TS, nullable=False),
        sa.Column("seen", sa.JSON, nullable=False),
        sa.Column("notified", sa.JSON, nullable=False),
        sa.Column("notify_error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_saved_searches"),
        sa.UniqueConstraint("name", name="uq_saved_searches_name"),
    )
    op.create_index("ix_articles_ingested_id", "articles", ["ingested_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_ingested_id", table_name="articles")
    op.drop_table("saved_searches")
