"""WARC records with a wrong length (issue 11, items 7 and 11): the records after them load.

Records are built here by hand; the damage is made in the test.
"""

from __future__ import annotations

import gzip
import logging
import uuid

import pytest


def _record(i: int, length: int | None = None, url: str | None = None) -> bytes:
    url = url or f"https://d.example/{i}"
    block = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"<html><body><p>Página {i} del archivo de prueba.</p></body></html>"
    ).encode()
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2025-01-01T00:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block) if length is None else length}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def _urls(articles) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.meta["url"] for a in articles]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("length", [999_999_999_999, 40_000_000])
def test_absurd_content_length_does_not_lose_the_records_after_it(read_data, gz, length):
    records = [_record(0), _record(1, length), _record(2), _record(3), _record(4), _record(5)]
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    articles, (rejection,) = read_data(data)
    assert _urls(articles) == [f"https://d.example/{i}" for i in (0, 2, 3, 4, 5)]
    assert rejection.location.startswith("record 2 (offset ")
    assert f"Content-Length ({length}) is wrong" in rejection.reason
    assert rejection.reason.endswith("skipped to the next record (found inside it)")


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_truncated_record_loses_only_itself(read_data, gz) -> None:
    cut = _record(1)[:-40]  # cut inside its payload: the next record follows without a newline
    records = [_record(0), cut, _record(2), _record(3)]
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    articles, (rejection,) = read_data(data)
    assert _urls(articles) == ["https://d.example/0", "https://d.example/2", "https://d.example/3"]
    assert rejection.location.startswith("record 2 ")
    assert "skipped to the next record" in rejection.reason


def test_truncated_last_record_says_nothing_follows(read_data) -> None:
    articles, (rejection,) = read_data(_record(0) + _record(1)[:-60])
    assert _urls(articles) == ["https://d.example/0"]
    assert "cut short" in rejection.reason and "skipped" not in rejection.reason


def test_record_length_running_into_the_next_record_is_resynchronised(read_data) -> None:
    # the length is too large, but not past the end: the next header is inside the record
    records = [_record(0), _record(1, 700), _record(2), _record(3), _record(4)]
    articles, rejections = read_data(b"".join(records))
    assert "https://d.example/0" in _urls(articles)
    assert _urls(articles)[-2:] == ["https://d.example/3", "https://d.example/4"]
    assert rejections and all("skipped to the next record" in r.reason for r in rejections)


def test_a_large_record_that_really_is_large_is_skipped_whole(read_data, monkeypatch) -> None:
    from crisol.read import warc

    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 1000)
    # a big record whose payload quotes a WARC record: the quoted one is not taken as a record
    quoted = _record(9)
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 500 + quoted + b"y" * 3000
    big = (
        (
            f"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://d.example/big\r\n"
            f"Content-Length: {len(block)}\r\n\r\n"
        ).encode()
        + block
        + b"\r\n\r\n"
    )
    articles, rejections = read_data(_record(0) + big + _record(2))
    assert _urls(articles) == ["https://d.example/0", "https://d.example/2"]
    assert rejections == []


def test_warcio_messages_do_not_reach_stderr(read_data, capfd, caplog) -> None:
    # item 11: warcio logs "Replacing spaces in invalid WARC-Target-URI" and writes to stderr
    broken_gzip = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
    ).encode() + b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage"
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://d.example/z\r\n"
        f"Content-Length: {len(broken_gzip)}\r\n\r\n"
    ).encode()
    data = _record(0, url="https://d.example/con espacios") + head + broken_gzip + b"\r\n\r\n"
    with caplog.at_level(logging.DEBUG, logger="crisol"):
        articles, _ = read_data(data)
    assert articles[0].meta["url"] == "https://d.example/con%20espacios"
    assert capfd.readouterr().err == ""
    assert any("Replacing spaces" in r.getMessage() for r in caplog.records)
