"""The :class:`Store`: the one object that reads and writes the database.

Every statement crisol runs lives here. Callers speak in model objects (``Article``,
``Rejection``) and small value objects (``Added``, ``ArticlePage``, ``InputRecord``).

Writes made inside ``with store.transaction():`` commit together or not at all (the pipeline
commits a batch of articles with the markers of the inputs it finished); a method called outside
one runs in its own short transaction.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Iterator, Literal, Sequence

from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.exc import OperationalError

from crisol.errors import StoreBusy, StoreError
from crisol.model import Article, Rejection
from crisol.store import convert
from crisol.store import schema as s
from crisol.store.outlets import note_articles

# SQLite allows 32,766 bound parameters per statement; stay well below for IN (...) lists.
CHUNK = 500

Order = Literal["published", "ingested", "id"]

log = logging.getLogger(__name__)

# SQLite planner statistics (Store.optimize): rows sampled per index, and how much the articles
# table may grow or shrink before they are taken again.
ANALYSIS_LIMIT = 1000
STATS_DRIFT = 2.0
ANALYZE_WAIT_MS = 2000  # how long refreshing them waits for another writer

# PostgreSQL advisory lock taken by every write transaction (any constant unique to crisol).
WRITE_LOCK = 7460938


class AmbiguousId(StoreError):
    """An id prefix matches more than one article."""

    def __init__(self, prefix: str, matches: Sequence[str]):
        self.prefix = prefix
        self.matches = list(matches)
        shown = ", ".join(self.matches[:5])
        super().__init__(
            f"id prefix {prefix!r} matches several articles ({shown}{', ...' if len(matches) > 5 else ''}): "
            "give more characters"
        )


@dataclass(frozen=True)
class Added:
    """What :meth:`Store.add_articles` did with one article. True when it was new."""

    id: str
    new: bool
    copy_of: str | None = None  # set when the clean text equals an article stored earlier

    def __bool__(self) -> bool:
        return self.new


@dataclass
class ArticleSummary:
    """One line of an article listing (what ``crisol articles`` and the API list show)."""

    id: str
    published: datetime | None
    outlet: str | None
    language: str | None
    title: str | None
    source: str
    url: str | None = None
    copy_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass
class ArticlePage:
    """A page of a listing: ``items`` plus the ``total`` matching the filters."""

    items: list[ArticleSummary]
    total: int
    limit: int
    offset: int


@dataclass
class InputRecord:
    """An input finished by a run: all its articles are committed with this marker."""

    fingerprint: str
    source: str
    articles: int = 0
    rejected: int = 0
    status: str = "done"


@dataclass
class RunInfo:
    id: int
    started: datetime
    finished: datetime | None
    counts: dict[str, Any] = field(default_factory=dict)


def _analysed_rows(conn: Connection) -> int | None:
    """The size of ``articles`` when SQLite last took its statistics (None: never)."""
    if conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) == 0:
        return None
    stat = conn.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'articles' LIMIT 1"))
    return int(stat.split()[0]) if stat else None


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Store:
    """Articles, their raw bytes and annotations, inputs, runs and rejections.

    Open one with :func:`crisol.store.open_store`.

    >>> from crisol.store import open_store
    >>> store = open_store(":memory:")
    >>> store.count_articles()
    0
    """

    def __init__(self, engine: Engine, where: str):
        self.engine = engine
        self.where = where  # the URL without password, for messages
        self._local = threading.local()
        self._added = 0  # articles this object added since the statistics were last checked

    def __repr__(self) -> str:
        return f"Store({self.where!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections; a store that added articles first refreshes SQLite's index
        statistics when they are missing or stale (:meth:`optimize`)."""
        if self._added:
            try:
                self.optimize()
            except StoreBusy as e:  # locked by another writer: the next close will do it
                log.info("%s: index statistics not refreshed: %s", self.where, e)
        self.engine.dispose()

    # ---- planner statistics ----------------------------------------------------------------

    def optimize(self) -> bool:
        """Give SQLite's query planner index statistics when it has none, or when the articles
        table has grown or shrunk :data:`STATS_DRIFT` times since they were taken; True when
        they were refreshed.

        Without statistics SQLite guesses, and may count an outlet's articles through the
        language index or sort a page instead of reading it from ``(outlet, published)``. Each
        index is sampled on about :data:`ANALYSIS_LIMIT` rows, so this costs milliseconds at any
        size. PostgreSQL's autovacuum analyses tables as they change: nothing to do there.

        >>> from crisol.store import open_store
        >>> open_store(":memory:").optimize()  # nothing stored: nothing to learn
        False
        """
        if self.engine.dialect.name != "sqlite":
            return False
        try:
            return self._analyze()
        except OperationalError as e:  # locked, or busy past the short wait
            raise StoreBusy(f"{self.where}: index statistics not refreshed: {e.orig}") from e

    def _analyze(self) -> bool:
        with self.engine.connect() as conn:
            rows = int(conn.scalar(text("SELECT coalesce(max(rowid), 0) FROM articles")) or 0)
            known = _analysed_rows(conn)
        stale = known is None or not known / STATS_DRIFT <= rows <= known * STATS_DRIFT
        if rows == 0 or not stale:
            self._added = 0
            return False
        with self.engine.connect() as conn:
            # Another writer holding the store is waited for briefly, not for the whole busy
            # timeout: statistics can wait for the next time (StoreBusy tells the caller).
            previous = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={ANALYZE_WAIT_MS}")
            try:
                conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
            finally:
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(previous)}")
                conn.commit()
        self._added = 0
        return True

    # ---- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: everything inside commits together, or nothing does.

        Nested uses join the outer transaction.
        """
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        # IMMEDIATE: an SQLite writer takes the write lock up front, so two writers queue on
        # the busy timeout instead of one failing at its first write.
        with self.engine.connect().execution_options(crisol_write=True) as conn:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # The same for PostgreSQL: writers take turns, so two runs adding the same
                    # article both see the other's commit instead of colliding on its id.
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
                self._local.conn = conn
                try:
                    yield
                finally:
                    self._local.conn = None

    @property
    def in_transaction(self) -> bool:
        """Whether this thread is inside :meth:`transaction`."""
        return getattr(self._local, "conn", None) is not None

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for the repositories of this package: the open transaction's
        (:meth:`transaction`), else a new one committed when the block ends."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.engine.begin() as conn:
            yield conn

    # ---- articles: writing -----------------------------------------------------------------

    def add_articles(self, articles: Sequence[Article]) -> list[Added]:
        """Store articles with their raw bytes and annotations; one :class:`Added` each.

        Idempotent: an article whose id is already stored (or repeated in ``articles``) adds
        nothing and comes back with ``new=False``. A new article whose clean text equals one
        stored before gets ``copy_of`` set to the first one's id (also on the ``Article``).
        """
        with self.transaction(), self.connection() as conn:
            known = self._known(conn, [a.id for a in articles])
            fresh: list[Article] = []
            for a in articles:
                if a.id not in known:
                    known.add(a.id)
                    fresh.append(a)
            self._link_copies(conn, fresh)
            self._insert(conn, fresh)
            note_articles(conn, [(a.outlet, a.url) for a in fresh])  # outlets as records (0008)
            fresh_ids = {a.id for a in fresh}
            self._added += len(fresh)
            results, seen = [], set()
            for a in articles:
                new = a.id in fresh_ids and a.id not in seen
                seen.add(a.id)
                results.append(Added(a.id, new, a.copy_of if new else None))
            return results

    def _link_copies(self, conn: Connection, fresh: list[Article]) -> None:
        firsts = self._first_by_hash(conn, {a.text_hash for a in fresh})
        for a in fresh:
            first = firsts.setdefault(a.text_hash, a.id)
            a.copy_of = first if first != a.id else None

    def _first_by_hash(self, conn: Connection, hashes: set[str]) -> dict[str, str]:
        t = s.articles
        firsts: dict[str, str] = {}
        for part in _chunks(sorted(hashes)):
            rows = conn.execute(
                select(t.c.text_hash, t.c.id)
                .where(t.c.text_hash.in_(part), t.c.copy_of.is_(None))
                .order_by(t.c.ingested_at, t.c.id)
            )
            for h, id_ in rows:
                firsts.setdefault(h, id_)
        return firsts

    def _insert(self, conn: Connection, fresh: list[Article]) -> None:
        if not fresh:
            return
        now = s.utcnow()
        conn.execute(
            insert(s.articles),
            [convert.article_row(a, copy_of=a.copy_of, ingested_at=now) for a in fresh],
        )
        conn.execute(insert(s.raw_inputs), [{"article_id": a.id, "data": a.raw} for a in fresh])
        per_table: dict[Any, list[dict]] = defaultdict(list)
        for a in fresh:
            for table, rows in convert.child_rows(a):
                per_table[table].extend(rows)
        for table, rows in per_table.items():
            if rows:
                conn.execute(insert(table), rows)

    # ---- articles: reading -----------------------------------------------------------------

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` already stored."""
        with self.connection() as conn:
            return self._known(conn, list(ids))

    def _known(self, conn: Connection, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in _chunks(sorted(set(ids))):
            found.update(conn.scalars(select(s.articles.c.id).where(s.articles.c.id.in_(part))))
        return found

    def ids_from_source(self, source: str) -> set[str]:
        """Ids of the articles stored from one input (its ``source``, as the reader named it)."""
        t = s.articles
        with self.connection() as conn:
            return set(conn.scalars(select(t.c.id).where(t.c.source == source)))

    def resolve_id(self, id_or_prefix: str) -> str | None:
        """The full id for an id or a unique prefix of one; None if nothing matches.

        Raises :class:`AmbiguousId` when the prefix matches several articles.
        """
        t = s.articles
        key = id_or_prefix.strip().lower()
        if not key:
            return None
        with self.connection() as conn:
            if conn.scalar(select(t.c.id).where(t.c.id == key)) is not None:
                return key
            # Ids are hex: escape nothing but guard against LIKE wildcards in user input.
            if any(ch in key for ch in "%_\\"):
                return None
            matches = list(conn.scalars(select(t.c.id).where(t.c.id.like(key + "%")).limit(6)))
        if len(matches) > 1:
            raise AmbiguousId(key, matches)
        return matches[0] if matches else None

    def get_article(self, id_or_prefix: str) -> Article | None:
        """The full article (raw bytes, removed lines, annotations) or None if unknown."""
        article_id = self.resolve_id(id_or_prefix)
        if article_id is None:
            return None
        found = self.load_articles([article_id], with_raw=True)
        return found[0] if found else None

    def raw_bytes(self, id_or_prefix: str) -> bytes | None:
        """The input bytes the article was made from, exactly as read."""
        article_id = self.resolve_id(id_or_prefix)
        if article_id is None:
            return None
        with self.connection() as conn:
            return conn.scalar(select(s.raw_inputs.c.data).where(s.raw_inputs.c.article_id == article_id))

    def load_articles(self, ids: Sequence[str], *, with_raw: bool) -> list[Article]:
        """Articles for ``ids`` with every child list, in the order of ``ids``."""
        with self.connection() as conn:
            rows = conn.execute(select(s.articles).where(s.articles.c.id.in_(ids))).mappings()
            by_id = {r["id"]: convert.article_from_row(r) for r in rows}
            if with_raw:
                raw = s.raw_inputs
                for aid, data in conn.execute(
                    select(raw.c.article_id, raw.c.data).where(raw.c.article_id.in_(ids))
                ):
                    by_id[aid].raw = bytes(data)
            for table, attr, _ in convert.CHILD_LISTS:
                make = convert.FROM_ROW[attr]
                q = (
                    select(table)
                    .where(table.c.article_id.in_(ids))
                    .order_by(table.c.article_id, table.c.position)
                )
                for r in conn.execute(q).mappings():
                    getattr(by_id[r["article_id"]], attr).append(make(r))
        return [by_id[i] for i in ids if i in by_id]

    def _filtered(self, query, outlet, language, since, until):
        t = s.articles
        if isinstance(outlet, (list, tuple)):  # the spellings an outlet or collection resolved to
            query = query.where(t.c.outlet.in_(outlet))
        elif outlet is not None:
            query = query.where(func.lower(t.c.outlet) == outlet.lower())
        if language is not None:
            query = query.where(t.c.language == language.lower())
        if since is not None:
            query = query.where(t.c.published >= since)
        if until is not None:
            query = query.where(t.c.published <= until)
        return query

    def _ordered(self, query, order: Order):
        t = s.articles
        if order == "published":
            return query.order_by(t.c.published.desc().nulls_last(), t.c.id)
        if order == "ingested":
            return query.order_by(t.c.ingested_at.desc(), t.c.id)
        if order == "id":
            return query.order_by(t.c.id)
        raise ValueError(f"order must be one of 'published', 'ingested', 'id'; got {order!r}")

    def list_articles(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        order: Order = "published",
    ) -> ArticlePage:
        """A page of article summaries, newest first by default, and the total matching."""
        t = s.articles
        cols = [t.c.id, t.c.published, t.c.outlet, t.c.language, t.c.title, t.c.source, t.c.url, t.c.copy_of]
        query = self._ordered(self._filtered(select(*cols), outlet, language, since, until), order)
        with self.connection() as conn:
            items = [ArticleSummary(**r) for r in conn.execute(query.limit(limit).offset(offset)).mappings()]
        total = self.count_articles(outlet=outlet, language=language, since=since, until=until)
        return ArticlePage(items=items, total=total, limit=limit, offset=offset)

    def count_articles(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        query = self._filtered(select(func.count()).select_from(s.articles), outlet, language, since, until)
        with self.connection() as conn:
            return int(conn.scalar(query) or 0)

    def iter_articles(
        self,
        outlet: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        order: Order = "id",
        with_raw: bool = False,
        chunk: int = 200,
    ) -> Iterator[Article]:
        """Every matching article, fully loaded, streamed in chunks (for export and analysis)."""
        t = s.articles
        query = self._ordered(self._filtered(select(t.c.id), outlet, language, since, until), order)
        with self.connection() as conn:
            ids = list(conn.scalars(query))
        for part in _chunks(ids, chunk):
            yield from self.load_articles(part, with_raw=with_raw)

    # ---- inputs, runs, rejections -----------------------------------------------------------

    def input_done(self, fingerprint: str) -> bool:
        """Whether an input with this fingerprint was fully stored by an earlier run."""
        return fingerprint in self.done_inputs([fingerprint])

    def done_inputs(self, fingerprints: Iterable[str]) -> set[str]:
        """The subset of ``fingerprints`` recorded as finished."""
        with self.connection() as conn:
            return self._done_in(conn, list(fingerprints))

    def mark_inputs_done(self, records: Sequence[InputRecord]) -> None:
        """Record finished inputs (re-marking one updates its row)."""
        if not records:
            return
        t = s.inputs
        now = s.utcnow()
        with self.transaction(), self.connection() as conn:
            known = self._done_in(conn, [r.fingerprint for r in records])
            for r in {r.fingerprint: r for r in records}.values():
                values = {
                    "source": r.source,
                    "status": r.status,
                    "articles": r.articles,
                    "rejected": r.rejected,
                    "finished_at": now,
                }
                if r.fingerprint in known:
                    conn.execute(update(t).where(t.c.fingerprint == r.fingerprint).values(**values))
                else:
                    conn.execute(insert(t).values(fingerprint=r.fingerprint, **values))

    def _done_in(self, conn: Connection, fps: list[str]) -> set[str]:
        t = s.inputs
        found: set[str] = set()
        for part in _chunks(sorted(set(fps))):
            found.update(conn.scalars(select(t.c.fingerprint).where(t.c.fingerprint.in_(part))))
        return found

    def list_inputs(self) -> list[InputRecord]:
        t = s.inputs
        with self.connection() as conn:
            rows = conn.execute(select(t).order_by(t.c.finished_at, t.c.source)).mappings()
            return [
                InputRecord(r["fingerprint"], r["source"], r["articles"], r["rejected"], r["status"])
                for r in rows
            ]

    def start_run(self, counts: dict[str, Any] | None = None) -> int:
        """Open a run record; returns its id (rejections and the final counts attach to it).
        ``counts`` says what the run is until it finishes (a run killed keeps them)."""
        with self.connection() as conn:
            result = conn.execute(insert(s.runs).values(started=s.utcnow(), counts=counts or {}))
            return int(result.inserted_primary_key[0])

    def unfinished_runs(self) -> list[RunInfo]:
        """Runs started and never finished (killed), oldest first."""
        with self.connection() as conn:
            rows = conn.execute(select(s.runs).where(s.runs.c.finished.is_(None)).order_by(s.runs.c.id))
            return [RunInfo(r.id, r.started, r.finished, r.counts or {}) for r in rows]

    def finish_run(self, run_id: int, counts: dict[str, Any]) -> None:
        with self.connection() as conn:
            conn.execute(
                update(s.runs).where(s.runs.c.id == run_id).values(finished=s.utcnow(), counts=counts)
            )

    def get_run(self, run_id: int) -> RunInfo | None:
        with self.connection() as conn:
            r = conn.execute(select(s.runs).where(s.runs.c.id == run_id)).mappings().first()
        return RunInfo(r["id"], r["started"], r["finished"], r["counts"] or {}) if r else None

    def add_rejections(self, run_id: int | None, rejections: Sequence[Rejection]) -> None:
        if not rejections:
            return
        now = s.utcnow()
        rows = [
            {"run_id": run_id, "source": r.source, "location": r.location, "reason": r.reason, "at": now}
            for r in rejections
        ]
        with self.connection() as conn:
            conn.execute(insert(s.rejections), rows)

    def list_rejections(self, run_id: int | None = None) -> list[Rejection]:
        t = s.rejections
        query = select(t.c.source, t.c.reason, t.c.location).order_by(t.c.id)
        if run_id is not None:
            query = query.where(t.c.run_id == run_id)
        with self.connection() as conn:
            return [Rejection(source=a, reason=b, location=c) for a, b, c in conn.execute(query)]
