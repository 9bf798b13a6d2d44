"""Attention over time: how much a query, an entity or a story was covered, day by day or week
by week, and by whom; two or more selections side by side.

Each period carries the three counts crisol keeps apart everywhere:

- ``articles``: what was published (copies included);
- ``outlets``: who published it (:func:`crisol.text.outlet_key`: "EL PAÍS" is "El País"; an
  article whose outlet is unknown counts as one of its own, as :func:`~crisol.text.count_outlets`);
- ``independent_sources``: articles once copies, rewrites and one wire story run by several
  outlets are counted with their origin (:func:`crisol.present.sources.independent_sources`).
  A source counts in the period of its origin (its first article), so the periods add up to
  the whole: a copy published a week later is more articles that week, not a new source.

Over the whole period: the outlets and languages (exact), and the entities and words most
present (from a fixed sample of at most :data:`ENTITY_SAMPLE` and :data:`WORD_SAMPLE` articles,
as Media Cloud does for words: the answer stays fast on any store). Top words are those most
over-represented in the selection against a sample of the whole store, so function words
("de", "the") fall out in every language without a word list.

>>> from crisol.store import open_store
>>> att = attention(open_store(":memory:"), Selection(q="huelga"))
>>> att.totals, att.points
({'articles': 0, 'outlets': 0, 'independent_sources': 0, 'undated': 0}, [])
>>> period_start("2025-03-06", "week")  # a Thursday: its week starts on Monday the 3rd
'2025-03-03'
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence
from weakref import WeakKeyDictionary

from crisol.link.dedup import Relation
from crisol.present.sources import DEPENDENT_KINDS, independent_sources
from crisol.store import attention as q
from crisol.store.attention import INTERVALS, Selection
from crisol.store.outlets import outlet_names
from crisol.store.store import Store
from crisol.text import UNKNOWN_OUTLET, fold, outlet_key

TOP = 15  # items in each top list
ENTITY_SAMPLE = 1000  # articles whose mentions are counted for the top entities
WORD_SAMPLE = 200  # articles whose words are counted for the top words (and of the background)
WORD_CHARS = 3000  # characters of each text read for words (the lead says what it is about)
MIN_WORD = 3  # shorter words are mostly particles and say nothing about a topic
MAX_PERIODS = 3700  # ten years of days: the most periods a timeline is filled to
_WORD = re.compile(r"\w{%d,}" % MIN_WORD)  # whole runs of word characters, MIN_WORD or more

__all__ = ["Attention", "Point", "Selection", "attention", "compare", "csv_text", "period_start"]


@dataclass
class Point:
    """One period (its first day, ``YYYY-MM-DD``) and its three counts."""

    period: str
    articles: int = 0
    outlets: int = 0
    independent_sources: int = 0


@dataclass
class Attention:
    """The attention a selection got: per period, and over the whole period."""

    selection: Selection
    interval: str
    points: list[Point]
    totals: dict[str, int]
    outlets: list[dict[str, Any]] = field(default_factory=list)
    languages: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    words: list[dict[str, Any]] = field(default_factory=list)
    sample: dict[str, int] = field(default_factory=dict)  # articles read for entities and words

    @property
    def label(self) -> str:
        return self.selection.label()

    def to_dict(self) -> dict[str, Any]:
        sel = self.selection
        return {
            "query": sel.q,
            "entity": sel.entity,
            "story": sel.story,
            "label": self.label,
            "interval": self.interval,
            "filters": {
                "outlets": sel.outlets,
                "language": sel.language,
                "since": sel.since.isoformat() if sel.since else None,
                "until": sel.until.isoformat() if sel.until else None,
            },
            "totals": self.totals,
            "timeline": [p.__dict__ for p in self.points],
            "outlets": self.outlets,
            "languages": self.languages,
            "entities": self.entities,
            "words": self.words,
            "sample": self.sample,
        }


def kept_outlets(store: Store, outlets: Sequence[str] | None, collection: str | None) -> list[str] | None:
    """The outlets a selection keeps: those named, the collection's, or those named within the
    collection (none: no outlet filter). An unknown collection raises
    :class:`~crisol.store.outlets.UnknownName`; a collection with no outlets keeps nothing."""
    if not collection:
        return list(outlets) if outlets else None
    members = outlet_names(store, collection=collection)
    if outlets:
        named = {fold(o.strip()) for o in outlets}
        members = [m for m in members if fold(m.strip()) in named]
    return members


def period_start(day: str, interval: str) -> str:
    """The first day of the period holding ``day``: itself, or the Monday of its ISO week."""
    if interval == "day":
        return day
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def _periods(first: str, last: str, interval: str) -> list[str]:
    step = 1 if interval == "day" else 7
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    count = min(MAX_PERIODS, (end - start).days // step + 1)
    return [(start + timedelta(days=step * i)).isoformat() for i in range(count)]


def attention(store: Store, sel: Selection, interval: str = "day", top: int = TOP) -> Attention:
    """Counts per ``interval`` ("day" or "week") of the selection's articles, outlets and
    independent sources, and its top outlets, languages, entities and words."""
    if interval not in INTERVALS:  # checked before anything is read, even for an empty query
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}; got {interval!r}")
    got = q.read(store, sel, interval, sorted(DEPENDENT_KINDS), ENTITY_SAMPLE)
    counts = got.counts
    points: dict[str, Point] = {}
    outlets_in: dict[str, set[str]] = {}
    unknown_in: Counter[str] = Counter()
    for c in counts:
        period = c.period or ""
        p = points.get(period) or points.setdefault(period, Point(period))
        p.articles += c.articles
        if c.outlet and c.outlet.strip():
            outlets_in.setdefault(period, set()).add(_outlet_key(c.outlet))
        else:  # each article of an unknown outlet is an outlet of its own (count_outlets)
            unknown_in[period] += c.articles
    for period, p in points.items():
        p.outlets = len(outlets_in.get(period, ())) + unknown_in[period]
        p.independent_sources = p.articles
    for period, n in _copies_per_period(store, got.linked).items():
        points[period].independent_sources -= n
    undated = points.pop("", Point(""))
    totals = {
        "articles": sum(c.articles for c in counts),
        "outlets": len(set().union(*outlets_in.values())) + sum(unknown_in.values()),
        "independent_sources": sum(p.independent_sources for p in points.values())
        + undated.independent_sources,
        "undated": undated.articles,
    }
    result = Attention(sel, interval, _filled(points, sel, interval), totals)
    result.outlets, result.languages = _outlets(counts, top), _languages(counts)
    if counts:
        _add_samples(store, result, got.sample, top)
    return result


@lru_cache(maxsize=10_000)
def _outlet_key(outlet: str) -> str:
    return outlet_key(outlet, "")


def _copies_per_period(store: Store, rows: Sequence[q.Row]) -> Counter[str]:
    """Articles that count with an origin (not as a source of their own), per period, among
    ``rows``: the selection's linked articles (:func:`crisol.store.attention.read`).

    Most are exact copies: an original and the copies of it in the selection are one source, in
    the period of the earliest (its period is the smallest, undated last: periods follow
    publication times), and a copy whose original is outside the selection is a source of its
    own. Those are counted here without reading more; the rest (relations, wire stories, and
    the copies of the articles they touch) go through
    :func:`crisol.present.sources.independent_sources`."""
    tangled = {key for row in rows if row.tangled for key in (row.copy_of or row.id, row.id)}
    present = {row.id for row in rows}
    members: Counter[str] = Counter()
    first: dict[str, str] = {}  # an original in the selection -> the first period of its group
    rest = []
    for row in rows:
        original = row.copy_of or row.id
        if original in tangled:
            rest.append(row)
        elif original in present:
            period = row.period or _UNDATED
            members[period] += 1
            if period < first.get(original, _AFTER_ALL):
                first[original] = period
    members.subtract(first.values())
    copies = Counter({("" if period == _UNDATED else period): n for period, n in members.items() if n})
    return copies + _tangled_copies(store, rest)


_UNDATED, _AFTER_ALL = "~", "~~"  # after every YYYY-MM-DD: an undated article is its group's origin last


def _tangled_copies(store: Store, rows: Sequence[q.Row]) -> Counter[str]:
    """Articles that count with an origin among ``rows``: linked articles with every article
    they are linked to in the selection, grouped by :func:`independent_sources`."""
    links = q.links(store, rows, sorted(DEPENDENT_KINDS))
    if not links.articles:
        return Counter()
    relations = [Relation(a, b, kind, 0.0) for a, b, kind in links.relations]  # type: ignore[arg-type]
    # independent_sources reads only id, copy_of and published of each article
    sources = independent_sources(links.articles, relations, links.agencies)  # type: ignore[arg-type]
    period = {row.id: row.period or "" for row in rows}
    return Counter(period[a.id] for a in links.articles if sources.origin_of.get(a.id, a.id) != a.id)


def _filled(points: dict[str, Point], sel: Selection, interval: str) -> list[Point]:
    """The periods oldest first, empty ones included, from the window's start (or the first
    article) to its end (or the last article)."""
    if not points:
        return []
    first = min(points)
    last = max(points)
    if sel.since:
        first = min(first, period_start(sel.since.date().isoformat(), interval))
    if sel.until:
        last = max(last, period_start(sel.until.date().isoformat(), interval))
    return [points.get(p) or Point(p) for p in _periods(first, last, interval)]


def _outlets(counts: Sequence[q.PeriodCount], top: int) -> list[dict[str, Any]]:
    """Outlets by articles, each under its most used spelling; unknown outlets as one line."""
    by_spelling: Counter[str | None] = Counter()
    for c in counts:
        by_spelling[c.outlet] += c.articles
    articles: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for outlet, n in by_spelling.items():
        key = _outlet_key(outlet) if outlet and outlet.strip() else ""
        articles[key] += n
        if key:
            spellings.setdefault(key, Counter())[outlet] += n  # type: ignore[index]
    out = []
    for key, n in sorted(articles.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0])):
        name = spellings[key].most_common(1)[0][0] if key else None
        out.append({"outlet": name, "label": name or UNKNOWN_OUTLET, "articles": n})
    return out[:top]


def _languages(counts: Sequence[q.PeriodCount]) -> list[dict[str, Any]]:
    by_language: Counter[str | None] = Counter()
    for c in counts:
        by_language[c.language] += c.articles
    return [{"language": lang, "articles": n} for lang, n in by_language.most_common()]


def _add_samples(store: Store, result: Attention, ids: list[str], top: int) -> None:
    """Top entities and words from ``ids``, a sample of the selection (ordered by id)."""
    result.entities = [
        {"entity_id": eid, "name": name, "type": kind, "articles": n}
        for eid, name, kind, n in q.entity_counts(store, ids[:ENTITY_SAMPLE], top)
    ]
    word_ids = tuple(ids[:WORD_SAMPLE])
    result.words = [dict(w) for w in _words_of(store, word_ids, _background_size(store), top)]
    result.sample = {"entities": len(ids[:ENTITY_SAMPLE]), "words": len(word_ids)}


@lru_cache(maxsize=64)
def _words_of(store: Store, ids: tuple[str, ...], size: int, top: int) -> list[dict[str, Any]]:
    """The top words of articles ``ids`` against the background of a store of ``size``: kept,
    since an article's text is written once (the chart, its CSV and a comparison read the same
    selection; an ingest beside rarely changes which articles a selection's sample holds)."""
    return top_words(q.texts(store, ids, WORD_CHARS), _background_for(store, size), top)


