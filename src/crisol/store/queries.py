"""The read side, in one place: articles, stories, entities, quotes and events, each in ONE
JSON shape, whoever asks (``crisol ... --format json``, the REST API under ``/api``, the web pages).

Three ways in, one shape out (docs/api.md lists the shapes):

- listings (:func:`list_articles`, :func:`list_stories`, :func:`list_entities`,
  :func:`list_quotes`, :func:`list_events`) take the same filters where they apply
  (:class:`Filters` on the article: outlet, language, publication window; ``entity``), a
  ``sort`` key (``-`` for descending) and ``limit`` / ``offset``, and return a :class:`Page`
  of plain dicts with the ``total`` matching;
- one object in full: :func:`get_article`, :func:`get_story`, :func:`get_entity`;
- :class:`AnnotationQueries` streams quotes and events (exports; the event table's actor-name
  and date-window filters) and looks entities up by name; its rows are the value objects
  (:class:`QuoteRow`, :class:`EventRow`, :class:`EntityRecord`) whose ``to_dict()`` *is* the
  shape the listings return (an entity's: in full, its listing summary plus ``articles`` and
  ``merges``), so the two paths cannot drift apart.

Each page costs a fixed number of statements whatever its length: the rows, the total, and
one batched look-up per kind of context (stories of the articles, registry names).
Fields are only ever added.

>>> from crisol.store import open_store
>>> store = open_store(":memory:")
>>> list_events(store, type="CONSULT").total
0
>>> list_articles(store, sort="title")
Traceback (most recent call last):
...
ValueError: sort must be one of -published, published, -ingested, ingested, -id, id; got 'title'
>>> q = AnnotationQueries(store)
>>> q.list_entities(), q.quotes(), q.events()
([], [], [])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import combinations
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Connection, Select, and_, exists, func, or_, select

from crisol.model import Actor, Article, Event, Quote, date_span, span_overlaps
from crisol.store import convert
from crisol.store import outlets as outlet_records
from crisol.store import schema as s
from crisol.store.schema import entities, entity_aliases, stories, story_articles
from crisol.store.store import Store, _chunks
from crisol.text import count_outlets, fold, outlet_names

MAX_LIMIT = 500  # the most items one API page holds (the library itself takes any limit)
# The deepest page any listing serves: far beyond any store, and far inside the engines'
# 64-bit integers (an offset of 2**63 overflowed SQLite's binding: a 500 on every listing).
MAX_OFFSET = 1_000_000_000
_MAX_SQL_LIMIT = 2**62

# Meteorological northern-hemisphere seasons, as the date resolver writes them ("2024-summer");
# winter starts in December of its year and ends in February of the next.

# Article columns carried beside each quote and event, so a row names where it was read.
_CONTEXT_COLS = (s.articles.c.outlet, s.articles.c.language, s.articles.c.title, s.articles.c.url,
                 s.articles.c.published)  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# ==== the shapes ================================================================================


@dataclass
class ArticleRef:
    """Where a quote or an event was read: the article's id, outlet, language, title, url, date
    and the story it is in (once linked)."""

    id: str
    outlet: str | None
    title: str | None
    url: str | None
    published: datetime | None
    story: str | None = None
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The article fields every quote and event carries (``article`` is the id)."""
        return {
            "article": self.id,
            "outlet": self.outlet,
            "language": self.language,
            "title": self.title,
            "url": self.url,
            "published": _iso(self.published),
            "story": self.story,
        }


def article_summary(r: Mapping[str, Any], story: str | None = None) -> dict[str, Any]:
    """An article in a listing: the fields of the article in full, without text or annotations."""
    return {
        "id": r["id"],
        "title": r["title"],
        "outlet": r["outlet"],
        "language": r["language"],
        "published": _iso(r["published"]),
        "url": r["url"],
        "source": r["source"],
        "copy_of": r["copy_of"],
        "analysis": r["analysis"],
        "story": story,
    }


@dataclass
class EntityRecord:
    """A registry entity: its columns and the ``data`` the linker stores (spellings, articles,
    merges). ``to_dict()`` is the entity's public shape."""

    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def aliases(self) -> list[tuple[str, int]]:
        """Every spelling seen with its count, most frequent first."""
        pairs = self.data.get("aliases", {}).items()
        return sorted(((t, int(n)) for t, n in pairs), key=lambda p: (-p[1], p[0]))

    @property
    def mentions(self) -> int:
        return sum(n for _, n in self.aliases)

    @property
    def articles(self) -> list[str]:
        return sorted(self.data.get("articles", ()))

    @property
    def merges(self) -> list[dict[str, Any]]:
        return list(self.data.get("merges", ()))

    def to_dict(self) -> dict[str, Any]:
        """The entity in full: the summary of a listing, its articles' ids and its merges."""
        aliases = [{"text": t, "count": n} for t, n in self.aliases]
        return {
            **entity_summary(self.data, aliases, len(self.articles)),
            "articles": self.articles,
            "merges": self.merges,
        }


def entity_summary(r: Mapping[str, Any], aliases: list[dict[str, Any]], article_count: int) -> dict[str, Any]:
    """An entity in a listing: its columns, every spelling (``{text, count}``, most seen first),
    ``mentions`` (their sum) and how many articles name it."""
    return {
        "id": r["id"],
        "name": r["name"],
        "type": r.get("type"),
        "country": r.get("country"),
        "role": r.get("role"),
        "mentions": sum(a["count"] for a in aliases),
        "aliases": aliases,
        "article_count": article_count,
    }


def _entity_record(r: Mapping[str, Any]) -> EntityRecord:
    """The record from an ``entities`` row: its columns win over the stored ``data``."""
    data = dict(r["data"] or {})
    data.update({k: r[k] for k in ("id", "name", "type", "country", "role")})
    return EntityRecord(data)


