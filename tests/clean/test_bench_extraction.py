"""Quality gate: HTML main-text extraction on a subset of trafilatura's evaluation pages.

Runs crisol and plain trafilatura on the first GATE_PAGES pages (by file name; the full 260
take about 1.5 minutes for three systems, see docs/bench/extraction.md)."""

from __future__ import annotations

import pytest

from crisol.bench.extraction import FLOORS, GATE_PAGES, evaluate

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def test_extraction_floors(shared):
    folder = shared / "data" / "trafilatura-eval"
    if not (folder / "evaldata.json").is_file():
        pytest.skip("trafilatura-eval data not present")
    metrics, _ = evaluate(folder, limit=GATE_PAGES, only=["crisol", "trafilatura"])
    assert metrics["pages"] == GATE_PAGES
    for key, floor in FLOORS.items():
        assert metrics[key] >= floor, f"{key} {metrics[key]} fell below its floor {floor}"
    # the post-cleaning may only remove boilerplate: never lose recall against trafilatura
    assert metrics["crisol_recall"] >= metrics["trafilatura_recall"] - 0.005
    assert metrics["crisol_precision"] >= metrics["trafilatura_precision"]
