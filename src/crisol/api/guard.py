"""Who may talk to a running server: the checks in front of every request.

A server on loopback is still reachable from any web page the user opens: a page on another
origin can POST a ``<form>`` or a no-cors ``fetch`` to ``http://127.0.0.1:8000/api/articles``,
and a name it controls can be re-pointed at 127.0.0.1 (DNS rebinding) so that its script reads
the answers too. The :class:`Guard` middleware stops both:

- **Host**: the ``Host`` header must be one of the names the server is meant to be reached by
  (loopback names by default), so a rebound foreign name gets 421;
- **writes** (POST, PUT, PATCH, DELETE) must come from no browser origin or from the server's own
  (``Origin`` and ``Sec-Fetch-Site`` checked), must be JSON or a multipart upload (``text/plain``
  and url-encoded forms are what a cross-origin page can send without asking), and must carry the
  server's token (``Authorization: Bearer TOKEN`` or ``X-Crisol-Token``), which a page on another
  origin can neither read nor send without a CORS preflight that this server never grants;
- **reads**, on a server that is private (bound beyond loopback), need the token as well: in a
  header, or once as ``?token=`` which sets a same-site cookie for the browser;
- **bodies** are bounded before they are read: a ``Content-Length`` beyond ``max_body`` is
  refused (413) without reading a byte, and a body sent without one (chunked) is counted as it
  arrives and refused as soon as it crosses the limit, so no request holds more than the limit
  and one chunk in memory.

Every refusal is a problem+json answer that says what to do.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException

from crisol.api.problems import MEDIA_TYPE, TYPE_BASE
from crisol.read import MAX_FEED_BYTES
from crisol.read.limits import human_size

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a write may be: JSON (one article or a list), JSON Lines, or a file upload.
WRITE_TYPES = ("application/json", "application/x-ndjson", "application/jsonl", "application/jsonlines",
               "multipart/form-data")  # fmt: skip
TOKEN_HEADER = "x-crisol-token"
COOKIE = "crisol_token"
# The largest request body: the largest input the readers take, plus a multipart upload's framing.
MAX_BODY_BYTES = MAX_FEED_BYTES + 64 * 1024


def new_token() -> str:
    """A fresh random token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("[::1]"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port; IPv6 literals keep no brackets.

    >>> host_name("127.0.0.1:8000"), host_name("[::1]:8000"), host_name("Example.org")
    ('127.0.0.1', '::1', 'example.org')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header[1:]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass
class Guard:
    """The policy: ``hosts`` the server answers to (None: any), the ``token`` writes need (None:
    none, for embedding the app in a test or a process of one's own), and ``private``: reads
    need the token too (a server bound beyond loopback)."""

    hosts: frozenset[str] | None = LOOPBACK_NAMES
    token: str | None = None
    private: bool = False
    max_body: int | None = MAX_BODY_BYTES  # bytes a request body may hold (None: no limit)

    def refusal(self, scope: dict[str, Any]) -> tuple | None:
        """(status, kind, detail, headers[, input]) when the request must be refused, else None."""
        headers = _headers(scope)
        if self.hosts is not None:
            name = host_name(headers.get("host", ""))
            if name not in self.hosts:
                return (
                    421,
                    "host-not-allowed",
                    f"this server does not answer to the host {name!r}; "
                    "start it with --allow-host NAME to reach it by that name",
                    {},
                )
        method = scope.get("method", "GET")
        if method in WRITE_METHODS:
            refusal = self._write_refusal(scope, headers)
            if refusal is not None:
                return refusal
        elif self.private and not self._has_token(scope, headers):
            return (
                401,
                "token-required",
                "this server is private: send Authorization: Bearer TOKEN, "
                "or open any page once with ?token=TOKEN",
                {"WWW-Authenticate": "Bearer"},
            )
        return self._declared_too_large(headers)

    def _declared_too_large(self, headers) -> tuple[int, str, str, dict[str, str], str] | None:
        declared = headers.get("content-length")
        if declared is None:
            return None
        if not declared.strip().isdigit():
            return (
                400,
                "bad-content-length",
                f"Content-Length must be a number of bytes; got {declared[:40]!r}",
                {},
                "request body",
            )
        size = int(declared)
        if self.max_body is not None and size > self.max_body:
            return (
                413,
                "input-too-large",
                body_too_large(size, self.max_body),
                {"Connection": "close"},
                "request body",
            )
        return None

    def _write_refusal(self, scope, headers) -> tuple[int, str, str, dict[str, str]] | None:
        site = headers.get("sec-fetch-site")
        if site in ("cross-site", "same-site"):
            return (
                403,
                "cross-origin-write",
                f"writes from another site are refused (Sec-Fetch-Site: {site})",
                {},
            )
        origin = headers.get("origin")
        if origin is not None and origin != own_origin(scope, headers):
            return 403, "cross-origin-write", f"writes from the origin {origin!r} are refused", {}
        kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        has_body = (
            headers.get("content-length", "0").strip() not in ("", "0") or "transfer-encoding" in headers
        )
        # A body a foreign page could send must be refused; a request without one (a PUT to a
        # read-only path) goes on to its 405 or its "empty body" problem.
        if has_body and kind not in WRITE_TYPES:
            return (
                415,
                "unsupported-media-type",
                f"writes must be JSON or a multipart upload; got {kind or 'no Content-Type'}",
                {},
            )
        # The token cookie counts for a write only from a page of this server (its own Origin,
        # checked above): the pages' forms cannot send a header. Another origin sends no
        # SameSite=Strict cookie, and would be refused above anyway.
        from_own_page = headers.get("origin") is not None or site == "same-origin"
        if self.token is not None and not self._has_token(scope, headers, cookie=from_own_page, query=False):
            return (
                401,
                "token-required",
                "writes need the server's token: Authorization: Bearer TOKEN "
                "(crisol serve prints it when it starts)",
                {"WWW-Authenticate": "Bearer"},
            )
        return None

    def given_query_token(self, scope) -> bool:
        """Whether a request carries the right token as ``?token=`` (then the browser gets it as
        a cookie: reads of a private server, and the pages' own forms, need no header)."""
        given = query_token(scope)
        return bool(self.token and given and hmac.compare_digest(given[0].encode(), self.token.encode()))

    def _has_token(self, scope, headers, cookie: bool = True, query: bool = True) -> bool:
        if self.token is None:
            return True
        given = [headers.get(TOKEN_HEADER, "")]
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            given.append(auth[7:].strip())
        if cookie:
            jar = SimpleCookie()
            try:
                jar.load(headers.get("cookie", ""))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no token
                pass
            if COOKIE in jar:
                given.append(jar[COOKIE].value)
        if cookie and query:
            given.extend(query_token(scope))
        return any(g and hmac.compare_digest(g.encode(), self.token.encode()) for g in given)


def body_too_large(size: int | None, limit: int) -> str:
    said = f"is {human_size(size)}" if size is not None else "grew past the limit"
    return (
        f"the request body {said}; the limit is {human_size(limit)} (send a large input in several requests)"
    )


class BodyTooLarge(HTTPException):
    """Raised while a body is read, as soon as it crosses the limit: a 413 problem naming it."""

    kind = "input-too-large"
    input = "request body"

    def __init__(self, limit: int):
        super().__init__(413, body_too_large(None, limit), headers={"Connection": "close"})


def limited_receive(receive, limit: int):
    """``receive`` counting the body's bytes: :class:`BodyTooLarge` once they pass ``limit``."""
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped


def query_token(scope: dict[str, Any]) -> list[str]:
    query = scope.get("query_string", b"").decode("latin-1")
    return parse_qs(query).get("token", [])[:1]


def own_origin(scope: dict[str, Any], headers: dict[str, str]) -> str:
    """The origin a page served by this server has: scheme and the Host it was asked by."""
    return f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


class GuardMiddleware:
    """ASGI middleware applying a :class:`Guard` to every HTTP request."""

    def __init__(self, app: Callable[..., Awaitable[None]], guard: Guard):
        self.app, self.guard = app, guard

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self.guard.refusal(scope)
        if refusal is not None:
            return await _refuse(scope, send, *refusal)
        if self.guard.max_body is not None:
            receive = limited_receive(receive, self.guard.max_body)
        if scope.get("method") == "GET" and self.guard.given_query_token(scope):
            send = _set_cookie(send, self.guard.token)
        started = False

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            return await self.app(scope, receive, tracked)
        except BodyTooLarge as e:  # read outside the routes' handlers: answered here
            if started:
                raise
            return await _refuse(scope, send, 413, e.kind, e.detail, dict(e.headers or {}), e.input)


def _set_cookie(send, token: str | None):
    async def wrapped(message):
        if message["type"] == "http.response.start" and token:
            cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
            message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode("latin-1"))]
        await send(message)

    return wrapped


async def _refuse(
    scope, send, status: int, kind: str, detail: str, headers: dict[str, str], input: str | None = None
) -> None:

    problem = {
        "type": TYPE_BASE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": scope.get("path", ""),
    }
    if input is not None:
        problem["input"] = input
    body = json.dumps(problem).encode()
    raw = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
