"""Duplicates and rewrites of one story.

Three relations between two articles, from cheapest to dearest:

- ``duplicate``: the same clean text (equal ``text_hash``), e.g. one wire story in two inputs;
- ``near-duplicate``: MinHash-estimated Jaccard of normalised word shingles above a threshold
  (the same text with a changed sentence, a different boilerplate tail...), found through an LSH
  index, so each new article costs a constant number of lookups;
- ``rewrite``: the same story reworded (a wire story paraphrased by an outlet). Shingles no longer
  match, so sentences are aligned one to one: a pair aligns when its multilingual embeddings and
  its content words agree; an article is a rewrite of another when most of its sentences align,
  in roughly the same order. Rewrites are looked for among articles already known to be close
  (the members of one story), never across the whole store.

Every relation keeps its aligned sentence pairs, so a user can see both versions side by side and
what the rewrite added or dropped.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Sequence

import numpy as np

from crisol.clean.sentences import split_sentences as shared_split
from crisol.link.similarity import DIM, embed, sentence_scale
from crisol.text import fold

if TYPE_CHECKING:
    from datasketch import MinHash  # lazy: datasketch costs ~0.5 s to import

RelationKind = Literal["duplicate", "near-duplicate", "rewrite"]

SHINGLE = 5  # words per shingle: long enough that shared phrases of one topic do not count
NUM_PERM = 128
NEAR_DUPLICATE = 0.7  # estimated Jaccard of shingles
# Sentence alignment: a pair aligns above this blend of embedding cosine and content-word overlap.
ALIGN = 0.62
# An article is a rewrite when this share of the shorter one's sentences align, mostly in order.
REWRITE_COVERAGE = 0.5
REWRITE_ORDER = 0.6
MIN_SENTENCES = 3
MIN_ALIGNED = 4  # fewer aligned sentences are not enough evidence of a rewrite
# Articles older than this (before the newest one) leave the near-duplicate index: a copy
# of a wire story arrives within days; exact copies are still found by the store's text hash.
WINDOW = timedelta(days=30)

_WORD = re.compile(r"\w+")


@dataclass
class AlignedPair:
    a: int  # sentence index in article a
    b: int
    score: float
    a_text: str
    b_text: str


@dataclass
class Relation:
    """How article ``b`` relates to the earlier article ``a``."""

    a: str
    b: str
    kind: RelationKind
    score: float
    pairs: list[AlignedPair] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # sentences of a that b does not carry
    added: list[str] = field(default_factory=list)  # sentences of b that a does not carry

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "score": round(self.score, 4),
            "pairs": [
                {"a": p.a, "b": p.b, "score": round(p.score, 4), "a_text": p.a_text, "b_text": p.b_text}
                for p in self.pairs
            ],
            "dropped": self.dropped,
            "added": self.added,
        }


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Normalised word shingles (accents and case folded, punctuation ignored).

    >>> sorted(shingles("Hola, MUNDO cruel y frío", size=3))
    ['cruel y frio', 'hola mundo cruel', 'mundo cruel y']
    """
    words = _WORD.findall(fold(text))
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # datasketch is imported when first needed: it loads scipy (~1 s), which a reader serving
    # stored story views through this module's neighbours never needs
    from datasketch import MinHash  # lazy: datasketch costs ~0.5 s to import

    return MinHash(num_perm=NUM_PERM)


def minhash(text: str) -> MinHash:
    from datasketch import MinHash  # lazy: datasketch costs ~0.5 s to import

    t = _template()  # the permutations are drawn once, not per article (they are the same)
    m = MinHash(num_perm=NUM_PERM, permutations=t.permutations, scheme=t.scheme)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])  # vectorised: one numpy pass
    return m


