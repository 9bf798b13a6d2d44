"""Fixtures shared by every test package.

Stores run on SQLite; set CRISOL_TEST_PG_URL=postgresql://... (a throwaway database: it is emptied
for every test) to run the tests that take ``db_url`` or ``examples_url`` on PostgreSQL too, as
``.ci/run`` does.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crisol.bench._common import shared_dir
from crisol.store.testing import BACKENDS, PG_URL, reset_postgres

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared (seeds and evaluation data); tests that need it skip when it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared is not present")
    return path


@pytest.fixture(scope="session")
def cross_sources():
    """tests/fixtures/events/cross_sources.py: hand-written articles reporting events across
    sources, as Articles (``article``, ``load``) and as a store (``build_store(url)``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "crisol_test_cross_sources", FIXTURES / "events" / "cross_sources.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- stores ------------------------------------------------------------------------------------


def empty_store_url(engine: str, sqlite_path: Path) -> str:
    """An empty store on ``engine``: a new SQLite file at ``sqlite_path``, or the PostgreSQL test
    database with everything in it dropped."""
    if engine == "postgresql":
        reset_postgres(PG_URL)
        return PG_URL
    return str(sqlite_path)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """An empty store for one test, on each engine."""
    return empty_store_url(request.param, tmp_path / "store.db")


@pytest.fixture(scope="session")
def new_store_url():
    """``empty_store_url(engine, sqlite_path)``, for wider-scoped fixtures that cannot take ``db_url``
    (importlib mode cannot import this conftest by name)."""
    return empty_store_url


def _ingest_examples(url: str) -> None:
    from crisol.service.runner import ingest
    from crisol.store import open_store

    with open_store(url) as store:
        report = ingest([str(EXAMPLES)], store)
    assert report.new > 0 and not report.rejected and report.linked, report


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory) -> Path:
    """examples/ ingested (read, cleaned, annotated, linked, indexed) into SQLite once per session.

    Shared by every test that takes it or ``examples_url``: read it only. A test that writes (serving
    a story's view stores it, too) takes ``examples_copy``."""
    path = tmp_path_factory.mktemp("examples") / "examples.db"
    _ingest_examples(str(path))
    return path


@pytest.fixture(scope="session", params=BACKENDS)
def examples_url(request) -> str:
    """The examples store (see ``examples_db``) on each engine, ingested once per engine; read it only.

    On PostgreSQL it is a database of its own beside CRISOL_TEST_PG_URL's, which ``db_url`` empties."""
    if request.param == "sqlite":
        yield str(request.getfixturevalue("examples_db"))
        return
    url = _create_pg_database("examples")
    _ingest_examples(url)
    yield url
    _drop_pg_database(url)


@pytest.fixture
def examples_copy(examples_db, tmp_path) -> Path:
    """A copy of the SQLite examples store that the test may write to."""
    copy = tmp_path / "examples.db"
    shutil.copyfile(examples_db, copy)  # whole: closed after its ingest (checkpointed), only read since
    return copy


def _pg_admin():
    from sqlalchemy import create_engine

    from crisol.store import database_url

    return create_engine(database_url(PG_URL), isolation_level="AUTOCOMMIT")


def _create_pg_database(suffix: str) -> str:
    """A new, empty database named after CRISOL_TEST_PG_URL's plus ``_suffix``, on its server; its URL."""
    from sqlalchemy import text

    parts = urlsplit(PG_URL)
    name = parts.path.lstrip("/") + "_" + suffix
    engine = _pg_admin()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parts._replace(path="/" + name).geturl()


def _drop_pg_database(url: str) -> None:
    from sqlalchemy import text

    engine = _pg_admin()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)'))
    engine.dispose()
