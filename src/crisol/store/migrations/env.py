"""Alembic environment for crisol's store.

Run by :func:`crisol.store.migrate.upgrade`, which hands over an open connection through
``config.attributes["connection"]`` (there is no alembic.ini: the store URL comes from the
caller). Works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from crisol.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs `alembic` by hand
    raise RuntimeError("crisol migrations run through crisol.store.open_store(), not alembic's CLI")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
