"""A covering index for attention over time.

Revision ID: 0009_attention_indexes
Revises: 0007_story_views
Create Date: 2026-12-06

The attention view reads, for every article of a selection (the matches of a search, the
articles naming an entity, a story's), its day, outlet, language and copy and agency links. The
selection arrives as article ids; an index led by the id and holding those columns answers
from the index alone, where the table would read each wide article row (its text) for them.
"""

from alembic import op

revision = "0009_attention_indexes"
down_revision = "0008_outlets"
branch_labels = None
depends_on = None

COLUMNS = ["id", "published", "outlet", "language", "copy_of", "agency"]


def upgrade() -> None:
    op.create_index("ix_articles_attention", "articles", COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE ix_articles_attention")  # the planner's statistics for the new index


def downgrade() -> None:
    op.drop_index("ix_articles_attention", table_name="articles")
