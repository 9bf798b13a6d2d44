"""Where a text and a date come from: ``articles.agency`` and ``events.date_source``.

Revision ID: 0006_sources
Revises: 0005_indexes
Create Date: 2026-11-23

Two model fields the store did not keep: ``Article.agency`` (the wire agency its byline credits,
"Por Redacción / EFE" -> "EFE"; not the outlet) and ``Event.date_source`` ("text" when a time
expression of the text dated the event, "published" when it took the article's day). Both
columns are nullable: NULL means "none" for articles written from now on, and "not recorded"
for rows stored before this revision.

Existing stores are filled in, cheaply and by the rules the readers already used for rows
without the columns: ``agency`` from the byline the cleaner kept among each article's removed
lines (the byline rules the cleaner applies today; one pass over the byline lines, in batches);
``date_source`` of a dated event as :func:`crisol.present.cross_events.date_source_of` infers it: "text"
when a time expression of its sentence has that value, else "published" when the date is the
article's publication day (UTC), else "text" (one UPDATE). Undated events stay NULL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_sources"
down_revision = "0005_indexes"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.add_column("articles", sa.Column("agency", sa.String(200)))
    op.add_column("events", sa.Column("date_source", sa.String(16)))
    _backfill_agency(op.get_bind())
    _backfill_date_source(op.get_bind())


def downgrade() -> None:
    # In place (SQLite 3.35+), never Alembic's batch mode: copying ``articles`` into a new table
    # drops the old one, and with foreign keys on that deletes every child row by cascade.
    op.drop_column("events", "date_source")
    op.drop_column("articles", "agency")


def _backfill_agency(bind) -> None:
    """``articles.agency`` from the first byline line of each stored article (as the cleaner does)."""
    if bind.execute(sa.text("SELECT 1 FROM removed_lines WHERE reason = 'byline' LIMIT 1")).first() is None:
        return  # a new store: nothing to backfill, and no need to load the cleaner
    # Here, not at the top: the store imports no stage; a data migration borrows the cleaner
    # only while it runs (once per database).
    from crisol.clean.lines import byline_name, without_date
    from crisol.clean.metadata import parse_byline

    rows = bind.execute(
        sa.text(
            "SELECT article_id, text FROM removed_lines WHERE reason = 'byline' ORDER BY article_id, position"
        )
    )
    done: set[str] = set()
    pending: list[dict] = []
    update = sa.text("UPDATE articles SET agency = :agency WHERE id = :id")
    while chunk := rows.fetchmany(BATCH):
        for article_id, line in chunk:
            if article_id in done:
                continue
            name = byline_name(without_date(line))
            if not name:
                continue  # not a name: the cleaner looks at the next byline line too
            done.add(article_id)
            agency = parse_byline(name).agency
            if agency:
                pending.append({"id": article_id, "agency": agency})
        if pending:
            bind.execute(update, pending)
            pending = []


def _backfill_date_source(bind) -> None:
    """``events.date_source`` of dated events, as the readers inferred it without the column."""
    if bind.dialect.name == "postgresql":
        day = "to_char(a.published AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    else:  # SQLite keeps UTC timestamps as ISO text
        day = "substr(a.published, 1, 10)"
    bind.execute(
        sa.text(f"""
        UPDATE events SET date_source = CASE
            WHEN date_precision = 'published' THEN 'published'
            WHEN EXISTS (SELECT 1 FROM time_expressions t WHERE t.article_id = events.article_id
                         AND t.sentence = events.sentence AND t.value = events.date) THEN 'text'
            WHEN events.date = (SELECT {day} FROM articles a WHERE a.id = events.article_id) THEN 'published'
            ELSE 'text' END
        WHERE date IS NOT NULL AND date_source IS NULL
    """)
    )
