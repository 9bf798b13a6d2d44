"""``crisol entities``, ``crisol entity NAME`` and the analysis shown by ``crisol article ID``.

End to end: the articles in tests/fixtures/cli/annotated/ (two Spanish text files, one English
news-please record, written for these tests) are ingested with analysis and linked; then the
registry is read back through the commands. A small hand-built store checks the name lookup
rules exactly (ambiguity, ids, accents) without depending on the annotator.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.model import Actor, Article, Event, Mention, Quote
from crisol.store import open_store
from crisol.store.link import LinkStore

ENTITY_KEYS = {"id", "name", "type", "aliases", "country", "role"}


@pytest.fixture(scope="module")
def db(annotated_db: str) -> str:
    return annotated_db


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def json_out(db: str, *args: str):
    result = run(db, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---- end to end --------------------------------------------------------------------------------


def test_entities_json_lists_the_registry_with_counted_spellings(db):
    rows = json_out(db, "entities", "--format", "json", "--limit", "500")
    assert rows and all(ENTITY_KEYS <= set(r) for r in rows)
    for r in rows:
        assert all(set(a) == {"text", "count"} and a["count"] >= 1 for a in r["aliases"])
        assert r["mentions"] == sum(a["count"] for a in r["aliases"])
    mentions = [r["mentions"] for r in rows]
    assert mentions == sorted(mentions, reverse=True)  # most mentioned first
    kim = [r for r in rows if {"Kim Jong-un", "Kim Jong Un"} <= {a["text"] for a in r["aliases"]}]
    assert len(kim) == 1, "the two spellings of one person should be one entity"
    assert kim[0]["type"] == "PER" and kim[0]["country"] == "PRK"
    assert kim[0]["article_count"] == 3


def test_entities_filters_by_type_and_country_and_limits(db):
    people = json_out(db, "entities", "--format", "json", "--type", "PER")
    assert people and {r["type"] for r in people} == {"PER"}
    korean = json_out(db, "entities", "--format", "json", "--country", "prk")
    assert korean and {r["country"] for r in korean} == {"PRK"}
    assert len(json_out(db, "entities", "--format", "json", "--limit", "2")) == 2
    table = run(db, "entities", "--type", "PER")
    assert table.exit_code == 0 and "Wang Yi" in table.stdout and "Pyongyang" not in table.stdout
    assert run(db, "entities", "--type", "XYZ").exit_code == 2


def test_entity_by_another_spelling_shows_spellings_articles_quotes_and_events(db):
    view = json_out(db, "entity", "KIM JONG UN", "--format", "json")  # case and hyphen differ
    assert view["name"] in {"Kim Jong-un", "Kim Jong Un"}
    spellings = {a["text"] for a in view["aliases"]}
    assert {"Kim Jong-un", "Kim Jong Un"} <= spellings
    merged = {m["surface"]: m for m in view["merges"]}
    other = ({"Kim Jong-un", "Kim Jong Un"} - {view["name"]}).pop()
    assert merged[other]["rule"] and merged[other]["evidence"]  # why the two are one
    assert len(view["articles"]) == 3
    assert [a["id"] for a in view["recent_articles"]] == view["articles"]  # newest first
    assert all({"id", "outlet", "title", "published", "story"} <= set(a) for a in view["recent_articles"])
    # The quote about the friendship, said by Kim and relayed by the North Korean agency.
    assert view["quotes"] and all(q["speaker"]["entity_id"] == view["id"] for q in view["quotes"])
    assert any(q["kind"] == "direct" and "amistad" in q["text"] for q in view["quotes"])
    assert view["events"]
    for e in view["events"]:
        assert view["id"] in {(e["source"] or {}).get("entity_id"), (e["target"] or {}).get("entity_id")}
    assert any(e["type"] == "CONSULT" for e in view["events"])


def test_entity_text_explains_each_merge(db):
    result = run(db, "entity", "kim jong-un")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("spellings", "merged because", "articles (3)", "quotes by it", "events it is in"):
        assert heading in out
    assert "Kim Jong Un" in out and "Kim Jong-un" in out


def test_entity_ignores_accents_and_reports_unknown_names(db):
    patrushev = json_out(db, "entity", "patrushev", "--format", "json")  # stored as Pátrushev
    assert patrushev["type"] == "PER" and "trushev" in patrushev["name"]
    missing = run(db, "entity", "Nadie Inexistente")
    assert missing.exit_code == 1 and "no entity named 'Nadie Inexistente'" in missing.output


def test_article_shows_registry_entities_quotes_events_and_dates(db):
    with open_store(db) as store:
        summary = next(a for a in store.list_articles().items if a.title and "Pionyang" in a.title)
    shown = run(db, "article", summary.id)
    assert shown.exit_code == 0, shown.output
    for heading in ("entities", "registry entity", "quotes", "events", "dates", "removed"):
        assert heading in shown.stdout
    assert "12 de septiembre de 2025" in shown.stdout and "2025-09-12" in shown.stdout
    as_json = json_out(db, "article", summary.id, "--format", "json")
    for key in ("mentions", "entities", "quotes", "events", "dates", "sentences"):
        assert as_json[key], key
    linked = [m for m in as_json["mentions"] if m["entity_id"]]
    assert linked and all(m["entity_name"] for m in linked)
    assert any(q["via"] for q in as_json["quotes"])  # "según recogió la agencia ..."
    assert any(d["value"] == "2025-09-12" and d["precision"] == "day" for d in as_json["dates"])
    # Event actors named like a linked mention of the article carry that registry entity.
    linked_ids = {m["entity_id"] for m in linked}
    actors = [e[role] for e in as_json["events"] for role in ("source", "target") if e[role]]
    assert any(a["entity_id"] in linked_ids for a in actors)
    assert all(a["entity_id"] is None or a["entity_id"] in linked_ids for a in actors)


# ---- name lookup rules, on a hand-built registry --------------------------------------------


def _article(aid: str, text: str, mentions: list[Mention], quotes=(), events=()) -> Article:
    return Article(
        id=aid,
        source=f"{aid}.txt",
        raw=text.encode(),
        raw_format="text",
        text=text,
        title=text[:40],
        outlet="Diario Prueba",
        language="es",
        published=datetime(2024, 5, 2, tzinfo=timezone.utc),
        mentions=mentions,
        quotes=list(quotes),
        events=list(events),
    )


def _entity(eid: str, name: str, aliases: dict[str, int], articles: list[str], type: str = "PER") -> dict:
    return {
        "id": eid,
        "name": name,
        "type": type,
        "aliases": aliases,
        "country": "ESP",
        "role": None,
        "articles": articles,
        "merges": [],
    }


@pytest.fixture
def built(tmp_path) -> str:
    """Two people sharing a surname, a city named like one of them, one quote, one event."""
    db = str(tmp_path / "built.db")
    text = "Ana María Núñez habló con Luis Núñez en Córdoba. «Seguiremos», dijo Ana María Núñez."
    mentions = [
        Mention("Ana María Núñez", "PER", 0, 15, 0, entity_id="per:ana"),
        Mention("Luis Núñez", "PER", 26, 36, 0, entity_id="per:luis"),
        Mention("Córdoba", "LOC", 40, 47, 0, entity_id="loc:cordoba"),
    ]
    quote = Quote("Seguiremos", "direct", "Ana María Núñez", "dijo", 50, 60, 1, speaker_entity="per:ana")
    event = Event(
        "CONSULT",
        "meet",
        Actor("Ana María Núñez", None, "ESP", "GOV"),
        Actor("Luis Núñez", None, "ESP", "GOV"),
        0,
        text,
        "habló",
        location="Córdoba",
    )
    with open_store(db) as store:
        store.add_articles([_article("a1", text, mentions, [quote], [event])])
        LinkStore(store).save_entities(
            [
                _entity("per:ana", "Ana María Núñez", {"Ana María Núñez": 2}, ["a1"]),
                _entity("per:luis", "Luis Núñez", {"Luis Núñez": 1}, ["a1"]),
                _entity("loc:cordoba", "Córdoba", {"Córdoba": 1, "CORDOBA": 1}, ["a1"], type="LOC"),
            ]
        )
    return db


def test_a_shared_part_of_two_names_is_ambiguous_and_lists_both(built):
    result = run(built, "entity", "nunez")
    assert result.exit_code == 1
    assert "matches 2 entities" in result.output
    assert "per:ana" in result.output and "per:luis" in result.output


def test_an_exact_spelling_or_an_id_picks_one_entity(built):
    assert json_out(built, "entity", "luis nunez", "--format", "json")["id"] == "per:luis"
    assert json_out(built, "entity", "per:ana", "--format", "json")["id"] == "per:ana"
    cordoba = json_out(built, "entity", "Cordoba", "--format", "json")
    assert cordoba["aliases"] == [{"text": "CORDOBA", "count": 1}, {"text": "Córdoba", "count": 1}]


def test_entity_view_links_unlinked_event_actors_through_the_articles_mentions(built):
    ana = json_out(built, "entity", "Ana María Núñez", "--format", "json")
    assert [q["text"] for q in ana["quotes"]] == ["Seguiremos"]
    assert ana["quotes"][0]["speaker"] == {
        "name": "Ana María Núñez",
        "text": "Ana María Núñez",
        "entity_id": "per:ana",
    }
    assert len(ana["events"]) == 1
    event = ana["events"][0]
    assert event["source"]["entity_id"] == "per:ana" and event["target"]["entity_id"] == "per:luis"
    assert event["article"] == "a1" and event["outlet"] == "Diario Prueba"
    cordoba = json_out(built, "entity", "córdoba", "--format", "json")
    assert cordoba["events"] == [] and cordoba["quotes"] == []  # a place named in it is no actor
