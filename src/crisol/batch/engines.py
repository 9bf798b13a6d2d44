"""One run of ``crisol batch``: inputs found, the unfinished ones processed by an engine, each
committed to the archive as it finishes.

Both engines run the same worker function, :func:`stage_input` (a warm
:class:`~crisol.batch.process.Processor` turns one input into staged Parquet files), and the driver
commits each input as its result comes back:

- ``local``: one Processor in this process, the inputs one after the other;
- ``ray``: Ray Data, one task per input file (a block of one row), mapped by an actor pool of
  ``workers`` actors, each holding its own Processor (so ``workers`` copies of the models, each
  reserving ``cpus_per_worker`` CPUs and ``memory_per_worker`` bytes of Ray's memory resource).
  Each actor takes one input at a time, so a slow input never holds others queued behind it.

Workers write into the archive folder themselves (only a summary travels back), so on a real
cluster the archive and the inputs must be on storage every node sees at the same path.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from crisol.batch import EXTRA_HINT
from crisol.batch.archive import STAGING, Archive, Staged, input_key, stage
from crisol.batch.process import Processor, input_file, peak_rss_mb
from crisol.errors import CrisolError
from crisol.model import Rejection
from crisol.read import InputFile, expand
from crisol.service.runner import BATCH_SIZE

ENGINES = ("ray", "local")
# Ray's shared-memory object store on a local cluster: only summaries and task rows travel
# through it (workers write the Parquet files), so a small one leaves the memory to the models.
LOCAL_OBJECT_STORE = 256 * 2**20
# Seconds the Ray engine waits for every worker to start and load its models.
WAIT_FOR_WORKERS = 900


class EngineUnavailable(CrisolError):
    """The chosen engine cannot run here (Ray not installed, or no cluster at the address)."""


@dataclass
class Settings:
    """What every worker needs to build its :class:`~crisol.batch.process.Processor`."""

    ner: str = "fast"
    ner_model: str | None = None
    now: datetime | None = None
    batch_size: int = BATCH_SIZE
    threads: int = 1  # the CPUs each worker has

    def processor(self) -> Processor:
        return Processor(
            ner=self.ner,
            ner_model=self.ner_model,
            now=self.now,
            batch_size=self.batch_size,
            threads=self.threads,
        )


@dataclass
class Task:
    """One input file to process: named as found, read at its absolute path."""

    source: str
    path: str
    size: int
    mtime_ns: int
    fingerprint: str
    key: str

    @classmethod
    def of(cls, item: InputFile) -> "Task":
        assert item.path is not None
        return cls(
            item.source,
            os.path.abspath(item.path),
            item.size,
            item.mtime_ns,
            item.fingerprint,
            input_key(item.identity),
        )


def read_list(path: str) -> list[str]:
    """The paths a list file names, one a line (blank lines and ``#`` comments skipped); a
    relative path is taken from the list file's folder."""
    folder = os.path.dirname(os.path.abspath(path))
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line if os.path.isabs(line) else os.path.join(folder, line))
    return out


def find_tasks(paths: Sequence[str]) -> tuple[list[Task], list[Rejection]]:
    """One task per input file under ``paths`` (folders walked, globs expanded, as ``crisol
    ingest`` finds them), and what could not be found."""
    tasks: list[Task] = []
    rejections: list[Rejection] = []
    for item in expand(paths):
        if isinstance(item, Rejection):
            rejections.append(item)
        elif item.path is None:
            rejections.append(
                Rejection(item.source, "stdin and pipes cannot be shared out to workers: give files")
            )
        else:
            tasks.append(Task.of(item))
    return tasks, rejections


def stage_input(processor: Processor, root: Path, task: dict[str, Any]) -> Staged:
    """What a worker does with one input: process it into ``_staging/<key>/`` and summarise it.
    An unexpected failure is reported (the input stays unfinished), never raised: one input
    must not sink a run of thousands."""
    cpu, wall, started = time.process_time(), time.perf_counter(), time.time()
    inp = input_file(task["source"], task["path"], task["size"], task["mtime_ns"])
    try:
        staged = stage(root, task["key"], task["source"], task["fingerprint"], processor.chunks([inp]))
    except Exception as e:  # noqa: BLE001 - reported to the driver with the input's name
        logging.getLogger(__name__).exception("batch: %s failed", task["source"])
        shutil.rmtree(root / STAGING / task["key"], ignore_errors=True)
        staged = Staged(task["key"], task["source"], task["fingerprint"], error=f"{type(e).__name__}: {e}")
    staged.cpu = round(time.process_time() - cpu, 3)
    staged.wall = round(time.perf_counter() - wall, 3)
    staged.started, staged.ended = round(started, 3), round(time.time(), 3)
    staged.worker, staged.rss_mb = processor.worker, round(peak_rss_mb(), 1)
    return staged