@dataclass
class QuoteRow:
    """A stored quote, the article it is in, and its speaker's registry name when linked."""

    quote: Quote
    article: ArticleRef
    speaker_name: str | None = None  # canonical name of quote.speaker_entity
    position: int | None = None  # its place among the article's quotes

    @property
    def id(self) -> str:
        return f"{self.article.id}:{self.position}"

    def to_dict(self) -> dict[str, Any]:
        q = self.quote
        return {
            "id": self.id,
            "text": q.text,
            "kind": q.kind,
            "speaker": {
                "name": self.speaker_name or q.speaker,
                "text": q.speaker,
                "entity_id": q.speaker_entity,
            },
            "cue": q.cue,
            "via": q.via,
            "sentence": q.sentence,
            "start": q.start,
            "end": q.end,
            **self.article.to_dict(),
        }


def actor_dict(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "name": actor.name,
        "entity_id": actor.entity_id,
        "country": actor.country,
        "sector": actor.sector,
    }


@dataclass
class EventRow:
    """A stored event, the article it is in, and its position there (for a stable id)."""

    event: Event
    article: ArticleRef
    position: int

    @property
    def id(self) -> str:
        """The event's own id, or ``ARTICLE:POSITION`` when the annotator gave none."""
        return self.event.id or f"{self.article.id}:{self.position}"

    def to_dict(self) -> dict[str, Any]:
        e = self.event
        return {
            "id": self.id,
            "type": e.type,
            "mode": e.mode,
            "source": actor_dict(e.source),
            "target": actor_dict(e.target),
            "location": e.location,
            "date": e.date,
            "date_precision": e.date_precision,
            "date_source": e.date_source,  # text or published: where the date came from (stored column)
            "certainty": e.certainty,
            "attributed_to": e.attributed_to,
            "sentence": e.sentence_text,
            "sentence_index": e.sentence,
            "trigger": e.trigger,
            **self.article.to_dict(),
        }


def _story_item(r: Mapping[str, Any], members: Sequence[tuple[str, str | None]]) -> dict[str, Any]:
    """A story in a listing; ``members`` are its (article id, outlet) in story order.
    ``num_outlets`` is the count every face shows (:func:`crisol.text.count_outlets`)."""
    return {
        "id": r["id"],
        "title": r["title"],
        "language": r["language"],
        "size": r["size"],
        "first": _iso(r["first"]),
        "last": _iso(r["last"]),
        "updated": _iso(r["updated"]),
        "articles": [m for m, _ in members],
        "outlets": outlet_names(members),
        "num_outlets": count_outlets(members),
    }


# ==== filters, sorting, paging ==================================================================


