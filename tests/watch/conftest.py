"""A real HTTP server on 127.0.0.1 (random port) that serves news and misbehaves on purpose."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

from crisol.watch.fetch import FetchConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "watch"
UA_CONTACT = "mailto:pruebas@crisol.test"


def fixture_page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rss(items: list[tuple[str, str, str]], title: str = "Diario del Litoral") -> bytes:
    """An RSS 2.0 feed of ``(link, title, date)`` items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>" for link, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>noticias</description>{body}</channel></rss>"
    ).encode()


class NewsServer:
    """Routes: ``pages`` (path → bytes, served with ETag/Last-Modified and 304s) and ``routes``
    (path → handler function for the misbehaving cases). Every request is logged."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.hits: Counter = Counter()
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                path = self.path
                with server.lock:
                    server.hits[path] += 1
                    server.log.append((time.monotonic(), path, dict(self.headers.items())))
                try:
                    if path in server.routes:
                        server.routes[path](self)
                    elif path in server.pages:
                        server._serve_page(self, *server.pages[path])
                    elif path == "/robots.txt":
                        send(self, 404, b"no robots here")
                    else:
                        send(self, 404, b"not found")
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.pages[path] = (body, content_type)

    def _serve_page(self, h: BaseHTTPRequestHandler, body: bytes, content_type: str) -> None:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            send(h, 304, b"", {"ETag": etag})
            return
        send(
            h,
            200,
            body,
            {"Content-Type": content_type, "ETag": etag, "Last-Modified": formatdate(0, usegmt=True)},
        )

    def page_hits(self, prefix: str = "/news/") -> Counter:
        return Counter({p: n for p, n in self.hits.items() if p.startswith(prefix)})

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    headers = headers or {}
    for k, v in headers.items():
        h.send_header(k, v)
    if "Content-Length" not in headers:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body:
        h.wfile.write(body)


_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    """60 MB of zeros, gzipped to about 60 KB (made once per session)."""
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b"\0" * 60_000_000, compresslevel=9)
    return _BOMB


@pytest.fixture
def server():
    s = NewsServer()
    yield s
    s.close()


@pytest.fixture
def fast_config() -> FetchConfig:
    """Small timeouts and delays so misbehaving servers cost the suite little time."""
    return FetchConfig(
        contact=UA_CONTACT,
        connect_timeout=1.0,
        read_timeout=0.5,
        deadline=1.5,
        max_bytes=2_000_000,
        retries=2,
        backoff=0.05,
        backoff_max=0.2,
        delay=0.0,
        max_retry_after=5.0,
    )


@pytest.fixture(scope="session")
def kit():
    """The helpers above, for test modules (importlib mode cannot import conftest by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        send=send, fixture_page=fixture_page, gzip_bomb=gzip_bomb, rss=rss, UA_CONTACT=UA_CONTACT
    )