# ---- the run's report ----------------------------------------------------------------------------


@dataclass
class WorkerStat:
    inputs: int = 0
    articles: int = 0
    cpu: float = 0.0  # CPU seconds on its inputs (its model loading not counted)
    wall: float = 0.0
    rss_mb: float = 0.0  # peak resident memory

    @property
    def per_cpu_second(self) -> float:
        return self.articles / self.cpu if self.cpu > 0 else 0.0


@dataclass
class BatchReport:
    engine: str
    workers_asked: int
    inputs: int = 0  # input files found
    skipped: int = 0  # finished by an earlier run
    done: int = 0  # processed and committed by this run
    failed: list[Rejection] = field(default_factory=list)  # unexpected errors: rerun to retry
    articles: int = 0
    rejected: int = 0  # records rejected in the inputs done, and paths not found
    not_found: list[Rejection] = field(default_factory=list)
    elapsed: float = 0.0  # wall seconds of the whole run (engine start and model loading included)
    first_start: float | None = None  # epoch seconds: the first input started on a worker
    last_end: float | None = None
    workers: dict[str, WorkerStat] = field(default_factory=dict)

    @property
    def processing_wall(self) -> float:
        """Seconds from the first input's start to the last one's end on the workers: the run
        less engine start-up and model loading."""
        if self.first_start is None or self.last_end is None:
            return 0.0
        return self.last_end - self.first_start

    @property
    def cpu(self) -> float:
        return sum(w.cpu for w in self.workers.values())

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.failed

    def add(self, staged: Staged) -> None:
        self.first_start = min(staged.started, self.first_start or staged.started)
        self.last_end = max(staged.ended, self.last_end or staged.ended)
        stat = self.workers.setdefault(staged.worker, WorkerStat())
        stat.inputs += 1
        stat.cpu += staged.cpu
        stat.wall += staged.wall
        stat.rss_mb = max(stat.rss_mb, staged.rss_mb)
        if staged.error is not None:
            self.failed.append(Rejection(staged.source, f"unexpected error: {staged.error}"))
            return
        self.done += 1
        self.articles += staged.articles
        self.rejected += staged.rejected
        stat.articles += staged.articles

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "workers": self.workers_asked,
            "inputs": self.inputs,
            "skipped": self.skipped,
            "done": self.done,
            "failed": len(self.failed),
            "articles": self.articles,
            "rejected": self.rejected,
            "elapsed": round(self.elapsed, 3),
            "processing_wall": round(self.processing_wall, 3),
            "cpu": round(self.cpu, 3),
            "per_worker": {name: asdict(stat) for name, stat in sorted(self.workers.items())},
        }


# ---- engines -----------------------------------------------------------------------------------


Done = Callable[[Staged], None]


def run_local(tasks: list[Task], root: Path, settings: Settings, done: Done) -> None:
    """The inputs one after the other in this process, with one Processor."""
    if not tasks:
        return
    processor = settings.processor()
    for task in tasks:
        done(stage_input(processor, root, asdict(task)))


class RayStage:
    """The Ray Data actor: a warm Processor; each call, one input (a batch of one task row)."""

    def __init__(self, root: str, settings: Settings):
        self.root = Path(root)
        self.processor = settings.processor()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        names = list(batch)
        rows = [{n: _plain(batch[n][i]) for n in names} for i in range(len(batch[names[0]]))]
        return {"staged": [stage_input(self.processor, self.root, row).to_json() for row in rows]}


def _plain(value: Any) -> Any:
    """A numpy scalar from a Ray batch as the Python value it was."""
    return value.item() if hasattr(value, "item") else value


def import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise EngineUnavailable(f"the Ray engine needs Ray Data ({e}): {EXTRA_HINT}, or use --engine local")
    return ray


