"""Pipelines per language, the model registry and the shared sentence splitter in the pipeline."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from crisol.annotate import doc_sentences, nlp
from crisol.clean.sentences import sentence_spans
from crisol.errors import UnknownLanguage


def test_languages_with_models():
    assert {"es", "en"} <= set(nlp.languages())


@pytest.mark.parametrize(
    "code, expected", [("es-ES", "es"), ("EN", "en"), ("pt_BR", "pt"), ("", None), (None, None)]
)
def test_normalise_language(code, expected):
    assert nlp.normalise_language(code) == expected


def test_pipeline_is_cached_and_gazetteer_runs_before_ner():
    es = nlp.load("es")
    assert nlp.load("es") is es
    names = es.pipe_names
    assert names.index("crisol_gazetteer") < names.index("ner")
    assert names.index("crisol_sentences") < names.index("parser")
    assert nlp.load_bare("es") is not es and "crisol_gazetteer" not in nlp.load_bare("es").pipe_names


def test_spanish_model_loads_without_the_version_warning(recwarn):
    nlp._spanish()
    assert not [w for w in recwarn if "W095" in str(w.message)]


def test_unknown_language_raises():
    with pytest.raises(UnknownLanguage, match="'de'"):
        nlp.load("de")


def test_a_language_is_a_registration(monkeypatch):
    def italian():
        blank = spacy.blank("it")
        blank.add_pipe("sentencizer")
        return blank

    monkeypatch.setitem(nlp._LOADERS, "it", italian)
    try:
        doc = nlp.load("it")("Il presidente è arrivato a Roma. Domani parlerà.")
        assert [s.text for s in doc.sents] == ["Il presidente è arrivato a Roma.", "Domani parlerà."]
    finally:
        nlp.load.cache_clear()


def test_line_break_starts_a_sentence():
    doc = nlp.load("es")("Titular sin punto final\nEl cuerpo de la noticia empieza aquí.")
    starts = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert starts[0] == "Titular sin punto final"


def test_the_parser_keeps_the_shared_splitter_boundaries_and_adds_none():
    # the bare parser cut this sentence after the name, before its apposition
    text = (
        "Ana Beltrán, la nueva directora del observatorio regional, presentó ayer el informe anual "
        "en Lima. El Dr. Ruiz y la Sra. Paz, sus adjuntos, lo defendieron ante la prensa.\nOtro párrafo"
    )
    sentences = doc_sentences(nlp.load("es")(text))
    assert [(s.start, s.end) for s in sentences] == sentence_spans(text)
    assert [s.text[:25] for s in sentences] == [
        "Ana Beltrán, la nueva dir",
        "El Dr. Ruiz y la Sra. Paz",
        "Otro párrafo",
    ]


def test_a_pre_split_doc_keeps_its_sentences():
    """A Doc given with its sentence starts (a pre-segmented corpus) is not split again."""
    es = nlp.load("es")
    words = ["Lo", "dijo", "el", "Colegio", "de", "Abogados.", "Peritos", "de", "Soria", "."]
    assert len(list(es(Doc(es.vocab, words=words)).sents)) == 2  # the splitter cuts after "Abogados."
    given = Doc(es.vocab, words=words, sent_starts=[True] + [False] * (len(words) - 1))
    assert len(list(es(given).sents)) == 1
