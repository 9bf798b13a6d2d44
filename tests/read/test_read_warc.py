"""WARC files built here with warcio's writer, plain and gzipped, whole and damaged."""

from __future__ import annotations

import gzip
import io
import logging
from dataclasses import dataclass, field

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE_ES = (
    "<html><head><title>Huelga en el metro</title></head><body><article><h1>Huelga en el "
    "metro de Madrid</h1><p>Los maquinistas pararán el viernes entre las 6 y las 10 de la "
    "mañana, según anunció el sindicato.</p></article></body></html>"
)
PAGE_EN = (
    "<html><body><article><h1>Flood defences approved</h1><p>The county council approved "
    "a £40m scheme to protect 3,000 homes along the river.</p></article></body></html>"
)


@dataclass
class Warc:
    data: bytes
    offsets: list[int] = field(default_factory=list)  # where each record starts


def build_warc(gz: bool, pages: int = 3) -> Warc:
    """warcinfo, then per page a request and its response, plus a 404, a JSON and a metadata."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    warc = Warc(b"")

    def write(record) -> None:  # type: ignore[no-untyped-def]
        warc.offsets.append(out.tell())
        writer.write_record(record)

    write(writer.create_warcinfo_record("test.warc", {"software": "crisol tests"}))
    for i in range(pages):
        url = f"https://noticias.example/{i}"
        request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        write(writer.create_warc_record(url, "request", payload=request))
        body = (PAGE_ES if i % 2 == 0 else PAGE_EN).replace("</h1>", f" ({i})</h1>").encode()
        write(_response(writer, url, body))
    write(_response(writer, "https://noticias.example/gone", b"<html>no</html>", "404 Not Found"))
    write(_response(writer, "https://noticias.example/api", b'{"a": 1}', ctype="application/json"))
    write(
        writer.create_warc_record(
            "https://noticias.example/0", "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n")
        )
    )
    warc.data = out.getvalue()
    return warc


def _response(
    writer,
    url: str,
    body: bytes,
    status: str = "200 OK",  # type: ignore[no-untyped-def]
    ctype: str = "text/html; charset=utf-8",
    extra=(),
):
    headers = StatusAndHeaders(status, [("Content-Type", ctype), *extra], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)


# record numbers of the responses with pages: warcinfo=1, then request/response pairs
PAGE_RECORDS = [3, 5, 7]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_warc_html_responses_become_articles(read, tmp_path, gz: bool) -> None:
    warc = build_warc(gz)
    path = tmp_path / ("cc-news.warc.gz" if gz else "cc-news.warc")
    path.write_bytes(warc.data)
    articles, rejections = read(path)
    assert rejections == []
    assert [a.location for a in articles] == [
        f"record {n} (offset {warc.offsets[n - 1]})" for n in PAGE_RECORDS
    ]
    first = articles[0]
    assert first.format == "warc"
    assert first.meta["url"] == "https://noticias.example/0"
    assert first.meta["fetched"].endswith("Z") and first.meta["fetched"][:4].isdigit()
    assert first.meta["date_field"] == "fetch"
    assert first.meta["date"] == first.meta["fetched"]  # a capture's only date
    assert first.meta["encoding"] == "utf-8"
    assert "Huelga en el metro de Madrid (0)" in first.meta["html"]
    assert first.data == first.meta["html"].encode()  # the HTTP payload, byte for byte
    assert "£40m" in articles[1].meta["html"]


def test_warc_skipped_records_are_counted_in_the_debug_log(read, tmp_path, caplog) -> None:
    path = tmp_path / "a.warc"
    path.write_bytes(build_warc(False).data)
    with caplog.at_level(logging.DEBUG, logger="crisol.read.warc"):
        read(path)
    (message,) = [r.getMessage() for r in caplog.records if "not articles" in r.getMessage()]
    assert "request: 3" in message and "HTTP 404: 1" in message
    assert "non-HTML (application/json): 1" in message and "metadata: 1" in message


def test_warc_with_a_corrupt_content_length_loses_only_that_record(read_data) -> None:
    warc = build_warc(False)
    start, end = warc.offsets[4], warc.offsets[5]  # record 5: the second page
    record = warc.data[start:end]
    header_end = record.index(b"\r\n\r\n")
    header = record[:header_end].replace(b"Content-Length: ", b"Content-Length: 9")
    damaged = header + record[header_end:]
    articles, (rejection,) = read_data(warc.data[:start] + damaged + warc.data[end:])
    assert [a.location.split()[1] for a in articles] == ["3", "7"]
    assert rejection.location == f"record 5 (offset {start})"
    assert "skipped to the next record" in rejection.reason


def test_warc_with_garbage_in_place_of_a_record_resynchronises(read_data) -> None:
    warc = build_warc(False)
    start, end = warc.offsets[4], warc.offsets[5]
    garbage = b"\x00\x13 disk error, sector unreadable " * 20
    articles, (rejection,) = read_data(warc.data[:start] + garbage + warc.data[end:])
    assert len(articles) == 2
    assert "not a WARC record header" in rejection.reason
    assert rejection.location == f"record 5 (offset {start})"


def test_warc_gz_with_a_corrupt_member_loses_only_that_record(read_data) -> None:
    warc = build_warc(True)
    start, end = warc.offsets[4], warc.offsets[5]
    data = bytearray(warc.data)
    middle = (start + end) // 2
    data[middle : middle + 16] = b"\x00" * 16
    articles, rejections = read_data(bytes(data))
    assert [a.meta["url"] for a in articles] == ["https://noticias.example/0", "https://noticias.example/2"]
    (rejection,) = rejections
    assert rejection.location == f"record 5 (offset {start})"
    assert rejection.reason.startswith("corrupt gzip data")


def test_truncated_warc_gz_yields_records_before_the_cut_then_one_rejection(read, tmp_path):
    warc = build_warc(True)
    cut = (warc.offsets[6] + warc.offsets[7]) // 2  # inside record 7, the third page
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(warc.data[:cut])
    articles, rejections = read(path)
    assert len(articles) == 2
    (rejection,) = rejections
    assert rejection.source == str(path)
    assert rejection.location == f"record 7 (offset {warc.offsets[6]})"
    assert "truncated gzip stream" in rejection.reason


def test_truncated_plain_warc_reports_the_cut_record(read_data) -> None:
    warc = build_warc(False)
    cut = warc.offsets[6] + 300
    articles, (rejection,) = read_data(warc.data[:cut])
    assert len(articles) == 2
    assert rejection.location.startswith("record 7") and "cut short" in rejection.reason


def test_warc_gzipped_whole_in_one_member_reads_too(read_data) -> None:
    warc = build_warc(False)
    articles, rejections = read_data(gzip.compress(warc.data))
    assert rejections == [] and len(articles) == 3
    assert articles[0].location == f"record 3 (offset {warc.offsets[2]} in the decompressed stream)"


def test_warc_charset_from_http_header_and_content_encoding(read_data) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    body = "<html><body><p>“Año nuevo” en Cádiz — crónica</p></body></html>".encode("cp1252")
    writer.write_record(
        _response(
            writer,
            "https://d.example/a",
            gzip.compress(body),
            ctype="text/html; charset=windows-1252",
            extra=[("Content-Encoding", "gzip")],
        )
    )
    (article,), rejections = read_data(out.getvalue())
    assert rejections == []
    assert article.meta["html"] == body.decode("cp1252")
    assert article.meta["encoding"] == "cp1252"
    assert article.data == body  # decoded payload, not the gzip transfer bytes


def _raw_record(block: bytes, url: str = "https://d.example/x") -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2025-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response"
        f"\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def test_response_without_http_status_line_is_a_corrupt_record(read_data) -> None:
    good = _raw_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Bien</p>")
    bad = _raw_record(b"\x00\x00 not http at all\r\n\r\n<html>")
    articles, (rejection,) = read_data(good + bad + good)
    assert len(articles) == 2
    assert rejection.location == f"record 2 (offset {len(good)})"
    assert "does not start with an HTTP status line" in rejection.reason


def test_html_response_with_empty_body_is_rejected(read_data) -> None:
    empty = _raw_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
    articles, (rejection,) = read_data(empty)
    assert articles == [] and "empty body" in rejection.reason


def test_response_without_content_type_is_sniffed(read_data) -> None:
    (article,), _ = read_data(_raw_record(b"HTTP/1.1 200 OK\r\n\r\n<!doctype html><p>Sin tipo</p>"))
    assert "Sin tipo" in article.meta["html"]
    skipped, rejections = read_data(_raw_record(b"HTTP/1.1 200 OK\r\n\r\n\x89PNG\r\n\x1a\n\x00"))
    assert skipped == [] and rejections == []  # an image: not an article, not an error


def test_warc_gz_whose_first_member_is_corrupt_still_loads_the_rest(read_data) -> None:
    warc = build_warc(True)
    data = bytearray(warc.data)
    data[20:40] = b"\x00" * 20  # inside the warcinfo member
    articles, (rejection,) = read_data(bytes(data))
    assert len(articles) == 3
    assert rejection.location == "record 1 (offset 0)"
    assert rejection.reason.startswith("corrupt gzip data")


def test_whitespace_past_the_sniffed_head_is_not_an_empty_file(read_data) -> None:
    (article,), _ = read_data(b" " * 70_000 + b"Titular tras muchos espacios\nCuerpo.")
    assert article.meta["text"].strip().startswith("Titular tras")


def test_old_heritrix_warc_0_18_is_read(read_data) -> None:
    record = _raw_record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Archivo 2008</p>")
    (article,), _ = read_data(record.replace(b"WARC/1.0", b"WARC/0.18", 1))
    assert article.meta["html"] == "<p>Archivo 2008</p>"
