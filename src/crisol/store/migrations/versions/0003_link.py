"""Linking: the entity registry, relations between articles, stories and their history.

Revision ID: 0003_link
Revises: 0002_watch
Create Date: 2026-11-23

Portable types only, so the same migration builds SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_link"
down_revision = "0002_watch"
branch_labels = None
depends_on = None

ID = sa.String(32)
ENTITY = sa.String(64)
TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
    )


def upgrade() -> None:
    # One row per real-world entity; aliases count every surface form seen.
    op.create_table(
        "entities",
        sa.Column("id", ENTITY, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("role", sa.String(64)),
        sa.Column("data", sa.JSON, nullable=False),  # the registry's own record (merges, keys)
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
    )
    op.create_index("ix_entities_name", "entities", ["name"])
    op.create_table(
        "entity_aliases",
        sa.Column("entity_id", ENTITY, nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        _fk("entity_aliases", "entity_id", "entities"),
        sa.PrimaryKeyConstraint("entity_id", "text", name="pk_entity_aliases"),
    )
    op.create_index("ix_entity_aliases_text", "entity_aliases", ["text"])

    # What linking remembers of each article: its embedding and names (recomputing costs).
    op.create_table(
        "article_profiles",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("embedding", sa.LargeBinary, nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("keys", sa.JSON, nullable=False),
        _fk("article_profiles", "article_id", "articles"),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_profiles"),
    )

    # duplicate / near-duplicate / rewrite: b relates to the earlier a.
    op.create_table(
        "relations",
        sa.Column("a", ID, nullable=False),
        sa.Column("b", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),  # aligned pairs, dropped, added
        _fk("relations", "a", "articles"),
        _fk("relations", "b", "articles"),
        sa.PrimaryKeyConstraint("a", "b", "kind", name="pk_relations"),
    )
    op.create_index("ix_relations_b", "relations", ["b"])

    op.create_table(
        "stories",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("language", sa.String(8)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("first", TS),
        sa.Column("last", TS),
        sa.Column("merged_into", sa.String(16)),
        sa.Column("updated", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_index("ix_stories_last", "stories", ["last"])
    op.create_table(
        "story_articles",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("story_id", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        _fk("story_articles", "article_id", "articles"),
        _fk("story_articles", "story_id", "stories"),
        sa.PrimaryKeyConstraint("article_id", name="pk_story_articles"),
    )
    op.create_index("ix_story_articles_story_id", "story_articles", ["story_id"])
    op.create_table(
        "story_history",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("story_id", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),  # create, join, merge
        sa.Column("article_id", ID),
        sa.Column("other_story", sa.String(16)),
        sa.Column("score", sa.Float),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_story_history"),
    )
    op.create_index("ix_story_history_story_id", "story_history", ["story_id"])


def downgrade() -> None:
    for name in (
        "story_history",
        "story_articles",
        "stories",
        "relations",
        "article_profiles",
        "entity_aliases",
    ):
        op.drop_table(name)
    op.drop_table("entities")
