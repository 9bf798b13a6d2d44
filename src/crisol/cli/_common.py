"""Helpers shared by the store commands (ingest, articles, article, export)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from enum import Enum

import typer
from rich.console import Console

from crisol.errors import StoreError


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


def open_store(ctx: typer.Context):
    """The store chosen by --db / CRISOL_DB, or a clear message and exit code 1."""
    from crisol.cli import settings  # cycle: crisol.cli imports the command modules, which import this one

    try:
        return settings(ctx).open_store()
    except StoreError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None


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
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if len(value) <= 10 and end_of_day:  # a bare date
        parsed = datetime.combine(parsed.date(), time.max)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


__all__ = ["err", "open_store", "parse_when"]
