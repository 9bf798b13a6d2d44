"""What the attention-over-time view reads from the store: which articles a selection holds,
counted per day, and the links that make some of them copies of others.

A :class:`Selection` is a search query, an entity, a story or nothing, narrowed by outlets,
language and a publication window. The day counts are grouped in SQL (one row per day, outlet
and language: a few thousand rows for 100k articles), so the articles themselves are never
loaded; only the articles linked as copies, rewrites or wire stories of one another are read one
by one, to group them into independent sources (:func:`crisol.present.sources.independent_sources`).

>>> from crisol.store import open_store
>>> store = open_store(":memory:")
>>> day_counts(store, Selection(q="elecciones"))
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import Connection, String, func, select, text
from sqlalchemy.sql import ColumnElement

from crisol.present.sources import DEPENDENT_KINDS
from crisol.store import schema as s
from crisol.store.search import _fts5, _signature, _tsquery, expand_query, parse_query
from crisol.store.search_aliases import registry
from crisol.store.store import Store, _chunks


@dataclass
class Selection:
    """The articles an attention view counts: all of ``q`` (search syntax), ``entity`` (a registry
    id), ``story`` (a story id) that are given, published by one of ``outlets`` (any case), in
    ``language``, between ``since`` and ``until``."""

    q: str | None = None
    entity: str | None = None
    story: str | None = None
    outlets: list[str] | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def label(self) -> str:
        """How the faces name it: the query, else the entity or story, else "all articles".

        >>> Selection(q="huelga").label(), Selection(entity="Q1").label(), Selection().label()
        ('huelga', 'entity Q1', 'all articles')
        """
        if self.q:
            return self.q
        if self.entity:
            return f"entity {self.entity}"
        return f"story {self.story}" if self.story else "all articles"


@dataclass(frozen=True)
class DayCount:
    """Articles of one day (None: undated), outlet and language."""

    day: str | None
    outlet: str | None
    language: str | None
    articles: int


@dataclass(frozen=True)
class Linked:
    """An article linked to another of the selection (a copy, rewrite or the same wire story)."""

    id: str
    published: datetime | None
    copy_of: str | None = None


@dataclass
class Links:
    """The dependent links inside a selection, in the terms ``independent_sources`` takes."""

    articles: list[Linked]
    relations: list[tuple[str, str, str]]  # (a, b, kind)
    agencies: dict[str, str]  # article id -> "agency|story": one wire story run by several outlets


def _search_ids(conn: Connection, q: str):
    """The ids of the articles matching ``q`` (with the registry's spellings, as search does)."""
    query = parse_query(q)
    if any(not t.prefix for g in query.groups for t in g):
        query, _ = expand_query(query, registry(conn, _signature(conn, "entity")))
    if conn.dialect.name == "postgresql":
        sql = "SELECT d.article_id FROM search_docs d WHERE d.tsv @@ to_tsquery('simple', :q) AND d.kind = 'article'"
        match = _tsquery(query)
    else:
        sql = (
            "SELECT d.article_id FROM search_fts f JOIN search_docs d ON d.id = f.rowid "
            "WHERE search_fts MATCH :q AND d.kind = 'article'"
        )
        match = _fts5(query)
    return text(sql).bindparams(q=match).columns(article_id=String)


def _spellings(conn: Connection, outlets: Sequence[str]) -> list[str]:
    """Every stored spelling of ``outlets``, in any case (so the outlet index can be used)."""
    lowered = sorted({o.strip().lower() for o in outlets if o.strip()})
    a = s.articles
    found = conn.scalars(select(a.c.outlet).where(func.lower(a.c.outlet).in_(lowered)).distinct())
    return list(found) or list(outlets)


def conditions(conn: Connection, sel: Selection, t=s.articles) -> list[ColumnElement[bool]] | None:
    """The WHERE clauses on article table ``t`` (an alias, for self-joins); None when the
    selection can match nothing (an empty query)."""
    where: list[ColumnElement[bool]] = []
    if sel.q is not None:
        if parse_query(sel.q).empty:
            return None
        where.append(t.c.id.in_(_search_ids(conn, sel.q)))
    if sel.entity:
        m = s.mentions
        where.append(t.c.id.in_(select(m.c.article_id).where(m.c.entity_id == sel.entity)))
    if sel.story:
        sa = s.story_articles
        where.append(t.c.id.in_(select(sa.c.article_id).where(sa.c.story_id == sel.story)))
    if sel.outlets:
        where.append(t.c.outlet.in_(_spellings(conn, sel.outlets)))
    if sel.language:
        where.append(t.c.language == sel.language.strip().lower())
    if sel.since:
        where.append(t.c.published >= sel.since)
    if sel.until:
        where.append(t.c.published <= sel.until)
    return where


def day_of(conn: Connection, column) -> Any:
    """The UTC day of a timestamp column as ``YYYY-MM-DD`` text, on either engine."""
    if conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)  # SQLite keeps UTC timestamps as sortable text


