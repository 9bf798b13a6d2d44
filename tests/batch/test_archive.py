"""``crisol batch`` without Ray: the archive, its rejections, resuming, and no drift from ingest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crisol.batch import engines, schema
from crisol.batch.archive import MANIFEST, Archive, ArchiveBusy, read_articles
from crisol.batch.engines import run
from crisol.bench.batch import same_article

ROOT = Path(__file__).resolve().parents[2]


def test_every_article_lands_in_its_date_and_language_partition(local_archive, expected):
    table = read_articles(local_archive)
    assert table.num_rows == expected.articles
    assert sorted(set(table.column("language").to_pylist())) == ["en", "es"]
    for row in table.select(["date", "language", "published"]).to_pylist():
        assert row["date"] == row["published"].date().isoformat()
    files = sorted(
        p.relative_to(local_archive).parts[:2] for p in local_archive.glob("date=*/language=*/*.parquet")
    )
    assert ("date=2025-06-02", "language=es") in files and ("date=2025-06-05", "language=en") in files


def test_the_files_hold_the_schema_without_the_partition_keys(local_archive):
    for path in local_archive.glob("date=*/language=*/*.parquet"):
        assert pq.read_schema(path).equals(schema.FILE_SCHEMA)


def test_rejections_are_kept_with_their_reasons(local_archive, expected):
    rejected = Archive(local_archive).rejections().to_pylist()
    assert len(rejected) == expected.files * expected.rejected_per_file
    reasons = sorted({r["reason"].split(":")[0] for r in rejected})
    assert reasons == [
        "HTTP 200 response with an empty body",
        "no main text found in HTML",
        "truncated gzip stream",
    ]
    assert all(r["location"].startswith("record ") for r in rejected)
    manifest = Archive(local_archive).entries().values()
    assert sum(e["rejected"] for e in manifest) == len(rejected)


def test_the_archive_round_trips_through_the_schema(local_archive):
    table = read_articles(local_archive)
    back = schema.from_table(table)
    again = schema.to_table([a for a, _ in back], [e for _, e in back])
    assert again.equals(table.select(schema.ARTICLE_SCHEMA.names).cast(schema.ARTICLE_SCHEMA))
    assert all(a.analysis == "full" and a.sentences and a.mentions for a, _ in back)


def test_the_batch_core_keeps_what_ingest_stores(crawl, local_archive, tmp_path):
    """The same stages as ``crisol ingest``: stored articles equal the archive's, field by field."""
    from crisol.service.runner import Runner
    from crisol.store import open_store

    store = open_store(str(tmp_path / "ingest.db"))
    report = Runner(store, link=False).run([str(p) for p in crawl])
    stored = {a.id: a for a in store.iter_articles(with_raw=True)}
    archived = {a.id: a for a, _ in schema.from_table(read_articles(local_archive))}
    assert sorted(stored) == sorted(archived)
    for aid, a in archived.items():
        assert same_article(a, stored[aid]), aid
    ingest_reasons = sorted((r.location, r.reason) for r in report.rejected)
    batch_reasons = sorted(
        (r["location"], r["reason"]) for r in Archive(local_archive).rejections().to_pylist()
    )
    assert ingest_reasons == batch_reasons


def test_a_rerun_skips_finished_inputs_and_adds_no_row(crawl, tmp_path):
    out = tmp_path / "archive"
    first = run([str(crawl[0])], out, engine="local")
    assert (first.done, first.skipped) == (1, 0)
    again = run([str(p) for p in crawl[:2]], out, engine="local")
    assert (again.inputs, again.skipped, again.done) == (2, 1, 1)
    table = read_articles(out)
    assert table.num_rows == len(set(table.column("id").to_pylist())) == first.articles + again.articles
    assert len((out / MANIFEST).read_text().splitlines()) == 2


def test_a_commit_cut_short_is_undone_and_redone(crawl, tmp_path, monkeypatch):
    """Killed between renaming an input's files into place and recording it finished: the next
    run removes what was renamed, processes the input again, and ends with each row once."""
    out = tmp_path / "archive"
    real_append = Archive._append

    def crash(self, entry):
        raise KeyboardInterrupt("killed before the manifest line")

    monkeypatch.setattr(Archive, "_append", crash)
    with pytest.raises(KeyboardInterrupt):
        run([str(crawl[1])], out, engine="local")
    assert list(out.glob("date=*/language=*/*.parquet"))  # renamed into place ...
    assert Archive(out).entries() == {}  # ... but not finished
    monkeypatch.setattr(Archive, "_append", real_append)
    with Archive(out):  # opening recovers: the unfinished files go
        assert not list(out.glob("date=*/language=*/*.parquet"))
    report = run([str(crawl[1])], out, engine="local")
    assert report.done == 1 and read_articles(out).num_rows == report.articles == 2


