"""Placeholders, platforms and fragments are not people or organisations (texts written for these
tests)."""

from __future__ import annotations

from datetime import datetime, timezone

import spacy
from spacy.tokens import Span

from crisol.annotate import annotate
from crisol.annotate.gazetteer import load_gazetteer
from crisol.annotate.mentions import placeholder_tokens, platform, whole_name, without_placeholders
from crisol.model import Article, Mention

BLANK = spacy.blank("es")


def _span(text: str, part: str) -> Span:
    doc = BLANK(text)
    at = text.index(part)
    return doc.char_span(at, at + len(part))


def _annotated(text: str) -> Article:
    return annotate(
        Article(
            id="t",
            source="test",
            raw=text.encode(),
            raw_format="text",
            text=text,
            language="es",
            published=datetime(2025, 6, 3, tzinfo=timezone.utc),
        )
    )


def test_placeholder_tokens_are_cut_off_a_span_and_a_span_of_only_them_goes():
    text = "Visitó Cádiz *NUMBER* veces y llamó al *PHONE* desde la Plaza [CITY] Mayor."
    marks = placeholder_tokens(BLANK(text))
    cut = without_placeholders(_span(text, "Cádiz *NUMBER*"), marks)
    assert cut is not None and cut.text == "Cádiz"
    assert without_placeholders(_span(text, "*PHONE*"), marks) is None
    assert without_placeholders(_span(text, "Plaza [CITY] Mayor"), marks) is None  # one inside
    assert without_placeholders(_span(text, "Plaza"), marks).text == "Plaza"


def test_emphasis_and_ordinary_capitals_are_not_placeholders():
    doc = BLANK("La **ONU** y la OTAN, con *énfasis*, y el 3*4 de la tabla.")
    assert placeholder_tokens(doc) == frozenset()


def test_no_mention_is_made_of_a_corpus_placeholder():
    got = _annotated(
        "La alcaldesa de Valdemora, Marta Quiroga, anunció *NUMBER* nuevas plazas de guardería. "
        "El plan costará *NUMBER* millones y la Diputación de Valdemora aportará el *NUMBER*%."
    )
    assert got.mentions, "the names of the text are still found"
    assert not [m.text for m in got.mentions if "NUMBER" in m.text]


def test_a_platform_is_never_a_person_and_its_spellings_are_one():
    for text, label in (("WhatsApp", "PER"), ("TIKTOK", "LOC"), ("Google Maps", "PER")):
        fixed = platform(Mention(text, label, 0, len(text), 0))
        assert fixed.label in ("ORG", "MISC") and fixed.source == "rule"
    assert platform(Mention("WHATSAPP", "MISC", 0, 8, 0)).canonical == "WhatsApp"
    kept = Mention("Marta Quiroga", "PER", 0, 13, 0)
    assert platform(kept) is kept


def test_platforms_in_a_text_are_organisations_or_products():
    got = _annotated(
        "Los vecinos de Valdemora recibieron el aviso por WhatsApp y lo compartieron en Facebook. "
        "Marta Quiroga pidió no difundir bulos por Telegram."
    )
    labels = {m.text: m.label for m in got.mentions}
    for name in ("WhatsApp", "Facebook", "Telegram"):
        assert labels.get(name, "ORG") in ("ORG", "MISC"), labels


def test_an_institutional_fragment_is_extended_to_the_whole_name():
    gaz = load_gazetteer("es")
    text = "Lo anunció el portavoz del Ministerio de Asuntos Exteriores de Rusia en Moscú."
    whole = whole_name(_span(text, "Exteriores de Rusia"), "ORG", gaz)
    assert whole is not None and whole.text == "Ministerio de Asuntos Exteriores de Rusia"
    lower = "Lo anunció el portavoz del ministerio de Asuntos Exteriores de Rusia en Moscú."
    assert whole_name(_span(lower, "Exteriores de Rusia"), "ORG", gaz).text == "Asuntos Exteriores de Rusia"


def test_a_name_that_starts_the_name_is_not_a_fragment():
    gaz = load_gazetteer("es")
    text = "Lo dijo el Presidente Comisión Nacional de Energía. Ayer Cementos del Norte subió."
    assert whole_name(_span(text, "Comisión Nacional de Energía"), "ORG", gaz) is None  # a role noun
    assert whole_name(_span(text, "Cementos del Norte"), "ORG", gaz) is None  # "Ayer" opens the sentence
    assert whole_name(_span(text, "Comisión Nacional de Energía"), "PER", gaz) is None  # ORG/MISC only


def test_the_pipeline_keeps_one_mention_for_the_whole_ministry():
    got = _annotated("El Ministerio de Asuntos Exteriores de Rusia convocó ayer al embajador de Francia.")
    ministry = [m for m in got.mentions if "Exteriores" in m.text]
    assert [m.text for m in ministry] == ["Ministerio de Asuntos Exteriores de Rusia"]
    assert ministry[0].label == "ORG"


def test_a_portfolio_in_a_title_is_the_ministry_only_when_the_text_names_it():
    got = _annotated(
        "La ministra de Relaciones Exteriores, Ana Pérez, habló con la prensa en Valdemora. "
        "La Secretaría de Relaciones Exteriores emitió después un comunicado. "
        "El ministro de Comercio Exterior de Ruritania, Pedro Gómez, no respondió."
    )
    by_text = {m.text: m for m in got.mentions}
    assert by_text["Relaciones Exteriores"].canonical == "Secretaría de Relaciones Exteriores"
    assert by_text["Relaciones Exteriores"].label == "ORG"
    assert not [m for m in got.mentions if m.text.startswith("Comercio Exterior")]
