"""``crisol attention [QUERY]``: how much a query, an entity or a story was covered per day or
week (articles, outlets, independent sources), and the top outlets, languages, entities and words.

The same numbers as the REST API's ``GET /api/attention`` (:mod:`crisol.service.attention`):
``--format json`` prints its answer, ``--csv`` its CSV timeline.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Optional, Sequence

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import err, open_store, option_when


class Interval(str, Enum):
    day = "day"
    week = "week"


class AttentionFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


TOP_SHOWN = 10  # items of each top list in the table view (json and csv carry the service's all)


def _timeline(results: Sequence[Any]) -> Table:
    """One row per period; with a comparison, the three counts of each selection side by side."""
    title = " vs ".join(repr(r.label) for r in results) + f": per {results[0].interval}"
    table = Table(title=title, title_justify="left")
    table.add_column("period", no_wrap=True)
    for r in results:
        prefix = f"{r.label}: " if len(results) > 1 else ""
        for name in ("articles", "outlets", "independent sources"):
            table.add_column(prefix + name, justify="right")
    for i, point in enumerate(results[0].points):
        cells = [point.period]
        for r in results:
            p = r.points[i]
            cells += [str(p.articles), str(p.outlets), str(p.independent_sources)]
        table.add_row(*cells)
    totals = ["total"]
    for r in results:
        totals += [str(r.totals[k]) for k in ("articles", "outlets", "independent_sources")]
    table.add_section()
    table.add_row(*totals, style="bold")
    return table


def _top(result: Any) -> Table:
    """The top lists of one selection in four columns (name and articles each)."""
    lists = {
        "outlets": [(o["label"], o["articles"]) for o in result.outlets],
        "languages": [(lang["language"] or "?", lang["articles"]) for lang in result.languages],
        "entities": [(e["name"], e["articles"]) for e in result.entities],
        "words": [(w["word"], w["articles"]) for w in result.words],
    }
    table = Table(title=f"top in {result.label!r} (articles)", title_justify="left")
    for name in lists:
        table.add_column(name, overflow="ellipsis", max_width=28)
    rows = max((len(items[:TOP_SHOWN]) for items in lists.values()), default=0)
    for i in range(rows):
        table.add_row(
            *(f"{items[i][0]} ({items[i][1]})" if i < len(items) else "" for items in lists.values())
        )
    return table


def attention_command(
    ctx: typer.Context,
    query: Annotated[
        Optional[str],
        typer.Argument(metavar="[QUERY]", help='Search query: words, "a phrase", word*, a OR b.'),
    ] = None,
    entity: Annotated[
        Optional[str],
        typer.Option(help="Only articles naming this registry entity (any spelling, or its id)."),
    ] = None,
    story: Annotated[Optional[str], typer.Option(help="Only the articles of this story (its id).")] = None,
    compare: Annotated[
        Optional[str], typer.Option(help="A second query, counted over the same periods.")
    ] = None,
    interval: Annotated[Interval, typer.Option(help="Count per day or per week.")] = Interval.day,
    since: Annotated[Optional[str], typer.Option(help="Published on or after this date (ISO 8601).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before this date (ISO 8601).")] = None,
    outlet: Annotated[
        Optional[list[str]], typer.Option(help="Only this outlet (repeatable, any case).")
    ] = None,
    collection: Annotated[
        Optional[str], typer.Option(help="Only the outlets of this collection (crisol collections list).")
    ] = None,
    language: Annotated[Optional[str], typer.Option(help="Only this language code: es, en...")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="The timeline as CSV (as --format csv).")] = False,
    fmt: Annotated[
        AttentionFormat, typer.Option("--format", help="table, json or csv.")
    ] = AttentionFormat.table,
) -> None:
    """Attention over time: articles, outlets and independent sources (copies and one wire
    story run by many outlets counted once) per day or week, then the top outlets, languages,
    entities and words. ``--compare`` counts a second query beside the first.

    ``--format json`` prints what the API's ``GET /api/attention`` answers.
    """
    from crisol.cli.entities import require_entity  # lazy: the entity commands' imports
    from crisol.service.attention import Selection, csv_text, kept_outlets
    from crisol.service.attention import attention as attention_of
    from crisol.service.attention import compare as compare_all
    from crisol.store import search as fts
    from crisol.store.outlets import UnknownName

    if query is not None and not query.strip():
        raise typer.BadParameter("give at least one word, or leave QUERY out", param_hint="QUERY")
    common: dict = dict(
        language=language,
        since=option_when(since, "--since"),
        until=option_when(until, "--until", end_of_day=True),
    )
    with open_store(ctx) as store:
        try:
            common["outlets"] = kept_outlets(store, outlet, collection)
        except UnknownName as e:
            raise typer.BadParameter(str(e), param_hint="--collection") from None
        entity_id = require_entity(store.annotations, entity, store.where).id if entity else None
        selections = [Selection(q=query, entity=entity_id, story=story, **common)]
        if compare:
            selections.append(Selection(q=compare, **common))
        try:
            if compare:
                results = compare_all(store, selections, interval.value)
            else:
                results = [attention_of(store, selections[0], interval.value)]
        except fts.QueryTooLong as e:
            raise typer.BadParameter(str(e), param_hint="QUERY") from None
    if csv or fmt is AttentionFormat.csv:
        typer.echo(csv_text(results), nl=False)
    elif fmt is AttentionFormat.json:
        typer.echo(json.dumps({"data": [r.to_dict() for r in results]}, ensure_ascii=False, indent=2))
    elif not any(r.totals["articles"] for r in results):
        err.print(f"no article for {' / '.join(repr(r.label) for r in results)}", markup=False)
    else:
        _print(results)


def _print(results: Sequence[Any]) -> None:
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: don't squeeze the columns into 80
        console.width = 160
    console.print(_timeline(results))
    for r in results:
        if r.totals["undated"]:
            console.print(f"{r.label!r}: {r.totals['undated']} undated articles, in the totals only")
        console.print(_top(r))


def register(app: typer.Typer) -> None:
    app.command("attention")(attention_command)
