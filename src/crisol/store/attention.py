"""What the attention-over-time view reads from the store: which articles a selection holds,
counted per day or week, and the links that make some of them copies of others.

A :class:`Selection` is a search query, an entity, a story or nothing, narrowed by outlets,
language and a publication window. Its articles are read in one statement (:func:`read`: the
full-text match runs once), from a covering index (day, outlet, language, copy and agency
links: no text); it also marks the articles linked as copies, rewrites or wire stories of one
another. Exact copies are grouped into sources by the caller from those marks alone; only the
articles with other links are looked up (:func:`links`), to group them with
:func:`crisol.present.sources.independent_sources`.

>>> from crisol.store import open_store
>>> store = open_store(":memory:")
>>> read(store, Selection(q="elecciones"), sample=10)
Read(counts=[], linked=[], sample=[])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Sequence

from sqlalchemy import (
    Connection,
    Date,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.sql import ColumnElement

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
    if sel.outlets is not None:  # [] (a collection without outlets) keeps nothing
        where.append(t.c.outlet.in_(_spellings(conn, sel.outlets) if sel.outlets else []))
    if sel.language:
        where.append(t.c.language == sel.language.strip().lower())
    if sel.since:
        where.append(t.c.published >= sel.since)
    if sel.until:
        where.append(t.c.published <= sel.until)
    return where


INTERVALS = ("day", "week")


def period_of(conn: Connection, column, interval: str) -> Any:
    """The first UTC day of the ``interval`` ("day", or "week": ISO weeks start on Monday)
    holding a timestamp column, on either engine (``YYYY-MM-DD`` text on SQLite, a date on
    PostgreSQL: :func:`_day` reads both); NULL stays NULL."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}; got {interval!r}")
    if conn.dialect.name == "postgresql":  # a date (read back as text by read()): cheaper than to_char
        utc = func.timezone("UTC", column)
        return cast(func.date_trunc("week", utc) if interval == "week" else utc, Date)
    day = func.substr(column, 1, 10)  # SQLite keeps UTC timestamps as sortable text
    # six days back, then on to the next Monday (the same day when it is one)
    return func.date(day, "-6 days", "weekday 1") if interval == "week" else day


class Row(NamedTuple):
    """One article of a selection that may not be a source of its own (a tuple: there may be
    tens of thousands)."""

    id: str
    period: str | None  # first day of the period of its publication, YYYY-MM-DD; None: undated
    published: Any  # as the engine returns it: :func:`links` reads it as a datetime when needed
    copy_of: str | None
    agency: str | None
    related: int  # 1: a side of a relation of a dependent kind
    tangled: int  # 1: linked otherwise than as an exact copy of an original that copies none


@dataclass(frozen=True)
class PeriodCount:
    """How many articles of a selection one outlet published in one language in one period."""

    period: str | None  # its first UTC day, YYYY-MM-DD; None: undated
    outlet: str | None
    language: str | None
    articles: int


@dataclass
class Read:
    """What one statement reads of a selection: its counts, its linked articles, a sample."""

    counts: list[PeriodCount]
    linked: list[Row]
    sample: list[str]


def read(
    store: Store, sel: Selection, interval: str = "day", dependent: Sequence[str] = (), sample: int = 0
) -> Read:
    """The selection's articles read three ways in one statement (:func:`_parts`):

    - counted per (``interval``, outlet spelling, language) by the database: a few thousand groups
      where the articles are tens of thousands. Outlet spellings are folded by the caller
      (:func:`crisol.text.outlet_key` is Python's, not SQL's);
    - the articles that may not be a source of their own, as :class:`Row` tuples: copies,
      originals of copies, sides of a relation of a ``dependent`` kind (the service passes
      :data:`crisol.present.sources.DEPENDENT_KINDS`: the store does not know the stages) and
      wire agency articles; every other article is an independent source by itself;
    - the first ``sample`` ids: a sample spread over all of it, since ids are hashes of the input.
    """
    out = Read([], [], [])
    with store.connection() as conn:
        where = conditions(conn, sel)
        if where is None:
            return out
        cut = period_of(conn, s.articles.c.published, interval)
        rows = conn.execute(_parts(where, cut, dependent, sample, once=sel.q is not None)).all()
    days: dict[Any, str | None] = {}  # each period's text made once
    for part, cut_at, outlet, language, n, id_, published, copy_of, agency, related, tangled in rows:
        period = days[cut_at] if cut_at in days else days.setdefault(cut_at, _day(cut_at))
        if part == _LINKED:
            out.linked.append(Row(id_, period, published, copy_of, agency, related, tangled))
        elif part == _COUNT:
            out.counts.append(PeriodCount(period, outlet, language, n))
        else:
            out.sample.append(id_)
    out.sample.sort()  # a union keeps no order; ids are hex, so this is the database's order too
    return out


_LINKED, _COUNT, _SAMPLE = "linked", "count", "sample"  # the parts of read()'s statement


