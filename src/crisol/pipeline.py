"""Wiring the stages: read → clean → annotate → store, in batches that survive being killed.

:func:`ingest` streams inputs through the stages and commits one transaction per batch. An input
is recorded as done only in a transaction at or after the one holding its last article, so a run
killed at any point (even with SIGKILL) and started again skips the finished inputs, re-reads the
unfinished ones, recognises the articles already stored by their id, and ends with every article
exactly once. Rejections, from readers or from the cleaner, are kept with their input and place,
recorded in the store, and the run goes on.

:func:`process_raw` runs one :class:`RawArticle` through the same stages (for the REST API).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Protocol

from crisol.errors import InputRejected, UnknownLanguage
from crisol.model import Article, RawArticle, Rejection
from crisol.store import Added, InputRecord, Store

log = logging.getLogger(__name__)


class _Input(Protocol):
    source: str

    @property
    def fingerprint(self) -> str: ...


@dataclass
class Stages:
    """The stage functions a pipeline calls; tests swap in their own."""

    expand: Callable[[Iterable[str]], Iterator[Any]]
    read_input: Callable[[Any], Iterator[RawArticle | Rejection]]
    clean: Callable[..., Article]
    annotate: Callable[[Article], Article] | None = None


def default_stages(analyze: bool = True) -> Stages:
    """crisol's own readers, cleaner and (when ``analyze`` and available) annotator."""
    from crisol.clean import clean
    from crisol.read import expand, read_input

    return Stages(expand=expand, read_input=read_input, clean=clean,
                  annotate=find_annotator() if analyze else None)  # fmt: skip


def find_annotator() -> Callable[[Article], Article] | None:
    """``crisol.annotate.annotate`` if that stage is installed; None skips annotation."""
    import crisol.annotate

    return getattr(crisol.annotate, "annotate", None)


@dataclass
class IngestReport:
    """What a run did: counts, every rejection with its place, and how long it took."""

    inputs: int = 0  # inputs found (files, stdin)
    inputs_skipped: int = 0  # already finished by an earlier run
    read: int = 0  # articles (records) read from the inputs processed
    new: int = 0  # stored for the first time
    duplicate: int = 0  # already stored (same id: same bytes from the same place)
    copies: int = 0  # new, but the same clean text as an article stored earlier
    rejected: list[Rejection] = field(default_factory=list)
    elapsed: float = 0.0  # seconds
    run_id: int | None = None
    analyzed: bool = False  # whether the annotate stage ran
    linked: dict[str, Any] | None = None  # what the link stage did (stories, relations)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rate(self) -> float:
        """Articles read per second of wall time."""
        return self.read / self.elapsed if self.elapsed > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs, "inputs_skipped": self.inputs_skipped, "read": self.read,
            "new": self.new, "duplicate": self.duplicate, "copies": self.copies,
            "rejected": len(self.rejected), "elapsed": round(self.elapsed, 3),
            "analyzed": self.analyzed, "linked": self.linked,
        }  # fmt: skip


# ---- one article -----------------------------------------------------------------------------


def _rejection(raw: RawArticle, e: Exception) -> Rejection:
    if isinstance(e, InputRejected):
        return Rejection(source=e.source or raw.source, reason=e.reason,
                         location=e.location or raw.location)  # fmt: skip
    # A bug in a stage must not sink a long batch job, but it is labelled, not hidden.
    log.exception("unexpected error on %s", raw.where)
    return Rejection(raw.source, f"unexpected error: {type(e).__name__}: {e}", raw.location)


def _annotate(article: Article, annotate: Callable[[Article], Article]) -> Article:
    try:
        return annotate(article)
    except UnknownLanguage as e:
        article.analysis = f"none: {e}"
    except Exception as e:  # the article is still worth storing, with the failure recorded
        log.exception("annotation failed on %s", article.id)
        article.analysis = f"failed: {type(e).__name__}: {e}"
    return article


def prepare(raw: RawArticle, stages: Stages, now: datetime | None = None) -> Article | Rejection:
    """Clean (and annotate) one raw article; a rejection instead when it holds no article."""
    try:
        article = stages.clean(raw, now=now)
    except Exception as e:
        return _rejection(raw, e)
    if stages.annotate is not None:
        article = _annotate(article, stages.annotate)
    return article


@dataclass
class Processed:
    """The outcome of :func:`process_raw`: an article and how it was stored, or a rejection."""

    article: Article | None
    added: Added | None = None
    rejection: Rejection | None = None


def process_raw(
    raw: RawArticle,
    store: Store,
    *,
    analyze: bool = True,
    now: datetime | None = None,
    stages: Stages | None = None,
) -> Processed:
    """Clean, annotate and store one article (what the REST API does with a posted one)."""
    stages = stages or default_stages(analyze)
    if store.known_ids([raw.id]):
        existing = store.get_article(raw.id)
        return Processed(existing, Added(raw.id, False, existing.copy_of if existing else None))
    outcome = prepare(raw, stages, now)
    if isinstance(outcome, Rejection):
        return Processed(None, rejection=outcome)
    return Processed(outcome, store.add_articles([outcome])[0])


