"""Issue 11, item 5: the cost of cleaning one HTML page is bounded.

trafilatura's fallbacks grow with the square of the page (justext's neighbour search walks the
whole run of short paragraphs for each of them: a list of 16,000 short items took 35 s, a 2.9 MB
link list 159 s). Pages past the size limits go through trafilatura's fast mode, which is linear,
and the article says so in its removed parts (reason ``fast-extraction``).
"""

from __future__ import annotations

import time
from pathlib import Path

from crisol.clean import clean
from crisol.clean.html import extract_page, page_size
from crisol.model import RawArticle
from crisol.read.limits import MAX_PAGE_ELEMENTS, MAX_PAGE_TEXT_NODES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"

ARTICLE = (
    "El gobierno anunció ayer un nuevo plan de infraestructuras que incluye la construcción de tres "
    "hospitales y la renovación de la red ferroviaria en el norte del país, según fuentes oficiales "
    "consultadas por este diario."
)


def page(items: list[str], article: str = ARTICLE) -> bytes:
    return (
        "<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><title>Un plan de obras</title>"
        f"</head><body><article><h1>Un plan de obras</h1><p>{article}</p></article>"
        f"<ul>{''.join(items)}</ul></body></html>"
    ).encode()


def link_list(n: int) -> list[str]:
    return [
        f'<li><a href="/seccion/noticia-{i}.html">Noticia número {i} de la portada</a></li>' for i in range(n)
    ]


def short_items(n: int) -> list[str]:
    """Short paragraphs without links: the run justext's neighbour search walks for each one."""
    return [f"<li>Etiqueta {i}</li>" for i in range(n)]


def test_a_3_mb_link_list_page_goes_through_the_linear_extractor():
    html = page(link_list(36_000))
    assert len(html) > 3_000_000
    size = page_size(html)
    assert size.elements > MAX_PAGE_ELEMENTS and size.too_large
    started = time.monotonic()
    art = clean(RawArticle("portada.html", html, "html"))
    assert time.monotonic() - started < 60  # the old cascade took minutes; timings are in the bench
    assert "nuevo plan de infraestructuras" in art.text
    (note,) = [r for r in art.removed if r.reason == "fast-extraction"]
    assert "fast mode" in note.text and f"{size.elements:,} elements" in note.text


def test_a_long_run_of_short_items_goes_through_the_linear_extractor():
    html = page(short_items(MAX_PAGE_TEXT_NODES + 1_000))
    size = page_size(html)
    assert size.text_nodes > MAX_PAGE_TEXT_NODES and size.elements < MAX_PAGE_ELEMENTS
    extracted = extract_page(html)
    assert extracted is not None and extracted.extractor == "trafilatura-fast"
    assert "nuevo plan de infraestructuras" in extracted.text


def test_a_page_under_the_limits_keeps_the_full_cascade():
    html = page(short_items(200))
    extracted = extract_page(html)
    assert extracted is not None and extracted.extractor == "trafilatura" and extracted.extractor_note is None


def test_a_normal_article_page_extracts_the_same_text_as_trafilatura_standard_mode():
    import trafilatura

    html = (FIXTURES / "es_page.html").read_bytes()
    assert not page_size(html).too_large
    extracted = extract_page(html)
    assert extracted is not None and extracted.extractor == "trafilatura"
    before = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    assert extracted.text == before.text.strip()
    art = clean(RawArticle("es_page.html", html, "html"))
    assert "fast-extraction" not in {r.reason for r in art.removed}


def test_a_page_past_trafilaturas_limit_goes_through_the_density_extractor(monkeypatch):
    import crisol.read.limits

    monkeypatch.setattr(crisol.read.limits, "MAX_TRAFILATURA_ELEMENTS", 1_000)
    html = page(link_list(2_000)).replace(
        b"<head>", b"<head><meta property='article:published_time' content='2025-09-18T14:30:00-03:00'>"
    )
    art = clean(RawArticle("portada.html", html, "html"))
    assert "nuevo plan de infraestructuras" in art.text and "Noticia número" not in art.text
    assert art.title == "Un plan de obras" and art.published is not None
    (note,) = [r for r in art.removed if r.reason == "fast-extraction"]
    assert "crisol's text-density extractor" in note.text and "limit 1,000 elements" in note.text


def test_a_10_mb_link_list_page_costs_one_tree_not_trafilaturas_copies():
    html = page(link_list(114_000))
    assert 9_000_000 < len(html) < 10_000_000  # under the 10 MB article limit
    extracted = extract_page(html)
    assert extracted is not None and extracted.extractor == "crisol-density"
    assert extracted.text.startswith("Un plan de obras\nEl gobierno anunció")


def test_density_extractor_reads_undeclared_utf8_and_declared_latin1():
    from crisol.clean.html import _parse, density_text

    utf8 = page([])
    latin1 = (
        utf8.decode().encode("latin-1").replace(b"<meta charset='utf-8'>", b"<meta charset='iso-8859-1'>")
    )
    for html in (utf8.replace(b"<meta charset='utf-8'>", b""), latin1):
        assert "anunció ayer" in density_text(_parse(html))


def test_a_page_of_millions_of_tags_is_rejected_before_it_is_parsed():
    import pytest

    from crisol.errors import ExtractionRejected
    from crisol.read.limits import MAX_PAGE_TAGS

    html = page(["<i/>" * (MAX_PAGE_TAGS + 1)])
    with pytest.raises(ExtractionRejected) as err:
        clean(RawArticle("dump.html", html, "html", location="record 2"))
    assert "tags (limit 500,000)" in err.value.reason and "not an article page" in err.value.reason
    assert err.value.location == "record 2"


def test_page_size_of_what_lxml_cannot_parse_is_zero():
    assert page_size(b"").elements == 0 and page_size("   ").text_nodes == 0


class _Paragraph:
    """What justext's revision reads and writes of a paragraph."""

    def __init__(self, cf_class: str, heading: bool, text: str):
        self.cf_class, self.heading, self.text, self.class_type = cf_class, heading, text, ""


def test_linear_justext_revision_gives_justext_classes():
    import random

    from justext.core import revise_paragraph_classification

    from crisol.clean.html import linear_revise_paragraph_classification

    rng = random.Random(11)
    for case in range(3_000):
        n = rng.randint(0, 40)
        weights = rng.choice([(1, 1, 1, 1), (1, 1, 8, 1), (1, 1, 1, 8), (0, 1, 5, 5), (5, 0, 5, 5)])
        spec = [
            (
                rng.choices(["good", "bad", "short", "neargood"], weights)[0],
                rng.random() < 0.3,
                "x" * rng.choice([0, 3, 40, 120, 300]),
            )
            for _ in range(n)
        ]
        theirs, ours = [_Paragraph(*s) for s in spec], [_Paragraph(*s) for s in spec]
        distance = rng.choice([0, 50, 150, 200])
        revise_paragraph_classification(theirs, distance)
        linear_revise_paragraph_classification(ours, distance)
        assert [p.class_type for p in ours] == [p.class_type for p in theirs], (case, spec)


def test_trafilatura_calls_the_linear_revision():
    import trafilatura.external

    from crisol.clean.html import linear_revise_paragraph_classification

    extract_page(page(short_items(10)))
    assert trafilatura.external.revise_paragraph_classification is linear_revise_paragraph_classification
