"""The ``crisol`` command line: a thin layer over the library.

Each command lives in its own module of this package and exposes ``register(app)``; this module
only assembles them (discovered with pkgutil, so adding a command is adding a file). Library code
raises; only this layer turns errors into exit codes: 0 ok, 1 some inputs rejected, 2 usage error.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

DEFAULT_DB = "crisol.db"

app = typer.Typer(
    name="crisol",
    help="News monitoring: read, clean, analyse and link coverage across outlets.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@dataclass
class Settings:
    """What the global options chose; commands read it from ``ctx.obj``."""

    db: str

    def open_store(self):
        from crisol.store import open_store  # lazy: SQLAlchemy, which --help does not need

        return open_store(self.db)


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            envvar="CRISOL_DB",
            help="Store: an SQLite file path or a database URL (postgresql://...). "
            f"Default: {DEFAULT_DB} in the working folder.",
        ),
    ] = None,
) -> None:
    ctx.obj = Settings(db=db or DEFAULT_DB)


def settings(ctx: typer.Context) -> Settings:
    """The global settings, also when a command is invoked from a sub-app."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings(db=os.environ.get("CRISOL_DB") or DEFAULT_DB)
    return root.obj


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    app()


__all__ = ["app", "main", "settings", "Path"]
