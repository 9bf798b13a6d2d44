"""The one ingest path: read → clean → annotate → store → link → index, in batches that
survive being killed. ``crisol ingest``, the REST API and ``crisol watch`` all go through a
:class:`Runner`, so an article arriving by any door ends up stored, in a story and in search.

Per batch (:data:`BATCH_SIZE` articles, as a monitor receives them): the articles read and
cleaned so far are annotated together (spaCy parses them in one ``nlp.pipe``), stored in one
transaction, linked (the runner keeps one :class:`~crisol.service.linking.Linker` for its life, so
its state is loaded once, not per batch), and indexed for search: new articles, and only the
stories and entities the batch changed. Story views are presented lazily, when a story is first
read after it changed, and stored then (``crisol.service.views.stored_story_view``): a monitor fed
all day touches far more stories than anyone reads, and presenting a story costs more the larger
it is, so presenting at ingest would make each article dearer as its story grows.

Resume: an input is recorded as done only in a transaction at or after the one holding its last
article, so a run killed at any point (even with SIGKILL) and started again skips the finished
inputs, re-reads the unfinished ones, recognises the articles already stored by their id, and
ends with every article exactly once. A run starts by linking what a killed run stored but did
not link, and the search index catches up on anything stored but not indexed. Rejections, from
readers or from the cleaner, are kept with their input and place, recorded in the store, and the
run goes on.

Every phase is timed (:class:`Phases`: count, CPU and wall seconds), so progress and the closing
summary can say where the time went; the headline rate is end to end.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Protocol

from crisol.errors import InputRejected, UnknownLanguage
from crisol.model import Article, RawArticle, Rejection
from crisol.service.outlets import note_media_types
from crisol.store import Database, InputRecord
from crisol.store import search as fts
from crisol.store.search import catch_up

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
    # a batch at once (one spaCy pipe): each outcome the article or the exception it raised
    annotate_many: Callable[[list[Article]], list[Article | Exception]] | None = None

    def annotate_batch(self, articles: list[Article]) -> list[Article | Exception]:
        if self.annotate_many is not None:
            return self.annotate_many(articles)
        out: list[Article | Exception] = []
        for a in articles:
            try:
                out.append(self.annotate(a))  # type: ignore[misc]
            except Exception as e:  # noqa: BLE001 - recorded on the article by the runner
                out.append(e)
        return out


def default_stages(analyze: bool = True) -> Stages:
    """crisol's own readers, cleaner and (when ``analyze`` and available) annotator."""
    from crisol.clean import clean  # lazy: trafilatura, the language detectors
    from crisol.read import expand, read_input  # lazy: the readers bring feedparser and warcio

    annotate = find_annotator() if analyze else None
    many = None
    if annotate is not None:
        import crisol.annotate  # lazy: spaCy, ~0.8 s

        many = getattr(crisol.annotate, "annotate_many", None)
    return Stages(expand=expand, read_input=read_input, clean=clean, annotate=annotate, annotate_many=many)


def find_annotator() -> Callable[[Article], Article] | None:
    """``crisol.annotate.annotate`` if that stage is installed; None skips annotation."""
    import crisol.annotate  # lazy: spaCy, ~0.8 s

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
    cpu: float = 0.0  # CPU seconds of the process during the run (every thread)
    phases: "Phases" = field(default_factory=lambda: Phases())
    phase: str = ""  # the phase running now (progress displays)
    in_phase: int = 0  # articles done so far by the phase running now, in its current batch
    articles: list[dict[str, Any]] = field(default_factory=list)  # per stored article, when kept

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rate(self) -> float:
        """Articles read per second of wall time, end to end (every phase counted)."""
        return self.read / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def cpu_rate(self) -> float:
        """Articles read per CPU-second of the process, end to end."""
        return self.read / self.cpu if self.cpu > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "inputs_skipped": self.inputs_skipped,
            "read": self.read,
            "new": self.new,
            "duplicate": self.duplicate,
            "copies": self.copies,
            "rejected": len(self.rejected),
            "elapsed": round(self.elapsed, 3),
            "cpu": round(self.cpu, 3),
            "analyzed": self.analyzed,
            "linked": self.linked,
            "phases": self.phases.to_dict(),
        }


# ---- phases ----------------------------------------------------------------------------------

# The phases of a run, in the order an article goes through them.
PHASES = ("read and clean", "annotate", "store", "link", "index")


@dataclass
class PhaseStat:
    items: int = 0  # articles the phase handled
    cpu: float = 0.0  # CPU seconds of the process (all threads) spent in it
    wall: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        rate = self.items / self.cpu if self.cpu > 0 else None
        return {
            "items": self.items,
            "cpu": round(self.cpu, 3),
            "wall": round(self.wall, 3),
            "per_cpu_second": round(rate, 1) if rate else None,
        }


