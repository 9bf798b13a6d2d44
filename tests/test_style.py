"""One style for the code: ruff's formatter and its lint rules (pyproject.toml), checked on
every test run so a change that drifts from them fails here, not in review."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> str:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is missing: install the dev extra (pip install -e '.[dev]')")
    return exe


@pytest.mark.parametrize("args", [["format", "--check", "--diff"], ["check"]], ids=["format", "lint"])
def test_the_code_keeps_one_style(args):
    done = subprocess.run(
        [_ruff(), *args, "src", "tests"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
