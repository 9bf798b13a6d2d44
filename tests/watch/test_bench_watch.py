"""Gate for ``crisol bench watch`` on a subset (10 outlets, 300 articles, 20 simulated minutes):
everything stored, nothing fetched twice, politeness kept at the server. No throughput is
asserted (the machine is shared); the full run's numbers are in docs/bench/watch.md.

The benchmark brings its own loopback server and generated articles, so it needs no ../shared.
"""

from __future__ import annotations

import pytest

from crisol.bench import watch as bench


@pytest.mark.slow
def test_watch_bench_subset_meets_the_floors():
    m = bench.run(sources=10, articles=300, delay=0.2, workers=8, sim_seconds=1200).metrics
    assert m["stored"] == 300 and m["failed"] == 0
    for key in ("stored_share", "politeness_ok", "sim_stored_share"):
        assert m[key] >= bench.FLOORS[key], (key, m[key])
    for key in ("fetched_twice", "fetched_twice_both_phases"):
        assert m[key] <= bench.FLOORS[key], (key, m[key])
    assert m["max_requests_per_host_per_s"] <= m["allowed_per_s"] and m["min_gap_s"] >= 0.2
    assert m["sim_politeness_ok"] == 1 and m["sim_feeds_not_modified"] > 0 and m["pending_left"] == 0


def test_the_politeness_measure_counts_half_open_seconds():
    assert bench.max_per_second([0.0, 0.5, 1.0, 1.5]) == 2
    assert bench.max_per_second([0.0, 0.1, 0.2]) == 3
    assert bench.min_gap([3.0, 1.0, 1.25]) == 0.25


def test_generated_articles_are_distinct_and_deterministic():
    pages = {bench.article_html(s, n)[1] for s in range(3) for n in range(20)}
    assert len(pages) == 60 and bench.article_html(1, 5) == bench.article_html(1, 5)
