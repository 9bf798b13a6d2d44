"""The Parquet archive on disk: partitions, the manifest of finished inputs, rejections beside.

Layout under the archive folder::

    date=2025-10-09/language=es/<key>.parquet   articles (ARTICLE_SCHEMA less the two keys)
    _rejections/<key>.parquet                   what could not be read, with its reason
    _manifest.jsonl                              one line per finished input
    _staging/<key>/...                           an input being processed (not yet visible)
    _commits/<key>.json                          an input being made visible (a few renames)

``key`` names an input by where it is (a hash of its resolved path), so each input owns one file
per partition it has articles in: a rerun of an input rewrites the same names and can never add
its rows twice. Readers that skip names starting with ``_`` or ``.`` (pyarrow, Spark, DuckDB's
``date=*/language=*/*.parquet`` glob) see only committed inputs.

An input is processed into ``_staging/<key>/`` (by whichever worker runs it), then committed by the
one driver: the list of files is written to ``_commits/<key>.json``, the files are renamed into
place, a line is appended to the manifest, the note is removed. A run killed at any point and
started again finds the note, removes what a half-done commit renamed, and processes the input
again; staged files of unfinished inputs are dropped. Inputs in the manifest with the same
fingerprint (path, size, mtime, both ends' bytes; as ``crisol ingest`` records them) are skipped;
an input changed in place is processed again and replaces its earlier rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from crisol.batch import schema
from crisol.errors import CrisolError
from crisol.model import Rejection

MANIFEST = "_manifest.jsonl"
STAGING = "_staging"
COMMITS = "_commits"
REJECTIONS = "_rejections"
LOCK = "_lock"
# Rows of one partition held before they are written as a row group, and rows held in all.
ROW_GROUP = 256
HELD = 1024
COMPRESSION = "zstd"


class ArchiveBusy(CrisolError):
    """Another run is writing to the same archive."""


def input_key(identity: str) -> str:
    """The name an input's files carry: a hash of where it is (its resolved path).

    >>> input_key("/data/cc-news/CC-NEWS-20250701.warc.gz")
    'e304686797433101'
    """
    return hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def partition_folder(date: str, language: str) -> str:
    return f"date={date}/language={language}"


@dataclass(frozen=True)
class Partition:
    """One ``date=.../language=...`` folder of the archive and its Parquet files."""

    date: str
    language: str
    files: tuple[Path, ...]


def partitions(root: str | os.PathLike[str]) -> list[Partition]:
    """The archive's partitions, undated first, then by date and language (names starting
    with ``_`` or ``.`` are not data: staged inputs, the manifest, rejections)."""
    out = []
    for date_dir in Path(root).glob("date=*"):
        for lang_dir in date_dir.glob("language=*"):
            files = sorted(p for p in lang_dir.glob("*.parquet") if not p.name.startswith(("_", ".")))
            if files:
                out.append(Partition(_value(date_dir.name), _value(lang_dir.name), tuple(files)))
    return sorted(out, key=lambda p: (p.date != schema.UNDATED, p.date, p.language))


def _value(folder: str) -> str:
    return folder.split("=", 1)[1]


@dataclass
class Staged:
    """What a worker made of one input in ``_staging/<key>/`` (the files relative to it)."""

    key: str
    source: str
    fingerprint: str
    articles: int = 0
    rejected: int = 0
    files: list[str] = field(default_factory=list)
    partitions: dict[str, int] = field(default_factory=dict)  # "date=.../language=..." -> rows
    cpu: float = 0.0
    wall: float = 0.0
    worker: str = ""
    rss_mb: float = 0.0  # the worker's peak resident memory after this input
    started: float = 0.0  # epoch seconds on the worker
    ended: float = 0.0
    error: str | None = None  # an unexpected failure: nothing staged, the input stays unfinished

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Staged":
        return cls(**json.loads(text))


class _PartitionWriter:
    """One input's articles into one Parquet file per partition, rows held to fill row groups."""

    def __init__(self, folder: Path, key: str):
        self.folder, self.key = folder, key
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.held: dict[str, list[pa.Table]] = {}
        self.rows: dict[str, int] = {}

    def write(self, table: pa.Table) -> None:
        dates, languages = table.column("date").to_pylist(), table.column("language").to_pylist()
        groups: dict[str, list[int]] = {}
        for i, (d, lang) in enumerate(zip(dates, languages)):
            groups.setdefault(partition_folder(d, lang), []).append(i)
        body = table.drop_columns(list(schema.PARTITION_KEYS))
        for part, rows in groups.items():
            self.held.setdefault(part, []).append(body.take(rows))
            self.rows[part] = self.rows.get(part, 0) + len(rows)
            if sum(t.num_rows for t in self.held[part]) >= ROW_GROUP:
                self._flush(part)
        if sum(t.num_rows for tables in self.held.values() for t in tables) >= HELD:
            for part in list(self.held):
                self._flush(part)

    def _flush(self, part: str) -> None:
        tables = self.held.pop(part, [])
        if not tables:
            return
        if part not in self.writers:
            path = self.folder / part / f"{self.key}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[part] = pq.ParquetWriter(path, schema.FILE_SCHEMA, compression=COMPRESSION)
        self.writers[part].write_table(pa.concat_tables(tables))

    def close(self) -> list[str]:
        for part in list(self.held):
            self._flush(part)
        for writer in self.writers.values():
            writer.close()
        return [f"{part}/{self.key}.parquet" for part in sorted(self.writers)]