@dataclass
class Phases:
    """Count, CPU and wall time per phase; ``with phases.timed("link", n):`` adds to one. A
    phase timed inside another (a batch flushed while reading) counts for itself only: the
    outer one is charged its own time, the inner one's excluded."""

    stats: dict[str, PhaseStat] = field(default_factory=lambda: {p: PhaseStat() for p in PHASES})
    _inner: list[list[float]] = field(default_factory=list, repr=False)  # per open phase: [cpu, wall] inside

    @contextmanager
    def timed(self, name: str, items: int = 0) -> Iterator[None]:
        cpu, wall = time.process_time(), time.perf_counter()
        self._inner.append([0.0, 0.0])
        try:
            yield
        finally:
            inner_cpu, inner_wall = self._inner.pop()
            spent_cpu, spent_wall = time.process_time() - cpu, time.perf_counter() - wall
            stat = self.stats.setdefault(name, PhaseStat())
            stat.items += items
            stat.cpu += spent_cpu - inner_cpu
            stat.wall += spent_wall - inner_wall
            if self._inner:
                self._inner[-1][0] += spent_cpu
                self._inner[-1][1] += spent_wall

    def __getitem__(self, name: str) -> PhaseStat:
        return self.stats.setdefault(name, PhaseStat())

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {name: stat.to_dict() for name, stat in self.stats.items()}


# ---- one article -----------------------------------------------------------------------------


def _rejection(raw: RawArticle, e: Exception) -> Rejection:
    if isinstance(e, InputRejected):
        return Rejection(source=e.source or raw.source, reason=e.reason, location=e.location or raw.location)
    # A bug in a stage must not sink a long batch job, but it is labelled, not hidden.
    log.exception("unexpected error on %s", raw.where)
    return Rejection(raw.source, f"unexpected error: {type(e).__name__}: {e}", raw.location)


def _annotate(article: Article, annotate: Callable[[Article], Article]) -> Article:
    try:
        return annotate(article)
    except Exception as e:  # noqa: BLE001 - recorded on the article
        return _annotation_failed(article, e)


def _annotation_failed(article: Article, e: Exception) -> Article:
    """The article, still worth storing, with why it has no analysis."""
    if isinstance(e, UnknownLanguage):
        article.analysis = f"none: {e}"
    else:
        log.error("annotation failed on %s: %s: %s", article.id, type(e).__name__, e, exc_info=e)
        article.analysis = f"failed: {type(e).__name__}: {e}"
    return article


def prepare(raw: RawArticle, stages: Stages, now: datetime | None = None) -> Article | Rejection:
    """Clean (and annotate) one raw article; a rejection instead when it holds no article."""
    article = cleaned(raw, stages, now)
    if stages.annotate is not None and isinstance(article, Article):
        article = _annotate(article, stages.annotate)
    return article


def cleaned(raw: RawArticle, stages: Stages, now: datetime | None = None) -> Article | Rejection:
    """Clean one raw article; the rejection saying why when it holds no article. What every
    ingest does per record (and ``crisol batch``, so the two cannot drift)."""
    try:
        return stages.clean(raw, now=now)
    except Exception as e:
        return _rejection(raw, e)


def annotated(articles: list[Article], stages: Stages) -> list[Article]:
    """A batch annotated together (one spaCy pipe); an article whose annotation failed is kept,
    saying why in ``analysis``. What every ingest does per batch (and ``crisol batch``)."""
    if stages.annotate is None or not articles:
        return articles
    outcomes = stages.annotate_batch(articles)
    return [o if isinstance(o, Article) else _annotation_failed(a, o) for a, o in zip(articles, outcomes)]


# ---- a whole run -----------------------------------------------------------------------------


