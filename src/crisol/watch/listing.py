"""What a source lists: the items of an RSS/Atom feed (parsed by feedparser, as the readers do)
or the URLs of a sitemap (``urlset``, Google News sitemaps, ``sitemapindex``).

>>> rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
...        b'<item><title>Uno</title><link>https://diario.test/a?utm_source=rss</link>'
...        b'<pubDate>Thu, 05 Jun 2025 10:00:00 GMT</pubDate></item></channel></rss>')
>>> [(i.link, i.title) for i in parse_listing(rss, "https://diario.test/rss")]
[('https://diario.test/a?utm_source=rss', 'Uno')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

import feedparser
from lxml import etree

from crisol.read.sniff import binary_kind, sniff
from crisol.watch.fetch import FetchError

MAX_ITEMS = 1000  # per listing; a feed or sitemap longer than this is read from its top
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass
class Item:
    """One entry of a listing: an article link, or a child sitemap of a sitemap index."""

    link: str
    title: str | None = None
    date: str | None = None  # the listing's updated (else published) stamp, as written
    kind: Literal["page", "sitemap"] = "page"


def parse_listing(body: bytes, url: str, max_items: int = MAX_ITEMS) -> list[Item]:
    """The items of a feed or sitemap; raises :class:`FetchError` (kind ``not-a-feed``) otherwise."""
    kind = sniff(body[:65536])
    if kind in ("rss", "atom"):
        return _feed_items(body, url)[:max_items]
    if kind == "xml":
        return _sitemap_items(body, url)[:max_items]
    what = binary_kind(body[:65536]) or ("an HTML page" if kind == "html" else f"{kind} data")
    raise FetchError(url, f"not a feed or sitemap: the response is {what}", "not-a-feed")


def _feed_items(body: bytes, url: str) -> list[Item]:
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None
        )
        if not link:
            continue
        date = dict.get(entry, "updated") or dict.get(entry, "published")
        items.append(Item(urljoin(url, link.strip()), (entry.get("title") or "").strip() or None, date))
    if not items and parsed.get("bozo") and not parsed.entries:
        raise FetchError(url, f"feed could not be parsed: {parsed.get('bozo_exception')}", "not-a-feed")
    return items


def _sitemap_items(body: bytes, url: str) -> list[Item]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise FetchError(url, f"sitemap is not valid XML: {e}", "not-a-feed") from None
    if root is None:
        raise FetchError(url, "sitemap is empty", "not-a-feed")
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise FetchError(url, f"XML with a <{tag}> root is neither a feed nor a sitemap", "not-a-feed")
    child_kind = "sitemap" if tag == "sitemapindex" else "page"
    items = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = _text(node, "loc")
        if not loc:
            continue
        title = _text(node, f"{_NEWS_NS}news/{_NEWS_NS}title")
        date = _text(node, "lastmod") or _text(node, f"{_NEWS_NS}news/{_NEWS_NS}publication_date")
        items.append(Item(urljoin(url, loc), title, date, child_kind))
    if child_kind == "sitemap":  # newest child sitemaps first: that is where new articles are
        items.sort(key=lambda i: i.date or "", reverse=True)
    return items


def _text(node, path: str) -> str | None:
    found = node.find(path if path.startswith("{") else f"{_SITEMAP_NS}{path}")
    if found is None and not path.startswith("{"):
        found = node.find(path)  # sitemaps without the namespace
    text = (found.text or "").strip() if found is not None else ""
    return text or None
