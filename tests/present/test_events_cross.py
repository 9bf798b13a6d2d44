"""Events across sources (crisol.present.cross_events): grouping, counts, certainty, and the story view.

Built from hand-written annotated articles (tests/fixtures/events/cross_sources.json): one
meeting told by four outlets (a rewrite, two articles crediting one agency, one telling it only
in passing), and look-alikes that are other events.
"""

from __future__ import annotations

import pytest

from crisol.link.dedup import Relation
from crisol.model import Actor, Article, Event, Mention, Sentence
from crisol.present.cross_events import date_source_of, group_events
from crisol.present.events import event_entry, merge_events, timeline
from crisol.present.sources import independent_sources


@pytest.fixture(scope="module")
def fixture(cross_sources) -> tuple[list[Article], list[Relation], dict[str, str]]:
    data = cross_sources.load()
    articles = [cross_sources.article(s) for s in data["articles"]]
    relations = [Relation(r["a"], r["b"], r["kind"], r["score"]) for r in data["relations"]]
    return articles, relations, {s["id"]: s["story"] for s in data["articles"]}


@pytest.fixture(scope="module")
def grouped(fixture):
    articles, relations, stories = fixture
    return group_events(articles, relations, story_of=stories)


def _meeting(grouped):
    return next(e for e in grouped if e.type == "CONSULT" and "art-andino" in e.articles)


def test_one_meeting_told_by_four_outlets_is_one_event(grouped):
    meeting = _meeting(grouped)
    assert set(meeting.articles) == {"art-andino", "art-radio", "art-portal", "art-voz"}
    assert (meeting.num_articles, meeting.num_outlets) == (4, 4)
    # the rewrite counts with its origin, the two EFE credits count once
    assert meeting.num_independent_sources == 2
    assert set(meeting.origins) == {"art-andino", "art-portal"}


def test_a_description_and_a_missing_end_fit_the_named_actor(grouped):
    meeting = _meeting(grouped)
    coded = {r.article for r in meeting.coded}
    assert coded == {"art-andino", "art-radio", "art-portal"}  # "el presidente uruguayo"; no target
    source, target = meeting.actors()
    assert {source.name, target.name} == {"Rosa Méndez", "Tomás Ferrer"}
    assert {source.code, target.code} == {"CHL GOV", "URY GOV"}


def test_an_uncoded_report_counts_as_a_mention(grouped):
    meeting = _meeting(grouped)
    [mention] = [r for r in meeting.reports if r.support == "mention"]
    assert mention.article == "art-voz" and mention.event.sentence == 0
    assert "art-voz" not in meeting.certainties.get("asserted", [])


def test_dates_text_before_publication_and_certainty_levels(grouped):
    meeting = _meeting(grouped)
    assert (meeting.date, meeting.when.precision, meeting.when.source) == ("2026-05-11", "day", "text")
    # one claim told as fact, one outlet crediting "fuentes diplomáticas": the weakest level shows
    assert meeting.certainty == "attributed"
    assert meeting.certainties == {"asserted": ["art-andino", "art-radio"], "attributed": ["art-portal"]}
    assert meeting.location == "Montevideo"


def test_look_alikes_are_other_events(grouped):
    consults = [e for e in grouped if e.type == "CONSULT"]
    by_article = {a: e for e in consults for a in e.articles}
    # a planned meeting, a meeting with someone else, the same pair months later in another story
    for other in ("art-plan", "art-costa", "art-later"):
        assert by_article[other] is not _meeting(grouped)
    assert by_article["art-plan"].certainty == "hypothetical"
    assert len({id(e) for e in consults}) == 4


def test_undated_reports_meet_only_inside_one_story(fixture):
    articles, _, _ = fixture
    a, b = (_undated_copy(articles[0], "u1"), _undated_copy(articles[0], "u2"))
    assert len(group_events([a, b], story_of={"u1": "s1", "u2": "s1"})) == 1
    assert len(group_events([a, b], story_of={"u1": "s1", "u2": "s2"})) == 2


def _undated_copy(article: Article, new_id: str) -> Article:
    events = [
        Event(e.type, e.mode, e.source, e.target, e.sentence, e.sentence_text, e.trigger, id=f"{new_id}-e0")
        for e in article.events
    ]
    return Article(
        id=new_id,
        source=new_id,
        raw=b"",
        raw_format="text",
        text=article.text,
        outlet=new_id,
        language="es",
        sentences=article.sentences,
        mentions=article.mentions,
        events=events,
    )


