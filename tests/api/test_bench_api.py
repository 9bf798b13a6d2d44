"""Quality gate for ``crisol bench api``: a small store (1,000 articles, SQLite, 1 s per
endpoint) must keep every read endpoint answering, fast enough, while an ingest runs beside.

The full run (100k articles, both engines) is in docs/bench/api.md; the floors in
crisol.bench.api.FLOORS are set well below it because the machine is shared (2 cores).
"""

from __future__ import annotations

import pytest

from crisol.bench.api import CORPUS, FLOORS, bench_api


@pytest.mark.slow
def test_api_bench_meets_its_floors(shared, tmp_path):
    metrics, results = bench_api(
        shared / "data" / CORPUS,
        articles=1000,
        seconds=1,
        connections=4,
        sqlite_db=tmp_path / "bench.db",
        pg_url=None,
    )
    assert {r["endpoint"] for r in results} >= {
        "articles",
        "article",
        "search_common",
        "events",
        "attention",
        "ingest_beside",
    }
    assert metrics["error_rate"] <= FLOORS["max_error_rate"], results
    assert metrics["min_rps"] >= FLOORS["min_rps"], results
    assert metrics["max_p99_ms"] <= FLOORS["max_p99_ms"], results
    assert metrics["min_ingest_articles_per_s"] >= FLOORS["min_ingest_articles_per_s"], results
