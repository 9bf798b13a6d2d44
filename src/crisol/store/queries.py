"""Read queries over the annotation tables: registry entities, quotes, events, mentions.

The read side (``crisol entities``, ``entity``, ``events``, ``article``, ``export``) asks these
questions; :class:`AnnotationQueries` keeps their SQL in the store layer, beside
:class:`~crisol.store.link.LinkStore` (which writes the registry). Rows come back as small value
objects whose ``to_dict()`` is the public JSON shape (field names are only ever added).

>>> from crisol.store import open_store
>>> q = AnnotationQueries(open_store(":memory:"))
>>> q.list_entities(), q.quotes(), q.events()
([], [], [])
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Connection, Select, and_, func, or_, select

from crisol.model import Actor, Event, Quote
from crisol.store import convert
from crisol.store import schema as s
from crisol.store.link import entities, entity_aliases, story_articles
from crisol.store.store import Store, _chunks

# Article columns carried beside each quote and event, so a row names where it was read.
_ARTICLE_COLS = (s.articles.c.outlet, s.articles.c.title, s.articles.c.url, s.articles.c.published)

# Meteorological northern-hemisphere seasons, as the date resolver writes them ("2024-summer");
# winter starts in December of its year and ends in February of the next.
SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}


@dataclass
class ArticleRef:
    """Where a quote or an event was read: the article's id, outlet, title, url and date."""

    id: str
    outlet: str | None
    title: str | None
    url: str | None
    published: datetime | None
    story: str | None = None  # the story the article is in, once linked

    def to_dict(self) -> dict[str, Any]:
        published = self.published.isoformat() if self.published else None
        return {"id": self.id, "outlet": self.outlet, "title": self.title, "url": self.url,
                "published": published, "story": self.story}  # fmt: skip


@dataclass
class ArticleFilter:
    """Which articles' quotes or events to read (as ``crisol articles`` filters them)."""

    outlet: str | None = None
    language: str | None = None
    published_since: datetime | None = None
    published_until: datetime | None = None


@dataclass
class EntityRecord:
    """A registry entity in its public shape (the ``data`` JSON of an ``entities`` row)."""

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
        d = self.data
        return {
            "id": d["id"], "name": d["name"], "type": d["type"], "country": d.get("country"),
            "role": d.get("role"), "mentions": self.mentions,
            "aliases": [{"text": t, "count": n} for t, n in self.aliases],
            "articles": self.articles, "merges": self.merges,
        }  # fmt: skip


@dataclass
class QuoteRow:
    """A stored quote, the article it is in, and its speaker's registry name when linked."""

    quote: Quote
    article: ArticleRef
    speaker_name: str | None = None  # canonical name of quote.speaker_entity

    def to_dict(self) -> dict[str, Any]:
        q = self.quote
        return {
            "speaker": {"name": self.speaker_name or q.speaker, "text": q.speaker,
                        "entity_id": q.speaker_entity},
            "cue": q.cue, "text": q.text, "kind": q.kind, "via": q.via,
            "article": self.article.id, "outlet": self.article.outlet,
            "title": self.article.title, "url": self.article.url,
            "published": self.article.to_dict()["published"], "story": self.article.story,
            "sentence": q.sentence, "start": q.start, "end": q.end,
        }  # fmt: skip


def actor_dict(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"name": actor.name, "entity_id": actor.entity_id, "country": actor.country,
            "sector": actor.sector}  # fmt: skip


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
            "id": self.id, "type": e.type, "mode": e.mode,
            "source": actor_dict(e.source), "target": actor_dict(e.target),
            "location": e.location, "date": e.date, "date_precision": e.date_precision,
            "certainty": e.certainty, "attributed_to": e.attributed_to,
            "sentence": e.sentence_text, "sentence_index": e.sentence, "trigger": e.trigger,
            "article": self.article.id, "outlet": self.article.outlet,
            "title": self.article.title, "url": self.article.url,
            "published": self.article.to_dict()["published"], "story": self.article.story,
        }  # fmt: skip


def date_span(value: str | None) -> tuple[date, date] | None:
    """The first and last day a resolved date value covers (None when it is not a date).

    >>> date_span("2025-02")
    (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
    >>> date_span("2024-winter")
    (datetime.date(2024, 12, 1), datetime.date(2025, 2, 28))
    >>> date_span("soon") is None
    True
    """
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        if parts[1] in SEASON_MONTHS:
            first, last = SEASON_MONTHS[parts[1]]
            end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
            return date(year, first, 1), date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        month = int(parts[1])
        if len(parts) == 2:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(parts[2][:2]))
        return day, day
    except (ValueError, IndexError):
        return None


