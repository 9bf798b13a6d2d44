"""``crisol search QUERY``: full-text search over articles, quotes, entities and stories.

The same query layer as the REST API's ``GET /api/search`` and the web page
(:func:`crisol.store.search.search`), with the same filters; ``--format json`` prints the API's
answer shape. The index is brought up to date first (:func:`crisol.store.search.catch_up`), so
articles stored without it (an ingest killed midway, an older version) are found too.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crisol.cli._common import ListFormat, err, open_store, option_when
from crisol.cli.outlets import spellings_or_exit
from crisol.service.search import expansion_dict, hit_dict
from crisol.store import search as fts
from crisol.store.queries import MAX_LIMIT

# The kinds the index holds (typer refuses any other with exit code 2, naming --kind).
Kind = Enum("Kind", {k: k for k in fts.KINDS}, type=str)  # type: ignore[misc]

SHORT_ID = 12  # characters of an article id shown in the table (a prefix `crisol article` takes)


def snippet_text(snippet: fts.Snippet) -> Text:
    """A search snippet as terminal text, the matching words bold.

    >>> snippet_text(fts.Snippet((("a ", False), ("b", True), (" & c", False)))).plain
    'a b & c'
    """
    out = Text()
    for piece, hit in snippet.pieces:
        out.append(piece, style="bold" if hit else None)
    return out


def _short(ref: str) -> str:
    """An article id (or a quote's ARTICLE:N) cut to a prefix; other ids stay whole."""
    head, sep, tail = ref.partition(":")
    return (head[:SHORT_ID] if len(head) > SHORT_ID + 4 else head) + sep + tail


def public(results: fts.SearchResults, exact: bool = False) -> dict[str, Any]:
    """What ``GET /api/search`` answers for these results (its response model, as JSON)."""
    from crisol.api.models import SearchResultsPublic  # lazy: FastAPI, ~0.4 s, only for JSON

    data = [hit_dict(h) for h in results.hits]
    page = SearchResultsPublic(
        query=results.query,
        exact=exact,
        expanded=[expansion_dict(e) for e in results.expansions],
        data=data,
        count=results.total,
        limit=results.limit,
        offset=results.offset,
    )
    return page.model_dump(mode="json")


def _table(results: fts.SearchResults) -> Table:
    first = results.offset + 1
    shown = f"{first}–{results.offset + len(results.hits)}"
    table = Table(title=f"{shown} of {results.total:,} matches for {results.query!r}", title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("title / name", overflow="fold", ratio=1)
    table.add_column("outlet", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("date", no_wrap=True)
    table.add_column("snippet", overflow="fold", ratio=2)
    for h in results.hits:
        date = h.published.date().isoformat() if h.published else "—"
        table.add_row(
            h.kind, _short(h.ref), Text(h.title or "—"), h.outlet or "—", date, snippet_text(h.snippet)
        )
    return table


def search_command(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help='Words (all must match), "a phrase", word*, a OR b.')
    ],
    kind: Annotated[Optional[list[Kind]], typer.Option(help="Only this kind (repeatable).")] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet (case-insensitive).")] = None,
    collection: Annotated[
        Optional[str], typer.Option(help="Only the outlets of this collection (crisol collections).")
    ] = None,
    language: Annotated[Optional[str], typer.Option(help="Only this language code: es, en...")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after this date (ISO 8601).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before this date (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT, help="How many to show.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    format: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="The words as written only, not the other spellings of a registry entity they name.",
        ),
    ] = False,
) -> None:
    """Search articles, quotes, entities and stories, best match first; accents and word
    endings do not matter (Spanish and English stemming). A word or phrase that names a
    registry entity also finds its other spellings ("Pyongyang" finds "Pionyang"), and the
    results say so; ``--exact`` turns that off.

    ``--format json`` prints what the API's ``GET /api/search`` answers (one shape for both).
    """
    if not query.strip():
        raise typer.BadParameter("give at least one word to search for", param_hint="QUERY")
    since_dt, until_dt = option_when(since, "--since"), option_when(until, "--until", end_of_day=True)

    try:
        fts.parse_query(query)  # the same limits as the API's q (words, length)
    except fts.QueryTooLong as e:
        raise typer.BadParameter(str(e), param_hint="QUERY") from None
    with open_store(ctx) as store:
        fts.catch_up_if_free(store)  # index what was stored without it (cheap when nothing is missing)
        if collection:
            spellings_or_exit(store, collection, outlet)  # an unknown collection: a usage error
        results = fts.search(
            store,
            query,
            kinds=[k.value for k in kind or ()],
            language=language,
            outlet=outlet,
            since=since_dt,
            until=until_dt,
            limit=limit,
            offset=offset,
            exact=exact,
            collection=collection,
        )
    if format is ListFormat.json:
        typer.echo(json.dumps(public(results, exact), ensure_ascii=False, indent=2))
    else:
        console = Console(highlight=False)
        if not console.is_terminal:  # piped: don't squeeze snippets into 80 columns
            console.width = 160
        for expansion in results.expansions:  # part of the answer: what was searched
            console.print(f"{expansion.describe()}; --exact: the words as written only", markup=False)
        if results.hits:
            console.print(_table(results))
    if not results.hits:
        past = f" past the first {offset} ({results.total:,} in all)" if results.total else ""
        err.print(f"no match for {query!r}{past}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("search")(search_command)
