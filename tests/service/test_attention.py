"""Attention over time on a small store written here: the three counts per day and week, copies
and rewrites not inflating independent sources, filters, top lists, comparison and CSV.

The store: nine articles about a metro strike and a book fair over two weeks, from three outlets
(one spelt two ways) and one with no outlet; one exact copy, one rewrite (a dependent relation),
two outlets running one EFE story, and one EFE article in another story.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crisol.service.attention import Selection, attention, compare, csv_text

COVERAGE = Path(__file__).resolve().parents[1] / "fixtures" / "attention" / "coverage.py"


def load_coverage():
    """tests/fixtures/attention/coverage.py (the store described above) as a module."""
    spec = importlib.util.spec_from_file_location("crisol_test_attention_coverage", COVERAGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def store(db_url):
    db = load_coverage().build_store(db_url)
    yield db
    db.close()


def _day(att, period):
    return next(p for p in att.points if p.period == period)


def test_counts_per_day_keep_copies_and_wire_stories_out_of_independent_sources(store):
    att = attention(store, Selection(q="huelga"))
    assert att.totals == {"articles": 6, "outlets": 4, "independent_sources": 3, "undated": 0}
    # the 3rd: s1 and its exact copy s2: two articles, two outlets, one source
    assert _day(att, "2025-03-03").__dict__ == {
        "period": "2025-03-03", "articles": 2, "outlets": 2, "independent_sources": 1
    }  # fmt: skip
    # the 4th: s3 rewrites s1: an article, no new source; the 5th: one EFE story, two outlets
    assert (_day(att, "2025-03-04").articles, _day(att, "2025-03-04").independent_sources) == (1, 0)
    assert (_day(att, "2025-03-05").outlets, _day(att, "2025-03-05").independent_sources) == (2, 1)
    # empty days are there, and the unknown outlet of the 11th counts as one
    assert [p.articles for p in att.points] == [2, 1, 2, 0, 0, 0, 0, 0, 1]
    assert _day(att, "2025-03-11").outlets == 1


def test_weeks_add_up_and_outlets_are_counted_once_per_week(store):
    att = attention(store, Selection(), interval="week")
    assert [p.period for p in att.points] == ["2025-03-03", "2025-03-10"]
    first, second = att.points
    # week 1: Diario Norte, Radio Sur (two spellings), Gaceta; 6 articles, 4 sources (s1, s4, f1)
    assert (first.articles, first.outlets, first.independent_sources) == (6, 3, 3)
    # the other EFE article is in another story: a source of its own
    assert (second.articles, second.outlets, second.independent_sources) == (3, 3, 3)
    assert att.totals["independent_sources"] == 6


def test_filters_entity_story_outlet_language_window(store):
    assert attention(store, Selection(entity="e-almarza")).totals["articles"] == 6
    assert attention(store, Selection(story="fair")).totals["articles"] == 3
    assert attention(store, Selection(outlets=["radio sur"])).totals["articles"] == 3
    assert attention(store, Selection(language="en")).totals["articles"] == 0
    window = Selection(
        since=datetime(2025, 3, 4, tzinfo=timezone.utc), until=datetime(2025, 3, 5, 23, tzinfo=timezone.utc)
    )
    att = attention(store, window)
    assert [p.period for p in att.points] == ["2025-03-04", "2025-03-05"]
    # s3 rewrites s1, which is outside the window: inside it, s3 is a source of its own
    assert (att.totals["articles"], att.totals["independent_sources"]) == (4, 3)


def test_top_lists(store):
    att = attention(store, Selection(q="huelga"))
    assert att.outlets[0] == {"outlet": "Diario Norte", "label": "Diario Norte", "articles": 2}
    assert {"outlet": None, "label": "unknown outlet", "articles": 1} in att.outlets
    assert att.languages == [{"language": "es", "articles": 6}]
    assert att.entities == [{"entity_id": "e-almarza", "name": "Almarza", "type": "LOC", "articles": 6}]
    words = [w["word"] for w in att.words]
    # words of the strike's articles, none of the fair's, no function word ("la", "del": in
    # nearly every article of the store, so no weight)
    assert {"huelga", "metro"} <= set(words) and "casetas" not in words
    assert not {"la", "del", "de", "los"} & set(words)


def test_compare_aligns_periods_and_csv_has_both(store):
    a, b = compare(store, [Selection(q="huelga"), Selection(q="feria")])
    assert [p.period for p in a.points] == [p.period for p in b.points]
    assert a.points[0].period == "2025-03-03" and a.points[-1].period == "2025-03-12"
    lines = csv_text([a, b]).splitlines()
    assert lines[0] == "selection,period,articles,outlets,independent_sources"
    assert "feria,2025-03-12,2,2,2" in lines and "huelga,2025-03-03,2,2,1" in lines
    assert csv_text([a], "outlets").splitlines()[1] == "huelga,Diario Norte,Diario Norte,2"


def test_bad_interval_and_empty_query(store):
    with pytest.raises(ValueError, match="interval must be one of day, week"):
        attention(store, Selection(q="huelga"), interval="month")
    assert attention(store, Selection(q="  ")).points == []


def test_rest_api_json_csv_and_comparison(store, db_url):
    import warnings

    from crisol.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    with TestClient(create_app(db_url, analyze=False)) as client:
        got = client.get("/api/attention", params={"q": "huelga", "compare": "feria", "interval": "week"})
        assert got.status_code == 200, got.text
        first, second = got.json()["data"]
        assert first["totals"]["independent_sources"] == 3 and second["label"] == "feria"
        assert [p["period"] for p in first["timeline"]] == ["2025-03-03", "2025-03-10"]
        csv = client.get("/api/attention", params={"q": "huelga", "format": "csv", "outlet": "GACETA"})
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.splitlines()[1:] == ["huelga,2025-03-05,1,1,1"]
        assert client.get("/api/attention", params={"q": "x", "interval": "month"}).status_code == 422


def test_a_collection_narrows_to_its_outlets_everywhere(store, db_url):
    """One resolver: the service, the API and the page keep a collection's outlets only."""
    import warnings

    from crisol.api import create_app
    from crisol.service.attention import kept_outlets
    from crisol.store.outlets import UnknownName, add_to_collection, create_collection

    create_collection(store, "Radios")
    create_collection(store, "Empty")
    add_to_collection(store, "Radios", ["Radio Sur"])
    radios = kept_outlets(store, None, "Radios")
    assert attention(store, Selection(outlets=radios)).totals["articles"] == 3  # both spellings
    assert kept_outlets(store, ["Gaceta"], "Radios") == []  # named outside the collection
    assert attention(store, Selection(outlets=kept_outlets(store, None, "Empty"))).totals["articles"] == 0
    with pytest.raises(UnknownName, match="'Radioz' does not exist"):
        kept_outlets(store, None, "Radioz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    with TestClient(create_app(db_url, analyze=False)) as client:
        got = client.get("/api/attention", params={"q": "huelga", "collection": "Radios"})
        assert got.status_code == 200 and got.json()["data"][0]["totals"]["articles"] == 2
        unknown = client.get("/api/attention", params={"q": "huelga", "collection": "Radioz"})
        assert unknown.status_code == 422 and "Radioz" in unknown.text
    from crisol.web import create_web_app

    with TestClient(create_web_app(db_url)) as web:
        page = web.get("/attention", params={"q": "huelga", "collection": "Radioz"})
        assert page.status_code == 400 and "does not exist" in page.text
        assert web.get("/attention.csv", params={"q": "huelga", "collection": "Radioz"}).status_code == 400
        csv = web.get("/attention.csv", params={"q": "huelga", "collection": "Radios"})
        assert sum(int(line.split(",")[2]) for line in csv.text.splitlines()[1:]) == 2
