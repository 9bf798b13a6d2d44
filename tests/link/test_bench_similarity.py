"""Quality gate: same-story similarity on SemEval-2022 Task 8 pairs (held-out part)."""

import zlib

import pytest

from crisol.bench import similarity as bench


@pytest.mark.slow
def test_similarity_on_heldout_pairs_stays_above_floors(shared):
    rows = bench.load_pairs(shared / "data" / "semeval2022-task8" / "pairs.jsonl")
    # every es-es pair, and a fixed sample of the others, to keep CI short (the full run is
    # `crisol bench similarity`)
    rows = [
        r
        for r in rows
        if (r["lang1"], r["lang2"]) == ("es", "es") or zlib.crc32(r["pair_id"].encode()) % 5 == 1
    ]
    report = bench.evaluate(rows)
    held_es = report["per_language"]["es-es"]["crisol"]
    assert held_es >= bench.FLOORS["heldout_es-es"], report["per_language"]["es-es"]
    assert report["heldout_all_crisol"] >= bench.FLOORS["heldout_all"], report["heldout_all_crisol"]
    # the learned combination must not fall far behind its strongest single feature
    assert report["heldout_all_crisol"] >= report["heldout_all_embedding"] - 0.03