def _background_size(store: Store) -> int:
    """The store's size to two significant digits: the background of top words is read again
    when the store grows by a few percent, not on every article an ingest beside adds. The
    size is counted again after :data:`SIZE_KEPT` seconds (a count reads every article's index
    entry: 7 ms a request at 100k articles on PostgreSQL)."""
    now = time.monotonic()
    counted_at, n = _sizes.get(store, (-SIZE_KEPT, 0))
    if now - counted_at >= SIZE_KEPT:
        n = store.count_articles()
        _sizes[store] = (now, n)
    return round(n, -max(0, len(str(n)) - 2))


SIZE_KEPT = 10.0  # seconds a store's size is kept for the key of its top-words background
_sizes: WeakKeyDictionary[Store, tuple[float, int]] = WeakKeyDictionary()


@lru_cache(maxsize=8)
def _background_for(store: Store, size: int) -> Counter[str]:
    ids = q.sample_ids(store, WORD_SAMPLE)
    counts = document_frequencies(q.texts(store, ids, WORD_CHARS))
    counts[""] = len(ids)
    return counts


def _spelled(texts: Iterable[tuple[str | None, str, str | None]]) -> Iterator[set[str]]:
    """For each text, the lowercase spellings of its words (title and text)."""
    for title, body, _language in texts:  # a set first: each distinct spelling is checked once
        yield {w for w in set(_WORD.findall(f"{title or ''}\n{body or ''}".lower())) if not w.isdigit()}


