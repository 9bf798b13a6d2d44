"""One table of wire agencies: which exist, their canonical names, how credits spell them; the
byline parser and the presenter's credit finder name an agency the same way. Texts invented for
the test."""

from __future__ import annotations

import pytest

from crisol.clean.agencies import agency_named, credit_names, load_agencies, text_spellings, truncated_agency
from crisol.clean.cues import load_cues
from crisol.clean.metadata import parse_byline
from crisol.model import Article, RemovedLine
from crisol.present import detect_agency
from crisol.text import fold_words


@pytest.mark.parametrize(
    ("spelling", "agency"),
    [
        ("EFE", "EFE"),
        ("Agencia EFE", "EFE"),
        ("agencia  efe", "EFE"),
        ("EPA/EFE", "EFE"),
        ("REUTERS", "Reuters"),
        ("Telam", "Télam"),
        ("TELAM", "Télam"),
        ("DPA", "dpa"),
        ("AP", "Associated Press"),
        ("Agence France-Presse", "AFP"),
        ("EP", "Europa Press"),
        ("PA Wire", "PA"),
    ],
)
def test_a_credit_names_the_agency_by_its_canonical_name(spelling, agency):
    assert agency_named(spelling) == agency


@pytest.mark.parametrize("name", ["Getty Images", "AP Photo", "Archivo", "Agencias", "El Diario", "Ana Gil"])
def test_no_agency_in_pictures_newsrooms_or_people(name):
    assert agency_named(name) is None


def test_running_text_wants_short_acronyms_in_capitals():
    assert agency_named("AP", in_text=True) == "Associated Press"
    assert agency_named("dpa", in_text=True) == "dpa"  # spelled as the agency spells itself
    assert [agency_named(t, in_text=True) for t in ("ap", "Efe", "Dpa")] == [None, None, None]
    assert agency_named("reuters", in_text=True) == "Reuters"  # a long name is no piece of a word


def test_running_text_ignores_credit_only_spellings():
    # "EP" is also the European Parliament, "PA" Pennsylvania: only a byline or credit line says agency
    assert agency_named("EP", in_text=True) is None and agency_named("PA", in_text=True) is None
    assert "EP" not in text_spellings() and "Europa Press" in text_spellings()


def test_every_canonical_name_names_itself():
    # a canonical name fed back (a stored articles.agency) must name the same agency
    for canonical in set(load_agencies().in_credits.values()):
        assert agency_named(canonical) == canonical


def test_a_picture_agency_never_spells_a_wire_agency():
    wires = set(load_agencies().in_credits)
    assert not [p for p in load_agencies().pictures if fold_words(p) in wires]


def test_credit_lines_know_every_agency_and_picture_name():
    assert set(credit_names()) <= set(load_cues().agencies)
    assert {"Europa Press", "EP", "Getty Images", "Archivo", "Handout"} <= set(load_cues().agencies)


def test_truncated_scrape_ends_in_a_several_word_name():
    assert truncated_agency("Europa Pres") == "Europa Press"
    assert truncated_agency("Europa Pr") is None  # three letters missing: too little left to tell
    assert truncated_agency("Ana Gil") is None


@pytest.mark.parametrize(
    ("byline", "agency"),
    [
        ("Redacción / Agencia EFE", "EFE"),
        ("LISA MASCARO Associated Press", "Associated Press"),
        ("Jane Doe, Agence France-Presse", "AFP"),
        ("Redacción / REUTERS", "Reuters"),
    ],
)
def test_byline_and_presenter_name_an_agency_alike(byline, agency):
    article = Article(
        id="a",
        source="-",
        raw=b"",
        raw_format="text",
        language="es",
        text="El Gobierno aprobó el plan.",
        removed=[RemovedLine(f"Por {byline}", "byline")],
    )
    assert parse_byline(byline).agency == agency == detect_agency(article)


def test_a_picture_credit_in_a_byline_is_no_agency_author_or_outlet():
    assert parse_byline("Ana Gil / Cortesía") == (["Ana Gil"], None, None)
    assert parse_byline("Jane Doe Getty Images") == (["Jane Doe"], None, None)
