"""Initial schema: articles with raw bytes, removed lines and annotations; inputs, runs, rejections.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written by hand with portable types only (no SQLite or PostgreSQL specifics), so the same
migration builds both.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(32)
TS = sa.DateTime(timezone=True)


def _child(name, *columns):
    op.create_table(
        name,
        sa.Column("article_id", ID, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=f"fk_{name}_article_id_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "position", name=f"pk_{name}"),
    )


def _offsets():
    return [
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("sentence", sa.Integer, nullable=False),
    ]


def _actor(role):
    return [
        sa.Column(f"{role}_name", sa.Text),
        sa.Column(f"{role}_entity", sa.String(64)),
        sa.Column(f"{role}_country", sa.String(8)),
        sa.Column(f"{role}_sector", sa.String(16)),
    ]


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", ID, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("location", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.String(200)),
        sa.Column("title", sa.Text),
        sa.Column("published", TS),
        sa.Column("date_source", sa.String(16)),
        sa.Column("fetched", TS),
        sa.Column("language", sa.String(16)),
        sa.Column("language_score", sa.Float),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_hash", sa.String(32), nullable=False),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("raw_format", sa.String(16), nullable=False),
        sa.Column("analysis", sa.Text),
        sa.Column("copy_of", ID),
        sa.Column("ingested_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["copy_of"], ["articles.id"], name="fk_articles_copy_of_articles"),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
    )
    for col in ("source", "outlet", "published", "language", "text_hash", "copy_of"):
        op.create_index(f"ix_articles_{col}", "articles", [col])

    op.create_table(
        "raw_inputs",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_raw_inputs_article_id_articles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_raw_inputs"),
    )
    _child(
        "removed_lines",
        sa.Column("line", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
    )
    _child(
        "sentences",
        sa.Column("sentence", sa.Integer, nullable=False),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    _child(
        "mentions",
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        *_offsets(),
        sa.Column("entity_id", sa.String(64)),
        sa.Column("canonical", sa.Text),
        sa.Column("country", sa.String(8)),
        sa.Column("role", sa.String(64)),
        sa.Column("source", sa.String(16), nullable=False),
    )
    op.create_index("ix_mentions_entity_id", "mentions", ["entity_id"])
    _child(
        "time_expressions",
        sa.Column("text", sa.Text, nullable=False),
        *_offsets(),
        sa.Column("value", sa.String(32)),
        sa.Column("precision", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
    )
    _child(
        "quotes",
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column("cue", sa.Text),
        *_offsets(),
        sa.Column("speaker_entity", sa.String(64)),
        sa.Column("via", sa.Text),
    )
    _child(
        "events",
        sa.Column("event_id", sa.String(64)),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(32)),
        *_actor("source"),
        *_actor("target"),
        sa.Column("sentence", sa.Integer, nullable=False),
        sa.Column("sentence_text", sa.Text, nullable=False),
        sa.Column("trigger", sa.Text, nullable=False),
        sa.Column("location", sa.Text),
        sa.Column("date", sa.String(32)),
        sa.Column("date_precision", sa.String(16)),
        sa.Column("certainty", sa.String(16), nullable=False),
        sa.Column("attributed_to", sa.Text),
    )
    op.create_index("ix_events_type", "events", ["type"])

    op.create_table(
        "inputs",
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("finished_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name="pk_inputs"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("started", TS, nullable=False),
        sa.Column("finished", TS),
        sa.Column("counts", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("run_id", sa.Integer),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("location", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_rejections_run_id_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rejections"),
    )
    op.create_index("ix_rejections_run_id", "rejections", ["run_id"])


def downgrade() -> None:
    for table in (
        "rejections",
        "runs",
        "inputs",
        "events",
        "quotes",
        "time_expressions",
        "mentions",
        "sentences",
        "removed_lines",
        "raw_inputs",
        "articles",
    ):
        op.drop_table(table)
