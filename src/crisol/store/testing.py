"""Helpers for tests that run on both engines: SQLite always, PostgreSQL when
``CRISOL_TEST_PG_URL`` names a throwaway database (as ``.ci/run`` sets up)."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from crisol.store import database_url

PG_URL = os.environ.get("CRISOL_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def reset_postgres(url: str) -> None:
    """Empty a test database: drop and recreate its public schema (migrations rebuild it)."""

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
