"""``crisol serve [--host 127.0.0.1] [--port 8000]``: the REST API (and the web pages) in one process.

The server has no accounts. On loopback (the default) anyone on this machine may read; writes
need the token it prints (or ``--token``/``CRISOL_TOKEN``), so no web page the user visits can
store articles through it, and it answers only to loopback host names (no DNS rebinding). Bound
beyond loopback it refuses to start without an explicit token, and then every request needs it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from crisol.cli._common import check_store, err
from crisol.errors import StoreError


def build_app(db: str, *, analyze: bool = True, guard=None, warm: bool = False):
    """The API over ``db``, with the web pages mounted beside it when ``crisol.web`` provides
    ``mount(app)`` (the UI package is optional: the API works without it); ``warm`` presents
    the views of the stories most recently changed once it starts (``create_app``)."""
    from crisol.api import create_app  # lazy: FastAPI, ~0.4 s, only for this command

    app = create_app(db, analyze=analyze, guard=guard, warm=warm)
    try:
        from crisol import web  # lazy: the pages bring Jinja2 and FastAPI
    except ImportError:
        return app
    mount = getattr(web, "mount", None)
    if mount is not None:
        mount(app)
    return app


def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    analyze: Annotated[
        bool, typer.Option("--analyze/--no-analyze", help="Run the analysis stage on posted articles.")
    ] = True,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm/--no-warm",
            help="Present the views of the stories most recently changed in the background once "
            "started, so the first reader of one does not wait (models load, sentences are embedded).",
        ),
    ] = True,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CRISOL_TOKEN",
            show_default=False,
            help="The token writes need (and, beyond loopback, every request). Default: a new one, printed.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            show_default=False,
            help="Another host name the server answers to (behind a proxy); repeatable.",
        ),
    ] = None,
) -> None:
    """Serve the REST API (docs at /docs, schema at /openapi.json) over the store given by --db."""
    import uvicorn  # lazy: only for this command

    from crisol.cli import settings  # cycle: crisol.cli imports the command modules

    guard = server_guard(host, token, allow_host or [])
    check_store(ctx)  # a mistyped --db is an error, not an empty store served
    try:
        app = build_app(settings(ctx).db, analyze=analyze, guard=guard, warm=warm)
    except StoreError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    shown = f"[{host}]" if ":" in host else host
    err.print(
        f"crisol: serving {app.state.store.where} on http://{shown}:{port}/ (API docs at /docs)", markup=False
    )
    if guard.private:
        err.print(
            f"crisol: WARNING: listening on {host}, beyond this machine. Every request needs the token; "
            "the traffic is not encrypted: put a TLS proxy in front (see README, 'Serving').",
            markup=False,
        )
    if token is None:
        err.print(
            f"crisol: writes need the header 'Authorization: Bearer {guard.token}' "
            "(set your own with --token or CRISOL_TOKEN)",
            markup=False,
        )
    err.print(  # the pages' forms (save a search) send the token as the cookie this link sets
        f"crisol: to save searches from the pages, open http://{shown}:{port}/saved?token=TOKEN once",
        markup=False,
    )
    show_logs(log_level)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def show_logs(level: str) -> None:
    """Print crisol's own log lines (the warm-up's, a view that could not be stored) beside
    uvicorn's, in its format, at the level it was given."""
    import logging

    from uvicorn.logging import DefaultFormatter  # lazy: only for this command

    logger = logging.getLogger("crisol")
    numeric = logging.getLevelName(level.upper())  # uvicorn names its "trace" level too
    logger.setLevel(numeric if isinstance(numeric, int) else logging.INFO)
    if not any(getattr(h, "crisol_serve", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s"))
        handler.crisol_serve = True  # one handler however many times serve runs in a process
        logger.addHandler(handler)


def server_guard(host: str, token: str | None, allow_host: list[str]):
    """The :class:`~crisol.api.guard.Guard` for a server bound to ``host``: loopback names (and
    ``allow_host``) only, a token for writes; beyond loopback a token given by the user is
    required, for reads too."""
    from crisol.api.guard import LOOPBACK_NAMES, Guard, host_name, is_loopback, new_token  # lazy: FastAPI

    extra = {host_name(h) for h in allow_host if h.strip()}
    if is_loopback(host):
        return Guard(hosts=LOOPBACK_NAMES | extra, token=token or new_token())
    if not token:
        err.print(
            f"error: --host {host} makes the server reachable from other machines, and it has no "
            "accounts: give a token with --token or CRISOL_TOKEN (every request will need it)",
            markup=False,
        )
        raise typer.Exit(2)
    wildcard = host in ("0.0.0.0", "::", "")
    hosts = (
        None
        if wildcard and not extra
        else LOOPBACK_NAMES | extra | ({host_name(host)} if not wildcard else set())
    )
    return Guard(hosts=frozenset(hosts) if hosts is not None else None, token=token, private=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
