"""The read side's listings: articles, quotes, events, entities and stories, filtered, sorted and
paged with a total. The REST API (and the web pages) call these; routes never compose SQL.

Every listing takes the same filters where they apply (``outlet``, ``language``, ``since`` /
``until`` on the article's publication time, ``entity``), a ``sort`` key (``-`` for descending)
and ``limit`` / ``offset``, and returns a :class:`Page` of plain dicts (the JSON shape).

>>> from crisol.store import open_store
>>> store = open_store(":memory:")
>>> list_events(store, type="CONSULT").total
0
>>> list_articles(store, sort="title")
Traceback (most recent call last):
...
ValueError: sort must be one of -published, published, -ingested, ingested, -id, id; got 'title'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

from sqlalchemy import MetaData, Select, Table, and_, exists, func, or_, select

from crisol.store import schema as s
from crisol.store.store import Store

MAX_LIMIT = 500


@dataclass
class Page:
    """A page of a listing: ``items`` and the ``total`` matching the filters."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def _spellings(store: Store, outlet: str) -> list[str]:
    """The stored spellings of an outlet, in any case (read from the outlet index alone).

    Filtering on this list lets the engine look the outlet up in its index; ``lower(outlet) =
    ...`` (or an IN subquery) would read every article row, and article rows are wide.
    """
    a = s.articles
    query = select(a.c.outlet).where(func.lower(a.c.outlet) == outlet.lower()).distinct()
    with store._conn() as conn:
        return list(conn.scalars(query)) or [outlet]


@dataclass
class Filters:
    """Filters on the article a row belongs to."""

    outlet: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    outlets: list[str] | None = None  # the outlet's stored spellings, once looked up

    def resolved(self, store: Store) -> Filters:
        if self.outlet and self.outlets is None:
            self.outlets = _spellings(store, self.outlet)
        return self

    def apply(self, query: Select) -> Select:
        a = s.articles
        if self.outlet:
            query = query.where(a.c.outlet.in_(self.outlets if self.outlets is not None else [self.outlet]))
        if self.language:
            query = query.where(a.c.language == self.language.lower())
        if self.since:
            query = query.where(a.c.published >= self.since)
        if self.until:
            query = query.where(a.c.published <= self.until)
        return query


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


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}; got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be 0 or more; got {offset}")


def _page(store: Store, query: Select, order: Ordering, limit: int, offset: int, shape) -> Page:
    _check_page(limit, offset)
    count = select(func.count()).select_from(query.order_by(None).subquery())
    with store._conn() as conn:
        total = int(conn.scalar(count) or 0)
        if conn.dialect.name == "postgresql":
            rows = _nulls_last_page(conn, query, order, limit, offset, total)
        else:  # SQLite sorts NULL first: its DESC index scan already puts them last
            rows = conn.execute(query.order_by(*order.terms()).limit(limit).offset(offset)).mappings().all()
    return Page([shape(r) for r in rows], total, limit, offset)


def _nulls_last_page(conn, query: Select, order: Ordering, limit: int, offset: int, total: int) -> list[Any]:
    """PostgreSQL: rows with a value, then the NULLs, each part read in index order.

    ``ORDER BY x DESC NULLS LAST`` cannot walk an ascending index (a backward scan gives NULLS
    FIRST), so with 100k articles every page would sort the whole table; two index-ordered
    queries, split at the count of NULLs, give the same page.
    """
    col = order.column
    nulls = int(conn.scalar(select(func.count()).select_from(query.where(col.is_(None)).order_by(None).subquery())))
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


def _none_match(store: Store, table, conditions: list[Any]) -> bool:
    """Whether no row of ``table`` meets ``conditions`` (one indexed probe).

    Lists of quotes and events are ordered by their article's date, which walks the articles
    index; when nothing can match (a store ingested without analysis, a type never seen) that
    walk would read every article before answering empty.
    """
    with store._conn() as conn:
        return conn.execute(select(1).select_from(table).where(*conditions).limit(1)).first() is None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# ---- articles -------------------------------------------------------------------------------

ARTICLE_SORTS = {"published": s.articles.c.published, "ingested": s.articles.c.ingested_at, "id": s.articles.c.id}


def _mentions_entity(entity: str):
    m = s.mentions
    return exists().where(and_(m.c.article_id == s.articles.c.id, m.c.entity_id == entity))


def _article_item(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": r["id"], "title": r["title"], "outlet": r["outlet"], "language": r["language"],
            "published": _iso(r["published"]), "url": r["url"], "source": r["source"],
            "copy_of": r["copy_of"], "analysis": r["analysis"]}  # fmt: skip


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
    cols = [a.c.id, a.c.title, a.c.outlet, a.c.language, a.c.published, a.c.url, a.c.source, a.c.copy_of,
            a.c.analysis]  # fmt: skip
    query = (filters or Filters()).resolved(store).apply(select(*cols))
    if entity:
        query = query.where(_mentions_entity(entity))
    return _page(store, query, _order(sort, ARTICLE_SORTS, [a.c.id]), limit, offset, _article_item)


# ---- quotes ---------------------------------------------------------------------------------

