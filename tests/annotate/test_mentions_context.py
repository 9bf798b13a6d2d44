"""What crisol's mention filters keep of an NER's spans: names the old filters cut, and what they
leave to an NER that reads context (texts written for these tests)."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from crisol.annotate.mentions import (
    IN_CONTEXT,
    NER_READING,
    build_mentions,
    entity_spans,
    fix_label,
    is_junk,
    named_after_city,
    trim,
    whole_name,
)
from crisol.annotate.nlp import gazetteer_of, load


@pytest.fixture(scope="module")
def es_nlp():
    return load("es")


@pytest.fixture(scope="module")
def gaz(es_nlp):
    return gazetteer_of(es_nlp)  # with the model's common words


def span_of(nlp, text, words, label):
    doc = nlp(text)
    first = [t.text for t in doc].index(words.split()[0])
    return Span(doc, first, first + len(nlp.make_doc(words)), label=label)


@pytest.mark.parametrize(
    "text, words, label",
    [
        ("La delegación llegó a Nueva Orleans el martes.", "Nueva Orleans", "LOC"),
        ("El portavoz habló del Estado de Malta sin rodeos.", "Estado de Malta", "ORG"),
        ("Los vecinos recibieron a Del Olmo con aplausos.", "Del Olmo", "PER"),
        ("De la Vega recordó que el plazo vence hoy.", "De la Vega", "PER"),
    ],
)
def test_a_stop_word_or_particle_heading_a_name_is_part_of_it(es_nlp, gaz, text, words, label):
    assert trim(span_of(es_nlp, text, words, label), gaz).text == words


def test_function_words_are_still_cut(es_nlp, gaz):
    assert (
        trim(span_of(es_nlp, "Según Fonseca, el puerto cerró.", "Según Fonseca", "PER"), gaz).text
        == "Fonseca"
    )


def test_a_country_in_headline_capitals_without_its_accent_is_kept(es_nlp, gaz):
    assert gaz.lookup_shouted("PERU").country == "PER" and gaz.lookup_shouted("Peru") is None
    span = span_of(es_nlp, "PERU - Cierre de campaña en la sierra .", "PERU", "LOC")
    assert trim(span, gaz) is not None and not is_junk(span, gaz)


def test_a_fragment_is_not_extended_over_another_entity(es_nlp, gaz):
    doc = es_nlp("Habló el jefe del Servicio de Cardiología del Hospital Central de Teruel.")
    words = [t.text for t in doc]
    service, hospital = words.index("Servicio"), words.index("Hospital")
    doc.ents = [Span(doc, service, service + 3, label="ORG"), Span(doc, hospital, hospital + 4, label="ORG")]
    assert whole_name(doc.ents[1], "ORG", gaz) is None
    doc.ents = [doc.ents[1]]  # alone, the tail of a capitalised name still grows to the whole of it
    assert whole_name(doc.ents[0], "ORG", gaz).text.startswith("Servicio de Cardiología")


def test_a_city_read_as_an_organisation_is_a_club_but_a_capital_stays_a_place(es_nlp, gaz):
    assert named_after_city(gaz.lookup("Elche"), "ORG") and not named_after_city(gaz.lookup("Elche"), "LOC")
    assert not named_after_city(gaz.lookup("Moscú"), "ORG")  # "Moscú niega": its government
    assert not named_after_city(gaz.lookup("Francia"), "ORG")  # a country that plays or acts
    doc = es_nlp.make_doc("El Elche ganó y Moscú protestó")
    doc.ents = [
        Span(doc, 1, 2, label="ORG", kb_id=gaz.names["Elche"]),  # as the accurate NER leaves them
        Span(doc, 4, 5, label="ORG", kb_id=gaz.names["Moscú"]),
    ]
    assert [(s.text, label, source) for s, label, source in entity_spans(doc, gaz)] == [
        ("Elche", "ORG", "ner"),
        ("Moscú", "LOC", "gazetteer"),
    ]


@pytest.mark.parametrize(
    "text, words, label",
    [
        ("Blanco decidió dimitir tras la votación.", "Blanco", "PER"),
        ("Los ciclistas cruzaron la meta del Giro bajo la lluvia.", "Giro", "MISC"),
    ],
)
def test_an_ner_that_reads_context_is_trusted_on_capitals_and_lone_words(es_nlp, gaz, text, words, label):
    span = span_of(es_nlp, text, words, label)
    assert is_junk(span, gaz)
    assert not is_junk(span, gaz, in_context=True)


def test_a_portfolio_in_a_title_is_no_name_even_in_context(es_nlp, gaz):
    span = span_of(es_nlp, "Lo anunció el consejero de Turismo en Teruel.", "Turismo", "MISC")
    assert is_junk(span, gaz, in_context=True)


def test_in_context_the_label_is_not_guessed_from_the_head_word(es_nlp, gaz):
    span = span_of(es_nlp, "El equipo jugará la Liga de Campeones en otoño.", "Liga de Campeones", "MISC")
    assert fix_label(span, "MISC", gaz) == "ORG"
    assert fix_label(span, "MISC", gaz, in_context=True) == "MISC"
    minister = span_of(es_nlp, "Lo dijo el ministro de Exteriores en Lisboa.", "Exteriores", "MISC")
    assert fix_label(minister, "MISC", gaz, in_context=True) == "ORG"  # a ministry, then dropped


def test_a_capital_after_an_article_only_a_team_takes_is_the_club(es_nlp, gaz):
    doc = es_nlp("El Madrid jugará ante el Roma; Madrid y Roma firmaron un acuerdo. Llegó a Madrid.")
    capitals = [t.i for t in doc if t.text in ("Madrid", "Roma")]
    doc.ents = [Span(doc, i, i + 1, label="ORG", kb_id=gaz.names[doc[i].text]) for i in capitals[:4]] + [
        Span(doc, capitals[4], capitals[4] + 1, label="LOC", kb_id=gaz.names["Madrid"])
    ]
    found = [(span.text, label, source) for span, label, source in entity_spans(doc, gaz)]
    # "el Madrid", "el Roma": the clubs, from the NER, unlinked; bare capitals read as ORG stay
    # places (their governments), and so does one the NER read as a place
    assert found == [
        ("Madrid", "ORG", "ner"),
        ("Roma", "ORG", "ner"),
        ("Madrid", "LOC", "gazetteer"),
        ("Roma", "LOC", "gazetteer"),
        ("Madrid", "LOC", "gazetteer"),
    ]
    doc.user_data[NER_READING] = IN_CONTEXT
    mentions = [(m.text, m.label, m.canonical) for m in build_mentions(doc, gaz)]
    assert mentions[:2] == [("Madrid", "ORG", None), ("Roma", "ORG", None)]  # not linked to the cities
    assert mentions[2][1:] == ("LOC", "Madrid")