def _day(value: date | str | None) -> str | None:
    """A period as ``YYYY-MM-DD`` text, whichever way the engine gave it."""
    return value.isoformat() if isinstance(value, date) else value


def _parts(where, period, dependent: Sequence[str], sample: int, once: bool):
    """``read``'s statement: the selection (``where``), from the covering index
    ``ix_articles_attention`` (no text), then three parts of eleven columns, told apart by the
    first.

    With ``once`` (a full-text match: the costly part) the selection is a common table expression
    used three times, which SQLite (3.35 on) and PostgreSQL (12 on) compute once; otherwise a
    subquery that each part reads again from the index, cheaper than a copy of every row."""
    a, r = s.articles, s.relations
    columns = (
        a.c.id,
        period.label("period"),
        a.c.outlet,
        a.c.language,
        type_coerce(a.c.published, String).label("published"),  # converted by links(), if needed
        a.c.copy_of,
        a.c.agency,
    )
    chosen = select(*columns).where(*where)
    c = chosen.cte("chosen") if once else chosen.subquery("chosen")
    dependent_kind = r.c.kind.in_(sorted(dependent))
    original = c.c.id.in_(select(a.c.copy_of).where(a.c.copy_of.is_not(None)).scalar_subquery())
    related = or_(
        c.c.id.in_(select(r.c.a).where(dependent_kind).scalar_subquery()),
        c.c.id.in_(select(r.c.b).where(dependent_kind).scalar_subquery()),
    )
    # may be grouped by more than the copy links of a star (an original, the copies pointing at
    # it): relations, a wire story (links() reads which), a copy with copies (a repair may make one)
    tangled = or_(related, c.c.agency.is_not(None), and_(c.c.copy_of.is_not(None), original))
    flagged = or_(c.c.copy_of.is_not(None), original, tangled)
    groups = (c.c.period, c.c.outlet, c.c.language)
    article = (c.c.id, c.c.published, c.c.copy_of, c.c.agency, _flag(related), _flag(tangled))
    blank = [null()] * len(article)  # only linked rows have them
    first = select(c.c.id).order_by(c.c.id).limit(sample).subquery()
    return union_all(  # the first part types the columns
        select(literal(_LINKED), c.c.period, null(), null(), literal(1), *article).where(flagged),
        select(literal(_COUNT), *groups, func.count(), *blank).group_by(*groups),
        select(literal(_SAMPLE), null(), null(), null(), literal(0), first.c.id, *blank[1:]),
    )


def _flag(clause: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where ``clause`` holds, else 0, on either engine."""
    return case((clause, 1), else_=0)


def links(store: Store, rows: Sequence[Row], dependent: Sequence[str] = ()) -> Links:
    """Copies, dependent relations and shared wire stories among ``rows`` (some linked articles
    of a selection, :func:`read`'s, each with every article it is linked to in the selection).

    A link counts when both its ends are in ``rows``. A wire agency's credit groups
    articles only within one story: over weeks an agency sends many stories, and two outlets
    running the same one is what makes them one source."""
    r, sa = s.relations, s.story_articles
    by_id = {row.id: row for row in rows}
    ids = sorted(by_id)
    related: list[tuple[str, str, str]] = []
    stories_of: dict[str, str] = {}
    with store.connection() as conn:
        published = _published_reader(conn)
        for chunk in _chunks([i for i in ids if by_id[i].related]):
            query = select(r.c.a, r.c.b, r.c.kind).where(r.c.kind.in_(sorted(dependent)), r.c.a.in_(chunk))
            related += [(x, y, kind) for x, y, kind in conn.execute(query) if y in by_id]
        for chunk in _chunks([i for i in ids if by_id[i].agency]):
            query = select(sa.c.article_id, sa.c.story_id).where(sa.c.article_id.in_(chunk))
            stories_of.update(conn.execute(query).all())
    members = [
        Linked(i, published(row.published), c if (c := row.copy_of) in by_id else None)
        for i, row in ((i, by_id[i]) for i in ids)
    ]
    agencies = {i: f"{by_id[i].agency}|{stories_of[i]}" for i in ids if by_id[i].agency and i in stories_of}
    return Links(members, related, agencies)


def _published_reader(conn: Connection):
    """What turns ``published`` as :func:`read` returns it (the engine's own value) into the
    aware UTC datetime the column's type reads."""
    convert = s.articles.c.published.type.dialect_impl(conn.dialect).result_processor(conn.dialect, None)
    return convert or (lambda value: value)


def sample_ids(store: Store, size: int) -> list[str]:
    """The first ``size`` article ids of the store: a fixed sample spread over all of it."""
    a = s.articles
    with store.connection() as conn:
        return list(conn.scalars(select(a.c.id).order_by(a.c.id).limit(size)))


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


__all__ = ["INTERVALS", "Linked", "Links", "PeriodCount", "Read", "Row", "Selection", "conditions", "entity_counts",
           "links", "period_of", "read", "sample_ids", "texts"]  # fmt: skip
