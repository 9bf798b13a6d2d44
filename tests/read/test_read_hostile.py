"""Hostile inputs (issue 11): one poison record costs that record only, with a named reason.

Every input is built here from scratch; nothing is fetched and no third-party file is kept.
"""

from __future__ import annotations

import codecs
import gzip
import json
import time
import uuid

import pytest

from crisol.model import RawArticle, Rejection
from crisol.read import InputFile, expand, jsonfmt, read_input, registry
from crisol.read.decode import decode_text, wide_codec
from crisol.read.limits import MAX_JSON_DEPTH

GOOD = json.dumps(
    {"title": "Bien", "text": "Un texto correcto, con varias palabras en él."}, ensure_ascii=False
)
BODY = "Titular de prueba\n\nEl Gobierno aprobó ayer el plan de vivienda en el Congreso.\n"


def _deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def _deep_list(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


# -- item 1 and 3: deep JSON -----------------------------------------------------------------


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 1000, 2000, 20_000])
def test_deep_jsonl_line_is_rejected_by_name_and_the_other_lines_load(read_data, levels) -> None:
    # 2000 levels on the first line broke the sniffer; ~1000 on a later line lost the rest
    for lines in ([_deep_object(levels), GOOD, GOOD], [GOOD, _deep_object(levels), GOOD]):
        articles, (rejection,) = read_data("\n".join(lines).encode(), source="lote.jsonl")
        assert len(articles) == 2
        assert rejection.location == f"line {lines.index(_deep_object(levels)) + 1}"
        assert f"nested more than {MAX_JSON_DEPTH} levels" in rejection.reason


def test_jsonl_line_just_under_the_depth_limit_is_read(read_data) -> None:
    inner = _deep_list(MAX_JSON_DEPTH - 2)
    line = json.dumps({"title": "Hondo", "text": "Texto del artículo."})[:-1] + f', "x": {inner}}}'
    (article,), rejections = read_data(line.encode())
    assert rejections == [] and article.meta["title"] == "Hondo"


def test_brackets_inside_strings_do_not_count_as_depth(read_data) -> None:
    line = json.dumps({"title": "[" * 5000, "text": "{" * 5000 + " un texto breve"})
    (article,), rejections = read_data(line.encode())
    assert rejections == [] and article.meta["title"] == "[" * 5000


@pytest.mark.parametrize(
    "deep", [_deep_list(300), _deep_list(5000), _deep_object(5000), "[" * 3000 + '"a]]\\"]"' + "]" * 3000]
)
def test_deep_item_of_a_json_list_is_skipped_and_the_next_items_load(read_data, deep) -> None:
    articles, (rejection,) = read_data(f"[{GOOD},\n {deep},\n {GOOD}]".encode())
    assert [a.location for a in articles] == ["item 1", "item 3"]
    assert rejection.location == "item 2" and "levels deep" in rejection.reason


def test_unclosed_deep_json_value_ends_the_document_with_a_reason(read_data) -> None:
    articles, (rejection,) = read_data(f"[{GOOD}, {'[' * 3000}".encode())
    assert len(articles) == 1
    assert "levels deep" in rejection.reason and "rest of the document" in rejection.reason


def test_deep_single_json_object_is_rejected(read_data) -> None:
    articles, (rejection,) = read_data(("\n" + _deep_object(3000)).encode())
    assert articles == [] and "levels deep" in rejection.reason


# -- item 3: codecs that are not charsets ----------------------------------------------------

NON_TEXT_CODECS = [
    "base64",
    "hex",
    "zlib",
    "bz2",
    "uu",
    "quopri",
    "rot13",
    "unicode_escape",
    "undefined",
    "idna",
]


@pytest.mark.parametrize("codec", NON_TEXT_CODECS)
def test_non_text_codec_declared_in_html_meta_is_ignored(read_data, codec) -> None:
    page = (
        f'<html><head><meta charset="{codec}"></head><body><p>'
        "Señal débil en la red móvil del país.</p></body></html>"
    ).encode("latin-1")
    (article,), rejections = read_data(page)
    assert rejections == []
    assert "Señal débil" in article.meta["html"]


@pytest.mark.parametrize("codec", NON_TEXT_CODECS)
def test_non_text_codec_declared_in_a_warc_http_header_loses_only_nothing(read_data, codec):
    pages = []
    for i in range(4):
        charset = codec if i == 1 else "utf-8"
        text = f"<html><body><p>Página {i}: señal débil en el país.</p></body></html>"
        body = text.encode("latin-1" if i == 1 else "utf-8")
        http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={charset}\r\n\r\n".encode() + body
        pages.append(_warc_record(http, f"https://d.example/{i}"))
    articles, rejections = read_data(b"".join(pages))
    assert rejections == []
    assert [a.meta["url"] for a in articles] == [f"https://d.example/{i}" for i in range(4)]
    assert "señal débil" in articles[1].meta["html"]


