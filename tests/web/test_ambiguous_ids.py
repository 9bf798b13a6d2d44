"""An id prefix shared by several articles is the reader's ambiguity, not a server fault:
the pages and the REST API answer 409 naming the matches, never a 5xx."""

from __future__ import annotations

from collections import Counter

import httpx

from crisol.store import open_store


def _shared_prefix(db: str) -> str:
    with open_store(db) as store:
        ids = [a.id for a in store.list_articles(limit=500).items]
    prefix, count = Counter(i[0] for i in ids).most_common(1)[0]
    assert count > 1, "the test store needs two article ids with one first character"
    return prefix


def test_an_ambiguous_prefix_is_a_409_on_pages_and_api(web_db, served_url):
    prefix = _shared_prefix(web_db)
    with httpx.Client(base_url=served_url, timeout=60) as client:
        for path in (f"/stories/{prefix}", f"/articles/{prefix}"):
            page = client.get(path)
            assert page.status_code == 409, (path, page.status_code)
            assert "matches several articles" in page.text and "Which" in page.text
        api = client.get(f"/api/stories/{prefix}")
        assert api.status_code == 409 and api.json()["type"].endswith("ambiguous-id")
        assert client.get(f"/api/articles/{prefix}").status_code == 409
