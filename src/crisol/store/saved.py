"""The SQL of saved searches: the records, their high-water marks, and what is past a mark.

A saved search is a full-text query (with language and outlet filters), an entity or a story.
What is *new* for it is counted in the order things were stored, never by publication date (an
article published last year but stored today is news to the reader):

- for a query or an entity, articles after the mark in ``(ingested_at, id)`` order: a batch
  stored at one instant is ordered by id, so a reader that saw part of it sees the rest next;
- for a story, ``story_history`` rows after the mark (articles added, merges, splits).

A check looks up to a *horizon*, and the reader's mark moves to that horizon, not to "now":
what is stored while a check runs is past the horizon and shows next time. Articles stored but
not yet indexed for search (or, for an entity, not yet linked) stop the horizon, since they
may match once they are: nothing is reported twice and nothing is skipped.

>>> from crisol.store import open_store
>>> db = open_store(":memory:")
>>> db.saved.list(), db.saved.horizon("search")
([], Mark(at=None, article=None, history=0))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, Sequence

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from crisol.errors import StoreError
from crisol.store import schema as s
from crisol.store.schema import saved_searches
from crisol.store.search import _fts5, _signature, _tsquery, expand_query, parse_query
from crisol.store.search_aliases import registry
from crisol.store.store import ArticleSummary, Store

KINDS = ("search", "entity", "story")
Kind = Literal["search", "entity", "story"]
MarkName = Literal["seen", "notified"]


class NameTaken(StoreError):
    """Another saved search has this name."""


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL store


@dataclass(frozen=True)
class Mark:
    """How far a reader got: the last article (by time stored, then id) and the last story
    history row accounted for. ``Mark()`` is before everything."""

    at: datetime | None = None
    article: str | None = None
    history: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat() if self.at else None,
            "article": self.article,
            "history": self.history,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Mark:
        """The mark stored as :meth:`to_json` gave it.

        >>> Mark.from_json(Mark(history=3).to_json())
        Mark(at=None, article=None, history=3)
        """
        data = data or {}
        at = data.get("at")
        return cls(
            datetime.fromisoformat(at) if at else None, data.get("article"), int(data.get("history") or 0)
        )


@dataclass
class SavedSearch:
    """One saved search as stored; ``target`` is the query, the entity id or the story id."""

    name: str
    kind: Kind
    target: str
    language: str | None = None
    outlet: str | None = None
    webhook: str | None = None
    id: int | None = None
    created: datetime | None = None
    seen: Mark = field(default_factory=Mark)
    notified: Mark = field(default_factory=Mark)
    notify_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "target": self.target,
            "language": self.language,
            "outlet": self.outlet,
            "webhook": self.webhook,
            "created": self.created.isoformat() if self.created else None,
            "seen": self.seen.to_json(),
            "notified": self.notified.to_json(),
            "notify_error": self.notify_error,
        }


@dataclass
class AlertItem:
    """One new thing: an article that matches (or joined the story), or a change of a story."""

    action: str  # "match" for a query or entity; a story_history action ("add", "merge", ...)
    at: datetime  # when it was stored (or the story changed)
    article: ArticleSummary | None = None
    story: str | None = None
    other_story: str | None = None
    history: int | None = None  # the story_history row


_SUMMARY = [
    s.articles.c.id,
    s.articles.c.published,
    s.articles.c.outlet,
    s.articles.c.language,
    s.articles.c.title,
    s.articles.c.source,
    s.articles.c.url,
    s.articles.c.copy_of,
]


def _from_row(r: Any) -> SavedSearch:
    return SavedSearch(
        name=r.name,
        kind=r.kind,
        target=r.target,
        language=r.language,
        outlet=r.outlet,
        webhook=r.webhook,
        id=r.id,
        created=r.created,
        seen=Mark.from_json(r.seen),
        notified=Mark.from_json(r.notified),
        notify_error=r.notify_error,
    )


class SavedStore:
    """Saved searches over one store (``db.saved``)."""

    def __init__(self, store: Store):
        self.store = store

    # ---- records ---------------------------------------------------------------------------

    def add(self, saved: SavedSearch) -> SavedSearch:
        """Store ``saved`` with both marks at the current horizon (saving reports nothing that
        was already there); raises :class:`NameTaken` if the name is in use."""
        mark = self.horizon(saved.kind)
        row = {
            "name": saved.name,
            "kind": saved.kind,
            "target": saved.target,
            "language": saved.language,
            "outlet": saved.outlet,
            "webhook": saved.webhook,
            "created": s.utcnow(),
            "seen": mark.to_json(),
            "notified": mark.to_json(),
        }
        try:
            with self.store.transaction(), self.store.connection() as conn:
                new_id = conn.execute(insert(saved_searches).values(**row)).inserted_primary_key[0]
        except IntegrityError:
            raise NameTaken(
                f"a saved search is already called {saved.name!r}: remove it or pick another name"
            )
        return replace(saved, id=int(new_id), created=row["created"], seen=mark, notified=mark)

    def list(self) -> list[SavedSearch]:
        t = saved_searches
        with self.store.connection() as conn:
            return [_from_row(r) for r in conn.execute(select(t).order_by(t.c.name))]

    def get(self, id_or_name: int | str) -> SavedSearch | None:
        """By id (a number) or by name."""
        t = saved_searches
        key = str(id_or_name).strip()
        # an id past a 64-bit integer names no row (the engines cannot even compare it)
        by_id = key.isdigit() and int(key) <= MAX_ID
        where = t.c.id == int(key) if by_id else t.c.name == key
        with self.store.connection() as conn:
            row = conn.execute(select(t).where(where)).first()
            if row is None and by_id:  # a name made of digits
                row = conn.execute(select(t).where(t.c.name == key)).first()
        return _from_row(row) if row else None

    def remove(self, saved_id: int) -> bool:
        if not 0 <= saved_id <= MAX_ID:
            return False
        with self.store.connection() as conn:
            return conn.execute(delete(saved_searches).where(saved_searches.c.id == saved_id)).rowcount > 0

    def set_mark(self, saved_id: int, which: MarkName, mark: Mark, error: str | None = None) -> None:
        """Move one mark (a successful webhook delivery also clears its error)."""
        values: dict[str, Any] = {which: mark.to_json()}
        if which == "notified":
            values["notify_error"] = error
        with self.store.connection() as conn:
            conn.execute(update(saved_searches).where(saved_searches.c.id == saved_id).values(**values))

    def set_notify_error(self, saved_id: int, error: str) -> None:
        with self.store.connection() as conn:
            conn.execute(
                update(saved_searches).where(saved_searches.c.id == saved_id).values(notify_error=error)
            )

    # ---- the horizon -----------------------------------------------------------------------

    def horizon(self, kind: str) -> Mark:
        """How far a check of a saved search of ``kind`` may look now (see the module doc)."""
        with self.store.connection() as conn:
            history = int(conn.scalar(select(func.coalesce(func.max(s.story_history.c.id), 0))) or 0)
            if kind == "story":
                return Mark(history=history)
            at, article = _last_settled(conn, kind)
        return Mark(at, article, history)

    # ---- what is past a mark ---------------------------------------------------------------

    def items(
        self, saved: SavedSearch, after: Mark | None, upto: Mark, limit: int, newest_first: bool = False
    ) -> list[AlertItem]:
        """Items of ``saved`` past ``after`` (None: from the start) up to ``upto``, oldest first
        (or ``newest_first``), at most ``limit``."""
        with self.store.connection() as conn:
            if saved.kind == "story":
                return _history_items(conn, saved.target, after, upto, limit, newest_first)
            sql, params = _matching(conn, saved, after, upto)
            if sql is None:
                return []
            order = "DESC" if newest_first else "ASC"
            rows = conn.execute(
                _bound(
                    f"SELECT a.id, a.ingested_at {sql} ORDER BY a.ingested_at {order}, a.id {order} LIMIT :n",
                    True,
                ),
                {**params, "n": limit},
            ).all()
            summaries = _summaries(conn, [r.id for r in rows])
        return [AlertItem("match", r.ingested_at, summaries[r.id]) for r in rows if r.id in summaries]

    def count(self, saved: SavedSearch, after: Mark | None, upto: Mark) -> int:
        """How many items :meth:`items` would give without a limit."""
        with self.store.connection() as conn:
            if saved.kind == "story":
                chain = _story_chain(conn, saved.target)
                where, params = _history_where(chain, after, upto)
                return int(conn.scalar(select(func.count()).select_from(s.story_history).where(*where)) or 0)
            sql, params = _matching(conn, saved, after, upto)
            if sql is None:
                return 0
            return int(conn.execute(_bound(f"SELECT count(*) {sql}"), params).scalar() or 0)


# ---- helpers --------------------------------------------------------------------------------


def _bound(sql: str, rows: bool = False):
    """``sql`` with its timestamps bound as UTC; ``rows``: typed (id, ingested_at) results."""
    stmt = text(sql)
    for name in ("after_at", "upto_at", "at"):
        if f":{name} " in sql or f":{name})" in sql:
            stmt = stmt.bindparams(bindparam(name, type_=s.UTCDateTime))
    return stmt.columns(id=s.ID, ingested_at=s.UTCDateTime) if rows else stmt


def _last_settled(conn: Connection, kind: str) -> tuple[datetime | None, str | None]:
    """The last article, in stored order, before the first one a check of ``kind`` cannot see
    yet: not indexed for search, or (for an entity) not linked."""
    if kind == "entity":
        waiting = "NOT EXISTS (SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id)"
    else:
        waiting = "NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = 'article' AND d.ref = a.id)"
    first = conn.execute(
        _bound(
            f"SELECT a.id, a.ingested_at FROM articles a WHERE {waiting} ORDER BY a.ingested_at, a.id LIMIT 1",
            True,
        )
    ).first()
    before, params = "", {}
    if first is not None:
        before = "WHERE a.ingested_at < :at OR (a.ingested_at = :at AND a.id < :id)"
        params = {"at": first.ingested_at, "id": first.id}
    last = (
        f"SELECT a.id, a.ingested_at FROM articles a {before} ORDER BY a.ingested_at DESC, a.id DESC LIMIT 1"
    )
    row = conn.execute(_bound(last, True), params).first()
    return (row.ingested_at, row.id) if row else (None, None)


def _key_range(after: Mark | None, upto: Mark) -> tuple[list[str], dict[str, Any]]:
    """Conditions keeping articles past ``after`` and up to ``upto`` in (ingested_at, id) order."""
    if upto.at is None:
        return ["1 = 0"], {}  # nothing settled yet: nothing to show
    where = ["(a.ingested_at < :upto_at OR (a.ingested_at = :upto_at AND a.id <= :upto_id))"]
    params: dict[str, Any] = {"upto_at": upto.at, "upto_id": upto.article}
    if after is not None and after.at is not None:
        where.append("(a.ingested_at > :after_at OR (a.ingested_at = :after_at AND a.id > :after_id))")
        params.update(after_at=after.at, after_id=after.article)
    return where, params


def _matching(
    conn: Connection, saved: SavedSearch, after: Mark | None, upto: Mark
) -> tuple[str | None, dict[str, Any]]:
    """``FROM ... WHERE ...`` of the articles ``saved`` matches between the marks (None: a
    query with no words, which matches nothing)."""
    where, params = _key_range(after, upto)
    if saved.language:
        where.append("a.language = :language")
        params["language"] = saved.language.lower()
    if saved.outlet:
        where.append("lower(a.outlet) = :outlet")
        params["outlet"] = saved.outlet.lower()
    if saved.kind == "entity":
        where.append("EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.entity_id = :entity)")
        params["entity"] = saved.target
        return f"FROM articles a WHERE {' AND '.join(where)}", params
    query = parse_query(saved.target)
    if query.empty:
        return None, {}
    if any(not t.prefix for g in query.groups for t in g):  # as search does: the registry's spellings too
        query, _ = expand_query(query, registry(conn, _signature(conn, "entity")))
    if conn.dialect.name == "postgresql":
        frm = "FROM search_docs d JOIN articles a ON a.id = d.article_id"
        where.insert(0, "d.tsv @@ to_tsquery('simple', :q)")
        params["q"] = _tsquery(query)
    else:
        frm = "FROM search_fts f JOIN search_docs d ON d.id = f.rowid JOIN articles a ON a.id = d.article_id"
        where.insert(0, "search_fts MATCH :q")
        params["q"] = _fts5(query)
    where.insert(1, "d.kind = 'article'")
    return f"{frm} WHERE {' AND '.join(where)}", params


def _summaries(conn: Connection, ids: Sequence[str]) -> dict[str, ArticleSummary]:
    if not ids:
        return {}
    rows = conn.execute(select(*_SUMMARY).where(s.articles.c.id.in_(list(ids)))).mappings()
    return {r["id"]: ArticleSummary(**r) for r in rows}


def _story_chain(conn: Connection, story_id: str) -> list[str]:
    """The story and those it was merged into since (its articles live on there)."""
    chain = [story_id]
    while len(chain) < 50:
        into = conn.scalar(select(s.stories.c.merged_into).where(s.stories.c.id == chain[-1]))
        if into is None or into in chain:
            break
        chain.append(into)
    return chain


def _history_where(chain: list[str], after: Mark | None, upto: Mark) -> tuple[list[Any], dict[str, Any]]:
    h = s.story_history
    where = [(h.c.story_id.in_(chain)) | (h.c.other_story.in_(chain)), h.c.id <= upto.history]
    if after is not None:
        where.append(h.c.id > after.history)
    return where, {}


def _history_items(
    conn: Connection, story_id: str, after: Mark | None, upto: Mark, limit: int, newest_first: bool
) -> list[AlertItem]:
    h = s.story_history
    where, _ = _history_where(_story_chain(conn, story_id), after, upto)
    order = h.c.id.desc() if newest_first else h.c.id
    rows = conn.execute(select(h).where(*where).order_by(order).limit(limit)).all()
    summaries = _summaries(conn, [r.article_id for r in rows if r.article_id])
    return [
        AlertItem(
            action=r.action,
            at=r.at,
            article=summaries.get(r.article_id) if r.article_id else None,
            story=r.story_id,
            other_story=r.other_story,
            history=r.id,
        )
        for r in rows
    ]


__all__ = ["KINDS", "AlertItem", "Mark", "NameTaken", "SavedSearch", "SavedStore"]
