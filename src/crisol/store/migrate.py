"""Bring a database to the schema this version of crisol expects (Alembic ``upgrade head``).

Called by :func:`crisol.store.open_store` on every open: a new database gets every table, an
older one its missing migrations, and one written by a newer crisol (an unknown revision) is
refused with a clear :class:`StoreError` instead of being misread.

Alembic is imported only when there is something to migrate: an up-to-date database is
recognised with one query, so every command starts faster.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from crisol.errors import NotAStore, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.M)


@lru_cache(maxsize=1)
def scripted_head() -> str:
    """The newest revision, read from the scripts' ``revision``/``down_revision`` lines.

    Cheaper than loading Alembic's script directory on every open; a test checks it agrees.
    """
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise StoreError(f"{MIGRATIONS}: expected one head revision, found {sorted(heads)}")
    return heads.pop()


def alembic_config():
    from alembic.config import Config  # lazy: Alembic costs ~0.4 s, which --help does not need

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision in the migration scripts."""
    from alembic.script import ScriptDirectory  # lazy: as above

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision_in(conn)


def _revision_in(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory  # lazy: as above
    from alembic.util.exc import CommandError  # lazy: as above

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def check_new(engine: Engine, where: str, create: bool) -> None:
    """A database without crisol's version table: refused (:class:`NotAStore`) when it holds
    other tables (another application's), or when it is empty and ``create`` is false."""
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        if tables and _revision_in(conn) is not None:
            return  # another process has just created the store
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise NotAStore(f"{where}: not a crisol store: it holds other tables ({shown}) but none of crisol's")
    if not create:
        raise NotAStore(f"{where}: no crisol store there (the database is empty)", creatable=True)


def upgrade(engine: Engine, where: str, create: bool = True) -> None:
    """Apply pending migrations; ``where`` names the database in error messages. A database
    that is not a crisol store yet becomes one only when it is empty and ``create`` is true."""
    head = scripted_head()
    current = current_revision(engine)
    if current == head:
        return
    if current is None:
        check_new(engine, where, create)
    if current is not None and not _known(current):
        raise StoreError(
            f"{where}: the database schema is at revision {current!r}, which this version of "
            f"crisol does not know (newest known: {head!r}). "
            "It was written by a newer crisol: upgrade crisol to open it."
        )
    from alembic import command  # lazy: as above

    config = alembic_config()
    # Two processes opening a new database at once: the write lock (SQLite's BEGIN IMMEDIATE,
    # a PostgreSQL advisory lock) makes the second wait, then find the schema already there.
    with engine.connect().execution_options(crisol_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7460937)"))
        if _revision_in(conn) == head:
            return
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
