"""``crisol bench NAME FILES... [--out FILE]``: quality and speed benchmarks as commands.

Each benchmark is a module in :mod:`crisol.bench` that defines ``command`` (a Typer command
function) and ``NAME``, listed in :data:`crisol.bench.BENCHES`. Every benchmark prints a readable
report and ends its output with one line of JSON holding the metrics.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from crisol.bench import BENCHES, load_command
from crisol.cli._common import with_store_options


class LazyBenchGroup(TyperGroup):
    """The benchmarks, listed from the registry; a benchmark's module is imported only when that
    benchmark is run (or its own --help shown), as several of them import spaCy or numpy."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, bench in BENCHES.items():  # stand-ins that only name and describe the benchmark
            self.add_command(TyperCommand(name, help=bench.help, rich_markup_mode=self.rich_markup_mode))

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        name, stand_in, rest = super().resolve_command(ctx, args)
        if stand_in is None:
            return name, stand_in, rest
        return name, self._real_command(name), rest

    def _real_command(self, name: str) -> TyperCommand:
        single = typer.Typer(add_completion=False, rich_markup_mode=self.rich_markup_mode)
        single.command(name)(with_store_options(load_command(name)))  # --db after it, as every command
        return typer.main.get_command(single)


bench_app = typer.Typer(
    cls=LazyBenchGroup, help="Quality and speed benchmarks on real data.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
