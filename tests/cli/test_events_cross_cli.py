"""``crisol events`` across sources, on a hand-built store and on the seeds.

The store holds the hand-written articles of tests/fixtures/events/cross_sources.json (one
meeting told by four outlets, one a rewrite, two crediting one agency; and look-alikes), with
their stories, the rewrite relation and the registry entities, written directly (no spaCy).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.cli.events import CROSS_CSV_COLUMNS
from crisol.model import Actor, Article, Event, Mention, RemovedLine, Sentence, TimeExpression
from crisol.store import open_store
from crisol.store.link import LinkStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "events" / "cross_sources.json"


def _article(spec: dict) -> Article:
    text, sentences = "", []
    for i, s in enumerate(spec["sentences"]):
        start = len(text)
        text += s + " "
        sentences.append(Sentence(i, start, start + len(s), s))

    def at(surface: str, idx: int) -> int:
        return sentences[idx].start + sentences[idx].text.index(surface)

    def actor(a):
        return Actor(a[0], None, a[1], a[2]) if a else None

    events = [Event(e["type"], e.get("mode"), actor(e.get("source")), actor(e.get("target")), e["sentence"],
                    sentences[e["sentence"]].text, e["trigger"], e.get("location"), e.get("date"),
                    e.get("date_precision"), e.get("certainty", "asserted"), e.get("attributed_to"),
                    f"{spec['id']}-e{n}", e.get("date_source"))
              for n, e in enumerate(spec.get("events", []))]  # fmt: skip
    return Article(
        id=spec["id"], source=spec["id"], raw=text.encode(), raw_format="text", text=text.rstrip(),
        outlet=spec.get("outlet"), url=f"https://example.org/{spec['id']}", language=spec["language"],
        published=datetime.fromisoformat(spec["published"]), analysis="full",
        removed=[RemovedLine(r["text"], r["reason"]) for r in spec.get("removed", [])], sentences=sentences,
        mentions=[Mention(t, label, at(t, i), at(t, i) + len(t), i, entity, None, country)
                  for t, label, entity, country, i in spec.get("mentions", [])],
        dates=[TimeExpression(t, at(t, i), at(t, i) + len(t), i, value, precision)
               for t, i, value, precision in spec.get("dates", [])],
        events=events,
    )  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    path = str(tmp_path_factory.mktemp("events-cross") / "store.db")
    articles = [_article(s) for s in data["articles"]]
    with open_store(path) as store:
        store.add_articles(articles)
        links = LinkStore(store)
        links.save_entities([
            {"id": "per:mendez", "name": "Rosa Méndez", "type": "PER", "country": "CHL", "aliases": {"Rosa Méndez": 5}},
            {"id": "per:ferrer", "name": "Tomás Ferrer", "type": "PER", "country": "URY", "aliases": {"Tomás Ferrer": 4}},
            {"id": "per:costa", "name": "Ana Costa", "type": "PER", "country": "URY", "aliases": {"Ana Costa": 1}},
        ])  # fmt: skip
        for sid in ("st-visit", "st-later"):
            members = [s["id"] for s in data["articles"] if s["story"] == sid]
            for n, aid in enumerate(members, 1):
                links.add_to_story(sid, aid, 1.0, None, "es", n, None, None)
        links.add_relations([{**r, "pairs": [], "dropped": [], "added": []} for r in data["relations"]])
    return path


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, "events", *args])


def listed(db: str, *args: str) -> list[dict]:
    result = run(db, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_meeting_is_one_row_with_its_counts_and_sources(db):
    rows = listed(db)
    [meeting] = [e for e in rows if "art-andino" in e["articles"]]
    assert set(meeting["articles"]) == {"art-andino", "art-radio", "art-portal", "art-voz"}
    assert (meeting["num_articles"], meeting["num_outlets"], meeting["num_independent_sources"]) == (4, 4, 2)
    assert meeting["outlets"] == ["Diario Andino", "Radio Sur", "Portal Este", "La Voz"]
    assert (meeting["date"], meeting["date_precision"], meeting["date_source"]) == ("2026-05-11", "day", "text")
    assert meeting["certainty"] == "asserted" and meeting["stories"] == ["st-visit"]
    assert rows[0] is not None and rows[0]["id"] == meeting["id"]  # most independent sources first


def test_filters_apply_to_events_across_sources(db):
    assert {e["id"] for e in listed(db, "--actor", "Tomás Ferrer")} == {
        e["id"] for e in listed(db, "--type", "CONSULT") if "Tomás Ferrer" in json.dumps(e, ensure_ascii=False)}
    costa = listed(db, "--actor", "ana costa")
    assert [e["articles"] for e in costa] == [["art-costa"]]
    assert [e["certainty"] for e in listed(db, "--certainty", "hypothetical")] == ["hypothetical"]
    later = listed(db, "--since", "2026-08-01")
    assert [e["date"] for e in later] == ["2026-08-30"]
    may = listed(db, "--since", "2026-05-11", "--until", "2026-05-11", "--type", "consult")
    assert sorted(len(e["articles"]) for e in may) == [1, 4]  # the meeting, and the one with Costa


def test_csv_row_in_gdelt_layout(db, tmp_path):
    out = tmp_path / "x.csv"
    assert run(db, "--format", "csv", "--type", "CONSULT", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == CROSS_CSV_COLUMNS
    top = rows[0]
    assert (top["SQLDATE"], top["EventCode"], top["NumArticles"], top["NumSources"], top["NumIndependentSources"]) == (
        "20260511", "CONSULT", "4", "4", "2")
    assert {top["Actor1Name"], top["Actor2Name"]} == {"Rosa Méndez", "Tomás Ferrer"}
    assert {top["Actor1Code"], top["Actor2Code"]} == {"CHL GOV", "URY GOV"}
    assert top["Certainties"] == "asserted:2;attributed:1"
    assert top["SOURCEURLS"].count("https://example.org/") == 4


def test_table_shows_counts(db):
    result = run(db, "--type", "CONSULT")
    assert result.exit_code == 0, result.output
    assert "Rosa Méndez [CHL GOV]" in result.stdout and "indep." in result.stdout


# ---- the seeds: the Wonsan meeting told by four articles, one a rewrite ---------------------------


@pytest.fixture(scope="module")
def seeds_db(shared, tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("events-seeds")
    inputs = root / "seeds"
    inputs.mkdir()
    for name in ("000", "002", "003", "004"):  # the Wonsan story
        [found] = (shared / "seeds").glob(f"{name}_*.txt")
        shutil.copy(found, inputs / found.name)
    db = str(root / "seeds.db")
    result = CliRunner().invoke(app, ["--db", db, "ingest", str(inputs)])
    assert result.exit_code == 0, result.output
    return db


def test_seeds_meeting_is_one_event_with_fewer_independent_sources(seeds_db):
    rows = listed(seeds_db, "--type", "CONSULT", "--actor", "Lavrov")
    meetings = [e for e in rows if e["num_articles"] == 4]
    assert len(meetings) == 1, [(e["source"], e["target"], e["articles"]) for e in rows]
    m = meetings[0]
    assert m["num_independent_sources"] < m["num_articles"]
    names = {(m[r] or {}).get("entity_id") for r in ("source", "target")}
    assert {"per:sergei-lavrov", "per:kim-jong-un"} <= names


def test_seeds_undated_articles_have_no_borrowed_year(seeds_db):
    for e in listed(seeds_db):
        # the seeds of this story carry no publication date: any date is the text's own
        for s in e["sentences"]:
            assert s["date_source"] in (None, "text")
        if e["date"] and len(e["date"]) == 4:  # a year alone: said in the event's own sentence
            assert any(e["date"] in s["text"] for s in e["sentences"])
