"""A fetched page becomes a :class:`RawArticle` for the pipeline: sniffed (is it a page at all?),
decoded with the readers' charset rules, and labelled with its outlet's metadata.

>>> from crisol.watch.fetch import Response
>>> from crisol.watch.sources import Source
>>> resp = Response("https://diario.test/a", 200, {"content-type": "text/html; charset=utf-8"},
...                 "<html><body><p>Año nuevo</p></body></html>".encode(), "https://diario.test/a")
>>> raw = page_to_raw(resp, Source("Diario", feeds=["https://diario.test/rss"], language="es"),
...                   "https://diario.test/a", "2025-06-05T10:00:00+00:00")
>>> raw.meta["outlet"], raw.meta["language"], raw.format
('Diario', 'es', 'html')
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from crisol.model import RawArticle
from crisol.read.decode import Undecodable, decode, meta_charset
from crisol.read.sniff import binary_kind, sniff
from crisol.watch.fetch import FetchError, Response
from crisol.watch.listing import Item
from crisol.watch.sources import Source

_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical\b)[^>]*\bhref\s*=\s*["']([^"'>\s]+)""", re.I
)


def page_to_raw(
    resp: Response, source: Source, url: str, fetched: str, item: Item | None = None
) -> RawArticle:
    """The page as a raw article (``source`` = its canonical URL); FetchError if it is no page."""
    head = resp.body[:65536]
    kind = sniff(head)
    if kind == "binary":
        raise FetchError(url, f"not a web page: the response is a {binary_kind(head)}", "not-html")
    if kind in ("rss", "atom"):
        raise FetchError(url, "not an article page: the response is a feed", "not-html")
    if kind != "html" and "html" not in resp.content_type:
        shown = resp.content_type or "no Content-Type"
        raise FetchError(url, f"not an HTML page ({shown}; the bytes look like {kind})", "not-html")
    try:
        html, encoding = decode(resp.body, [resp.charset, meta_charset(head)])
    except Undecodable as e:
        raise FetchError(url, f"page text cannot be decoded: {e}", "not-html") from None
    meta: dict[str, Any] = {
        "html": html,
        "url": url,
        "fetched": fetched,
        "outlet": source.name,
        "encoding": encoding,
        "final_url": resp.url,
    }
    if source.language:
        meta["language"] = source.language
    if source.country:
        meta["country"] = source.country
    if item is not None and item.date:
        meta["date"], meta["date_field"] = item.date, "feed"
    return RawArticle(source=url, data=resp.body, format="html", meta=meta)


def declared_canonical(html: str, base: str) -> str | None:
    """The page's own ``<link rel="canonical">``, absolute, if it has one.

    >>> declared_canonical('<link href="/nota" rel="canonical">', "https://m.diario.test/nota/amp")
    'https://m.diario.test/nota'
    """
    m = _CANONICAL.search(html[:200_000])
    return urljoin(base, m.group(1)) if m else None
