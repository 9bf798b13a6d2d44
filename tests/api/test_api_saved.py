"""Saved searches over HTTP: /api/saved (create, list, read what is new, mark seen, delete), the
Atom feed of each (feedparser reads it without complaint and finds the new articles), and the
pages' "save this search" form, which passes the write guard only from the server's own origin.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

from datetime import datetime, timezone

import feedparser
import pytest
from fastapi.testclient import TestClient

from crisol.api import create_app
from crisol.api.guard import LOOPBACK_NAMES, Guard
from crisol.model import Article
from crisol.store import open_store
from crisol.store.search import index_articles
from crisol.web.app import mount

TOKEN = "t0k3n-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _article(n: int, text: str, language: str = "es") -> Article:
    return Article(
        id=f"{n:016x}", source=f"/in/{n}.txt", raw=text.encode(), raw_format="text", text=text,
        title=f"Nota {n} <b>&</b>", outlet="Diario del Sur", language=language,
        published=datetime(2025, 4, n, 9, tzinfo=timezone.utc),
    )  # fmt: skip


def _add(url: str, *articles: Article) -> None:
    with open_store(url) as db:
        db.add_articles(list(articles))
        index_articles(db, articles)


@pytest.fixture
def served(db_url):
    """(client, store url): the API and the pages, as ``crisol serve`` assembles them, with a token."""
    app = create_app(db_url, analyze=False, guard=Guard(LOOPBACK_NAMES, TOKEN))
    mount(app)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client, db_url


def test_crud_and_what_is_new(served):
    client, url = served
    _add(url, _article(1, "La sequía limita el riego."))
    assert client.post("/api/saved", json={"kind": "search", "target": "sequía"}).status_code == 401
    made = client.post(
        "/api/saved", json={"kind": "search", "target": "sequía", "language": "es"}, headers=AUTH
    )
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    assert made.json()["name"] == "search: sequía" and made.json()["new"] == 0

    _add(url, _article(2, "Otra sequía en el valle."), _article(3, "Drought: la sequía en inglés.", "en"))
    listed = client.get("/api/saved").json()
    assert listed["count"] == 1 and listed["data"][0]["new"] == 1
    one = client.get(f"/api/saved/{sid}").json()
    assert [i["article"]["id"] for i in one["items"]] == [f"{2:016x}"]

    _add(url, _article(4, "La sequía sigue."))  # after the GET: marking its horizon keeps this one new
    seen = client.post(f"/api/saved/{sid}/seen", json=one["horizon"], headers=AUTH)
    assert seen.status_code == 200 and seen.json()["new"] == 1
    assert [i["article"]["id"] for i in client.get(f"/api/saved/{sid}").json()["items"]] == [f"{4:016x}"]

    bad = client.post("/api/saved", json={"kind": "entity", "target": "Nadie"}, headers=AUTH)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert client.get("/api/saved/999").status_code == 404
    assert client.delete(f"/api/saved/{sid}", headers=AUTH).status_code == 204
    assert client.get("/api/saved").json()["count"] == 0


def test_the_atom_feed_is_valid_and_lists_the_new_articles(served):
    client, url = served
    _add(url, _article(1, "El puerto reabrió."))
    sid = client.post("/api/saved", json={"kind": "search", "target": "puerto", "name": "Puertos & más"},
                      headers=AUTH).json()["id"]  # fmt: skip
    _add(url, _article(2, "El puerto cerró."), _article(3, "Un puerto nuevo."), _article(4, "Nada que ver."))

    answer = client.get(f"/saved/{sid}/feed.atom")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == "crisol: Puertos & más"
    assert feed.feed.id == f"http://127.0.0.1:8000/saved/{sid}/feed.atom" and feed.feed.updated
    links = [e.link for e in feed.entries]
    assert links == [f"http://127.0.0.1:8000/articles/{n:016x}" for n in (3, 2, 1)]  # newest first
    assert all(e.id == e.link and e.updated for e in feed.entries)
    assert feed.entries[0].title == "Nota 3 <b>&</b>"  # escaped in the XML, text again once parsed
    assert client.get(links[0].removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert client.get("/saved/999/feed.atom").status_code == 404


def test_the_pages_form_saves_from_the_own_origin_with_the_cookie_only(served):
    client, url = served
    form = {"kind": (None, "search"), "target": (None, "puerto"), "name": (None, "desde la página")}
    own = {"Origin": "http://127.0.0.1:8000"}
    assert client.post("/saved", files=form, headers=own).status_code == 401  # no token yet
    assert client.get(f"/saved?token={TOKEN}").status_code == 200  # sets the cookie
    foreign = client.post("/saved", files=form, headers={"Origin": "http://evil.test"})
    assert foreign.status_code == 403
    urlencoded = client.post("/saved", data={"kind": "search", "target": "x"}, headers=own)
    assert urlencoded.status_code == 415  # what a foreign page could send without asking
    saved = client.post("/saved", files=form, headers=own, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/saved"
    page = client.get("/saved").text
    assert "desde la página" in page and "0 new" in page and "feed.atom" in page


def test_save_buttons_on_the_search_page(served):
    client, url = served
    _add(url, _article(1, "El puerto reabrió."))
    page = client.get("/search?q=puerto").text
    assert 'class="save-search' in page and 'name="target" value="puerto"' in page
    assert 'enctype="multipart/form-data"' in page