QUOTE_SORTS = {"published": s.articles.c.published, "speaker": s.quotes.c.speaker}


def _quote_item(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": f"{r['article_id']}:{r['position']}", "article_id": r["article_id"], "text": r["text"],
            "kind": r["kind"], "speaker": r["speaker"], "speaker_entity": r["speaker_entity"],
            "cue": r["cue"], "via": r["via"], "sentence": r["sentence"], "start": r["char_start"],
            "end": r["char_end"], "outlet": r["outlet"], "language": r["language"],
            "published": _iso(r["published"]), "title": r["title"]}  # fmt: skip


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
    """Quotes with their article's outlet and date; ``entity`` is the speaker's registry id."""
    q, a = s.quotes, s.articles
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
        _check_page(limit, offset)
        return Page([], 0, limit, offset)
    query = (filters or Filters()).resolved(store).apply(
        select(q, a.c.outlet, a.c.language, a.c.published, a.c.title).join(a, a.c.id == q.c.article_id)
    ).where(*conditions)
    return _page(store, query, order, limit, offset, _quote_item)


# ---- events ---------------------------------------------------------------------------------

EVENT_SORTS = {"published": s.articles.c.published, "date": s.events.c.date, "type": s.events.c.type}


def _actor(r: Mapping[str, Any], role: str) -> dict[str, Any] | None:
    if r[f"{role}_name"] is None:
        return None
    return {k: r[f"{role}_{k}"] for k in ("name", "entity", "country", "sector")}


def _event_item(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": f"{r['article_id']}:{r['position']}", "article_id": r["article_id"], "type": r["type"],
            "mode": r["mode"], "source": _actor(r, "source"), "target": _actor(r, "target"),
            "sentence": r["sentence"], "sentence_text": r["sentence_text"], "trigger": r["trigger"],
            "location": r["location"], "date": r["date"], "date_precision": r["date_precision"],
            "certainty": r["certainty"], "attributed_to": r["attributed_to"], "outlet": r["outlet"],
            "language": r["language"], "published": _iso(r["published"]), "title": r["title"]}  # fmt: skip


def _event_conditions(type, certainty, entity, article) -> list[Any]:
    e = s.events
    conditions = []
    if type:
        conditions.append(e.c.type == type.upper())
    if certainty:
        conditions.append(e.c.certainty == certainty.lower())
    if entity:
        conditions.append(or_(e.c.source_entity == entity, e.c.target_entity == entity))
    if article:
        conditions.append(e.c.article_id == article)
    return conditions


def _events_query(store, filters, type, certainty, entity, article) -> Select:
    e, a = s.events, s.articles
    query = (filters or Filters()).resolved(store).apply(
        select(e, a.c.outlet, a.c.language, a.c.published, a.c.title).join(a, a.c.id == e.c.article_id)
    )
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
    """PLOVER events; ``entity`` matches either side, ``type`` and ``certainty`` exactly."""
    e = s.events
    order = _order(sort, EVENT_SORTS, [e.c.article_id, e.c.position])
    if _none_match(store, e, _event_conditions(type, certainty, entity, article)):
        _check_page(limit, offset)
        return Page([], 0, limit, offset)
    query = _events_query(store, filters, type, certainty, entity, article)
    return _page(store, query, order, limit, offset, _event_item)


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
    with store._conn() as conn:
        rows = conn.execute(select(query.c.published, query.c.type)).all()
    counts: dict[tuple[str, str], int] = {}
    for published, etype in rows:
        key = (published.date().isoformat() if published else "", etype)
        counts[key] = counts.get(key, 0) + 1
    return [{"day": d or None, "type": t, "count": n} for (d, t), n in sorted(counts.items())]


# ---- entities -------------------------------------------------------------------------------


def _entity_item(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": r["id"], "name": r["name"], "type": r["type"], "country": r["country"],
            "role": r["role"], "mentions": int(r["mentions"] or 0)}  # fmt: skip


_REFLECTED: dict[str, Any] = {}


def _link_tables(store: Store):
    """The linking tables (created by migration 0003), reflected once per engine."""
    key = store.where
    if key not in _REFLECTED:
        with store.engine.connect() as conn:
            md = MetaData()
            names = ("entities", "entity_aliases", "stories", "story_articles", "relations")
            _REFLECTED[key] = {n: Table(n, md, autoload_with=conn) for n in names}
    return _REFLECTED[key]


ENTITY_SORTS = ("mentions", "name")


