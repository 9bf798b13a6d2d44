"""Quality gate: line-level boilerplate removal on the seeds must stay above the floors."""

from __future__ import annotations

import pytest

from crisol.bench.boilerplate import DEFAULT_ANNOTATION, FLOORS, evaluate

pytestmark = pytest.mark.shared


def test_boilerplate_floors(shared):
    metrics, rows = evaluate(sorted((shared / "seeds").glob("*.txt")), DEFAULT_ANNOTATION)
    assert rows
    for key, floor in FLOORS.items():
        assert metrics[key] >= floor, f"{key} {metrics[key]} fell below its floor {floor}"


def test_boilerplate_command_ends_with_metrics(shared):
    import json

    from typer.testing import CliRunner

    from crisol.cli import app

    result = CliRunner().invoke(app, ["bench", "boilerplate"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["bench"] == "boilerplate"