def day_counts(store: Store, sel: Selection) -> list[DayCount]:
    """Articles of the selection per day, outlet and language (undated articles: day None)."""
    a = s.articles
    with store.connection() as conn:
        where = conditions(conn, sel)
        if where is None:
            return []
        day = day_of(conn, a.c.published).label("day")
        query = select(day, a.c.outlet, a.c.language, func.count()).where(*where)
        rows = conn.execute(query.group_by(day, a.c.outlet, a.c.language)).all()
    return [DayCount(d, o, lang, n) for d, o, lang, n in rows]


def links(store: Store, sel: Selection) -> Links:
    """Copies, dependent relations and shared wire stories among the selection's articles.

    A wire agency's credit groups articles only within one story: over weeks an agency sends
    many stories, and two outlets running the same one is what makes them one source."""
    a, x, y = s.articles, s.articles.alias("x"), s.articles.alias("y")
    r, sa = s.relations, s.story_articles
    with store.connection() as conn:
        in_x, in_y = conditions(conn, sel, x), conditions(conn, sel, y)
        if in_x is None or in_y is None:
            return Links([], [], {})
        both = [*in_x, *in_y]
        copies = conn.execute(
            select(x.c.id, x.c.copy_of).join(y, y.c.id == x.c.copy_of).where(x.c.copy_of.is_not(None), *both)
        ).all()
        related = conn.execute(
            select(r.c.a, r.c.b, r.c.kind)
            .join(x, x.c.id == r.c.a)
            .join(y, y.c.id == r.c.b)
            .where(r.c.kind.in_(sorted(DEPENDENT_KINDS)), *both)
        ).all()
        wired = conn.execute(
            select(x.c.id, x.c.agency, sa.c.story_id)
            .join(sa, sa.c.article_id == x.c.id)
            .where(x.c.agency.is_not(None), *in_x)
        ).all()
        agencies = {aid: f"{agency}|{story}" for aid, agency, story in wired}
        copy_of = dict(copies)
        ids = sorted(
            set(copy_of) | set(copy_of.values()) | {i for row in related for i in row[:2]} | set(agencies)
        )
        published: dict[str, datetime | None] = {}
        for chunk in _chunks(ids):
            published.update(conn.execute(select(a.c.id, a.c.published).where(a.c.id.in_(chunk))).all())
    members = [Linked(i, published.get(i), copy_of.get(i)) for i in ids]
    return Links(members, [tuple(row) for row in related], agencies)


def sample_ids(store: Store, sel: Selection, size: int) -> list[str]:
    """Up to ``size`` ids of the selection, the same ones each time and spread over all of it:
    article ids are hashes of the input, so their order is unrelated to date or outlet."""
    a = s.articles
    with store.connection() as conn:
        where = conditions(conn, sel)
        if where is None:
            return []
        return list(conn.scalars(select(a.c.id).where(*where).order_by(a.c.id).limit(size)))


def texts(store: Store, ids: Sequence[str], chars: int) -> list[tuple[str | None, str, str | None]]:
    """(title, the first ``chars`` characters of the text, language) of articles ``ids``."""
    a = s.articles
    out = []
    with store.connection() as conn:
        for chunk in _chunks(list(ids)):
            body = func.substr(a.c.text, 1, chars)
            out += conn.execute(select(a.c.title, body, a.c.language).where(a.c.id.in_(chunk))).all()
    return [tuple(row) for row in out]


def entity_counts(store: Store, ids: Sequence[str], limit: int) -> list[tuple[str, str, str, int]]:
    """(entity id, name, type, articles naming it) over articles ``ids``, most first."""
    m, e = s.mentions, s.entities
    counts: dict[str, int] = {}
    with store.connection() as conn:
        for chunk in _chunks(list(ids)):
            n = func.count(func.distinct(m.c.article_id))
            query = select(m.c.entity_id, n).where(m.c.article_id.in_(chunk), m.c.entity_id.is_not(None))
            for eid, count in conn.execute(query.group_by(m.c.entity_id)):
                counts[eid] = counts.get(eid, 0) + count
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        names = dict.fromkeys((k for k, _ in top), ("", ""))
        for chunk in _chunks(list(names)):
            for eid, name, kind in conn.execute(select(e.c.id, e.c.name, e.c.type).where(e.c.id.in_(chunk))):
                names[eid] = (name, kind)
    return [(eid, names[eid][0] or eid, names[eid][1], n) for eid, n in top]


__all__ = ["DayCount", "Linked", "Links", "Selection", "conditions", "day_counts", "entity_counts", "links",
           "sample_ids", "texts"]  # fmt: skip
