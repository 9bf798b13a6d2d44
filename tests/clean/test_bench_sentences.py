"""Quality gate for the shared sentence splitter: `crisol bench sentences` stays above its floors."""

from __future__ import annotations

from crisol.bench import sentences as bench


def test_bench_sentences_meets_floors(shared):
    metrics, errors = bench.run(shared / "data", with_spacy=False)
    assert metrics["conll_crisol"]["boundaries"] > 2000  # CoNLL-2002 was read
    low = {k: (metrics[k], floor) for k, floor in bench.FLOORS.items() if metrics[k] < floor}
    assert not low, f"below the floors (measured, floor): {low}; first errors: {errors[:5]}"
