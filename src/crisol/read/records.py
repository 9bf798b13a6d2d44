"""JSON records (news-please and plain ``{title, text, date, outlet, url}``) to ``meta``.

Each ``meta`` key is filled from the first record field present, in the order of
:data:`FIELDS`; values are kept as given (dates stay strings), authors become a list.
"""

from __future__ import annotations

import json
import re
from typing import Any

from crisol.model import RawArticle, Rejection
from crisol.read.decode import Undecodable, decode
from crisol.read.limits import MIN_TEXT_WORDS

# meta key -> record fields, first present wins (news-please names first).
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "title_rss", "title_page", "titular", "titulo", "título"),
    "text": ("maintext", "text", "body", "content", "article", "full_text", "fulltext", "texto", "cuerpo"),
    "date": (
        "date_publish",
        "date",
        "published",
        "pubDate",
        "publishedAt",
        "datePublished",
        "date_published",
        "published_at",
        "fecha",
    ),
    "outlet": (
        "source_domain",
        "outlet",
        "source",
        "site_name",
        "publisher",
        "domain",
        "site",
        "medio",
        "fuente",
    ),
    "url": ("url", "link", "source_url", "uri", "enlace"),
    "language": ("language", "lang", "idioma"),
    "authors": ("authors", "author", "byline", "creator", "autor", "autores", "firma"),
    "summary": ("description", "summary", "abstract", "lead", "subtitle", "resumen", "entradilla"),
    "fetched": ("date_download", "fetched", "crawled", "date_crawled"),
}
# Fields only news-please writes: a record with one of them is "news-please", else "json".
NEWS_PLEASE_FIELDS = frozenset(
    {
        "maintext",
        "date_publish",
        "source_domain",
        "date_download",
        "title_page",
        "title_rss",
        "localpath",
        "image_url",
    }
)
# Keys under which a JSON object may wrap its list of articles (NewsAPI, exports).
WRAPPER_KEYS = ("articles", "items", "data", "results", "entries", "docs", "records")
# Text holding at least this many block or inline tags is HTML, not plain text.
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|span|a|h[1-6]|ul|ol|li|em|strong|b|i|figure|img|section|"
    r"article|blockquote|table|tr|td)\b[^>]*>",
    re.I,
)
_MIN_HTML_TAGS = 2
# Fields some exports give as a list of paragraphs.
_PARAGRAPH_FIELDS = frozenset({"text", "summary"})
_JSON_TYPES = {
    list: "list",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def to_article(
    record: Any, data: bytes, source: str, location: str | None, encoding: str | None = None
) -> RawArticle | Rejection:
    """One JSON value as an article, or a Rejection saying what is missing."""
    if not isinstance(record, dict):
        kind = _JSON_TYPES.get(type(record), type(record).__name__)
        return Rejection(source, f"expected a JSON object, found a {kind}", location)
    if encoding is None:
        encoding, record = _repair(data, record)
    meta: dict[str, Any] = {}
    for key in FIELDS:
        value = _first(record, key)
        if value:
            meta[key] = value
    text = meta.pop("text", None)
    if isinstance(text, str) and text.strip():
        is_html = len(_HTML_TAG.findall(text, 0, 20_000)) >= _MIN_HTML_TAGS
        words = len(text.split())
        if not is_html and words < MIN_TEXT_WORDS:
            return Rejection(
                source,
                f"too short to be an article ({words} word{'s' * (words != 1)}; at least {MIN_TEXT_WORDS})",
                location,
            )
        meta["html" if is_html else "text"] = text
    else:
        html = _scalar(record.get("html", record.get("HTML")))  # the page itself: cleaned as HTML
        if not html:
            return Rejection(source, _no_text(record), location)
        meta["html"] = html
    meta["encoding"] = encoding
    if "date" in meta:
        meta["date_field"] = "metadata"
    elif "fetched" in meta:  # only the download time is known
        meta["date"], meta["date_field"] = meta["fetched"], "fetch"
    fmt = "news-please" if NEWS_PLEASE_FIELDS.intersection(record) else "json"
    return RawArticle(source=source, data=data, format=fmt, location=location, meta=meta)  # type: ignore[arg-type]


def _no_text(record: dict[str, Any]) -> str:
    present = [name for name in FIELDS["text"] if name in record or name.capitalize() in record]
    if present:
        has_summary = any(record.get(k) for k in FIELDS["summary"])
        only = " (it has only a summary/description)" if has_summary else ""
        return f"record has no article text: '{present[0]}' is empty{only}"
    keys = ", ".join(list(record)[:12]) or "none"
    return f"record has no article text: no {'/'.join(FIELDS['text'][:4])}/html field (its keys: {keys})"


def wrapped_list(record: Any) -> list[Any] | None:
    """The article list inside a wrapper object like ``{"status": "ok", "articles": [...]}``."""
    if not isinstance(record, dict) or _first(record, "text"):
        return None
    for key in WRAPPER_KEYS:
        value = record.get(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return None


def _first(record: dict[str, Any], key: str) -> Any:
    names = FIELDS[key]
    for name in names:
        value = record.get(name)
        if value is None:  # "Headline", "Text", "Link" in some exports
            value = record.get(name.capitalize(), record.get(name.upper()))
        if isinstance(value, list) and key in _PARAGRAPH_FIELDS and _all_str(value):
            value = "\n\n".join(v.strip() for v in value if v.strip())  # text as paragraphs
        value = _names(value) if key == "authors" else _scalar(value)
        if value:
            return value
    return None


def _all_str(values: list[Any]) -> bool:
    return bool(values) and all(isinstance(v, str) for v in values)


def _scalar(value: Any) -> str | None:
    if isinstance(value, dict):  # {"source": {"id": ..., "name": "El País"}}
        value = value.get("name") or value.get("title") or value.get("url")
    if isinstance(value, list):  # {"language": ["es"]}
        value = next((v for v in value if isinstance(v, (str, int, float))), None)
    if value is None or isinstance(value, bool):
        return None
    return str(value).strip() or None


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = [_scalar(v) for v in items]
    return [n for n in names if n]


# JSON is decoded with surrogateescape so a stray non-UTF-8 byte never loses the record; when
# the record's bytes are not UTF-8, its strings are decoded again in the encoding they are in.


def _repair(data: bytes, record: Any) -> tuple[str, Any]:
    """``(encoding, record)``, the record's strings re-decoded when ``data`` is not UTF-8."""
    try:
        data.decode("utf-8")
        return "utf-8", record
    except UnicodeDecodeError:
        pass
    try:
        encoding = decode(data)[1]
    except Undecodable:
        return "unknown", record
    return encoding, _redecode(record, encoding)


def _redecode(value: Any, encoding: str) -> Any:
    if isinstance(value, str):
        try:
            return value.encode("utf-8", "surrogateescape").decode(encoding)
        except (UnicodeDecodeError, UnicodeEncodeError):
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: _redecode(v, encoding) for k, v in value.items()}
    if isinstance(value, list):
        return [_redecode(v, encoding) for v in value]
    return value


def dumps(value: Any) -> bytes:
    """Bytes for a value whose exact source bytes are not at hand (an item of a wrapper)."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogateescape")