def stage(root: Path, key: str, source: str, fingerprint: str, chunks: Iterable[Any]) -> Staged:
    """Write one input's chunks (:class:`crisol.batch.process.Chunk`) to ``_staging/<key>/``."""
    folder = root / STAGING / key
    shutil.rmtree(folder, ignore_errors=True)  # what a killed attempt left
    folder.mkdir(parents=True)
    staged = Staged(key, source, fingerprint)
    writer = _PartitionWriter(folder, key)
    rejections: list[Rejection] = []
    try:
        for chunk in chunks:
            if chunk.articles.num_rows:
                writer.write(chunk.articles)
            rejections += chunk.rejections
    finally:
        staged.files = writer.close()
    staged.partitions = dict(sorted(writer.rows.items()))
    staged.articles = sum(writer.rows.values())
    staged.rejected = len(rejections)
    if rejections:
        name = f"{REJECTIONS}/{key}.parquet"
        (folder / REJECTIONS).mkdir()
        pq.write_table(schema.rejections_table(source, rejections), folder / name, compression=COMPRESSION)
        staged.files.append(name)
    return staged


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Archive:
    """An archive folder, opened by the one driver of a run (``with Archive(path) as archive``).

    Opening takes the folder's lock (a second run on the same archive is refused) and finishes
    or undoes what a killed run left half done.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self._lock_fh = None

    # -- opening -----------------------------------------------------------------------------
    def __enter__(self) -> "Archive":
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock_fh = (self.root / LOCK).open("a")
        try:
            fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_fh.close()
            raise ArchiveBusy(f"another crisol batch run is writing to {self.root}") from None
        self.recover()
        return self

    def __exit__(self, *exc: Any) -> None:
        for work in (STAGING, COMMITS):  # empty once every input is committed
            with contextlib.suppress(OSError):
                (self.root / work).rmdir()
        if self._lock_fh is not None:
            self._lock_fh.close()  # releases the lock
            self._lock_fh = None

    # -- the manifest ------------------------------------------------------------------------
    def entries(self) -> dict[str, dict[str, Any]]:
        """The manifest's last word on each input key (a retracted input is absent)."""
        out: dict[str, dict[str, Any]] = {}
        path = self.root / MANIFEST
        if not path.exists():
            return out
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash while it was appended
                continue
            if entry.get("retracted"):
                out.pop(entry["key"], None)
            else:
                out[entry["key"]] = entry
        return out

    def finished(self) -> set[str]:
        """Fingerprints of the inputs finished by earlier runs."""
        return {e["fingerprint"] for e in self.entries().values()}

    def _append(self, entry: dict[str, Any]) -> None:
        with (self.root / MANIFEST).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    # -- committing --------------------------------------------------------------------------
    def commit(self, staged: Staged) -> None:
        """Make one staged input visible and record it finished (see the module's docstring)."""
        previous = self.entries().get(staged.key)
        stale = [f for f in (previous or {}).get("files", []) if f not in staged.files]
        note = self.root / COMMITS / f"{staged.key}.json"
        note.parent.mkdir(exist_ok=True)
        _write_atomically(note, json.dumps({"fingerprint": staged.fingerprint, "files": staged.files}))
        for name in staged.files:
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / STAGING / staged.key / name, target)
        for name in stale:  # an earlier version of the input had rows where this one has none
            (self.root / name).unlink(missing_ok=True)
        entry = asdict(staged)
        entry.pop("error")
        self._append({**entry, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        note.unlink()
        shutil.rmtree(self.root / STAGING / staged.key, ignore_errors=True)

    def recover(self) -> None:
        """Undo the commits a killed run left half done, and drop its staged files."""
        entries = self.entries()
        for note in sorted((self.root / COMMITS).glob("*.json")) if (self.root / COMMITS).is_dir() else []:
            key = note.stem
            pending = json.loads(note.read_text(encoding="utf-8"))
            done = entries.get(key, {}).get("fingerprint") == pending["fingerprint"]
            if not done:
                for name in pending["files"]:
                    (self.root / name).unlink(missing_ok=True)
                if key in entries:  # its earlier version's files were partly replaced: redo it
                    self._append({"key": key, "retracted": True})
            note.unlink()
        shutil.rmtree(self.root / STAGING, ignore_errors=True)

    def reject_given(self, rejections: list[Rejection]) -> None:
        """Rejections of what the user gave before any input was found (a missing path), kept
        under a name of their own; each run replaces the earlier run's."""
        for old in (self.root / REJECTIONS).glob("given-*.parquet"):
            old.unlink()
        for given, group in _by_source(rejections):
            path = self.root / REJECTIONS / f"given-{input_key(given)}.parquet"
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            pq.write_table(schema.rejections_table(given, group), tmp, compression=COMPRESSION)
            os.replace(tmp, path)

    # -- reading -----------------------------------------------------------------------------
    def dataset(self) -> pads.Dataset:
        """The committed articles as a pyarrow dataset (partition keys as string columns)."""
        return pads.dataset(
            self.root,
            schema=schema.ARTICLE_SCHEMA,
            format="parquet",
            partitioning=pads.partitioning(
                pa.schema([("date", pa.string()), ("language", pa.string())]), flavor="hive"
            ),
            ignore_prefixes=[".", "_"],
        )

    def rejections(self) -> pa.Table:
        files = (
            sorted((self.root / REJECTIONS).glob("*.parquet")) if (self.root / REJECTIONS).is_dir() else []
        )
        if not files:
            return schema.REJECTION_SCHEMA.empty_table()
        return pa.concat_tables([pq.read_table(f, schema=schema.REJECTION_SCHEMA) for f in files])


def _by_source(rejections: list[Rejection]) -> Iterator[tuple[str, list[Rejection]]]:
    groups: dict[str, list[Rejection]] = {}
    for r in rejections:
        groups.setdefault(r.source, []).append(r)
    yield from groups.items()


def read_articles(root: str | os.PathLike[str]) -> pa.Table:
    """Every committed article of the archive at ``root`` (:data:`~crisol.batch.schema.ARTICLE_SCHEMA`),
    sorted by id so two archives of the same inputs compare equal."""
    table = Archive(root).dataset().to_table()
    return table.sort_by("id")
