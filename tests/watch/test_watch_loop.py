"""The watch loop against a loopback news server: what is stored, what is reported."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from crisol.store import open_store
from crisol.store.watch import WatchStore
from crisol.watch import Fetcher, SimulatedClock, Source, Watcher, canonical_url
from crisol.watch.status import source_status

DATE1 = "Fri, 14 Mar 2025 09:30:00 GMT"
DATE2 = "Fri, 14 Mar 2025 13:05:00 GMT"


def _publish(server, kit):
    """A Spanish and an English outlet on the test server."""
    server.page("/news/puerto.html", kit.fixture_page("puerto-v1.html"))
    server.page("/news/incendio.html", kit.fixture_page("incendio.html"))
    server.page("/en/council.html", kit.fixture_page("council.html"))
    server.page("/en/rail.html", kit.fixture_page("rail.html"))
    server.page(
        "/es.xml",
        kit.rss(
            [
                # the same article twice: once with tracking parameters and a fragment
                (server.url("/news/puerto.html?utm_source=rss&utm_medium=feed#top"), "Puerto", DATE1),
                (server.url("/news/puerto.html"), "Puerto", DATE1),
                (server.url("/news/incendio.html"), "Incendio", DATE1),
            ]
        ),
        "application/rss+xml",
    )
    server.page(
        "/en.xml",
        kit.rss(
            [
                (server.url("/en/council.html"), "Council", DATE1),
                (server.url("/en/rail.html"), "Rail", DATE1),
            ],
            "Harborview Gazette",
        ),
        "application/rss+xml",
    )


def _sources(server, **kw):
    es = Source(
        "Diario del Litoral",
        feeds=[server.url("/es.xml")],
        country="ESP",
        language="es",
        allow_private=True,
        interval=600,
        **kw,
    )
    en = Source(
        "Harborview Gazette",
        feeds=[server.url("/en.xml")],
        country="GBR",
        language="en",
        allow_private=True,
        interval=600,
        **kw,
    )
    return [es, en]


def _run(store, sources, config, **kw):
    with Fetcher(config, seed=3) as f:
        return Watcher(store, sources, f, analyze=False, workers=4, **kw).run(once=True)


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def test_one_poll_stores_each_article_once_with_its_outlet(server, kit, store, fast_config):
    _publish(server, kit)
    report = _run(store, _sources(server), fast_config)
    assert report.new == 4 and report.failed == 0 and report.polls == 2, list(report.errors)
    by_title = {a.title: a for a in store.iter_articles()}
    assert len(by_title) == 4
    puerto = by_title["El puerto de Valdecañas amplía su muelle de contenedores"]
    assert puerto.outlet == "Diario del Litoral" and puerto.language == "es"
    assert puerto.url == canonical_url(server.url("/news/puerto.html"))
    council = by_title["Harborview council approves new flood barrier after two-year debate"]
    assert council.outlet == "Harborview Gazette" and council.language == "en"
    assert server.page_hits()["/news/puerto.html"] == 1  # two spellings, one fetch


def test_a_second_poll_fetches_nothing_again(server, kit, store, fast_config):
    _publish(server, kit)
    _run(store, _sources(server), fast_config)
    before = server.page_hits("/news/") + server.page_hits("/en/")
    report = _run(store, _sources(server), fast_config)
    after = server.page_hits("/news/") + server.page_hits("/en/")
    assert report.new == 0 and report.listings_not_modified == 2  # feeds answered 304
    assert after == before and store.count_articles() == 4
    feed_requests = [h for _, path, h in server.log if path == "/es.xml"]
    assert "If-None-Match" in feed_requests[-1]


def test_a_feed_that_changes_between_polls_brings_only_the_new_item(server, kit, store, fast_config):
    _publish(server, kit)
    _run(store, _sources(server), fast_config)
    server.page("/news/extra.html", kit.fixture_page("rail.html").replace(b"eleven", b"twelve"))
    server.page(
        "/es.xml",
        kit.rss(
            [
                (server.url("/news/extra.html"), "Nuevo", DATE2),
                (server.url("/news/puerto.html"), "Puerto", DATE1),
                (server.url("/news/incendio.html"), "Incendio", DATE1),
            ]
        ),
    )
    report = _run(store, _sources(server), fast_config)
    assert report.new == 1 and report.discovered == 1
    assert server.page_hits()["/news/extra.html"] == 1 and server.page_hits()["/news/puerto.html"] == 1
    assert store.count_articles() == 5


def test_an_article_updated_in_place_becomes_a_linked_new_version(server, kit, store, fast_config):
    _publish(server, kit)
    sources = _sources(server, recheck=0)
    _run(store, sources, fast_config)
    server.page("/news/puerto.html", kit.fixture_page("puerto-v2.html"))
    report = _run(store, sources, fast_config)
    assert report.updated == 1 and report.pages_not_modified == 3  # the others answered 304
    url = canonical_url(server.url("/news/puerto.html"))
    versions = WatchStore(store).versions(url)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["previous_id"] == versions[0]["article_id"]
    old, new = (store.get_article(v["article_id"]) for v in versions)
    assert "estudio de ruido a la universidad" in new.text and "a la universidad" not in old.text
    assert store.count_articles() == 5


def test_an_update_announced_by_the_feed_is_refetched(server, kit, store, fast_config):
    _publish(server, kit)
    _run(store, _sources(server), fast_config)
    server.page("/news/puerto.html", kit.fixture_page("puerto-v2.html"))
    server.page(
        "/es.xml",
        kit.rss(
            [
                (server.url("/news/puerto.html"), "Puerto", DATE2),
                (server.url("/news/incendio.html"), "Incendio", DATE1),
            ]
        ),
    )
    report = _run(store, _sources(server), fast_config)
    assert report.updated == 1 and server.page_hits()["/news/incendio.html"] == 1


def test_one_failing_source_never_stops_the_others(server, kit, store, fast_config):
    _publish(server, kit)
    server.routes["/broken.xml"] = lambda h: kit.send(h, 500, b"down")
    broken = Source("Roto", feeds=[server.url("/broken.xml")], allow_private=True, interval=600)
    gone = Source("Cerrado", feeds=["http://127.0.0.1:9/feed.xml"], allow_private=True, interval=600)
    private = Source("Privado", feeds=[server.url("/en.xml")], interval=600)  # not allowed on loopback
    report = _run(store, [broken, gone, private, *_sources(server)], replace(fast_config, retries=1))
    assert report.new == 4 and report.polls_failed == 3
    status = {s.name: s for s in source_status(store)}
    assert status["Roto"].last_success is None and "HTTP 500" in status["Roto"].last_error
    assert "cannot connect" in status["Cerrado"].last_error
    assert "loopback address" in status["Privado"].last_error
    ok = status["Diario del Litoral"]
    assert ok.last_success is not None and ok.last_error is None and ok.articles == 2
    assert ok.articles_per_day == round(2 / 7, 2)


def test_pages_robots_disallows_are_not_fetched_and_are_reported(server, kit, store, fast_config):
    _publish(server, kit)
    server.routes["/robots.txt"] = lambda h: kit.send(h, 200, b"User-agent: *\nDisallow: /news/incendio\n")
    report = _run(store, _sources(server), fast_config)
    assert server.page_hits()["/news/incendio.html"] == 0 and report.failed == 1
    state = WatchStore(store).url_states([canonical_url(server.url("/news/incendio.html"))])
    (only,) = state.values()
    assert only.status == "failed" and "robots" in only.error
    assert any("robots.txt" in reason for _, _, reason in report.errors)


def test_pages_that_are_not_articles_are_rejected_with_a_reason(server, kit, store, fast_config):
    server.page("/news/foto.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 500, "image/jpeg")
    server.page("/news/vacia.html", b"<html><body><nav><a href='/'>Portada</a></nav></body></html>")
    server.page(
        "/es.xml",
        kit.rss(
            [(server.url("/news/foto.jpg"), "Foto", DATE1), (server.url("/news/vacia.html"), "Vacia", DATE1)]
        ),
    )
    report = _run(store, _sources(server)[:1], fast_config)
    reasons = sorted(reason for _, _, reason in report.errors)
    assert any("JPEG image" in r for r in reasons) and report.rejected == 1
    assert store.count_articles() == 0


def test_a_stopped_run_resumes_without_refetching(server, kit, store, fast_config):
    _publish(server, kit)
    config = replace(fast_config, delay=0.4)  # slow enough to stop midway
    with Fetcher(config) as f:
        Watcher(store, _sources(server)[:1], f, analyze=False).run(max_duration=0.5)
    first = store.count_articles()
    assert first < 2 and WatchStore(store).count_urls("pending") == 2 - first
    server.page("/es.xml", kit.rss([]))  # the feed moved on: the pending items come from the store
    report = _run(store, _sources(server)[:1], fast_config)
    assert store.count_articles() == 2 and report.new == 2 - first
    assert all(n == 1 for n in server.page_hits().values())


def test_an_alias_through_redirect_and_amp_is_stored_once(server, kit, store, fast_config):
    server.page("/news/puerto.html", kit.fixture_page("puerto-v1.html"))
    server.routes["/p/123"] = lambda h: kit.send(h, 301, b"", {"Location": "/news/puerto.html"})
    server.page("/es.xml", kit.rss([(server.url("/news/puerto.html"), "Puerto", DATE1)]))
    _run(store, _sources(server)[:1], fast_config)
    server.page(
        "/es.xml",
        kit.rss(
            [(server.url("/p/123"), "Puerto", DATE1), (server.url("/news/puerto.html/amp"), "Puerto", DATE1)]
        ),
    )
    report = _run(store, _sources(server)[:1], fast_config)
    assert store.count_articles() == 1 and report.new == 0
    assert server.page_hits()["/news/puerto.html"] == 2  # the redirect was followed once, then known


def test_an_hour_of_simulated_polling_runs_in_seconds(server, kit, store, fast_config):
    _publish(server, kit)
    clock = SimulatedClock(start=datetime(2025, 3, 14, 12, tzinfo=timezone.utc).timestamp())
    with Fetcher(replace(fast_config, delay=1.0), clock=clock) as f:
        report = Watcher(store, _sources(server), f, analyze=False).run(max_duration=3600)
    assert report.polls == 12  # two sources, every 600 s, at 0, 600... 3000
    assert report.new == 4 and report.listings_not_modified == 10
    polls = WatchStore(store).polls("Diario del Litoral")
    assert polls[0].started.isoformat().startswith("2025-03-14T12:50")


def test_articles_are_annotated_and_their_outlet_country_is_known(server, kit, store, fast_config):
    _publish(server, kit)
    seen = []

    def annotate(article):
        seen.append(article.id)
        article.analysis = "full"
        return article

    with Fetcher(fast_config) as f:
        Watcher(store, _sources(server)[:1], f, analyze=True, annotator=annotate).run(once=True)
    assert len(seen) == 2
    for article_id in seen:
        assert store.get_article(article_id).analysis == "full"
        outlet = WatchStore(store).outlet_of(article_id)
        assert (
            outlet["name"] == "Diario del Litoral" and outlet["country"] == "ESP" and outlet["version"] == 1
        )


SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-2025-03.xml</loc><lastmod>2025-03-31</lastmod></sitemap>
</sitemapindex>"""
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{base}/news/puerto.html</loc>
    <news:news><news:title>Puerto</news:title><news:publication_date>2025-03-14</news:publication_date></news:news>
  </url>
  <url><loc>{base}/news/incendio.html</loc><lastmod>2025-08-02</lastmod></url>
