"""A Parquet archive into a store, its stories linked language by language (``crisol link-archive``).

The articles of an archive written by ``crisol batch`` land in the store as ``crisol ingest``
stores them (rows, raw bytes, annotations, copies, registry entities, profiles, inputs and
rejections, search index), and the same :class:`~crisol.service.linking.Linker` places them into
stories, with the embeddings the archive carries (no embedder runs), in four steps:

1. **store** (this process, one pass): the archive a date partition at a time (undated first),
   in batches: stored, mentions linked to the one entity registry of every language ("Lavrov"
   and "Лавров" are one entity, as in ingest), profiles stored;
2. **chunks**: each language is linked by its own Linker reading its articles in publication
   order. A backfill can be cut into (language, period) chunks: a chunk first replays the
   :data:`~crisol.service.linking.WINDOW` before its first article (linked again in a scratch
   store, never stored twice) so its clusterer starts warm, then links its own articles. A chunk
   depends only on the archive and the store as step 1 left it, so chunks can run at once
   (processes, Ray tasks) and finish in any order;
3. **stitch** (this process, chunks in time order): a chunk's story holding articles it replayed
   continues the story those articles are in; when they are in two, the chunk's articles bridged
   them and they merge, as the clusterer merges the stories an article bridges. Its other
   stories are new;
4. **across languages**: stories in time order, each compared with the stories of other
   languages near it in time as the clusterer compares an article with a story (nearest centroids
   and shared names, the best score of the story's first and latest articles, the threshold
   across languages: what joins an article to a story in another language in ``crisol ingest``);
   a story that clears it joins the earlier one.

Chunks are stitched in one order whatever ran them, so the stories do not depend on the engine
or on how many workers it had.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import groupby
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from crisol.batch import schema
from crisol.batch.archive import Archive, Partition, partitions
from crisol.errors import CrisolError
from crisol.link.stories import MEMBERS, Story, StoryClusterer, StoryItem
from crisol.model import Article, Rejection, as_utc, time_key
from crisol.service.linking import WINDOW, Linker, article_profiles, stored_item, stored_profile
from crisol.service.runner import BATCH_SIZE, chunked
from crisol.store import Database, InputRecord, database_url, open_store
from crisol.store import search as fts

# Periods are counted from here, so where a chunk starts never depends on the data.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ENGINES = ("local", "ray")
RUN = "link_archive"  # what the store's run record says the run is


# ---- the archive, read in time order ----------------------------------------------------------


def _table(part: Partition, columns: list[str]) -> pa.Table:
    """Some columns of a partition's files (Parquet reads only those)."""
    return pa.concat_tables(
        [pq.read_table(f, columns=columns, schema=schema.FILE_SCHEMA) for f in part.files]
    )


def _rows(parts: Iterable[Partition]) -> Iterator[dict[str, Any]]:
    """Every row of the partitions, file by file, a row group at a time (bounded memory)."""
    for part in parts:
        for path in part.files:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_SIZE):
                for row in batch.to_pylist():
                    row["language"] = part.language
                    yield row


def _order(article: Article) -> tuple[bool, tuple[bool, datetime], tuple[str, int, str]]:
    """The linker's order: undated first, then by publication time; ties as ingest reads them."""
    return (
        article.published is not None,
        time_key(article.published),
        _read_order(article.source, article.location, article.id),
    )


_POSITION = re.compile(r"\d+")


def _read_order(source: str | None, location: str | None, article_id: str) -> tuple[str, int, str]:
    """Where ingest reads an article: its input (paths come sorted), then its place in it
    ("record 3", "line 12"). Ingest stores, and so links, articles published at the same time in
    that order, which decides which of two exact copies is the original.

    >>> sorted([("a.warc", "record 10"), ("a.warc", "record 9"), ("a.html", None)],
    ...        key=lambda r: _read_order(r[0], r[1], ""))
    [('a.html', None), ('a.warc', 'record 9'), ('a.warc', 'record 10')]
    """
    position = _POSITION.search(location or "")
    return source or "", int(position.group()) if position else 0, article_id


# ---- 1. store -------------------------------------------------------------------------------


@dataclass
class Phase:
    cpu: float = 0.0
    wall: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {"cpu": round(self.cpu, 3), "wall": round(self.wall, 3)}


