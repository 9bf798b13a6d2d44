"""Quality gate for ``crisol bench merge`` (the pairs table lives in docs/, so no ../shared needed)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crisol.bench import merge
from crisol.cli import app


def test_merge_bench_stays_above_its_floors():
    metrics, rows = merge.run(merge.DEFAULT_PAIRS)
    assert metrics["pairs"] >= 150
    expected = [r["expected"] for r in rows]
    assert 0.4 <= expected.count("merge") / len(expected) <= 0.6  # balanced table
    for name, floor in merge.FLOORS.items():
        assert metrics[name] >= floor, (name, metrics[name], [r for r in rows if not r["correct"]])
    for name, floor in merge.HELDOUT_FLOORS.items():
        assert metrics[f"heldout_{name}"] >= floor, (name, metrics)


def test_merge_bench_command_writes_results_and_ends_with_metrics(tmp_path):
    table = tmp_path / "pairs.tsv"
    table.write_text(
        "a\tb\tlabel_a_type\texpected\tnote\tcontext\n"
        "Moscú\tMoscow\tLOC\tmerge\tcity\t\n"
        "Raúl Castro\tFidel Castro\tPER\tdistinct\tbrothers\t\n"
        "Serguéi Lavrov\tLavron\tPER\tmerge\ttypo\tarticle\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["bench", "merge", str(table), "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert (metrics["tp"], metrics["tn"], metrics["pairs"]) == (2, 1, 3)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[2]["reasons"][0]["rule"] == "typo with context"


def test_merge_bench_names_a_bad_row(tmp_path):
    table = tmp_path / "pairs.tsv"
    table.write_text("a\tb\tlabel_a_type\texpected\tnote\nx\ty\tPER\tmaybe\tbad\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", "merge", str(table)])
    assert result.exit_code == 2
    assert "line 2" in result.output and "maybe" in result.output
