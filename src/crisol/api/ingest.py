"""Ingestion for the API: posted bytes go through the CLI's readers and stages, in one worker.

A posted body or an uploaded file becomes an :class:`~crisol.read.InputFile` (named by the
upload's file name, or ``request body``), so the format is sniffed and every record read,
cleaned and annotated exactly as ``crisol ingest`` would: the same rejections, with the same
places ("item 2", "line 5") and reasons.

All writes run on one worker thread, one input at a time, each in one short transaction: reads
keep their own connections (SQLite WAL readers never wait for the writer), and the event loop is
never blocked by the analysis. The worker also keeps the search index up to date
(:func:`crisol.store.search.catch_up`) for articles stored by other paths.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import OperationalError

from crisol.model import Article, Rejection
from crisol.pipeline import IngestReport, Stages, default_stages, prepare
from crisol.read import InputFile, read_input
from crisol.store import Store
from crisol.store import search as fts

log = logging.getLogger(__name__)

CATCH_UP_EVERY = 5.0  # seconds between two look-ups of articles stored without being indexed


@dataclass
class IngestOutcome:
    """What happened to one posted input: stored articles (new or not) and rejections."""

    source: str
    articles: list[dict[str, Any]] = field(default_factory=list)  # id, new, copy_of, title
    rejected: list[Rejection] = field(default_factory=list)
    report: IngestReport = field(default_factory=IngestReport)

    @property
    def new(self) -> int:
        return sum(1 for a in self.articles if a["new"])


@dataclass
class Job:
    """An ingest running in the background, for ``POST ...?background=true``."""

    id: str
    source: str
    submitted: datetime
    future: Future

    @property
    def status(self) -> str:
        if not self.future.done():
            return "running" if self.future.running() else "queued"
        return "failed" if self.future.exception() else "done"


class Ingestor:
    """The single writer of an API process: ingests inputs and keeps the search index current."""

    def __init__(self, store: Store, *, analyze: bool = True, stages: Stages | None = None):
        self.store = store
        self.analyze = analyze
        self._stages = stages
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crisol-ingest")
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._last_catch_up = 0.0
        self._catching_up = threading.Lock()
        # ":memory:" stores (doctests, quick trials) share one connection between all threads.
        self._in_memory = store.engine.url.get_backend_name() == "sqlite" and store.engine.url.database in (
            None, "", ":memory:")  # fmt: skip

    @property
    def stages(self) -> Stages:
        if self._stages is None:  # loading the annotator is slow: only when first needed
            self._stages = default_stages(self.analyze)
        return self._stages

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    # ---- ingesting ---------------------------------------------------------------------------

    def submit(self, source: str, data: bytes) -> Future:
        """Queue one input; the future gives its :class:`IngestOutcome`."""
        return self._executor.submit(self.ingest, source, data)

    def submit_job(self, source: str, data: bytes) -> Job:
        job = Job(str(next(self._ids)), source, datetime.now(timezone.utc), self.submit(source, data))
        self._jobs[job.id] = job
        return job

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def ingest(self, source: str, data: bytes) -> IngestOutcome:
        """Read, clean, annotate, store and index one input (on the worker thread)."""
        started = time.perf_counter()
        outcome = IngestOutcome(source, report=IngestReport(inputs=1, analyzed=self.analyze))
        articles = self._prepare(InputFile(source=source, path=None, data=data, size=len(data)), outcome)
        run_id = self.store.start_run()
        outcome.report.run_id = run_id
        with self.store.transaction():
            added = self.store.add_articles(articles)
            fts.index_articles(self.store, [a for a, ad in zip(articles, added) if ad.new])
            self.store.add_rejections(run_id, outcome.rejected)
        for article, ad in zip(articles, added):
            outcome.articles.append({"id": ad.id, "new": ad.new, "copy_of": ad.copy_of, "title": article.title})
            outcome.report.new += ad.new
            outcome.report.duplicate += not ad.new
            outcome.report.copies += bool(ad.new and ad.copy_of)
        outcome.report.rejected = outcome.rejected
        if self.analyze and outcome.new:
            outcome.report.linked = self._link()
        outcome.report.elapsed = time.perf_counter() - started
        self.store.finish_run(run_id, outcome.report.counts())
        if outcome.new:
            # a server runs for weeks: refresh SQLite's planner statistics as the store grows,
            # not only when it closes (two small queries when they are still fresh)
            try:
                self.store.optimize()
            except OperationalError:  # another writer holds the store: the next ingest does it
                pass
        return outcome

    def _link(self) -> dict[str, Any] | None:
        """Place the new articles into stories, as ``crisol ingest`` does after analysing."""
        try:
            from crisol.link.service import link_stored
        except ImportError:  # the link stage is optional: articles are stored all the same
            return None
        report = link_stored(self.store)
        return report.to_dict() if hasattr(report, "to_dict") else None

    def _prepare(self, inp: InputFile, outcome: IngestOutcome) -> list[Article]:
        articles: list[Article] = []
        for got in read_input(inp):
            if isinstance(got, Rejection):
                outcome.rejected.append(got)
                continue
            outcome.report.read += 1
            prepared = prepare(got, self.stages)
            if isinstance(prepared, Rejection):
                outcome.rejected.append(prepared)
            else:
                articles.append(prepared)
        return articles

    # ---- search index ------------------------------------------------------------------------

    def catch_up_soon(self) -> None:
        """Index, on the worker, what other paths stored; at most every few seconds."""
        if self._in_memory:
            return  # one shared connection: a second thread would interleave its transactions
        now = time.monotonic()
        if now - self._last_catch_up < CATCH_UP_EVERY or not self._catching_up.acquire(blocking=False):
            return
        self._last_catch_up = now
        future = self._executor.submit(fts.catch_up, self.store)
        future.add_done_callback(self._caught_up)

    def _caught_up(self, future: Future) -> None:
        self._catching_up.release()
        if future.exception() is not None:
            log.error("search index catch-up failed: %s", future.exception())