@dataclass
class Page:
    """A page of a listing: ``items`` (dicts in the public shape) and the ``total`` matching."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


@dataclass
class Filters:
    """Filters on the article a row belongs to: outlet (any case, any of its spellings),
    collection (its outlets), language, publication window."""

    outlet: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    outlets: list[str] | None = None  # the outlet's or collection's stored spellings, once looked up
    collection: str | None = None

    def resolved(self, store: Store) -> Filters:
        """Look the outlet and collection up (:func:`crisol.store.outlets.outlet_names`); an
        unknown collection raises :class:`~crisol.store.outlets.UnknownName`."""
        if (self.outlet or self.collection) and self.outlets is None:
            self.outlets = outlet_records.outlet_names(store, collection=self.collection, outlet=self.outlet)
        return self

    def apply(self, query: Select) -> Select:
        a = s.articles
        if self.outlets is not None:
            query = query.where(a.c.outlet.in_(self.outlets))
        elif self.outlet:
            query = query.where(a.c.outlet == self.outlet)
        if self.language:
            query = query.where(a.c.language == self.language.lower())
        if self.since:
            query = query.where(a.c.published >= self.since)
        if self.until:
            query = query.where(a.c.published <= self.until)
        return query


ArticleFilter = Filters  # the name the export command knows (same fields, same order)


@dataclass
class Ordering:
    """A sort key (a column, ascending or not) and the columns that break its ties."""

    column: Any
    descending: bool
    tiebreak: Sequence[Any]

    def terms(self) -> list[Any]:
        col = self.column.desc() if self.descending else self.column.asc()
        return [col.nulls_last(), *self.tiebreak]


def _order(sort: str, keys: Mapping[str, Any], tiebreak: Sequence[Any]) -> Ordering:
    """The ordering for a sort key such as ``-published``; ValueError names the options."""
    name = sort.lstrip("-")
    if name not in keys:
        options = ", ".join(o for k in keys for o in (f"-{k}", k))
        raise ValueError(f"sort must be one of {options}; got {sort!r}")
    return Ordering(keys[name], sort.startswith("-"), tiebreak)


def check_page(limit: int, offset: int) -> None:
    if limit < 1 or limit > _MAX_SQL_LIMIT:
        raise ValueError(f"limit must be between 1 and {_MAX_SQL_LIMIT}; got {limit}")
    if offset < 0 or offset > MAX_OFFSET:
        raise ValueError(f"offset must be between 0 and {MAX_OFFSET:,}; got {offset}")


Shape = Callable[[Connection, list[Mapping[str, Any]]], list[dict[str, Any]]]


def _page(store: Store, query: Select, order: Ordering, limit: int, offset: int, shape: Shape) -> Page:
    """Count, fetch one page in order, and shape its rows (with the same connection)."""
    check_page(limit, offset)
    count = select(func.count()).select_from(query.order_by(None).subquery())
    with store.connection() as conn:
        total = int(conn.scalar(count) or 0)
        if conn.dialect.name == "postgresql":
            rows = _nulls_last_page(conn, query, order, limit, offset, total)
        else:  # SQLite sorts NULL first: its DESC index scan already puts them last
            rows = conn.execute(query.order_by(*order.terms()).limit(limit).offset(offset)).mappings().all()
        items = shape(conn, [dict(r) for r in rows]) if rows else []
    return Page(items, total, limit, offset)


def _nulls_last_page(conn, query: Select, order: Ordering, limit: int, offset: int, total: int) -> list[Any]:
    """PostgreSQL: rows with a value, then the NULLs, each part read in index order.

    ``ORDER BY x DESC NULLS LAST`` cannot walk an ascending index (a backward scan gives NULLS
    FIRST), so with 100k articles every page would sort the whole table; two index-ordered
    queries, split at the count of NULLs, give the same page.
    """
    col = order.column
    nulls = int(
        conn.scalar(select(func.count()).select_from(query.where(col.is_(None)).order_by(None).subquery()))
    )
    valued = total - nulls
    rows: list[Any] = []
    if offset < valued:
        ordered = col.desc() if order.descending else col.asc()
        part = query.where(col.is_not(None)).order_by(ordered, *order.tiebreak).limit(limit).offset(offset)
        rows += conn.execute(part).mappings().all()
    if len(rows) < limit and nulls:
        part = query.where(col.is_(None)).order_by(*order.tiebreak)
        rows += conn.execute(part.limit(limit - len(rows)).offset(max(0, offset - valued))).mappings().all()
    return rows


def _empty_page(limit: int, offset: int) -> Page:
    check_page(limit, offset)
    return Page([], 0, limit, offset)


def _none_match(store: Store, table, conditions: list[Any]) -> bool:
    """Whether no row of ``table`` meets ``conditions`` (one indexed probe).

    Lists of quotes and events are ordered by their article's date, which walks the articles
    index; when nothing can match (a store ingested without analysis, a type never seen) that
    walk would read every article before answering empty.
    """
    with store.connection() as conn:
        return conn.execute(select(1).select_from(table).where(*conditions).limit(1)).first() is None


# ==== batched context look-ups (one statement per chunk of a page, never one per row) ===========


def _stories_of(conn: Connection, article_ids: Iterable[str]) -> dict[str, str]:
    """The story each article is in (articles not linked yet are left out)."""
    sa = story_articles
    out: dict[str, str] = {}
    for chunk in _chunks(sorted(set(article_ids))):
        q = select(sa.c.article_id, sa.c.story_id).where(sa.c.article_id.in_(chunk))
        out.update({r.article_id: r.story_id for r in conn.execute(q)})
    return out


def _names(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(sorted({i for i in ids if i})):
        q = select(entities.c.id, entities.c.name).where(entities.c.id.in_(chunk))
        out.update({r.id: r.name for r in conn.execute(q)})
    return out


def entities_by_name(mentions: Iterable[tuple[str | None, str | None, str | None]]) -> dict[str, str]:
    """Registry entity by (case-folded) name, from an article's ``(text, canonical, entity_id)``.

    >>> entities_by_name([("Kim", "Kim Jong-un", "per:kim"), ("Seúl", None, None)])
    {'kim jong-un': 'per:kim', 'kim': 'per:kim'}
    """
    out: dict[str, str] = {}
    for text, canonical, entity_id in mentions:
        if entity_id:
            for name in (canonical, text):
                if name:
                    out.setdefault(name.casefold(), entity_id)
    return out


def link_actors(event: Event, by_name: dict[str, str], countries: Mapping[str, str] | None = None) -> Event:
    """Give an unlinked actor the registry entity of the article's mention with its name, and
    an actor with no country the country the registry knows for its entity.

    The annotator names actors as the text does and the linker links mentions, not actors: the
    mention with that name (or canonical name) in the same article says which entity it is. The
    registry gathers evidence from every article, so it may know a country one article never
    states ("the minister" of one article is "the Spanish minister" of another).
    """
    for actor in (event.source, event.target):
        if actor is not None and actor.entity_id is None and actor.name:
            actor.entity_id = by_name.get(actor.name.casefold())
        if actor is not None and actor.country is None and actor.entity_id and countries:
            actor.country = countries.get(actor.entity_id)
    return event


def _countries(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    """Registry country of each entity that has one."""
    out: dict[str, str] = {}
    # one statement even for no ids: a page costs the same statements whatever its rows
    for chunk in list(_chunks(sorted({i for i in ids if i}))) or [[]]:
        q = select(entities.c.id, entities.c.country).where(
            entities.c.id.in_(chunk), entities.c.country.is_not(None)
        )
        out.update({r.id: r.country for r in conn.execute(q)})
    return out


def _linked_names(conn: Connection, article_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Per article: registry entity by folded name, from its linked mentions."""
    m = s.mentions
    rows: dict[str, list[tuple[str | None, str | None, str | None]]] = {}
    for chunk in _chunks(sorted(set(article_ids))):
        q = select(m.c.article_id, m.c.text, m.c.canonical, m.c.entity_id).where(
            m.c.article_id.in_(chunk), m.c.entity_id.is_not(None)
        )
        for r in conn.execute(q):
            rows.setdefault(r.article_id, []).append((r.text, r.canonical, r.entity_id))
    return {aid: entities_by_name(found) for aid, found in rows.items()}


def _ref(r: Mapping[str, Any], stories_of: Mapping[str, str]) -> ArticleRef:
    aid = r["article_id"]
    return ArticleRef(
        aid, r["outlet"], r["title"], r["url"], r["published"], stories_of.get(aid), r["language"]
    )


