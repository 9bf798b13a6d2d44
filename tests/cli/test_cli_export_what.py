"""``crisol export --what entities|quotes|events``: JSON Lines and CSV with the public shapes.

Reads the store built from tests/fixtures/cli/annotated/ (ingested and linked once per session,
shared with the other CLI test files).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.service.exports import EVENT_CSV_COLUMNS
from crisol.store import open_store


@pytest.fixture(scope="module")
def db(annotated_db: str) -> str:
    return annotated_db


def export(db: str, what: str, fmt: str = "jsonl", *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", db, "export", "--what", what, "--format", fmt, *args])
    assert result.exit_code == 0, result.output
    assert "exported" in result.stderr and what in result.stderr
    return result.stdout


def jsonl(db: str, what: str, *args: str) -> list[dict]:
    return [json.loads(line) for line in export(db, what, "jsonl", *args).splitlines()]


def test_entities_export_has_names_types_and_counted_aliases(db):
    rows = jsonl(db, "entities")
    assert rows
    for r in rows:
        assert {"id", "name", "type", "aliases", "country", "role"} <= set(r)
        assert r["type"] in {"PER", "ORG", "LOC", "MISC"}
        assert r["aliases"] and all(set(a) == {"text", "count"} for a in r["aliases"])
    names = {r["name"] for r in rows}
    assert any("Wang Yi" == n for n in names)
    table = list(csv.DictReader(io.StringIO(export(db, "entities", "csv"))))
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    assert json.loads(table[0]["aliases"]) == rows[0]["aliases"]


def test_quotes_export_names_speaker_cue_kind_channel_and_article(db):
    rows = jsonl(db, "quotes")
    assert rows
    with open_store(db) as store:
        ids = {a.id for a in store.list_articles().items}
    for q in rows:
        assert {"speaker", "cue", "text", "kind", "via", "article"} <= set(q)
        assert {"name", "entity_id"} <= set(q["speaker"])
        assert q["kind"] in {"direct", "indirect", "stance"} and q["text"]
        assert q["article"] in ids
    # "dijo Kim, según recogió la agencia ...": a direct quote by a registry person, with a channel.
    relayed = [q for q in rows if q["kind"] == "direct" and q["via"] and q["speaker"]["entity_id"]]
    assert relayed and any("amistad" in q["text"] for q in relayed)
    table = list(csv.DictReader(io.StringIO(export(db, "quotes", "csv"))))
    assert len(table) == len(rows)
    assert {"speaker_name", "speaker_entity", "cue", "kind", "via", "text", "article"} <= set(table[0])
    assert [r["speaker_entity"] for r in table] == [q["speaker"]["entity_id"] or "" for q in rows]


def test_quotes_and_events_exports_follow_the_article_filters(db):
    english = jsonl(db, "quotes", "--language", "en")
    assert english and all(q["outlet"] == "news.example.org" for q in english)
    assert len(english) < len(jsonl(db, "quotes"))
    # --since/--until choose articles by publication date (the English one is the only dated one).
    dated = jsonl(db, "events", "--since", "2025-09-13", "--until", "2025-09-13")
    assert dated and {e["article"] for e in dated} == {english[0]["article"]}
    assert jsonl(db, "events", "--since", "2025-09-14") == []
    assert jsonl(db, "quotes", "--outlet", "news.example.org") == english


def test_events_export_matches_the_events_command(db, tmp_path):
    rows = jsonl(db, "events")
    assert rows
    for e in rows:
        assert {
            "type",
            "mode",
            "source",
            "target",
            "location",
            "date",
            "certainty",
            "sentence",
            "article",
        } <= set(e)
        for role in ("source", "target"):
            assert e[role] is None or {"name", "country", "sector"} <= set(e[role])
    listed = json.loads(
        CliRunner().invoke(app, ["--db", db, "events", "--per-article", "--format", "json"]).stdout
    )
    assert rows == listed
    out = tmp_path / "events.csv"
    export(db, "events", "csv", "--output", str(out))
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(table[0]) == EVENT_CSV_COLUMNS and len(table) == len(rows)
    assert [r["source_name"] for r in table] == [(e["source"] or {}).get("name") or "" for e in rows]


def test_articles_remain_the_default_export(db):
    result = CliRunner().invoke(app, ["--db", db, "export"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all("text" in r for r in rows)
    assert CliRunner().invoke(app, ["--db", db, "export", "--what", "stories-nope"]).exit_code == 2
