"""``crisol export``: stored data as JSON Lines or CSV, to stdout or a file.

``--what`` chooses articles (the default), entities (the registry), quotes or events.
``--format parquet`` writes the articles to a file in the Parquet archive's schema (annotations
nested, embeddings where the store holds them), for ``crisol query --archive FILE``.

Each kind of export (``--what``) is one :class:`Exporter` in :data:`EXPORTERS`: a function
yielding plain dicts from the store and the CSV columns. JSON Lines writes each dict whole; CSV
writes the columns, with lists and objects as JSON text. Field names are kept forever.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Optional, TextIO

import typer

from crisol.cli._common import err, open_store, parse_when
from crisol.cli.outlets import spellings_or_exit
from crisol.service import exports
from crisol.service.exports import EVENT_CSV_COLUMNS, event_csv_row
from crisol.store import Database
from crisol.store.queries import ArticleFilter


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@dataclass
class Exporter:
    rows: Callable[..., Iterator[dict[str, Any]]]  # (store, **filters) -> dicts
    columns: list[str]  # CSV columns, in order
    flat: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # dict -> CSV row, when nested
    article_filters: bool = True  # whether --outlet/--language/--since/--until apply


def article_rows(store: Database, **filters: Any) -> Iterator[dict[str, Any]]:
    """Articles in the public shape of :meth:`Article.to_dict`."""
    for article in store.iter_articles(**filters):
        yield article.to_dict()


ARTICLE_COLUMNS = [
    "id", "source", "location", "url", "outlet", "title", "published", "date_source", "fetched",
    "language", "language_score", "authors", "text", "text_hash", "copy_of", "analysis", "removed",
]  # fmt: skip


def entity_rows(store: Database, **_: Any) -> Iterator[dict[str, Any]]:
    """Registry entities, most mentioned first: id, name, type, country, role, aliases
    (``{text, count}``), articles, merges (why each spelling was merged)."""
    for entity in store.annotations.list_entities():
        yield entity.to_dict()


ENTITY_COLUMNS = ["id", "name", "type", "country", "role", "mentions", "aliases", "articles", "merges"]


def _articles(filters: dict[str, Any]) -> ArticleFilter:
    outlet = filters.get("outlet")
    spelled = isinstance(outlet, list)  # an outlet or collection already resolved to spellings
    return ArticleFilter(
        None if spelled else outlet,
        filters.get("language"),
        filters.get("since"),
        filters.get("until"),
        outlets=outlet if spelled else None,
    )


def quote_rows(store: Database, **filters: Any) -> Iterator[dict[str, Any]]:
    """Quotes: speaker (``{name, text, entity_id}``), cue, text, kind, via, article and where."""
    for row in store.annotations.iter_quotes(articles=_articles(filters)):
        yield row.to_dict()


QUOTE_COLUMNS = [
    "speaker_name", "speaker_text", "speaker_entity", "cue", "kind", "via", "text",
    "article", "outlet", "title", "url", "published", "story", "sentence", "start", "end",
]  # fmt: skip


def quote_csv_row(row: dict[str, Any]) -> dict[str, Any]:
    speaker = row.get("speaker") or {}
    return {
        **row,
        "speaker_name": speaker.get("name"),
        "speaker_text": speaker.get("text"),
        "speaker_entity": speaker.get("entity_id"),
    }


def event_rows(store: Database, **filters: Any) -> Iterator[dict[str, Any]]:
    """Events: type, mode, source and target (``{name, entity_id, country, sector}``),
    location, date, certainty, sentence, article and where."""
    for row in store.annotations.iter_events(articles=_articles(filters)):
        yield row.to_dict()


EXPORTERS: dict[str, Exporter] = {
    "articles": Exporter(article_rows, ARTICLE_COLUMNS),
    "entities": Exporter(entity_rows, ENTITY_COLUMNS, article_filters=False),
    "quotes": Exporter(quote_rows, QUOTE_COLUMNS, quote_csv_row),
    "events": Exporter(event_rows, EVENT_CSV_COLUMNS, event_csv_row),
}

What = Enum("What", {name: name for name in EXPORTERS}, type=str)  # type: ignore[misc]


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for n, row in enumerate(rows, 1):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return n


def write_csv(
    rows: Iterator[dict[str, Any]],
    out: TextIO,
    columns: list[str],
    flat: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> int:
    def cells(row: dict[str, Any]) -> dict[str, Any]:
        row = flat(row) if flat else row
        return {c: _cell(row.get(c)) for c in columns}

    return exports.write_csv(rows, out, columns, cells)


@contextmanager
def _target(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    with output.open("w", encoding="utf-8", newline="") as f:
        yield f


def export_command(
    ctx: typer.Context,
    format: Annotated[
        ExportFormat, typer.Option("--format", help="jsonl, csv or parquet (articles, to a file).")
    ] = ExportFormat.jsonl,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", dir_okay=False, help="File to write (default: stdout)."),
    ] = None,
    what: Annotated[What, typer.Option("--what", help="What to export.")] = What("articles"),
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet.")] = None,
    collection: Annotated[
        Optional[str], typer.Option(help="Only the outlets of this collection (crisol collections).")
    ] = None,
    language: Annotated[Optional[str], typer.Option(help="Only this language.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after (ISO 8601).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before (ISO 8601).")] = None,
) -> None:
    """Export stored articles, registry entities, quotes or events as JSON Lines or CSV.

    The article filters choose the articles whose quotes and events are exported; the registry
    is exported whole.
    """
    exporter = EXPORTERS[what.value]
    filters = dict(
        outlet=outlet, language=language, since=parse_when(since), until=parse_when(until, end_of_day=True)
    )
    if not exporter.article_filters:
        if any(v is not None for v in filters.values()):
            err.print(f"note: --outlet/--language/--since/--until do not apply to {what.value}", markup=False)
        filters = {}
    if collection and not exporter.article_filters:
        err.print(f"note: --collection does not apply to {what.value}", markup=False)
    if format is ExportFormat.parquet:
        _export_parquet(ctx, what, output, collection, filters)
        return
    with open_store(ctx) as store, _target(output) as out:
        if exporter.article_filters and (outlet or collection):
            filters["outlet"] = spellings_or_exit(store, collection, outlet)
        rows = exporter.rows(store, **filters)
        if format is ExportFormat.jsonl:
            n = write_jsonl(rows, out)
        else:
            n = write_csv(rows, out, exporter.columns, exporter.flat)
    err.print(f"exported {n:,} {what.value} to {output or 'stdout'}", markup=False)


def _export_parquet(
    ctx: typer.Context, what: What, output: Path | None, collection: str | None, filters: dict[str, Any]
) -> None:
    if what.value != "articles":
        raise typer.BadParameter(
            f"parquet holds articles, with their {what.value} nested (crisol query's views): use --what articles",
            param_hint="--what",
        )
    if output is None:
        raise typer.BadParameter("parquet is written to a file: give --output FILE", param_hint="--output")
    try:
        from crisol.batch.export import write_parquet  # lazy: pyarrow
    except ImportError as e:
        from crisol.batch import EXTRA_HINT

        err.print(f"error: parquet export needs pyarrow ({e}): {EXTRA_HINT}", markup=False)
        raise typer.Exit(2) from None
    with open_store(ctx) as store:
        if filters["outlet"] or collection:
            filters["outlet"] = spellings_or_exit(store, collection, filters["outlet"])
        n = write_parquet(store, output, **filters)
    err.print(f"exported {n:,} articles to {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
