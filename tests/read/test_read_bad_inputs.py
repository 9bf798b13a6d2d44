"""Inputs that are not (or not only) articles: each gets a clear Rejection naming it."""

from __future__ import annotations

import codecs
import gzip
import json
import zlib

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n", codecs.BOM_UTF8 + b"\n "])
def test_empty_or_blank_file_is_rejected(read, tmp_path, content: bytes) -> None:
    path = tmp_path / "vacio.txt"
    path.write_bytes(content)
    articles, (rejection,) = read(path)
    assert articles == []
    assert rejection.source == str(path)
    assert rejection.reason == "empty file"


def test_png_named_html_is_a_binary_file(read, tmp_path) -> None:
    path = tmp_path / "noticia.html"
    path.write_bytes(PNG + bytes(range(256)) * 4)
    articles, (rejection,) = read(path)
    assert articles == []
    assert str(rejection) == f"{path}: binary file (PNG image), not an article"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive or Office document"),
        (b"\xfd7zXZ\x00\x00\x04", "xz archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF executable"),
        (bytes(range(0, 32)) * 40, "unknown binary data"),
    ],
)
def test_binary_files_are_named_by_kind(read_data, head: bytes, kind: str) -> None:
    articles, (rejection,) = read_data(head + b"\x00" * 100, source="adjunto.txt")
    assert articles == []
    assert rejection.reason.startswith(f"binary file ({kind}), not an article")
    assert ("unpack it first" in rejection.reason) == ("archive" in kind)


def test_latin1_text_is_decoded_and_its_encoding_recorded(read, tmp_path) -> None:
    text = "Año récord en Cádiz\n\nLa campaña turística cerró con un 12% más de visitantes.\n"
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    (article,), _ = read(path)
    assert article.meta["text"] == text
    assert article.meta["encoding"] == "iso-8859-1"
    assert article.data == text.encode("latin-1")


def test_windows_1252_quotes_and_dashes_are_not_read_as_latin1(read, tmp_path) -> None:
    text = "“No habrá recortes” — aseguró el alcalde… en la reunión del 3 de marzo.\n"
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    (article,), _ = read(path)
    assert article.meta["text"] == text
    assert article.meta["encoding"] == "cp1252"


def test_non_latin_legacy_encoding_goes_to_detection(read_data) -> None:
    text = "Министр иностранных дел России прибыл в понедельник с официальным визитом.\n" * 3
    (article,), _ = read_data(text.encode("cp1251"))
    assert article.meta["text"] == text
    assert article.meta["encoding"] == "cp1251"


