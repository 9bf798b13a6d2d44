"""``crisol query "SQL" --archive DIR``: SQL over a Parquet archive (or a store's Parquet export)
with DuckDB, read-only; views ``articles``, ``mentions``, ``quotes``, ``events``, ``rejections``.

Output as a table (at most ``--max-rows`` rows), CSV or JSON Lines (every row). Exit code 0 when
the query ran, 2 for bad SQL or a statement that is not a read, 1 when the archive cannot be read.
"""

from __future__ import annotations

import base64
import csv
import json
import sys
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import err


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


def plain(value: Any) -> Any:
    """A DuckDB value as JSON has it: times in ISO 8601, bytes in base64, lists and structs kept.

    >>> plain({"at": datetime(2025, 10, 9, 11, 15), "raw": b"hi", "n": [Decimal("1.5")]})
    {'at': '2025-10-09T11:15:00', 'raw': 'aGk=', 'n': [1.5]}
    """
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _table(columns: list[str], rows: Iterator[tuple[Any, ...]], max_rows: int) -> None:
    table = Table(*columns, show_lines=False)
    shown = 0
    for row in rows:
        if shown == max_rows:
            left = 1 + sum(1 for _ in rows)
            err.print(
                f"{left:,} more rows not shown: --max-rows, or --format csv/jsonl for all", markup=False
            )
            break
        table.add_row(*(_cell(v) for v in row))
        shown += 1
    Console(highlight=False).print(table)
    err.print(f"{shown:,} rows", markup=False)


def query_command(
    sql: Annotated[Optional[str], typer.Argument(help="One SELECT over the views (see --help).")] = None,
    archive: Annotated[
        Path,
        typer.Option(
            "--archive",
            "-a",
            envvar="CRISOL_ARCHIVE",
            help="An archive folder (crisol batch --out) or a Parquet file (crisol export --format parquet).",
        ),
    ] = ...,
    recipe: Annotated[
        Optional[str],
        typer.Option("--recipe", help="Run a documented query instead of SQL (see docs/batch.md)."),
    ] = None,
    format: Annotated[QueryFormat, typer.Option("--format", help="table, csv or jsonl.")] = QueryFormat.table,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Rows a table shows.")] = 100,
) -> None:
    """SQL over a Parquet archive with DuckDB, read-only. Views: articles (every column of the
    archive's schema), mentions, quotes and events (one row per annotation, after article_id,
    outlet, published and language), rejections. Recipes: top-entities-per-week,
    articles-per-outlet, events-by-type."""
    try:
        from crisol.batch.query import RECIPES, QueryError, connect, query  # lazy: DuckDB
    except ImportError as e:
        from crisol.batch import EXTRA_HINT

        err.print(f"error: crisol query needs pyarrow and DuckDB ({e}): {EXTRA_HINT}", markup=False)
        raise typer.Exit(2) from None
    if (sql is None) == (recipe is None):
        raise typer.BadParameter("give SQL or --recipe NAME (one of them)", param_hint="SQL")
    if recipe is not None and recipe not in RECIPES:
        raise typer.BadParameter(
            f"no recipe {recipe!r}; recipes: {', '.join(sorted(RECIPES))}", param_hint="--recipe"
        )
    try:
        with connect(archive) as con:
            try:
                result = query(con, sql if sql is not None else RECIPES[recipe])
            except QueryError as e:
                err.print(f"error: {e}", markup=False, soft_wrap=True)
                raise typer.Exit(2) from None
            _write(result, format, max_rows)
    except QueryError as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _write(result, format: QueryFormat, max_rows: int) -> None:
    if format is QueryFormat.table:
        _table(result.columns, result.rows, max_rows)
    elif format is QueryFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([_cell(v) for v in row])
    else:
        for row in result.rows:
            sys.stdout.write(
                json.dumps(dict(zip(result.columns, plain(list(row)))), ensure_ascii=False) + "\n"
            )


def register(app: typer.Typer) -> None:
    app.command("query")(query_command)
