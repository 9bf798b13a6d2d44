"""Every registered reader keeps the contract."""

from __future__ import annotations

import pytest

import crisol.read
from crisol.model import RawArticle, Rejection
from crisol.read import READERS, InputFile, read_input, reader_for, sniff
from crisol.read.stream import open_stream

ODD_INPUTS = [
    b"",
    b"\n\n",
    b"\x00\x01\x02" * 50,
    b"{",
    b"[",
    b"<",
    b"WARC/1.0\r\n",
    b"<rss><channel></channel></rss>",
    "ñ".encode("latin-1") * 3,
]


@pytest.mark.parametrize("fmt", sorted(READERS))
@pytest.mark.parametrize("data", ODD_INPUTS, ids=range(len(ODD_INPUTS)))
def test_every_reader_survives_odd_bytes(fmt: str, data: bytes) -> None:
    inp = InputFile("odd.bin", None, data, len(data))
    with open_stream(inp) as stream:
        items = list(reader_for(fmt)(inp, stream))
    for item in items:
        assert isinstance(item, (RawArticle, Rejection))
        assert item.source == "odd.bin"
        if isinstance(item, Rejection):
            assert item.reason


def test_every_sniffed_format_has_a_reader() -> None:
    samples = [
        b"hola",
        b"<html>",
        b"<feed>",
        b"<rss>",
        b"<urlset>",
        b'{"a": 1}\n',
        b"[{}]",
        b"WARC/1.0\r\n",
        b"\x89PNG\r\n\x1a\n",
        b"title,text,date\nA,B,C\n",
        b"From: x\r\nMIME-Version: 1.0\r\n\r\n",
    ]
    assert {sniff(s) for s in samples} <= set(READERS)


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known formats: text, html"):
        reader_for("docx")


@pytest.mark.parametrize(
    "head", [b"[V\xc3\x8dDEO] Titular de la noticia\nCuerpo.", b"{Exclusiva} El alcalde dimite\nCuerpo."]
)
def test_bracketed_headline_is_text_not_json(head: bytes) -> None:
    assert sniff(head) == "text"


def test_a_failing_reader_becomes_a_labelled_rejection(monkeypatch) -> None:
    def broken(inp, stream):  # type: ignore[no-untyped-def]
        raise KeyError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(READERS, "text", broken)
    (rejection,) = read_input(InputFile("x.txt", None, b"Titular\nCuerpo", 14))
    assert rejection.source == "x.txt"
    assert "internal error reading it as text (KeyError" in rejection.reason


def test_file_removed_after_expand_is_a_rejection(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("T\nC")
    (inp,) = crisol.read.expand([str(path)])
    path.unlink()
    (rejection,) = read_input(inp)
    assert rejection.reason.startswith("cannot read: No such file")


def _tiny_warc(gz: bool) -> bytes:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for i in range(3):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = io.BytesIO(f"<html><p>Noticia {i}: el pleno aprobó la moción.</p></html>".encode())
        writer.write_record(
            writer.create_warc_record(
                f"https://d.example/{i}", "response", payload=body, http_headers=headers
            )
        )
    return out.getvalue()


def test_damaged_inputs_never_crash_a_reader(read_fixtures) -> None:
    """Random cuts, flips and insertions in every format: only articles and Rejections come out."""
    import gzip
    import random

    seeds = [p.read_bytes() for p in sorted(read_fixtures.iterdir())]
    seeds += [_tiny_warc(False), _tiny_warc(True)] + [gzip.compress(s) for s in seeds[:3]]
    rng = random.Random(20250714)
    for _ in range(600):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(data) or 1)
            action = rng.random()
            if action < 0.35:
                data[pos : pos + 1] = bytes([rng.randrange(256)])
            elif action < 0.6:
                del data[pos : pos + rng.randint(1, 200)]
            elif action < 0.8:
                data = data[:pos]
            else:
                data[pos:pos] = rng.choice(
                    [
                        b"<",
                        b"{",
                        b"\n",
                        b"WARC/1.0\r\n",
                        b"\x1f\x8b\x08",
                        b"\r\n\r\n",
                        b"]]>",
                        b"&",
                        b"\xff\xfe",
                    ]
                )
        for item in read_input(InputFile("fuzz", None, bytes(data), len(data))):
            assert isinstance(item, (RawArticle, Rejection))
            if isinstance(item, Rejection):
                assert "internal error" not in item.reason, (bytes(data[:200]), item.reason)
