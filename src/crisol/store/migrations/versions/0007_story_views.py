"""Materialized story views: what ``crisol.present`` made of each story, kept with the story.

Revision ID: 0007_story_views
Revises: 0006_sources
Create Date: 2026-11-23

Presenting a story embeds every sentence of it (seconds for a story of a few articles), so the
linker stores the view of every story it touched, and readers serve it while it is at least as
new as the story (``story_updated`` against ``stories.updated``). Existing stores start with no
views: each story is presented on its first read and stored then.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_story_views"
down_revision = "0006_sources"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "story_views",
        sa.Column("story_id", sa.String(16), nullable=False),
        sa.Column("story_updated", TS, nullable=False),  # the story's ``updated`` it was made from
        sa.Column("computed", TS, nullable=False),
        sa.Column("view", sa.JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name="fk_story_views_story_id_stories", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("story_id", name="pk_story_views"),
    )


def downgrade() -> None:
    op.drop_table("story_views")
