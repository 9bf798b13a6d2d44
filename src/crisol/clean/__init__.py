"""Cleaning: a :class:`RawArticle` becomes an :class:`Article` (main text, title, outlet, date,
language), or :class:`~crisol.errors.ExtractionRejected` says why it cannot.

Every line the cleaner drops is kept in ``Article.removed`` with its reason (caption, credit,
byline, dateline, related-links, headline-list, masthead, repeated-headline, share-prompt,
padding...), so nothing is lost silently; so are the repairs (encoding-repair,
unstorable-character) and a page too large for the full extractor (fast-extraction). For an HTML
page, the text the extractor left out comes first, each part with where it stood ("outside main
content (nav.main-nav)"); then the lines the classifier removed from the text it kept.

>>> from crisol.model import RawArticle
>>> body = ("Kim recibe al canciller ruso en Wonsan\\nPor Diario Ejemplo\\n"
...         "Jueves 5 de junio de 2025 - 10:17\\n"
...         "El líder norcoreano recibió ayer al ministro ruso de Exteriores en la costa este.\\n"
...         "Compartir en Facebook\\n")
>>> art = clean(RawArticle("nota.txt", body.encode(), "text"))
>>> art.title, art.outlet, art.published.isoformat(), art.date_source, art.language
('Kim recibe al canciller ruso en Wonsan', 'Diario Ejemplo', '2025-06-05T10:17:00', 'dateline', 'es')
>>> [(r.reason, r.line) for r in art.removed]
[('byline', 2), ('dateline', 3), ('share-prompt', 5)]
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from charset_normalizer import from_bytes

from crisol.clean.dates import date_from_url, find_date, is_future, parse_date
from crisol.clean.html import PageText, extract_page, fragment_text, tag_count
from crisol.clean.language import detect_language, language_sample
from crisol.clean.lines import LineDecision, byline_name, classify_lines, without_date
from crisol.clean.metadata import (
    Byline,
    masthead_name,
    normalise_outlet,
    outlet_from_url,
    parse_byline,
    split_authors,
)
from crisol.errors import ExtractionRejected
from crisol.model import Article, DateSource, RawArticle, RemovedLine
from crisol.read import limits

log = logging.getLogger(__name__)

__all__ = ["clean", "classify_lines", "LineDecision"]

_HTML_FORMATS = ("html", "warc")
# The reason of page text the HTML extractor left out (then where it stood, in brackets).
OUTSIDE_MAIN_CONTENT = "outside main content"


@dataclass
class _Source:
    """The text to classify and what the input says about itself."""

    text: str
    from_html: bool  # text extracted from a page: lines are paragraphs, not input lines
    page: PageText | None = None


def clean(raw: RawArticle, now: datetime | None = None) -> Article:
    """Main text, removed lines, title, outlet, authors, date and language of ``raw``.

    ``now`` is the reference for refusing future dates when the input has no fetch time.
    Raises :class:`ExtractionRejected` (naming the input) when no article text remains.

    Conventions:

    - ``text``: kept lines (title line included when the input text has it), one paragraph each,
      joined by a blank line;
    - ``removed[i].line``: the 1-based line in the input text (a text file, a JSON text field);
      None for text extracted from HTML, whose lines are not input lines;
    - ``published``: the first of metadata, dateline, URL date, feed date, fetch date (the last
      only when ``meta["date_field"] == "fetch"``) that is at most a day after the fetch time
      (``meta["fetched"]``, else ``now``, else the current time); a later one is logged and the
      next source tried; with none, ``published`` stays None. Aware when the source states a
      zone, naive (the outlet's local time) otherwise.
    """
    # 0. text a database cannot hold (NUL, lone surrogates) out of everything the input says
    raw, unstorable = _storable_raw(raw)
    # 1. main text: the input's text, or trafilatura's extraction of its HTML
    source = _main_text(raw)
    source.text = unstorable.clean(source.text)
    # 2. crisol's line classifier: boilerplate out, each removal with its reason
    title_hint = _meta_str(raw, "title") or (source.page.title if source.page else None)
    decisions = classify_lines(source.text, title=title_hint, prelude=not source.from_html)
    kept = [d for d in decisions if d.keep]
    if not kept:
        raise ExtractionRejected(raw.source, _only_boilerplate(decisions), raw.location)
    text = "\n\n".join(d.text for d in kept)
    article = Article(
        id=raw.id,
        source=raw.source,
        raw=raw.data,
        raw_format=raw.format,
        text=text,
        location=raw.location,
        removed=[
            *_repairs(raw, source.from_html),
            *unstorable.removed(),
            *_extraction_notes(source),
            *_outside_main_content(source),
            *_removed(decisions, source.from_html),
        ],
    )
    # the input's name (a file name in no valid encoding) is stored too; it is not article text
    names = _Unstorable()
    article.source = names.clean(article.source)
    article.location = names.clean(article.location) if article.location else None
    # 3. metadata: title, url, outlet, authors
    _fill_metadata(article, raw, source, decisions)
    # 4. language, before dates: it decides how "05/06/2025" reads
    declared = _meta_str(raw, "language") or (source.page.language if source.page else None)
    article.language, article.language_score = detect_language(language_sample(article.title, text), declared)
    # 5. publication date, never in the future of the fetch, never invented
    article.fetched = parse_date(_meta_str(raw, "fetched") or "")
    reference = article.fetched or now or datetime.now(timezone.utc)
    article.published, article.date_source = _publication_date(raw, source, decisions, article, reference)
    return article


# 1. main text ----------------------------------------------------------------------------------


def _main_text(raw: RawArticle) -> _Source:
    meta = raw.meta or {}
    if raw.format in _HTML_FORMATS:
        return _from_page(raw, meta.get("html") or raw.data)
    if _meta_str(raw, "text"):
        return _Source(text=meta["text"], from_html=False)
    if _meta_str(raw, "html"):
        return _Source(text=fragment_text(meta["html"]), from_html=True)
    if raw.format == "text":
        return _Source(text=_decode(raw), from_html=False)
    raise ExtractionRejected(
        raw.source, f"no text: the {raw.format} record has neither text nor HTML", raw.location
    )


def _from_page(raw: RawArticle, html: str | bytes) -> _Source:
    tags = tag_count(html)
    if tags > limits.MAX_PAGE_TAGS:
        raise ExtractionRejected(
            raw.source,
            f"page has {tags:,} tags (limit {limits.MAX_PAGE_TAGS:,}): a dump or a "
            "generated file, not an article page",
            raw.location,
        )
    page = extract_page(html, url=_meta_str(raw, "url"))
    if page is None:
        raise ExtractionRejected(raw.source, "no main text found in HTML", raw.location)
    return _Source(text=page.text, from_html=True, page=page)


def _extraction_notes(source: _Source) -> list[RemovedLine]:
    """A page too large for trafilatura's full cascade was extracted by its fast mode: say so
    (reason ``fast-extraction``), since the fallbacks it skipped may have found other text."""
    if source.page is None or source.page.extractor_note is None:
        return []
    return [RemovedLine(source.page.extractor_note, "fast-extraction")]


def _outside_main_content(source: _Source) -> list[RemovedLine]:
    """The page text the extractor left out (navigation, footer, share bars, captions...), each
    part named by the element it stood in."""
    if source.page is None:
        return []
    return [RemovedLine(text, f"{OUTSIDE_MAIN_CONTENT} ({place})") for text, place in source.page.dropped]


def _decode(raw: RawArticle) -> str:
    try:
        return raw.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(raw.data).best()
        if best is None:
            raise ExtractionRejected(
                raw.source, "text is not decodable (unknown encoding)", raw.location
            ) from None
        return str(best)


def _only_boilerplate(decisions: list[LineDecision]) -> str:
    reasons = Counter(d.reason for d in decisions if d.text and not d.keep)
    if not reasons:
        return "empty text"
    detail = ", ".join(f"{reason} ×{n}" for reason, n in reasons.most_common())
    return f"only boilerplate after cleaning ({detail})"


def _removed(decisions: list[LineDecision], from_html: bool) -> list[RemovedLine]:
    removed = []
    for d in decisions:
        line = None if from_html else d.line
        if not d.keep and d.reason != "separator":
            removed.append(RemovedLine(d.text, d.reason, line))
        elif d.trimmed:  # a credit cut from the end of a kept paragraph
            removed.append(RemovedLine(d.trimmed, "credit", line))
    return removed


# 0. text a database can store -----------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class _Unstorable:
    """Counts of what :meth:`clean` took out of strings: PostgreSQL text cannot hold U+0000 and
    no UTF-8 store can hold a lone surrogate (U+D800-U+DFFF, from undecodable bytes)."""

    nul: int = 0
    surrogates: int = 0

    def clean(self, text: str) -> str:
        if "\x00" in text:
            self.nul += text.count("\x00")
            text = text.replace("\x00", "")
        if _SURROGATE.search(text):
            text, n = _SURROGATE.subn("\ufffd", text)
            self.surrogates += n
        return text

    def removed(self) -> list[RemovedLine]:
        out = []
        if self.nul:
            out.append(
                RemovedLine(
                    f"{self.nul} NUL character{'s' * (self.nul != 1)} (U+0000) "
                    "removed: a database cannot store them",
                    "unstorable-character",
                )
            )
        if self.surrogates:
            n = self.surrogates
            out.append(
                RemovedLine(
                    f"{n} lone surrogate{'s' * (n != 1)} (U+D800-U+DFFF) replaced "
                    "by U+FFFD: a database cannot store them",
                    "unstorable-character",
                )
            )
        return out


def _storable_raw(raw: RawArticle) -> tuple[RawArticle, _Unstorable]:
    """``raw`` with NUL removed and lone surrogates replaced in its meta strings (the id, which
    hashes the bytes, does not change); the counts, for ``Article.removed``."""
    found = _Unstorable()
    meta = {key: _storable_value(value, found) for key, value in (raw.meta or {}).items()}
    if not found.nul and not found.surrogates:
        return raw, found
    return replace(raw, meta=meta), found


def _storable_value(value: object, found: _Unstorable) -> object:
    if isinstance(value, str):
        return found.clean(value)
    if isinstance(value, list):
        return [_storable_value(v, found) for v in value]
    return value


def _repairs(raw: RawArticle, from_html: bool) -> list[RemovedLine]:
    """What the reader replaced while decoding (``meta["repairs"]``), as removed parts."""
    repairs = (raw.meta or {}).get("repairs") or []
    return [
        RemovedLine(str(r.get("text")), "encoding-repair", None if from_html else r.get("line"))
        for r in repairs
        if isinstance(r, dict)
    ]


# 3. metadata -----------------------------------------------------------------------------------


def _fill_metadata(article: Article, raw: RawArticle, source: _Source, decisions: list[LineDecision]) -> None:
    page = source.page
    article.url = _meta_str(raw, "url") or (page.url if page else None)
    title_line = next((d.text for d in decisions if d.reason == "title"), None)
    article.title = _meta_str(raw, "title") or (page.title if page else None) or title_line
    byline = _byline(decisions)
    meta_authors = split_authors(raw.meta.get("authors") if raw.meta else None)
    article.authors = meta_authors or split_authors(page.author if page else None) or byline.authors
    # the publisher, never the wire agency it credits: None when nothing names it
    article.outlet = (
        normalise_outlet(_meta_str(raw, "outlet"))
        or byline.outlet
        or normalise_outlet(page.sitename if page else None)
        or outlet_from_url(article.url)
        or masthead_name([(d.reason, d.text) for d in decisions])
    )
    article.agency = byline.agency


def _byline(decisions: list[LineDecision]) -> Byline:
    for d in decisions:
        if d.reason == "byline":
            name = byline_name(without_date(d.text))
            if name:
                return parse_byline(name)
    return Byline([], None, None)


# 5. dates --------------------------------------------------------------------------------------


def _publication_date(
    raw: RawArticle, source: _Source, decisions: list[LineDecision], article: Article, reference: datetime
) -> tuple[datetime | None, DateSource | None]:
    """The first trustworthy date that is not in the future: metadata, dateline, URL, feed, fetch."""
    dayfirst = article.language != "en"
    for origin, value in _date_candidates(raw, source, decisions, article.url, dayfirst):
        if value is None:
            continue
        if is_future(value, reference):
            log.warning(
                "%s: %s date %s is after the fetch time %s; ignored", raw.where, origin, value, reference
            )
            continue
        return value, origin
    return None, None


def _date_candidates(raw: RawArticle, source: _Source, decisions, url, dayfirst):
    field_kind = _meta_str(raw, "date_field") or "metadata"
    meta_date = _meta_str(raw, "date")
    if meta_date and field_kind == "metadata":
        yield "metadata", parse_date(meta_date, dayfirst)
    if source.page and (source.page.date or source.page.published_meta):
        yield "metadata", _page_date(source.page, dayfirst)
    for d in decisions:
        if d.reason in ("dateline", "byline"):
            found = find_date(d.text, dayfirst)
            yield "dateline", found.value if found else None
    yield "url", date_from_url(url)
    if meta_date and field_kind == "feed":
        yield "feed", parse_date(meta_date, dayfirst)
    if meta_date and field_kind == "fetch":
        yield "fetch", parse_date(meta_date, dayfirst)


def _page_date(page: PageText, dayfirst: bool) -> datetime | None:
    """trafilatura's day, with the time and zone of the page's meta tag when they agree on it."""
    day = parse_date(page.date, dayfirst) if page.date else None
    full = parse_date(page.published_meta, dayfirst) if page.published_meta else None
    if full is not None and (day is None or full.date() == day.date()):
        return full
    return day


def _meta_str(raw: RawArticle, key: str) -> str | None:
    value = (raw.meta or {}).get(key)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None