def _quote_rows(conn: Connection, rows: list[Mapping[str, Any]]) -> list[QuoteRow]:
    """Quote rows (quote columns + the article's context columns) as :class:`QuoteRow`."""
    stories_of = _stories_of(conn, (r["article_id"] for r in rows))
    names = _names(conn, (r["speaker_entity"] for r in rows))
    make = convert.FROM_ROW["quotes"]
    return [
        QuoteRow(make(r), _ref(r, stories_of), names.get(r["speaker_entity"]), r["position"]) for r in rows
    ]


def _event_rows(conn: Connection, rows: list[Mapping[str, Any]]) -> list[EventRow]:
    """Event rows as :class:`EventRow`, their unlinked actors linked through the article's mentions."""
    ids = {r["article_id"] for r in rows}
    stories_of, linked = _stories_of(conn, ids), _linked_names(conn, ids)
    make = convert.FROM_ROW["events"]
    events = [link_actors(make(r), linked.get(r["article_id"], {})) for r in rows]
    countries = _countries(conn, (x.entity_id for e in events for x in (e.source, e.target) if x is not None))
    return [
        EventRow(link_actors(e, {}, countries), _ref(r, stories_of), r["position"])
        for e, r in zip(events, rows)
    ]


def _with_context(table) -> Select:
    """The child table's rows with their article's context columns."""
    a = s.articles
    return select(table, *_CONTEXT_COLS).join(a, a.c.id == table.c.article_id)


# ==== articles ==================================================================================

ARTICLE_SORTS = {
    "published": s.articles.c.published,
    "ingested": s.articles.c.ingested_at,
    "id": s.articles.c.id,
}
_SUMMARY_COLS = (s.articles.c.id, s.articles.c.title, s.articles.c.outlet, s.articles.c.language,
                 s.articles.c.published, s.articles.c.url, s.articles.c.source, s.articles.c.copy_of,
                 s.articles.c.analysis)  # fmt: skip


def _mentions_entity(entity: str):
    m = s.mentions
    return exists().where(and_(m.c.article_id == s.articles.c.id, m.c.entity_id == entity))


