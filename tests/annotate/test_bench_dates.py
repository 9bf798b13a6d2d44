"""Quality gate for the date resolver: `crisol bench dates` must stay above its floors."""

from __future__ import annotations

from crisol.bench.dates import DEFAULT_SEED_TABLE, DEFAULT_SENTENCES, DEFAULT_TABLES, FLOORS, run


def test_bench_dates_meets_floors(shared):
    metrics, results = run(
        DEFAULT_TABLES,
        shared / "seeds",
        DEFAULT_SEED_TABLE,
        compare=False,
        sentence_tables=[DEFAULT_SENTENCES],
    )
    assert metrics["seed_occurrences"] >= 30  # the seed table was read, not skipped
    failures = [r for r in results if not r["ok"]]
    for name, floor in FLOORS.items():
        assert metrics[name] >= floor, f"{name} {metrics[name]} < floor {floor}; failures: {failures[:10]}"
