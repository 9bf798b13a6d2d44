"""``crisol stories``, ``crisol story ID``, ``crisol diff A B`` and ``crisol link``.

Thin wrappers over :mod:`crisol.store.queries` (stories in the shapes the REST API answers),
:mod:`crisol.service.linking` (linking) and :mod:`crisol.present` (rendering).
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import ListFormat, err, open_store, parse_when
from crisol.cli.entities import require_entity
from crisol.cli.outlets import spellings_or_exit
from crisol.store.queries import list_stories


class StoryFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"


def stories_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Stories to show.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    order: Annotated[
        str, typer.Option("--order", help="last (latest first) or size (biggest first).")
    ] = "last",
    language: Annotated[Optional[str], typer.Option(help="Only stories in this language: es, en...")] = None,
    entity: Annotated[
        Optional[str],
        typer.Option(help="Only stories naming this registry entity (any spelling, or its id)."),
    ] = None,
    outlet: Annotated[
        Optional[str], typer.Option(help="Only stories with an article of this outlet.")
    ] = None,
    collection: Annotated[
        Optional[str], typer.Option(help="Only the outlets of this collection (crisol collections).")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(help="Last article on or after this date (ISO 8601).")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(help="Last article on or before this date (ISO 8601).")
    ] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List stories: size, outlets and time span.

    ``--format json`` prints the items of the API's ``GET /api/stories`` (same filters):
    ``id``, ``title``, ``articles`` (ids), ``outlets``, ``num_outlets``, ``size``, ``first``, ``last``...
    """

    if order not in ("last", "size"):
        raise typer.BadParameter(f"--order must be 'last' or 'size', got {order!r}")
    since_dt, until_dt = parse_when(since), parse_when(until, end_of_day=True)
    with open_store(ctx) as store:
        entity_id = require_entity(store.annotations, entity, store.where).id if entity else None
        if collection:
            spellings_or_exit(store, collection, outlet)  # an unknown collection: a usage error
        page = list_stories(
            store,
            outlet=outlet,
            collection=collection,
            language=language,
            since=since_dt,
            until=until_dt,
            entity=entity_id,
            sort=f"-{order}",
            limit=limit,
            offset=offset,
        )
    if fmt is ListFormat.json:
        typer.echo(json.dumps(page.items, ensure_ascii=False, indent=2))
        return
    table = Table(
        title=f"stories {offset + 1}–{offset + len(page.items)} of {page.total}", title_justify="left"
    )
    for col in ("id", "articles", "outlets", "from", "to", "title"):
        table.add_column(col, overflow="fold" if col == "title" else "ellipsis")
    for s in page.items:
        table.add_row(
            s["id"],
            str(s["size"]),
            str(s["num_outlets"]),  # the count every face shows (crisol.text.count_outlets)
            (s["first"] or "—")[:10],
            (s["last"] or "—")[:10],
            s["title"] or "—",
        )
    Console(highlight=False).print(table)


def story_command(
    ctx: typer.Context,
    story_id: Annotated[
        str, typer.Argument(help="Story id (or unique prefix), or the id of one of its articles.")
    ],
    fmt: Annotated[StoryFormat, typer.Option("--format", help="text, json or md.")] = StoryFormat.text,
) -> None:
    """One story: cited summary, timeline, quotes, actors, agreements and differences.

    ``--format json`` prints what the API's ``GET /api/stories/ID`` answers.
    """
    from crisol.present import render_markdown, render_text  # lazy: presenting brings numpy
    from crisol.service.views import get_story  # lazy: story views bring numpy and the embedders

    with open_store(ctx) as store:
        view = get_story(store, story_id)
    if view is None:
        err.print(f"no story {story_id!r} (try `crisol stories`)", markup=False)
        raise typer.Exit(1)
    if fmt is StoryFormat.json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2, default=str))
    elif fmt is StoryFormat.md:
        typer.echo(render_markdown(view))
    else:
        typer.echo(render_text(view))


def diff_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="First article id (or unique prefix).")],
    b: Annotated[str, typer.Argument(help="Second article id (or unique prefix).")],
    width: Annotated[int, typer.Option("--width", min=40, help="Total width of the two columns.")] = 160,
) -> None:
    """Two articles side by side, their sentences aligned; what one adds or drops."""
    from crisol.service.analyze import sentence_alignment  # lazy: spaCy and the embedders

    with open_store(ctx) as store:
        first, second = store.get_article(a), store.get_article(b)
    for given, found in ((a, first), (b, second)):
        if found is None:
            err.print(f"no article {given!r}", markup=False)
            raise typer.Exit(1)
    sa, sb, aligned = sentence_alignment(first, second)
    pairs = {p.a: p for p in aligned}
    by_b = {p.b for p in pairs.values()}
    table = Table(show_lines=True, width=width)
    table.add_column(f"{first.id} · {first.outlet or first.source}", ratio=1)
    table.add_column("", width=5, justify="center")
    table.add_column(f"{second.id} · {second.outlet or second.source}", ratio=1)
    j = 0
    for i, sentence in enumerate(sa):
        p = pairs.get(i)
        if p is None:
            table.add_row(sentence, "−", "")
            continue
        while j < p.b:  # sentences of b before its match: added by b
            if j not in by_b:
                table.add_row("", "+", sb[j])
            j += 1
        table.add_row(sentence, f"{p.score:.2f}", sb[p.b])
        j = max(j, p.b + 1)
    for k in range(j, len(sb)):
        if k not in by_b:
            table.add_row("", "+", sb[k])
    Console(highlight=False, width=width).print(table)
    typer.echo(
        f"{len(pairs)} aligned sentences; {len(sa) - len(pairs)} only in {first.id}, "
        f"{len(sb) - len(by_b)} only in {second.id}"
    )


def link_command(ctx: typer.Context) -> None:
    """Link stored articles not yet in a story (ingest does this itself after storing)."""
    from crisol.service.linking import link_stored  # lazy: the linker brings numpy, usearch and the embedders

    with open_store(ctx) as store:
        report = link_stored(store)
    typer.echo(json.dumps(report.to_dict()))


def register(app: typer.Typer) -> None:
    app.command("stories")(stories_command)
    app.command("story")(story_command)
    app.command("diff")(diff_command)
    app.command("link")(link_command)
