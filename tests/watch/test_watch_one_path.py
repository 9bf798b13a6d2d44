"""The watch door of the one ingest path: a watched article is annotated, stored, placed in a
story, found by search and shown in its story's view, without running another command."""

from __future__ import annotations

import pytest

from crisol.service.views import stored_story_view
from crisol.store import open_store
from crisol.store import search as fts
from crisol.store.link import LinkStore
from crisol.watch import Fetcher, Source, Watcher

DATE = "Fri, 14 Mar 2025 09:30:00 GMT"


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "watch.db"))
    yield s
    s.close()


def test_a_watched_article_reaches_its_story_search_and_view(server, kit, store, fast_config):
    server.page("/news/incendio.html", kit.fixture_page("incendio.html"))
    server.page(
        "/es.xml", kit.rss([(server.url("/news/incendio.html"), "Incendio", DATE)]), "application/rss+xml"
    )
    source = Source(
        "Diario del Litoral",
        feeds=[server.url("/es.xml")],
        country="ESP",
        language="es",
        allow_private=True,
        interval=600,
    )
    with Fetcher(fast_config) as f:
        report = Watcher(store, [source], f, analyze=True).run(once=True)
    assert report.new == 1, list(report.errors)
    (article,) = list(store.iter_articles())
    assert article.analysis == "full"
    links = LinkStore(store)
    story = links.story_of(article.id)
    assert story is not None
    word = next(w for w in article.title.split() if len(w) > 5)
    assert article.id in {h.article_id or h.ref for h in fts.search(store, word).hits}
    assert article.id in stored_story_view(store, story)["articles"]
