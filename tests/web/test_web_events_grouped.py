"""The events page shows events across sources (how many articles, outlets and independent
sources report each, with links to the articles) above each article's report, and a story is
called the same on the home page and on its own page."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from crisol.service import events
from crisol.store import open_store, queries
from crisol.web import create_web_app


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_web_app(web_db)) as c:
        yield c


@pytest.fixture(scope="module")
def store(web_db):
    with open_store(web_db) as s:
        yield s


def _counts(e: dict) -> str:
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
    return (
        f"{plural(e['num_articles'], 'article')} / {plural(e['num_outlets'], 'outlet')} / "
        f"{plural(e['num_independent_sources'], 'independent source')}"
    )


def test_grouped_events_show_their_counts_and_link_their_articles(client, store):
    grouped = events.list_cross_events(store, limit=100)
    assert grouped.total > 0
    page = client.get("/events")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'id="grouped-heading"' in page.text and f"{grouped.total} event" in text
    top = grouped.items[0]
    assert _counts(top) in text
    for aid in top["articles"]:
        assert f'href="/articles/{aid}' in page.text
    # the per-article table is still there, with its CSV
    assert 'id="events-count"' in page.text and "/events.csv" in page.text


def test_grouped_events_follow_the_filters(client, store):
    top = events.list_cross_events(store, limit=1).items[0]
    page = client.get("/events", params={"type": top["type"].lower()})
    expected = events.list_cross_events(store, type=top["type"]).total
    assert f"{expected} event{'' if expected == 1 else 's'} told by" in html.unescape(page.text)
    assert _counts(top) in html.unescape(page.text)


def test_a_selection_too_broad_to_group_says_how_to_narrow_it(client, monkeypatch):
    monkeypatch.setattr(events, "MAX_GROUPED_REPORTS", 1)
    page = client.get("/events")
    assert page.status_code == 200
    assert 'id="grouped-too-broad"' in page.text and "shorter date window" in page.text
    assert 'id="events-count"' in page.text


def test_a_story_has_the_same_title_on_the_home_page_and_its_own(client, store):
    listed = queries.list_stories(store, sort="-size", limit=3).items
    assert listed
    for s in listed:
        page = client.get(f"/stories/{s['id']}")
        assert page.status_code == 200
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page.text, re.S)
        assert h1 and html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).strip() == s["title"]


def test_an_event_dated_only_by_publication_reads_as_reported_then(client, store):
    grouped = events.list_cross_events(store, limit=100).items
    stand_ins = [e for e in grouped if e["date_source"] == "published"]
    told = [e for e in grouped if e["date_source"] == "text" and e["date_precision"] == "day"]
    assert stand_ins and told  # examples/ has both kinds
    page = html.unescape(client.get("/events").text)
    assert f"reported {stand_ins[0]['date']}" in page and f"on {told[0]['date']}" in page