def test_publication_days_meet_within_the_reporting_gap(fixture):
    articles, _, _ = fixture
    a, b = (_undated_copy(articles[0], "p1"), _undated_copy(articles[0], "p2"))
    for art, day in ((a, "2026-05-12"), (b, "2026-05-20")):
        art.events[0].date, art.events[0].date_precision, art.events[0].date_source = day, "day", "published"
    assert len(group_events([a, b], story_of={"p1": "s", "p2": "s"})) == 2  # eight days apart
    b.events[0].date = "2026-05-14"
    assert len(group_events([a, b], story_of={"p1": "s", "p2": "s"})) == 1


def test_hedged_sentence_is_no_mention(fixture):
    articles, relations, stories = fixture
    voz = next(a for a in articles if a.id == "art-voz")
    hedged = Sentence(0, 0, 10, "Rosa Méndez posiblemente tuvo una reunión con Tomás Ferrer.")
    copy = Article(
        id="art-voz2",
        source="x",
        raw=b"",
        raw_format="text",
        text=hedged.text,
        outlet="Otro",
        language="es",
        sentences=[hedged],
        mentions=voz.mentions[:2],
    )
    found = group_events([*articles, copy], relations, story_of={**stories, "art-voz2": "st-visit"})
    assert "art-voz2" not in _meeting(found).articles


def test_date_source_is_recovered_for_stored_events(fixture):
    andino, radio = fixture[0][0], fixture[0][1]
    for article in (andino, radio):
        e = article.events[0]
        stored = Event(
            e.type,
            e.mode,
            e.source,
            e.target,
            e.sentence,
            e.sentence_text,
            e.trigger,
            date=e.date,
            date_precision=e.date_precision,
        )
        assert date_source_of(stored, article) == e.date_source


def test_story_view_entries_carry_the_counts(fixture):
    articles, relations, _ = fixture
    story = [a for a in articles if a.id != "art-later"]
    sources = independent_sources(story, relations, {"art-portal": "EFE", "art-voz": "EFE"})
    entries = [event_entry(m, None, sources) for m in merge_events(story)]
    meeting = next(e for e in entries if "art-andino" in e["citations"])
    assert (meeting["num_articles"], meeting["num_outlets"], meeting["independent_sources"]) == (4, 4, 2)
    assert meeting["num_independent_sources"] == 2 and meeting["source"] in ("Rosa Méndez", "Tomás Ferrer")
    assert len(meeting["sentences"]) == 4
    dated = timeline(entries)
    assert [t["date"] for t in dated if t["event"] == meeting["id"]] == ["2026-05-11"]
    # a publication day is when it was reported, not when it happened: no place on the timeline
    assert all(t["date_source"] == "text" for t in dated)
    assert any(e["date_source"] == "published" for e in entries)


def test_directed_events_get_no_mention_reports(fixture):
    articles, relations, stories = fixture
    andino = articles[0]
    aid = Event(
        "SUPPORT",
        "verbal",
        Actor("Rosa Méndez", None, "CHL", "GOV"),
        Actor("Tomás Ferrer", None, "URY", "GOV"),
        0,
        andino.sentences[0].text,
        "apoyó",
        id="s1-e0",
    )
    backer = Article(
        id="s1",
        source="s1",
        raw=b"",
        raw_format="text",
        text=andino.text,
        outlet="Uno",
        language="es",
        sentences=andino.sentences,
        mentions=andino.mentions,
        events=[aid],
    )
    said = Sentence(0, 0, 10, "Tomás Ferrer agradeció el apoyo de Rosa Méndez.")
    other = Article(
        id="s2",
        source="s2",
        raw=b"",
        raw_format="text",
        text=said.text,
        outlet="Dos",
        language="es",
        sentences=[said],
        mentions=[m for m in andino.mentions if m.label == "PER"],
    )
    [support] = [
        e for e in group_events([backer, other], story_of={"s1": "s", "s2": "s"}) if e.type == "SUPPORT"
    ]
    assert support.articles == ["s1"]


