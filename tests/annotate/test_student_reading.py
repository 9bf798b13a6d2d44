"""A student NER crisol trained reads without the gazetteer's entities; they are merged after it,
and the mention filters treat its spans as read (texts written for these tests)."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from crisol.annotate import nlp as crisol_nlp
from crisol.annotate.gazetteer import GAZETTEER_SPANS, merge_preset
from crisol.annotate.mentions import IN_CONTEXT, NER_READING, STUDENT, build_mentions


@pytest.fixture(scope="module")
def es_nlp():
    return crisol_nlp.load("es")


@pytest.fixture(scope="module")
def gaz(es_nlp):
    return crisol_nlp.gazetteer_of(es_nlp)


def _ents(doc):
    return [(e.text, e.label_, e.kb_id_) for e in doc.ents]


def test_merge_keeps_the_gazetteer_s_link_and_the_ner_s_label_and_what_the_ner_missed(es_nlp):
    doc = es_nlp.make_doc("El Barcelona viajó a Pionyang con Ana Ruiz")
    found = [Span(doc, 1, 2, label="ORG"), Span(doc, 6, 8, label="PER")]
    preset = [Span(doc, 1, 2, label="LOC", kb_id="city:1"), Span(doc, 4, 5, label="LOC", kb_id="city:2")]
    merged = [(s.text, s.label_, s.kb_id_) for s in merge_preset(found, preset)]
    assert merged == [("Barcelona", "ORG", "city:1"), ("Pionyang", "LOC", "city:2"), ("Ana Ruiz", "PER", "")]
    # a gazetteer span the NER read otherwise (longer) gives way
    longer = [Span(doc, 0, 2, label="ORG")]
    assert [(s.text, s.kb_id_) for s in merge_preset(longer, preset)] == [
        ("El Barcelona", ""),
        ("Pionyang", "city:2"),
    ]


def test_a_student_pipeline_sets_the_gazetteer_aside_and_merges_it_after_the_ner(tmp_path):
    crisol_nlp.fresh_bare("es").to_disk(tmp_path / "student")  # any spaCy NER folder will do
    crisol_nlp.choose_ner("fast", tmp_path / "student")
    try:
        nlp = crisol_nlp.load("es")
        names = nlp.pipe_names
        assert names.index("crisol_gazetteer") < names.index("ner") < names.index("crisol_student_merge")
        assert nlp.get_pipe("crisol_gazetteer").preset is False
        doc = nlp("El jefe de la diplomacia, Serguéi Lavrov, llegó ayer a Pionyang en visita oficial.")
        assert ("Pionyang", "LOC", "city:1871859") in _ents(doc)  # linked whatever the NER said
        assert GAZETTEER_SPANS not in doc.spans and doc.user_data[NER_READING] == STUDENT
    finally:
        crisol_nlp.choose_ner("fast")
    stock = crisol_nlp.load("es")
    assert "crisol_student_merge" not in stock.pipe_names and stock.get_pipe("crisol_gazetteer").preset


def _mentions(nlp, gaz, text, spans, reading):
    doc = nlp(text)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in spans]
    if reading:
        doc.user_data[NER_READING] = reading
    return [(m.text, m.label) for m in build_mentions(doc, gaz)]


def test_a_student_s_labels_stand_but_its_lone_capitalised_words_are_still_filtered(es_nlp, gaz):
    text = "Críticas llegaron. El ministro Fulano Mengánez Pérez respondió."
    spans = [(0, 1, "MISC"), (5, 8, "MISC")]
    # the stock model: a lone sentence-initial common word is dropped, a name after a role is a person
    assert _mentions(es_nlp, gaz, text, spans, None) == [("Fulano Mengánez Pérez", "PER")]
    # a student: its label stands (it learnt labels from whole sentences); the lone word still goes
    assert _mentions(es_nlp, gaz, text, spans, STUDENT) == [("Fulano Mengánez Pérez", "MISC")]
    # the encoder, reading the document: the lone word is its call too
    assert _mentions(es_nlp, gaz, text, spans, IN_CONTEXT) == [
        ("Críticas", "MISC"),
        ("Fulano Mengánez Pérez", "MISC"),
    ]
