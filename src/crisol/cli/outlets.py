"""``crisol outlets list|show|set`` and ``crisol collections create|delete|add|remove|list|show``.

Outlets are the publishers of the stored articles, as records: filled by ingest and watch from
what they see (names, URL domains, the sources file's country and language), edited here.
They are not ``crisol sources``, which edits the watch list (the feeds ``crisol watch`` polls,
in the sources file); any outlet can be in the store, watched or not, so the two stay apart.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import ListFormat, ShowFormat, err, open_store

outlets_app = typer.Typer(help="Outlets of the stored articles: list, show, set.", no_args_is_help=True)
collections_app = typer.Typer(
    help="Named groups of outlets (geographic, topical, your own): create, add, remove, list, show, delete.",
    no_args_is_help=True,
)


def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: no squeezing into 80 columns
        console.width = 160
    return console


def _fail(e: Exception) -> typer.Exit:
    err.print(f"error: {e}", markup=False)
    return typer.Exit(2)


def spellings_or_exit(store, collection: str | None, outlet: str | None) -> list[str]:
    """The ``articles.outlet`` values an --outlet/--collection pair filters on; an unknown
    collection is a usage error (exit 2)."""
    from crisol.service.outlets import UnknownName, outlet_names

    try:
        return outlet_names(store, collection=collection, outlet=outlet)
    except UnknownName as e:
        raise _fail(e) from None


def outlet_table(items: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("name", "domains", "country", "language", "type", "owner", "collections"):
        table.add_column(col, overflow="fold")
    table.add_column("articles", justify="right")
    for o in items:
        language = (o["language"] or "—") + ("*" if o["language_from"] == "articles" else "")
        table.add_row(
            o["name"], ", ".join(o["domains"]) or "—", o["country"] or "—", language,
            o["media_type"] or "—", o["owner"] or "—", ", ".join(o["collections"]) or "—", f"{o['articles']:,}",
        )  # fmt: skip
    return table


@outlets_app.command("list")
def list_command(
    ctx: typer.Context,
    collection: Annotated[Optional[str], typer.Option(help="Only the outlets of this collection.")] = None,
    country: Annotated[Optional[str], typer.Option(help="Only this country (ISO 3166-1 alpha-3).")] = None,
    media_type: Annotated[Optional[str], typer.Option("--type", help="Only this media type.")] = None,
    language: Annotated[Optional[str], typer.Option(help="Only this language code.")] = None,
    q: Annotated[Optional[str], typer.Option("--q", help="Name or domain contains this.")] = None,
    format: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List the outlets on record: domains, country, language (* taken from its articles), media
    type, owner, collections, articles. ``--format json`` prints what ``GET /api/outlets`` answers."""
    from crisol.service.outlets import UnknownName, list_outlets

    with open_store(ctx) as store:
        try:
            items = list_outlets(
                store, collection=collection, country=country, media_type=media_type, language=language, q=q
            )
        except UnknownName as e:
            raise _fail(e) from None
    if format is ListFormat.json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    _console().print(outlet_table(items, f"{len(items):,} outlets"))


@outlets_app.command("show")
def show_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Outlet name (any case), one of its spellings, or a domain.")],
    format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
) -> None:
    """One outlet in full."""
    from crisol.service.outlets import get_outlet

    with open_store(ctx) as store:
        outlet = get_outlet(store, name)
    if outlet is None:
        err.print(f"error: no outlet {name!r} on record (crisol outlets list names them)", markup=False)
        raise typer.Exit(1)
    if format is ShowFormat.json:
        typer.echo(json.dumps(outlet, ensure_ascii=False, indent=2))
        return
    _print_fields(outlet)


