"""The SQL of ``crisol watch``: sources' poll state, feeds' validators, fetched URLs and their
versions, and the poll log. The article rows themselves go through :meth:`Store.add_articles`.

Every URL is keyed by its canonical form (:func:`crisol.watch.urls.canonical_url`); an article
updated at the same URL becomes a new article row plus a ``watch_versions`` row pointing at the
previous version.

>>> from crisol.store import open_store
>>> ws = WatchStore(open_store(":memory:"))
>>> ws.url_states(["https://example.test/a"])
{}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import (
    func,
    insert,
    select,
    update,
)

from crisol.model import Article
from crisol.store.outlets import note_sources
from crisol.store.schema import (
    WATCH_TABLES,
    watch_feeds,
    watch_polls,
    watch_sources,
    watch_urls,
    watch_versions,
)
from crisol.store.store import Added, Store, _chunks

TABLES = WATCH_TABLES  # the tables this repository owns


@dataclass
class UrlState:
    url: str
    link: str
    source: str
    status: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    text_hash: str | None = None
    article_id: str | None = None
    versions: int = 0
    item_date: str | None = None
    attempts: int = 0
    last_fetched: datetime | None = None
    alias_of: str | None = None
    error: str | None = None


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass
class PollRecord:
    """One poll of one source (all its feeds and sitemaps), for the log and the status view."""

    source: str
    started: datetime
    finished: datetime
    ok: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None


@dataclass
class SourceStatus:
    """One line of ``crisol sources status``."""

    name: str
    last_poll: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_errors: int
    polls: int
    failed_polls: int
    articles: int
    articles_per_day: float
    pending: int
    failed_urls: int
    next_poll: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        for k in ("last_poll", "last_success", "next_poll"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


@dataclass
class NewVersion:
    """An article fetched from a watched URL, to store as its first or next version."""

    article: Article
    url: str
    link: str
    source: str
    fetched: datetime
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    item_date: str | None = None
    aliases: list[str] = field(default_factory=list)  # other canonical URLs that led here


def _url_state(r: Any) -> UrlState:
    return UrlState(
        url=r["url"],
        link=r["link"],
        source=r["source"],
        status=r["status"],
        etag=r["etag"],
        last_modified=r["last_modified"],
        body_hash=r["body_hash"],
        text_hash=r["text_hash"],
        article_id=r["article_id"],
        versions=r["versions"],
        item_date=r["item_date"],
        attempts=r["attempts"],
        last_fetched=r["last_fetched"],
        alias_of=r["alias_of"],
        error=r["error"],
    )


class WatchStore:
    """The watch tables of one :class:`Store` (sharing its connections and transactions)."""

    def __init__(self, store: Store):
        self.store = store  # its tables come with the store's migrations (0002_watch)

    # ---- sources ------------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Any]) -> None:
        """Make sure every source has a state row, with its current country and language, and
        an outlet record (:func:`crisol.store.outlets.note_sources`)."""
        sources = list(sources)
        t = watch_sources
        with self.store.transaction(), self.store.connection() as conn:
            known = set(conn.scalars(select(t.c.name)))
            for src in sources:
                values = {"country": src.country, "language": src.language}
                if src.name in known:
                    conn.execute(update(t).where(t.c.name == src.name).values(**values))
                else:
                    conn.execute(insert(t).values(name=src.name, consecutive_errors=0, **values))
            note_sources(conn, sources)  # watched sources are outlets too (0008_outlets)

    def next_polls(self) -> dict[str, datetime | None]:
        t = watch_sources
        with self.store.connection() as conn:
            return {n: when for n, when in conn.execute(select(t.c.name, t.c.next_poll))}

    def record_poll(self, poll: PollRecord, next_poll: datetime) -> None:
        """Log a poll and update its source's state (last poll, success or error, next poll)."""
        t = watch_sources
        with self.store.transaction(), self.store.connection() as conn:
            conn.execute(insert(watch_polls).values(**poll.__dict__))
            values: dict[str, Any] = {"last_poll": poll.finished, "next_poll": next_poll}
            if poll.ok:
                values.update(last_success=poll.finished, consecutive_errors=0)
            else:
                values.update(
                    last_error=poll.error,
                    last_error_at=poll.finished,
                    consecutive_errors=t.c.consecutive_errors + 1,
                )
            conn.execute(update(t).where(t.c.name == poll.source).values(**values))

    def polls(self, source: str | None = None, limit: int = 100) -> list[PollRecord]:
        t = watch_polls
        q = select(t).order_by(t.c.id.desc()).limit(limit)
        if source is not None:
            q = q.where(t.c.source == source)
        with self.store.connection() as conn:
            rows = conn.execute(q).mappings().all()
        return [PollRecord(**{k: r[k] for k in PollRecord.__dataclass_fields__}) for r in rows]

    # ---- feeds --------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState | None:
        t = watch_feeds
        with self.store.connection() as conn:
            r = conn.execute(select(t).where(t.c.url == url)).mappings().first()
        return FeedState(r["url"], r["etag"], r["last_modified"], r["body_hash"]) if r else None

    def save_feed(
        self, url: str, source: str, status: int, at: datetime, etag=None, last_modified=None, body_hash=None
    ) -> None:
        t = watch_feeds
        values = {"source": source, "last_status": status, "last_fetched": at}
        if status != 304:  # a 304 keeps the validators of the copy we have
            values.update(etag=etag, last_modified=last_modified, body_hash=body_hash)
        with self.store.transaction(), self.store.connection() as conn:
            if conn.scalar(select(t.c.url).where(t.c.url == url)) is None:
                conn.execute(insert(t).values(url=url, **values))
            else:
                conn.execute(update(t).where(t.c.url == url).values(**values))

    # ---- URLs ---------------------------------------------------------------------------

    def url_states(self, urls: Iterable[str]) -> dict[str, UrlState]:
        t = watch_urls
        found: dict[str, UrlState] = {}
        with self.store.connection() as conn:
            for part in _chunks(sorted(set(urls))):
                for r in conn.execute(select(t).where(t.c.url.in_(part))).mappings():
                    found[r["url"]] = _url_state(r)
        return found

    def add_pending(self, items: Sequence[tuple[str, str, str, str | None]], at: datetime) -> None:
        """Record discovered URLs ``(url, link, source, item_date)`` before fetching them, so a
        run killed before fetching them still knows about them (the feed may answer 304 next)."""
        if not items:
            return
        rows = [
            {
                "url": u,
                "link": link,
                "source": src,
                "status": "pending",
                "first_seen": at,
                "versions": 0,
                "attempts": 0,
                "item_date": d,
            }
            for u, link, src, d in items
        ]
        with self.store.transaction(), self.store.connection() as conn:
            known = set()
            for part in _chunks(sorted({r["url"] for r in rows})):
                known.update(conn.scalars(select(watch_urls.c.url).where(watch_urls.c.url.in_(part))))
            fresh = {r["url"]: r for r in rows if r["url"] not in known}
            if fresh:
                conn.execute(insert(watch_urls), list(fresh.values()))

    def pending(self, sources: Iterable[str]) -> list[UrlState]:
        """URLs discovered but not fetched yet (or whose fetch failed and may be retried)."""
        t = watch_urls
        q = select(t).where(t.c.status == "pending", t.c.source.in_(list(sources))).order_by(t.c.first_seen)
        with self.store.connection() as conn:
            return [_url_state(r) for r in conn.execute(q).mappings()]

    def due_for_recheck(
        self, source: str, fetched_before: datetime, seen_after: datetime, limit: int = 1000
    ) -> list[UrlState]:
        """Stored articles of a source first seen after ``seen_after``, last fetched before
        ``fetched_before`` (oldest fetch first)."""
        t = watch_urls
        q = (
            select(t)
            .where(
                t.c.source == source,
                t.c.status == "stored",
                t.c.first_seen >= seen_after,
                t.c.last_fetched < fetched_before,
            )
            .order_by(t.c.last_fetched)
            .limit(limit)
        )
        with self.store.connection() as conn:
            return [_url_state(r) for r in conn.execute(q).mappings()]

    def update_url(self, url: str, **values: Any) -> None:
        t = watch_urls
        with self.store.transaction(), self.store.connection() as conn:
            conn.execute(update(t).where(t.c.url == url).values(**values))

    def fail_url(self, url: str, error: str, at: datetime, give_up: bool) -> None:
        """A fetch failed: count the attempt; after the last one the URL is marked failed."""
        t = watch_urls
        with self.store.transaction(), self.store.connection() as conn:
            conn.execute(
                update(t)
                .where(t.c.url == url)
                .values(
                    attempts=t.c.attempts + 1,
                    error=error,
                    last_fetched=at,
                    status="failed" if give_up else t.c.status,
                )
            )

    def add_alias(self, alias: str, link: str, target: str, source: str, at: datetime) -> None:
        """Another canonical URL (a redirect target, a rel=canonical) of an article we have.

        An alias never replaces a URL that holds an article of its own (stored or rejected).
        """
        t = watch_urls
        with self.store.transaction(), self.store.connection() as conn:
            values = {
                "link": link,
                "source": source,
                "status": "alias",
                "alias_of": target,
                "last_fetched": at,
            }
            status = conn.scalar(select(t.c.status).where(t.c.url == alias))
            if status is None:
                conn.execute(insert(t).values(url=alias, first_seen=at, versions=0, attempts=0, **values))
            elif status in ("pending", "failed", "alias"):
                conn.execute(update(t).where(t.c.url == alias).values(**values))

    def store_version(self, v: NewVersion, previous: UrlState | None) -> Added:
        """Store the article and record it as the next version of its URL, in one transaction."""
        t = watch_urls
        with self.store.transaction(), self.store.connection() as conn:
            added = self.store.add_articles([v.article])[0]
            number = (previous.versions if previous else 0) + 1
            prev_id = previous.article_id if previous else None
            known = conn.scalar(
                select(watch_versions.c.article_id).where(watch_versions.c.article_id == v.article.id)
            )
            if known is None:
                conn.execute(
                    insert(watch_versions).values(
                        article_id=v.article.id,
                        url=v.url,
                        source=v.source,
                        version=number,
                        previous_id=prev_id if prev_id != v.article.id else None,
                        fetched=v.fetched,
                    )
                )
            values = {
                "link": v.link,
                "source": v.source,
                "status": "stored",
                "last_fetched": v.fetched,
                "etag": v.etag,
                "last_modified": v.last_modified,
                "body_hash": v.body_hash,
                "text_hash": v.article.text_hash,
                "article_id": v.article.id,
                "versions": number,
                "item_date": v.item_date,
                "error": None,
                "alias_of": None,
            }
            if conn.scalar(select(t.c.url).where(t.c.url == v.url)) is None:
                conn.execute(insert(t).values(url=v.url, first_seen=v.fetched, attempts=0, **values))
            else:
                conn.execute(update(t).where(t.c.url == v.url).values(**values))
            for alias in v.aliases:
                self.add_alias(alias, alias, v.url, v.source, v.fetched)
        return added

    def versions(self, url: str) -> list[dict[str, Any]]:
        """The stored versions of an article URL, oldest first."""
        t = watch_versions
        with self.store.connection() as conn:
            rows = conn.execute(select(t).where(t.c.url == url).order_by(t.c.version)).mappings()
            return [dict(r) for r in rows]

    def outlet_of(self, article_id: str) -> dict[str, Any] | None:
        """The watched source an article came from: name, country, language, URL and version."""
        v, src = watch_versions, watch_sources
        q = (
            select(
                v.c.source.label("name"), src.c.country, src.c.language, v.c.url, v.c.version, v.c.previous_id
            )
            .select_from(v.outerjoin(src, src.c.name == v.c.source))
            .where(v.c.article_id == article_id)
        )
        with self.store.connection() as conn:
            row = conn.execute(q).mappings().first()
        return dict(row) if row else None

    def count_urls(self, status: str | None = None) -> int:
        q = select(func.count()).select_from(watch_urls)
        if status is not None:
            q = q.where(watch_urls.c.status == status)
        with self.store.connection() as conn:
            return int(conn.scalar(q) or 0)

    # ---- status -------------------------------------------------------------------------

    def status(self, now: datetime, days: int = 7) -> list[SourceStatus]:
        """Per source: last poll and success, errors, articles stored, articles per day."""
        since = now - timedelta(days=days)
        with self.store.connection() as conn:
            srcs = conn.execute(select(watch_sources).order_by(watch_sources.c.name)).mappings().all()
            polls = dict(
                conn.execute(select(watch_polls.c.source, func.count()).group_by(watch_polls.c.source)).all()
            )
            failed = dict(
                conn.execute(
                    select(watch_polls.c.source, func.count())
                    .where(watch_polls.c.ok.is_(False))
                    .group_by(watch_polls.c.source)
                ).all()
            )
            v = watch_versions
            total = dict(conn.execute(select(v.c.source, func.count()).group_by(v.c.source)).all())
            recent = dict(
                conn.execute(
                    select(v.c.source, func.count()).where(v.c.fetched >= since).group_by(v.c.source)
                ).all()
            )
            u = watch_urls
            by_status = conn.execute(
                select(u.c.source, u.c.status, func.count()).group_by(u.c.source, u.c.status)
            ).all()
        pending = {src: n for src, st, n in by_status if st == "pending"}
        failed_urls = {src: n for src, st, n in by_status if st == "failed"}
        return [
            SourceStatus(
                name=r["name"],
                last_poll=r["last_poll"],
                last_success=r["last_success"],
                last_error=r["last_error"],
                consecutive_errors=r["consecutive_errors"],
                polls=polls.get(r["name"], 0),
                failed_polls=failed.get(r["name"], 0),
                articles=total.get(r["name"], 0),
                articles_per_day=round(recent.get(r["name"], 0) / days, 2),
                pending=pending.get(r["name"], 0),
                failed_urls=failed_urls.get(r["name"], 0),
                next_poll=r["next_poll"],
            )
            for r in srcs
        ]
