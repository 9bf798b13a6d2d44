"""present_story on a hand-written four-outlet story (tests/fixtures/present/border_story.json)."""

from __future__ import annotations

import pytest

from crisol.present import present_story, render_markdown, render_text


def _texts(articles) -> set[str]:
    return {s.text for a in articles for s in a.sentences}


def _kind(story: dict, kind: str) -> list[dict]:
    return [d for d in story["differences"] if d["kind"] == kind]


def test_story_shape(border_presented):
    for key in (
        "id",
        "title",
        "articles",
        "language",
        "summary",
        "relations",
        "timeline",
        "quotes",
        "actors",
        "events",
        "differences",
        "agreements",
        "counts",
    ):
        assert key in border_presented
    assert border_presented["language"] == "es"
    assert border_presented["articles"] == ["art-norte", "art-sur", "art-copia", "art-wire"]
    assert border_presented["relations"] == [
        {"a": "art-norte", "b": "art-copia", "kind": "rewrite", "score": 0.8}
    ]


def test_title_is_headline_of_an_original(border_presented):
    # art-copia rewrites art-norte: its headline is never the story's
    assert border_presented["title"] in {
        "Moldavia envía 10.000 soldados a la frontera con Rumanía",
        "Moldavia despliega tropas en la frontera",
    }


def test_summary_is_extractive_and_never_repeats(border_story, border_presented):
    articles, _ = border_story
    texts = [s["text"] for s in border_presented["summary"]]
    assert 1 <= len(texts) <= 5
    assert set(texts) <= _texts(articles)  # nothing invented
    assert len(set(texts)) == len(texts)
    # one line per statement: the rewritten and the original sentence never both appear
    assert not any("mandado 10.000" in t for t in texts) or not any("enviado 10.000" in t for t in texts)


def test_summary_cites_every_article_saying_the_same_thing(border_presented):
    calm = [s for s in border_presented["summary"] if "pidió calma a" in s["text"]]
    assert len(calm) == 1
    # three Spanish wordings and one English translation of one statement
    assert set(calm[0]["citations"]) == {"art-norte", "art-sur", "art-copia", "art-wire"}
    assert set(calm[0]["sentence"]) == set(calm[0]["citations"])
    assert calm[0]["sentence"]["art-wire"] == 2 and calm[0]["disputed"] == []


def test_summary_does_not_cite_outlets_that_say_otherwise(border_presented):
    meeting = [s for s in border_presented["summary"] if "se reunió con el general Andrei Popa" in s["text"]]
    assert len(meeting) == 1
    # the line puts the meeting in Chisináu: the outlets placing it in Bălți are disputing, not citing
    assert "Chisináu" in meeting[0]["text"]
    assert set(meeting[0]["citations"]) == {"art-norte", "art-copia"}
    assert set(meeting[0]["disputed"]) == {"art-sur", "art-wire"}


def test_independent_sources_count_a_rewrite_once(border_presented):
    counts = border_presented["counts"]
    assert counts == {"articles": 4, "outlets": 4, "independent_sources": 3}
    origin = {s["id"]: s["origin"] for s in border_presented["sources"]}
    assert origin["art-copia"] == "art-norte"
    assert origin["art-sur"] == "art-sur"


def test_figure_conflict_for_the_same_thing(border_presented):
    figures = _kind(border_presented, "figure")
    assert len(figures) == 1
    sides = {s["number"]: set(s["citations"]) for s in figures[0]["sides"]}
    assert sides == {10000.0: {"art-norte", "art-copia"}, 12000.0: {"art-sur", "art-wire"}}


def test_planned_and_other_counts_are_not_conflicts(border_presented):
    for d in _kind(border_presented, "figure"):
        values = {s["number"] for s in d["sides"]}
        assert 30000.0 not in values  # "podría enviar otros 30.000": planned, additional
        assert not {12.0, 40.0} <= values  # killed vs wounded


def test_place_difference(border_presented):
    places = _kind(border_presented, "place")
    assert len(places) == 1
    sides = {s["value"]: set(s["citations"]) for s in places[0]["sides"]}
    assert sides == {"Chisinau": {"art-norte", "art-copia"}, "Balti": {"art-sur", "art-wire"}}


def test_hedge_difference(border_presented):
    hedges = _kind(border_presented, "hedge")
    assert len(hedges) == 1
    sides = {s["value"]: set(s["citations"]) for s in hedges[0]["sides"]}
    assert sides["alleged"] == {"art-norte", "art-copia"}
    assert sides["asserted"] == {"art-sur"}


def test_no_name_or_date_difference_when_outlets_agree(border_presented):
    assert not _kind(border_presented, "name")
    assert not _kind(border_presented, "date")


def test_events_merged_across_outlets(border_presented):
    meetings = [e for e in border_presented["events"] if e["type"] == "CONSULT"]
    assert len(meetings) == 1
    assert set(meetings[0]["citations"]) == {"art-norte", "art-sur"}
    assert len(meetings[0]["sentences"]) == 2
    assert [t["date"] for t in border_presented["timeline"]] == ["2026-03-09", "2026-03-09"]


def test_agencies_from_credits_not_photos(border_presented):
    agency = {s["id"]: s["agency"] for s in border_presented["sources"]}
    assert agency == {"art-norte": None, "art-sur": "EFE", "art-copia": None, "art-wire": "Reuters"}


def test_actors_counted_across_articles(border_presented):
    by_name = {a["name"]: a for a in border_presented["actors"]}
    assert by_name["Elena Vasilescu"]["articles"] == 4
    assert by_name["Elena Vasilescu"]["role"] == "defence-minister"


def test_renderings_show_outlets_as_citations(border_presented):
    text = render_text(border_presented)
    md = render_markdown(border_presented)
    assert text.splitlines()[0] == border_presented["title"]
    assert md.startswith(f"# {border_presented['title']}")
    for out in (text, md):
        assert "Diario Norte" in out and "Portal Copia" in out
        assert "Chisinau" in out and "Balti" in out
    assert "## Differences" in md


def test_empty_story_is_rejected():
    with pytest.raises(ValueError, match="story 'x' has no articles"):
        present_story("x", [], [])


def test_agreements_hold_undisputed_statements(border_presented):
    statements = [a for a in border_presented["agreements"] if a["kind"] == "statement"]
    calm = [a for a in statements if "pidió calma" in a["text"]]
    assert len(calm) == 1 and calm[0]["independent_sources"] == 3
    disputed = {
        (a, i) for d in border_presented["differences"] for s in d["sides"] for a, i in s["sentence"].items()
    }
    assert not any((a, i) in disputed for s in statements for a, i in s["sentence"].items())
