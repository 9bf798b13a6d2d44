"""Stories: articles about one event, grouped online as they arrive.

Each new article (in publication order) is compared with a bounded set of candidate stories and
either joins the best one or starts a story of its own:

1. candidates: the nearest story centroids in an ANN index (usearch, cosine over multilingual
   embeddings), plus recent stories sharing a distinctive name (an inverted index); at most
   ``k`` of each, so the cost per article stays flat as the store grows;
2. score: the learned pair model (:mod:`crisol.link.similarity`) between the article and the
   story's most recent members, the best of them;
3. who met whom: when each side reports a meeting or visit with a person the other side never
   mentions, they are different encounters, whatever the topic similarity says (two envoys in
   the same capital a few weeks apart);
4. time: the probability decays with the gap between the article and the story's time span.

When an article clears the threshold for two stories, it bridges them and they merge; every
assignment and merge is recorded in ``history``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

import numpy as np

from crisol.link import similarity as sim

EMBED_DIM = 384
CANDIDATES = 10  # stories from the ANN index, and again from the name index
MEMBERS = 5  # most recent members of a story compared with a new article
GRACE_DAYS = 2.0  # no time penalty within this gap
DECAY_DAYS = 5.0  # then the probability halves every DECAY_DAYS * ln 2 days
CONFLICT_PENALTY = 0.2  # factor applied when the articles report different encounters
NAME_POSTINGS = 50  # cap on stories remembered per name
# A story quiet for this long (before the newest article) is closed for joining and leaves
# memory, so a long-running process stays bounded; checked every EVICT_EVERY articles.
WINDOW = timedelta(days=30)
EVICT_EVERY = 512


@dataclass
class StoryItem:
    """What the clusterer needs of one article."""

    id: str
    profile: sim.Profile
    time: datetime | None = None
    participants: frozenset[str] = frozenset()  # people in the article's own meetings/visits
    persons: frozenset[str] = frozenset()  # every person the article mentions
    title: str | None = None


@dataclass
class Story:
    id: str
    members: list[StoryItem] = field(default_factory=list)
    centroid: np.ndarray = field(default_factory=lambda: np.zeros(EMBED_DIM, dtype=np.float32))
    names: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None

    @property
    def article_ids(self) -> list[str]:
        return [m.id for m in self.members]

    def add(self, item: StoryItem) -> None:
        self.members.append(item)
        self.centroid = self.centroid + item.profile.embedding
        self.names.update(item.profile.names)
        if item.time:
            self.first = min(self.first or item.time, item.time)
            self.last = max(self.last or item.time, item.time)

    def unit_centroid(self) -> np.ndarray:
        n = np.linalg.norm(self.centroid)
        return (self.centroid / n).astype(np.float32) if n else self.centroid.astype(np.float32)


@dataclass
class Assignment:
    article: str
    story: str
    score: float
    created: bool
    merged: list[str] = field(default_factory=list)  # stories merged into ``story``


def encounter_conflict(a: StoryItem, b: StoryItem) -> bool:
    """True when each article's meeting involves someone the other never mentions.

    >>> x = StoryItem("x", None, participants=frozenset({"kim", "lavrov"}), persons=frozenset({"kim", "lavrov", "putin"}))
    >>> y = StoryItem("y", None, participants=frozenset({"kim", "shoigu"}), persons=frozenset({"kim", "shoigu", "putin"}))
    >>> z = StoryItem("z", None, participants=frozenset({"lavrov"}), persons=frozenset({"lavrov", "kim"}))
    >>> encounter_conflict(x, y), encounter_conflict(x, z)
    (True, False)
    """
    return bool(a.participants - b.persons) and bool(b.participants - a.persons)


def time_factor(t: datetime | None, story: Story) -> float:
    if t is None or story.first is None:
        return 1.0
    if story.first <= t <= story.last:
        return 1.0
    gap = min(abs((t - story.first).total_seconds()), abs((t - story.last).total_seconds())) / 86400
    if gap <= GRACE_DAYS:
        return 1.0
    return math.exp(-(gap - GRACE_DAYS) / DECAY_DAYS)


class StoryClusterer:
    """Online story clustering with bounded work per article.

    ``threshold`` is the score (after encounter and time adjustments) above which an article
    joins a story; by default the similarity model's own thresholds (one for articles in the
    story's language, one across languages).
    """

    def __init__(self, model: sim.SimilarityModel | None = None, threshold: float | None = None):
        from usearch.index import Index

        self.model = model or sim.default_model()
        self._fixed_threshold = threshold
        self.df = sim.DocumentFrequencies()
        self.stories: dict[str, Story] = {}
        self.history: list[dict] = []
        self._index = Index(ndim=EMBED_DIM, metric="cos", dtype="f32")
        self._keys: dict[int, str] = {}  # usearch key -> story id
        self._key_of: dict[str, int] = {}
        self._next_key = 0
        self._by_name: dict[str, list[str]] = {}
        self._vectors: dict[str, dict[int, float]] = {}
        self._newest: datetime | None = None
        self._added = 0
        self._counter = 0

    # -- candidates -----------------------------------------------------------------------
    def _candidates(self, item: StoryItem) -> list[Story]:
        found: dict[str, Story] = {}
        if len(self._index):
            matches = self._index.search(item.profile.embedding.astype(np.float32), CANDIDATES)
            for key in np.atleast_1d(matches.keys):
                sid = self._keys.get(int(key))
                if sid in self.stories:
                    found[sid] = self.stories[sid]
        for name in item.profile.names:
            for sid in self._by_name.get(name, [])[-CANDIDATES:]:
                if sid in self.stories and len(found) < 3 * CANDIDATES:
                    found[sid] = self.stories[sid]
        return list(found.values())

    # -- scoring --------------------------------------------------------------------------
    def score(self, item: StoryItem, story: Story, vector: dict[int, float] | None = None) -> float:
        members = story.members[-MEMBERS:]
        vector = vector if vector is not None else self.df.vector(item.profile)
        best = max(float(self.model.score(sim.features(item.profile, m.profile, self.df, vector, self._vector(m))))
                   for m in members)  # fmt: skip
        if any(encounter_conflict(item, m) for m in members):
            best *= CONFLICT_PENALTY
        return best * time_factor(item.time, story)

    def _threshold(self, item: StoryItem, story: Story) -> float:
        if self._fixed_threshold is not None:
            return self._fixed_threshold
        languages = {m.profile.language for m in story.members[-MEMBERS:]}
        if item.profile.language in languages:
            return self.model.threshold
        return self.model.threshold_for(item.profile.language, next(iter(languages - {None}), None))

    def _vector(self, member: StoryItem) -> dict[int, float]:
        """A member's TF-IDF vector, built once with the IDF of when it was first needed."""
        vector = self._vectors.get(member.id)
        if vector is None:
            vector = self._vectors[member.id] = self.df.vector(member.profile)
        return vector

    # -- updating -------------------------------------------------------------------------
    def _new_story_id(self) -> str:
        self._counter += 1
        return f"s{self._counter:06d}"

    def _index_story(self, story: Story) -> None:
        key = self._key_of.get(story.id)
        if key is not None:
            self._index.remove(key)
        else:
            key = self._next_key
            self._next_key += 1
            self._key_of[story.id] = key
            self._keys[key] = story.id
        self._index.add(key, story.unit_centroid())

    def _merge(self, into: Story, other: Story, via: str) -> None:
        for m in other.members:
            into.add(m)
        key = self._key_of.pop(other.id, None)
        if key is not None:
            self._index.remove(key)
            self._keys.pop(key, None)
        del self.stories[other.id]
        self.history.append({"action": "merge", "story": into.id, "merged": other.id, "via": via})

    def add(self, item: StoryItem) -> Assignment:
        """Assign one article to a story (existing or new) and update the indexes."""
        self.df.add(item.profile)
        vector = self.df.vector(item.profile)  # once per article, not once per pair
        scored = sorted(((self.score(item, s, vector), s) for s in self._candidates(item)), key=lambda x: -x[0])
        joined = [(p, s) for p, s in scored if p >= self._threshold(item, s)]
        if joined:
            score, story = joined[0]
            merged = []
            for _, other in joined[1:]:
                self._merge(story, other, via=item.id)
                merged.append(other.id)
            created = False
        else:
            score, story, merged, created = 1.0, Story(self._new_story_id()), [], True
            self.stories[story.id] = story
        story.add(item)
        if len(story.members) > MEMBERS:  # only the last MEMBERS are scored: forget older vectors
            self._vectors.pop(story.members[-MEMBERS - 1].id, None)
        self._index_story(story)
        for name in item.profile.names:
            postings = self._by_name.setdefault(name, [])
            if not postings or postings[-1] != story.id:
                postings.append(story.id)
                del postings[:-NAME_POSTINGS]
        self.history.append(
            {"action": "create" if created else "join", "story": story.id, "article": item.id, "score": round(score, 4)}
        )
        if item.time is not None and (self._newest is None or item.time > self._newest):
            self._newest = item.time
        self._added += 1
        if self._added % EVICT_EVERY == 0:
            self.evict()
        return Assignment(item.id, story.id, float(score), created, merged)

    def evict(self) -> list[str]:
        """Drop stories whose last article is more than :data:`WINDOW` before the newest one."""
        if self._newest is None:
            return []
        cutoff = self._newest - WINDOW
        old = [sid for sid, st in self.stories.items() if st.last is not None and st.last < cutoff]
        for sid in old:
            story = self.stories.pop(sid)
            key = self._key_of.pop(sid, None)
            if key is not None:
                self._index.remove(key)
                self._keys.pop(key, None)
            for m in story.members[-MEMBERS:]:
                self._vectors.pop(m.id, None)
        return old  # name postings drop them lazily: candidates skip unknown story ids
