"""The store: SQLite by default, PostgreSQL by URL, one schema kept by Alembic migrations.

>>> store = open_store(":memory:")
>>> store.count_articles(), store.list_articles().total
(0, 0)

``open_store`` takes a plain path (``crisol.db``), an ``sqlite:///`` URL, ``:memory:``, or a
PostgreSQL URL (``postgresql://user:pass@host/db``, driven by psycopg 3). Opening applies any
pending migration; a database from a newer crisol is refused with a :class:`StoreError`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from crisol.errors import StoreError
from crisol.store.database import Database
from crisol.store.migrate import upgrade
from crisol.store.store import (
    Added,
    AmbiguousId,
    ArticlePage,
    ArticleSummary,
    InputRecord,
    RunInfo,
    Store,
)

__all__ = [
    "Database",
    "Added",
    "AmbiguousId",
    "ArticlePage",
    "ArticleSummary",
    "InputRecord",
    "RunInfo",
    "Store",
    "open_store",
    "database_url",
]

# How long an SQLite writer waits for another one before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(url_or_path: str) -> str:
    """The SQLAlchemy URL for what a user typed.

    >>> database_url("postgresql://u@h/db")
    'postgresql+psycopg://u@h/db'
    >>> database_url("sqlite:///x.db")
    'sqlite:///x.db'
    """
    text = url_or_path.strip()
    if not text:
        raise StoreError("no store given: pass --db PATH or a postgresql:// URL (or set CRISOL_DB)")
    if text == ":memory:":
        return "sqlite://"
    if "://" not in text:
        return "sqlite:///" + str(Path(text).expanduser().resolve())
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return "postgresql+psycopg://" + rest
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return text
    raise StoreError(
        f"{url_or_path}: unsupported store URL scheme {scheme!r}; "
        "use a file path, sqlite:///PATH or postgresql://USER@HOST/DB"
    )


def _sqlite_engine(url: str) -> Engine:
    in_memory = make_url(url).database in (None, "", ":memory:")
    if not in_memory:
        path = Path(make_url(url).database)
        if not path.parent.is_dir():
            raise StoreError(f"{path}: cannot create the store, folder {path.parent} does not exist")
    engine = create_engine(
        url,
        # One shared connection for an in-memory database, or every connection sees an empty one.
        poolclass=StaticPool if in_memory else None,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy (not the driver) decide when transactions begin: see _on_begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL survives a killed process (not a power cut) and is much faster.
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("crisol_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as e:
        raise StoreError(f"{make_url(url).render_as_string(hide_password=True)}: {e}") from e


def open_store(url_or_path: str) -> Database:
    """Open (creating or upgrading as needed) the store at a path or URL."""
    url = database_url(url_or_path)
    where = make_url(url).render_as_string(hide_password=True)
    engine = _engine(url)
    try:
        upgrade(engine, where)
    except OperationalError as e:
        engine.dispose()
        raise StoreError(f"{where}: cannot open the store: {e.orig}") from e
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, where)
