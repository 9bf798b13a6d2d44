"""`crisol bench link-speed`: a tiny run completes and reports its metrics (no timing asserts)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from crisol.bench import link_speed as ls


def test_synthetic_stream_is_ordered_and_made_of_real_material(shared):
    pool = ls.bases(ls.real_texts(shared, 30))
    items = list(ls.stream(pool, 1000))
    times = [item.time for _, _, item in items]
    assert times == sorted(times) and times[0] < times[-1]
    for _, text, item in items[:20]:
        assert abs(np.linalg.norm(item.profile.embedding) - 1) < 1e-4
        assert item.profile.terms and len(text) > 50
    sizes = Counter(key for key, _, _ in items)
    # the first ACTIVE articles open the active stories, later ones mostly join them
    assert ls.ACTIVE <= len(sizes) < len(items) and max(sizes.values()) >= 3


def test_tiny_run_outputs_metrics_line(shared, capsys, tmp_path):
    out = tmp_path / "windows.jsonl"
    ls.command(sizes="1000,2000", real=100, window=500, budget=3600.0, max_rss=50_000.0, per_day=2000, data=shared, out=out)
    lines = capsys.readouterr().out.strip().splitlines()
    metrics = json.loads(lines[-1])
    assert metrics["benchmark"] == "link-speed" and metrics["articles"] == 2000
    assert metrics["ms_at_1000"] > 0 and metrics["ms_at_2000"] > 0 and metrics["rss_mb_at_2000"] > 0
    # the generator's stories are well separated: the clusterer must recover most of them
    assert metrics["synthetic_pairwise_f1"] >= 0.9
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["size"] for r in rows] == [500, 1000, 1500, 2000]
