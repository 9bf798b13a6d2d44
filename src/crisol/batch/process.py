"""The engine-neutral core: one input in, analysed articles (one Arrow table) and rejections out.

A :class:`Processor` is made once per worker: it loads the models (spaCy per language, the
language detectors, the two embedders) in its constructor, and each call processes one input.
Ray Data keeps one per actor; ``--engine local`` keeps one in the process; both call the same
method, so the archive does not depend on the engine.

The stages are the ingest's own (:func:`crisol.service.runner.default_stages`): the same readers,
:func:`~crisol.service.runner.cleaned` per record and :func:`~crisol.service.runner.annotated` per
batch of :data:`~crisol.service.runner.BATCH_SIZE` articles, and the embedding is the one the story
linker computes (:func:`crisol.link.similarity.profiles`, packed by
:func:`~crisol.link.similarity.pack`), so the distributed path cannot drift from ``crisol ingest``.
What ingest would reject is rejected here with the same reason and place.
"""

from __future__ import annotations

import os
import resource
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa

from crisol.batch import schema
from crisol.link import similarity as sim
from crisol.model import Article, RawArticle, Rejection
from crisol.read import InputFile, expand
from crisol.service.runner import BATCH_SIZE, annotated, cleaned, default_stages

# One short article per language, written for the warm-up: it loads every model before the
# first input, so an input's time is its own.
_WARM_UP = {
    "es": "El ayuntamiento abrió ayer la nueva biblioteca del barrio. La alcaldesa dijo que estará "
    "abierta todos los días.",
    "en": "The city council opened the new library on Monday. The mayor said it would open every day.",
}


@dataclass
class Chunk:
    """Part of one input's output: up to one batch of analysed articles, and rejections met."""

    articles: pa.Table
    rejections: list[Rejection] = field(default_factory=list)


@dataclass
class Processed:
    """One input's whole output, and what it cost on the worker that made it."""

    input: str
    articles: pa.Table
    rejections: list[Rejection]
    cpu: float  # CPU seconds of the worker process on this input
    wall: float
    worker: str  # host:pid, to tell the workers apart


def linker_embeddings(articles: list[Article]) -> list[np.ndarray]:
    """The embedding the story linker computes for each article (the USE head embedding, then
    the e5 title embedding, as :class:`crisol.service.linking.Linker` stores it)."""
    if not articles:
        return []
    profiles = sim.profiles([a.text for a in articles], [a.title for a in articles])
    return [sim.pack(p) for p in profiles]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def input_file(source: str, path: str, size: int, mtime_ns: int) -> InputFile:
    """The :class:`~crisol.read.InputFile` the driver found, rebuilt on a worker: named as the
    user named it (``source``), read at its absolute ``path`` (a worker's folder may differ)."""
    return InputFile(source=source, path=Path(path), size=size, mtime_ns=mtime_ns)


class Processor:
    """The models, warm, and the stages of ``crisol ingest`` for one input at a time.

    ``ner`` and ``ner_model`` choose the entity recogniser as the global ``--ner`` options do;
    ``now`` is the cleaner's reference time (give every worker the same one); ``batch_size``
    articles are annotated together, as ingest does; ``threads`` caps the BLAS and OpenMP
    threads of the process at the CPUs the worker was given (Ray sets ``OMP_NUM_THREADS`` so for
    its actors; left to their defaults, spaCy's matrices ran two threads that doubled the CPU
    time of an input on a busy 2-core machine: 1.45 -> 0.74 CPU-s on examples/).
    """

    def __init__(
        self,
        *,
        ner: str = "fast",
        ner_model: str | None = None,
        now: datetime | None = None,
        batch_size: int = BATCH_SIZE,
        threads: int = 1,
        warm: bool = True,
    ):
        from threadpoolctl import threadpool_limits

        self._threads = threadpool_limits(limits=max(1, threads))  # for the life of the process
        if ner != "fast" or ner_model is not None:
            from crisol.service.models import use_ner  # the worker's own copy of the choice

            use_ner(ner, ner_model)
        self.stages = default_stages(analyze=True)
        self.now, self.batch_size = now, batch_size
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        if warm:
            self.warm_up()
            # again: threadpoolctl caps only the libraries loaded so far, and the models bring theirs
            self._threads = threadpool_limits(limits=max(1, threads))

    def warm_up(self) -> None:
        """Load every model now: the readers, the cleaner's detectors, spaCy per language, and
        the two embedders."""
        from crisol.annotate.nlp import languages

        texts = [_WARM_UP[lang] for lang in languages() if lang in _WARM_UP]
        for text in texts:
            for _ in self.chunks([InputFile("<warm-up>", None, text.encode(), len(text.encode()))]):
                pass

    def __call__(self, path: str) -> Processed:
        """Every article of one input (a file, a folder shard, a glob: any path ``crisol
        ingest`` reads) analysed, as one table of :data:`~crisol.batch.schema.ARTICLE_SCHEMA`."""
        return self.process(expand([path]), path)

    def process(self, inputs: Iterable[InputFile | Rejection], name: str) -> Processed:
        cpu, wall = time.process_time(), time.perf_counter()
        tables, rejections = [], []
        for chunk in self.chunks(inputs):
            tables.append(chunk.articles)
            rejections += chunk.rejections
        table = pa.concat_tables(tables) if tables else schema.to_table([])
        return Processed(
            name, table, rejections, time.process_time() - cpu, time.perf_counter() - wall, self.worker
        )

    def chunks(self, inputs: Iterable[InputFile | Rejection]) -> Iterator[Chunk]:
        """The inputs' output a batch at a time (an input of any size in bounded memory)."""
        batch: list[Article] = []
        rejections: list[Rejection] = []
        for item in inputs:
            records = [item] if isinstance(item, Rejection) else self.stages.read_input(item)
            for got in records:
                outcome = got if isinstance(got, Rejection) else self._clean(got)
                if isinstance(outcome, Rejection):
                    rejections.append(outcome)
                else:
                    batch.append(outcome)
                if len(batch) >= self.batch_size:
                    yield self._analysed(batch, rejections)
                    batch, rejections = [], []
        if batch or rejections:
            yield self._analysed(batch, rejections)

    def _clean(self, raw: RawArticle) -> Article | Rejection:
        return cleaned(raw, self.stages, self.now)

    def _analysed(self, batch: list[Article], rejections: list[Rejection]) -> Chunk:
        articles = annotated(batch, self.stages)
        return Chunk(schema.to_table(articles, linker_embeddings(articles)), rejections)