@pytest.mark.parametrize("codec", ["base64", "zlib", "rot13"])
def test_non_text_codec_declared_in_a_mime_part_is_ignored(read_data, codec) -> None:
    body = "<html><body><p>Señal débil en la red móvil del país.</p></body></html>"
    message = (
        "From: a@example.org\r\nSubject: Boletín\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/html; charset={codec}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body.encode("latin-1")
    (article,), rejections = read_data(message)
    assert rejections == [] and "Señal débil" in article.meta["html"]


def _warc_record(block: bytes, url: str, length: int | None = None) -> bytes:
    size = len(block) if length is None else length
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


# -- the boundary: an internal error costs one record, or the rest of one input --------------


def test_internal_error_on_one_record_costs_that_record_only(read_data, monkeypatch) -> None:
    real = jsonfmt.to_article

    def flaky(record, *args, **kwargs):  # a bug that hits one record
        if record.get("title") == "Mal":
            raise KeyError("boom")
        return real(record, *args, **kwargs)

    monkeypatch.setattr(jsonfmt, "to_article", flaky)
    bad = json.dumps({"title": "Mal", "text": "x"})
    articles, (rejection,) = read_data(f"{GOOD}\n{bad}\n{GOOD}\n".encode())
    assert len(articles) == 2 and rejection.location == "line 2"
    assert rejection.reason.startswith("internal error reading this record (KeyError")
    assert "please report this input" in rejection.reason


def test_internal_error_in_sniffing_or_framing_costs_one_input_only(tmp_path, monkeypatch):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(BODY)
    second.write_text(BODY)
    real = registry.sniff

    def flaky(head: bytes) -> str:
        if flaky.calls == 0:
            flaky.calls += 1
            raise RecursionError("maximum recursion depth exceeded")
        return real(head)

    flaky.calls = 0
    monkeypatch.setattr(registry, "sniff", flaky)
    out = [item for inp in expand([first, second]) for item in read_input(inp)]
    rejection, article = out
    assert isinstance(rejection, Rejection) and rejection.source == str(first)
    assert "nested too deeply for sniffing its format" in rejection.reason
    assert isinstance(article, RawArticle) and article.source == str(second)


def test_reader_failing_midway_keeps_what_it_read_and_says_where_it_stopped(read_data, monkeypatch):
    def broken(inp, stream):
        yield RawArticle(inp.source, b"x", "json", "line 1", {"text": "uno"})
        raise ValueError("framing bug")

    monkeypatch.setitem(registry.READERS, "jsonl", broken)
    articles, (rejection,) = read_data(f"{GOOD}\n{GOOD}\n".encode())
    assert len(articles) == 1
    assert rejection.location == "after line 1"
    assert rejection.reason.startswith("internal error reading it as jsonl (ValueError: framing")
    assert rejection.reason.endswith("the rest of this input was not read")


# -- item 4: the same article whatever the path's spelling -----------------------------------


def test_article_ids_do_not_depend_on_how_the_path_was_spelled(tmp_path, monkeypatch) -> None:
    data = tmp_path / "data2"
    data.mkdir()
    (data / "lote.jsonl").write_text(f"{GOOD}\n{GOOD.replace('Bien', 'Otra')}\n")
    (data / "nota.txt").write_text(BODY)
    (tmp_path / "enlace").symlink_to(data)
    monkeypatch.chdir(tmp_path)

    def ids(path: str) -> list[str]:
        return [a.id for inp in expand([path]) for a in read_input(inp)]

    relative = ids("data2")
    assert len(relative) == 3
    assert ids(str(data)) == relative
    assert ids("./data2/../data2") == relative
    assert ids("enlace") == relative
    assert ids(str(data / "nota.txt"))[0] == relative[2]
    assert [i.fingerprint for i in expand(["data2"])] == [i.fingerprint for i in expand([data])]


# -- item 6: whitespace runs -----------------------------------------------------------------


def test_a_gzip_bomb_of_spaces_in_a_json_list_is_rejected_quickly(read_data) -> None:
    bomb = gzip.compress(b"[" + b" " * 300_000_000 + b"]", 9)
    start = time.perf_counter()
    articles, (rejection,) = read_data(bomb)
    assert time.perf_counter() - start < 5
    assert articles == [] and "of whitespace in a row" in rejection.reason


def test_whitespace_between_values_is_forgotten_not_buffered(read_data, monkeypatch) -> None:
    # a long (but allowed) run between items: the buffer holds at most a chunk of it
    sizes = []
    real = jsonfmt._JsonValues._more

    def spy(self):  # type: ignore[no-untyped-def]
        sizes.append(len(self.buf))
        return real(self)

    monkeypatch.setattr(jsonfmt._JsonValues, "_more", spy)
    pad = b"\n" * 900_000
    data = b"[" + GOOD.encode() + b"," + pad + GOOD.encode() + b"," + pad + GOOD.encode() + b"]"
    articles, rejections = read_data(data)
    assert len(articles) == 3 and rejections == []
    assert max(sizes) < 200_000  # not the ~1 MB of newlines read so far


# -- item 8: UTF-32 --------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_text_is_decoded_as_utf32(read_data, codec) -> None:
    (article,), rejections = read_data(BODY.encode(codec))
    assert rejections == []
    assert article.meta["text"] == BODY
    assert article.meta["encoding"] == codec


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_feed_and_jsonl_are_read(read_data, codec) -> None:
    lines = "\n".join([GOOD, GOOD.replace("Bien", "Otra")])
    articles, rejections = read_data(lines.encode(codec))
    assert rejections == [] and [a.meta["title"] for a in articles] == ["Bien", "Otra"]


def test_utf32_detection_needs_valid_code_points() -> None:
    assert wide_codec("Hola".encode("utf-32-le")) == "utf-32-le"
    assert wide_codec(b"A\x00\x00\x00" * 3 + b"\xff\xff\x11\x00") is None  # > U+10FFFF
    assert wide_codec("Hola".encode("utf-16")) == "utf-16"
    assert wide_codec(codecs.BOM_UTF32_LE + "x".encode("utf-32-le")) == "utf-32"


# -- item 10: a Latin-1 paragraph in a UTF-8 file --------------------------------------------


def test_utf8_file_with_a_latin1_paragraph_is_decoded_and_the_repair_said(read_data) -> None:
    data = (
        BODY.encode()
        + b"\n"
        + "La señora dijo que sí a la campaña.\n".encode("latin-1")
        + "Y añadió: «no habrá más».\n".encode()
    )
    (article,), rejections = read_data(data)
    assert rejections == []
    assert article.meta["text"].endswith("La señora dijo que sí a la campaña.\nY añadió: «no habrá más».\n")
    assert article.meta["encoding"] == "utf-8"
    assert article.meta["repairs"] == [{"line": 5, "text": "line 5 is not UTF-8: read as iso-8859-1"}]


def test_a_few_stray_bytes_are_replaced_and_said() -> None:
    data = ("Señal débil, años de campaña en Cádiz " * 3).encode() + b"\xff"
    found = decode_text(data)
    assert found.encoding == "utf-8" and found.text.endswith("\ufffd")
    assert found.repairs == [(None, "1 byte not valid UTF-8 replaced by U+FFFD")]


def test_a_whole_latin1_file_is_still_latin1() -> None:
    found = decode_text("Año récord en Cádiz\n\nLa campaña cerró.\n".encode("latin-1"))
    assert (found.encoding, found.repairs) == ("iso-8859-1", [])


def test_inputfile_identity_of_stdin_is_its_source() -> None:
    assert InputFile("-", None, b"x", 1).identity == "-"


# -- item 9: non-articles are not stored as articles -----------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_arc_file_is_rejected_not_stored_with_its_headers(read_data, gz) -> None:
    page = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Hola</p></body></html>"
    header = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = (
        b"filedesc://bad.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(header)
        + header
        + b"\nhttp://d.example/ 93.184.216.34 20240101000000 text/html %d\n" % len(page)
        + page
        + b"\n"
    )
    articles, (rejection,) = read_data(gzip.compress(arc) if gz else arc, source="bad.arc.gz")
    assert articles == []
    assert rejection.reason.startswith("ARC file (the Internet Archive's format before WARC)")


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?>\n<!-- nothing here -->\n',
        b"<!-- solo un comentario -->",
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\n',
    ],
)
def test_xml_without_elements_is_rejected_as_having_no_items(read_data, doc) -> None:
    articles, (rejection,) = read_data(doc, source="feed.xml")
    assert articles == [] and "no items" in rejection.reason


@pytest.mark.parametrize("text", ["hola\n", "Hola mundo", "  ok  \n\n"])
def test_one_or_two_words_are_too_short_to_be_an_article(read_data, text) -> None:
    articles, (rejection,) = read_data(text.encode(), source="-")
    assert articles == [] and rejection.reason.startswith("too short to be an article")


def test_three_words_are_an_article(read_data) -> None:
    (article,), _ = read_data("Sube el paro".encode())
    assert article.meta["text"] == "Sube el paro"