class DuplicateIndex:
    """Finds exact and near duplicates of each new article among those seen before.

    >>> index = DuplicateIndex()
    >>> index.add("a", "Una noticia breve sobre la reunión de ayer en la capital del país.")
    []
    >>> [r.kind for r in index.add("b", "Una noticia breve sobre la reunión de ayer en la capital del país.")]
    ['duplicate']
    """

    def __init__(self, threshold: float = NEAR_DUPLICATE, window: timedelta | None = WINDOW):
        self.threshold = threshold
        self.window = window
        from datasketch import MinHashLSH  # lazy: as above

        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._by_hash: dict[str, str] = {}
        self._hashes: dict[str, MinHash] = {}
        self._arrivals: deque[tuple[datetime, str, str]] = deque()  # (time, article id, text key)
        self._newest: datetime | None = None

    def __len__(self) -> int:
        return len(self._by_hash)

    def add(
        self, article_id: str, text: str, text_hash: str | None = None, time: datetime | None = None
    ) -> list[Relation]:
        """Relations of the new article to those seen before (within the window), then index it.

        ``time`` (publication time) ages the article out of the index after :attr:`window`, so a
        long-running process stays bounded; an undated article counts as arriving now.
        """
        key = text_hash or " ".join(fold(text).split())
        first = self._by_hash.get(key)
        if first is not None:
            return [Relation(first, article_id, "duplicate", 1.0)]
        self._by_hash[key] = article_id
        m = minhash(text)
        relations = []
        for other in self._lsh.query(m):
            score = m.jaccard(self._hashes[other])
            if score >= self.threshold:
                relations.append(Relation(other, article_id, "near-duplicate", float(score)))
        if article_id not in self._hashes:
            self._lsh.insert(article_id, m)
            self._hashes[article_id] = m
        self._arrive(article_id, key, time)
        return sorted(relations, key=lambda r: -r.score)

    def _arrive(self, article_id: str, key: str, time: datetime | None) -> None:
        if self.window is None:
            return
        if time is not None and (self._newest is None or time > self._newest):
            self._newest = time
        when = time or self._newest
        if when is None:
            return  # nothing dated yet: no clock to age by
        if self._arrivals and when < self._arrivals[-1][0]:
            when = self._arrivals[-1][0]  # out-of-order arrivals age with their neighbours
        self._arrivals.append((when, article_id, key))
        self.expire(self._newest - self.window)

    def expire(self, before: datetime) -> int:
        """Forget articles that arrived before ``before``; returns how many were dropped."""
        dropped = 0
        while self._arrivals and self._arrivals[0][0] < before:
            _, article_id, key = self._arrivals.popleft()
            if self._hashes.pop(article_id, None) is not None:
                self._lsh.remove(article_id)
            if self._by_hash.get(key) == article_id:
                del self._by_hash[key]
            dropped += 1
        return dropped


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (the splitter every stage shares), for alignment when no
    annotation is at hand; fragments of one or two characters ("-") align with nothing."""
    return [s for s in shared_split(text) if len(s) > 2]


def _content_words(sentence: str) -> set[str]:
    # Words of 5+ letters carry the content; shorter ones are mostly function words in es/en.
    return {w for w in _WORD.findall(fold(sentence)) if len(w) >= 5 and not w.isdigit()}


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def align(
    a: Sequence[str], b: Sequence[str], emb_a: np.ndarray | None = None, emb_b: np.ndarray | None = None
) -> list[AlignedPair]:
    """One-to-one sentence alignment: mutual best matches scoring at least :data:`ALIGN`.

    The score blends embedding cosine (rescaled by :func:`~crisol.link.similarity.sentence_scale`)
    and the overlap of content words, which paraphrases keep (names, figures, key nouns).
    """
    if not a or not b:
        return []
    emb_a = embed(list(a)) if emb_a is None else emb_a
    emb_b = embed(list(b)) if emb_b is None else emb_b
    rescaled = sentence_scale(emb_a @ emb_b.T)
    words_a = [_content_words(s) for s in a]
    words_b = [_content_words(s) for s in b]
    lex = np.array([[_overlap(x, y) for y in words_b] for x in words_a])
    score = 0.5 * rescaled + 0.5 * lex
    pairs = []
    for i in range(len(a)):
        j = int(score[i].argmax())
        if score[i, j] >= ALIGN and int(score[:, j].argmax()) == i:
            pairs.append(AlignedPair(i, j, float(score[i, j]), a[i], b[j]))
    return pairs


def _order_agreement(pairs: list[AlignedPair]) -> float:
    """Share of aligned pairs in the same relative order in both articles (Kendall-style)."""
    if len(pairs) < 2:
        return 1.0
    bs = [p.b for p in sorted(pairs, key=lambda p: p.a)]
    agree = total = 0
    for i in range(len(bs)):
        for j in range(i + 1, len(bs)):
            total += 1
            agree += bs[i] < bs[j]
    return agree / total


class SentenceVectors:
    """Sentence embeddings by sentence text, bounded (least recently used out), so one sentence
    is embedded once however many times it is compared or presented. Callable like
    :func:`~crisol.link.similarity.embed`; safe to share between threads.

    >>> vectors = SentenceVectors(size=2)
    >>> vectors.put(["uno"], np.ones((1, DIM), dtype=np.float32))
    >>> vectors(["uno"]).shape, vectors.hits, vectors.misses
    ((1, 512), 1, 0)
    """

    def __init__(self, size: int = 16_384):
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors):
                self._items[text] = vector
                self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Unit embeddings of ``texts``, one row each; only the unseen ones are embedded."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            found = {t: self._items[t] for t in texts if t in self._items}
            for t in found:
                self._items.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        self.hits += len(texts) - sum(t in missing for t in texts)
        self.misses += len(missing)
        if missing:
            vectors = embed(missing)
            self.put(missing, vectors)
            found.update(zip(missing, vectors))
        return np.stack([found[t] for t in texts])


# One per process: a server that links one posted batch after another, or presents a story
# right after linking it, finds the sentences it embedded for the batch before (~24 MB full).
SHARED_VECTORS = SentenceVectors()


class SentenceCache:
    """Sentences and their embeddings per article, so comparing one article with several
    others embeds each sentence once (embedding is the costly part). Bounded, oldest out.
    Embeddings go through ``vectors`` (:data:`SHARED_VECTORS` by default), where presenting
    a story finds them again."""

    def __init__(self, size: int = 512, vectors: SentenceVectors | None = None):
        self.size = size
        self.vectors = vectors if vectors is not None else SHARED_VECTORS
        self._items: dict[str, tuple[list[str], np.ndarray]] = {}

    def get(self, article_id: str, text: str) -> tuple[list[str], np.ndarray]:
        found = self._items.pop(article_id, None)
        if found is None:
            sentences = split_sentences(text)
            found = (sentences, self.vectors(sentences))
        self._items[article_id] = found
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))
        return found


def compare(
    a_id: str,
    a_text: str,
    b_id: str,
    b_text: str,
    cache: SentenceCache | None = None,
    *,
    order_known: bool = False,
) -> Relation | None:
    """The rewrite relation between two articles, with aligned sentences, or None.

    The relation reads "b rewrites a". With ``order_known`` (``a`` was published first), that
    is the order given. Otherwise the source is the article more fully contained in the other:
    a rewrite keeps most of what it rewrites and adds its own context, so the share of the
    source's sentences that align is the larger one.
    """
    if cache is not None:
        (sa, ea), (sb, eb) = cache.get(a_id, a_text), cache.get(b_id, b_text)
    else:
        sa, sb = split_sentences(a_text), split_sentences(b_text)
        ea = eb = None
    if min(len(sa), len(sb)) < MIN_SENTENCES:
        return None
    pairs = align(sa, sb, ea, eb)
    coverage = len(pairs) / min(len(sa), len(sb))
    order = _order_agreement(pairs)
    if len(pairs) < MIN_ALIGNED or coverage < REWRITE_COVERAGE or order < REWRITE_ORDER:
        return None
    mean = float(np.mean([p.score for p in pairs])) if pairs else 0.0
    if not order_known and len(pairs) / len(sb) > len(pairs) / len(sa):
        # b is the more contained one: it is the source, a rewrites it
        pairs = [AlignedPair(p.b, p.a, p.score, p.b_text, p.a_text) for p in sorted(pairs, key=lambda p: p.b)]
        a_id, b_id, sa, sb = b_id, a_id, sb, sa
    aligned_a = {p.a for p in pairs}
    aligned_b = {p.b for p in pairs}
    return Relation(
        a_id,
        b_id,
        "rewrite",
        score=coverage * mean,
        pairs=pairs,
        dropped=[s for i, s in enumerate(sa) if i not in aligned_a],
        added=[s for j, s in enumerate(sb) if j not in aligned_b],
    )
