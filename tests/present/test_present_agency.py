"""Wire-agency detection from credits, bylines, datelines and text cues."""

from __future__ import annotations

from crisol.model import Article, RemovedLine
from crisol.present import agency_credits, detect_agency


def _article(text: str, removed: list[tuple[str, str]] = (), language: str = "es", authors=()) -> Article:
    return Article(
        id="a",
        source="-",
        raw=b"",
        raw_format="text",
        text=text,
        language=language,
        removed=[RemovedLine(t, r) for t, r in removed],
        authors=list(authors),
    )


def test_glued_byline_credit():
    assert (
        detect_agency(_article("El Parlamento aprobó la ley.", [("Por Redacción / EFE", "byline")])) == "EFE"
    )


def test_dateline_credit_in_capitals():
    a = _article("Parliament passed the bill on Tuesday.", [("LONDON (REUTERS) -", "dateline")], "en")
    assert detect_agency(a) == "Reuters"


def test_text_cue_with_accents():
    a = _article("La reunión duró tres horas, reseña Europa Press.\nEl acuerdo se firmará mañana.")
    assert detect_agency(a) == "Europa Press"
    a = _article("El acuerdo se firmó ayer, según informó la agencia EFE.")
    assert detect_agency(a) == "EFE"


def test_truncated_closing_credit():
    assert detect_agency(_article("La cumbre terminó sin acuerdo, informa Europa Pre")) == "Europa Press"


def test_photo_credit_is_not_an_origin():
    a = _article(
        "El presidente habló ante la prensa.",
        [("El presidente, en el Congreso. Foto: AFP", "caption"), ("Vista del puertoEFE", "caption")],
    )
    assert detect_agency(a) is None
    assert {c.agency for c in agency_credits(a)} == {"AFP", "EFE"}


def test_no_agency_in_ordinary_words():
    # "jefe" holds "efe", "apoyo" starts with "ap": neither is a credit
    assert (
        detect_agency(
            _article("El jefe de Gobierno pidió apoyo a la oposición.", [("Por Ana Gil", "byline")])
        )
        is None
    )
