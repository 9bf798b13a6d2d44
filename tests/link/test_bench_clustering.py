"""`crisol bench clustering`: the scores themselves, and the quality gate on the examples stream."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from crisol.bench import clustering as cb
from crisol.store import open_store
from crisol.store.link import LinkStore

ROOT = Path(__file__).resolve().parents[2]


def test_pairwise_counts_pairs_of_articles():
    gold = {"a": "x", "b": "x", "c": "x", "d": "y"}
    # {a,b} right, c split from them, d right alone: 1 of 3 gold pairs found, no wrong pair
    r = cb.pairwise({"a": "1", "b": "1", "c": "2", "d": "3"}, gold)
    assert (r["p"], round(r["r"], 3)) == (1.0, 0.333)
    # everything in one cluster: all 3 gold pairs, 6 predicted pairs
    r = cb.pairwise({k: "1" for k in gold}, gold)
    assert (r["p"], r["r"]) == (0.5, 1.0)


def test_bcubed_per_article_averages():
    gold = {"a": "x", "b": "x", "c": "y"}
    r = cb.bcubed({"a": "1", "b": "1", "c": "1"}, gold)
    assert round(r["p"], 4) == round((2 / 3 + 2 / 3 + 1 / 3) / 3, 4) and r["r"] == 1.0
    assert cb.bcubed(gold, gold)["f1"] == 1.0


def test_labelled_pairs_and_components():
    r = cb.labelled_pairs([True, True, False, False], [True, False, True, False])
    assert (r["p"], r["r"]) == (0.5, 0.5)
    comp = cb.components("abcde", [("a", "b"), ("b", "c")])
    assert comp["a"] == comp["c"] != comp["d"] != comp["e"]


def test_read_gold_names_the_bad_line(tmp_path):
    path = tmp_path / "gold.tsv"
    path.write_text("# comment\nuno.txt\tA\ndos.txt A\n", encoding="utf-8")
    with pytest.raises(typer.BadParameter, match=r"gold.tsv \(line 3\)"):
        cb.read_gold(path)


def test_examples_gold_covers_every_example_article():
    gold = cb.read_gold(cb.GOLD_DIR / "examples_gold.tsv")
    assert sorted(set(gold.values())) == ["A", "B", "C"]
    assert {name.split("#")[0] for name in gold} <= {p.name for p in (ROOT / "examples").iterdir()}


def _stories_by_name(store) -> dict[str, str]:
    """What ``cb.ingest_stream`` reads back after its ingest: article name -> story id."""
    names = {a.id: Path(a.source).name + (f"#{a.location}" if a.location else "")
             for a in store.iter_articles()}  # fmt: skip
    stories = LinkStore(store).list_stories(limit=10_000).data
    return {names[i]: s.id for s in stories for i in s.articles if i in names}


def test_examples_stream_meets_floors(examples_url):
    """Gate: examples/ ingested with the real pipeline (it links; what ``cb.evaluate_examples`` does,
    here the session's examples store) scored against the gold."""
    with open_store(examples_url) as store:
        predicted = _stories_by_name(store)
    result = cb.score_stream(predicted, cb.read_gold(cb.GOLD_DIR / "examples_gold.tsv"))
    assert not result["missing"], result["missing"]
    assert result["pairwise"]["f1"] >= cb.FLOORS["examples_pairwise_f1"], result
    assert result["bcubed"]["f1"] >= cb.FLOORS["examples_bcubed_f1"], result
