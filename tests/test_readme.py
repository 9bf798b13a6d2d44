"""The README's "Python API" examples run as written, outputs compared as doctests: in a folder
whose crisol.db is examples/ ingested (what the README says made it)."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def python_blocks(title: str) -> str:
    """The ```python blocks of the README's section ``## title``, one after the other."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert found, f"README.md has no section {title!r}"
    return "\n".join(re.findall(r"^```python\n(.*?)^```$", found.group(1), re.S | re.M))


def test_the_python_api_examples_run_as_written(examples_db, tmp_path, monkeypatch):
    shutil.copyfile(examples_db, tmp_path / "crisol.db")  # story views are stored when first read
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(
        python_blocks("Python API"), {}, "README: Python API", "README.md", 0
    )
    assert len(test.examples) >= 10, "the section's examples were not found"
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("crisol.db")) == []
