"""Request bodies bounded before they are read, and a bounded ingest queue (issue 11, item 15).

A 500 MB POST used to be read whole (+885 MB) before its 413, and background jobs queued
without bound. These tests talk ASGI to the application directly where the point is what is
*read*: the TestClient reads a streamed body whole before the application sees it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import warnings

import pytest

from crisol.api import create_app
from crisol.api.guard import MAX_BODY_BYTES, Guard
from crisol.api.ingest import MAX_QUEUED
from crisol.api.routes.ingest import MAX_UPLOAD_BYTES

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

ARTICLE = {"title": "Reabre el mercado de abastos", "text": "El mercado de abastos reabrió el lunes tras "
           "las obras de la cubierta. Los puestos vuelven a abrir a las siete.", "date": "2025-05-05",
           "outlet": "Diario del Barrio", "language": "es"}  # fmt: skip
CHUNK = 64 * 1024


def call(app, method: str, path: str, headers: dict[str, str], chunks) -> tuple[int, dict, bytes, int]:
    """One request straight to the ASGI app: (status, headers, body, chunks the app pulled)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    pulled = 0
    sent: list[dict] = []
    source = iter(chunks)

    async def receive():
        nonlocal pulled
        try:
            chunk = next(source)
        except StopIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body, pulled


def endless(first: bytes = b""):
    """A body that never ends: what a client streaming gigabytes looks like to the server."""
    yield first
    while True:
        yield b" " * CHUNK


def never_read():
    raise AssertionError("the body was read")
    yield b""  # pragma: no cover


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path / "b.db"), analyze=False, guard=Guard(hosts=None, max_body=1_000_000))


def test_the_default_limit_is_the_readers_limit_plus_framing():
    assert MAX_UPLOAD_BYTES < MAX_BODY_BYTES <= MAX_UPLOAD_BYTES + 100_000
    assert Guard().max_body == MAX_BODY_BYTES


@pytest.mark.parametrize(
    "path, kind",
    [("/api/articles", "application/json"), ("/api/articles/upload", "multipart/form-data; boundary=x")],
)
def test_a_body_declaring_a_huge_length_is_refused_before_a_byte_is_read(app, path, kind):
    status, headers, body, pulled = call(
        app, "POST", path, {"content-type": kind, "content-length": "500000000"}, never_read()
    )
    assert (status, pulled) == (413, 0)
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["type"].endswith("/input-too-large") and problem["input"] == "request body"
    assert "500" in problem["detail"] and "the limit is 1 MB" in problem["detail"]


def test_a_declared_length_that_is_no_number_is_a_400(app):
    status, _, body, pulled = call(
        app,
        "POST",
        "/api/articles",
        {"content-type": "application/json", "content-length": "lots"},
        never_read(),
    )
    assert (status, pulled) == (400, 0) and "Content-Length" in json.loads(body)["detail"]


def test_a_streamed_json_body_is_cut_as_soon_as_it_crosses_the_limit(app):
    status, headers, body, pulled = call(
        app, "POST", "/api/articles", {"content-type": "application/json"}, endless(b"[")
    )
    assert status == 413 and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["input"] == "request body"
    assert pulled <= 1_000_000 // CHUNK + 2  # the limit and one chunk, never more


def test_a_streamed_upload_is_cut_as_soon_as_it_crosses_the_limit(app):
    head = (
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    status, headers, body, pulled = call(
        app,
        "POST",
        "/api/articles/upload",
        {"content-type": "multipart/form-data; boundary=x"},
        endless(head),
    )
    assert status == 413 and headers["content-type"] == "application/problem+json", body
    assert pulled <= 1_000_000 // CHUNK + 2


def test_a_body_over_the_limit_through_http_is_a_413_problem_and_nothing_is_stored(app):
    with TestClient(app) as client:
        big = [dict(ARTICLE, text=ARTICLE["text"] + " Más." * 20_000)] * 20
        r = client.post("/api/articles", json=big)
        assert r.status_code == 413 and r.json()["input"] == "request body", r.text
        assert client.get("/api/articles").json()["count"] == 0
        assert client.post("/api/articles", json=ARTICLE).status_code == 201  # under the limit: stored


def test_a_full_ingest_queue_answers_503_with_retry_after(app):
    release = threading.Event()
    with TestClient(app) as client:
        ingestor = app.state.ingestor
        real = ingestor.ingest

        def slow(source, data):
            release.wait(30)
            return real(source, data)

        ingestor.ingest = slow
        try:
            for i in range(MAX_QUEUED):
                r = client.post("/api/articles?background=true", json=dict(ARTICLE, title=f"Nota {i}"))
                assert r.status_code == 202, r.text
            r = client.post("/api/articles?background=true", json=dict(ARTICLE, title="Una de más"))
            assert r.status_code == 503 and r.headers["retry-after"].isdigit(), r.text
            assert r.headers["content-type"] == "application/problem+json" and r.json()["type"].endswith(
                "/queue-full"
            )
            r = client.post(
                "/api/articles", json=dict(ARTICLE, title="Otra de más")
            )  # waiting ones count too
            assert r.status_code == 503
        finally:
            release.set()
        deadline = time.monotonic() + 30
        while ingestor.queued and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ingestor.queued == 0
        assert (
            client.post("/api/articles?background=true", json=dict(ARTICLE, title="Ya cabe")).status_code
            == 202
        )
