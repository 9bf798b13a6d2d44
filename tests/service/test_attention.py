"""Attention over time on a small store written here: the three counts per day and week, copies
and rewrites not inflating independent sources, filters, top lists, comparison and CSV.

The store: nine articles about a metro strike and a book fair over two weeks, from three outlets
(one spelt two ways) and one with no outlet; one exact copy, one rewrite (a dependent relation),
two outlets running one EFE story, and one EFE article in another story.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from crisol.model import Article, Mention
from crisol.service.attention import Selection, attention, compare, csv_text
from crisol.store import open_store
from crisol.store import search as fts
from crisol.store.schema import entities, relations, stories, story_articles

STRIKE = (
    "La huelga del metro de Almarza paraliza la ciudad. Los trabajadores piden mejores turnos y salarios."
)
REWRITE = "Los trabajadores del metro de Almarza, en huelga, piden mejores turnos. La ciudad está paralizada."
WIRE = "La huelga del metro de Almarza sigue un segundo día sin acuerdo entre sindicatos y empresa."
FAIR = "La feria del libro de Torrejuela abre con cien casetas y autores de toda la región."
FAIR2 = "Cien casetas llenan la feria del libro de Torrejuela en su primer fin de semana."
WIRE_FAIR = "Los libreros de Torrejuela hacen balance de la feria del libro con más ventas."

# (key, outlet, day of March 2025, text, agency, story)
ROWS = [
    ("s1", "Diario Norte", 3, STRIKE, None, "strike"),
    ("s2", "Radio Sur", 3, STRIKE, None, "strike"),  # an exact copy of s1: same clean text
    ("s3", "RADIO SUR", 4, REWRITE, None, "strike"),  # a rewrite of s1 (relation below)
    ("s4", "Diario Norte", 5, WIRE, "EFE", "strike"),  # one EFE story run by two outlets
    ("s5", "Gaceta", 5, WIRE, "EFE", "strike"),
    ("s6", None, 11, STRIKE + " Hoy se cumple una semana.", None, None),  # unknown outlet
    ("f1", "Gaceta", 4, FAIR, None, "fair"),
    ("f2", "Diario Norte", 12, FAIR2, None, "fair"),
    ("f3", "Radio Sur", 12, WIRE_FAIR, "EFE", "fair"),  # EFE too, but another story
]


def _almarza(text: str) -> Mention:
    at = text.index("Almarza")
    return Mention("Almarza", "LOC", at, at + len("Almarza"), 0, entity_id="e-almarza")


def _article(key, outlet, day, text, agency) -> Article:
    return Article(
        id=hashlib.sha256(key.encode()).hexdigest()[:16],
        source=f"test/{key}",
        raw=key.encode(),
        raw_format="text",
        text=text,
        title=text.split(".")[0],
        outlet=outlet,
        published=datetime(2025, 3, day, 9, tzinfo=timezone.utc),
        language="es",
        agency=agency,
        mentions=[_almarza(text)] if "Almarza" in text else [],
    )


@pytest.fixture
def store(db_url):
    db = open_store(db_url)
    arts = {key: _article(key, o, d, t, ag) for key, o, d, t, ag, _ in ROWS}
    db.add_articles(list(arts.values()))
    fts.index_articles(db, list(arts.values()))
    now = datetime(2025, 3, 20, tzinfo=timezone.utc)
    ids = {k: a.id for k, a in arts.items()}
    with db.engine.begin() as conn:
        conn.execute(entities.insert(), [{"id": "e-almarza", "name": "Almarza", "type": "LOC", "data": {}}])
        conn.execute(
            relations.insert(),
            [{"a": ids["s1"], "b": ids["s3"], "kind": "rewrite", "score": 0.8, "detail": {}},
             {"a": ids["s1"], "b": ids["f1"], "kind": "related", "score": 0.3, "detail": {}}],
        )  # fmt: skip
        conn.execute(
            stories.insert(),
            [{"id": sid, "size": 1, "updated": now} for sid in ("strike", "fair")],
        )
        conn.execute(
            story_articles.insert(),
            [{"article_id": ids[k], "story_id": sid, "score": 1.0, "position": n}
             for n, (k, *_, sid) in enumerate(ROWS) if sid],
        )  # fmt: skip
    db.ids = ids
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
