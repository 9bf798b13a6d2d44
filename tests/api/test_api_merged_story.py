"""A merged story's address leads to the story it was merged into (issue 11, item 17).

While an ingest runs, the linker merges stories; a reader holding the old id (a listing fetched a
moment ago, a bookmark) got 404. /api/stories/{id} and the page /stories/{id} now redirect to the
story it is part of, following chains of merges, and never loop.
"""

from __future__ import annotations

import warnings
from datetime import datetime

import pytest

from crisol.store import open_store
from crisol.store.link import LinkStore
from crisol.store.schema import stories, story_articles
from crisol.web.app import create_web_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

NOW = datetime(2025, 3, 6, 12, 0)


def _story(sid: str, merged_into: str | None, size: int = 0) -> dict:
    return {
        "id": sid,
        "title": f"Story {sid}",
        "language": "es",
        "size": size,
        "first": NOW,
        "last": NOW,
        "merged_into": merged_into,
        "updated": NOW,
    }


@pytest.fixture
def merged_db(db_url, fixture_articles):
    """Two live stories and merged ones: s-old → s-mid → s-live (a chain), s-direct → s-live,
    a loop (s-loop-a ↔ s-loop-b) and s-dangling → a story that is not there."""
    pleno = [a for a in fixture_articles if a.title.startswith(("El pleno", "Quiroga"))]
    with open_store(db_url) as store:
        store.add_articles(pleno)
        with store.engine.begin() as conn:
            conn.execute(
                stories.insert(),
                [
                    _story("s-live", None, size=len(pleno)),
                    _story("s-mid", "s-live"),
                    _story("s-old", "s-mid"),
                    _story("s-direct", "s-live"),
                    _story("s-loop-a", "s-loop-b"),
                    _story("s-loop-b", "s-loop-a"),
                    _story("s-dangling", "s-gone"),
                ],
            )
            conn.execute(
                story_articles.insert(),
                [
                    {"article_id": a.id, "story_id": "s-live", "score": 1.0, "position": i}
                    for i, a in enumerate(pleno)
                ],
            )
    return db_url


def test_merges_are_followed_to_the_live_story(merged_db):
    with open_store(merged_db) as store:
        assert LinkStore(store).merged_target("s-direct") == "s-live"
        assert LinkStore(store).merged_target("s-old") == "s-live"  # two hops
        assert LinkStore(store).merged_target("s-live") is None  # live: no redirect
        assert (
            LinkStore(store).merged_target("s-loop-a") is None
            and LinkStore(store).merged_target("s-dangling") is None
        )
        assert LinkStore(store).merged_target("nothing") is None


@pytest.mark.parametrize("old", ["s-old", "s-mid", "s-direct"])
def test_the_api_redirects_a_merged_story_to_the_one_it_is_part_of(make_client, merged_db, old):
    with make_client(merged_db) as client:
        r = client.get(f"/stories/{old}", follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"].endswith("/api/stories/s-live")
        followed = client.get(f"/stories/{old}")
        assert followed.status_code == 200 and followed.json()["id"] == "s-live"
        assert len(followed.json()["articles"]) == 2


@pytest.mark.parametrize("sid", ["s-loop-a", "s-dangling", "s-gone"])
def test_a_looping_or_dangling_merge_is_a_404_problem_not_a_redirect_loop(make_client, merged_db, sid):
    with make_client(merged_db) as client:
        r = client.get(f"/stories/{sid}", follow_redirects=False)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_the_story_page_of_a_merged_story_redirects_too(merged_db):
    with TestClient(create_web_app(merged_db)) as pages:
        r = pages.get("/stories/s-old", follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"] == "/stories/s-live"
        page = pages.get("/stories/s-old")
        assert page.status_code == 200 and str(page.url).endswith("/stories/s-live")
        assert pages.get("/stories/s-loop-a", follow_redirects=False).status_code == 404


def test_the_openapi_document_says_a_merged_story_redirects(make_client, merged_db):
    with make_client(merged_db) as client:
        spec = client.get("http://testserver/openapi.json").json()
    assert "307" in spec["paths"]["/api/stories/{id}"]["get"]["responses"]
