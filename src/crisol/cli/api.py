"""``crisol api get /path``: call the REST API in-process, without a server (like datasette's
``--get``), so every endpoint is scriptable: ``crisol api get '/events?type=CONSULT&limit=5'``.

Prints the response body (JSON pretty-printed) on stdout; exit code 0 for a 2xx answer, 1
otherwise (the problem details are printed all the same).
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Annotated

import typer

from crisol.cli._common import check_store, err
from crisol.errors import StoreError

API_PREFIX = "/api"  # crisol.api.app.API_PREFIX, without importing FastAPI at start-up

api_app = typer.Typer(help="Call the REST API in-process (no server needed).", no_args_is_help=True)


def call(db: str, method: str, path: str, body: bytes | None = None, analyze: bool = True):
    """One request to the API over ``db``; returns the httpx response."""

    with warnings.catch_warnings():  # starlette's note about its httpx client, not ours to act on
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient  # lazy: as above
    from crisol.cli.serve import build_app  # lazy: FastAPI, ~0.4 s, only for this command

    if not path.startswith("/"):
        path = "/" + path
    if not path.startswith((API_PREFIX + "/", "/docs", "/openapi.json")) and path != API_PREFIX:
        path = API_PREFIX + path  # `crisol api get /stories/1` means the API's /stories/1
    with TestClient(build_app(db, analyze=analyze), raise_server_exceptions=False) as client:
        # in-process, as the user at this terminal: a JSON body, as any API client sends it
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return client.request(method, path, content=body, headers=headers)


def _print(response) -> None:
    if "json" in response.headers.get("content-type", ""):
        typer.echo(json.dumps(response.json(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.buffer.write(response.content)
        sys.stdout.flush()
    if response.status_code >= 300:
        err.print(f"HTTP {response.status_code}", markup=False)
        raise typer.Exit(1)


def _run(ctx: typer.Context, method: str, path: str, body: bytes | None = None, analyze: bool = True) -> None:
    from crisol.cli import settings  # cycle: crisol.cli imports the command modules

    check_store(ctx, create=method == "POST")  # posting articles makes the store, as ingest does
    try:
        response = call(settings(ctx).db, method, path, body, analyze)
    except StoreError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    _print(response)


@api_app.command("get")
def get_command(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="Path and query string, e.g. '/articles?language=es'.")],
) -> None:
    """GET a path of the API and print the answer."""
    _run(ctx, "GET", path)


@api_app.command("post")
def post_command(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="Path, e.g. /articles.")],
    file: Annotated[str, typer.Argument(help="File holding the body, or - for stdin.")] = "-",
    analyze: Annotated[bool, typer.Option("--analyze/--no-analyze")] = True,
) -> None:
    """POST a body (a file or stdin) to the API and print the answer."""
    data = sys.stdin.buffer.read() if file == "-" else open(file, "rb").read()
    _run(ctx, "POST", path, data, analyze)


def register(app: typer.Typer) -> None:
    app.add_typer(api_app, name="api")
