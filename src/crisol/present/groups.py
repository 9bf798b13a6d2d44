"""Sentences that say the same thing across the articles of one story.

Every sentence of every article is embedded once (one batch per story); each pair of articles is
aligned one to one with :func:`crisol.link.dedup.align` on those embeddings, and aligned pairs are
joined transitively into groups. A group is one statement with every article that carries it.

>>> uf = UnionFind(); uf.union("a", "b"); uf.union("c", "b")
>>> uf.find("a") == uf.find("c")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

import numpy as np

from crisol.link.dedup import AlignedPair, align, split_sentences
from crisol.link.similarity import DIM, embed, sentence_cosine, sentence_scale
from crisol.model import Article

SentenceKey = tuple[str, int]  # (article id, sentence index)
# Texts -> unit embeddings, one row each (:func:`crisol.link.similarity.embed`, or a cache such as
# :class:`crisol.link.dedup.SentenceVectors` holding what the linker already embedded)
Embedder = Callable[[Sequence[str]], np.ndarray]
CROSS_ALIGN = 0.6  # rescaled cosine (sentence_scale) for sentences in two languages
# dedup's alignment threshold finds rewrites; saying that two outlets state the same thing needs
# closer pairs (on real rewrites, pairs under 0.7 are mostly loose topical matches)
GROUP_ALIGN = 0.7
MIN_WORDS = 4  # a fragment ("Previamente") aligns with anything


class UnionFind:
    """Disjoint sets over hashable items, created on first sight."""

    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def find(self, x: Hashable) -> Hashable:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> list[list[Hashable]]:
        out: dict[Hashable, list[Hashable]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


@dataclass
class Group:
    """One statement: the sentences (article id, index) of every article that carries it."""

    id: int
    members: list[SentenceKey]
    score: float = 1.0  # mean alignment score of the pairs that joined it (1.0 for a single)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(a for a, _ in self.members))

    def first_index(self, article_id: str) -> int | None:
        idx = [i for a, i in self.members if a == article_id]
        return min(idx) if idx else None


@dataclass
class StoryText:
    """The sentences of each article of a story, their embeddings, and the groups over them."""

    sentences: dict[str, list[str]]
    embeddings: dict[str, np.ndarray]
    pairs: dict[tuple[str, str], list[AlignedPair]] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    group_of: dict[SentenceKey, Group] = field(default_factory=dict)

    def text(self, key: SentenceKey) -> str:
        return self.sentences[key[0]][key[1]]

    def pair_score(self, a: SentenceKey, b: SentenceKey) -> float:
        """The direct alignment score of two sentences of two articles (0.0 when not aligned)."""
        for (x, y), first, second in (((a[0], b[0]), a, b), ((b[0], a[0]), b, a)):
            for p in self.pairs.get((x, y), []):
                if p.a == first[1] and p.b == second[1]:
                    return p.score
        return 0.0

    def cosine(self, a: SentenceKey, b: SentenceKey) -> float:
        """Cosine of the embeddings of two sentences (any articles, any languages), on e5's
        scale (:func:`~crisol.link.similarity.sentence_cosine`), where the thresholds were set."""
        return float(sentence_cosine(np.dot(self.embeddings[a[0]][a[1]], self.embeddings[b[0]][b[1]])))

    def aligned(self, a: SentenceKey, b: SentenceKey) -> bool:
        ga, gb = self.group_of.get(a), self.group_of.get(b)
        return ga is not None and ga is gb


def article_sentences(article: Article) -> list[str]:
    """The annotated sentences of ``article``, or a light split of its text when not annotated."""
    if article.sentences:
        return [s.text for s in sorted(article.sentences, key=lambda s: s.index)]
    return split_sentences(article.text)


def build(articles: Sequence[Article], embedder: Embedder | None = None) -> StoryText:
    """Embed every sentence once, align every pair of articles, group aligned sentences.

    ``embedder`` replaces :func:`~crisol.link.similarity.embed` (e.g. a cache of the sentences
    the linker embedded already)."""
    sentences = {a.id: article_sentences(a) for a in articles}
    flat = [s for a in articles for s in sentences[a.id]]
    vectors = (
        (embed if embedder is None else embedder)(flat) if flat else np.zeros((0, DIM), dtype=np.float32)
    )
    embeddings, at = {}, 0
    for a in articles:
        n = len(sentences[a.id])
        embeddings[a.id] = vectors[at : at + n]
        at += n
    story = StoryText(sentences, embeddings)
    _align_all(story, [a.id for a in articles], {a.id: a.language for a in articles})
    return story


def cross_align(
    a: Sequence[str], b: Sequence[str], emb_a: np.ndarray, emb_b: np.ndarray
) -> list[AlignedPair]:
    """Alignment across languages: content words cannot overlap there, so mutual best matches
    on the multilingual embedding alone, with a stricter threshold (a translation scores about
    0.9 cosine, a sentence on the same topic about 0.8)."""
    if not len(a) or not len(b):
        return []
    score = sentence_scale(emb_a @ emb_b.T)
    pairs = []
    for i in range(len(a)):
        j = int(score[i].argmax())
        if score[i, j] >= CROSS_ALIGN and int(score[:, j].argmax()) == i:
            pairs.append(AlignedPair(i, j, float(score[i, j]), a[i], b[j]))
    return pairs


# Each article is aligned with at most this many others of its story, the closest in meaning
# (every pair below that size): presenting a story costs O(n), not O(n^2), as it grows.
ALIGN_PARTNERS = 12


def _partners(story: StoryText, ids: list[str]) -> set[tuple[str, str]]:
    """The pairs of articles to align: every pair in a story of up to ALIGN_PARTNERS + 1
    articles; beyond, each article with its ALIGN_PARTNERS nearest (mean sentence embedding)."""
    order = {a: n for n, a in enumerate(ids)}
    if len(ids) <= ALIGN_PARTNERS + 1:
        return {(a, b) for a in ids for b in ids if order[a] < order[b]}
    means = np.stack(
        [story.embeddings[a].mean(axis=0) if len(story.embeddings[a]) else np.zeros(DIM) for a in ids]
    )
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
    sims = means @ means.T
    np.fill_diagonal(sims, -np.inf)
    out = set()
    for i, a in enumerate(ids):
        for j in np.argsort(-sims[i])[:ALIGN_PARTNERS]:
            b = ids[int(j)]
            out.add((a, b) if order[a] < order[b] else (b, a))
    return out


def _align_all(story: StoryText, ids: list[str], languages: dict[str, str | None]) -> None:
    """Join aligned pairs into groups, best pairs first, never putting two sentences of one
    article in one group (so a chain of loose alignments cannot glue two statements together)."""
    found: list[tuple[float, SentenceKey, SentenceKey]] = []
    partners = _partners(story, ids)
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            if a == b or not story.sentences[a] or not story.sentences[b] or (a, b) not in partners:
                continue
            same = languages[a] == languages[b] or not languages[a] or not languages[b]
            pairs = (align if same else cross_align)(
                story.sentences[a], story.sentences[b], story.embeddings[a], story.embeddings[b]
            )
            story.pairs[(a, b)] = pairs
            found += [
                (p.score, (a, p.a), (b, p.b))
                for p in pairs
                if p.score >= GROUP_ALIGN and min(len(p.a_text.split()), len(p.b_text.split())) >= MIN_WORDS
            ]
    uf = UnionFind()
    articles_of: dict = {}
    scores: dict = {}
    for aid in ids:
        for i in range(len(story.sentences[aid])):
            articles_of[uf.find((aid, i))] = {aid}
            scores[(aid, i)] = []
    for score, ka, kb in sorted(found, key=lambda f: -f[0]):
        ra, rb = uf.find(ka), uf.find(kb)
        if ra == rb or articles_of[ra] & articles_of[rb]:
            continue
        uf.union(ra, rb)
        articles_of[uf.find(ra)] = articles_of[ra] | articles_of[rb]
        scores[ka].append(score)
        scores[kb].append(score)
    order = {aid: n for n, aid in enumerate(ids)}
    members = sorted(
        (sorted(g, key=lambda k: (order[k[0]], k[1])) for g in uf.groups()),
        key=lambda g: (order[g[0][0]], g[0][1]),
    )
    for n, group_members in enumerate(members):
        joined = [s for k in group_members for s in scores.get(k, [])]
        group = Group(n, group_members, float(np.mean(joined)) if joined else 1.0)
        story.groups.append(group)
        for k in group_members:
            story.group_of[k] = group
