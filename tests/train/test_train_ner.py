"""Training data for the accurate NER, and the trainable model against the numpy one crisol runs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from crisol.annotate.encoder.tokenizer import PieceTokenizer
from crisol.annotate.encoder.weights import load_weights
from crisol.train.corpora import read_texts
from crisol.train.ner import Recipe, examples, read_iob

TAGGED = """\
-DOCSTART- -X- O
La O
alcaldesa O
de O
Quito B-LOC
visitó O
la O
Casa B-ORG
Nariño I-ORG
. O

Ayer O
habló O
María I-PER
Pérez I-PER
. O
-DOCSTART- -X- O

Otro O
texto O
. O
"""


def test_tagged_files_read_as_documents_of_iob2_sentences(tmp_path):
    path = tmp_path / "train.iob"
    path.write_text(TAGGED, encoding="utf-8")
    corpus = read_iob(path)
    assert [len(d) for d in corpus.documents] == [2, 1]
    first, second = corpus.documents[0]
    assert first[3] == ("Quito", "B-LOC") and first[6:8] == [("Casa", "B-ORG"), ("Nariño", "I-ORG")]
    assert second[2] == ("María", "B-PER")  # an IOB1 I- that opens an entity becomes B-
    assert corpus.labels == ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]


def test_a_malformed_line_is_named(tmp_path):
    path = tmp_path / "bad.iob"
    path.write_text("Hola O\nsolo\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.iob line 2: expected 'word \.\.\. TAG'"):
        read_iob(path)
    binary = tmp_path / "binary.iob"
    binary.write_bytes(b"Hola O\n\xff\xfe\x00 O\n")
    with pytest.raises(ValueError, match="binary.iob: not UTF-8 text"):
        read_iob(binary)


def test_training_examples_label_each_word_once_on_its_first_piece(tmp_path):
    path = tmp_path / "train.iob"
    path.write_text(TAGGED, encoding="utf-8")
    corpus = read_iob(path)
    tokenizer = PieceTokenizer(load_weights().vocabulary)
    made = examples(corpus, tokenizer, corpus.labels, 16)
    labelled = [corpus.labels[i] for e in made for i in e.labels]
    assert labelled == [t for s in corpus.sentences() for _, t in s]
    for e in made:
        assert len(e.ids) <= 16 and len(e.heads) == len(e.labels)


def test_unlabelled_texts_come_from_json_lines_or_text_files(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"Text": "Uno."}\n\n{"text": "Dos."}\n{"other": 1}\n', encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("Tres.", encoding="utf-8")
    assert [t for _, t in read_texts([tmp_path / "a.jsonl", tmp_path / "b.txt"])] == ["Uno.", "Dos.", "Tres."]
    (tmp_path / "c.jsonl").write_text("{broken\n", encoding="utf-8")
    with pytest.raises(ValueError, match="c.jsonl line 1: not JSON"):
        list(read_texts([tmp_path / "c.jsonl"]))
    (tmp_path / "d.txt").write_bytes(b"\xff\xfe texto")
    with pytest.raises(ValueError, match="d.txt: not UTF-8 text"):
        list(read_texts([tmp_path / "d.txt"]))
    (tmp_path / "e.jsonl").write_text('["a list, not an object"]\n', encoding="utf-8")
    assert list(read_texts([tmp_path / "e.jsonl"])) == []


def test_the_trainable_model_computes_what_the_numpy_tagger_computes():
    """What training learns is what crisol runs: same logits from PyTorch and from numpy."""
    torch = pytest.importorskip("torch")
    from crisol.annotate.encoder.windows import document_windows
    from crisol.train.ner import _TorchTagger

    weights = load_weights()
    model = _TorchTagger(weights, 5, 0.1)
    model.eval()
    torch.nn.init.normal_(model.head.weight, std=0.5)
    tagger = model.to_tagger(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"], Recipe(max_len=32), weights)
    document = [["El", "alcalde", "visitó", "Cuenca", "."], ["Después", "volvió", "a", "casa", "."]]
    voc = weights.vocabulary
    windows = document_windows(document, tagger.tokenizer.word_ids, 32, voc.bos, voc.eos)
    ours = tagger._word_log_probs(windows)
    for window, numpy_logp in zip(windows, ours):
        ids = torch.tensor([window.ids])
        with torch.no_grad():
            logits = model(ids, torch.ones_like(ids, dtype=torch.bool))[0, window.heads]
        assert np.allclose(torch.log_softmax(logits, -1).numpy(), numpy_logp, atol=1e-4)


def test_training_can_start_from_a_trained_model(tmp_path):
    """``--init``: more epochs on a model keep its weights as the start and retell its recipe."""
    pytest.importorskip("torch")
    from crisol.train.ner import train

    data = tmp_path / "train.iob"
    data.write_text(TAGGED, encoding="utf-8")
    first, second = tmp_path / "first", tmp_path / "second"
    quiet = lambda line: None  # noqa: E731
    recipe = Recipe(epochs=1, batch_size=4, max_len=24, threads=1)
    train([data], None, first, recipe, [{"file": "a", "shippable": True}], log=quiet)
    still = Recipe(epochs=1, batch_size=4, max_len=24, threads=1, learning_rate=0.0)
    train([data], None, second, still, [{"file": "b", "shippable": False}], log=quiet, init=first)
    with np.load(first / "model.npz") as a, np.load(second / "model.npz") as b:
        assert set(a.files) == set(b.files)
        assert all(np.array_equal(a[k], b[k]) for k in a.files)  # learning rate 0: the start, unchanged
    meta = json.loads((second / "model.json").read_text())
    assert [s["file"] for s in meta["trained_on"]] == ["a", "b"] and meta["shippable"] is False
    assert meta["started_from"]["recipe"]["learning_rate"] == recipe.learning_rate

    other = tmp_path / "other.iob"
    other.write_text("Ayer O\nllegó O\nla O\nONU B-ORG\n. O\n\nUn O\nfestival B-EVENT\n", encoding="utf-8")
    with pytest.raises(ValueError, match="first: the model has no labels B-EVENT, I-EVENT"):
        train([other], None, tmp_path / "third", recipe, log=quiet, init=first)
