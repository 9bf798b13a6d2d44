"""Large inputs stream: memory stays flat and messages are clear."""

from __future__ import annotations

import json
import tracemalloc
import zlib
from pathlib import Path

import pytest

from crisol.model import RawArticle, Rejection
from crisol.read import MAX_RECORD_BYTES, expand, read_input

MB = 1_000_000


def _peak_while(fn):  # type: ignore[no-untyped-def]
    """Run ``fn`` and return (its result, peak traced Python memory in MB)."""
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / MB


def _read(path: Path) -> list[RawArticle | Rejection]:
    (inp,) = expand([str(path)])
    return list(read_input(inp))


def _count(path: Path) -> tuple[int, list[Rejection]]:
    (inp,) = expand([str(path)])
    articles, rejections = 0, []
    for item in read_input(inp):  # not kept: a pipeline consumes articles as they come
        if isinstance(item, RawArticle):
            articles += 1
        else:
            rejections.append(item)
    return articles, rejections


def test_200_mb_text_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "volcado.txt"
    block = "Línea de un volcado de registro que nadie debería leer como noticia.\n" * 16_000
    block_bytes = block.encode()[:MB]
    with open(path, "wb") as fh:
        for _ in range(200):
            fh.write(block_bytes)
    items, peak = _peak_while(lambda: _read(path))
    (rejection,) = items
    assert isinstance(rejection, Rejection) and rejection.source == str(path)
    assert rejection.reason.startswith("too large for one article (200 MB > 10 MB limit)")
    assert peak < 5, f"peak {peak:.1f} MB"


@pytest.mark.slow
def test_200_mb_jsonl_streams_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "noticias.jsonl"
    body = "El ministerio publicó ayer las cifras de empleo del trimestre. " * 1_600  # ~100 KB
    with open(path, "w", encoding="utf-8") as fh:
        n = 0
        while fh.tell() < 200 * MB:
            n += 1
            fh.write(
                json.dumps(
                    {"title": f"Noticia {n}", "maintext": body, "source_domain": "diario.example"},
                    ensure_ascii=False,
                )
                + "\n"
            )
    # memory is the property tested; how fast it reads is a benchmark's business, not a test's
    (articles, rejections), peak = _peak_while(lambda: _count(path))
    assert rejections == [] and articles == n
    assert peak < 20, f"peak {peak:.1f} MB for a {path.stat().st_size // MB} MB file"


def test_gzip_bomb_is_stopped_at_the_article_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomba.txt.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"Titular\n" + b"a" * (MB - 8)
    with open(path, "wb") as fh:
        for _ in range(30):
            fh.write(packer.compress(chunk))
        fh.write(packer.flush())
    items, peak = _peak_while(lambda: _read(path))
    (rejection,) = items
    assert rejection.reason.startswith("too large for one article (over 10 MB decompressed")
    assert peak < 40


def test_warc_record_too_large_for_an_article_is_skipped_streaming(tmp_path: Path) -> None:
    def record(body: bytes, url: str) -> bytes:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        head = (
            f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: 2025-03-01T10:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n"
        ).encode()
        return head + http + b"\r\n\r\n"

    path = tmp_path / "grande.warc"
    huge = b"<html><body>" + b"<p>relleno</p>" * ((MAX_RECORD_BYTES + MB) // 14) + b"</body></html>"
    with open(path, "wb") as fh:
        fh.write(record(huge, "https://d.example/enorme"))
        fh.write(record(b"<html><body><p>Noticia normal.</p></body></html>", "https://d.example/n"))
    del huge
    items, peak = _peak_while(lambda: _read(path))
    rejection, article = items
    assert isinstance(rejection, Rejection) and "too large for one article" in rejection.reason
    assert rejection.location == "record 1 (offset 0)"
    assert isinstance(article, RawArticle) and article.meta["url"] == "https://d.example/n"
    assert peak < 10, f"peak {peak:.1f} MB"