@dataclass
class LinkArchiveReport:
    """What a run did: articles stored and linked, stories made and joined, where time went."""

    archive_articles: int = 0
    stored: int = 0  # new in the store
    already_stored: int = 0
    copies: int = 0
    inputs: int = 0  # inputs of the archive recorded as done in the store by this run
    rejections: int = 0  # their rejections copied into the store
    linked: int = 0
    chunks: list[dict[str, Any]] = field(default_factory=list)
    stories_created: int = 0
    continued: int = 0  # a chunk's stories that continue a story through the articles it replayed
    stitched: int = 0  # stories merged at chunk edges (a chunk's story continued two)
    across_languages: int = 0  # stories merged across languages
    relations: dict[str, int] = field(default_factory=dict)
    phases: dict[str, Phase] = field(
        default_factory=lambda: {p: Phase() for p in ("store", "link", "stitch", "across", "index")}
    )
    run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive_articles": self.archive_articles,
            "stored": self.stored,
            "already_stored": self.already_stored,
            "copies": self.copies,
            "inputs": self.inputs,
            "rejections": self.rejections,
            "linked": self.linked,
            "chunks": self.chunks,
            "stories_created": self.stories_created,
            "continued": self.continued,
            "stitched": self.stitched,
            "across_languages": self.across_languages,
            "relations": dict(self.relations),
            "phases": {k: v.to_dict() for k, v in self.phases.items()},
        }


class _Timed:
    def __init__(self, phase: Phase):
        self.phase = phase

    def __enter__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.phase.cpu += time.process_time() - self.cpu
        self.phase.wall += time.perf_counter() - self.wall


def store_archive(
    root: str | os.PathLike[str],
    store: Database,
    report: LinkArchiveReport,
    on_progress: Callable[[str], None] = lambda message: None,
) -> None:
    """Step 1: store the archive's articles not stored yet, link their mentions to the registry
    and store their profiles (with the archive's embeddings), in transactions of
    :data:`~crisol.service.runner.BATCH_SIZE`; then record its finished inputs and their
    rejections, as ingest records its own."""
    linker = Linker(store, views=False)  # its registry: every language's mentions, in one pass
    for date, group in groupby(partitions(root), key=lambda p: p.date):
        parts = list(group)
        ids = [i for p in parts for i in _table(p, ["id"]).column("id").to_pylist()]
        report.archive_articles += len(ids)
        known = store.known_ids(ids)
        report.already_stored += len(known)
        if len(known) == len(set(ids)):
            continue
        for rows in chunked((r for r in _rows(parts) if r["id"] not in known), BATCH_SIZE):
            _store_batch(store, linker, [schema.from_row(r) for r in rows], report)
        on_progress(f"stored {date}: {report.stored:,} articles so far")
    _record_inputs(root, store, report)


def _store_batch(
    store: Database, linker: Linker, rows: list[tuple[Article, Any]], report: LinkArchiveReport
) -> None:
    embeddings = {a.id: e for a, e in rows if e is not None}
    articles = sorted((a for a, _ in rows), key=_order)  # an exact copy's original: the earliest
    with store.transaction():
        added = store.add_articles(articles)
        fresh = [a for a, got in zip(articles, added) if got.new]
        linker.link_mentions(fresh)
        profiles = article_profiles(fresh, embeddings)
        store.links.save_profiles([stored_profile(a, p) for a, p in zip(fresh, profiles)])
    report.stored += len(fresh)
    report.copies += sum(1 for a in fresh if a.copy_of is not None)


def _record_inputs(root: str | os.PathLike[str], store: Database, report: LinkArchiveReport) -> None:
    """The archive's finished inputs as done in the store (``crisol ingest`` of the same file
    skips it), with the rejections the batch run kept for them, once."""
    archive = Archive(root)
    entries = list(archive.entries().values())
    done = store.done_inputs(e["fingerprint"] for e in entries)
    records = [
        InputRecord(e["fingerprint"], e["source"], e["articles"], e["rejected"], _status(e))
        for e in entries
        if e["fingerprint"] not in done
    ]
    sources = {r.source for r in records}
    rejections = [
        Rejection(r["source"], r["reason"], r["location"])
        for r in archive.rejections().to_pylist()
        if r["input"] in sources
    ]
    with store.transaction():
        store.mark_inputs_done(records)
        store.add_rejections(report.run_id, rejections)
    report.inputs, report.rejections = len(records), len(rejections)


def _status(entry: dict[str, Any]) -> str:
    if not entry["rejected"]:
        return "done"
    return "partial" if entry["articles"] else "rejected"


