"""`crisol bench link-archive`: the synthetic archive is written as crisol batch writes one, and a
small run meets the quality floors (stories recovered, chunks agreeing with one chunk)."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from crisol.batch import schema
from crisol.batch.linking import partitions
from crisol.bench import link_archive as la
from crisol.bench import link_speed as ls

REAL = 60


@pytest.fixture(scope="module")
def pool_cache(shared, tmp_path_factory):
    cache = tmp_path_factory.mktemp("link_archive") / "pool.npz"
    ls.load_or_profile(shared, REAL, cache)
    return cache


def test_the_synthetic_archive_has_the_archive_layout_and_the_linker_embeddings(shared, pool_cache, tmp_path):
    pool = ls.load_or_profile(shared, REAL, pool_cache)
    gold = la.write_archive(pool, 300, tmp_path / "a", per_day=100)
    parts = partitions(tmp_path / "a")
    assert sum(pq.read_metadata(f).num_rows for p in parts for f in p.files) == len(gold) == 300
    assert len({p.date for p in parts}) == 3  # 100 a day
    rows = [
        schema.from_row({**row, "language": p.language})
        for p in parts
        for f in p.files
        for row in pq.read_table(f, schema=schema.FILE_SCHEMA).to_pylist()
    ]
    assert all(len(embedding) == schema.EMBEDDING_DIM for _, embedding in rows)
    assert sum(1 for article, _ in rows if article.mentions) > len(rows) / 2  # names as mentions


@pytest.mark.slow
def test_a_small_run_meets_the_floors(shared, pool_cache, capsys):
    la.command(
        sizes="300,600", per_day=100, period=2, real=REAL, cache=pool_cache, data=shared, out=None, check=True
    )
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert metrics["benchmark"] == "link-archive" and metrics["sizes"] == [300, 600]
    assert metrics["chunked_replayed_per_article"] > 0
