"""Outlet vs wire agency: the outlet is the publisher; an agency credited in the byline is kept
apart, and nothing is put in the outlet when nothing names it. Texts invented for the test."""

from __future__ import annotations

from crisol.clean import clean
from crisol.clean.metadata import masthead_name, normalise_outlet, parse_byline
from crisol.model import RawArticle

BODY = "El Congreso aprobó este martes la reforma de la ley de aguas con el apoyo de cinco grupos parlamentarios."


def _clean_text(text: str, **meta) -> object:
    return clean(RawArticle("nota.txt", text.encode(), "text", meta=meta or None))


def test_byline_agency_is_not_the_outlet():
    assert parse_byline("Redacción / EFE") == ([], None, "EFE")
    assert parse_byline("Ana Gil | El Diario") == (["Ana Gil"], "El Diario", None)
    assert parse_byline("Redacción / Agencias").agency == "Agencias"


def test_masthead_names_the_outlet_when_nothing_else_does():
    art = _clean_text(
        f"GACETA DEL VALLE\nSube el caudal del río Tajo tras las lluvias\nPor Redacción / EFE\n{BODY}"
    )
    assert art.outlet == "Gaceta del Valle" and art.agency == "EFE"


def test_no_outlet_rather_than_the_agency():
    art = _clean_text(f"Sube el caudal del río Tajo tras las lluvias\nPor Redacción / EFE\n{BODY}")
    assert art.outlet is None and art.agency == "EFE"


def test_source_field_and_url_come_first():
    raw = RawArticle(
        "n.json",
        b"{}",
        "json",
        meta={"text": f"Por Luis Mora / Europa Press\n{BODY}", "outlet": "www.gacetadelvalle.example"},
    )
    art = clean(raw)
    assert (
        art.outlet == "gacetadelvalle.example"
        and art.agency == "Europa Press"
        and art.authors == ["Luis Mora"]
    )
    assert normalise_outlet("  El   Diario ") == "El Diario"


def test_mottos_and_sections_are_not_mastheads():
    assert masthead_name([("masthead", "El diario de la comarca"), ("title", "Sube el Tajo")]) is None
    assert masthead_name([("masthead", "Internacional"), ("title", "Sube el Tajo")]) is None
    assert masthead_name([("title", "Sube el Tajo"), ("masthead", "Gaceta del Valle")]) is None
