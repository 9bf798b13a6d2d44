"""RSS 2.0 / RSS 1.0 and Atom feeds, parsed by feedparser: one article per item.

An item's text is its full content (``content:encoded``, Atom ``<content>``) when present, else
its summary or description. Broken XML is still read by feedparser's lenient parser; the items
it recovers are kept and the XML error is reported once.
"""

from __future__ import annotations

import json
import re
import xml.sax
from collections.abc import Iterator
from typing import Any

import feedparser

from crisol.model import RawArticle, Rejection
from crisol.read.guard import guarded
from crisol.read.inputs import InputFile
from crisol.read.limits import MAX_FEED_BYTES, human_size
from crisol.read.sniff import sniff
from crisol.read.stream import ByteStream, StreamBroken, TooLarge

# An item or entry element with its end tag (namespace prefixes allowed, <items> excluded).
_ITEM = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(item|entry)(?=[\s>])[^>]*(?<!/)>.*?</(?:[A-Za-z_][\w.-]*:)?\1\s*>",
    re.S,
)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
# What feedparser's strict parser raises on some malformed names (its bugs, not ours).
_FEEDPARSER_CRASHES = (ValueError, TypeError, AttributeError, IndexError, KeyError)


def read_feed(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """Each item of an RSS or Atom feed as an article (``format`` "rss" or "atom")."""
    try:
        data = stream.read_all(MAX_FEED_BYTES)
    except TooLarge as e:
        yield Rejection(inp.source, f"feed larger than the {human_size(e.limit)} limit; split it")
        return
    except StreamBroken as e:
        yield Rejection(inp.source, e.reason)
        return
    parsed, failure = _parse(data)
    if failure is not None:
        yield Rejection(inp.source, failure)
        return
    fmt = _format(parsed, data)
    entries = parsed.entries
    error = _xml_error(parsed)
    if not entries:
        reason = f"malformed XML, no item recovered: {error[1]}" if error else "feed has no items"
        yield Rejection(inp.source, reason, f"line {error[0]}" if error else None)
        return
    if error:
        yield Rejection(
            inp.source,
            f"malformed XML ({len(entries)} items recovered): {error[1]}; "
            "items after the error may be missing",
            f"line {error[0]}",
        )
    spans = [m.group(0) for m in _ITEM.finditer(data)]
    if len(spans) != len(entries):  # cannot pair items with their bytes: keep what was parsed
        spans = [json.dumps(e, default=str, ensure_ascii=False).encode() for e in entries]
    feed = parsed.feed
    for number, (entry, raw) in enumerate(zip(entries, spans, strict=True), 1):
        article = guarded(
            inp.source, f"item {number}", _article, inp.source, fmt, feed, entry, raw, f"item {number}"
        )
        if isinstance(article, RawArticle) and parsed.get("encoding"):
            article.meta["encoding"] = parsed["encoding"]
        yield article


def _parse(data: bytes) -> tuple[Any, str | None]:
    """feedparser's result, or None and why it could not parse the document."""
    try:
        return _feedparser(data), None
    except UnicodeDecodeError:
        # feedparser decodes the declared encoding name as UTF-8 and fails on garbage there
        data = _XML_DECLARATION.sub(b"", data, count=1)
    except _FEEDPARSER_CRASHES as e:
        return None, f"feedparser cannot parse this feed ({type(e).__name__}: {e})"
    try:
        return _feedparser(data), None
    except (UnicodeDecodeError, *_FEEDPARSER_CRASHES) as e:
        return None, f"the feed's XML declaration is garbled ({type(e).__name__}: {e})"


def _feedparser(data: bytes) -> Any:
    return feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)


def _format(parsed: Any, data: bytes) -> str:
    version = parsed.get("version") or ""
    if version.startswith("atom"):
        return "atom"
    if version.startswith("rss"):
        return "rss"
    return "atom" if sniff(data[:65536]) == "atom" else "rss"


def _xml_error(parsed: Any) -> tuple[int, str] | None:
    """``(line, message)`` when the feed is not well-formed XML."""
    exc = parsed.get("bozo_exception")
    if not parsed.get("bozo") or not isinstance(exc, xml.sax.SAXException):
        return None  # e.g. a declared encoding that differs from the real one: harmless
    line = exc.getLineNumber() if isinstance(exc, xml.sax.SAXParseException) else 0
    return line, exc.getMessage()


def _article(source: str, fmt: str, feed: Any, entry: Any, raw: bytes, where: str) -> RawArticle | Rejection:
    body, kind, language = _body(entry)
    if not body.strip():
        return Rejection(source, "item has neither content nor a description", where)
    meta: dict[str, Any] = {kind: body, "date_field": "feed"}
    _put(meta, "title", entry.get("title"))
    _put(meta, "url", entry.get("link"))
    _put(meta, "date", entry.get("published") or entry.get("updated"))
    _put(meta, "outlet", feed.get("title"))
    _put(meta, "language", language or feed.get("language"))
    authors = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
    if authors:
        meta["authors"] = authors
    summary = entry.get("summary")
    if entry.get("content") and entry.get("summary_detail") and summary != body:
        _put(meta, "summary", summary)
    return RawArticle(source=source, data=raw, format=fmt, location=where, meta=meta)  # type: ignore[arg-type]


def _body(entry: Any) -> tuple[str, str, str | None]:
    """``(text, "html" or "text", language)``: full content first, then the summary."""
    contents = entry.get("content") or []
    detail = max(contents, key=lambda c: len(c.get("value") or ""), default=None)
    if detail is None:
        detail = entry.get("summary_detail") or {"value": entry.get("summary") or ""}
    kind = "text" if detail.get("type") == "text/plain" else "html"
    return detail.get("value") or "", kind, detail.get("language")


def _put(meta: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, str) and value.strip():
        meta[key] = value.strip()
