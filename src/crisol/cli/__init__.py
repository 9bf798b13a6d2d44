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
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

# One BLAS/OpenMP thread per process unless the environment says otherwise, set before numpy and
# the encoders load their libraries: an article's matrices are small, and on a busy machine the
# libraries' spare threads spin while they wait (`crisol bench stream` spent 1.6 times the CPU
# with them, for the same stories: docs/benchmarks.md, "One thread").
for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import typer  # noqa: E402

from crisol.cli._common import with_store_options  # noqa: E402

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
    ner: str = "fast"
    ner_model: Optional[Path] = None
    create: bool = False  # --create: make an empty store where --db names none
    db_before: Optional[str] = None  # --db as given before the command (to refuse a different one after it)

    def open_store(self, create: bool = False):
        """The store at ``db``; one that is not there yet is made only when ``create`` (the
        commands that store articles) or --create, else :class:`~crisol.errors.NotAStore`."""
        from crisol.store import open_store  # lazy: SQLAlchemy, which --help does not need

        return open_store(self.db, create=create or self.create)


class NerMode(str, Enum):
    fast = "fast"
    accurate = "accurate"


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            envvar="CRISOL_DB",
            help="Store: an SQLite file path or a database URL (postgresql://...), also accepted after "
            f"the command. Default: {DEFAULT_DB} in the working folder. Only ingest and watch make a "
            "new one (or --create).",
        ),
    ] = None,
    create: Annotated[
        bool, typer.Option("--create", help="Make an empty store where --db names none (any command).")
    ] = False,
    ner: Annotated[
        NerMode,
        typer.Option(
            "--ner",
            envvar="CRISOL_NER",
            help="Entity recogniser: 'fast' (spaCy speed, the default) or 'accurate' "
            "(the e5 encoder trained by 'crisol train ner', several times slower).",
        ),
    ] = "fast",
    ner_model: Annotated[
        Optional[Path],
        typer.Option(
            "--ner-model",
            envvar="CRISOL_NER_MODEL",
            help="Model folder for --ner: for 'accurate' the default is ~/.local/share/crisol/models/"
            "ner-accurate; for 'fast', a spaCy NER from 'crisol train ner-fast' (without it: the stock one).",
        ),
    ] = None,
) -> None:
    given = db if db is not None and ctx.get_parameter_source("db").name == "COMMANDLINE" else None
    ctx.obj = Settings(
        db=db or DEFAULT_DB, ner=NerMode(ner).value, ner_model=ner_model, create=create, db_before=given
    )
    if ctx.obj.ner != "fast" or ner_model is not None:
        _use_ner(ctx.obj)


def _use_ner(settings: Settings) -> None:
    from crisol.errors import ModelError
    from crisol.service.models import use_ner  # lazy: spaCy, which --help does not need

    try:
        use_ner(settings.ner, settings.ner_model)
    except ModelError as e:
        raise typer.BadParameter(str(e), param_hint="--ner / --ner-model") from None


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


def _store_options_everywhere(typer_app: typer.Typer) -> None:
    """--db and --create after the command name too, on every command (``crisol stories --db x.db``
    as ``crisol --db x.db stories``); the lazy benchmarks add them as they load."""
    for info in typer_app.registered_commands:
        info.callback = with_store_options(info.callback)
    for group in typer_app.registered_groups:
        _store_options_everywhere(group.typer_instance)


_register_commands()
_store_options_everywhere(app)


def main() -> None:
    app()


__all__ = ["app", "main", "settings", "Path"]