def _print_fields(o: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    language = o["language"] and o["language"] + (
        "  (from its articles)" if o["language_from"] == "articles" else ""
    )
    for label, value in (
        ("name", o["name"]), ("spellings", ", ".join(o["spellings"])), ("domains", ", ".join(o["domains"])),
        ("country", o["country"]), ("language", language), ("media type", o["media_type"]),
        ("owner", o["owner"]), ("notes", o["notes"]), ("collections", ", ".join(o["collections"])),
        ("articles", f"{o['articles']:,}"), ("set by you", ", ".join(o["edited"])),
    ):  # fmt: skip
        table.add_row(label, value or "—")
    _console().print(table)


@outlets_app.command("set")
def set_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Outlet name (made if not on record yet).")],
    country: Annotated[
        Optional[str], typer.Option(help="ISO 3166-1 alpha-3: MEX, ESP... ('' clears).")
    ] = None,
    language: Annotated[Optional[str], typer.Option(help="ISO 639-1: es, en... ('' clears).")] = None,
    media_type: Annotated[
        Optional[str],
        typer.Option(
            "--type",
            help="wire-agency, newspaper, magazine, broadcaster, digital-native, blog, "
            "government, organisation, other ('' clears).",
        ),
    ] = None,  # fmt: skip
    owner: Annotated[Optional[str], typer.Option(help="Who owns it ('' clears).")] = None,
    notes: Annotated[Optional[str], typer.Option(help="Free notes ('' clears).")] = None,
    domain: Annotated[
        Optional[list[str]], typer.Option("--domain", help="Add a web domain (repeatable).")
    ] = None,
    drop_domain: Annotated[
        Optional[list[str]], typer.Option("--drop-domain", help="Remove a web domain (repeatable).")
    ] = None,
    format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
) -> None:
    """Set what you know of an outlet; what you set is kept when ingest and watch fill records."""
    from crisol.service.outlets import set_outlet

    fields = {
        "country": country,
        "language": language,
        "media_type": media_type,
        "owner": owner,
        "notes": notes,
    }
    with open_store(ctx) as store:
        try:
            outlet = set_outlet(store, name, domains=domain or (), drop_domains=drop_domain or (), **fields)
        except ValueError as e:
            raise _fail(e) from None
    if format is ShowFormat.json:
        typer.echo(json.dumps(outlet, ensure_ascii=False, indent=2))
        return
    _print_fields(outlet)


# ---- collections -------------------------------------------------------------------------------


@collections_app.command("create")
def create_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The collection's name: 'Mexico national', 'wire agencies'...")],
    kind: Annotated[str, typer.Option(help="geographic, topical or own.")] = "own",
    description: Annotated[Optional[str], typer.Option(help="What it groups.")] = None,
    outlet: Annotated[
        Optional[list[str]], typer.Option("--outlet", help="An outlet to add (repeatable).")
    ] = None,
) -> None:
    """Create a collection (optionally with its first outlets)."""
    from crisol.service.outlets import add_to_collection, create_collection

    with open_store(ctx) as store:
        try:
            made = create_collection(store, name, kind=kind, description=description)
            added = add_to_collection(store, made["name"], outlet or [])
        except ValueError as e:
            raise _fail(e) from None
    err.print(f"created collection {made['name']!r} ({made['kind']}) with {len(added)} outlets", markup=False)


@collections_app.command("delete")
def delete_command(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The collection.")]) -> None:
    """Delete a collection (its outlets stay on record)."""
    from crisol.service.outlets import delete_collection

    with open_store(ctx) as store:
        try:
            delete_collection(store, name)
        except ValueError as e:
            raise _fail(e) from None
    err.print(f"deleted collection {name!r}", markup=False)


@collections_app.command("add")
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The collection.")],
    outlets: Annotated[list[str], typer.Argument(help="Outlets: names, spellings or domains.")],
) -> None:
    """Add outlets to a collection (a name not on record becomes a new outlet)."""
    from crisol.service.outlets import add_to_collection

    with open_store(ctx) as store:
        try:
            added = add_to_collection(store, name, outlets)
        except ValueError as e:
            raise _fail(e) from None
    err.print(
        f"added {len(added)} outlets to {name!r}" + (f": {', '.join(added)}" if added else ""), markup=False
    )


@collections_app.command("remove")
def remove_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The collection.")],
    outlets: Annotated[list[str], typer.Argument(help="Outlets to take out.")],
) -> None:
    """Take outlets out of a collection."""
    from crisol.service.outlets import remove_from_collection

    with open_store(ctx) as store:
        try:
            removed = remove_from_collection(store, name, outlets)
        except ValueError as e:
            raise _fail(e) from None
    err.print(f"removed {len(removed)} outlets from {name!r}", markup=False)


@collections_app.command("list")
def collections_command(
    ctx: typer.Context,
    format: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List the collections with their number of outlets."""
    from crisol.service.outlets import list_collections

    with open_store(ctx) as store:
        items = list_collections(store)
    if format is ListFormat.json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(items):,} collections", title_justify="left")
    for col in ("name", "kind", "outlets", "description"):
        table.add_column(col, overflow="fold")
    for c in items:
        table.add_row(c["name"], c["kind"], str(c["outlets"]), c["description"] or "—")
    _console().print(table)


@collections_app.command("show")
def collection_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The collection.")],
    format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
) -> None:
    """One collection with its outlets."""
    from crisol.service.outlets import get_collection

    with open_store(ctx) as store:
        found = get_collection(store, name)
    if found is None:
        err.print(
            f"error: collection {name!r} does not exist (crisol collections list names them)", markup=False
        )
        raise typer.Exit(1)
    if format is ShowFormat.json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    title = (
        f"{found['name']} ({found['kind']}): {len(found['outlets'])} outlets, {found['articles']:,} articles"
    )
    _console().print(outlet_table(found["outlets"], title))


def register(app: typer.Typer) -> None:
    app.add_typer(outlets_app, name="outlets")
    app.add_typer(collections_app, name="collections")
