"""clean(): RawArticle -> Article for every kind of input the readers produce."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crisol.clean import clean
from crisol.errors import ExtractionRejected
from crisol.model import RawArticle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"
NOW = datetime(2025, 10, 20, tzinfo=timezone.utc)


def _text(name: str, **meta) -> RawArticle:
    path = FIXTURES / name
    return RawArticle(str(path), path.read_bytes(), "text", meta=meta)


def test_spanish_scraped_text():
    art = clean(_text("es_puerto.txt"), now=NOW)
    assert art.title == "Chile y Perú firman un acuerdo para ampliar el corredor portuario del Pacífico"
    assert art.authors == ["María Fernández Soto"]
    assert art.published == datetime(2025, 10, 14, 8, 45) and art.date_source == "dateline"
    assert art.language == "es" and art.language_score > 0.5
    assert art.text.startswith(art.title + "\n\n")
    assert "Foto:" not in art.text and "Te puede interesar" not in art.text and "Compartir" not in art.text
    assert "Un compromiso con plazos" in art.text  # subheading kept
    assert not art.text.endswith(("\n", " "))
    removed = {(r.line, r.reason) for r in art.removed}
    assert (14, "caption") in removed and (22, "headline-list") in removed
    assert any(r.reason == "padding" for r in art.removed)


def test_english_scraped_text_gives_authors_outlet_and_aware_date():
    art = clean(_text("en_harbour.txt"), now=NOW)
    assert art.title == "Norway opens Arctic harbour to foreign research vessels"
    assert art.authors == ["Jane Okafor", "Tom Lindqvist"]
    # "By ..., Reuters" credits the agency; nothing on the page names the outlet that ran it
    assert art.outlet is None and art.agency == "Reuters"
    assert art.published == datetime(2025, 6, 5, 10, 17, tzinfo=timezone.utc)
    assert art.date_source == "dateline" and art.language == "en"
    assert "Getty Images" not in art.text and "Read more" not in art.text


def test_ids_and_raw_bytes_are_carried():
    raw = _text("es_puerto.txt")
    raw.location = "line 3"
    art = clean(raw, now=NOW)
    assert art.id == raw.id and art.raw == raw.data and art.location == "line 3" and art.source == raw.source
    assert art.raw_format == "text"


def test_html_page_uses_trafilatura_then_post_cleaning():
    path = FIXTURES / "es_page.html"
    art = clean(RawArticle(str(path), path.read_bytes(), "html"), now=NOW)
    assert art.title == "Uruguay aprueba la ley de humedales tras un año de debate"
    assert art.outlet == "La Gaceta del Sur" and art.authors == ["Lucía Benítez"]
    assert art.published == datetime(2025, 9, 18, 14, 30, tzinfo=timezone(timedelta(hours=-3)))
    assert art.date_source == "metadata"
    assert "registro nacional de humedales" in art.text
    assert "Qué cambia para los productores" in art.text
    assert "Lee también" not in art.text and "Suscríbete" not in art.text and "Más leídas" not in art.text
    assert {r.reason for r in art.removed} >= {"related-links", "promo"}
    assert all(r.line is None for r in art.removed)  # lines of extracted text are not input lines


def test_html_without_main_text_is_rejected():
    raw = RawArticle(
        "empty.html", b"<html><body><script>var x = 1;</script><img src='a.jpg'></body></html>", "html"
    )
    with pytest.raises(ExtractionRejected, match="no main text found in HTML") as err:
        clean(raw)
    assert err.value.source == "empty.html"


def test_html_with_only_a_menu_is_rejected_as_boilerplate():
    raw = RawArticle("menu.html", b"<html><body><nav><a href='/'>Inicio</a></nav></body></html>", "html")
    with pytest.raises(ExtractionRejected, match="only boilerplate"):
        clean(raw)


def test_only_boilerplate_is_rejected_with_the_reasons():
    raw = RawArticle(
        "nota.txt", "Publicidad\nCompartir en Facebook\nFoto: EFE\n\n".encode(), "text", location="line 4"
    )
    with pytest.raises(ExtractionRejected, match="only boilerplate") as err:
        clean(raw)
    assert err.value.location == "line 4" and "share-prompt" in err.value.reason


def test_empty_text_is_rejected():
    with pytest.raises(ExtractionRejected, match="empty"):
        clean(RawArticle("vacio.txt", b"  \n\n", "text"))


def test_feed_item_with_html_content_metadata_and_feed_date():
    raw = RawArticle(
        "feed.xml",
        b"<item/>",
        "rss",
        location="item 2",
        meta={
            "html": "<p>El Banco Central mantuvo la tasa de interés en 6,5 % por tercera reunión consecutiva.</p>"
            "<p>Lee también: El dólar abre la semana en alza</p>"
            "<p>La decisión fue unánime y el próximo encuentro será en noviembre, informó la entidad.</p>",
            "title": "El Banco Central mantiene la tasa de interés",
            "url": "https://noticias.example/economia/tasa",
            "date": "Mon, 20 Oct 2025 09:00:00 -0300",
            "date_field": "feed",
            "outlet": "Noticias Ejemplo",
            "language": "es",
        },
    )
    art = clean(raw, now=NOW + timedelta(days=1))
    assert art.title == "El Banco Central mantiene la tasa de interés" and art.outlet == "Noticias Ejemplo"
    assert art.date_source == "feed" and art.published.utcoffset() == timedelta(hours=-3)
    assert "Lee también" not in art.text and "próximo encuentro" in art.text


def test_json_record_text_metadata_date_wins_over_url():
    raw = RawArticle(
        "notas.jsonl",
        b"{}",
        "json",
        location="line 7",
        meta={
            "text": "Por Redacción Diario Andino\nLa cosecha de quinua creció un 12 % respecto del año anterior, "
            "según datos oficiales.\nLee también: Las exportaciones agrícolas baten récord",
            "url": "https://diarioandino.example/2025/10/01/quinua",
            "date": "2025-10-02T08:00:00-05:00",
            "authors": ["Rosa Quispe"],
        },
    )
    art = clean(raw, now=NOW)
    assert art.date_source == "metadata" and art.published.day == 2
    assert art.authors == ["Rosa Quispe"] and art.outlet == "Diario Andino"
    assert art.text == "La cosecha de quinua creció un 12 % respecto del año anterior, según datos oficiales."


def test_url_date_when_nothing_better():
    raw = RawArticle(
        "n.json",
        b"{}",
        "json",
        meta={
            "text": "La cosecha de quinua creció un 12 % este año, según datos oficiales.",
            "url": "https://www.diarioandino.example/2025/10/01/quinua",
        },
    )
    art = clean(raw, now=NOW)
    assert art.published == datetime(2025, 10, 1) and art.date_source == "url"
    assert art.outlet == "diarioandino.example"


def test_no_date_stays_none_and_fetch_time_is_not_a_publication_date():
    meta = {
        "text": "La cosecha de quinua creció un 12 % este año, según datos oficiales.",
        "fetched": "2025-10-03T10:00:00Z",
    }
    art = clean(RawArticle("n.json", b"{}", "json", meta=meta), now=NOW)
    assert art.published is None and art.date_source is None
    assert art.fetched == datetime(2025, 10, 3, 10, tzinfo=timezone.utc)


def test_warc_fetch_date_used_only_as_last_resort():
    html = (FIXTURES / "es_page.html").read_text(encoding="utf-8")
    for tag in (
        '<meta property="article:published_time" content="2025-09-18T14:30:00-03:00">',
        '<link rel="canonical" href="https://www.lagacetadelsur.example/ambiente/2025/09/18/ley-humedales">',
    ):
        html = html.replace(tag, "")
    meta = {
        "html": html,
        "date": "2025-10-03T10:00:00Z",
        "date_field": "fetch",
        "fetched": "2025-10-03T10:00:00Z",
    }
    art = clean(RawArticle("crawl.warc.gz", b"...", "warc", location="record 3", meta=meta), now=NOW)
    assert art.published == datetime(2025, 10, 3, 10, tzinfo=timezone.utc) and art.date_source == "fetch"


def test_future_date_is_refused():
    text = "Lunes 3 de noviembre de 2025 - 10:00\nEl puerto reabrirá sus muelles tras las reparaciones de este invierno."
    art = clean(RawArticle("n.txt", text.encode(), "text", meta={"fetched": "2025-10-20T10:00:00Z"}))
    assert art.published is None and art.date_source is None
    assert art.removed[0].reason == "dateline"  # the line still goes, its date is just not trusted


def test_short_text_language_uses_lingua_and_declared_language_breaks_ties():
    art = clean(RawArticle("n.txt", "El puerto reabre sus muelles este lunes.".encode(), "text"))
    assert art.language == "es"
    art = clean(
        RawArticle(
            "n.txt",
            b"The harbour reopens its docks on Monday after repairs.",
            "text",
            meta={"language": "en-GB"},
        )
    )
    assert art.language == "en"


def test_latin1_text_is_decoded():
    text = "Crónica del puerto\nLa pesca artesanal creció un 8 % en la región durante el último año."
    art = clean(RawArticle("n.txt", text.encode("latin-1"), "text"))
    assert "artesanal" in art.text and art.title == "Crónica del puerto"
