"""A store holding the annotated CLI fixtures, ingested (with analysis and linking) once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisol.cli import app

ANNOTATED = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "annotated"


@pytest.fixture(scope="session")
def annotated_db(tmp_path_factory) -> str:
    """tests/fixtures/cli/annotated/ (two Spanish text files, one English news-please record)
    ingested by `crisol ingest`, which analyses and links; shared by the entity, event and export
    tests so spaCy and the linker run once."""
    root = tmp_path_factory.mktemp("cli-annotated")
    db = root / "store.db"
    inputs = shutil.copytree(ANNOTATED, root / "annotated")
    result = CliRunner().invoke(app, ["--db", str(db), "ingest", str(inputs)])
    assert result.exit_code == 0, result.output
    return str(db)