# Inputs are looked up in the store (finished before?) this many at a time, not one by one.
LOOKAHEAD = 64
# Articles per batch: annotated together, stored in one transaction, then linked and indexed.
BATCH_SIZE = 100


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), consumed lazily."""
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


class Runner:
    """The one ingest path, kept for the life of a process (a CLI run, a server, a watcher).

    ``run(paths)`` ingests files and folders (``crisol ingest``); ``run_input(item)`` one input
    already in memory (a posted body, an upload); a caller that stores articles with its own
    bookkeeping (``crisol watch``: the URL's state in the same transaction) uses ``annotate``
    and ``follow_up(articles)``, which links and indexes what was stored. ``link`` (default:
    when analysing) places articles into stories.
    """

    def __init__(
        self,
        store: Database,
        stages: Stages | None = None,
        *,
        analyze: bool = True,
        batch_size: int = BATCH_SIZE,
        link: bool | None = None,
        now: datetime | None = None,
        on_progress: Callable[[IngestReport], None] | None = None,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1; got {batch_size}")
        self.store, self.batch_size, self.now = store, batch_size, now
        self.stages = stages or default_stages(analyze)
        self.link = (self.stages.annotate is not None) if link is None else link
        self.on_progress = on_progress or (lambda report: None)
        self._linker = None
        self._started = False
        self._keep = False  # list each article read in the report (run_input)
        self._batch = _Batch()
        self.report = IngestReport()
        self._cpu0, self._wall0 = time.process_time(), time.perf_counter()

    # ---- the run's frame ------------------------------------------------------------------
    def _begin(self) -> IngestReport:
        self.report = IngestReport(analyzed=self.stages.annotate is not None)
        self._cpu0, self._wall0 = time.process_time(), time.perf_counter()
        self.report.run_id = self.store.start_run()
        self.start()
        return self.report

    @property
    def started(self) -> bool:
        """Whether :meth:`start` has run in this process."""
        return self._started

    def start(self) -> None:
        """Once per process: link what a killed run stored but did not link, and index what it
        did not index (a watcher calls it before its first poll)."""
        if self._started:
            return
        self._started = True
        if self.link:
            with self.report.phases.timed("link"):
                left = self.linker.link_pending()
                self.report.phases["link"].items += left.linked
                if left.linked:
                    self._merge_link_report(left)
        with self.report.phases.timed("index"):
            catch_up(self.store)

    def _end(self) -> IngestReport:
        self.tick()
        self.store.finish_run(self.report.run_id, self.report.counts())
        return self.report

    def tick(self, phase: str | None = None) -> None:
        if phase is not None:
            self.report.phase = phase
        self.report.elapsed = time.perf_counter() - self._wall0
        self.report.cpu = time.process_time() - self._cpu0
        self.on_progress(self.report)

    @property
    def linker(self):
        if self._linker is None:
            from crisol.service.linking import Linker  # lazy: numpy, usearch, the embedders

            self._linker = Linker(self.store, views=False)  # views: presented when first read
        return self._linker

    # ---- doors ----------------------------------------------------------------------------
    def run(self, paths: Iterable[str]) -> IngestReport:
        """Read, clean, annotate, store, link and index every article under ``paths``."""
        self._begin()
        self._batch = _Batch()
        try:
            self.tick("read and clean")
            for items in chunked(self.stages.expand(paths), LOOKAHEAD):
                self._take_inputs(items)
        finally:
            # Also on Ctrl-C: what is complete is kept; unfinished inputs stay unmarked.
            self._flush()
            self._end()
        return self.report

    def run_input(self, item: Any, keep: bool = True) -> IngestReport:
        """One input in memory (``InputFile``: a posted body, an uploaded file). With ``keep``,
        ``report.articles`` lists every article read: id, new, copy_of, title."""
        self._begin()
        self._batch = _Batch()
        self._keep = keep
        try:
            self._take_input(item, skip=False, known=set(), record=False)
        finally:
            self._flush()
            self._keep = False
            self._end()
        return self.report

    def annotate(self, articles: list[Article]) -> list[Article]:
        """The annotate phase alone (a watcher prepares each page itself)."""
        if self.stages.annotate is None or not articles:
            return articles
        with self.report.phases.timed("annotate", len(articles)):
            return annotated(articles, self.stages)

    def follow_up(self, articles: list[Article]) -> None:
        """Link and index articles just stored (new ones: a repeated one changes nothing)."""

        was_in_step = fts.in_step(self.store)
        stories: set[str] = set()
        entities: set[str] = set()
        if self.link and articles:
            self.tick("link")

            def linked_some(n: int) -> None:  # the display moves while a batch is linked
                self.report.in_phase += n
                self.tick()

            with self.report.phases.timed("link", len(articles)):
                linked = self.linker.link_articles(articles, on_progress=linked_some)
            self.report.in_phase = 0
            stories, entities = linked.stories_touched, linked.entities_touched
            self._merge_link_report(linked)
        self.tick("index")
        with self.report.phases.timed("index", len(articles)):
            fts.index_changes(self.store, articles, stories, entities, was_in_step)

    def _merge_link_report(self, linked) -> None:
        into = self.report.linked or {
            "linked": 0,
            "stories_created": 0,
            "stories_merged": 0,
            "stories_split": 0,
            "relations": {},
            "views": 0,
            "views_seconds": 0.0,
        }
        d = linked.to_dict()
        for key in ("linked", "stories_created", "stories_merged", "stories_split"):
            into[key] += d[key]
        for kind, n in d["relations"].items():
            into["relations"][kind] = into["relations"].get(kind, 0) + n
        self.report.linked = into

    # ---- steps ----------------------------------------------------------------------------
    def _reject(self, rejection: Rejection, record: InputRecord | None = None) -> None:
        self.report.rejected.append(rejection)
        self._batch.rejections.append(rejection)
        if record is not None:
            record.rejected += 1

    def _take_inputs(self, items: list[_Input | Rejection]) -> None:
        """A chunk of what ``expand`` yielded; finished inputs are looked up in one query."""
        done = self.store.done_inputs(i.fingerprint for i in items if not isinstance(i, Rejection))
        for item in items:
            if isinstance(item, Rejection):
                self._reject(item)
            else:
                skip = item.fingerprint in done
                # Articles an interrupted run stored from this input: recognised without
                # cleaning them again (one query per input; usually it finds nothing).
                known = set() if skip else self.store.ids_from_source(item.source)
                self._take_input(item, skip=skip, known=known)
            self.tick()

    def _take_input(self, item: _Input, skip: bool, known: set[str], record: bool = True) -> None:
        self.report.inputs += 1
        if skip:
            self.report.inputs_skipped += 1
            return
        rec = InputRecord(item.fingerprint, item.source)
        with self.report.phases.timed("read and clean"):  # the batches flushed inside time themselves
            for got in self.stages.read_input(item):
                if isinstance(got, Rejection):
                    self._reject(got, rec)
                else:
                    self._take_raw(got, rec, known=got.id in known)
                if len(self._batch) >= self.batch_size:
                    self._flush()
                self.tick()
        rec.status = "done" if not rec.rejected else ("partial" if rec.articles else "rejected")
        if record:  # marked in the batch holding (or following) its last article: never before
            self._batch.finished.append(rec)

    def _take_raw(self, raw: RawArticle, record: InputRecord, known: bool) -> None:
        self.report.read += 1
        record.articles += 1
        self.report.phases["read and clean"].items += 1
        if known:  # stored by an earlier, interrupted run: no need to clean it again
            self.report.duplicate += 1
            if self._keep:
                existing = self.store.get_article(raw.id)
                self.report.articles.append(
                    {
                        "id": raw.id,
                        "new": False,
                        "title": existing.title if existing else None,
                        "copy_of": existing.copy_of if existing else None,
                    }
                )
            return
        article = cleaned(raw, self.stages, self.now)
        if isinstance(article, Rejection):
            record.articles -= 1
            self._reject(article, record)
            return
        self._batch.articles.append(article)

    def _flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        if not (batch.articles or batch.rejections or batch.finished):
            return
        self.tick("annotate")
        articles = self.annotate(batch.articles)
        self.tick("store")
        with self.report.phases.timed("store", len(articles)):
            with self.store.transaction():
                added = self.store.add_articles(articles)
                note_media_types(self.store, {a.outlet for a in articles})  # a wire agency's outlet
                self.store.mark_inputs_done(batch.finished)
                self.store.add_rejections(self.report.run_id, batch.rejections)
        fresh = []
        for article, a in zip(articles, added):
            self.report.new += a.new
            self.report.duplicate += not a.new
            self.report.copies += a.new and a.copy_of is not None
            if a.new:
                fresh.append(article)
            if self._keep:
                self.report.articles.append(
                    {"id": a.id, "new": a.new, "copy_of": a.copy_of, "title": article.title}
                )
        self.follow_up(fresh)
        self.tick("read and clean")


def ingest(
    paths: Iterable[str],
    store: Database,
    *,
    batch_size: int = BATCH_SIZE,
    analyze: bool = True,
    on_progress: Callable[[IngestReport], None] | None = None,
    now: datetime | None = None,
    stages: Stages | None = None,
    link: bool | None = None,
) -> IngestReport:
    """Read, clean, annotate, store, link and index every article under ``paths`` (one
    :class:`Runner` run); returns the report.

    ``on_progress(report)`` is called after each article, input and phase. ``now`` is the
    reference time for the cleaner (fetch dates). Inputs finished by an earlier run are skipped.
    ``link`` (default: when analysing) places the stored articles into stories; a run also
    picks up articles a killed run stored but did not link.
    """
    runner = Runner(
        store, stages, analyze=analyze, batch_size=batch_size, link=link, now=now, on_progress=on_progress
    )
    return runner.run(paths)
