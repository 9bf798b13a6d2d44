"""Quality gate for ``crisol bench ingest`` on a subset (the first 150 corpus records, 15 HTML
pages): what the pipeline keeps must not drop below the floors. No timing is asserted."""

from __future__ import annotations

import pytest

from crisol.bench import ingest as bench


@pytest.mark.slow
@pytest.mark.shared
def test_ingest_keeps_what_the_floors_require(shared):
    corpus = [shared / bench.CORPUS / "train.jsonl"]
    html = shared / bench.HTML_DIR
    metrics, timings = bench.run(corpus, html if html.is_dir() else None, limit=150, html_limit=15)
    assert metrics["articles"] == 150
    below = {
        k: (metrics[k], floor) for k, floor in bench.FLOORS.items() if k in metrics and metrics[k] < floor
    }
    assert not below, f"below floor (value, floor): {below}"
    assert [t.items for t in timings][:2] == [150, 150]
