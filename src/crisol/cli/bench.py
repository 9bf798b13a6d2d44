"""``crisol bench NAME FILES... [--out FILE]``: quality and speed benchmarks as commands.

Each benchmark is a module in :mod:`crisol.bench` that defines ``command`` (a Typer command
function) and ``NAME``; they are discovered, so a new benchmark is a new file. Every benchmark
prints a readable report and ends its output with one line of JSON holding the metrics.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import crisol.bench as bench_pkg

bench_app = typer.Typer(help="Quality and speed benchmarks on real data.", no_args_is_help=True)


def _discover() -> None:
    for info in sorted(pkgutil.iter_modules(bench_pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{bench_pkg.__name__}.{info.name}")
        command = getattr(module, "command", None)
        if command is not None:
            name = getattr(module, "NAME", info.name.replace("_", "-"))
            bench_app.command(name)(command)


_discover()


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
