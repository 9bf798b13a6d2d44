"""``crisol events``: events across sources, their filters, and the GDELT-like CSV; and
``--per-article``, the stored per-article events.

The annotated fixtures (tests/fixtures/cli/annotated/) are ingested and linked once per session
(shared with the other CLI test files through the session's temporary folder); the date window
and actor rules of the per-article listing are checked exactly on a small hand-built store (the
cross-source rules in test_events_cross_cli.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.model import Actor, Article, Event, Mention
from crisol.service.exports import CROSS_CSV_COLUMNS, EVENT_CSV_COLUMNS
from crisol.store import open_store
from crisol.store.link import LinkStore

EVENT_KEYS = {"type", "mode", "source", "target", "location", "date", "certainty", "sentence", "article"}
CROSS_KEYS = {
    "id",
    "type",
    "mode",
    "source",
    "target",
    "location",
    "date",
    "date_precision",
    "date_source",
    "certainty",
    "certainties",
    "num_articles",
    "num_outlets",
    "num_independent_sources",
    "articles",
    "outlets",
    "sentences",
    "stories",
}


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
        assert CROSS_KEYS <= set(e)
        for role in ("source", "target"):
            assert e[role] is None or {"name", "country", "sector", "entity_id", "code"} <= set(e[role])
        assert e["certainty"] in {"asserted", "attributed", "alleged", "denied", "hypothetical"}
        assert e["sentences"] and e["articles"] and e["num_articles"] == len(e["articles"])
        assert 1 <= e["num_independent_sources"] <= e["num_articles"]
        assert e["stories"], "a linked article's events name its story"
    # A visit to the North Korean capital by the Chinese minister, coded with actor codes.
    visits = [e for e in rows if e["type"] == "CONSULT" and (e["source"] or {}).get("country") == "CHN"]
    assert visits and all(e["source"]["sector"] == "GOV" for e in visits)
    per_article = events(db, "--per-article")
    assert len(per_article) >= len(rows)
    assert {s["event"] for e in rows for s in e["sentences"] if s["support"] == "coded"} == {
        e["id"] for e in per_article
    }


def test_events_by_actor_use_every_spelling_of_the_registry_entity(db):
    kim = json.loads(run(db, "entity", "Kim Jong Un", "--format", "json").stdout)
    for spelling in ("Kim Jong Un", "kim jong-un"):
        rows = events(db, "--actor", spelling)
        assert rows and all(
            kim["id"] in actor_ids(e)
            or any(s["event"] in {x["id"] for x in kim["events"]} for s in e["sentences"])
            for e in rows
        )
        assert {a for e in rows for a in e["articles"]} >= {e["article"] for e in kim["events"]}
        per_article = events(db, "--actor", spelling, "--per-article")
        assert {e["article"] for e in per_article} == {e["article"] for e in kim["events"]}
    assert events(db, "--actor", "Nadie Inexistente") == []


def test_events_filter_by_type_and_certainty(db):
    consult = events(db, "--type", "consult")
    assert consult and {e["type"] for e in consult} == {"CONSULT"}
    attributed = events(db, "--certainty", "attributed")
    assert attributed and all(e["certainty"] == "attributed" and e["attributed_to"] for e in attributed)
    assert run(db, "events", "--certainty", "maybe").exit_code == 2


def test_events_table_lists_actors_with_codes_and_counts(db):
    result = run(db, "events", "--actor", "Wang Yi")
    assert result.exit_code == 0, result.output
    assert "Wang Yi [CHN GOV]" in result.stdout and "CONSULT" in result.stdout
    assert "indep." in result.stdout


def test_events_csv_is_one_row_per_event_in_a_gdelt_like_layout(db, tmp_path):
    out = tmp_path / "events.csv"
    result = run(db, "events", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == CROSS_CSV_COLUMNS
    as_json = events(db)
    assert [r["GLOBALEVENTID"] for r in rows] == [e["id"] for e in as_json]
    assert len({r["GLOBALEVENTID"] for r in rows}) == len(rows)
    english = [r for r in rows if "news.example.org" in r["Outlets"]]
    assert english and all("https://news.example.org/" in r["SOURCEURLS"] for r in english)
    for r, e in zip(rows, as_json):
        assert r["EventCode"] == e["type"] and r["ArticleIds"].split(";") == e["articles"]
        assert int(r["NumArticles"]) >= int(r["NumIndependentSources"]) >= 1
        assert r["SQLDATE"] == (e["date"] or "").replace("-", "")


def test_per_article_csv_keeps_its_columns(db, tmp_path):
    out = tmp_path / "per-article.csv"
    assert run(db, "events", "--per-article", "--format", "csv", "--output", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == EVENT_CSV_COLUMNS
    assert [r["event_id"] for r in rows] == [e["id"] for e in events(db, "--per-article")]


def test_events_rejects_a_table_into_a_file_and_bad_dates(db, tmp_path):
    assert run(db, "events", "--output", str(tmp_path / "x.txt")).exit_code == 2
    bad = run(db, "events", "--since", "last week")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


# ---- exact rules, on a hand-built store ----------------------------------------------------


def _event(
    date: str | None,
    precision: str | None,
    source: str,
    target: str | None = None,
    type: str = "CONSULT",
    certainty: str = "asserted",
) -> Event:
    counterpart = Actor(target, None, "FRA", "GOV") if target else None
    return Event(
        type,
        "meet",
        Actor(source, None, "ESP", "GOV"),
        counterpart,
        0,
        f"{source} met someone.",
        "met",
        date=date,
        date_precision=precision,
        certainty=certainty,
    )


@pytest.fixture
def dated(tmp_path) -> str:
    db = str(tmp_path / "dated.db")
    text = "Marta Ibarra met Paul Durand. Marta Ibarra met others."
    article = Article(
        id="d1",
        source="d1.txt",
        raw=text.encode(),
        raw_format="text",
        text=text,
        language="en",
        outlet="Test Wire",
        url="https://wire.example/d1",
        published=datetime(2024, 6, 1, tzinfo=timezone.utc),
        mentions=[
            Mention("Marta Ibarra", "PER", 0, 12, 0, entity_id="per:marta"),
            Mention("Paul Durand", "PER", 17, 28, 0, entity_id="per:paul"),
        ],
        events=[
            _event("2024-05-02", "day", "Marta Ibarra", "Paul Durand"),
            _event("2024-05", "month", "Marta Ibarra"),
            _event("2023-winter", "season", "Paul Durand", certainty="alleged"),
            _event(None, None, "Marta Ibarra", "Paul Durand", type="AID"),
            _event("2022", "year", "Someone Else"),
        ],
    )
    with open_store(db) as store:
        store.add_articles([article])
        LinkStore(store).save_entities(
            [
                {
                    "id": "per:marta",
                    "name": "Marta Ibarra",
                    "type": "PER",
                    "aliases": {"Marta Ibarra": 2, "M. Ibarra": 1},
                },
                {"id": "per:paul", "name": "Paul Durand", "type": "PER", "aliases": {"Paul Durand": 1}},
            ]
        )
    return db


def test_date_window_keeps_events_whose_resolved_date_overlaps_it(dated):
    def dates(*args):
        return sorted(e["date"] for e in events(dated, "--per-article", *args))

    assert dates("--since", "2024-05-10") == ["2024-05"]  # the month overlaps, the 2nd is before
    assert dates("--until", "2024-05-01") == ["2022", "2023-winter", "2024-05"]
    # Winter 2023 runs from December 2023 to February 2024.
    assert dates("--since", "2024-02-15", "--until", "2024-02-20") == ["2023-winter"]
    assert dates("--since", "2024-05-02", "--until", "2024-05-02") == ["2024-05", "2024-05-02"]
    assert len(events(dated, "--per-article")) == 5  # no window: undated events too
    assert dates("--since", "2024-05", "--until", "2024-05") == ["2024-05", "2024-05-02"]  # a month
    assert dates("--until", "2022") == ["2022"]  # a year, to its last day


def test_actor_filter_matches_source_or_target_and_limit_applies(dated):
    def listed(*args):
        return events(dated, "--per-article", *args)

    paul = listed("--actor", "paul durand")
    assert sorted(e["date"] or "-" for e in paul) == ["-", "2023-winter", "2024-05-02"]
    assert all("per:paul" in actor_ids(e) for e in paul)
    assert len(listed("--actor", "Marta Ibarra", "--limit", "2")) == 2
    assert [e["source"]["name"] for e in listed("--actor", "someone else")] == ["Someone Else"]
    alleged = listed("--certainty", "alleged", "--type", "CONSULT")
    assert [e["date"] for e in alleged] == ["2023-winter"]


def test_across_sources_one_article_repeating_an_event_is_one_event(dated):
    # the meeting on 2 May and "in May" with one end unnamed are one event; winter 2023 is another
    rows = events(dated, "--type", "CONSULT")
    dates = sorted(e["date"] for e in rows)
    assert dates == ["2022", "2023-winter", "2024-05-02"]
    may = next(e for e in rows if e["date"] == "2024-05-02")
    assert len(may["sentences"]) == 2 and may["num_articles"] == 1
    assert [e["date"] for e in events(dated, "--since", "2024-05-10")] == []