def _overlaps(span: tuple[date, date] | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if span is None:
        return False  # an undated event cannot be placed inside a window
    return (since is None or span[1] >= since) and (until is None or span[0] <= until)


class AnnotationQueries:
    """Read-only questions about entities, quotes, events and mentions, through a Store."""

    def __init__(self, store: Store):
        self.store = store

    # ---- entities --------------------------------------------------------------------------
    def list_entities(self, type: str | None = None, country: str | None = None,
                      limit: int | None = None, offset: int = 0) -> list[EntityRecord]:  # fmt: skip
        """Registry entities, most mentioned first (mentions = the sum of their alias counts)."""
        mentions = (
            select(entity_aliases.c.entity_id, func.sum(entity_aliases.c.count).label("n"))
            .group_by(entity_aliases.c.entity_id)
            .subquery()
        )
        q = select(entities.c.data).outerjoin(mentions, mentions.c.entity_id == entities.c.id)
        if type:
            q = q.where(func.upper(entities.c.type) == type.upper())
        if country:
            q = q.where(func.upper(entities.c.country) == country.upper())
        q = q.order_by(func.coalesce(mentions.c.n, 0).desc(), entities.c.name, entities.c.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.store._conn() as conn:
            return [EntityRecord(d) for d in conn.execute(q).scalars()]

    def count_entities(self) -> int:
        with self.store._conn() as conn:
            return int(conn.scalar(select(func.count()).select_from(entities)) or 0)

    def get_entities(self, ids: Iterable[str]) -> dict[str, EntityRecord]:
        """Registry entities by id (unknown ids are left out)."""
        out: dict[str, EntityRecord] = {}
        with self.store._conn() as conn:
            for chunk in _chunks(sorted(set(ids))):
                for d in conn.execute(select(entities.c.data).where(entities.c.id.in_(chunk))).scalars():
                    out[d["id"]] = EntityRecord(d)
        return out

    def entity_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Canonical names of registry entities, by id (cheaper than loading their data)."""
        with self.store._conn() as conn:
            return _names(conn, ids)

    def iter_names(self) -> Iterator[tuple[str, str, bool]]:
        """Every (entity id, spelling, is the canonical name) of the registry, for name lookup."""
        with self.store._conn() as conn:
            for r in conn.execute(select(entities.c.id, entities.c.name)):
                yield r.id, r.name, True
            for r in conn.execute(select(entity_aliases.c.entity_id, entity_aliases.c.text)):
                yield r.entity_id, r.text, False

    def entity_articles(self, entity_id: str) -> list[ArticleRef]:
        """The articles mentioning an entity, newest first."""
        m, a = s.mentions, s.articles
        ids = select(m.c.article_id).where(m.c.entity_id == entity_id).distinct()
        q = (select(a.c.id, *_ARTICLE_COLS).where(a.c.id.in_(ids))
             .order_by(a.c.published.desc().nulls_last(), a.c.id))  # fmt: skip
        with self.store._conn() as conn:
            return [ArticleRef(r.id, r.outlet, r.title, r.url, r.published) for r in conn.execute(q)]

    # ---- quotes ----------------------------------------------------------------------------
    def quotes(self, speaker_entity: str | None = None, article_id: str | None = None,
               limit: int | None = None, articles: ArticleFilter | None = None) -> list[QuoteRow]:  # fmt: skip
        """Quotes, newest article first, optionally by one registry speaker or in one article."""
        return list(self.iter_quotes(speaker_entity, article_id, limit, articles))

    def iter_quotes(self, speaker_entity: str | None = None, article_id: str | None = None,
                    limit: int | None = None, articles: ArticleFilter | None = None) -> Iterator[QuoteRow]:  # fmt: skip
        t = s.quotes
        q = self._with_article(select(t), t, articles)
        if speaker_entity is not None:
            q = q.where(t.c.speaker_entity == speaker_entity)
        if article_id is not None:
            q = q.where(t.c.article_id == article_id)
        if limit is not None:
            q = q.limit(limit)
        make = convert.FROM_ROW["quotes"]
        for conn, batch in self._batches(q):
            names = _names(conn, (r["speaker_entity"] for r in batch))
            for r in batch:
                yield QuoteRow(make(r), _ref(r), names.get(r["speaker_entity"]))

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
        articles: ArticleFilter | None = None,
    ) -> Iterator[EventRow]:
        """Events, newest article first.

        ``entity_ids`` / ``actor_names``: only events whose source or target is one of these
        registry entities or carries one of these names (case-insensitive). ``since``/``until``
        keep events whose resolved date overlaps the window (a month overlaps its days);
        ``articles`` chooses the articles (outlet, language, publication date) they are read in.
        """
        t = s.events
        q = self._with_article(select(t), t, articles)
        actors = _actor_clause(t, entity_ids, actor_names)
        if actors is not None:
            q = q.where(actors)
        if type:
            q = q.where(t.c.type == type.upper())  # PLOVER types are stored in capitals (indexed)
        if certainty:
            q = q.where(t.c.certainty == certainty.lower())
        if article_id is not None:
            q = q.where(t.c.article_id == article_id)
        if since is not None or until is not None:
            # Only resolved dates can overlap a window; the exact overlap is checked below.
            q = q.where(t.c.date.is_not(None))
        elif limit is not None:
            q = q.limit(limit)
        make = convert.FROM_ROW["events"]
        n = 0
        for conn, batch in self._batches(q):
            batch = [r for r in batch if _overlaps(date_span(r["date"]), since, until)]
            linked = _linked_names(conn, {r["article_id"] for r in batch})
            for r in batch:
                event = make(r)
                link_actors(event, linked.get(r["article_id"], {}))
                yield EventRow(event, _ref(r), r["position"])
                n += 1
                if limit is not None and n >= limit:
                    return

    # ---- helpers ---------------------------------------------------------------------------
    def _with_article(self, q: Select, t, articles: ArticleFilter | None) -> Select:
        """Join the article columns (and its story) on, filter on the article, order newest
        article first."""
        f = articles or ArticleFilter()
        a, sa = s.articles, story_articles
        q = (q.add_columns(*_ARTICLE_COLS, sa.c.story_id).join(a, a.c.id == t.c.article_id)
             .outerjoin(sa, sa.c.article_id == t.c.article_id))  # fmt: skip
        q = self.store._filtered(q, f.outlet, f.language, f.published_since, f.published_until)
        return q.order_by(a.c.published.desc().nulls_last(), t.c.article_id, t.c.position)

    def _batches(self, q: Select, size: int = 500) -> Iterator[tuple[Connection, list[dict[str, Any]]]]:
        """Rows of ``q`` as dicts, fetched in batches, with the connection reading them (one
        connection throughout: an in-memory SQLite store has only one)."""
        with self.store._conn() as conn:
            result = conn.execute(q).mappings()
            while batch := result.fetchmany(size):
                yield conn, [dict(r) for r in batch]


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


def link_actors(event: Event, by_name: dict[str, str]) -> Event:
    """Give an unlinked actor the registry entity of the article's mention with its name.

    The annotator names actors as the text does and the linker links mentions, not actors: the
    mention with that name (or canonical name) in the same article says which entity it is.
    """
    for actor in (event.source, event.target):
        if actor is not None and actor.entity_id is None and actor.name:
            actor.entity_id = by_name.get(actor.name.casefold())
    return event


def _linked_names(conn: Connection, article_ids: set[str]) -> dict[str, dict[str, str]]:
    """Per article: registry entity by folded name, from its linked mentions."""
    m = s.mentions
    rows: dict[str, list[tuple[str | None, str | None, str | None]]] = {}
    for chunk in _chunks(sorted(article_ids)):
        q = select(m.c.article_id, m.c.text, m.c.canonical, m.c.entity_id).where(
            m.c.article_id.in_(chunk), m.c.entity_id.is_not(None)
        )
        for r in conn.execute(q):
            rows.setdefault(r.article_id, []).append((r.text, r.canonical, r.entity_id))
    return {aid: entities_by_name(found) for aid, found in rows.items()}


def _ref(r: dict[str, Any]) -> ArticleRef:
    return ArticleRef(r["article_id"], r["outlet"], r["title"], r["url"], r["published"], r["story_id"])


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
    "AnnotationQueries",
    "ArticleFilter",
    "ArticleRef",
    "EntityRecord",
    "EventRow",
    "QuoteRow",
    "actor_dict",
    "date_span",
    "entities_by_name",
    "link_actors",
]
