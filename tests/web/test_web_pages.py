"""Every page through FastAPI's TestClient: status, key content, and that article text is
always escaped (the fixture articles carry <script>, <b>, <a href="javascript:"> and a
javascript: url)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from crisol.service.exports import EVENT_CSV_COLUMNS
from crisol.store import open_store, queries
from crisol.web import create_web_app, mount

HOSTILE_TITLE = "Valdemora firma la ampliación del puerto"


@pytest.fixture(scope="module")
def client(web_db):
    with TestClient(create_web_app(web_db)) as c:
        yield c


@pytest.fixture(scope="module")
def store(web_db):
    with open_store(web_db) as s:
        yield s


@pytest.fixture(scope="module")
def hostile(store):
    """The fixture article whose title and text hold markup."""
    page = store.list_articles(limit=1000)
    found = [a for a in page.items if a.title and a.title.startswith(HOSTILE_TITLE)]
    assert found, "fixture article missing"
    return store.get_article(found[0].id)


class Tags(HTMLParser):
    """Collects start tags and checks that they are closed in order (void elements aside)."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "option", "col", "wbr"}
    # SVG shapes written self-closing in templates would be fine too; ours are closed explicitly.

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
        else:
            self.stack.pop()


def check_safe(html: str) -> Tags:
    """The page is well nested, runs only our own script, and has no handler or js: link."""
    parser = Tags()
    parser.feed(html)
    assert not parser.errors, parser.errors[:5]
    assert parser.stack == [], parser.stack
    scripts = [a for t, a in parser.starts if t == "script"]
    assert all(a.get("src", "").split("?")[0].endswith("/static/crisol.js") for a in scripts), scripts
    for tag, attrs in parser.starts:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src", "action"):
            assert not (attrs.get(key) or "").strip().lower().startswith("javascript:"), (tag, attrs)
    assert "<script>alert" not in html
    return parser


def test_home_lists_stories_and_escapes_titles(client, store):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    check_safe(r.text)
    assert "&lt;script&gt;alert(&#39;titulo&#39;)&lt;/script&gt;" in r.text
    for row in queries.list_stories(store, limit=3).items:
        assert f'/stories/{row["id"]}"' in r.text
    assert 'lang="en"' in r.text and 'aria-label="Main"' in r.text


def test_story_page_cites_sentences_and_aligns_rewrite(client, store, hostile):
    sid = next(r["id"] for r in queries.list_stories(store, limit=100).items if hostile.id in r["articles"])
    r = client.get(f"/stories/{sid}")
    assert r.status_code == 200
    check_safe(r.text)
    cites = re.findall(r'class="cite" href="/articles/([0-9a-f]+)#s-(\d+)"', r.text)
    assert cites, "summary citations link to sentences"
    aid, index = cites[0]
    article = store.get_article(aid)
    assert int(index) in {s.index for s in article.sentences}
    assert "Rewrites, sentence by sentence" in r.text and 'class="aligned"' in r.text
    assert "<del>12</del>" in r.text and "<ins>15</ins>" in r.text  # the changed words of the rewrite
    assert '<svg viewBox="0 0 640' in r.text  # the timeline
    assert "&lt;script&gt;" in r.text


def test_article_page_highlights_and_escapes(client, hostile):
    r = client.get(f"/articles/{hostile.id}")
    assert r.status_code == 200
    check_safe(r.text)
    for s in hostile.sentences:
        assert f'id="s-{s.index}"' in r.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in r.text
    assert "&lt;b&gt;volverá&lt;/b&gt;" in r.text
    assert 'lang="es"' in r.text
    assert 'class="ent ent-' in r.text and '<q class="quote' in r.text
    assert r.text.count("<details") >= 2  # removed boilerplate and raw input on demand
    assert "&#34;maintext&#34;" in r.text or "&quot;maintext&quot;" in r.text  # the raw JSON, as text
    assert 'href="https://www.gaceta-norte.example/valdemora-puerto"' in r.text


def test_article_with_javascript_url_is_not_linked(client, store):
    rows = [a for a in store.list_articles(limit=1000).items if (a.url or "").startswith("javascript:")]
    assert rows
    r = client.get(f"/articles/{rows[0].id}")
    assert r.status_code == 200
    check_safe(r.text)
    assert "original page" not in r.text


