"""``crisol events``: the event table, its filters, and the GDELT-like CSV.

The annotated fixtures (tests/fixtures/cli/annotated/) are ingested and linked once per session
(shared with the other CLI test files through the session's temporary folder); the date window
and actor rules are checked exactly on a small hand-built store.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.cli.events import EVENT_CSV_COLUMNS
from crisol.model import Actor, Article, Event, Mention
from crisol.store import open_store
from crisol.store.link import LinkStore

EVENT_KEYS = {"type", "mode", "source", "target", "location", "date", "certainty", "sentence", "article"}


@pytest.fixture(scope="module")
def db(annotated_db: str) -> str:
    return annotated_db


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


def events(db: str, *args: str) -> list[dict]:
    result = run(db, "events", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def actor_ids(e: dict) -> set:
    return {(e[role] or {}).get("entity_id") for role in ("source", "target")}


# ---- end to end --------------------------------------------------------------------------------


def test_events_json_has_the_public_shape(db):
    rows = events(db)
    assert len(rows) >= 4
    for e in rows:
        assert EVENT_KEYS <= set(e)
        for role in ("source", "target"):
            assert e[role] is None or {"name", "country", "sector", "entity_id"} <= set(e[role])
        assert e["certainty"] in {"asserted", "attributed", "alleged", "denied", "hypothetical"}
        assert e["sentence"] and e["article"]
        assert e["story"], "a linked article's events name its story (to group reports across sources)"
    # A visit to the North Korean capital by the Chinese minister, coded with actor codes.
    visits = [e for e in rows if e["type"] == "CONSULT" and (e["source"] or {}).get("country") == "CHN"]
    assert visits and all(e["source"]["sector"] == "GOV" for e in visits)


def test_events_by_actor_use_every_spelling_of_the_registry_entity(db):
    kim = json.loads(run(db, "entity", "Kim Jong Un", "--format", "json").stdout)
    for spelling in ("Kim Jong Un", "kim jong-un"):
        rows = events(db, "--actor", spelling)
        assert rows and all(kim["id"] in actor_ids(e) for e in rows)
        assert {e["article"] for e in rows} == {e["article"] for e in kim["events"]}
    assert events(db, "--actor", "Nadie Inexistente") == []


def test_events_filter_by_type_and_certainty(db):
    consult = events(db, "--type", "consult")
    assert consult and {e["type"] for e in consult} == {"CONSULT"}
    attributed = events(db, "--certainty", "attributed")
    assert attributed and all(e["certainty"] == "attributed" and e["attributed_to"] for e in attributed)
    assert run(db, "events", "--certainty", "maybe").exit_code == 2


def test_events_table_lists_actors_with_codes(db):
    result = run(db, "events", "--actor", "Wang Yi")
    assert result.exit_code == 0, result.output
    assert "Wang Yi [CHN GOV]" in result.stdout and "CONSULT" in result.stdout


def test_events_csv_is_one_row_per_event_in_a_gdelt_like_layout(db, tmp_path):
    out = tmp_path / "events.csv"
    result = run(db, "events", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == EVENT_CSV_COLUMNS
    as_json = events(db)
    assert [r["event_id"] for r in rows] == [e["id"] for e in as_json]
    assert len({r["event_id"] for r in rows}) == len(rows)
    english = [r for r in rows if r["outlet"] == "news.example.org"]
    assert english and all(r["url"].startswith("https://news.example.org/") for r in english)
    for r in rows:
        assert r["type"] and r["sentence"] and r["article"]


def test_events_rejects_a_table_into_a_file_and_bad_dates(db, tmp_path):
    assert run(db, "events", "--output", str(tmp_path / "x.txt")).exit_code == 2
    bad = run(db, "events", "--since", "last week")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


# ---- exact rules, on a hand-built store ----------------------------------------------------


def _event(date: str | None, precision: str | None, source: str, target: str | None = None,
           type: str = "CONSULT", certainty: str = "asserted") -> Event:  # fmt: skip
    counterpart = Actor(target, None, "FRA", "GOV") if target else None
    return Event(type, "meet", Actor(source, None, "ESP", "GOV"), counterpart, 0, f"{source} met someone.", "met",
                 date=date, date_precision=precision, certainty=certainty)  # fmt: skip


@pytest.fixture
def dated(tmp_path) -> str:
    db = str(tmp_path / "dated.db")
    text = "Marta Ibarra met Paul Durand. Marta Ibarra met others."
    article = Article(
        id="d1", source="d1.txt", raw=text.encode(), raw_format="text", text=text, language="en",
        outlet="Test Wire", url="https://wire.example/d1", published=datetime(2024, 6, 1, tzinfo=timezone.utc),
        mentions=[Mention("Marta Ibarra", "PER", 0, 12, 0, entity_id="per:marta"),
                  Mention("Paul Durand", "PER", 17, 28, 0, entity_id="per:paul")],
        events=[_event("2024-05-02", "day", "Marta Ibarra", "Paul Durand"),
                _event("2024-05", "month", "Marta Ibarra"),
                _event("2023-winter", "season", "Paul Durand", certainty="alleged"),
                _event(None, None, "Marta Ibarra", "Paul Durand", type="AID"),
                _event("2022", "year", "Someone Else")],
    )  # fmt: skip
    with open_store(db) as store:
        store.add_articles([article])
        LinkStore(store).save_entities([
            {"id": "per:marta", "name": "Marta Ibarra", "type": "PER", "aliases": {"Marta Ibarra": 2, "M. Ibarra": 1}},
            {"id": "per:paul", "name": "Paul Durand", "type": "PER", "aliases": {"Paul Durand": 1}},
        ])  # fmt: skip
    return db


def test_date_window_keeps_events_whose_resolved_date_overlaps_it(dated):
    def dates(*args):
        return sorted(e["date"] for e in events(dated, *args))

    assert dates("--since", "2024-05-10") == ["2024-05"]  # the month overlaps, the 2nd is before
    assert dates("--until", "2024-05-01") == ["2022", "2023-winter", "2024-05"]
    # Winter 2023 runs from December 2023 to February 2024.
    assert dates("--since", "2024-02-15", "--until", "2024-02-20") == ["2023-winter"]
    assert dates("--since", "2024-05-02", "--until", "2024-05-02") == ["2024-05", "2024-05-02"]
    assert len(events(dated)) == 5  # no window: undated events too
    assert dates("--since", "2024-05", "--until", "2024-05") == ["2024-05", "2024-05-02"]  # a month
    assert dates("--until", "2022") == ["2022"]  # a year, to its last day


def test_actor_filter_matches_source_or_target_and_limit_applies(dated):
    paul = events(dated, "--actor", "paul durand")
    assert sorted(e["date"] or "-" for e in paul) == ["-", "2023-winter", "2024-05-02"]
    assert all("per:paul" in actor_ids(e) for e in paul)
    assert len(events(dated, "--actor", "Marta Ibarra", "--limit", "2")) == 2
    assert [e["source"]["name"] for e in events(dated, "--actor", "someone else")] == ["Someone Else"]
    alleged = events(dated, "--certainty", "alleged", "--type", "CONSULT")
    assert [e["date"] for e in alleged] == ["2023-winter"]
