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

from crisol.errors import StoreBusy
from crisol.model import Rejection
from crisol.read import InputFile
from crisol.service.runner import IngestReport, Runner, Stages, default_stages
from crisol.store import Store
from crisol.store import search as fts

log = logging.getLogger(__name__)

CATCH_UP_EVERY = 5.0  # seconds between two look-ups of articles stored without being indexed
# Inputs waiting for (or in) the worker, posted ones and background jobs alike: each holds its
# bytes (up to the body limit) until its turn, so the queue is what bounds the memory they take.
MAX_QUEUED = 8
KEPT_JOBS = 256  # finished background jobs remembered for polling (the oldest are forgotten)
RETRY_AFTER = 5  # seconds a client told "the queue is full" should wait before trying again


class QueueFull(Exception):
    """The worker has :data:`MAX_QUEUED` inputs waiting: the client should retry later."""

    def __init__(self, queued: int):
        self.queued = queued
        super().__init__(
            f"{queued} inputs are already waiting to be ingested (the limit); retry in {RETRY_AFTER} s"
        )


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

    def __init__(
        self,
        store: Store,
        *,
        analyze: bool = True,
        stages: Stages | None = None,
        max_queued: int = MAX_QUEUED,
    ):
        self.store = store
        self.max_queued = max_queued
        self._queued = 0
        self._queue_lock = threading.Lock()
        self.analyze = analyze
        self._stages = stages
        self._runner: Runner | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crisol-ingest")
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._last_catch_up = 0.0
        self._catching_up = threading.Lock()
        # ":memory:" stores (doctests, quick trials) share one connection between all threads.
        self._in_memory = store.engine.url.get_backend_name() == "sqlite" and store.engine.url.database in (
            None,
            "",
            ":memory:",
        )

    @property
    def stages(self) -> Stages:
        if self._stages is None:  # loading the annotator is slow: only when first needed
            self._stages = default_stages(self.analyze)
        return self._stages

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._closed = True

    def open(self) -> None:
        """A worker again after :meth:`close` (an application started a second time, as test
        clients do): the closed one takes no work."""
        if getattr(self, "_closed", False):
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crisol-ingest")
            self._closed = False

    # ---- ingesting ---------------------------------------------------------------------------

    @property
    def queued(self) -> int:
        """Inputs submitted and not finished (the one being ingested included)."""
        return self._queued

    def submit(self, source: str, data: bytes) -> Future:
        """Queue one input; the future gives its :class:`IngestOutcome`. Raises
        :class:`QueueFull` when :attr:`max_queued` inputs are already waiting."""
        with self._queue_lock:
            if self._queued >= self.max_queued:
                raise QueueFull(self._queued)
            self._queued += 1
        try:
            future = self._executor.submit(self.ingest, source, data)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future | None) -> None:
        with self._queue_lock:
            self._queued -= 1

    def submit_job(self, source: str, data: bytes) -> Job:
        job = Job(str(next(self._ids)), source, datetime.now(timezone.utc), self.submit(source, data))
        self._jobs[job.id] = job
        if len(self._jobs) > KEPT_JOBS:  # forget the oldest finished jobs; never a waiting one
            for old in [k for k, j in self._jobs.items() if j.future.done()][: len(self._jobs) - KEPT_JOBS]:
                del self._jobs[old]
        return job

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    @property
    def runner(self) -> Runner:
        """The process's one ingest path (kept: its linker state loads once, not per request)."""
        if self._runner is None:
            self._runner = Runner(self.store, self.stages, analyze=self.analyze)
        return self._runner

    def ingest(self, source: str, data: bytes) -> IngestOutcome:
        """Read, clean, annotate, store, link and index one input (on the worker thread), through
        the same :class:`~crisol.service.runner.Runner` as ``crisol ingest``."""
        report = self.runner.run_input(InputFile(source=source, path=None, data=data, size=len(data)))
        outcome = IngestOutcome(
            source, articles=list(report.articles), rejected=list(report.rejected), report=report
        )
        if outcome.new:
            # a server runs for weeks: refresh SQLite's planner statistics as the store grows,
            # not only when it closes (two small queries when they are still fresh)
            try:
                self.store.optimize()
            except StoreBusy:  # another writer holds the store: the next ingest does it
                pass
        return outcome

    # ---- search index ------------------------------------------------------------------------

    def catch_up_soon(self) -> None:
        """Index, on the worker, what other paths stored; at most every few seconds."""
        if self._in_memory:
            return  # one shared connection: a second thread would interleave its transactions
        now = time.monotonic()
        if now - self._last_catch_up < CATCH_UP_EVERY or not self._catching_up.acquire(blocking=False):
            return
        self._last_catch_up = now
        # The first time (the server starting): the runner's own start, which also links what a
        # killed ingest stored but did not link; then the search index's catch-up.
        first = self._runner is None or not self._runner.started
        future = self._executor.submit(self._start if first else fts.catch_up, self.store)
        future.add_done_callback(self._caught_up)

    def _start(self, store: Store) -> None:
        self.runner.start()

    def _caught_up(self, future: Future) -> None:
        self._catching_up.release()
        if future.exception() is not None:
            log.error("search index catch-up failed: %s", future.exception())
