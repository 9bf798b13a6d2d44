"""A story has one title: the listing (/api/stories, ``crisol stories``) and the story in full
(/api/stories/{id}, ``crisol story ID``) show the same one, cheaply read from the story row."""

from __future__ import annotations

from datetime import datetime

from crisol.service import views
from crisol.store import open_store, queries
from crisol.store.schema import stories, story_articles


def test_the_listing_and_the_full_story_show_the_same_title(client):
    listed = {s["id"]: s["title"] for s in client.get("/stories").json()["data"]}
    assert listed and all(listed.values())
    for sid, title in listed.items():
        assert client.get(f"/stories/{sid}").json()["title"] == title
    # the stored title is not any member's headline here: the full view did not re-choose it
    assert listed["s-elecciones"] == "Elecciones anticipadas en Valdemora"


def test_a_story_without_any_headline_is_titled_by_its_first_articles_lead(db_url, fixture_articles):
    harbour = [a for a in fixture_articles if a.outlet == "Harbour Times"]
    for a in harbour:
        a.title = None
    now = datetime(2025, 3, 6, 12, 0)
    with open_store(db_url) as store:
        store.add_articles(harbour)
        with store.engine.begin() as conn:
            conn.execute(
                stories.insert().values(
                    id="s-untitled",
                    title=None,
                    language="en",
                    size=len(harbour),
                    first=now,
                    last=now,
                    merged_into=None,
                    updated=now,
                )
            )
            conn.execute(
                story_articles.insert(),
                [
                    {"article_id": a.id, "story_id": "s-untitled", "score": 1.0, "position": i}
                    for i, a in enumerate(harbour)
                ],
            )
        listed = queries.list_stories(store).items[0]
        full = views.get_story(store, "s-untitled")
    lead = " ".join(harbour[0].text.split())
    assert listed["title"] and lead.startswith(listed["title"].rstrip("…"))
    assert len(listed["title"]) <= queries.TITLE_CHARS
    assert full["title"] == listed["title"]
