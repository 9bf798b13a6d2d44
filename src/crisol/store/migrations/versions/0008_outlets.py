"""Outlets as records, and collections of them.

Revision ID: 0008_outlets
Revises: 0007_story_views
Create Date: 2026-12-06

``outlets`` (name, folded key, country, language, media type, owner, notes, the fields the user
edited), ``outlet_spellings`` (every ``articles.outlet`` value, to its outlet), ``outlet_domains``,
``collections`` and ``collection_outlets``. Existing stores are filled as ingest fills new ones
(:func:`crisol.store.outlets.note_articles`): every stored outlet spelling with the domains of its
articles' URLs, in batches, then the watched sources (country and language of ``watch_sources``,
the domains of their feeds).
"""

from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

revision = "0008_outlets"
down_revision = "0007_story_views"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
NAME = sa.String(200)
BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("key", NAME, nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("language", sa.String(16)),
        sa.Column("media_type", sa.String(32)),
        sa.Column("owner", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("edited", sa.JSON, nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outlets"),
        sa.UniqueConstraint("key", name="uq_outlets_key"),
    )
    for table, key, kind in (
        ("outlet_spellings", "spelling", NAME),
        ("outlet_domains", "domain", sa.String(253)),
    ):
        op.create_table(
            table,
            sa.Column(key, kind, nullable=False),
            sa.Column("outlet_id", sa.Integer, nullable=False),
            sa.ForeignKeyConstraint(
                ["outlet_id"], ["outlets.id"], name=f"fk_{table}_outlet_id_outlets", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint(key, name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_outlet_id", table, ["outlet_id"])
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("key", NAME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("created", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_collections"),
        sa.UniqueConstraint("key", name="uq_collections_key"),
    )
    op.create_table(
        "collection_outlets",
        sa.Column("collection_id", sa.Integer, nullable=False),
        sa.Column("outlet_id", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name="fk_collection_outlets_collection_id_collections",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name="fk_collection_outlets_outlet_id_outlets", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("collection_id", "outlet_id", name="pk_collection_outlets"),
    )
    op.create_index("ix_collection_outlets_outlet_id", "collection_outlets", ["outlet_id"])
    _fill(op.get_bind())


def downgrade() -> None:
    for table in ("collection_outlets", "collections", "outlet_domains", "outlet_spellings", "outlets"):
        op.drop_table(table)


def _fill(bind) -> None:
    """Outlets from the stored articles and the watched sources, as ingest and watch fill them."""
    from crisol.store.outlets import note_articles, note_sources

    rows = bind.execute(sa.text("SELECT outlet, url FROM articles WHERE outlet IS NOT NULL ORDER BY id"))
    while chunk := rows.fetchmany(BATCH):
        note_articles(bind, [(outlet, url) for outlet, url in chunk])
    feeds: dict[str, list[str]] = {}
    for url, source in bind.execute(sa.text("SELECT url, source FROM watch_feeds")):
        feeds.setdefault(source, []).append(url)
    sources = [
        SimpleNamespace(
            name=name, country=country, language=language, homepage=None, feeds=feeds.get(name, [])
        )
        for name, country, language in bind.execute(
            sa.text("SELECT name, country, language FROM watch_sources")
        )
    ]
    note_sources(bind, sources)
