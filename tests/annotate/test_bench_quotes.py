"""Quality gate for quotation extraction on PolNeAR (English), on the first articles of the test
split to stay fast; the full split is ``crisol bench quotes`` (docs/bench/quotes.md)."""

from __future__ import annotations

import pytest

from crisol.bench import quotes as bench

SUBSET = 25  # articles; the full 84 take about 30-70 s on 2 shared cores


@pytest.mark.slow
@pytest.mark.shared
def test_quotes_quality_floors(shared):
    folder = shared / "data" / "polnear-quote-attribution" / "test"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    metrics = bench.run(folder, limit=SUBSET)
    assert metrics["articles"] == SUBSET
    low = {k: (metrics[k], floor) for k, floor in bench.FLOORS.items() if metrics[k] < floor}
    assert not low, f"below the floors (measured, floor): {low}"