# ---- a whole run -----------------------------------------------------------------------------


# Inputs are looked up in the store (finished before?) this many at a time, not one by one.
LOOKAHEAD = 64


def _chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class _Batch:
    articles: list[Article] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    finished: list[InputRecord] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.articles)


class _Run:
    """The state of one :func:`ingest` call; each method is one step of the loop."""

    def __init__(self, store: Store, stages: Stages, batch_size: int, now, on_progress):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1; got {batch_size}")
        self.store, self.stages, self.batch_size, self.now = store, stages, batch_size, now
        self.on_progress = on_progress or (lambda report: None)
        self.report = IngestReport(analyzed=stages.annotate is not None)
        self.batch = _Batch()
        self.started = time.perf_counter()

    def reject(self, rejection: Rejection, record: InputRecord | None = None) -> None:
        self.report.rejected.append(rejection)
        self.batch.rejections.append(rejection)
        if record is not None:
            record.rejected += 1

    def take_inputs(self, items: list[_Input | Rejection]) -> None:
        """A chunk of what ``expand`` yielded; finished inputs are looked up in one query."""
        done = self.store.done_inputs(i.fingerprint for i in items if not isinstance(i, Rejection))
        for item in items:
            if isinstance(item, Rejection):
                self.reject(item)
            else:
                self.take_input(item, skip=item.fingerprint in done)
            self.tick()

    def take_input(self, item: _Input, skip: bool) -> None:
        self.report.inputs += 1
        if skip:
            self.report.inputs_skipped += 1
            return
        record = InputRecord(item.fingerprint, item.source)
        # Articles an interrupted run stored from this input: recognised without cleaning them
        # again (one query per input; usually it finds nothing).
        known = self.store.ids_from_source(item.source)
        for got in self.stages.read_input(item):
            if isinstance(got, Rejection):
                self.reject(got, record)
            else:
                self.take_raw(got, record, known=got.id in known)
            self.tick()
        record.status = "done" if not record.rejected else ("partial" if record.articles else "rejected")
        # Marked in the batch holding (or following) its last article: never before it is stored.
        self.batch.finished.append(record)

    def take_raw(self, raw: RawArticle, record: InputRecord, known: bool) -> None:
        self.report.read += 1
        record.articles += 1
        # Stored by an earlier, interrupted run: no need to clean it again.
        if known:
            self.report.duplicate += 1
            return
        outcome = prepare(raw, self.stages, self.now)
        if isinstance(outcome, Rejection):
            record.articles -= 1
            self.reject(outcome, record)
            return
        self.batch.articles.append(outcome)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, _Batch()
        if not (batch.articles or batch.rejections or batch.finished):
            return
        with self.store.transaction():
            added = self.store.add_articles(batch.articles)
            self.store.mark_inputs_done(batch.finished)
            self.store.add_rejections(self.report.run_id, batch.rejections)
        for a in added:
            self.report.new += a.new
            self.report.duplicate += not a.new
            self.report.copies += a.new and a.copy_of is not None

    def tick(self) -> None:
        self.report.elapsed = time.perf_counter() - self.started
        self.on_progress(self.report)


def ingest(
    paths: Iterable[str],
    store: Store,
    *,
    batch_size: int = 200,
    analyze: bool = True,
    on_progress: Callable[[IngestReport], None] | None = None,
    now: datetime | None = None,
    stages: Stages | None = None,
    link: bool | None = None,
) -> IngestReport:
    """Read, clean, annotate, store and link every article under ``paths``; returns the report.

    ``on_progress(report)`` is called after each article and each input. ``now`` is the
    reference time for the cleaner (fetch dates). Inputs finished by an earlier run are skipped.
    ``link`` (default: when analysing) places the stored articles into stories afterwards; it
    also picks up articles a killed run stored but did not link.
    """
    run = _Run(store, stages or default_stages(analyze), batch_size, now, on_progress)
    run.report.run_id = store.start_run()
    try:
        for items in _chunked(run.stages.expand(paths), LOOKAHEAD):
            run.take_inputs(items)
    finally:
        # Also on Ctrl-C: what is complete is kept; unfinished inputs stay unmarked.
        run.flush()
        run.tick()
        store.finish_run(run.report.run_id, run.report.counts())
    if link if link is not None else analyze:
        from crisol.link.service import link_stored

        run.report.linked = link_stored(store).to_dict()
    from crisol.store.search import catch_up

    catch_up(store)  # the full-text index follows what was stored (and linked)
    return run.report
