"""URL canonicalisation: one article, one key."""

from __future__ import annotations

import pytest

from crisol.watch.urls import UnsupportedURL, canonical_url, fetchable_url, host_of

SAME = [
    ("https://www.diario.test/mundo/nota-123.html", [
        "https://www.diario.test/mundo/nota-123.html?utm_source=twitter&utm_medium=social",
        "https://www.diario.test/mundo/nota-123.html#comentarios",
        "https://WWW.Diario.TEST:443/mundo/nota-123.html",
        "https://www.diario.test/mundo/./seccion/../nota-123.html?fbclid=IwAR0abc",
        "https://www.diario.test/mundo/nota-123.html?gclid=x&mc_cid=y&_ga=2.1",
        "https://m.www.diario.test/mundo/nota-123.html",
        "https://www.diario.test/mundo/nota-123.amp.html",
        "https://www.diario.test/mundo/nota-123.html?outputType=amp",
        "https://www-diario-test.cdn.ampproject.org/c/s/www.diario.test/mundo/nota-123.html",
    ]),
    ("https://gazette.test/local/flood-barrier", [
        "https://m.gazette.test/local/flood-barrier",
        "https://mobile.gazette.test/local/flood-barrier",
        "https://amp.gazette.test/local/flood-barrier",
        "https://gazette.test/local/flood-barrier/amp",
        "https://gazette.test/amp/local/flood-barrier",
        "https://gazette.test/local/flood-barrier?amp=1",
        "https://gazette.test/local/flood-barrier?amp",
    ]),
]  # fmt: skip


@pytest.mark.parametrize("canonical, variants", SAME)
def test_variants_of_one_article_share_a_canonical_url(canonical, variants):
    assert canonical_url(canonical) == canonical
    for v in variants:
        assert canonical_url(v) == canonical, v


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://diario.test/nota?id=7", "https://diario.test/nota?id=8"),  # a real parameter
        ("http://diario.test/nota", "https://diario.test/nota"),  # scheme kept
        ("https://diario.test:8443/nota", "https://diario.test/nota"),  # non-default port kept
        ("https://diario.test/nota?output=json", "https://diario.test/nota"),  # not an AMP value
        ("https://m.test/nota", "https://test/nota"),  # "m.test" is the whole domain
        ("https://diario.test/camp", "https://diario.test/c"),  # "amp" inside a word
    ],
)
def test_different_articles_stay_different(a, b):
    assert canonical_url(a) != canonical_url(b)


def test_query_parameters_are_sorted_and_default_ports_dropped():
    assert canonical_url("http://diario.test:80/a?b=2&a=1") == "http://diario.test/a?a=1&b=2"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://diario.test/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "/relativa",
        "mailto:a@b.test",
        "https:///sin-host",
        "http://diario.test:99999/",
    ],
)
def test_anything_but_http_urls_is_refused_with_a_reason(url):
    with pytest.raises(UnsupportedURL) as e:
        canonical_url(url)
    assert url in str(e.value)


def test_fetchable_url_only_drops_tracking():
    assert fetchable_url("https://m.diario.test/a?utm_campaign=x&id=3#f") == "https://m.diario.test/a?id=3"


def test_host_of_is_the_politeness_key():
    assert host_of("https://Diario.test:443/a") == "diario.test"
    assert host_of("http://127.0.0.1:8080/a") == "127.0.0.1:8080"


def test_international_hosts_become_punycode():
    assert canonical_url("https://periódico.test/año") == "https://xn--peridico-y3a.test/a%C3%B1o"
