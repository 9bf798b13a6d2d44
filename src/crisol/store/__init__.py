"""The store: SQLite by default, PostgreSQL by URL, one schema kept by Alembic migrations.

>>> store = open_store(":memory:")
>>> store.count_articles(), store.list_articles().total
(0, 0)

``open_store`` takes a plain path (``crisol.db``), an ``sqlite:///`` URL, ``:memory:``, or a
PostgreSQL URL (``postgresql://user:pass@host/db``, driven by psycopg 3). Opening applies any
pending migration; a database from a newer crisol is refused with a :class:`StoreError`.

A path or URL that names no crisol store is refused with :class:`~crisol.errors.NotAStore`
rather than turned into one: a file that is not SQLite, another application's database, and,
when the caller opens without ``create``, a missing file or an empty database.

>>> open_store(":memory:", create=False)
Traceback (most recent call last):
...
crisol.errors.NotAStore: sqlite://: no crisol store there (the database is empty)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from crisol.errors import NotAStore, StoreError
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

# The first bytes of every SQLite database file (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
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


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Refuse a path that names no store before SQLite creates a file there (or reads one)."""
    if not path.parent.is_dir():
        raise NotAStore(f"{path}: no crisol store there: the folder {path.parent} does not exist")
    if path.is_dir():
        raise NotAStore(f"{path}: a folder, not a crisol store")
    if not path.exists():
        if not create:
            raise NotAStore(f"{path}: no crisol store there (the file does not exist)", creatable=True)
        return
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise StoreError(f"{path}: cannot read the store: {e.strerror or e}") from e
    if head and head != SQLITE_HEADER:  # an empty file is an empty database to SQLite
        raise NotAStore(f"{path}: not a crisol store (the file is not an SQLite database)")


def _sqlite_engine(url: str, create: bool) -> Engine:
    in_memory = make_url(url).database in (None, "", ":memory:")
    if not in_memory:
        _check_sqlite_file(Path(make_url(url).database), create)
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


def _engine(url: str, create: bool) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, create)
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ImportError) as e:
        raise StoreError(f"{make_url(url).render_as_string(hide_password=True)}: {e}") from e


def open_store(url_or_path: str, create: bool = True) -> Database:
    """Open the store at a path or URL, upgrading its schema as needed.

    ``create``: make a new store where there is none yet (a missing file, an empty file or
    database); without it, that is refused with :class:`~crisol.errors.NotAStore`, so a
    mistyped path fails instead of showing an empty store.
    """
    url = database_url(url_or_path)
    where = make_url(url).render_as_string(hide_password=True)
    engine = _engine(url, create)
    try:
        upgrade(engine, where, create=create)
    except OperationalError as e:
        engine.dispose()
        raise StoreError(f"{where}: cannot open the store: {e.orig}") from e
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, where)
