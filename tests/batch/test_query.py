"""``crisol query``: read-only DuckDB SQL over an archive's views, the documented recipes, the
output formats and the errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app

duckdb = pytest.importorskip(
    "duckdb", reason="DuckDB comes with the batch extra: pip install 'crisol[batch]'"
)

from crisol.batch.query import RECIPES, QueryError, connect, query  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs" / "batch.md"


def _all(archive, sql: str) -> list[dict]:
    with connect(archive) as con:
        result = query(con, sql)
        return [dict(zip(result.columns, row)) for row in result.rows]


def test_the_views_hold_every_article_and_annotation(local_archive, expected):
    assert _all(local_archive, "SELECT count(*) AS n FROM articles") == [{"n": expected.articles}]
    counts = _all(
        local_archive,
        "SELECT sum(len(mentions)) AS m, sum(len(quotes)) AS q, sum(len(events)) AS e FROM articles",
    )[0]
    for view, key in (("mentions", "m"), ("quotes", "q"), ("events", "e")):
        assert _all(local_archive, f"SELECT count(*) AS n FROM {view}") == [{"n": counts[key]}]
    assert counts["m"] > 0
    mention = _all(local_archive, "SELECT * FROM mentions LIMIT 1")[0]
    assert {"article_id", "outlet", "published", "language", "text", "label", "entity_id"} <= set(mention)
    partitions = _all(local_archive, "SELECT DISTINCT language FROM articles ORDER BY language")
    assert [r["language"] for r in partitions] == ["en", "es"]
    rejected = _all(local_archive, "SELECT count(*) AS n FROM rejections")[0]["n"]
    assert rejected == expected.files * expected.rejected_per_file


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_each_recipe_runs_and_is_documented(local_archive, name):
    rows = _all(local_archive, RECIPES[name])
    assert rows, name
    assert RECIPES[name] in DOCS.read_text(encoding="utf-8"), f"docs/batch.md does not show {name} as it runs"


def test_events_by_type_counts_the_events_view(local_archive):
    rows = _all(local_archive, RECIPES["events-by-type"])
    assert sum(r["events"] for r in rows) == _all(local_archive, "SELECT count(*) AS n FROM events")[0]["n"]


@pytest.mark.parametrize(
    "sql, says",
    [
        ("SELEC id FROM articles", "syntax error"),
        ("SELECT nope FROM articles", "nope"),
        ("COPY (SELECT 1) TO 'out.csv'", "only reads run here"),
        ("CREATE TABLE t AS SELECT 1", "only reads run here"),
        ("SELECT 1; SELECT 2", "one SQL statement"),
        ("SELECT * FROM read_csv('/etc/hostname')", "Permission"),
    ],
)
def test_bad_sql_and_writes_are_refused_clearly(local_archive, sql, says):
    with connect(local_archive) as con, pytest.raises(QueryError, match=says):
        list(query(con, sql).rows)


def test_a_folder_without_articles_is_a_clear_error(tmp_path):
    with pytest.raises(QueryError, match="no articles there"):
        with connect(tmp_path):
            pass


def _invoke(*args: str):
    return CliRunner().invoke(app, ["query", *args], env={"COLUMNS": "300"})


def test_the_command_writes_a_table_csv_or_json_lines(local_archive, expected):
    sql = (
        "SELECT language, count(*) AS n, min(published) AS first FROM articles GROUP BY ALL ORDER BY language"
    )
    table = _invoke(sql, "--archive", str(local_archive))
    assert table.exit_code == 0, table.output
    assert "language" in table.stdout and "es" in table.stdout
    rows = list(csv.DictReader(io.StringIO(_invoke(sql, "-a", str(local_archive), "--format", "csv").stdout)))
    assert [r["language"] for r in rows] == ["en", "es"] and sum(
        int(r["n"]) for r in rows
    ) == expected.articles
    lines = _invoke(sql, "-a", str(local_archive), "--format", "jsonl").stdout.splitlines()
    first = json.loads(lines[0])
    assert first["language"] == "en" and first["first"].endswith("+00:00")  # times in ISO 8601, UTC


def test_the_command_says_what_is_wrong(local_archive, tmp_path):
    bad = _invoke("SELECT nope FROM articles", "-a", str(local_archive))
    assert bad.exit_code == 2 and "error:" in bad.output and "nope" in bad.output
    assert _invoke("--recipe", "nope", "-a", str(local_archive)).exit_code == 2
    assert _invoke("-a", str(local_archive)).exit_code == 2  # neither SQL nor a recipe
    assert _invoke("SELECT 1", "-a", str(tmp_path / "nowhere")).exit_code == 1
    shown = _invoke("SELECT * FROM mentions", "-a", str(local_archive), "--max-rows", "1")
    assert shown.exit_code == 0 and "more rows not shown" in shown.output