def _article_items(conn: Connection, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    stories_of = _stories_of(conn, (r["id"] for r in rows))
    return [article_summary(r, stories_of.get(r["id"])) for r in rows]


def list_articles(
    store: Store,
    filters: Filters | None = None,
    *,
    entity: str | None = None,
    sort: str = "-published",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Article summaries; ``entity`` keeps those mentioning a registry entity."""
    a = s.articles
    query = (filters or Filters()).resolved(store).apply(select(*_SUMMARY_COLS))
    if entity:
        query = query.where(_mentions_entity(entity))
    return _page(store, query, _order(sort, ARTICLE_SORTS, [a.c.id]), limit, offset, _article_items)


def article_summaries(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Article summaries for ``ids``, in that order (unknown ids are left out)."""
    rows: dict[str, dict[str, Any]] = {}
    with store.connection() as conn:
        for chunk in _chunks(list(ids)):
            found = conn.execute(select(*_SUMMARY_COLS).where(s.articles.c.id.in_(chunk))).mappings()
            rows.update({r["id"]: r for r in _article_items(conn, [dict(r) for r in found])})
    return [rows[i] for i in ids if i in rows]


def article_detail(store: Store, article: Article) -> dict[str, Any]:
    """An article in full (:meth:`Article.to_dict`) with registry names and its story.

    Its ``quotes`` and ``events`` are in the quote and event shapes of the listings; each
    mention carries ``entity_name``; ``entities`` repeats ``mentions`` under the name
    ``crisol analyze --format json`` uses.
    """
    d = article.to_dict()
    with store.connection() as conn:
        story = _stories_of(conn, [article.id]).get(article.id)
        ids = {m.entity_id for m in article.mentions} | {q.speaker_entity for q in article.quotes}
        ids |= {x.entity_id for e in article.events for x in (e.source, e.target) if x is not None}
        names = _names(conn, ids)
        by_name = entities_by_name((m.text, m.canonical, m.entity_id) for m in article.mentions)
        countries = _countries(conn, ids | set(by_name.values()))
    ref = ArticleRef(
        article.id, article.outlet, article.title, article.url, article.published, story, article.language
    )
    for m in d["mentions"]:
        m["entity_name"] = names.get(m["entity_id"]) if m["entity_id"] else None
    d["entities"] = d["mentions"]
    d["quotes"] = [
        QuoteRow(q, ref, names.get(q.speaker_entity or ""), i).to_dict() for i, q in enumerate(article.quotes)
    ]
    d["events"] = [
        EventRow(link_actors(e, by_name, countries), ref, i).to_dict() for i, e in enumerate(article.events)
    ]
    d["story"] = story
    return d


def get_article(store: Store, id_or_prefix: str) -> dict[str, Any] | None:
    """One article in full (see :func:`article_detail`), or None; an ambiguous prefix raises
    :class:`~crisol.store.AmbiguousId`."""
    article = store.get_article(id_or_prefix)
    return article_detail(store, article) if article is not None else None


def outlets(store: Store) -> list[dict[str, Any]]:
    """Outlets with their number of articles (for filter menus)."""
    a = s.articles
    n = func.count().label("articles")
    query = (
        select(a.c.outlet, n)
        .where(a.c.outlet.is_not(None))
        .group_by(a.c.outlet)
        .order_by(n.desc(), a.c.outlet)
    )
    with store.connection() as conn:
        return [{"outlet": o, "articles": c} for o, c in conn.execute(query)]


# ==== quotes ====================================================================================

QUOTE_SORTS = {"published": s.articles.c.published, "speaker": s.quotes.c.speaker}


def list_quotes(
    store: Store,
    filters: Filters | None = None,
    *,
    entity: str | None = None,
    speaker: str | None = None,
    kind: str | None = None,
    article: str | None = None,
    sort: str = "-published",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Quotes with their article's context; ``entity`` is the speaker's registry id,
    ``speaker`` the speaker as written (any case)."""
    q = s.quotes
    conditions = []
    if entity:
        conditions.append(q.c.speaker_entity == entity)
    if speaker:
        conditions.append(func.lower(q.c.speaker) == speaker.lower())
    if kind:
        conditions.append(q.c.kind == kind)
    if article:
        conditions.append(q.c.article_id == article)
    order = _order(sort, QUOTE_SORTS, [q.c.article_id, q.c.position])
    if _none_match(store, q, conditions):
        return _empty_page(limit, offset)
    query = (filters or Filters()).resolved(store).apply(_with_context(q)).where(*conditions)
    return _page(
        store, query, order, limit, offset, lambda conn, rows: [r.to_dict() for r in _quote_rows(conn, rows)]
    )


# ==== events ====================================================================================

EVENT_SORTS = {"published": s.articles.c.published, "date": s.events.c.date, "type": s.events.c.type}


def _event_conditions(type, certainty, entity, article) -> list[Any]:
    e = s.events
    conditions = []
    if type:
        conditions.append(e.c.type == type.upper())  # PLOVER types are stored in capitals (indexed)
    if certainty:
        conditions.append(e.c.certainty == certainty.lower())
    if entity:
        conditions.append(or_(e.c.source_entity == entity, e.c.target_entity == entity))
    if article:
        conditions.append(e.c.article_id == article)
    return conditions


def _events_query(store, filters, type, certainty, entity, article) -> Select:
    query = (filters or Filters()).resolved(store).apply(_with_context(s.events))
    return query.where(*_event_conditions(type, certainty, entity, article))


def list_events(
    store: Store,
    filters: Filters | None = None,
    *,
    type: str | None = None,
    certainty: str | None = None,
    entity: str | None = None,
    article: str | None = None,
    sort: str = "-published",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """PLOVER events; ``entity`` is the stored registry id of either actor, ``type`` and
    ``certainty`` match exactly (any case)."""
    e = s.events
    order = _order(sort, EVENT_SORTS, [e.c.article_id, e.c.position])
    if _none_match(store, e, _event_conditions(type, certainty, entity, article)):
        return _empty_page(limit, offset)
    query = _events_query(store, filters, type, certainty, entity, article)
    return _page(
        store, query, order, limit, offset, lambda conn, rows: [r.to_dict() for r in _event_rows(conn, rows)]
    )


def event_counts(
    store: Store,
    filters: Filters | None = None,
    *,
    type: str | None = None,
    certainty: str | None = None,
    entity: str | None = None,
) -> list[dict[str, Any]]:
    """Events per publication day and type (for a chart): ``[{day, type, count}]``."""
    query = _events_query(store, filters, type, certainty, entity, None).subquery()
    with store.connection() as conn:
        rows = conn.execute(select(query.c.published, query.c.type)).all()
    counts: dict[tuple[str, str], int] = {}
    for published, etype in rows:
        key = (published.date().isoformat() if published else "", etype)
        counts[key] = counts.get(key, 0) + 1
    return [{"day": d or None, "type": t, "count": n} for (d, t), n in sorted(counts.items())]


# ==== events across sources: what grouping them reads (crisol.service.events groups) ==========


def count_event_reports(
    store: Store,
    type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    gap: timedelta = timedelta(0),
) -> int:
    """How many per-article events fall in a selection, at most: the window widened by ``gap``
    on both sides (one index range)."""
    e = s.events
    query = select(func.count()).select_from(e).where(*_event_conditions(type, None, None, None))
    if since or until:
        query = query.where(e.c.date.is_not(None))
    if since:  # resolved dates are ISO text: a month ("2025-03") or a season sorts after its days' prefix
        query = query.where(e.c.date >= (since - gap).isoformat()[:7])
    if until:
        query = query.where(e.c.date <= (until + gap).isoformat() + "~")
    with store.connection() as conn:
        return int(conn.scalar(query) or 0)


def actor_keys(
    store: Store, entity: str | None = None, actor: str | None = None
) -> tuple[set[str], set[str]]:
    """(registry ids, folded names) an event's actor may carry to match ``entity`` (a registry
    id: its name and spellings count for unlinked actors) or ``actor`` (a name, any case: the
    registry entities spelled so, and the name itself)."""
    al = entity_aliases
    ids: set[str] = {entity} if entity else set()
    names: set[str] = {fold(actor)} if actor else set()
    with store.connection() as conn:
        if actor:
            low = actor.strip().lower()
            ids |= set(conn.scalars(select(entities.c.id).where(func.lower(entities.c.name) == low)))
            ids |= set(conn.scalars(select(al.c.entity_id).where(func.lower(al.c.text) == low)))
        for chunk in _chunks(sorted(ids)):
            names |= {fold(n) for n in conn.scalars(select(entities.c.name).where(entities.c.id.in_(chunk)))}
            names |= {fold(t) for t in conn.scalars(select(al.c.text).where(al.c.entity_id.in_(chunk)))}
    return ids, names


def stories_changed_at(store: Store) -> Any:
    """When stories last changed: linking (which also writes the relations) moves it on."""
    with store.connection() as conn:
        return conn.scalar(select(func.max(stories.c.updated)))


# ==== entities ==================================================================================


def _mention_totals():
    al = entity_aliases
    return select(al.c.entity_id, func.sum(al.c.count).label("n")).group_by(al.c.entity_id).subquery()


def _entities_query(type: str | None, country: str | None, columns_only: bool = False):
    """Registry entities (any case of type and country) beside their mention totals; with
    ``columns_only``, without the registry's ``data``."""
    totals = _mention_totals()
    cols = [c for c in entities.c if c.name != "data"] if columns_only else [entities]
    query = select(*cols).outerjoin(totals, totals.c.entity_id == entities.c.id)
    if type:
        query = query.where(func.upper(entities.c.type) == type.upper())
    if country:
        query = query.where(func.upper(entities.c.country) == country.upper())
    return query, totals


def _entity_items(conn: Connection, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Entity rows (their columns, not the registry's ``data``, which holds every article id
    and grows with the store) with their spellings and article counts, batched."""
    al, m = entity_aliases, s.mentions
    ids = [r["id"] for r in rows]
    aliases: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    counts: dict[str, int] = {}
    for chunk in _chunks(ids):
        q = select(al.c.entity_id, al.c.text, al.c.count).where(al.c.entity_id.in_(chunk))
        for r in conn.execute(q):
            aliases[r.entity_id].append({"text": r.text, "count": int(r.count)})
        n = func.count(func.distinct(m.c.article_id))
        q = select(m.c.entity_id, n).where(m.c.entity_id.in_(chunk)).group_by(m.c.entity_id)
        counts.update({eid: int(c) for eid, c in conn.execute(q)})
    for spellings in aliases.values():  # most seen first, then by code point (as EntityRecord does,
        spellings.sort(key=lambda a: (-a["count"], a["text"]))  # whatever the engine's collation)
    return [entity_summary(r, aliases[r["id"]], counts.get(r["id"], 0)) for r in rows]


def list_entities(
    store: Store,
    *,
    type: str | None = None,
    country: str | None = None,
    q: str | None = None,
    sort: str = "-mentions",
    limit: int = 50,
    offset: int = 0,
    outlets: Sequence[str] | None = None,
) -> Page:
    """Registry entities in their listing shape (:func:`entity_summary`; mentions = the sum of
    their spellings' counts); ``q`` matches the start of the name or of any spelling, any case;
    ``outlets`` (``articles.outlet`` spellings, an outlet's or a collection's): named in an
    article of one of them (the counts stay the whole store's)."""
    ent, al = entities, entity_aliases
    query, totals = _entities_query(type, country, columns_only=True)
    if outlets is not None:
        m, a = s.mentions, s.articles
        named_there = (
            select(m.c.entity_id).join(a, a.c.id == m.c.article_id).where(a.c.outlet.in_(list(outlets)))
        )
        query = query.where(ent.c.id.in_(named_there))
    if q:
        like = q.strip().replace("\\", "").replace("%", "").replace("_", "").lower() + "%"
        spelled = exists().where(and_(al.c.entity_id == ent.c.id, func.lower(al.c.text).like(like)))
        query = query.where(or_(func.lower(ent.c.name).like(like), spelled))
    keys = {"mentions": func.coalesce(totals.c.n, 0), "name": ent.c.name}
    return _page(store, query, _order(sort, keys, [ent.c.id]), limit, offset, _entity_items)


def cooccurring(store: Store, entity_id: str, limit: int = 25) -> list[dict[str, Any]]:
    """Entities mentioned in the same articles as ``entity_id``, most shared articles first:
    ``[{id, name, type, shared_articles}]``."""
    m, other = s.mentions, s.mentions.alias("other")
    shared = func.count(func.distinct(other.c.article_id)).label("shared_articles")
    query = (
        select(other.c.entity_id.label("id"), entities.c.name, entities.c.type, shared)
        .select_from(
            m.join(other, other.c.article_id == m.c.article_id).join(
                entities, entities.c.id == other.c.entity_id
            )
        )
        .where(m.c.entity_id == entity_id, other.c.entity_id != entity_id)
        .group_by(other.c.entity_id, entities.c.name, entities.c.type)
        .order_by(shared.desc(), other.c.entity_id)
        .limit(limit)
    )
    with store.connection() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def shared_article_links(store: Store, entity_id: str, others: Sequence[str]) -> dict[tuple[str, str], int]:
    """Among ``others`` (entities named beside ``entity_id``): for each pair, how many of
    ``entity_id``'s articles name both (the edges of its network, in one statement)."""
    if len(others) < 2:
        return {}
    m = s.mentions
    mine = select(m.c.article_id).where(m.c.entity_id == entity_id)
    query = (
        select(m.c.article_id, m.c.entity_id)
        .where(m.c.entity_id.in_(list(others)), m.c.article_id.in_(mine))
        .distinct()
    )
    per_article: dict[str, set[str]] = {}
    with store.connection() as conn:
        for r in conn.execute(query):
            per_article.setdefault(r.article_id, set()).add(r.entity_id)
    links: Counter = Counter()
    for ids in per_article.values():
        links.update(combinations(sorted(ids), 2))
    return dict(links)


def get_entity(store: Store, entity_id: str, limit: int = 200, neighbours: int = 25) -> dict[str, Any] | None:
    """One entity in full: the entity shape, with ``articles`` from the mentions themselves,
    plus ``recent_articles`` (article summaries, newest first), ``quotes`` it said, ``events``
    it is in (as either actor, by registry id or an unlinked actor with one of its spellings),
    at most ``limit`` of each, and ``cooccurring`` entities."""
    queries = AnnotationQueries(store)
    record = queries.get_entities([entity_id]).get(entity_id)
    if record is None:
        return None
    return entity_detail(queries, record, limit, neighbours)


def entity_detail(
    queries: AnnotationQueries, record: EntityRecord, limit: int = 200, neighbours: int = 25
) -> dict[str, Any]:
    """:func:`get_entity` for a record already found (by name, say)."""
    store = queries.store
    d = record.to_dict()
    d["articles"] = queries.entity_article_ids(record.id)  # from the mentions, newest first
    d["article_count"] = len(d["articles"])
    d["recent_articles"] = article_summaries(store, d["articles"][:limit])
    d["quotes"] = [q.to_dict() for q in queries.quotes(speaker_entity=record.id, limit=limit)]
    names = [record.name, *(t for t, _ in record.aliases)]
    d["events"] = [
        e.to_dict() for e in queries.events(entity_ids=[record.id], actor_names=names, limit=limit)
    ]
    d["cooccurring"] = cooccurring(store, record.id, neighbours)
    return d


# ==== stories ===================================================================================

STORY_SORTS = {"last": stories.c["last"], "first": stories.c["first"], "size": stories.c.size,
               "updated": stories.c.updated}  # fmt: skip


def _story_items(conn: Connection, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Story rows with their members and outlets (one statement for the whole page)."""
    a, sa = s.articles, story_articles
    ids = [r["id"] for r in rows]
    members: dict[str, list[tuple[str, str | None]]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        q = (
            select(sa.c.story_id, sa.c.article_id, a.c.outlet)
            .join(a, a.c.id == sa.c.article_id)
            .where(sa.c.story_id.in_(chunk))
            .order_by(sa.c.story_id, sa.c.position)
        )
        for r in conn.execute(q):
            members[r.story_id].append((r.article_id, r.outlet))
    untitled = {r["id"]: members[r["id"]][0][0] for r in rows if not r["title"] and members[r["id"]]}
    leads = _leads(conn, list(untitled.values())) if untitled else {}
    items = [_story_item(r, members[r["id"]]) for r in rows]
    for item in items:
        if item["id"] in untitled:
            item["title"] = leads.get(untitled[item["id"]])
    return items


TITLE_CHARS = 160  # a first sentence standing in for a missing headline is cut here (as present does)


def _leads(conn: Connection, article_ids: list[str]) -> dict[str, str]:
    """The first sentence of each article (its text's start when it has no sentences), cut at
    :data:`TITLE_CHARS`: the title of a story none of whose articles has a headline."""
    out: dict[str, str] = {}
    st, a = s.sentences, s.articles
    for chunk in _chunks(article_ids):
        q = select(st.c.article_id, st.c.text).where(st.c.article_id.in_(chunk), st.c.position == 0)
        out.update({r.article_id: r.text for r in conn.execute(q)})
        rest = [i for i in chunk if i not in out]
        if rest:
            q = select(a.c.id, func.substr(a.c.text, 1, 4 * TITLE_CHARS)).where(a.c.id.in_(rest))
            out.update({i: t for i, t in conn.execute(q)})
    return {i: _cut(" ".join(t.split())) for i, t in out.items() if t and t.strip()}


def _cut(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def list_stories(
    store: Store,
    *,
    language: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    entity: str | None = None,
    outlet: str | None = None,
    collection: str | None = None,
    sort: str = "-last",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Live stories (not merged into another) with their articles and outlets;
    ``since``/``until`` bound their last article; ``outlet``/``collection`` keep the stories
    with an article of that outlet or collection."""
    st, sa = stories, story_articles
    query = select(st).where(st.c.merged_into.is_(None))
    if outlet or collection:
        a = s.articles
        spellings = outlet_records.outlet_names(store, collection=collection, outlet=outlet)
        query = query.where(
            exists().where(
                and_(sa.c.story_id == st.c.id, a.c.id == sa.c.article_id, a.c.outlet.in_(spellings))
            )
        )
    if language:
        query = query.where(st.c.language == language.lower())
    if since:
        query = query.where(st.c["last"] >= since)
    if until:
        query = query.where(st.c["last"] <= until)
    if entity:
        m = s.mentions
        query = query.where(
            exists().where(
                and_(sa.c.story_id == st.c.id, m.c.article_id == sa.c.article_id, m.c.entity_id == entity)
            )
        )
    return _page(store, query, _order(sort, STORY_SORTS, [st.c.id]), limit, offset, _story_items)


def story_listing(store: Store, story_id: str) -> dict[str, Any] | None:
    """The listing's fields of one story (an exact id), or None for an unknown story."""
    with store.connection() as conn:
        row = conn.execute(select(stories).where(stories.c.id == story_id)).mappings().first()
        return _story_items(conn, [dict(row)])[0] if row is not None else None


# ==== streaming and look-ups (the CLI's event table, exports, name look-up) =====================


class AnnotationQueries:
    """Read-only questions about entities, quotes and events through a Store, row by row.

    Rows are :class:`EntityRecord`, :class:`QuoteRow` and :class:`EventRow`, whose ``to_dict()``
    is the shape the listings above return.
    """

    def __init__(self, store: Store):
        self.store = store

    # ---- entities --------------------------------------------------------------------------
    def list_entities(
        self, type: str | None = None, country: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[EntityRecord]:
        """Registry entities, most mentioned first (mentions = the sum of their alias counts)."""
        q, totals = _entities_query(type, country)
        q = q.order_by(func.coalesce(totals.c.n, 0).desc(), entities.c.name, entities.c.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.store.connection() as conn:
            return [_entity_record(r) for r in conn.execute(q).mappings()]

    def count_entities(self) -> int:
        with self.store.connection() as conn:
            return int(conn.scalar(select(func.count()).select_from(entities)) or 0)

    def get_entities(self, ids: Iterable[str]) -> dict[str, EntityRecord]:
        """Registry entities by id (unknown ids are left out)."""
        out: dict[str, EntityRecord] = {}
        with self.store.connection() as conn:
            for chunk in _chunks(sorted(set(ids))):
                for r in conn.execute(select(entities).where(entities.c.id.in_(chunk))).mappings():
                    out[r["id"]] = _entity_record(r)
        return out

    def entity_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Canonical names of registry entities, by id (cheaper than loading their data)."""
        with self.store.connection() as conn:
            return _names(conn, ids)

    def iter_names(self) -> Iterator[tuple[str, str, bool]]:
        """Every (entity id, spelling, is the canonical name) of the registry, for name lookup."""
        with self.store.connection() as conn:
            for r in conn.execute(select(entities.c.id, entities.c.name)):
                yield r.id, r.name, True
            for r in conn.execute(select(entity_aliases.c.entity_id, entity_aliases.c.text)):
                yield r.entity_id, r.text, False

    def entity_article_ids(self, entity_id: str) -> list[str]:
        """The articles mentioning an entity, newest first."""
        m, a = s.mentions, s.articles
        ids = select(m.c.article_id).where(m.c.entity_id == entity_id).distinct()
        q = select(a.c.id).where(a.c.id.in_(ids)).order_by(a.c.published.desc().nulls_last(), a.c.id)
        with self.store.connection() as conn:
            return list(conn.scalars(q))

    # ---- quotes ----------------------------------------------------------------------------
    def quotes(
        self,
        speaker_entity: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        articles: Filters | None = None,
    ) -> list[QuoteRow]:
        """Quotes, newest article first, optionally by one registry speaker or in one article."""
        return list(self.iter_quotes(speaker_entity, article_id, limit, articles))

    def iter_quotes(
        self,
        speaker_entity: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        articles: Filters | None = None,
    ) -> Iterator[QuoteRow]:
        t = s.quotes
        q = self._ordered(t, articles)
        if speaker_entity is not None:
            q = q.where(t.c.speaker_entity == speaker_entity)
        if article_id is not None:
            q = q.where(t.c.article_id == article_id)
        if limit is not None:
            q = q.limit(limit)
        for conn, batch in self._batches(q):
            yield from _quote_rows(conn, batch)

    # ---- events ----------------------------------------------------------------------------
    def events(self, **filters: Any) -> list[EventRow]:
        """Events matching the filters of :meth:`iter_events`."""
        return list(self.iter_events(**filters))

    def iter_events(
        self,
        entity_ids: Sequence[str] = (),
        actor_names: Sequence[str] = (),
        type: str | None = None,
        certainty: str | None = None,
        since: date | None = None,
        until: date | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        articles: Filters | None = None,
    ) -> Iterator[EventRow]:
        """Events, newest article first.

        ``entity_ids`` / ``actor_names``: only events whose source or target is one of these
        registry entities or carries one of these names (case-insensitive). ``since``/``until``
        keep events whose resolved date overlaps the window (a month overlaps its days);
        ``articles`` chooses the articles (outlet, language, publication date) they are read in.
        """
        t = s.events
        q = self._ordered(t, articles).where(*_event_conditions(type, certainty, None, article_id))
        actors = _actor_clause(t, entity_ids, actor_names)
        if actors is not None:
            q = q.where(actors)
        if since is not None or until is not None:
            # Only resolved dates can overlap a window; the exact overlap is checked below.
            q = q.where(t.c.date.is_not(None))
        elif limit is not None:
            q = q.limit(limit)
        n = 0
        for conn, batch in self._batches(q):
            batch = [r for r in batch if span_overlaps(date_span(r["date"]), since, until)]
            for row in _event_rows(conn, batch):
                yield row
                n += 1
                if limit is not None and n >= limit:
                    return

    # ---- helpers ---------------------------------------------------------------------------
    def _ordered(self, t, articles: Filters | None) -> Select:
        """The child table's rows with their article's context, filtered on the article,
        newest article first (the listings' default order)."""
        a = s.articles
        q = (articles or Filters()).resolved(self.store).apply(_with_context(t))
        return q.order_by(a.c.published.desc().nulls_last(), t.c.article_id, t.c.position)

    def _batches(self, q: Select, size: int = 500) -> Iterator[tuple[Connection, list[dict[str, Any]]]]:
        """Rows of ``q`` as dicts, fetched in batches, with the connection reading them (one
        connection throughout: an in-memory SQLite store has only one)."""
        with self.store.connection() as conn:
            result = conn.execute(q).mappings()
            while batch := result.fetchmany(size):
                yield conn, [dict(r) for r in batch]


def _actor_clause(t, entity_ids: Sequence[str], names: Sequence[str]):
    """Source or target is one of the entities, or is unlinked and has one of the names.

    An actor linked to another entity is left out even when its name matches: the registry
    already decided it is someone else ("Kim" the sister is not "Kim" the leader).
    """
    ids = list(entity_ids)
    # Exact spellings too: SQLite's lower() leaves non-ASCII capitals ("Á") as they are.
    spellings = sorted(set(names) | {n.lower() for n in names})
    parts = []
    for role in ("source", "target"):
        entity, name = t.c[f"{role}_entity"], t.c[f"{role}_name"]
        if ids:
            parts.append(entity.in_(ids))
        if spellings:
            parts.append(and_(entity.is_(None), or_(name.in_(spellings), func.lower(name).in_(spellings))))
    return or_(*parts) if parts else None


__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "AnnotationQueries",
    "actor_keys",
    "check_page",
    "count_event_reports",
    "stories_changed_at",
    "story_listing",
    "ArticleFilter",
    "ArticleRef",
    "EntityRecord",
    "EventRow",
    "Filters",
    "Page",
    "QuoteRow",
    "actor_dict",
    "article_detail",
    "article_summaries",
    "article_summary",
    "cooccurring",
    "entities_by_name",
    "entity_detail",
    "entity_summary",
    "event_counts",
    "get_article",
    "get_entity",
    "link_actors",
    "list_articles",
    "list_entities",
    "list_events",
    "list_quotes",
    "list_stories",
    "outlets",
    "shared_article_links",
]
