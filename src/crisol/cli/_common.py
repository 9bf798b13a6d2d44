"""Helpers shared by the store commands (ingest, articles, article, export)."""

from __future__ import annotations

import functools
import inspect
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Callable, Optional

import typer
from rich.console import Console

from crisol.errors import NotAStore, StoreError
from crisol.model import parse_moment


class ListFormat(str, Enum):
    """How a listing prints: a table for people, JSON (the REST API's shape) for programs."""

    table = "table"
    json = "json"


class ShowFormat(str, Enum):
    """How one object prints: text for people, JSON (the REST API's shape) for programs."""

    text = "text"
    json = "json"


# Messages and progress go to stderr so stdout carries only the command's output.
err = Console(stderr=True, highlight=False)


def open_store(ctx: typer.Context, create: bool = False):
    """The store chosen by --db / CRISOL_DB. A path naming no store is a usage error (exit code
    2) unless ``create`` (the commands that store articles) or --create; a store that cannot be
    opened (locked, from a newer crisol) is a clear message and exit code 1."""
    from crisol.cli import settings  # cycle: crisol.cli imports the command modules, which import this one

    try:
        return settings(ctx).open_store(create)
    except NotAStore as e:
        hint = "; `crisol ingest` makes one, or add --create for an empty one" if e.creatable else ""
        raise typer.BadParameter(f"{e}{hint}", param_hint="--db") from None
    except StoreError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None


def check_store(ctx: typer.Context, create: bool = False) -> None:
    """:func:`open_store`'s errors now, for a command that opens the store later (a server)."""
    open_store(ctx, create).close()


# ---- --db and --create after the command name ---------------------------------------------------


def _db_after_command(ctx: typer.Context, value: Optional[str]) -> None:
    if value is None:
        return
    from crisol.cli import settings  # cycle: as above

    chosen = settings(ctx)
    if chosen.db_before not in (None, value):
        raise typer.BadParameter(
            f"given twice, {chosen.db_before!r} before the command and {value!r} after it: give one",
            param_hint="--db",
        )
    chosen.db = value


def _create_after_command(ctx: typer.Context, value: bool) -> None:
    if value:
        from crisol.cli import settings  # cycle: as above

        settings(ctx).create = True


DbAfter = Annotated[
    Optional[str],
    typer.Option(
        "--db",
        callback=_db_after_command,
        expose_value=False,
        show_default=False,
        rich_help_panel="Store",
        help="Store: an SQLite file path or a postgresql:// URL (as --db before the command; CRISOL_DB).",
    ),
]
CreateAfter = Annotated[
    bool,
    typer.Option(
        "--create",
        callback=_create_after_command,
        expose_value=False,
        rich_help_panel="Store",
        help="Make an empty store where --db names none.",
    ),
]


def with_store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` also taking --db and --create after its name. The options only set the global
    settings (their callbacks run after the root's callback), so ``command`` never sees them."""
    if getattr(command, "takes_store_options", False):
        return command
    signature = inspect.signature(command, eval_str=True)
    clash = {"db", "create"} & set(signature.parameters)
    if clash:
        raise TypeError(f"{command.__qualname__}: parameters {sorted(clash)} clash with --db / --create")

    extra = {"db": (DbAfter, None), "create": (CreateAfter, False)}

    @functools.wraps(command)
    def taking_store_options(*args: Any, **kwargs: Any) -> Any:
        for name in extra:  # typer passes every parameter of the signature (here: their defaults)
            kwargs.pop(name, None)
        return command(*args, **kwargs)

    added = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
        for n, (a, d) in extra.items()
    ]
    taking_store_options.__signature__ = signature.replace(
        parameters=[*signature.parameters.values(), *added]
    )
    taking_store_options.__annotations__ = {
        **{p.name: p.annotation for p in signature.parameters.values()},
        **{name: annotation for name, (annotation, _) in extra.items()},
    }
    taking_store_options.takes_store_options = True
    return taking_store_options


def parse_when(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """An ISO 8601 date or date-time from the command line, as an aware datetime (UTC if naive).

    A bare date means the start of that day, or its end when ``end_of_day`` (so ``--until
    2025-07-12`` includes the 12th).

    >>> parse_when("2025-07-12", end_of_day=True).isoformat()
    '2025-07-12T23:59:59.999999+00:00'
    """
    if value is None:
        return None
    try:
        return parse_moment(value, end_of_day)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


def option_when(value: str | None, option: str, end_of_day: bool = False) -> datetime | None:
    """:func:`parse_when` for the option named ``option`` (the error names it)."""
    try:
        return parse_when(value, end_of_day=end_of_day)
    except typer.BadParameter as e:
        e.param_hint = option
        raise


__all__ = ["check_store", "err", "open_store", "option_when", "parse_when", "with_store_options"]
