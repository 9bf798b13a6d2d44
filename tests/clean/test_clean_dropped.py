"""HTML cleaning lists the page text the extractor left out, each part with where it stood."""

from __future__ import annotations

from lxml import html

from crisol.clean import OUTSIDE_MAIN_CONTENT, clean
from crisol.clean.dropped import MAX_DROPPED_PARTS, dropped_parts
from crisol.model import RawArticle

BODY = (
    "<p>La alcaldía de Villa Serena inauguró ayer un puente peatonal sobre el río Claro, que une "
    "los barrios del norte con el mercado central después de dos años de obras.</p>"
    "<p>El nuevo paso, de ochenta metros, sustituye a la pasarela de madera que una crecida se "
    "llevó en el invierno de hace tres años, según explicó la concejala de Obras.</p>"
    "<p>Los vecinos del norte tardaban hasta cuarenta minutos en llegar al mercado dando un rodeo "
    "por la carretera; ahora lo hacen en menos de diez, calculó la asociación vecinal.</p>"
)
PAGE = (
    "<html lang='es'><head><title>Un puente nuevo</title></head><body>"
    "<div class='aviso-cookies'>Este sitio usa cookies para medir las visitas. Aceptar</div>"
    "<nav class='menu'><ul><li><a href='/'>Portada</a></li><li><a href='/barrios'>Barrios</a></li></ul></nav>"
    "<article><h1>Villa Serena estrena puente sobre el río Claro</h1>"
    f"<figure><img src='p.jpg'><figcaption>El puente, el día de la inauguración. Foto: archivo"
    f"</figcaption></figure>{BODY}</article>"
    "<footer class='pie'><p>Periódico de ejemplo, todos los derechos reservados.</p></footer>"
    "</body></html>"
)


def _outside(article) -> dict[str, str]:
    return {r.reason: r.text for r in article.removed if r.reason.startswith(OUTSIDE_MAIN_CONTENT)}


def test_html_page_lists_what_the_extractor_left_out_with_where_it_stood():
    art = clean(RawArticle("puente.html", PAGE.encode(), "html"))
    outside = _outside(art)
    assert outside["outside main content (nav.menu)"] == "Portada · Barrios"
    assert outside["outside main content (div.aviso-cookies)"].startswith("Este sitio usa cookies")
    assert outside["outside main content (figure)"].startswith("El puente, el día de la inauguración")
    assert outside["outside main content (footer.pie)"].startswith("Periódico de ejemplo")
    # the kept text is never listed as removed, and the raw page is still there
    for text in outside.values():
        assert text not in art.text
    assert "puente peatonal" in art.text and art.raw == PAGE.encode()
    assert all(r.line is None for r in art.removed)


def test_a_short_dropped_block_is_not_taken_for_the_first_word_of_a_kept_paragraph():
    # "Los vecinos" opens a kept paragraph; the same words as a menu item were still left out
    page = PAGE.replace("<li><a href='/barrios'>Barrios</a></li>", "<li><a href='/v'>Los vecinos</a></li>")
    art = clean(RawArticle("puente.html", page.encode(), "html"))
    assert _outside(art)["outside main content (nav.menu)"] == "Portada · Los vecinos"


def test_an_inline_part_dropped_from_a_kept_paragraph_is_listed_alone():
    tree = html.fromstring(
        "<html><body><p>El pleno aprobó el presupuesto <span class='nota'>(actualizado)</span> "
        "con los votos de tres grupos.</p></body></html>"
    )
    kept = "El pleno aprobó el presupuesto con los votos de tres grupos."
    assert dropped_parts(tree, kept) == [("(actualizado)", "span.nota")]


def test_inline_elements_join_without_a_space_as_a_browser_shows_them():
    # a drop cap ("<span>E</span>l") and a soft hyphen are the kept word, not a dropped part
    tree = html.fromstring(
        "<html><body><p><span class='capital'>E</span>l consejo decidió am\u00adpliar el horario.</p>"
        "<p class='firma'>Redacción</p></body></html>"
    )
    assert dropped_parts(tree, "El consejo decidió ampliar el horario.") == [("Redacción", "p.firma")]


def test_a_block_the_page_repeats_twice_and_the_extractor_kept_once_is_listed_once():
    tree = html.fromstring(
        "<html><body><div class='destacado'><p>El río Claro vuelve a su cauce tras la crecida.</p></div>"
        "<p>El río Claro vuelve a su cauce tras la crecida.</p><p>Las bombas siguen activas.</p></body></html>"
    )
    kept = "El río Claro vuelve a su cauce tras la crecida.\nLas bombas siguen activas."
    assert [text for text, _ in dropped_parts(tree, kept)] == [
        "El río Claro vuelve a su cauce tras la crecida."
    ]
    assert dropped_parts(tree, kept + "\nEl río Claro vuelve a su cauce tras la crecida.") == []


def test_a_page_with_thousands_of_dropped_blocks_lists_a_bounded_number_and_counts_the_rest():
    links = "".join(
        f"<div class='enlace'><a href='/{i}'>Enlace {i}</a></div><p>sep {i}</p>" for i in range(900)
    )
    tree = html.fromstring(f"<html><body>{links}<p>Texto principal.</p></body></html>")
    parts = dropped_parts(tree, "Texto principal.")
    assert len(parts) == MAX_DROPPED_PARTS
    assert parts[-1][1] == "page" and "words) left out" in parts[-1][0]


def test_plain_text_input_has_no_extractor_parts():
    body = BODY.replace("<p>", "").replace("</p>", "\n")
    art = clean(RawArticle("puente.txt", body.encode(), "text"))
    assert not _outside(art)