def document_frequencies(texts: Iterable[tuple[str | None, str, str | None]]) -> Counter[str]:
    """In how many texts each folded word appears.

    >>> sorted(document_frequencies([("Huelga", "la huelga sigue", "es"), (None, "Huelga", "es")]).items())
    [('huelga', 2), ('sigue', 1)]
    """
    df: Counter[str] = Counter()
    for spellings in _spelled(texts):
        df.update({_fold(w) for w in spellings})
    return df


@lru_cache(maxsize=100_000)
def _fold(word: str) -> str:
    return fold(word)


OVER = 1.5  # how much more often than in the whole store a word must appear to be a top word


def top_words(
    texts: Sequence[tuple[str | None, str, str | None]], background: Counter[str], top: int
) -> list[dict[str, Any]]:
    """The words most over-represented in ``texts`` against ``background`` (document
    frequencies, its size under ``""``): share of texts × log of the ratio to the background's
    share (a word as common everywhere scores 0). A word must appear in two texts at least (one
    article's quirk is no trend) and :data:`OVER` times as often as in the background; each is
    shown in its most used spelling.

    >>> bg = Counter({"": 4, "de": 4, "la": 4, "huelga": 1})
    >>> texts = [(None, "La huelga de metro", "es"), (None, "Huelga de taxis", "es")]
    >>> [w["word"] for w in top_words(texts, bg, 3)]
    ['huelga']
    """
    spelled = list(_spelled(texts))
    spellings: Counter[str] = Counter()
    for words in spelled:
        spellings.update(words)
    df: Counter[str] = Counter()
    shown: dict[str, tuple[int, str]] = {}
    folded = {w: _fold(w) for w in spellings}  # each spelling folded once
    for w, k in spellings.items():
        key = folded[w]
        shown[key] = max(shown.get(key, (0, w)), (k, w))
    for words in spelled:
        df.update({folded[w] for w in words})
    n, n_bg = len(spelled), background.get("", 0)
    scored = []
    for word, k in df.items():
        share, usual = k / n, (background.get(word, 0) + 1) / (n_bg + 2)
        if k >= 2 and share >= OVER * usual:
            scored.append((share * math.log(share / usual), word, k))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [{"word": shown[w][1], "articles": k, "score": round(score, 4)} for score, w, k in scored[:top]]