def test_raw_bytes_are_a_download(client, hostile):
    r = client.get(f"/articles/{hostile.id}/raw")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment")
    assert b"maintext" in r.content


def test_entity_page(client, store):
    top = queries.list_entities(store, limit=1).items[0]
    r = client.get(f"/entities/{top['id']}")
    assert r.status_code == 200
    check_safe(r.text)
    assert "All spellings" in r.text
    for a in top["aliases"][:3]:
        assert f"<td>{a['text']}</td>".replace("&", "&amp;") in r.text or a["text"] in r.text
    assert 'class="chart network"' in r.text
    by_name = client.get(f"/entities/{top['name']}")
    assert by_name.status_code == 200 and top["id"] in by_name.text


def test_events_page_filters_and_csv(client, store):
    events = queries.list_events(store, limit=queries.MAX_LIMIT).items
    assert events
    kind = events[0]["type"]
    r = client.get("/events", params={"type": kind.lower()})
    assert r.status_code == 200
    check_safe(r.text)
    n = queries.list_events(store, type=kind).total
    assert f'id="events-count">{n} event' in r.text
    assert '<label for="f-actor">' in r.text and 'class="bar"' in r.text
    csv = client.get("/events.csv", params={"type": kind})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].split(",") == EVENT_CSV_COLUMNS
    assert len(lines) >= n + 1


def test_events_bad_date_is_explained(client):
    r = client.get("/events", params={"since": "yesterday"})
    assert r.status_code == 400
    assert "is not a date" in r.text and 'role="alert"' in r.text
    assert client.get("/events.csv", params={"until": "x"}).status_code == 400


def test_events_by_actor(client, store):
    e = next(r for r in queries.list_events(store, limit=queries.MAX_LIMIT).items if r["source"])
    r = client.get("/events", params={"actor": e["source"]["name"]})
    assert r.status_code == 200
    assert 'id="events-count">0 events' not in r.text


def test_search_finds_and_highlights(client, hostile):
    r = client.get("/search", params={"q": "puerto Valdemora"})
    assert r.status_code == 200
    check_safe(r.text)
    assert "<mark>" in r.text
    assert f"/articles/{hostile.id}" in r.text
    empty = client.get("/search")
    assert empty.status_code == 200 and 'id="search-count"' not in empty.text


def test_search_snippet_keeps_text_escaped(client):
    r = client.get("/search", params={"q": "etiqueta"})
    assert r.status_code == 200
    check_safe(r.text)
    assert "&lt;script&gt;" in r.text


def test_missing_things_are_404_pages(client):
    for path in ("/stories/nothing-here", "/articles/ffffffffffffffff", "/entities/Zzyzx%20Qwv"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "No such" in r.text
    assert client.get("/articles/ffffffffffffffff/raw").status_code == 404
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/crisol.css").headers["content-type"].startswith("text/css")


def test_security_headers(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_mounted_beside_the_api(web_db):
    from crisol.api import create_app
    from crisol.api.app import API_PREFIX

    app = create_app(web_db, analyze=False)
    mount(app)
    with TestClient(app) as c:
        r = c.get("/")
        assert r.status_code == 200 and "<h1>Stories</h1>" in r.text
        assert 'href="/static/crisol.css' in r.text
        assert re.search(r'href="/stories/[^"]+"', r.text)
        assert c.get("/events").status_code == 200
        assert c.get(f"{API_PREFIX}/articles").status_code == 200  # the API is still there


def test_mounted_under_a_prefix(web_db):
    from fastapi import FastAPI

    from crisol.store import open_store
    from crisol.web import router

    app = FastAPI()
    app.include_router(router(open_store(web_db), "/ui"))
    with TestClient(app) as c:
        r = c.get("/ui/")
        assert r.status_code == 200
        assert 'href="/ui/static/crisol.css' in r.text and re.search(r'href="/ui/stories/[^"]+"', r.text)
        assert c.get("/ui/static/crisol.js").status_code == 200


def test_quote_hits_open_the_quote_sentence(client, hostile):
    r = client.get("/search", params={"q": "comarca", "kind": "quote"})
    assert r.status_code == 200
    quote = next(q for q in hostile.quotes if "comarca" in q.text)
    assert re.search(rf'href="/articles/[0-9a-f]+#s-{quote.sentence}"', r.text)
