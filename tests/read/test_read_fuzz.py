"""Property (issue 11): any bytes in -> only RawArticles or Rejections out, in bounded time.

Inputs are random bytes and mutations (flipped, cut, duplicated, spliced bytes, gzipped) of
valid JSON Lines, JSON, HTML, RSS, CSV, MIME and WARC built here. The budget is small so CI
runs it in seconds; for a longer run:

    CRISOL_FUZZ_RANDOM=1 CRISOL_FUZZ_EXAMPLES=20000 \\
        .venv/bin/python -m pytest -p no:cacheprovider tests/read/test_read_fuzz.py
"""

from __future__ import annotations

import gzip
import json
import os
import time

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crisol.model import RawArticle, Rejection  # noqa: E402
from crisol.read import InputFile, read_input  # noqa: E402

EXAMPLES = int(os.environ.get("CRISOL_FUZZ_EXAMPLES", "200"))
SECONDS_PER_INPUT = 5.0


def _warc(pages: int = 2) -> bytes:
    out = []
    for i in range(pages):
        block = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f"<html><body><p>Página {i} con texto.</p></body></html>"
        ).encode()
        out.append(
            (
                f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://d.example/{i}\r\n"
                "WARC-Date: 2025-01-01T00:00:00Z\r\nContent-Type: application/http; "
                f"msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
            ).encode()
            + block
            + b"\r\n\r\n"
        )
    return b"".join(out)


SEEDS = [
    "\n".join(
        json.dumps({"title": f"T{i}", "text": f"Texto {i} del artículo."}, ensure_ascii=False)
        for i in range(3)
    ).encode(),
    json.dumps([{"title": "A", "text": "uno dos tres"}, {"title": "B", "text": "cuatro"}]).encode(),
    b"<!doctype html><html><head><meta charset='utf-8'><title>T</title></head><body><p>"
    + "Señal débil en la red.".encode()
    + b"</p></body></html>",
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title><item><title>A</title>'
    b"<description>Texto del item.</description></item></channel></rss>",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title><content>Hola hola '
    b"hola</content></entry></feed>",
    b'title,text,url\nA,Texto uno dos,https://d.example/a\nB,"Texto, con coma",x\n',
    b"MIME-Version: 1.0\r\nSubject: Hola\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>Cuerpo del mensaje.</p>",
    _warc(),
    "Titular\n\nEl Gobierno aprobó ayer el plan.".encode(),
    b"filedesc://x.arc 0.0.0.0 20240101000000 text/plain 10\n",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert", "splice", "deep"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
        elif op == "insert":
            data[at:at] = draw(st.binary(max_size=32))
        elif op == "splice":
            data[at:at] = draw(st.sampled_from(SEEDS))[: draw(st.integers(0, 300))]
        else:  # nesting, a charset name, a length: what broke readers before
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"[" * 3000,
                        b'{"a":' * 1500,
                        b"\x00",
                        b"charset=base64",
                        b"Content-Length: 9999999999",
                        b"\xff\xfe\x00\x00",
                        b" " * 5000,
                    ]
                )
            )
    out = bytes(data)
    if draw(st.booleans()) and draw(st.integers(0, 4)) == 0:
        out = gzip.compress(out)
    return out


def _check(data: bytes) -> None:
    start = time.perf_counter()
    items = list(read_input(InputFile("fuzz", None, data, len(data))))
    assert time.perf_counter() - start < SECONDS_PER_INPUT
    for item in items:
        assert isinstance(item, (RawArticle, Rejection))
        if isinstance(item, Rejection):
            assert item.reason and item.source == "fuzz"
            assert "internal error" not in item.reason, item.reason


# derandomized in CI (the same examples every run); CRISOL_FUZZ_RANDOM=1 explores new ones
_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("CRISOL_FUZZ_RANDOM"),
    suppress_health_check=list(HealthCheck),
)


@_SETTINGS
@given(st.binary(max_size=2048))
def test_random_bytes_give_articles_or_rejections(data: bytes) -> None:
    _check(data)


@_SETTINGS
@given(mutated())
def test_mutated_inputs_give_articles_or_rejections(data: bytes) -> None:
    _check(data)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_every_seed_reads_cleanly(seed: int) -> None:
    _check(SEEDS[seed])
