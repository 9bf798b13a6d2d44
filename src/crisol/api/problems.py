"""Errors as RFC 7807 problem details (``application/problem+json``), naming the input at fault.

Every error the API answers has the same shape: ``type``, ``title``, ``status``, ``detail``,
``instance`` (the request path) and, where it applies, ``input`` (the parameter, upload or body
at fault) and ``errors`` (one entry per rejected record, as ``crisol ingest`` lists them).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from crisol.errors import StoreError
from crisol.store import AmbiguousId

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://crisol.invalid/problems/"  # documented in docs/api.md, not a live page


class Problem(Exception):
    """An error to answer as problem details; ``kind`` becomes the ``type`` URI's last part."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        input: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or HTTPStatus(status).phrase.lower().replace(" ", "-")
        self.title = title or HTTPStatus(status).phrase
        self.input = input
        self.errors = errors
        self.headers = headers or {}


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
    }
    if problem.input is not None:
        body["input"] = problem.input
    if problem.errors is not None:
        body["errors"] = problem.errors
    return JSONResponse(
        body, status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers or None
    )


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        # a parameter is named alone ("kind", not "kind.0"); a body field by its path
        name = (
            loc[1] if len(loc) > 1 and loc[0] in ("query", "path", "header", "cookie") else ".".join(loc[1:])
        )
        errors.append(
            {"input": name or ".".join(loc), "in": loc[0] if loc else None, "reason": e.get("msg", "invalid")}
        )
    names = ", ".join(dict.fromkeys(e["input"] for e in errors))
    detail = "; ".join(f"{e['input']}: {e['reason']}" for e in errors)
    return problem_response(
        request, Problem(422, detail, kind="invalid-parameters", input=names or None, errors=errors)
    )


def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    kind, name = getattr(exc, "kind", None), getattr(exc, "input", None)  # crisol.api.guard.BodyTooLarge
    response = problem_response(request, Problem(exc.status_code, detail, kind=kind, input=name))
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


def _store(request: Request, exc: StoreError) -> JSONResponse:
    return problem_response(request, Problem(503, str(exc), kind="store-unavailable"))


def _ambiguous(request: Request, exc: AmbiguousId) -> JSONResponse:
    """An id prefix several articles share: the reader's to lengthen, wherever a route took it."""
    return problem_response(request, Problem(409, str(exc), kind="ambiguous-id", input="id"))


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as problem details."""
    app.add_exception_handler(Problem, problem_response)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(StoreError, _store)
    app.add_exception_handler(AmbiguousId, _ambiguous)  # the more specific StoreError wins