def test_the_country_entity_merging_settled_wins_over_one_actor_code():
    def article(aid: str, who: Actor, mentions: list[Mention]) -> Article:
        e = Event(
            "CONSULT",
            "meet",
            who,
            Actor("Ana Sol", None, "PER", "GOV"),
            0,
            "x",
            "met",
            date="2025-03-02",
            date_precision="day",
            id=f"{aid}-e0",
        )
        return Article(
            id=aid,
            source=aid,
            raw=b"",
            raw_format="text",
            text="x",
            outlet=aid,
            language="es",
            mentions=[*mentions, Mention("Ana Sol", "PER", 0, 7, 0, entity_id="per:sol", country="PER")],
            events=[e],
        )

    gil = [Mention("Luis Gil", "PER", 0, 8, 0, entity_id="per:gil", country="ESP")]
    misread = article("a", Actor("Luis Gil", None, "SAU", "GOV"), gil)  # "Gil" read as a place elsewhere
    described = article("b", Actor("ministro español", None, "ESP", "GOV"), [])
    [x] = group_events([misread, described])
    assert x.articles == ["a", "b"] and x.actors()[0].country == "ESP"
    assert len(group_events([misread, described], countries={})) == 2  # the actor's own code alone


# One group, one claim and one action: sentences written for these tests.


def _told(aid: str, outlet: str, etype: str, mode: str | None, certainty: str, sentence: str) -> Article:
    rus, prk = Actor("Rusia", "loc:russia", "RUS"), Actor("Corea del Norte", "loc:north-korea", "PRK")
    event = Event(etype, mode, rus, prk, 0, sentence, sentence.split()[1], certainty=certainty)
    mentions = [
        Mention("Rusia", "LOC", 0, 5, 0, entity_id="loc:russia", country="RUS"),
        Mention("Corea del Norte", "LOC", 0, 15, 0, entity_id="loc:north-korea", country="PRK"),
    ]
    return Article(
        id=aid,
        source="-",
        raw=b"",
        raw_format="text",
        text=sentence,
        outlet=outlet,
        language="es",
        sentences=[Sentence(0, 0, len(sentence), sentence)],
        mentions=mentions,
        events=[event],
    )


def test_an_alleged_report_is_never_grouped_with_reports_told_as_fact():
    articles = [
        _told("a1", "Diario", "AID", "military", "asserted", "Rusia envió armas a Corea del Norte."),
        _told("a2", "Radio", "AID", "military", "asserted", "Rusia entregó armas a Corea del Norte."),
        _told(
            "a3", "Portal", "AID", "military", "alleged", "Rusia supuestamente envió armas a Corea del Norte."
        ),
    ]
    groups = group_events(articles, story_of={"a1": "s", "a2": "s", "a3": "s"})
    by_article = {a: g for g in groups for a in g.articles}
    assert by_article["a1"] is by_article["a2"] and by_article["a3"] is not by_article["a1"]
    assert (by_article["a1"].certainty, by_article["a3"].certainty) == ("asserted", "alleged")


def test_a_group_shows_its_weakest_certainty():
    articles = [
        _told("b1", "Diario", "AID", "military", "asserted", "Rusia envió armas a Corea del Norte."),
        _told(
            "b2", "Radio", "AID", "military", "attributed", "Rusia envió armas a Corea del Norte, según Seúl."
        ),
    ]
    [group] = group_events(articles, story_of={"b1": "s", "b2": "s"})
    assert group.certainty == "attributed"
    assert group.certainties == {"asserted": ["b1"], "attributed": ["b2"]}


def test_different_actions_of_one_type_are_different_events():
    articles = [
        _told("c1", "Diario", "SUPPORT", "sign", "asserted", "Rusia firmó una alianza con Corea del Norte."),
        _told("c2", "Radio", "SUPPORT", "verbal", "asserted", "Rusia elogió la alianza con Corea del Norte."),
        _told(
            "c3", "Portal", "SUPPORT", None, "asserted", "Rusia estrechó su cooperación con Corea del Norte."
        ),
    ]
    groups = group_events(articles, story_of={"c1": "s", "c2": "s", "c3": "s"})
    assert sorted(g.mode or "" for g in groups) == ["", "sign", "verbal"]


def test_a_visit_and_the_meeting_held_during_it_are_one_occasion():
    articles = [
        _told("d1", "Diario", "CONSULT", "visit", "asserted", "Rusia visitó Corea del Norte."),
        _told("d2", "Radio", "CONSULT", "meet", "asserted", "Rusia se reunió con Corea del Norte."),
    ]
    [group] = group_events(articles, story_of={"d1": "s", "d2": "s"})
    assert group.num_articles == 2
