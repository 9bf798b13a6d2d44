"""``crisol serve [--host 127.0.0.1] [--port 8000]``: the REST API (and the web pages) in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from crisol.cli._common import err
from crisol.errors import StoreError


def build_app(db: str, *, analyze: bool = True):
    """The API over ``db``, with the web pages mounted beside it when ``crisol.web`` provides
    ``mount(app)`` (the UI package is optional: the API works without it)."""
    from crisol.api import create_app

    app = create_app(db, analyze=analyze)
    try:
        from crisol import web
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
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the REST API (docs at /docs, schema at /openapi.json) over the store given by --db."""
    import uvicorn

    from crisol.cli import settings

    try:
        app = build_app(settings(ctx).db, analyze=analyze)
    except StoreError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    err.print(f"crisol: serving {app.state.store.where} on http://{host}:{port}/ (API docs at /docs)", markup=False)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