</urlset>"""


def test_sitemap_indexes_and_news_sitemaps_are_followed(server, kit, store, fast_config):
    _publish(server, kit)
    base = server.url("")
    server.page("/sitemap.xml", SITEMAP_INDEX.format(base=base).encode(), "application/xml")
    server.page("/sitemap-2025-03.xml", SITEMAP.format(base=base).encode(), "application/xml")
    src = Source(
        "Diario del Litoral", sitemaps=[server.url("/sitemap.xml")], language="es", allow_private=True
    )
    report = _run(store, [src], fast_config)
    assert report.new == 2 and report.polls == 1 and store.count_articles() == 2


def test_a_broken_feed_is_reported_at_every_poll(server, kit, store, fast_config):
    server.page("/es.xml", b"<html><body><p>Estamos en mantenimiento</p></body></html>")
    src = _sources(server)[:1]
    for _ in range(2):
        report = _run(store, src, fast_config)
        assert report.polls_failed == 1
        assert any("not a feed or sitemap: the response is an HTML page" in r for _, _, r in report.errors)
    (status,) = source_status(store)
    assert status.consecutive_errors == 2 and status.failed_polls == 2


def test_a_shared_or_home_page_rel_canonical_does_not_merge_different_articles(
    server, kit, store, fast_config
):
    home = b'<link rel="canonical" href="/">'
    shared = b'<link rel="canonical" href="/economia/puerto-valdecanas-muelle.html">'
    server.page("/news/a.html", kit.fixture_page("incendio.html").replace(b"<head>", b"<head>" + home))
    server.page("/news/b.html", kit.fixture_page("rail.html").replace(b"<head>", b"<head>" + home))
    server.page("/news/c.html", kit.fixture_page("puerto-v1.html"))  # declares `shared` itself
    server.page("/news/d.html", kit.fixture_page("council.html").replace(b"<head>", b"<head>" + shared))
    server.page("/es.xml", kit.rss([(server.url(f"/news/{x}.html"), x, DATE1) for x in "abcd"]))
    report = _run(store, _sources(server)[:1], fast_config)
    assert report.new == 4 and store.count_articles() == 4
