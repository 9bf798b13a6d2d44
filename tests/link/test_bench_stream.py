"""`crisol bench stream`: the helpers, and the quality gates on CI's subset of the real stream."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crisol.bench import stream as bs
from crisol.cli import app


def test_tenths_split_the_stream_by_articles():
    per_batch = [(10, 1.0)] * 10  # ten batches of ten articles, 100 CPU-ms each
    assert bs.tenths(per_batch) == [100.0] * 10
    assert bs.tenths([(50, 1.0), (50, 3.0)])[:2] == [20.0, 60.0]


def test_size_counts_and_floors():
    assert bs.size_counts({"a": ["1"], "b": ["1", "2", "3"], "c": list("123456789012")}) == {
        "1": 1,
        "2": 0,
        "3-5": 1,
        "6-10": 0,
        "11-50": 1,
        ">50": 0,
    }
    good = {
        "semeval_1.5_bcubed_p": 0.9,
        "semeval_2.0_labelled_p": 0.9,
        "coherence_weak_share": 0.0,
        "examples_pairwise_f1": 1.0,
        "seeds_pairwise_f1": 1.0,
    }
    assert bs.check_floors(good) == []
    assert bs.check_floors({**good, "coherence_weak_share": 0.5}) == ["coherence_weak_share = 0.5 > 0.1"]
    assert bs.check_floors({**good, "seeds_pairwise_f1": 0.8})


@pytest.mark.slow
def test_ci_subset_meets_the_quality_floors(shared, tmp_path):
    """CI's subset: 150 SemEval pairs, 150 fake-news records, examples and seeds, streamed in
    batches of 50 through the real ingest path; exits 1 below a floor."""
    out = tmp_path / "audit.jsonl"
    r = CliRunner().invoke(app, ["bench", "stream", "--sample", "150", "--batch", "50", "--out", str(out)])
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.exit_code == 0, r.output
    assert metrics["benchmark"] == "stream" and metrics["articles"] > 400
    assert metrics["seeds_pairwise_f1"] == 1.0 and metrics["examples_pairwise_f1"] >= 0.9
    assert len(metrics["cpu_ms_per_article_tenths"]) >= 5
    assert out.exists()
