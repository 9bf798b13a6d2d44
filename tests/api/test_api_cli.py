"""``crisol api get|post`` call the API in-process; ``crisol serve`` builds the same app."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crisol.cli import app


def test_api_get_prints_json_and_fails_on_problems(filled):
    runner = CliRunner()
    ok = runner.invoke(app, ["--db", filled, "api", "get", "/articles?language=en&limit=1"])
    assert ok.exit_code == 0, ok.output
    body = json.loads(ok.stdout)
    assert body["count"] == 2 and len(body["data"]) == 1
    missing = runner.invoke(app, ["--db", filled, "api", "get", "stories/none"])
    assert missing.exit_code == 1
    assert json.loads(missing.stdout)["status"] == 404


def test_api_post_ingests_a_file(tmp_path, articles_path):
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    r = runner.invoke(app, ["--db", db, "api", "post", "/articles", str(articles_path), "--no-analyze"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["new"] == 5


def test_serve_app_has_the_api_routes(tmp_path):
    from crisol.cli.serve import build_app

    paths = build_app(str(tmp_path / "s.db"), analyze=False).openapi()["paths"]
    assert {"/api/articles", "/api/search", "/api/events", "/api/stories/{id}"} <= set(paths)
