"""End to end through the real readers and cleaner: ``crisol ingest``, ``articles``, ``article``,
``export``, on articles written for these tests (tests/fixtures/cli/)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.store import open_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cli"
NEWS = FIXTURES / "news"
BAD = FIXTURES / "bad"
N_NEWS = 6  # 3 text files (one a copy of another in copia/), 1 HTML page, 2 JSON Lines records


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def news(tmp_path) -> Path:
    """A private copy of the fixture articles (fingerprints include the path)."""
    return Path(shutil.copytree(NEWS, tmp_path / "news"))


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "cli.db")


def run(runner, db, *args, **kw):
    return runner.invoke(app, ["--db", db, *args], **kw)


def test_ingest_stores_every_article_and_prints_a_summary(runner, db, news):
    result = run(runner, db, "ingest", str(news), "--no-analyze")
    assert result.exit_code == 0, result.output
    for line in ("inputs", "articles read", "new", "duplicate", "copies", "rejected"):
        assert line in result.output
    with open_store(db) as store:
        assert store.count_articles() == N_NEWS
        assert len(store.list_inputs()) == 5
        summaries = store.list_articles(limit=100).items
        copies = [a for a in summaries if a.copy_of]
        # The file in copia/ has the same text as its original: stored, and linked to it.
        assert len(copies) == 1 and "copia" in copies[0].source
        original = store.get_article(copies[0].copy_of)
        assert original.source == str(news / "ayuntamiento.txt")
        assert {a.language for a in summaries} == {"es", "en"}


def test_ingesting_the_same_inputs_twice_adds_nothing(runner, db, news):
    assert run(runner, db, "ingest", str(news), "--no-analyze").exit_code == 0
    again = run(runner, db, "ingest", str(news), "--no-analyze")
    assert again.exit_code == 0
    with open_store(db) as store:
        assert store.count_articles() == N_NEWS
        counts = [store.get_run(run_id).counts for run_id in (1, 2)]
    assert counts[0]["new"] == N_NEWS
    assert (counts[1]["new"], counts[1]["inputs_skipped"]) == (0, 5)


def test_rejections_are_listed_recorded_and_exit_with_1(runner, db, tmp_path):
    bad = Path(shutil.copytree(BAD, tmp_path / "bad"))
    result = run(runner, db, "ingest", str(bad), str(tmp_path / "missing.txt"), "--no-analyze")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith(f"{bad / 'broken.jsonl'} (line 2): ") for line in lines), result.output
    assert any(line.startswith(f"{bad / 'blob.bin'}") for line in lines)
    assert any(line.startswith(str(tmp_path / "missing.txt")) for line in lines)
    with open_store(db) as store:
        assert store.count_articles() == 1  # the good record of broken.jsonl
        recorded = {r.source for r in store.list_rejections()}
    assert recorded == {str(bad / "broken.jsonl"), str(bad / "blob.bin"), str(tmp_path / "missing.txt")}


def test_usage_errors_exit_with_2(runner, db):
    assert run(runner, db, "ingest").exit_code == 2
    assert run(runner, db, "ingest", "x", "--batch-size", "0").exit_code == 2
    assert run(runner, db, "articles", "--since", "yesterday").exit_code == 2
    assert run(runner, db, "export", "--format", "xml").exit_code == 2


@pytest.fixture
def filled(runner, db, news) -> str:
    result = run(runner, db, "ingest", str(news), "--no-analyze")
    assert result.exit_code == 0, result.output
    return db


def test_articles_lists_and_filters(runner, filled):
    table = run(runner, filled, "articles")
    assert table.exit_code == 0 and f"of {N_NEWS}" in table.output
    rows = json.loads(run(runner, filled, "articles", "--format", "json", "--language", "en").output)
    assert len(rows) == 2 and {r["language"] for r in rows} == {"en"}
    assert set(rows[0]) >= {"id", "published", "outlet", "language", "title"}
    limited = json.loads(run(runner, filled, "articles", "--format", "json", "--limit", "2").output)
    assert len(limited) == 2


def test_article_shows_text_metadata_and_removed_lines(runner, filled):
    with open_store(filled) as store:
        html = next(a for a in store.iter_articles() if a.raw_format == "html")
    shown = run(runner, filled, "article", html.id[:8])
    assert shown.exit_code == 0, shown.output
    assert html.title in shown.output and "published" in shown.output
    assert f"removed ({len(html.removed)})" in shown.output
    as_json = json.loads(run(runner, filled, "article", html.id, "--format", "json").output)
    assert as_json["id"] == html.id and as_json["text"] == html.text
    assert {"id", "source", "outlet", "title", "published", "language", "text", "removed"} <= set(as_json)
    raw = run(runner, filled, "article", html.id, "--raw")
    assert raw.stdout_bytes == (NEWS / "pagina.html").read_bytes()


def test_html_article_lists_what_the_extractor_left_out_in_cli_api_and_web(runner, filled):
    from fastapi.testclient import TestClient

    from crisol.web import create_web_app

    with open_store(filled) as store:
        html = next(a for a in store.iter_articles() if a.raw_format == "html")
    menu = ("Portada · Sucesos · Deportes · Opinión", "outside main content (nav)")
    assert menu in [(r.text, r.reason) for r in html.removed]
    assert any(r.reason == "outside main content (footer)" and "Aviso legal" in r.text for r in html.removed)
    shown = run(runner, filled, "article", html.id).output
    assert "[outside main content (nav)] Portada · Sucesos" in " ".join(shown.split())
    as_json = json.loads(run(runner, filled, "article", html.id, "--format", "json").output)
    assert {"text": menu[0], "reason": menu[1], "line": None} in as_json["removed"]
    with TestClient(create_web_app(filled)) as client:
        page = client.get(f"/articles/{html.id}").text
    assert '<span class="tag">outside main content (nav)</span>' in page and menu[0] in page


def test_unknown_article_id_is_a_clear_error(runner, filled):
    result = run(runner, filled, "article", "zzzz")
    assert result.exit_code == 1
    assert "no article with id 'zzzz'" in result.output


def test_export_jsonl_has_the_public_fields(runner, filled, tmp_path):
    out = tmp_path / "all.jsonl"
    result = run(runner, filled, "export", "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == N_NEWS
    for row in rows:
        assert {"id", "source", "outlet", "title", "published", "language", "text", "removed"} <= set(row)
        assert all(set(r) >= {"text", "reason"} for r in row["removed"])
    dated = [r for r in rows if r["published"]]
    assert dated and all("T" in r["published"] for r in dated)  # ISO 8601


def test_export_csv_to_stdout(runner, filled):
    result = run(runner, filled, "export", "--format", "csv", "--language", "es")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 4 and {r["language"] for r in rows} == {"es"}
    assert all(r["text"] and r["id"] for r in rows)
    assert all(isinstance(json.loads(r["removed"]), list) for r in rows)


def test_store_is_chosen_by_db_option_or_crisol_db(runner, tmp_path, news):
    by_env = str(tmp_path / "env.db")
    result = runner.invoke(
        app, ["ingest", str(news / "harbour.txt"), "--no-analyze"], env={"CRISOL_DB": by_env}
    )
    assert result.exit_code == 0, result.output
    with open_store(by_env) as store:
        assert store.count_articles() == 1
    # --db wins over the environment.
    by_option = str(tmp_path / "opt.db")
    runner.invoke(
        app,
        ["--db", by_option, "ingest", str(news / "feed.jsonl"), "--no-analyze"],
        env={"CRISOL_DB": by_env},
    )
    with open_store(by_option) as a, open_store(by_env) as b:
        assert (a.count_articles(), b.count_articles()) == (2, 1)
    bad = runner.invoke(app, ["--db", "mysql://x/y", "articles"])
    assert bad.exit_code == 1 and "unsupported store URL scheme" in bad.output


def test_ingest_reads_stdin(runner, db):
    data = (NEWS / "feed.jsonl").read_bytes()
    result = run(runner, db, "ingest", "-", "--no-analyze", input=data)
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        sources = {a.source for a in store.list_articles().items}
        assert store.count_articles() == 2 and sources == {"-"}


@pytest.mark.slow
def test_ingest_with_analysis_stores_the_annotations(runner, db, news):
    from crisol.service.runner import find_annotator

    if find_annotator() is None:
        pytest.skip("crisol.annotate.annotate is not available yet")
    result = run(runner, db, "ingest", str(news / "pagina.html"))
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        (article,) = list(store.iter_articles())
    assert article.analysis and article.sentences
    assert all(article.text[s.start : s.end] == s.text for s in article.sentences)
    assert all(article.text[m.start : m.end] == m.text for m in article.mentions)


def test_an_ambiguous_id_prefix_is_a_clear_error(runner, db):
    from crisol.model import Article

    with open_store(db) as store:
        store.add_articles(
            [
                Article(id=i, source="x", raw=b"", raw_format="text", text=f"texto {i}")
                for i in ("abc1000000000000", "abc2000000000000")
            ]
        )
    result = run(runner, db, "article", "abc")
    assert result.exit_code == 1 and "matches several articles" in result.output
    assert run(runner, db, "article", "abc2").exit_code == 0
    assert run(runner, db, "export", "--what", "gossip").exit_code == 2