def start_ray(address: str | None, cpus: int):
    """Connect to the cluster at ``address``, or start a local one of ``cpus`` CPUs; returns
    (ray, whether this call started it). An already initialised Ray (a test's) is used as is."""
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    quiet = {"logging_level": logging.WARNING, "log_to_driver": False, "configure_logging": True}
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            ray.init(num_cpus=cpus, include_dashboard=False, object_store_memory=LOCAL_OBJECT_STORE, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
        raise EngineUnavailable(f"cannot start or reach {where}: {e}") from e
    return ray, True


def run_ray(
    tasks: list[Task],
    root: Path,
    settings: Settings,
    done: Done,
    *,
    workers: int,
    cpus_per_worker: float = 1,
    memory_per_worker: int | None = None,
    address: str | None = None,
) -> None:
    """The inputs on Ray Data: one block (one task) per input, an actor pool of ``workers``."""
    if not tasks:
        return
    ray, started = start_ray(address, max(1, round(workers * cpus_per_worker)))
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # crisol prints its own, one line per input
        # Inputs go out once every worker has loaded its models: otherwise the first one ready
        # takes the early inputs, and a cluster short of resources would wait forever.
        context.wait_for_min_actors_s = WAIT_FOR_WORKERS
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "bars disabled"
        pool = ray.data.ActorPoolStrategy(size=min(workers, len(tasks)), max_tasks_in_flight_per_actor=1)
        resources: dict[str, Any] = {"num_cpus": cpus_per_worker}
        if memory_per_worker:
            resources["memory"] = memory_per_worker
        ds = ray.data.from_items([asdict(t) for t in tasks], override_num_blocks=len(tasks))
        ds = ds.map_batches(
            RayStage,
            batch_size=1,
            compute=pool,
            fn_constructor_kwargs={"root": str(root), "settings": settings},
            **resources,
        )
        try:
            for row in ds.iter_rows():
                done(Staged.from_json(row["staged"]))
        except ray.exceptions.GetTimeoutError:
            memory = f" and {memory_per_worker / 2**30:.1f} GiB" if memory_per_worker else ""
            raise EngineUnavailable(
                f"the cluster did not start {pool.min_size} worker(s) of {cpus_per_worker} CPU{memory} "
                f"within {WAIT_FOR_WORKERS} s: ask for fewer --workers or less --memory-per-worker"
            ) from None
        except ray.exceptions.RayError as e:  # a node lost, a worker killed for memory...
            raise EngineUnavailable(
                f"the Ray run stopped ({type(e).__name__}: {str(e)[:500]}); the inputs finished so far "
                "are kept: run the same command again to resume"
            ) from e
    finally:
        if started:
            ray.shutdown()


# ---- a run ---------------------------------------------------------------------------------------


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def parse_size(text: str) -> int:
    """Bytes in ``2GB``, ``1500M``, ``512MiB`` or a plain number (binary units, as Ray's).

    >>> parse_size("2GB"), parse_size("1500M"), parse_size("1024")
    (2147483648, 1572864000, 1024)
    """
    m = _SIZE.match(text)
    if m is None:
        raise ValueError(f"not a size: {text!r} (say 2GB, 1500MB or a number of bytes)")
    unit = (m.group(2) or "").lower()[:1]
    return int(float(m.group(1)) * _UNITS[unit])


def run(
    paths: Iterable[str],
    out: str | os.PathLike[str],
    *,
    engine: str = "ray",
    workers: int = 2,
    cpus_per_worker: float = 1,
    memory_per_worker: int | None = None,
    address: str | None = None,
    settings: Settings | None = None,
    on_input: Callable[[BatchReport, Staged | None], None] | None = None,
) -> BatchReport:
    """Process every unfinished input under ``paths`` into the archive at ``out``; inputs
    finished by an earlier run are skipped. ``on_input(report, staged)`` is called once the
    inputs are counted (``staged`` None) and after each input is committed or failed."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1; got {workers}")
    start = time.perf_counter()
    settings = settings or Settings()
    report = BatchReport(engine, workers if engine == "ray" else 1)
    notify = on_input or (lambda report, staged: None)
    tasks, not_found = find_tasks(list(paths))
    with Archive(out) as archive:
        archive.reject_given(not_found)
        report.not_found, report.rejected = not_found, len(not_found)
        finished = archive.finished()
        todo = [t for t in tasks if t.fingerprint not in finished]
        report.inputs, report.skipped = len(tasks), len(tasks) - len(todo)
        notify(report, None)

        def done(staged: Staged) -> None:
            if staged.error is None:
                archive.commit(staged)
            report.add(staged)
            report.elapsed = time.perf_counter() - start
            notify(report, staged)

        if engine == "local":
            run_local(todo, archive.root, settings, done)
        else:
            run_ray(
                todo,
                archive.root,
                settings,
                done,
                workers=workers,
                cpus_per_worker=cpus_per_worker,
                memory_per_worker=memory_per_worker,
                address=address,
            )
    report.elapsed = time.perf_counter() - start
    return report
