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

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.service.exports import CROSS_CSV_COLUMNS


@pytest.fixture(scope="module")
def db(tmp_path_factory, cross_sources) -> str:
    path = str(tmp_path_factory.mktemp("events-cross") / "store.db")
    cross_sources.build_store(path)
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
    assert (meeting["date"], meeting["date_precision"], meeting["date_source"]) == (
        "2026-05-11",
        "day",
        "text",
    )
    assert meeting["certainty"] == "attributed" and meeting["stories"] == ["st-visit"]
    assert rows[0] is not None and rows[0]["id"] == meeting["id"]  # most independent sources first


def test_filters_apply_to_events_across_sources(db):
    assert {e["id"] for e in listed(db, "--actor", "Tomás Ferrer")} == {
        e["id"]
        for e in listed(db, "--type", "CONSULT")
        if "Tomás Ferrer" in json.dumps(e, ensure_ascii=False)
    }
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
    assert (
        top["SQLDATE"],
        top["EventCode"],
        top["NumArticles"],
        top["NumSources"],
        top["NumIndependentSources"],
    ) == ("20260511", "CONSULT", "4", "4", "2")
    assert {top["Actor1Name"], top["Actor2Name"]} == {"Rosa Méndez", "Tomás Ferrer"}
    assert {top["Actor1Code"], top["Actor2Code"]} == {"CHL GOV", "URY GOV"}
    assert top["Certainties"] == "asserted:2;attributed:1"
    assert top["SOURCEURLS"].count("https://example.org/") == 4


def test_table_shows_counts(db):
    result = run(db, "--type", "CONSULT")
    assert result.exit_code == 0, result.output
    assert "Rosa Méndez [CHL GOV]" in result.stdout and "indep." in result.stdout


def test_a_publication_day_is_shown_as_when_it_was_reported(db):
    # the request is dated only by its article's publication day; the meeting by its text
    result = run(db)
    assert result.exit_code == 0, result.output
    assert "reported 2026-05-13" in result.stdout and "on 2026-05-11" in result.stdout
    assert "(pub.)" not in result.stdout


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
