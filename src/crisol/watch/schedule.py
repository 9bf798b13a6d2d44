"""The watch loop: poll every source at its interval, fetch new and updated articles, store them.

One thread (the caller's) schedules and writes to the store; a pool of workers makes the
requests and cleans pages. Every request goes through the fetcher's per-host gate, so robots.txt,
redirect hops and retries are as polite as first requests. Errors stay with their source: a
failing feed is logged in the poll log and retried at the next interval, a failing page is
retried at the next poll that lists it, and the other sources go on.

Resuming: each source's next poll time, each feed's validators, and every URL discovered
(pending until fetched) are in the store, so a restarted ``watch`` fetches what was left pending
and never refetches what it stored.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal
from urllib.parse import urlsplit

from crisol.model import Article, Rejection
from crisol.service.alerts import Delivery
from crisol.service.outlets import note_media_types
from crisol.service.runner import Runner, default_stages, prepare
from crisol.store import Database
from crisol.store.watch import NewVersion, PollRecord, UrlState
from crisol.watch.alerts import AlertRounds
from crisol.watch.clock import Clock, to_datetime
from crisol.watch.fetch import Fetcher, FetchError, Outcome, Request, Response
from crisol.watch.listing import Item, parse_listing
from crisol.watch.pages import declared_canonical, page_to_raw
from crisol.watch.sources import Source
from crisol.watch.urls import UnsupportedURL, canonical_url, fetchable_url, host_of

log = logging.getLogger(__name__)

PAGE_ATTEMPTS = 3  # polls that may try a page before it is marked failed
# Stored articles are linked and indexed this many at a time, or this many seconds after the
# first of them was stored, whichever comes first.
FOLLOW_UP_BATCH = 32
FOLLOW_UP_WAIT = 5.0
MAX_SITEMAP_DEPTH = 1  # a sitemap index's children, not deeper
MAX_CHILD_SITEMAPS = 20  # newest children of a sitemap index read per poll
RECHECK_WINDOW = 2 * 86400.0  # articles first seen this recently are re-checked (``recheck``)
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"


@dataclass
class _Poll:
    """One poll of one source: its listings still outstanding and what they found."""

    source: Source
    started: float
    outstanding: int = 0
    record: PollRecord | None = None
    errors: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass
class _Task:
    kind: Literal["listing", "page"]
    source: Source
    url: str  # the canonical URL (page) or the listing URL
    request: Request
    poll: _Poll | None = None
    item: Item | None = None
    previous: UrlState | None = None
    depth: int = 0


@dataclass
class WatchReport:
    """What a watch run did, in total and per source."""

    polls: int = 0
    polls_failed: int = 0
    listings_not_modified: int = 0
    discovered: int = 0
    pages_fetched: int = 0
    pages_not_modified: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    failed: int = 0
    requests: int = 0
    alerts_sent: int = 0  # webhook POSTs of saved searches that succeeded (crisol.watch.alerts)
    alerts_failed: int = 0
    linked: dict[str, Any] | None = None  # what the runner's link phase did (stories started...)
    elapsed: float = 0.0
    interrupted: bool = False
    errors: deque = field(default_factory=lambda: deque(maxlen=1000))  # (source, url, reason)
    per_source: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def counts(self) -> dict[str, Any]:
        keys = (
            "polls",
            "polls_failed",
            "listings_not_modified",
            "discovered",
            "pages_fetched",
            "pages_not_modified",
            "new",
            "updated",
            "unchanged",
            "rejected",
            "failed",
            "requests",
        )
        return {k: getattr(self, k) for k in keys} | {"elapsed": round(self.elapsed, 3)}

    def bump(self, source: str, key: str, n: int = 1) -> None:
        setattr(self, key, getattr(self, key) + n)
        self.per_source[source][key] += n


Event = Callable[[str, str, str, str], None]  # (kind, source, url, detail)


class Watcher:
    """Polls ``sources`` and stores what they publish; see :meth:`run`."""

    def __init__(
        self,
        store: Database,
        sources: list[Source],
        fetcher: Fetcher,
        *,
        clock: Clock | None = None,
        analyze: bool = True,
        workers: int = 8,
        on_event: Event | None = None,
        annotator: Callable[[Article], Article] | None = None,
        alerts: bool = True,
    ) -> None:
        self.store, self.sources, self.fetcher = store, list(sources), fetcher
        self.clock = clock or fetcher.clock
        self.ws = store.watch
        self.workers = max(1, workers)
        self.on_event = on_event or (lambda *a: None)
        # crisol's own stages, as `crisol ingest` has them; ``annotator`` replaces the annotate
        # stage (tests, other pipelines).
        stages = default_stages(analyze and annotator is None)
        self._clean = replace(stages, annotate=None, annotate_many=None)
        annotate = (annotator or stages.annotate) if analyze else None
        many = stages.annotate_many if annotator is None else None
        # The one ingest path: what a watcher stores is annotated, linked and indexed by the same
        # Runner as `crisol ingest` (the watcher keeps its own fetching and URL bookkeeping).
        self.runner = Runner(store, replace(stages, annotate=annotate, annotate_many=many), link=analyze)
        self._unlinked: list[Article] = []  # stored, waiting to be linked and indexed
        self._unlinked_since = 0.0
        self.report = WatchReport()
        self.alerts = alerts  # deliver saved searches' webhooks after each linked batch
        self._alerts: AlertRounds | None = None
        self._seq = itertools.count()
        # Tasks wait on a timer (retries, new tasks) until due, then in their host's queue; the
        # host heap says when each host with queued tasks may next be asked. Dispatching costs
        # O(log hosts) per request however long one host's queue grows.
        self._timers: list[tuple[float, int, _Task]] = []
        self._hosts: dict[str, deque[_Task]] = {}
        self._host_heap: list[tuple[float, int, str]] = []
        self._woken: set[str] = set()
        self._running: dict[Future, tuple[_Task, str]] = {}
        self._queued: set[str] = set()  # canonical page URLs queued or in flight
        self._next_poll: dict[str, float] = {}
        self._polled: set[str] = set()

    # ---- the loop --------------------------------------------------------------------------

    def run(self, once: bool = False, max_duration: float | None = None) -> WatchReport:
        """Poll until stopped (Ctrl-C), for ``max_duration`` seconds of clock time, or, with
        ``once``, until every source was polled once and every page it listed was handled."""
        started_wall = time.perf_counter()
        start = self.clock.now()
        stop_at = start + max_duration if max_duration is not None else None
        self.ws.sync_sources(self.sources)
        note_media_types(self.store, [src.name for src in self.sources])
        self.runner.start()  # what a killed watch stored but did not link or index
        self._alerts = AlertRounds(self.store, self._delivered) if self.alerts else None
        self._plan_polls(start, once)
        self._resume_pending()
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="crisol-watch")
        try:
            while True:
                now = self.clock.now()
                stopping = stop_at is not None and now >= stop_at
                if not stopping:
                    self._start_due_polls(now, once)
                    self._dispatch(pool, now)
                self._follow_up(force=False)
                if self._finished(once, stopping):
                    break
                self._wait(now, stop_at, once)
        except KeyboardInterrupt:  # Ctrl-C ends a watch; what is stored stays, pending stays pending
            self.report.interrupted = True
        finally:
            # Ctrl-C: requests in flight are abandoned (their URLs stay pending for the next run).
            pool.shutdown(wait=not self.report.interrupted, cancel_futures=True)
            if not self.report.interrupted:
                self._follow_up(force=True)  # else the next run's start links them
            if self._alerts:  # Ctrl-C: undelivered items keep their mark, sent next time
                self._alerts.close(wait=not self.report.interrupted)
            self.report.linked = self.runner.report.linked
            self.report.elapsed = time.perf_counter() - started_wall
        return self.report

    def _follow_up(self, force: bool) -> None:
        """Link and index the stored articles waiting for it: in batches (embedding and linking
        cost less per article together), at the latest :data:`FOLLOW_UP_WAIT` seconds after the
        first one was stored, so a new article reaches its story and search within seconds."""
        if not self._unlinked:
            return
        waited = time.perf_counter() - self._unlinked_since
        if force or len(self._unlinked) >= FOLLOW_UP_BATCH or waited >= FOLLOW_UP_WAIT:
            batch, self._unlinked = self._unlinked, []
            self.runner.follow_up(batch)
            if self._alerts:
                self._alerts.request()

    def _delivered(self, delivery: Delivery) -> None:
        """One webhook POST done (on the alerts thread): counted and told."""
        name, url = delivery.saved.name, delivery.saved.webhook or ""
        if delivery.ok:
            self.report.alerts_sent += 1
            self.on_event("alert", name, url, f"{delivery.items} new")
        else:
            self.report.alerts_failed += 1
            self.on_event("error", name, url, f"webhook failed, retried next time: {delivery.error}")

    def _finished(self, once: bool, stopping: bool) -> bool:
        if self._running:
            return False
        if stopping:
            return True
        idle = not self._timers and not self._hosts
        if once:
            return idle and all(s.name in self._polled for s in self.sources)
        return idle and not self.sources

    def _wait(self, now: float, stop_at: float | None, once: bool) -> None:
        due = self._next_due(once)
        if stop_at is not None:
            due = stop_at if due is None else min(due, stop_at)
        if self._running:
            timeout = None if (due is None or self.clock.simulated) else max(0.0, due - now)
            done, _ = wait(list(self._running), timeout=timeout, return_when=FIRST_COMPLETED)
            for fut in done:
                self._complete(fut)
        elif due is not None and due > now:
            self.clock.sleep(due - now)

    def _next_due(self, once: bool) -> float | None:
        times = [heap[0][0] for heap in (self._timers, self._host_heap) if heap]
        if not once:
            times += list(self._next_poll.values())
        else:
            times += [t for name, t in self._next_poll.items() if name not in self._polled]
        return min(times) if times else None

    # ---- polls -----------------------------------------------------------------------------

    def _plan_polls(self, now: float, once: bool) -> None:
        stored = self.ws.next_polls()
        for src in self.sources:
            when = stored.get(src.name)
            self._next_poll[src.name] = (
                now if (once or when is None) else min(when.timestamp(), now + src.interval)
            )

    def _resume_pending(self) -> None:
        by_name = {s.name: s for s in self.sources}
        for state in self.ws.pending(by_name):
            if state.url not in self._queued:
                src = by_name[state.source]
                self._push_page(
                    src, state.url, state.link, None, Item(state.link, date=state.item_date), None
                )

    def _start_due_polls(self, now: float, once: bool) -> None:
        for src in self.sources:
            if once and src.name in self._polled:
                continue
            if self._next_poll.get(src.name, now) > now:
                continue
            self._polled.add(src.name)
            self._next_poll[src.name] = now + src.interval
            poll = _Poll(src, now)
            for url in src.feeds + src.sitemaps:
                self._push_listing(poll, url, 0)
            self.on_event("poll", src.name, "", f"{len(src.feeds) + len(src.sitemaps)} listings")

    def _push_listing(self, poll: _Poll, url: str, depth: int) -> None:
        state = self.ws.feed_state(url)
        req = Request(
            url,
            allow_private=poll.source.allow_private,
            accept=FEED_ACCEPT,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
        )
        poll.outstanding += 1
        self._push(_Task("listing", poll.source, url, req, poll=poll, depth=depth), self.clock.now())

    def _finish_listing(self, poll: _Poll) -> None:
        poll.outstanding -= 1
        if poll.outstanding > 0:
            return
        ok = not poll.errors
        record = PollRecord(
            poll.source.name,
            to_datetime(poll.started),
            self.clock.datetime(),
            ok,
            new=poll.counts["new"],
            updated=poll.counts["updated"],
            unchanged=poll.counts["unchanged"],
            failed=len(poll.errors),
            error="; ".join(poll.errors)[:2000] or None,
        )
        self._recheck(poll)
        self.report.bump(poll.source.name, "polls")
        if not ok:
            self.report.bump(poll.source.name, "polls_failed")
        self.ws.record_poll(record, to_datetime(self._next_poll.get(poll.source.name, self.clock.now())))

    # ---- dispatching -------------------------------------------------------------------------

    def _push(self, task: _Task, due: float) -> None:
        heapq.heappush(self._timers, (due, next(self._seq), task))

    def _enqueue_due(self, now: float) -> None:
        """Tasks whose timer is up join their host's queue."""
        while self._timers and self._timers[0][0] <= now:
            task = heapq.heappop(self._timers)[2]
            host = host_of(task.request.url)
            self._hosts.setdefault(host, deque()).append(task)
            self._wake(host, now)

    def _wake(self, host: str, now: float) -> None:
        """Put a host with queued tasks on the heap at its next allowed time (unless it is at
        capacity: then its next release wakes it)."""
        if host in self._woken or not self._hosts.get(host):
            return
        at = self.fetcher.gate.ready_at(host, now)
        if at is not None:
            heapq.heappush(self._host_heap, (at, next(self._seq), host))
            self._woken.add(host)

    def _push_page(
        self,
        src: Source,
        url: str,
        link: str,
        poll: _Poll | None,
        item: Item | None,
        previous: UrlState | None,
    ) -> None:
        req = Request(fetchable_url(link), allow_private=src.allow_private)
        if previous is not None:
            req.etag, req.last_modified = previous.etag, previous.last_modified
        self._queued.add(url)
        self._push(_Task("page", src, url, req, poll=poll, item=item, previous=previous), self.clock.now())

    def _dispatch(self, pool: ThreadPoolExecutor, now: float) -> None:
        self._enqueue_due(now)
        while self._host_heap and self._host_heap[0][0] <= now and len(self._running) < self.workers:
            host = heapq.heappop(self._host_heap)[2]
            self._woken.discard(host)
            queue = self._hosts.get(host)
            at = self.fetcher.gate.ready_at(host, now) if queue else None
            if at is None:  # nothing queued, or at capacity (woken again on release)
                continue
            if at > now:
                self._wake(host, now)
                continue
            task = queue.popleft()
            if not queue:
                del self._hosts[host]
            self.fetcher.gate.acquire(host, now)
            self.report.requests += 1
            self._running[pool.submit(self._work, task)] = (task, host)
            self._wake(host, now)

    def _work(self, task: _Task) -> Any:
        """In a worker: one request (or robots.txt), and cleaning a fetched page."""
        try:
            if self.fetcher.needs_robots(task.request.url):
                self.fetcher.load_robots(task.request.url, task.request.allow_private)
                return "robots"
            outcome = self.fetcher.step(task.request)
            if task.kind == "page" and outcome.kind == "done":
                return outcome, self._clean_page(task, outcome.response)
            return outcome, None
        except FetchError as e:
            return e
        except Exception as e:  # a bug must not stop the loop; it is labelled, not hidden
            log.exception("unexpected error fetching %s", task.request.url)
            return FetchError(task.request.url, f"unexpected error: {type(e).__name__}: {e}", "bug")

    def _clean_page(self, task: _Task, resp: Response) -> Article | Rejection | FetchError | None:
        if resp.not_modified or (task.previous and task.previous.body_hash == resp.body_hash):
            return None
        try:
            raw = page_to_raw(resp, task.source, task.url, self.clock.datetime().isoformat(), task.item)
        except FetchError as e:
            return e
        return prepare(raw, self._clean)

    def _complete(self, fut: Future) -> None:
        task, host = self._running.pop(fut)
        now = self.clock.now()
        self.fetcher.gate.release(host, now)
        self._wake(host, now)
        result = fut.result()
        if result == "robots":
            self._push(task, now)
        elif isinstance(result, FetchError):
            self._failed(task, result)
        else:
            outcome, cleaned = result
            self._outcome(task, outcome, cleaned, now)

    def _outcome(self, task: _Task, outcome: Outcome, cleaned: Any, now: float) -> None:
        if outcome.kind in ("redirect", "retry"):
            task.request = outcome.request
            self._push(task, now + outcome.delay)
        elif task.kind == "listing":
            self._listing_done(task, outcome.response)
        else:
            self._page_done(task, outcome.response, cleaned)

    def _failed(self, task: _Task, error: FetchError) -> None:
        name = task.source.name
        self.report.errors.append((name, task.url, error.reason))
        self.on_event("error", name, task.url, error.reason)
        if task.kind == "listing":
            task.poll.errors.append(f"{task.url}: {error.reason}")
            self._finish_listing(task.poll)
            return
        self._queued.discard(task.url)
        attempts = (task.previous.attempts if task.previous else 0) + 1
        if task.previous is None or task.previous.status == "pending":
            state = self.ws.url_states([task.url]).get(task.url)
            attempts = (state.attempts if state else 0) + 1
        # Permanent problems (robots, too large, unsafe...) are not worth another try.
        give_up = attempts >= PAGE_ATTEMPTS or error.kind not in ("gave-up", "deadline", "bug")
        self.ws.fail_url(task.url, f"{error.kind}: {error.reason}", self.clock.datetime(), give_up)
        self.report.bump(name, "failed")

    # ---- listings --------------------------------------------------------------------------

    def _listing_done(self, task: _Task, resp: Response) -> None:
        poll, src, at = task.poll, task.source, self.clock.datetime()
        try:
            if resp.not_modified:
                self.report.bump(src.name, "listings_not_modified")
                self.ws.save_feed(task.url, src.name, 304, at)
                return
            state = self.ws.feed_state(task.url)
            if state is not None and state.body_hash == resp.body_hash:
                self.report.bump(src.name, "listings_not_modified")  # same bytes, no validators
                self.ws.save_feed(
                    task.url, src.name, resp.status, at, resp.etag, resp.last_modified, resp.body_hash
                )
                return
            items = parse_listing(resp.body, resp.url)  # a broken listing keeps the old validators
            self.ws.save_feed(
                task.url, src.name, resp.status, at, resp.etag, resp.last_modified, resp.body_hash
            )
            self._take_items(poll, [i for i in items if i.kind == "page"])
            children = [i for i in items if i.kind == "sitemap"]
            if children and task.depth < MAX_SITEMAP_DEPTH:
                for child in children[:MAX_CHILD_SITEMAPS]:
                    self._push_listing(poll, child.link, task.depth + 1)
        except FetchError as e:
            poll.errors.append(f"{task.url}: {e.reason}")
            self.report.errors.append((src.name, task.url, e.reason))
            self.on_event("error", src.name, task.url, e.reason)
        finally:
            self._finish_listing(poll)

    def _take_items(self, poll: _Poll, items: list[Item]) -> None:
        src = poll.source
        found: dict[str, Item] = {}
        for item in items:
            try:
                found.setdefault(canonical_url(item.link), item)
            except UnsupportedURL as e:
                self.report.errors.append((src.name, item.link, e.reason))
        states = self.ws.url_states(found)
        fresh = [(url, item.link, src.name, item.date) for url, item in found.items() if url not in states]
        self.ws.add_pending(fresh, self.clock.datetime())
        self.report.bump(src.name, "discovered", len(fresh))
        for url, item in found.items():
            if url in self._queued:
                continue
            state = states.get(url)
            if state is None or state.status == "pending":
                poll.counts["new"] += 1
                self._push_page(src, url, item.link, poll, item, None)
            elif self._worth_rechecking(src, state, item):
                poll.counts["updated"] += 1
                self._push_page(src, url, state.link, poll, item, state)
            else:
                poll.counts["unchanged"] += 1

    def _worth_rechecking(self, src: Source, state: UrlState, item: Item) -> bool:
        if state.status in ("alias", "failed"):
            return state.status == "failed" and bool(item.date) and item.date != state.item_date
        return bool(item.date and state.item_date and item.date != state.item_date)  # the feed says so

    def _recheck(self, poll: _Poll) -> None:
        """Conditional re-fetches of the source's recent articles (``recheck``), listed or not."""
        src, now = poll.source, self.clock.now()
        if src.recheck is None:
            return
        due = self.ws.due_for_recheck(
            src.name,
            fetched_before=to_datetime(now - src.recheck),
            seen_after=to_datetime(now - RECHECK_WINDOW),
        )
        for state in due:
            if state.url not in self._queued:
                poll.counts["updated"] += 1
                self._push_page(
                    src, state.url, state.link, poll, Item(state.link, date=state.item_date), state
                )

    # ---- pages -----------------------------------------------------------------------------

    def _page_done(self, task: _Task, resp: Response, cleaned: Any) -> None:
        src, at = task.source, self.clock.datetime()
        self._queued.discard(task.url)
        self.report.bump(src.name, "pages_fetched")
        item_date = task.item.date if task.item else None
        if cleaned is None:  # 304, or the same bytes as the version we have
            self.report.bump(src.name, "pages_not_modified" if resp.not_modified else "unchanged")
            values = {
                "last_fetched": at,
                "item_date": item_date or (task.previous.item_date if task.previous else None),
            }
            if not resp.not_modified:
                values.update(etag=resp.etag, last_modified=resp.last_modified)
            self.ws.update_url(task.url, **values)
            return
        if isinstance(cleaned, FetchError):
            self._failed(task, cleaned)
            return
        if isinstance(cleaned, Rejection):
            self.report.bump(src.name, "rejected")
            self.report.errors.append((src.name, task.url, cleaned.reason))
            self.ws.update_url(
                task.url,
                status="rejected" if task.previous is None else task.previous.status,
                error=cleaned.reason,
                last_fetched=at,
                body_hash=resp.body_hash,
                etag=resp.etag,
                last_modified=resp.last_modified,
                item_date=item_date,
            )
            self.on_event("rejected", src.name, task.url, cleaned.reason)
            return
        self._store_article(task, resp, cleaned, item_date)

    def _store_article(self, task: _Task, resp: Response, article: Article, item_date: str | None) -> None:
        src, at = task.source, self.clock.datetime()
        prev = task.previous
        if prev is not None and prev.text_hash == article.text_hash:
            self.report.bump(src.name, "unchanged")  # new bytes (ads, timestamps), same article
            self.ws.update_url(
                task.url,
                last_fetched=at,
                etag=resp.etag,
                last_modified=resp.last_modified,
                body_hash=resp.body_hash,
                item_date=item_date,
            )
            return
        aliases = self._aliases(task, resp, article)
        if prev is None and self._is_alias_of_stored(task, aliases, article, at):
            return
        article = self.runner.annotate([article])[0]
        added = self.ws.store_version(
            NewVersion(
                article,
                task.url,
                task.request.origin,
                src.name,
                at,
                resp.etag,
                resp.last_modified,
                resp.body_hash,
                item_date,
                aliases,
            ),
            prev,
        )
        kind = "updated" if prev is not None and prev.article_id else "new"
        self.report.bump(src.name, kind if added.new else "unchanged")
        if added.new:
            if not self._unlinked:
                self._unlinked_since = time.perf_counter()
            self._unlinked.append(article)
        self.on_event(kind if added.new else "unchanged", src.name, task.url, article.title or "")

    def _aliases(self, task: _Task, resp: Response, article: Article) -> list[str]:
        """Other canonical URLs of this article: where the redirects ended, its rel=canonical."""
        found = []
        candidates = [resp.url]
        declared = declared_canonical(article.raw.decode("utf-8", "replace"), resp.url)
        # Only on the same site (a page cannot claim another's URL), and never the home page
        # (a common CMS misconfiguration gives every page the same rel=canonical "/").
        if (
            declared
            and urlsplit(declared).path.strip("/")
            and host_of(declared).removeprefix("www.") == host_of(resp.url).removeprefix("www.")
        ):
            candidates.append(declared)
        for cand in candidates:
            try:
                url = canonical_url(cand)
            except UnsupportedURL:
                continue
            if url != task.url and url not in found:
                found.append(url)
        return found

    def _is_alias_of_stored(self, task: _Task, aliases: list[str], article: Article, at) -> bool:
        """The page is an article already stored under another URL (same clean text): record
        the alias only. A different text under a shared rel=canonical is its own article."""
        if not aliases:
            return False
        states = self.ws.url_states(aliases)
        targets = self.ws.url_states(st.alias_of for st in states.values() if st.alias_of)
        for alias in aliases:
            st = states.get(alias)
            if st is not None and st.alias_of:
                st = targets.get(st.alias_of)
            if st is not None and st.status == "stored" and st.text_hash == article.text_hash:
                target = st.url
                self.ws.add_alias(task.url, task.request.origin, target, task.source.name, at)
                self.report.bump(task.source.name, "unchanged")
                self.on_event("alias", task.source.name, task.url, target)
                return True
        return False
