"""Each reader on a small realistic fixture, Spanish and English."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from crisol.read import MAX_ARTICLE_BYTES, READERS, sniff


def test_scraped_text_keeps_every_line_and_the_exact_bytes(read, read_fixtures: Path) -> None:
    path = read_fixtures / "articulo_scraped.txt"
    (article,), rejections = read(path)
    assert rejections == []
    assert article.format == "text"
    assert article.source == str(path)
    assert article.data == path.read_bytes()
    assert article.meta["encoding"] == "utf-8"
    text = article.meta["text"]
    assert text.splitlines()[1].startswith("La Junta restringe el riego")
    assert "Publicidad" in text  # boilerplate is the cleaner's job, not the reader's


def test_html_page_is_passed_whole_for_the_cleaner(read, read_fixtures: Path) -> None:
    (article,), _ = read(read_fixtures / "page_en.html")
    assert article.format == "html"
    assert set(article.meta) == {"html", "encoding"}
    assert "<article>" in article.meta["html"]
    assert "Dockworkers extend strike" in article.meta["html"]


def test_news_please_jsonl_maps_fields_and_rejects_record_without_text(read, read_fixtures) -> None:
    articles, rejections = read(read_fixtures / "noticias.jsonl")
    assert [a.location for a in articles] == ["line 1", "line 2"]
    es, en = articles
    assert es.format == "news-please"
    assert es.meta["title"].startswith("El Gobierno prorroga")
    assert es.meta["text"].startswith("El Consejo de Ministros")
    assert es.meta["date"] == "2025-06-02 06:00:00"
    assert es.meta["outlet"] == "www.ejemplo-diario.es"
    assert es.meta["language"] == "es"
    assert es.meta["authors"] == ["Lucía Ferrer"]
    assert es.meta["summary"].startswith("El Gobierno prevé")
    assert es.meta["fetched"] == "2025-06-02 08:15:11"
    assert json.loads(es.data)["url"] == es.meta["url"]
    # a maintext holding HTML is handed over as html
    assert "text" not in en.meta and en.meta["html"].startswith("<p>A section")
    assert en.meta["authors"] == ["James Whitfield", "Priya Nair"]
    (rejection,) = rejections
    assert rejection.location == "line 3"
    assert "no article text" in rejection.reason and "maintext" in rejection.reason


def test_plain_json_list_gives_items_with_their_own_json(read, read_fixtures) -> None:
    articles, rejections = read(read_fixtures / "plain.json")
    assert rejections == []
    assert [a.location for a in articles] == ["item 1", "item 2"]
    first = articles[0]
    assert first.format == "json"
    assert first.meta["outlet"] == "Levante Digital"
    assert first.meta["date"] == "12/05/2025"
    assert first.meta["authors"] == ["Pau Martí"]
    assert "\n\nLa concejala" in first.meta["text"]
    assert json.loads(first.data)["title"] == first.meta["title"]
    assert first.data in (read_fixtures / "plain.json").read_bytes()


def test_single_json_object_has_no_location(read_data) -> None:
    doc = json.dumps(
        {
            "title": "Cierra la fábrica",
            "text": "La plantilla fue despedida.",
            "outlet": "Diario Local",
            "url": "https://d.example/f",
        },
        indent=2,
    )
    (article,), rejections = read_data(doc.encode())
    assert rejections == []
    assert article.location is None
    assert article.meta["url"] == "https://d.example/f"


def test_record_with_only_a_download_date_says_so(read_data) -> None:
    line = b'{"maintext": "Un texto breve.", "date_download": "2025-06-03 10:02:45", "title": "T"}'
    (article,), _ = read_data(line)
    assert article.meta["date"] == article.meta["fetched"] == "2025-06-03 10:02:45"
    assert article.meta["date_field"] == "fetch"


def test_text_given_as_a_list_of_paragraphs_is_joined(read_data) -> None:
    line = '{"title": "T", "text": ["Primer párrafo.", " ", "Segundo párrafo."], "lang": ["es"]}'
    (article,), _ = read_data(line.encode())
    assert article.meta["text"] == "Primer párrafo.\n\nSegundo párrafo."
    assert article.meta["language"] == "es"


def test_json_wrapper_object_with_an_article_list(read_data) -> None:
    doc = {
        "status": "ok",
        "articles": [
            {
                "title": "A",
                "content": "Texto de la primera.",
                "publishedAt": "2025-01-02T10:00:00Z",
                "source": {"id": None, "name": "Agencia"},
            },
            {"title": "B", "content": "Texto de la segunda."},
        ],
    }
    articles, _ = read_data(json.dumps(doc, indent=1).encode())
    assert [a.location for a in articles] == ["item 1", "item 2"]
    assert articles[0].meta["outlet"] == "Agencia"
    assert articles[0].meta["date"] == "2025-01-02T10:00:00Z"


def test_rss_feed_prefers_full_content_over_description(read, read_fixtures) -> None:
    path = read_fixtures / "feed_rss.xml"
    articles, rejections = read(path)
    assert rejections == []
    assert [a.format for a in articles] == ["rss", "rss"]
    first, second = articles
    assert first.location == "item 1"
    assert first.meta["html"].startswith("<p>Bilbao será la sede")
    assert first.meta["summary"] == "La ciudad recibirá a 600 delegados de 25 países."
    assert first.meta["outlet"] == "El Diario del Norte - Portada"
    assert first.meta["date"] == "Tue, 08 Apr 2025 10:30:00 +0200"
    assert first.meta["date_field"] == "feed"
    assert first.meta["authors"] == ["Ane Etxeberria"]
    assert first.meta["url"].endswith("/cumbre-puertos")
    assert first.data.startswith(b"<item>") and first.data in path.read_bytes()
    assert second.meta["html"].startswith("<p>La Diputación cerrará")  # description only


def test_atom_feed_content_and_plain_text_summary(read, read_fixtures) -> None:
    (first, second), rejections = read(read_fixtures / "feed_atom.xml")
    assert rejections == []
    assert first.format == "atom"
    assert first.meta["html"].startswith("<p>Leeds city council voted")
    assert first.meta["date"] == "2025-02-11T16:20:00Z"  # published wins over updated
    assert first.meta["language"] == "en"
    assert second.meta["text"].startswith("A local MP")  # type="text" stays text
    assert second.meta["date"] == "2025-02-11T12:00:00Z"
    assert b"<entry>" in first.data


def test_gzipped_inputs_are_sniffed_after_decompression(read, read_fixtures, tmp_path) -> None:
    for name in ("feed_rss.xml", "noticias.jsonl", "articulo_scraped.txt"):
        packed = tmp_path / (name + ".gz")
        packed.write_bytes(gzip.compress((read_fixtures / name).read_bytes()))
        plain, _ = read(read_fixtures / name)
        unpacked, _ = read(packed)
        assert [a.meta for a in unpacked] == [a.meta for a in plain]
        assert [a.data for a in unpacked] == [a.data for a in plain]


def test_extension_is_not_trusted(read, read_fixtures, tmp_path) -> None:
    disguised = tmp_path / "feed.txt"
    disguised.write_bytes((read_fixtures / "feed_rss.xml").read_bytes())
    articles, _ = read(disguised)
    assert {a.format for a in articles} == {"rss"}


def test_sniff_names_every_format_and_each_has_a_reader(read_fixtures) -> None:
    expected = {
        "articulo_scraped.txt": "text",
        "page_en.html": "html",
        "noticias.jsonl": "jsonl",
        "plain.json": "json",
        "feed_rss.xml": "rss",
        "feed_atom.xml": "atom",
        "noticias.csv": "csv",
        "pagina_guardada.mhtml": "mime",
    }
    for name, fmt in expected.items():
        assert sniff((read_fixtures / name).read_bytes()) == fmt, name
        assert fmt in READERS
    assert sniff(b"WARC/1.1\r\n") == "warc"
    assert sniff(b'<?xml version="1.0"?><urlset xmlns="x"><url/></urlset>') == "xml"
    assert sniff(b"<rdf:RDF xmlns='http://purl.org/rss/1.0/'>") == "rss"
    assert sniff(b"\x89PNG\r\n\x1a\n") == "binary"
    assert MAX_ARTICLE_BYTES >= 1_000_000


def test_csv_table_rows_become_articles(read, read_fixtures) -> None:
    path = read_fixtures / "noticias.csv"
    articles, (rejection,) = read(path)
    assert [a.location for a in articles] == ["line 2", "line 5"]
    first, second = articles
    assert first.format == "csv"
    assert first.meta["title"] == "Sevilla amplía el horario del metro en Feria"
    assert "\n\nEl servicio reforzará" in first.meta["text"]  # a quoted field spanning lines
    assert first.meta["outlet"] == "Diario de Sevilla Digital"
    assert first.meta["date"] == "2025-04-28" and first.meta["date_field"] == "metadata"
    assert first.data in path.read_bytes() and first.data.count(b"\n") == 2
    assert second.meta["text"].endswith('"subject to conditions".')
    assert rejection.location == "line 6" and "no article text" in rejection.reason


def test_tsv_in_windows_1252_with_a_bad_row(read_data) -> None:
    table = (
        "Título\tTexto\tFecha\n"
        "Año récord\t“Sí”, dijo el alcalde — con cifras.\t03/03/2025\n"
        "Fila rota\tsin fecha\textra\tcampos\n"
    ).encode("cp1252")
    articles, (rejection,) = read_data(table)
    assert len(articles) == 1 and articles[0].meta["encoding"] == "cp1252"
    assert articles[0].meta["text"] == "“Sí”, dijo el alcalde — con cifras."
    assert rejection.location == "line 3" and "4 fields, the header has 3" in rejection.reason


def test_text_with_commas_in_its_first_line_is_not_a_table(read_data) -> None:
    (article,), _ = read_data(b"Text, lies and video: the trial begins\nThe court heard...\n")
    assert article.format == "text"


def test_saved_mhtml_page_gives_its_html_part(read, read_fixtures) -> None:
    path = read_fixtures / "pagina_guardada.mhtml"
    (article,), rejections = read(path)
    assert rejections == []
    assert article.format == "html"
    assert article.meta["title"].endswith("| Crónica Parlamentaria")  # RFC 2047 decoded
    assert article.meta["url"] == "https://cronica.example/politica/ley-vivienda.html"
    assert article.meta["date_field"] == "fetch"
    assert article.meta["fetched"] == "Tue, 6 May 2025 10:12:33 +0200"
    assert "176 votos a favor" in article.meta["html"]  # quoted-printable decoded
    assert article.data.startswith(b"<!DOCTYPE html>")


def test_newsletter_email_gives_its_html_body(read_data) -> None:
    mail = (
        "From: Boletín <boletin@diario.example>\r\nTo: lector@example.org\r\n"
        "Subject: Las claves del día\r\nDate: Wed, 7 May 2025 07:00:00 +0200\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=XX\r\n\r\n"
        "--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTexto plano del boletín.\r\n"
        "--XX\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"
        "<html><body><p>El Banco Central mantuvo los tipos.</p></body></html>\r\n--XX--\r\n"
    )
    (article,), _ = read_data(mail.encode("utf-8"))
    assert article.format == "html" and "mantuvo los tipos" in article.meta["html"]
    assert article.meta["title"] == "Las claves del día"
    assert article.meta["date"] == "Wed, 7 May 2025 07:00:00 +0200"
    assert article.meta["date_field"] == "metadata"
