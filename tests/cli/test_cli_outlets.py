"""``crisol outlets`` and ``crisol collections``, and ``--collection`` on articles, search,
stories and export. The store is tests/fixtures/cli/search_articles.jsonl: two outlets known
only by their URLs' hosts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "search_articles.jsonl"
GACETA, COURIER = "gaceta-almenara.example", "northfield-courier.example"


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def as_json(db: str, *args: str):
    result = run(db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("cli-outlets") / "store.db")
    assert run(path, "ingest", str(ARTICLES), "--no-analyze").exit_code == 0
    made = run(path, "collections", "create", "Almenara", "--kind", "geographic", "--outlet", GACETA)
    assert made.exit_code == 0, made.output
    return path


def test_outlets_list_show_and_set(db):
    listed = {o["name"]: o for o in as_json(db, "outlets", "list")}
    assert sorted(listed) == [GACETA, COURIER]
    assert listed[GACETA]["domains"] == [GACETA] and listed[GACETA]["collections"] == ["Almenara"]
    got = run(db, "outlets", "set", GACETA, "--country", "esp", "--type", "newspaper", "--owner", "Gaceta SL")
    assert got.exit_code == 0, got.output
    shown = as_json(db, "outlets", "show", "https://www.gaceta-almenara.example/")
    assert (shown["country"], shown["media_type"], shown["owner"]) == ("ESP", "newspaper", "Gaceta SL")
    assert as_json(db, "outlets", "list", "--country", "ESP") == [shown]
    bad = run(db, "outlets", "set", GACETA, "--type", "tabloid")
    assert bad.exit_code == 2 and "media_type must be one of" in bad.output
    assert run(db, "outlets", "show", "nobody.example").exit_code == 1


def test_collection_filters_every_listing_and_export(db, tmp_path):
    articles = as_json(db, "articles", "--collection", "almenara")
    assert len(articles) == 2 and {a["outlet"] for a in articles} == {GACETA}
    hits = as_json(db, "search", "port OR puerto", "--collection", "Almenara")["data"]
    assert hits and {h["outlet"] for h in hits} == {GACETA}
    out = tmp_path / "a.jsonl"
    assert run(db, "export", "--collection", "Almenara", "-o", str(out)).exit_code == 0
    assert len(out.read_text().splitlines()) == 2
    unknown = run(db, "articles", "--collection", "Nowhere")
    assert unknown.exit_code == 2 and "collection 'Nowhere' does not exist" in unknown.output


def test_collections_add_remove_list(db):
    assert run(db, "collections", "create", "Mine").exit_code == 0
    assert run(db, "collections", "create", "mine").exit_code == 2  # the name is taken, any case
    assert run(db, "collections", "add", "Mine", COURIER, GACETA).exit_code == 0
    assert [o["name"] for o in as_json(db, "collections", "show", "Mine")["outlets"]] == [GACETA, COURIER]
    assert run(db, "collections", "remove", "Mine", GACETA).exit_code == 0
    listed = {c["name"]: c["outlets"] for c in as_json(db, "collections", "list")}
    assert listed == {"Almenara": 1, "Mine": 1}
    assert run(db, "collections", "delete", "Mine").exit_code == 0
    assert run(db, "collections", "show", "Mine").exit_code == 1