def test_utf8_bom_is_stripped(read, tmp_path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Titular con eñe\nCuerpo.".encode())
    (article,), _ = read(path)
    assert article.meta["text"] == "Titular con eñe\nCuerpo."
    assert article.meta["encoding"] == "utf-8"


def test_bom_before_html_and_json_does_not_hide_the_format(read_data) -> None:
    (page,), _ = read_data(codecs.BOM_UTF8 + b"<!doctype html><html><body><p>x</p></body></html>")
    assert page.format == "html"
    (rec,), _ = read_data(codecs.BOM_UTF8 + b'{"title": "T", "text": "Un cuerpo breve"}\n')
    assert rec.meta["text"] == "Un cuerpo breve"


def test_truncated_gzip_is_rejected_naming_the_input(read, read_fixtures, tmp_path) -> None:
    packed = gzip.compress((read_fixtures / "articulo_scraped.txt").read_bytes())
    path = tmp_path / "cortado.txt.gz"
    path.write_bytes(packed[: len(packed) // 2])
    articles, (rejection,) = read(path)
    assert articles == []
    assert rejection.source == str(path)
    assert "truncated gzip stream" in rejection.reason


def test_truncated_gzip_jsonl_keeps_the_lines_before_the_cut(read_data) -> None:
    lines = [json.dumps({"title": f"Noticia {i}", "text": f"Texto número {i}. " * 40}) for i in range(200)]
    packed = gzip.compress("\n".join(lines).encode())
    articles, rejections = read_data(packed[: len(packed) * 3 // 4])
    assert 0 < len(articles) < 200
    assert [a.meta["title"] for a in articles] == [f"Noticia {i}" for i in range(len(articles))]
    assert len(rejections) == 1 and "truncated gzip stream" in rejections[-1].reason


def test_corrupt_gzip_data_is_rejected(read_data) -> None:
    packed = bytearray(gzip.compress(("Titular\nCuerpo de la noticia. " * 200).encode()))
    packed[30:60] = b"\xff" * 30
    articles, (rejection,) = read_data(bytes(packed))
    assert articles == []
    assert "corrupt gzip data" in rejection.reason


def test_malformed_json_lines_are_rejected_and_good_lines_load(read_data) -> None:
    good = json.dumps({"title": "Bien", "maintext": "Un texto correcto."})
    data = "\n".join(
        [good, '{"title": "Mal", "maintext": "sin cerrar', good, "", "[1, 2]", '{"title": "Sin texto"}', good]
    ).encode()
    articles, rejections = read_data(data, source="lote.jsonl")
    assert [a.location for a in articles] == ["line 1", "line 3", "line 7"]
    bad, lst, empty = rejections
    assert bad.location == "line 2" and bad.reason.startswith("malformed JSON: Unterminated")
    assert "column" in bad.reason and bad.source == "lote.jsonl"
    assert lst.location == "line 5" and "expected a JSON object, found a list" in lst.reason
    assert empty.location == "line 6" and "no article text" in empty.reason


def test_first_jsonl_line_malformed_is_still_json_lines(read_data) -> None:
    good = json.dumps({"title": "Bien", "text": "Un texto correcto y completo."})
    cut = '{"title": "Cortada", "text": "sin cer'
    articles, (rejection,) = read_data(f"{cut}\n{good}\n{good}\n".encode())
    assert len(articles) == 2 and rejection.location == "line 1"


def test_jsonl_with_a_stray_latin1_byte_keeps_the_record(read_data) -> None:
    line = '{"title": "Espa\xf1a", "text": "La se\xf1ora dijo que s\xed a todo."}'
    (article,), _ = read_data(line.encode("latin-1"))
    assert article.meta["title"] == "España"
    assert article.meta["text"] == "La señora dijo que sí a todo."
    assert article.meta["encoding"] == "iso-8859-1"
    assert article.data == line.encode("latin-1")


def test_malformed_json_list_reports_item_and_line(read_data) -> None:
    doc = '[\n {"title": "A", "text": "uno dos tres"},\n {"title": "B", "text": "dos",,}\n]'
    (article,), (rejection,) = read_data(doc.encode())
    assert article.location == "item 1"
    assert rejection.location == "item 2, line 3"
    assert rejection.reason.startswith("malformed JSON")


def test_unclosed_json_list_keeps_items_read(read_data) -> None:
    doc = '[{"title": "A", "text": "uno dos tres"}, {"title": "B", "text": "dos tres cuatro"}'
    articles, (rejection,) = read_data(doc.encode())
    assert len(articles) == 2
    assert "not closed" in rejection.reason


def test_broken_feed_xml_keeps_recovered_items_and_reports_once(read, read_fixtures, tmp_path):
    text = (read_fixtures / "feed_rss.xml").read_text()
    broken = text.replace("<title>Cortes de tráfico", "<title>Cortes & tráfico", 1)
    path = tmp_path / "roto.xml"
    path.write_text(broken)
    articles, rejections = read(path)
    assert len(articles) == 2
    (rejection,) = rejections
    assert rejection.reason.startswith("malformed XML (2 items recovered)")
    line = next(i for i, ln in enumerate(broken.splitlines(), 1) if "Cortes &" in ln)
    assert rejection.location == f"line {line}"


def test_feed_without_recoverable_items_is_one_rejection(read_data) -> None:
    articles, (rejection,) = read_data(
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel>'
        b"<title>Vac\xc3\xado</title>\n<<<>>> &&& </channel>"
    )
    assert articles == []
    assert rejection.reason.startswith("malformed XML, no item recovered")
    assert rejection.location == "line 3"


def test_feed_item_without_text_is_rejected(read_data) -> None:
    feed = (
        b'<rss version="2.0"><channel><title>D</title><item><title>Solo titular</title>'
        b"<link>https://d.example/1</link></item></channel></rss>"
    )
    articles, (rejection,) = read_data(feed)
    assert articles == [] and rejection.location == "item 1"
    assert "neither content nor a description" in rejection.reason


def test_other_xml_is_rejected_with_a_reason(read_data) -> None:
    sitemap = b'<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    url = b"<url><loc>https://x.example/</loc></url></urlset>"
    articles, (rejection,) = read_data(sitemap + url)
    assert articles == [] and "neither an RSS/Atom feed nor an HTML page" in rejection.reason


def test_undecodable_bytes_are_rejected(read_data) -> None:
    noise = bytes(range(0x80, 0x100)) * 3  # every high byte: no encoding makes text of it
    articles, rejections = read_data(b"Titular\n" + noise)
    assert articles == []
    assert rejections and "cannot decode" in rejections[0].reason


def test_zlib_detects_the_damage_used_in_the_corrupt_gzip_test() -> None:
    # guards the fixture above: the damaged stream must really be invalid
    packed = bytearray(gzip.compress(("Titular\nCuerpo de la noticia. " * 200).encode()))
    packed[30:60] = b"\xff" * 30
    with pytest.raises((zlib.error, OSError, EOFError)):
        gzip.decompress(bytes(packed))


def test_utf16_text_from_windows_tools_is_decoded(read_data) -> None:
    text = "Titular en UTF-16\r\nEl pleno votó la moción por unanimidad.\r\n"
    (article,), _ = read_data(text.encode("utf-16"))
    assert article.meta["text"] == text and article.meta["encoding"] == "utf-16"
    (no_bom,), _ = read_data(text.encode("utf-16-le"))
    assert no_bom.meta["text"] == text and no_bom.meta["encoding"] == "utf-16-le"


def test_utf16_jsonl_is_read_line_by_line(read_data) -> None:
    lines = [
        json.dumps({"title": f"Título {i}", "text": f"Texto {i} con eñe."}, ensure_ascii=False)
        for i in range(3)
    ]
    articles, rejections = read_data("\r\n".join(lines).encode("utf-16"))
    assert rejections == []
    assert [a.meta["title"] for a in articles] == ["Título 0", "Título 1", "Título 2"]
    assert {a.meta["encoding"] for a in articles} == {"utf-16"}
    assert [a.location for a in articles] == ["line 1", "line 2", "line 3"]


def test_html_declared_charset_is_used_when_not_utf8(read_data) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "</head><body><p>Москва объявила о переговорах в пятницу.</p></body></html>"
    )
    (article,), _ = read_data(page.encode("cp1251"))
    assert article.meta["encoding"] == "cp1251"
    assert "Москва объявила" in article.meta["html"]


def test_utf8_page_declaring_latin1_stays_utf8(read_data) -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Señal débil</p></body></html>'
    (article,), _ = read_data(page.encode("utf-8"))
    assert article.meta["encoding"] == "utf-8" and "Señal débil" in article.meta["html"]
