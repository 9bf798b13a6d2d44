"""The reference case: the four seed articles on one visit (read at run time from ../shared)."""

from __future__ import annotations

import pytest

from crisol.present import detect_agency, present_story, render_text

SEEDS = ("000_", "002_", "003_", "004_")  # 004 rewrites 000; 001 is another story


@pytest.fixture(scope="module")
def seed_story(shared):
    annotate = pytest.importorskip("crisol.annotate").annotate
    from crisol.clean import clean
    from crisol.link.dedup import compare
    from crisol.read import expand, read_input

    paths = sorted(str(p) for p in (shared / "seeds").glob("*.txt") if p.name.startswith(SEEDS))
    if len(paths) != len(SEEDS):
        pytest.skip("seed articles not found")
    articles = [annotate(clean(raw)) for inp in expand(paths) for raw in read_input(inp)]
    relation = compare(articles[0].id, articles[0].text, articles[3].id, articles[3].text)
    relations = [relation] if relation else []
    return articles, relations, present_story("seeds", articles, relations)


def test_seed_rewrite_counts_once(seed_story):
    articles, relations, story = seed_story
    assert [r.kind for r in relations] == ["rewrite"]
    assert story["counts"]["independent_sources"] == 3
    assert {s["id"]: s["origin"] for s in story["sources"]}[articles[3].id] == articles[0].id


def test_seed_meeting_place_disagreement(seed_story):
    articles, _, story = seed_story
    places = [d for d in story["differences"] if d["kind"] == "place"]
    assert len(places) == 1
    sides = {s["value"]: set(s["citations"]) for s in places[0]["sides"]}
    assert len(sides) == 2
    first, later = articles[0].id, articles[2].id
    assert any(first in c and later not in c for c in sides.values())
    assert any(later in c and first not in c for c in sides.values())


def test_seed_summary_is_extractive(seed_story):
    articles, _, story = seed_story
    sentences = {s.text for a in articles for s in a.sentences}
    assert story["summary"] and all(line["text"] in sentences for line in story["summary"])
    assert story["language"] == "es" and story["title"]
    assert render_text(story).startswith(story["title"])


def test_seed_agency_from_closing_credit(seed_story):
    articles, _, _ = seed_story
    assert detect_agency(articles[1]) == "Europa Press"
    assert detect_agency(articles[3]) is None  # only photo credits there
