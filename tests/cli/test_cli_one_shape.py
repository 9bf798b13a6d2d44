"""One shape per object: ``crisol ... --format json`` prints exactly what the REST API answers.

Reads the store built from tests/fixtures/cli/annotated/ (ingested, analysed and linked once per
session) through the commands and through the API over the same store, and compares.
"""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from crisol.cli import app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def db(annotated_db: str) -> str:
    return annotated_db


@pytest.fixture(scope="module")
def api(db):
    from crisol.api import create_app

    with TestClient(create_app(db, analyze=False), base_url="http://testserver/api") as client:
        yield client


def cli_json(db: str, *args: str):
    result = CliRunner().invoke(app, ["--db", db, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def api_json(api, path: str, **params):
    r = api.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_articles_listing_and_one_article_are_the_same_on_both_sides(db, api):
    listed = cli_json(db, "articles", "--limit", "100")
    assert listed == api_json(api, "/articles", limit=100)["data"]
    assert listed and all(a["story"] for a in listed), "linked articles name their story"
    one = cli_json(db, "article", listed[0]["id"])
    assert one == api_json(api, f"/articles/{listed[0]['id']}")
    assert {k: one[k] for k in listed[0]} == listed[0]  # the article in full extends its summary
    assert one["quotes"] or one["events"]
    for q in one["quotes"]:
        assert q["article"] == one["id"] and {"name", "text", "entity_id"} == set(q["speaker"])


def test_stories_have_the_issue_shapes_and_match_the_api(db, api):
    stories = cli_json(db, "stories")
    assert stories and all({"id", "title", "articles"} <= set(s) for s in stories)
    assert all(isinstance(a, str) for s in stories for a in s["articles"])
    assert stories == api_json(api, "/stories")["data"]
    people = cli_json(db, "entities", "--type", "PER")
    kim = next(e for e in people if "Kim Jong Un" in {a["text"] for a in e["aliases"]})
    naming = cli_json(db, "stories", "--entity", "kim jong-un")  # any spelling, as `crisol entity`
    assert naming and naming == api_json(api, "/stories", entity=kim["id"])["data"]
    for language in ("es", "en"):
        assert (
            cli_json(db, "stories", "--language", language)
            == api_json(api, "/stories", language=language)["data"]
        )
    assert cli_json(db, "stories", "--since", "2100-01-01") == []
    biggest = max(stories, key=lambda s: len(s["articles"]))
    story = cli_json(db, "story", biggest["id"])
    for key in (
        "id",
        "title",
        "articles",
        "summary",
        "relations",
        "timeline",
        "quotes",
        "events",
        "differences",
    ):
        assert key in story, key
    assert story["articles"] == biggest["articles"] and story["outlets"] == biggest["outlets"]
    assert all(
        {"text", "citations"} <= set(line) and set(line["citations"]) <= set(story["articles"])
        for line in story["summary"]
    )
    assert all({"a", "b", "kind", "score"} <= set(r) for r in story["relations"])
    assert api_json(api, f"/stories/{biggest['id']}") == story


def test_entities_and_one_entity_are_the_same_on_both_sides(db, api):
    listed = cli_json(db, "entities", "--limit", "500")
    assert listed == api_json(api, "/entities", limit=500)["data"]
    top = listed[0]
    one = cli_json(db, "entity", top["id"], "--limit", "50")
    assert one == api_json(api, f"/entities/{top['id']}", limit=50)
    assert {k: one[k] for k in top} == top  # the entity in full extends its summary
    assert len(one["articles"]) == top["article_count"] and one["merges"] is not None


def test_events_and_quotes_are_the_same_wherever_they_appear(db, api):
    """An event (one article's report of it) and a quote: the API's listings, the article in
    full, the entity in full and the export all give the same objects."""
    events = api_json(api, "/events", limit=500)["data"]
    quotes = api_json(api, "/quotes", limit=500)["data"]
    assert events and quotes
    exported = [
        json.loads(line)
        for line in CliRunner()
        .invoke(app, ["--db", db, "export", "--what", "quotes", "--format", "jsonl"])
        .stdout.splitlines()
    ]
    assert exported == quotes
    for article in {e["article"] for e in events} | {q["article"] for q in quotes}:
        one = cli_json(db, "article", article)
        assert one["events"] == [e for e in events if e["article"] == article]
        assert one["quotes"] == [q for q in quotes if q["article"] == article]
    speaker = next(q["speaker"]["entity_id"] for q in quotes if q["speaker"]["entity_id"])
    entity = cli_json(db, "entity", speaker)
    assert entity["quotes"] == [q for q in quotes if q["speaker"]["entity_id"] == speaker]
    assert all(e in events for e in entity["events"])