def compare(
    store: Store, selections: Sequence[Selection], interval: str = "day", top: int = TOP
) -> list[Attention]:
    """The attention of each selection, their timelines over the same periods (so one chart
    can draw them together)."""
    results = [attention(store, sel, interval, top) for sel in selections]
    periods = sorted({p.period for r in results for p in r.points})
    if periods:
        span = _periods(periods[0], periods[-1], interval)
        for r in results:
            have = {p.period: p for p in r.points}
            r.points = [have.get(p) or Point(p) for p in span]
    return results


CSV_TABLES = ("timeline", "outlets", "languages", "entities", "words")


def csv_text(results: Sequence[Attention], table: str = "timeline") -> str:
    """One table of one or more attention results as CSV, a ``selection`` column first (what
    was counted: the query, entity or story), so two compared queries share one file.

    >>> from crisol.store.attention import Selection
    >>> a = Attention(Selection(q="huelga"), "day", [Point("2025-03-03", 3, 2, 1)], {})
    >>> print(csv_text([a]), end="")
    selection,period,articles,outlets,independent_sources
    huelga,2025-03-03,3,2,1
    """
    if table not in CSV_TABLES:
        raise ValueError(f"table must be one of {', '.join(CSV_TABLES)}; got {table!r}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows: list[dict[str, Any]] = []
    for r in results:
        items = [p.__dict__ for p in r.points] if table == "timeline" else getattr(r, table)
        rows += [{"selection": r.label, **item} for item in items]
    columns = list(rows[0]) if rows else ["selection", *_COLUMNS[table]]
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


_COLUMNS = {
    "timeline": ["period", "articles", "outlets", "independent_sources"],
    "outlets": ["outlet", "label", "articles"],
    "languages": ["language", "articles"],
    "entities": ["entity_id", "name", "type", "articles"],
    "words": ["word", "articles", "score"],
}