def list_entities(
    store: Store,
    *,
    type: str | None = None,
    country: str | None = None,
    q: str | None = None,
    sort: str = "-mentions",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Registry entities with their number of mentions; ``q`` matches the start of a spelling."""
    t = _link_tables(store)
    ent, al = t["entities"], t["entity_aliases"]
    mentions = (
        select(al.c.entity_id, func.sum(al.c.count).label("mentions")).group_by(al.c.entity_id).subquery()
    )
    query = select(ent, mentions.c.mentions).outerjoin(mentions, mentions.c.entity_id == ent.c.id)
    if type:
        query = query.where(ent.c.type == type.upper())
    if country:
        query = query.where(ent.c.country == country.upper())
    if q:
        like = q.strip().replace("\\", "").replace("%", "").replace("_", "") + "%"
        spelled = exists().where(and_(al.c.entity_id == ent.c.id, func.lower(al.c.text).like(like.lower())))
        query = query.where(or_(func.lower(ent.c.name).like(like.lower()), spelled))
    keys = {"mentions": func.coalesce(mentions.c.mentions, 0), "name": ent.c.name}
    return _page(store, query, _order(sort, keys, [ent.c.id]), limit, offset, _entity_item)


def get_entity(store: Store, entity_id: str) -> dict[str, Any] | None:
    """One entity with every spelling seen (and how often), and how many articles mention it."""
    t = _link_tables(store)
    ent, al = t["entities"], t["entity_aliases"]
    with store._conn() as conn:
        row = conn.execute(select(ent).where(ent.c.id == entity_id)).mappings().first()
        if row is None:
            return None
        aliases = conn.execute(
            select(al.c.text, al.c.count).where(al.c.entity_id == entity_id).order_by(al.c.count.desc(), al.c.text)
        ).all()
        m = s.mentions
        articles = conn.scalar(select(func.count(func.distinct(m.c.article_id))).where(m.c.entity_id == entity_id))
    return {"id": row["id"], "name": row["name"], "type": row["type"], "country": row["country"],
            "role": row["role"], "aliases": [{"text": a, "count": n} for a, n in aliases],
            "mentions": sum(n for _, n in aliases), "articles": int(articles or 0)}  # fmt: skip


def cooccurring(store: Store, entity_id: str, limit: int = 25) -> list[dict[str, Any]]:
    """Entities mentioned in the same articles as ``entity_id``, most shared articles first."""
    m, other = s.mentions, s.mentions.alias("other")
    t = _link_tables(store)
    ent = t["entities"]
    shared = func.count(func.distinct(other.c.article_id)).label("articles")
    query = (
        select(other.c.entity_id, ent.c.name, ent.c.type, shared)
        .select_from(m.join(other, other.c.article_id == m.c.article_id).join(ent, ent.c.id == other.c.entity_id))
        .where(m.c.entity_id == entity_id, other.c.entity_id != entity_id)
        .group_by(other.c.entity_id, ent.c.name, ent.c.type)
        .order_by(shared.desc(), other.c.entity_id)
        .limit(limit)
    )
    with store._conn() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


# ---- stories --------------------------------------------------------------------------------


def _story_item(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": r["id"], "title": r["title"], "language": r["language"], "size": r["size"],
            "first": _iso(r["first"]), "last": _iso(r["last"]), "updated": _iso(r["updated"])}  # fmt: skip


def list_stories(
    store: Store,
    *,
    language: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    entity: str | None = None,
    sort: str = "-last",
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Stories (not merged into another); ``since``/``until`` bound their last article."""
    t = _link_tables(store)
    st, sa = t["stories"], t["story_articles"]
    query = select(st).where(st.c.merged_into.is_(None))
    if language:
        query = query.where(st.c.language == language.lower())
    if since:
        query = query.where(st.c["last"] >= since)
    if until:
        query = query.where(st.c["last"] <= until)
    if entity:
        m = s.mentions
        query = query.where(
            exists().where(and_(sa.c.story_id == st.c.id, m.c.article_id == sa.c.article_id, m.c.entity_id == entity))
        )
    keys = {"last": st.c["last"], "first": st.c["first"], "size": st.c.size, "updated": st.c.updated}
    return _page(store, query, _order(sort, keys, [st.c.id]), limit, offset, _story_item)


def get_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """A story's own row and its articles in order (for when the linking view is not there)."""
    t = _link_tables(store)
    st, sa = t["stories"], t["story_articles"]
    a = s.articles
    with store._conn() as conn:
        row = conn.execute(select(st).where(st.c.id == story_id)).mappings().first()
        if row is None:
            return None
        members = conn.execute(
            select(a.c.id, a.c.title, a.c.outlet, a.c.language, a.c.published, a.c.url, a.c.source,
                   a.c.copy_of, a.c.analysis, sa.c.score)  # fmt: skip
            .join(sa, sa.c.article_id == a.c.id)
            .where(sa.c.story_id == story_id)
            .order_by(sa.c.position)
        ).mappings().all()
    story = _story_item(row)
    story["merged_into"] = row["merged_into"]
    story["articles"] = [{**_article_item(m), "score": m["score"]} for m in members]
    return story


def outlets(store: Store) -> list[dict[str, Any]]:
    """Outlets with their number of articles (for filter menus)."""
    a = s.articles
    n = func.count().label("articles")
    query = select(a.c.outlet, n).where(a.c.outlet.is_not(None)).group_by(a.c.outlet).order_by(n.desc(), a.c.outlet)
    with store._conn() as conn:
        return [{"outlet": o, "articles": c} for o, c in conn.execute(query)]


__all__ = [
    "Filters", "MAX_LIMIT", "Page", "cooccurring", "event_counts", "get_entity", "get_story",
    "list_articles", "list_entities", "list_events", "list_quotes", "list_stories", "outlets",
]  # fmt: skip