# ---- 2. chunks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """A language's articles of one period that are not in a story yet (its own), linked after
    replaying the window before the first of them."""

    language: str
    period: int | None  # periods since EPOCH; None: the language's articles in one chunk
    own: tuple[str, ...]
    first: datetime | None = None  # the own articles' publication span (undated ones aside)
    last: datetime | None = None


@dataclass
class ChunkResult:
    chunk: Chunk
    own: list[tuple[str, datetime | None, str | None]]  # (id, published, title) in link order
    replayed: int
    stories: dict[str, str]  # every article linked (own and replayed) -> the chunk's story id
    scores: dict[str, float]  # own article -> the score it joined with
    relations: list[dict[str, Any]]  # found while linking the own articles
    cpu: float = 0.0
    wall: float = 0.0
    worker: str = ""


def plan(root: str | os.PathLike[str], store: Database, period: timedelta | None = None) -> list[Chunk]:
    """The chunks: per language, the archive's articles not in a story yet, by ``period`` (one
    chunk per language without one); a language's undated ones go to its first chunk."""
    pending: dict[str, list[tuple[str, datetime | None]]] = {}
    for part in partitions(root):
        table = _table(part, ["id", "published"])
        rows = [
            (i, as_utc(t))
            for i, t in zip(table.column("id").to_pylist(), table.column("published").to_pylist())
        ]
        linked = store.links.memberships(i for i, _ in rows)
        pending.setdefault(part.language, []).extend(r for r in rows if r[0] not in linked)
    chunks = []
    for language, rows in sorted((lang, rows) for lang, rows in pending.items() if rows):
        undated = [i for i, t in rows if t is None]
        by_period: dict[int | None, list[tuple[str, datetime]]] = {}
        for article_id, published in rows:
            if published is not None:
                key = None if period is None else int((published - EPOCH) // period)
                by_period.setdefault(key, []).append((article_id, published))
        for n, key in enumerate(sorted(by_period) or [None]):
            dated = by_period.get(key, [])
            own = [i for i, _ in dated] + (undated if n == 0 else [])
            times = [t for _, t in dated]
            chunks.append(
                Chunk(language, key, tuple(sorted(own)), min(times, default=None), max(times, default=None))
            )
    return chunks


def _chunk_rows(root: str | os.PathLike[str], chunk: Chunk) -> list[tuple[str, datetime | None, bool]]:
    """(id, published, own) of the articles the chunk links, in the order it links them: its
    undated ones, then from :data:`WINDOW` before its first dated one to its last (only the
    partitions of those days are read)."""
    own = set(chunk.own)
    since = chunk.first - WINDOW if chunk.first else None
    rows: list[tuple[str, datetime | None, bool]] = []
    read_at: dict[str, tuple[str, int, str]] = {}
    for part in partitions(root):
        if part.language != chunk.language or not _may_hold(part.date, since, chunk.last):
            continue
        table = _table(part, ["id", "published", "source", "location"])
        for article_id, published, source, location in zip(
            *(table.column(name).to_pylist() for name in ("id", "published", "source", "location"))
        ):
            published, mine = as_utc(published), article_id in own
            if mine or (published is not None and since is not None and since <= published <= chunk.last):
                rows.append((article_id, published, mine))
                read_at[article_id] = _read_order(source, location, article_id)
    rows.sort(key=lambda r: (r[1] is not None, time_key(r[1]), read_at[r[0]]))
    return rows


def _may_hold(date: str, since: datetime | None, until: datetime | None) -> bool:
    """Whether a ``date=`` partition may hold articles published in ``since`` .. ``until``
    (the undated one: the chunk's undated articles)."""
    if date == schema.UNDATED or since is None or until is None:
        return date == schema.UNDATED
    return since.date().isoformat() <= date <= until.date().isoformat()


def link_chunk(root: str | os.PathLike[str], chunk: Chunk, target: Database) -> ChunkResult:
    """Link one chunk with a Linker of its own over a scratch store: the replayed articles and
    its own, in time order, with their stored entities and profiles (from ``target``, only read)."""
    cpu, wall = time.process_time(), time.perf_counter()
    rows = _chunk_rows(root, chunk)
    with tempfile.TemporaryDirectory(prefix="crisol-chunk-") as folder:
        with open_store(str(Path(folder) / "chunk.db")) as scratch:
            linker = Linker(scratch, views=False, mentions_linked=True)
            for batch in chunked([r[0] for r in rows], BATCH_SIZE):
                articles = target.load_articles(batch, with_raw=False)
                profiles = target.links.load_profiles(batch)
                scratch.add_articles(articles)
                linker.link_articles(articles, embeddings={i: p.embedding for i, p in profiles.items()})
            ids = [r[0] for r in rows]
            memberships = scratch.links.memberships(ids)
            own = {r[0] for r in rows if r[2]}
            relations = [r for r in scratch.links.relations_among(ids) if r["a"] in own or r["b"] in own]
            titles = {a.id: a.title for a in scratch.load_articles(sorted(own), with_raw=False)}
    return ChunkResult(
        chunk,
        [(i, t, titles.get(i)) for i, t, mine in rows if mine],
        sum(1 for r in rows if not r[2]),
        {i: sid for i, (sid, _) in memberships.items()},
        {i: score for i, (_, score) in memberships.items() if i in own},
        relations,
        time.process_time() - cpu,
        time.perf_counter() - wall,
        f"{os.uname().nodename}:{os.getpid()}",
    )


def _link_chunk_at(root: str, chunk: Chunk, store_url: str) -> ChunkResult:
    """:func:`link_chunk` in a worker: the store opened by its URL (a process, a Ray task)."""
    with open_store(store_url, create=False) as target:
        return link_chunk(root, chunk, target)


def run_chunks(
    root: str | os.PathLike[str],
    chunks: Sequence[Chunk],
    store: Database,
    *,
    store_url: str | None = None,
    engine: str = "local",
    workers: int = 1,
    address: str | None = None,
) -> Iterator[ChunkResult]:
    """Every chunk's result, in the order of ``chunks`` whatever order they finished in:
    ``local`` runs them here (one worker) or in ``workers`` processes, ``ray`` as Ray tasks."""
    if engine == "local" and workers <= 1:
        for chunk in chunks:
            yield link_chunk(root, chunk, store)
        return
    if store_url is None or store_url == ":memory:":
        raise ValueError("chunks in other processes need a store they can open: give its path or URL")
    # Absolute: a worker's working folder is not this process's (Ray's never is).
    archive, url = str(Path(root).resolve()), database_url(store_url)
    if engine == "ray":
        yield from _on_ray(archive, chunks, url, workers, address)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")  # no copy of this process's open store
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = [pool.submit(_link_chunk_at, archive, c, url) for c in chunks]
        for future in futures:
            yield future.result()


def _on_ray(
    root: str, chunks: Sequence[Chunk], store_url: str, workers: int, address: str | None
) -> Iterator[ChunkResult]:
    from crisol.batch.engines import start_ray  # lazy: Ray

    ray, started = start_ray(address, workers)
    try:
        task = ray.remote(num_cpus=1)(_link_chunk_at)
        refs = [task.remote(root, c, store_url) for c in chunks]
        for ref in refs:
            yield ray.get(ref)
    finally:
        if started:
            ray.shutdown()


# ---- 3. stitch ------------------------------------------------------------------------------


@dataclass
class _StoryState:
    """A story of the store as one stitch grows it."""

    id: str
    size: int = 0
    first: datetime | None = None
    last: datetime | None = None
    title: str | None = None
    language: str | None = None

    @classmethod
    def of(cls, row) -> "_StoryState":
        return cls(row.id, row.size, as_utc(row.first), as_utc(row.last), row.title, row.language)

    def take(self, *times: datetime | None, size: int = 1, title: str | None = None) -> None:
        self.size += size
        for t in times:
            if t is not None:
                t = as_utc(t)
                self.first = min(self.first or t, t)
                self.last = max(self.last or t, t)
        self.title = self.title or title


class _Stitch:
    """One chunk's stories mapped onto the store's, within one transaction."""

    def __init__(self, store: Database, result: ChunkResult, report: LinkArchiveReport):
        self.links, self.result, self.report = store.links, result, report
        own = {i for i, _, _ in result.own}
        replayed = [i for i in result.stories if i not in own]
        continued = self.links.memberships(replayed)  # the store's story of each replayed article
        self.continues: dict[str, Counter] = {}  # the chunk's story -> the store's, by articles shared
        for article_id in replayed:
            if article_id in continued:
                chunk_story = result.stories[article_id]
                self.continues.setdefault(chunk_story, Counter())[continued[article_id][0]] += 1
        self.rows = self.links.story_rows({sid for c in self.continues.values() for sid in c})
        self.counter = self.links.story_counter()
        self.states: dict[str, _StoryState] = {}  # the store's stories this stitch changed
        self.chosen: dict[str, str] = {}  # the chunk's story -> the store's
        self.merged_into: dict[str, str] = {}
        self.history: list[dict[str, Any]] = []

    def _live(self, story_id: str) -> str:
        while story_id in self.merged_into:
            story_id = self.merged_into[story_id]
        return story_id

    def _state(self, story_id: str) -> _StoryState:
        if story_id not in self.states:
            self.states[story_id] = _StoryState.of(self.rows[story_id])
        return self.states[story_id]

    def target(self, chunk_story: str) -> tuple[_StoryState, list[str]]:
        """The store's story the chunk's story continues (made when new), and the stories it
        bridges into it now."""
        if chunk_story in self.chosen:
            return self.states[self._live(self.chosen[chunk_story])], []
        shared = self.continues.get(chunk_story, Counter())
        ranked = list(dict.fromkeys(self._live(sid) for sid, _ in sorted(shared.items(), key=_most_first)))
        if not ranked:
            self.counter += 1
            state = _StoryState(f"s{self.counter:06d}", language=self.result.chunk.language)
            self.states[state.id] = state
            self.report.stories_created += 1
            self.chosen[chunk_story] = state.id
            return state, []
        state, merged = self._state(ranked[0]), ranked[1:]
        for other in merged:
            gone = self._state(other)
            state.take(gone.first, gone.last, size=gone.size)
            self.merged_into[other] = state.id
            self.history.append({"action": "merge", "story": state.id, "merged": other})
        self.report.continued += 1
        self.report.stitched += len(merged)
        self.chosen[chunk_story] = state.id
        return state, merged

    def run(self) -> None:
        for article_id, published, title in self.result.own:
            state, merged = self.target(self.result.stories[article_id])
            created = state.size == 0
            state.take(published, title=title)
            score = self.result.scores.get(article_id, 1.0)
            self.links.add_to_story(
                state.id, article_id, score, state.title, state.language, state.size, state.first,
                state.last, merged,
            )  # fmt: skip
            self.links.drop_views(merged)
            self.history.append(
                {"action": "create" if created else "join", "story": state.id, "article": article_id,
                 "score": round(score, 4)}
            )  # fmt: skip
        self.links.add_relations(self.result.relations)
        self.links.add_history(self.history)


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def stitch(store: Database, result: ChunkResult, report: LinkArchiveReport) -> set[str]:
    """Step 3 for one chunk, in one transaction: its own articles into the store's stories
    (those its replayed articles are in, or new ones); the stories it touched."""
    with store.transaction():
        done = _Stitch(store, result, report)
        done.run()
    for r in result.relations:
        report.relations[r["kind"]] = report.relations.get(r["kind"], 0) + 1
    report.linked += len(result.own)
    return set(done.states) - set(done.merged_into)


# ---- 4. across languages --------------------------------------------------------------------


def _restored(store: Database, story_id: str) -> tuple[Story, list[StoryItem]]:
    """A stored story as the clusterer knows it, and its members' full items."""
    ids = store.links.story_members(story_id)
    profiles = store.links.load_profiles(ids)
    articles = store.load_articles(ids, with_raw=False)
    items = [stored_item(a, profiles[a.id]) for a in articles if a.id in profiles]
    story = Story(story_id)
    for item in items:
        story.add(item)
    return story, items


def join_languages(
    store: Database, touched: set[str], since: datetime, until: datetime, report: LinkArchiveReport
) -> None:
    """Step 4: stories told in two languages joined. The stories meeting ``since`` .. ``until``
    (the run's articles) are swept in time order, those of the last :data:`WINDOW` live in a
    clusterer; a pair is joined only when this run touched one of them."""
    clusterer = StoryClusterer()
    joins: list[tuple[str, list[str], Story]] = []
    for row in store.links.stories_between(since - WINDOW, until + WINDOW):
        if row.first is not None:  # undated stories stay live: they meet any time
            clusterer.evict(now=as_utc(row.first))
        story, items = _restored(store, row.id)
        found = clusterer.across_languages(story, items[:MEMBERS] + items[MEMBERS:][-MEMBERS:])
        for item in items:
            clusterer.df.add(item.profile)
        clusterer.restore(story)
        if found and (row.id in touched or touched.intersection(found)):
            group = sorted([clusterer.stories[sid] for sid in found] + [story], key=_earliest)
            into, others = group[0], [s.id for s in group[1:]]
            clusterer.join(into.id, others, via="across languages")
            joins.append((into.id, others, _snapshot(into)))
    with store.transaction():
        for into, others, story in joins:
            store.links.merge_stories(into, others, story.language, story.size, story.first, story.last)
            store.links.drop_views(others)
            store.links.add_history([{"action": "merge", "story": into, "merged": o} for o in others])
    report.across_languages += sum(len(others) for _, others, _ in joins)


def _earliest(story: Story) -> tuple[datetime, str]:
    return as_utc(story.first) or EPOCH, story.id


def _snapshot(story: Story) -> Story:
    """What the store needs of a story as it is now (it may grow or be evicted later)."""
    return Story(story.id, first=story.first, last=story.last, languages=Counter(story.languages),
                 members=list(story.members))  # fmt: skip


# ---- a run ----------------------------------------------------------------------------------


def link_archive(
    root: str | os.PathLike[str],
    store: Database,
    *,
    period: timedelta | None = None,
    engine: str = "local",
    workers: int = 1,
    store_url: str | None = None,
    address: str | None = None,
    on_progress: Callable[[str], None] = lambda message: None,
) -> LinkArchiveReport:
    """Store the archive at ``root`` and link its stories (the module's four steps); a run
    stopped midway and started again stores nothing twice and links what is left."""
    if not Path(root).is_dir():
        raise CrisolError(f"{root}: no archive there (crisol batch --out writes one)")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")
    killed = [r.id for r in store.unfinished_runs() if r.counts.get(RUN) == "started"]
    report = LinkArchiveReport(run_id=store.start_run({RUN: "started"}))
    with _Timed(report.phases["store"]):
        store_archive(root, store, report, on_progress)
    chunks = plan(root, store, period)
    on_progress(f"linking: {sum(len(c.own) for c in chunks):,} articles in {len(chunks)} chunks")
    touched: set[str] = set()
    times: list[datetime] = []
    if killed:  # it may have stopped before step 4: the archive's stories are compared again
        touched, times = _archive_stories(root, store)
    results = run_chunks(
        root, chunks, store, store_url=store_url, engine=engine, workers=workers, address=address
    )
    for n, result in enumerate(_timed_iter(results, report.phases["link"]), 1):
        with _Timed(report.phases["stitch"]):
            touched |= stitch(store, result, report)
        times += [as_utc(t) for _, t, _ in result.own if t is not None]
        report.chunks.append(_chunk_summary(result))
        on_progress(f"[{n}/{len(chunks)}] {_describe(result)}")
    with _Timed(report.phases["across"]):
        if times:
            join_languages(store, touched, min(times), max(times), report)
    with _Timed(report.phases["index"]):
        fts.catch_up(store)
    for run_id in killed:
        store.finish_run(run_id, {RUN: f"stopped; finished by run {report.run_id}"})
    store.finish_run(report.run_id, {RUN: report.to_dict()})
    return report


def _archive_stories(root: str | os.PathLike[str], store: Database) -> tuple[set[str], list[datetime]]:
    """The stories of the archive's articles, and the articles' time span."""
    stories: set[str] = set()
    times: list[datetime] = []
    for part in partitions(root):
        table = _table(part, ["id", "published"])
        stories.update(sid for sid, _ in store.links.memberships(table.column("id").to_pylist()).values())
        dated = [as_utc(t) for t in table.column("published").to_pylist() if t is not None]
        times += [min(dated), max(dated)] if dated else []
    return stories, times


def _timed_iter(results: Iterator[ChunkResult], phase: Phase) -> Iterator[ChunkResult]:
    """The results, the wait for each (and, in this process, its linking) charged to ``phase``."""
    while True:
        with _Timed(phase):
            result = next(results, None)
        if result is None:
            return
        yield result


def _chunk_summary(result: ChunkResult) -> dict[str, Any]:
    return {
        "language": result.chunk.language,
        "period": result.chunk.period,
        "own": len(result.own),
        "replayed": result.replayed,
        "cpu": round(result.cpu, 3),
        "wall": round(result.wall, 3),
        "worker": result.worker,
    }


def _describe(result: ChunkResult) -> str:
    dated = [t for _, t, _ in result.own if t is not None]
    span = f"{min(dated):%Y-%m-%d} .. {max(dated):%Y-%m-%d}" if dated else "undated"
    return (
        f"{result.chunk.language} {span}: {len(result.own):,} articles linked after replaying "
        f"{result.replayed:,} ({result.cpu:.1f} CPU-s on {result.worker})"
    )