def test_a_changed_input_replaces_its_rows(crawl, tmp_path):
    out, shard = tmp_path / "archive", tmp_path / "shard.warc.gz"
    shard.write_bytes(crawl[0].read_bytes())
    run([str(shard)], out, engine="local")
    shard.write_bytes(crawl[2].read_bytes())  # the same path, other contents
    report = run([str(shard)], out, engine="local")
    assert report.done == 1
    table = read_articles(out)
    assert table.num_rows == report.articles
    assert set(table.column("title").to_pylist()) & {"Peru and Chile open talks on a new trade agreement"}


def test_articles_compare_as_the_store_keeps_times():
    from datetime import datetime, timezone

    from crisol.model import Article

    naive = Article(
        id="x", source="-", raw=b"", raw_format="text", text="x", published=datetime(2025, 6, 1, 12)
    )
    stored = Article(**{**naive.__dict__, "published": datetime(2025, 6, 1, 12, tzinfo=timezone.utc)})
    assert same_article(naive, stored)
    assert not same_article(naive, Article(**{**naive.__dict__, "published": datetime(2025, 6, 1, 13)}))
    assert not same_article(naive, Article(**{**naive.__dict__, "title": "otro"}))


def test_a_second_run_on_the_same_archive_is_refused(tmp_path):
    with Archive(tmp_path / "a"):
        with pytest.raises(ArchiveBusy, match="another crisol batch run"):
            Archive(tmp_path / "a").__enter__()


@pytest.mark.slow
def test_killed_and_run_again_every_article_is_there_once(crawl, tmp_path, expected):
    """SIGKILL once the first input is recorded, then the same command again."""
    inputs = []
    for k in range(2):  # six inputs, so the kill lands with some unfinished
        for p in crawl:
            copy = tmp_path / "in" / f"{k}-{p.name}"
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(p.read_bytes())
            inputs.append(str(copy))
    out = tmp_path / "archive"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    code = "from crisol.cli import main; main()"
    command = [sys.executable, "-c", code, "batch", *inputs, "--out", str(out), "--engine", "local"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / MANIFEST).exists() and (out / MANIFEST).read_text().strip():
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    finished_before = len(Archive(out).entries())
    assert finished_before >= 1
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 1, again.stderr  # 1: the hostile records were rejected
    assert f"{finished_before} finished before (skipped)" in again.stderr
    table = read_articles(out)
    ids = table.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 2 * expected.articles
    manifest = [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()]
    assert len({e["key"] for e in manifest}) == len(inputs) == len(manifest)
    assert not list(out.glob("_staging/*")) and not list(out.glob("_commits/*"))


def test_without_ray_the_error_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(engines.EngineUnavailable, match=r"crisol\[batch\].*--engine local"):
        engines.import_ray()


def test_the_examples_round_trip_through_the_schema():
    """Every input format of examples/ (WARC, HTML, text, RSS, JSON Lines), a Portuguese article
    analysed only in part and an undated one: the table gives back the same articles."""
    from crisol.batch.process import Processor

    processed = Processor(warm=False)(str(ROOT / "examples"))
    table = processed.articles
    assert table.num_rows == 12 and not processed.rejections
    assert {"undated", "2025-10-09"} <= set(table.column("date").to_pylist())
    assert {"es", "en", "pt"} == set(table.column("language").to_pylist())
    back = schema.from_table(table)
    assert schema.to_table([a for a, _ in back], [e for _, e in back]).equals(table)


def test_the_command_names_its_rejections_and_exits_1(crawl, tmp_path):
    from typer.testing import CliRunner

    from crisol.cli import app

    listed = tmp_path / "inputs.txt"
    listed.write_text(f"# one crawl file\n{crawl[0]}\n\n", encoding="utf-8")
    out = tmp_path / "archive"
    args = [
        "batch",
        "--list",
        str(listed),
        str(tmp_path / "missing.warc.gz"),
        "--out",
        str(out),
        "--engine",
        "local",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "missing.warc.gz: no such file or folder" in result.output
    assert "HTTP 200 response with an empty body" in result.output
    assert read_articles(out).num_rows == 2

    again = CliRunner().invoke(app, ["batch", "--list", str(listed), "--out", str(out), "--engine", "local"])
    assert again.exit_code == 0 and "1 finished before (skipped)" in again.output


def test_the_command_wants_inputs():
    from typer.testing import CliRunner

    from crisol.cli import app

    result = CliRunner().invoke(app, ["batch", "--out", "x"])
    assert result.exit_code == 2 and "give inputs" in result.output
