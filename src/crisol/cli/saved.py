"""``crisol save search|entity|story``, ``crisol saved list|remove`` and ``crisol alerts``.

A saved search remembers what its reader last saw (:mod:`crisol.service.alerts`): ``crisol
alerts`` lists what is new since, ``--mark-seen`` marks it seen, ``--notify`` POSTs what is new
to each saved search's webhook (a failed POST is reported and sent again next time).
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import ListFormat, err, open_store

save_app = typer.Typer(help="Save a search query, an entity or a story under a name, to be alerted.",
                       no_args_is_help=True)  # fmt: skip
saved_app = typer.Typer(help="The saved searches: list, remove.", no_args_is_help=True)

NameOpt = Annotated[
    Optional[str], typer.Option("--name", "-n", help="What to call it (default: made from it).")
]
LanguageOpt = Annotated[
    Optional[str], typer.Option("--language", "-l", help="Only articles in this language.")
]
OutletOpt = Annotated[Optional[str], typer.Option("--outlet", "-o", help="Only articles from this outlet.")]
WebhookOpt = Annotated[
    Optional[str],
    typer.Option(
        "--webhook", help="An http(s) URL that 'crisol alerts --notify' POSTs what is new to (JSON)."
    ),
]


def _save(ctx: typer.Context, kind: str, target: str, name, language=None, outlet=None, webhook=None) -> None:
    from crisol.service.alerts import SavedSearchError, SaveRequest, describe, save  # lazy: the store

    with open_store(ctx) as store:
        try:
            saved = save(store, SaveRequest(kind, target, name, language, outlet, webhook))
        except SavedSearchError as e:
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(2) from None
    err.print(f"saved #{saved.id} {saved.name!r}: {describe(saved)}", markup=False)


@save_app.command("search")
def save_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="The query, as 'crisol search' takes it.")],
    name: NameOpt = None,
    language: LanguageOpt = None,
    outlet: OutletOpt = None,
    webhook: WebhookOpt = None,
) -> None:
    """Save a full-text query (with its filters): new articles matching it are alerts."""
    _save(ctx, "search", query, name, language, outlet, webhook)


@save_app.command("entity")
def save_entity(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="The entity's id, name or a spelling of it.")],
    name: NameOpt = None,
    language: LanguageOpt = None,
    outlet: OutletOpt = None,
    webhook: WebhookOpt = None,
) -> None:
    """Save an entity: new articles naming it are alerts."""
    _save(ctx, "entity", entity, name, language, outlet, webhook)


@save_app.command("story")
def save_story(
    ctx: typer.Context,
    story: Annotated[str, typer.Argument(help="The story's id (or a unique prefix).")],
    name: NameOpt = None,
    webhook: WebhookOpt = None,
) -> None:
    """Save a story: its new articles and changes (merges, splits) are alerts."""
    _save(ctx, "story", story, name, webhook=webhook)


@saved_app.command("list")
def saved_list(
    ctx: typer.Context,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="table or json.")] = ListFormat.table,
) -> None:
    """The saved searches, with how many new items each has."""
    from crisol.service.alerts import check_all, describe  # lazy: the store

    with open_store(ctx) as store:
        found = check_all(store, limit=1)
    if format == ListFormat.json:
        print(
            json.dumps([{**a.saved.to_dict(), "new": a.total} for a in found], ensure_ascii=False, indent=2)
        )
        return
    table = Table(box=None, header_style="bold")
    for column in ("id", "name", "looks for", "new", "webhook"):
        table.add_column(column, justify="right" if column in ("id", "new") else "left")
    for a in found:
        hook = a.saved.webhook or ""
        if a.saved.notify_error:
            hook += f" (failing: {a.saved.notify_error})"
        table.add_row(str(a.saved.id), a.saved.name, describe(a.saved), str(a.total), hook)
    Console(highlight=False).print(table if found else "no saved searches (crisol save --help)")


@saved_app.command("remove")
def saved_remove(
    ctx: typer.Context, which: Annotated[str, typer.Argument(help="The saved search's id or name.")]
) -> None:
    """Forget a saved search."""
    with open_store(ctx) as store:
        saved = store.saved.get(which)
        if saved is None:
            err.print(f"error: no saved search {which!r} (crisol saved list)", markup=False)
            raise typer.Exit(1)
        store.saved.remove(saved.id)
    err.print(f"removed #{saved.id} {saved.name!r}", markup=False)


def alerts_command(
    ctx: typer.Context,
    which: Annotated[
        Optional[list[str]], typer.Argument(help="Saved searches (id or name); default: all.")
    ] = None,
    mark_seen: Annotated[bool, typer.Option("--mark-seen", help="Mark what is listed as seen.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the REST API's shape).")] = False,
    notify: Annotated[bool, typer.Option("--notify", help="POST what is new to each webhook.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a webhook POST may take.")] = 10.0,
) -> None:
    """What is new for each saved search since it was last seen (exit 1 if a webhook failed)."""
    from crisol.service import alerts  # lazy: the store
    from crisol.store import search as fts

    with open_store(ctx) as store:
        fts.catch_up_if_free(store)  # articles stored without the index become visible to queries
        chosen = _chosen(store, which)
        found = [alerts.check(store, s) for s in chosen]
        deliveries = alerts.notify(store, timeout=timeout) if notify else []
        if mark_seen:
            for alert in found:
                alerts.mark_seen(store, alert)
    if as_json:
        print(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
    else:
        _print_alerts(found, alerts)
    failed = [d for d in deliveries if not d.ok]
    for d in deliveries:
        what = f"sent {d.items} item(s)" if d.ok else f"FAILED ({d.error}); will retry next time"
        err.print(f"webhook of {d.saved.name!r}: {what}", markup=False)
    if failed:
        raise typer.Exit(1)


def _chosen(store, which: list[str] | None):
    if not which:
        return store.saved.list()
    chosen = []
    for key in which:
        saved = store.saved.get(key)
        if saved is None:
            err.print(f"error: no saved search {key!r} (crisol saved list)", markup=False)
            raise typer.Exit(2)
        chosen.append(saved)
    return chosen


def _print_alerts(found, alerts) -> None:
    out = Console(highlight=False)
    if not found:
        out.print("no saved searches (crisol save --help)")
    for alert in found:
        out.print(f"[bold]#{alert.saved.id} {alert.saved.name}[/bold]: {alert.total} new", markup=True)
        for item in alert.items:
            a = item.article
            if item.action == "match" and a is not None:
                line = f"  {a.id[:12]}  {a.published.date() if a.published else '—'}  {a.outlet or '?'}  {a.title}"
            else:
                line = f"  {alerts.change_title(item)}"
            out.print(line, markup=False)
        if alert.total > len(alert.items):
            out.print(f"  … and {alert.total - len(alert.items)} more", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(save_app, name="save")
    app.add_typer(saved_app, name="saved")
    app.command("alerts")(alerts_command)
