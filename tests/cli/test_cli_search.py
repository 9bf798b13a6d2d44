"""``crisol search QUERY``: finds, filters, prints the API's shape, and reports bad filters.

The store is tests/fixtures/cli/search_articles.jsonl (two Spanish and two English articles
written for these tests) ingested by ``crisol ingest --no-analyze``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.read import InputFile, read_input
from crisol.service.runner import default_stages, prepare
from crisol.store import open_store
from crisol.store import search as fts

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "search_articles.jsonl"
PORT_ES = "El puerto de Almenara estrena una grúa eléctrica"
PORT_EN = "Northfield port switches on its first electric crane"
LIBRARY = "Library extends its opening hours for exam season"


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def ingest(db: str) -> None:
    result = run(db, "ingest", str(ARTICLES), "--no-analyze")
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("cli-search") / "store.db")
    ingest(path)
    return path


def hits(db: str, *args: str) -> list[dict]:
    result = run(db, "search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["data"]


def test_a_query_finds_the_article_and_the_table_shows_plain_text(db):
    found = hits(db, "grua electrica", "--kind", "article")  # no accents, another word form
    assert [h["title"] for h in found] == [PORT_ES]
    table = run(db, "search", "library hours")
    assert table.exit_code == 0, table.output
    assert LIBRARY.split()[0] in table.stdout and "2025-04-20" in table.stdout
    assert found[0]["ref"][:8] not in table.stdout  # only the library article matched
    # the snippet shows "hours & quieter" as text: no <mark>, no HTML entities
    assert "<mark>" not in table.stdout and "</" not in table.stdout and "&amp;" not in table.stdout
    assert "library" in table.stdout.lower() and "article" in table.stdout


def test_json_is_what_the_api_answers(db):
    from crisol.api import create_app

    with TestClient(create_app(db, analyze=False), base_url="http://testserver/api") as api:
        for query, params in [
            ("puerto OR port", {}),
            ("crane", {"language": "en", "since": "2025-06-01"}),
            ("puerto OR library", {"kind": "article", "limit": 2, "offset": 1}),
        ]:
            args = [query, "--format", "json"]
            for key, value in params.items():
                args += [f"--{key}", str(value)]
            result = run(db, "search", *args)
            assert result.exit_code == 0, result.output
            answer = api.get("/search", params={"q": query, "limit": 20, **params})
            assert answer.status_code == 200, answer.text
            assert json.loads(result.stdout) == answer.json(), query
    got = json.loads(run(db, "search", "puerto OR port", "--format", "json").stdout)
    assert {PORT_ES, PORT_EN} <= {h["title"] for h in got["data"]} and got["count"] == len(got["data"])


def test_language_since_until_and_outlet_filter(db):
    both = {h["title"] for h in hits(db, "puerto OR port")}
    assert {PORT_ES, PORT_EN} <= both
    assert [h["title"] for h in hits(db, "puerto OR port", "--language", "en")] == [PORT_EN]
    assert [h["title"] for h in hits(db, "puerto OR port", "--language", "es")] == [PORT_ES]
    assert [h["title"] for h in hits(db, "puerto OR port", "--since", "2025-06-01")] == [PORT_EN]
    assert [h["title"] for h in hits(db, "puerto OR port", "--until", "2025-05-12")] == [
        PORT_ES
    ]  # the whole day
    outlet = hits(db, "puerto OR port", "--outlet", "GACETA-ALMENARA.EXAMPLE")
    assert [h["title"] for h in outlet] == [PORT_ES]


@pytest.mark.parametrize(
    "args, option",
    [
        (["--since", "ayer"], "--since"),
        (["--until", "2025-13-01"], "--until"),
        (["--kind", "event"], "--kind"),
    ],
)
def test_bad_filters_exit_2_naming_the_option(db, args, option):
    result = run(db, "search", "port", *args)
    assert result.exit_code == 2
    assert option in result.output and "Traceback" not in result.output


def test_no_match_says_so_on_stderr_and_exits_0(db):
    result = run(db, "search", "zanahoria")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "no match for 'zanahoria'"
    as_json = run(db, "search", "zanahoria", "--format", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["data"] == []


def test_articles_stored_without_the_index_are_found(tmp_path):
    """Articles stored by another path than the pipeline (not indexed) are indexed first."""
    db = str(tmp_path / "store.db")
    ingest(db)
    record = {
        "title": "Ferry timetable changes for the winter",
        "language": "en",
        "maintext": "The island ferry will sail twice a day from November, the operator said. "
        "Residents asked for an earlier morning crossing to reach the mainland hospital.",
        "date_publish": "2025-10-01 08:00:00",
        "source_domain": "www.northfield-courier.example",
    }
    data = (json.dumps(record) + "\n").encode()
    stages = default_stages(analyze=False)
    with open_store(db) as store:
        store.add_articles(
            [prepare(r, stages) for r in read_input(InputFile("ferry.jsonl", None, data, len(data)))]
        )
        assert fts.missing_article_ids(store), "the new article is not indexed yet"
    assert [h["title"] for h in hits(db, "ferry")] == [record["title"]]
    with open_store(db) as store:
        assert not fts.missing_article_ids(store)


def test_a_query_past_the_limits_exits_2_naming_it(tmp_path):
    from crisol.cli import app

    r = CliRunner().invoke(
        app, ["--db", str(tmp_path / "e.db"), "search", " ".join(f"w{k}" for k in range(40))]
    )
    assert r.exit_code == 2 and "QUERY" in r.output
