"""``crisol attention``: the per-period table, the top lists, json and CSV as the API answers,
comparison, entity by name, and clear errors; on the store of tests/fixtures/attention/coverage.py."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app

COVERAGE = Path(__file__).resolve().parents[1] / "fixtures" / "attention" / "coverage.py"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    spec = importlib.util.spec_from_file_location("crisol_test_attention_coverage", COVERAGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = str(tmp_path_factory.mktemp("cli-attention") / "store.db")
    module.build_store(path).close()
    return path


def run(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, "attention", *args])


def cells(output: str) -> list[list[str]]:
    """The body rows of the tables in ``output``, each as its stripped cells."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if "│" in line]


def test_table_per_period_and_top_lists(db):
    result = run(db, "huelga", "--interval", "week")
    assert result.exit_code == 0, result.output
    rows = cells(result.stdout)
    # week of the 3rd: 5 articles, 3 outlets, 2 independent sources (a copy, a rewrite and one
    # EFE story run twice); week of the 10th: the unknown outlet's article; totals last
    assert rows[:3] == [
        ["2025-03-03", "5", "3", "2"],
        ["2025-03-10", "1", "1", "1"],
        ["total", "6", "4", "3"],
    ]
    assert "Diario Norte (2)" in result.stdout and "es (6)" in result.stdout
    assert "Almarza (6)" in result.stdout and "huelga" in result.stdout.split("top in")[1]


def test_json_is_the_api_answer_and_csv_its_timeline(db):
    data = json.loads(run(db, "huelga", "--compare", "feria", "--format", "json").stdout)["data"]
    assert [d["label"] for d in data] == ["huelga", "feria"]
    assert data[0]["totals"] == {"articles": 6, "outlets": 4, "independent_sources": 3, "undated": 0}
    csv = run(db, "--story", "fair", "--interval", "week", "--csv").stdout.splitlines()
    assert csv == [
        "selection,period,articles,outlets,independent_sources",
        "story fair,2025-03-03,1,1,1",
        "story fair,2025-03-10,2,2,2",
    ]


def test_comparison_shows_both_side_by_side_and_filters_apply(db):
    result = run(db, "huelga", "--compare", "feria", "--outlet", "gaceta", "--interval", "week")
    assert result.exit_code == 0, result.output
    assert "huelga: articles" in result.stdout and "feria: articles" in result.stdout
    assert ["2025-03-03", "1", "1", "1", "1", "1", "1"] in cells(result.stdout)


def test_entity_by_name_and_errors(db):
    by_name = json.loads(run(db, "--entity", "Almarza", "--format", "json").stdout)["data"][0]
    assert by_name["entity"] == "e-almarza" and by_name["totals"]["articles"] == 6
    missing = run(db, "--entity", "Nowhere")
    assert missing.exit_code == 1 and "no entity named 'Nowhere'" in missing.output
    assert run(db, "huelga", "--interval", "month").exit_code == 2
    assert run(db, "huelga", "--since", "March").exit_code == 2
    nothing = run(db, "zzzz")
    assert nothing.exit_code == 0 and "no article for 'zzzz'" in nothing.output
