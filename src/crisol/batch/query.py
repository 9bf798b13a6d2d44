"""SQL over a Parquet archive, or a store's Parquet export, with DuckDB (``crisol query``).

Views, whatever the source:

- ``articles``: one row per article, every column of
  :data:`~crisol.batch.schema.ARTICLE_SCHEMA` (``date`` and ``language`` from the archive's
  folder names, or from the export's columns);
- ``mentions``, ``quotes``, ``events``: one row per annotation (the struct's fields as columns),
  after the article's ``article_id``, ``outlet``, ``published`` and ``language``;
- ``rejections``: what the batch runs could not read, with the reason (empty for an export).

Queries are read-only: only ``SELECT`` (with ``WITH``, ``DESCRIBE``, ``SUMMARIZE``, ``SHOW``) and
``EXPLAIN`` run, and DuckDB may open no file but the archive's (its external access is off, its
configuration locked), so no query writes anywhere or reads outside the archive.

>>> sorted(RECIPES)
['articles-per-outlet', 'events-by-type', 'top-entities-per-week']
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from crisol.errors import CrisolError

VIEWS = ("articles", "mentions", "quotes", "events", "rejections")
# The article's columns before each annotation's own in the unnested views.
_ARTICLE = "a.id AS article_id, a.outlet, a.published, a.language"
FETCH = 1000  # rows fetched at a time

# Documented in docs/batch.md (a test keeps the two the same).
RECIPES = {
    "top-entities-per-week": """\
WITH counted AS (
  SELECT date_trunc('week', published)::DATE AS week, label,
         coalesce(entity_id, canonical, text) AS entity,
         count(DISTINCT article_id) AS articles, count(*) AS mentions
  FROM mentions
  WHERE label IN ('PER', 'ORG', 'LOC') AND published IS NOT NULL
  GROUP BY ALL
)
SELECT * FROM counted
QUALIFY row_number() OVER (PARTITION BY week ORDER BY articles DESC, mentions DESC, entity) <= 10
ORDER BY week, articles DESC, mentions DESC, entity""",
    "articles-per-outlet": """\
SELECT coalesce(outlet, '(unknown)') AS outlet, language, count(*) AS articles,
       min(published) AS first, max(published) AS last
FROM articles
GROUP BY ALL
ORDER BY articles DESC, outlet, language""",
    "events-by-type": """\
SELECT type, count(*) AS events, count(DISTINCT article_id) AS articles,
       count(*) FILTER (WHERE certainty = 'asserted') AS asserted,
       mode(source.country) AS top_source_country
FROM events
GROUP BY type
ORDER BY events DESC, type""",
}


class QueryError(CrisolError):
    """A query that could not run: bad SQL, a statement that is not a read, no archive."""


@dataclass
class Result:
    columns: list[str]
    rows: Iterator[tuple[Any, ...]]  # fetched as they are read


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _articles_source(path: Path) -> str:
    """The ``read_parquet`` call for the articles of an archive folder or an export file."""
    if path.is_file():
        return f"read_parquet({_quoted(path)})"
    if not any(path.glob("date=*/language=*/*.parquet")):
        raise QueryError(f"{path}: no articles there (neither a crisol batch archive nor a Parquet export)")
    files = _quoted(path / "date=*" / "language=*" / "*.parquet")
    return f"read_parquet({files}, hive_partitioning = true, hive_types = {{'date': VARCHAR, 'language': VARCHAR}})"


def _rejections_source(path: Path) -> str:
    if path.is_dir() and any((path / "_rejections").glob("*.parquet")):
        return f"SELECT * FROM read_parquet({_quoted(path / '_rejections' / '*.parquet')})"
    return (
        "SELECT NULL::VARCHAR AS input, NULL::VARCHAR AS source, NULL::VARCHAR AS location, "
        "NULL::VARCHAR AS reason WHERE false"
    )


@contextmanager
def connect(archive: str | Path) -> Iterator[Any]:
    """A DuckDB connection with the views over ``archive`` (a folder or an export file), which
    can read nothing else and change nothing."""
    try:
        import duckdb
    except ImportError as e:
        from crisol.batch import EXTRA_HINT

        raise QueryError(f"crisol query needs DuckDB ({e}): {EXTRA_HINT}") from None
    path = Path(archive).resolve()
    if not path.exists():
        raise QueryError(f"{archive}: no such archive folder or Parquet file")
    with tempfile.TemporaryDirectory(prefix="crisol-query-") as spill:
        con = duckdb.connect(config={"temp_directory": spill})
        try:
            con.execute(f"CREATE VIEW articles AS SELECT * FROM {_articles_source(path)}")
            for view, column in (("mentions", "m"), ("quotes", "q"), ("events", "e")):
                con.execute(
                    f"CREATE VIEW {view} AS SELECT {_ARTICLE}, {column}.* "
                    f"FROM articles a, UNNEST(a.{view}) AS t({column})"
                )
            con.execute(f"CREATE VIEW rejections AS {_rejections_source(path)}")
            con.execute("SET TimeZone = 'UTC'")
            folders = [Path(spill)] + ([] if path.is_file() else [path])  # spilling big sorts: allowed
            con.execute(f"SET allowed_directories = [{', '.join(_quoted(f) for f in folders)}]")
            if path.is_file():
                con.execute(f"SET allowed_paths = [{_quoted(path)}]")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            yield con
        except duckdb.Error as e:
            raise QueryError(f"{archive}: cannot read it: {e}") from None
        finally:
            con.close()


_READS = {"SELECT", "EXPLAIN"}


def query(con: Any, sql: str) -> Result:
    """Run one read (a ``SELECT`` or an ``EXPLAIN``) on a :func:`connect` connection."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(str(e)) from None
    if len(statements) != 1:
        raise QueryError(f"give one SQL statement; got {len(statements)}")
    kind = statements[0].type.name
    if kind not in _READS:
        raise QueryError(f"only reads run here (SELECT, EXPLAIN); got a {kind} statement")
    try:
        cursor = con.execute(sql)
    except duckdb.Error as e:
        raise QueryError(str(e)) from None
    return Result([d[0] for d in cursor.description], _fetched(cursor))


def _fetched(cursor: Any) -> Iterator[tuple[Any, ...]]:
    import duckdb

    while True:
        try:
            rows = cursor.fetchmany(FETCH)
        except duckdb.Error as e:
            raise QueryError(str(e)) from None
        if not rows:
            return
        yield from rows
