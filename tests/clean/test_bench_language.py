"""Quality gate for language identification: `crisol bench language` stays above its floors."""

from __future__ import annotations

from crisol.bench import language as bench


def test_bench_language_meets_floors(shared):
    metrics, rows = bench.run(bench.build_cases(shared / "data", bench.DEFAULT_SHORT, 60))
    assert metrics["sets"]["es-article-caps-headline"]["n"] == 60  # the corpora were read
    assert metrics["article_accuracy"] >= bench.FLOORS["article_accuracy"]
    assert metrics["short_accuracy"] >= bench.FLOORS["short_accuracy"]
    assert metrics["short_wrong_max"] <= bench.FLOORS["short_wrong_max"], [
        r for r in rows if r["got"] != r["expected"]
    ]
