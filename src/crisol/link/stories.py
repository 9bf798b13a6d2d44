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
from typing import Sequence

import numpy as np

from crisol.link import similarity as sim

EMBED_DIM = sim.DIM
CANDIDATES = 10  # stories from the ANN index, and again from the name index
MEMBERS = 5  # most recent members of a story compared with a new article
GRACE_DAYS = 2.0  # no time penalty within this gap
DECAY_DAYS = 5.0  # then the probability halves every DECAY_DAYS * ln 2 days
CONFLICT_PENALTY = 0.2  # factor applied when the articles report different encounters
NAME_POSTINGS = 50  # cap on stories remembered per name
# A story quiet for this long (before the newest article) is closed for joining and leaves
# memory, so a long-running process stays bounded; checked whenever the newest article enters a
# new EVICT_STEP of time (and every EVICT_EVERY undated articles).
# Drift: a story that grew by chaining (each article close to the previous ones) can end up
# about something else. Every MEMBERS articles, once it has 2 * MEMBERS, its latest MEMBERS are
# scored against its first MEMBERS (anchors); when no pair reaches DRIFT x the joining
# threshold, the latest ones split off into a story of their own.
DRIFT = 1.0
# From this size on, joining also needs the article's mean score with the story's first and
# latest members to clear the threshold (see StoryClusterer._whole_fit).
WHOLE_FIT_FROM = 3
WINDOW = timedelta(days=30)
# A story of undated articles also waits until this many articles arrived since it took one
# before it is evicted (about two days of a 2,000-a-day monitor): dated articles of other
# months must not close it while its own undated articles keep coming.
UNDATED_QUIET = 5000
EVICT_STEP = timedelta(hours=6)
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


def _slim(item: StoryItem) -> StoryItem:
    """The article as an older member: only what stories keep of it (its id, time, embedding
    for rewrite candidates, language, title); its terms and names were counted already."""
    if not item.profile.names and not item.profile.numbers and item.profile.title_embedding is None:
        return item
    p = item.profile
    return StoryItem(
        item.id,
        sim.Profile(p.embedding, None, {}, frozenset(), frozenset(), p.language),
        item.time,
        item.participants,
        item.persons,
        item.title,
    )


def _compact(item: StoryItem) -> StoryItem:
    """The article as a recent member: its terms live on as its cached TF-IDF vector."""
    p = item.profile
    return StoryItem(
        item.id,
        sim.Profile(p.embedding, p.title_embedding, {}, p.names, p.numbers, p.language),
        item.time,
        item.participants,
        item.persons,
        item.title,
    )


def _when(item: StoryItem) -> float:
    return item.time.timestamp() if item.time else float("-inf")


@dataclass
class Story:
    id: str
    members: list[StoryItem] = field(default_factory=list)
    centroid: np.ndarray = field(default_factory=lambda: np.zeros(EMBED_DIM, dtype=np.float32))
    names: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    title: str | None = None  # the first member's title
    # The clusterer's clock (newest article time) when the story last took an article: what
    # ages a story whose members are all undated.
    seen: datetime | None = None
    # How many articles the clusterer had taken when the story last took one: undated articles'
    # clock (the dated articles' clock may run ahead of them by months in a mixed backfill).
    seen_count: int = 0
    languages: Counter = field(default_factory=Counter)
    # The first MEMBERS members with their TF-IDF vectors: what the story was about at first,
    # to notice when its latest articles have drifted to something else.
    anchors: list[tuple[StoryItem, sim.SparseVector]] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return [m.id for m in self.members]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def language(self) -> str | None:
        """The language most members are in."""
        return self.languages.most_common(1)[0][0] if self.languages else None

    def add(self, item: StoryItem) -> None:
        self.members.append(item)
        self.centroid = self.centroid + item.profile.embedding
        self.names.update(item.profile.names)
        self.title = self.title or item.title
        if item.profile.language:
            self.languages[item.profile.language] += 1
        if item.time:
            self.first = min(self.first or item.time, item.time)
            self.last = max(self.last or item.time, item.time)
        if len(self.members) > MEMBERS:
            self.members[-MEMBERS - 1] = _slim(self.members[-MEMBERS - 1])

    def absorb(self, other: "Story") -> None:
        """Take ``other``'s members; the most recent :data:`MEMBERS` of both stay scoreable."""
        recent = sorted(self.members[-MEMBERS:] + other.members[-MEMBERS:], key=_when)
        older = self.members[:-MEMBERS] + other.members[:-MEMBERS] + recent[:-MEMBERS]
        self.members = [_slim(m) for m in older] + recent[-MEMBERS:]
        self.centroid = self.centroid + other.centroid
        self.names.update(other.names)
        self.languages.update(other.languages)
        self.title = self.title or other.title
        for t in (other.first, other.last):
            if t:
                self.first = min(self.first or t, t)
                self.last = max(self.last or t, t)

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
    # When the story drifted: the story the article's group left, and that group's other articles
    # (they now belong to ``story``, a new one).
    split_from: str | None = None
    moved: list[str] = field(default_factory=list)


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
    joins a story; by default the similarity model's story thresholds (one for articles in the
    story's language, one across languages).
    """

    def __init__(self, model: sim.SimilarityModel | None = None, threshold: float | None = None):
        from usearch.index import Index  # lazy: only once a story window is big enough for an index

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
            matches = self._index.search(item.profile.embedding.astype(np.float32), CANDIDATES, threads=1)
            for key in np.atleast_1d(matches.keys):
                sid = self._keys.get(int(key))
                if sid in self.stories:
                    found[sid] = self.stories[sid]
        # The rarest names first: a common one ("Rusia") would fill the candidate list with
        # stories that merely share it before a distinctive one ("Lavrov") is looked up.
        for name in sorted(item.profile.names, key=lambda n: (len(self._by_name.get(n, ())), n)):
            for sid in self._by_name.get(name, [])[-CANDIDATES:]:
                if sid in self.stories and len(found) < 3 * CANDIDATES:
                    found[sid] = self.stories[sid]
        return list(found.values())

    # -- scoring --------------------------------------------------------------------------
    def score(self, item: StoryItem, story: Story, vector: sim.SparseVector | None = None) -> float:
        """The article's probability of belonging to ``story`` (see :meth:`score_many`)."""
        return float(self.score_many(item, [story], vector)[0])

    def score_many(
        self, item: StoryItem, stories: list[Story], vector: sim.SparseVector | None = None
    ) -> np.ndarray:
        """Best pair score of the article with each story's recent members, after the
        encounter and time adjustments; all pairs scored in one batch."""
        vector = vector if vector is not None else self.df.vector(item.profile)
        members = [(k, m) for k, st in enumerate(stories) for m in st.members[-MEMBERS:]]
        if not members:
            return np.zeros(len(stories))
        x = sim.features_many(
            item.profile, [m.profile for _, m in members], vector, [self._vector(m) for _, m in members]
        )
        raw = np.atleast_1d(self.model.score(x))
        best = np.zeros(len(stories))
        np.maximum.at(best, np.array([k for k, _ in members]), raw)
        for k, st in enumerate(stories):
            if any(encounter_conflict(item, m) for m in st.members[-MEMBERS:]):
                best[k] *= CONFLICT_PENALTY
            decay = time_factor(item.time, st)
            best[k] *= decay
            if (
                st.size >= WHOLE_FIT_FROM
                and best[k] >= (bar := self._threshold(item, st))
                and self._whole_fit(item, st, vector) * decay < bar
            ):
                best[k] = 0.0  # close to one member, not to the story
        return best

    def _whole_fit(self, item: StoryItem, story: Story, vector: sim.SparseVector) -> float:
        """The article's mean score with the story's first and latest members: a story grows by
        articles about its event, not by a chain in which each new article resembles only the
        last one (a topic followed for months: an election, a football league)."""
        anchors = {a.id for a, _ in story.anchors}
        pairs = list(story.anchors) + [
            (m, self._vector(m)) for m in story.members[-MEMBERS:] if m.id not in anchors
        ]
        x = sim.features_many(item.profile, [m.profile for m, _ in pairs], vector, [v for _, v in pairs])
        return float(np.mean(self.model.score(x)))

    def _threshold(self, item: StoryItem, story: Story) -> float:
        if self._fixed_threshold is not None:
            return self._fixed_threshold
        languages = {m.profile.language for m in story.members[-MEMBERS:]}
        if item.profile.language in languages:
            return self.model.story_threshold_for(item.profile.language, item.profile.language)
        return self.model.story_threshold_for(item.profile.language, next(iter(languages - {None}), None))

    def _vector(self, member: StoryItem) -> sim.SparseVector:
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
        self._index.add(key, story.unit_centroid(), threads=1)  # one vector: a thread pool only adds overhead

    def restore(self, story: Story) -> None:
        """Take a story rebuilt from the store (its members added already) as a live one."""
        self.stories[story.id] = story
        self._index_story(story)
        for name in story.names:
            self._by_name.setdefault(name, []).append(story.id)

    def join(self, into: str, others: Sequence[str], via: str) -> None:
        """Merge live stories ``others`` into ``into``: found to tell one event after each was
        grown on its own (crisol link-archive joins stories across languages so)."""
        story = self.stories[into]
        for other in others:
            self._merge(story, self.stories[other], via)
        self._index_story(story)

    def across_languages(self, story: Story, probes: Sequence[StoryItem]) -> dict[str, float]:
        """The live stories in other languages that ``story`` reports too, with the best score:
        one of its ``probes`` (its first and latest articles) would join them, candidates and
        scores as for an article arriving (centroid and name indexes, recent members, encounters,
        time), against the threshold across languages. ``story`` itself is not live yet.

        Linking each language on its own then joining its stories so is what link-archive does
        in place of one clusterer over every language (``crisol ingest``'s way)."""
        own = set(story.languages)
        found: dict[str, float] = {}
        for item in probes:
            candidates = [c for c in self._candidates(item) if set(c.languages) - own]
            for p, candidate in zip(self.score_many(item, candidates).tolist(), candidates):
                if p >= self._threshold(item, candidate) and p > found.get(candidate.id, 0.0):
                    found[candidate.id] = p
        return found

    def _merge(self, into: Story, other: Story, via: str) -> None:
        into.absorb(other)
        for m in into.members[-3 * MEMBERS : -MEMBERS]:  # slimmed by the merge: vectors unused now
            self._vectors.pop(m.id, None)
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
        candidates = self._candidates(item)
        scores = self.score_many(item, candidates, vector)
        scored = sorted(zip(scores.tolist(), candidates), key=lambda x: -x[0])
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
        # The member keeps its TF-IDF vector (a few KiB of arrays), not its term dict (tens of KiB).
        self._vectors[item.id] = vector
        story.add(_compact(item))
        story.seen_count = self._added
        if item.time is None:
            story.seen = self._newest or story.seen
        if len(story.members) <= MEMBERS:
            story.anchors.append((story.members[-1], vector))
        if len(story.members) > MEMBERS:  # only the last MEMBERS are scored: forget older vectors
            self._vectors.pop(story.members[-MEMBERS - 1].id, None)
        self._index_story(story)
        for name in item.profile.names:
            postings = self._by_name.setdefault(name, [])
            if not postings or postings[-1] != story.id:
                postings.append(story.id)
                del postings[:-NAME_POSTINGS]
        self.history.append(
            {
                "action": "create" if created else "join",
                "story": story.id,
                "article": item.id,
                "score": round(score, 4),
            }
        )
        split_from, moved = None, []
        if not created and self._drifted(story):
            split_from, story = story.id, self._split(story)
            moved = [m.id for m in story.members if m.id != item.id]
        self._added += 1
        if item.time is not None and (self._newest is None or item.time > self._newest):
            step = EVICT_STEP.total_seconds()
            crossed = (
                self._newest is not None and item.time.timestamp() // step > self._newest.timestamp() // step
            )
            if self._newest is None:  # the clock starts: stories of undated articles age from now
                for st in self.stories.values():
                    st.seen = st.seen or (None if st.last else item.time)
            self._newest = item.time
            if crossed:
                self.evict()
        elif item.time is None and self._added % EVICT_EVERY == 0:
            self.evict()
        return Assignment(item.id, story.id, float(score), created, merged, split_from, moved)

    # -- drift ----------------------------------------------------------------------------
    def _drifted(self, story: Story) -> bool:
        """True when the story's latest MEMBERS articles no longer match its first ones."""
        n = len(story.members)
        if n < 2 * MEMBERS or n % MEMBERS or len(story.anchors) < MEMBERS:
            return False
        anchors = [a for a, _ in story.anchors]
        vectors = [v for _, v in story.anchors]
        for m in story.members[-MEMBERS:]:
            x = sim.features_many(m.profile, [a.profile for a in anchors], self._vector(m), vectors)
            best = float(np.max(self.model.score(x)))
            if best >= DRIFT * self._threshold(m, story):
                return False
        return True

    def _split(self, story: Story) -> Story:
        """Move the story's latest MEMBERS articles into a new story; the rest stays, closed
        for joining (its event has been left behind) and out of memory, like an evicted one."""
        recent = story.members[-MEMBERS:]
        new = Story(self._new_story_id())
        self.stories[new.id] = new
        for m in recent:
            new.add(m)
            new.anchors.append((m, self._vector(m)))
        self._forget(story.id, keep_vectors={m.id for m in recent})
        self._index_story(new)
        for name in new.names:
            self._by_name.setdefault(name, []).append(new.id)
        self.history.append(
            {"action": "split", "story": story.id, "into": new.id, "articles": [m.id for m in recent]}
        )
        return new

    def _forget(self, story_id: str, keep_vectors: set[str] = frozenset()) -> Story:
        story = self.stories.pop(story_id)
        key = self._key_of.pop(story_id, None)
        if key is not None:
            self._index.remove(key)
            self._keys.pop(key, None)
        for m in story.members[-MEMBERS:]:
            if m.id not in keep_vectors:
                self._vectors.pop(m.id, None)
        return story

    def evict(self, now: datetime | None = None) -> list[str]:
        """Drop stories whose last article is more than :data:`WINDOW` before the newest one
        (or ``now``, when later: a sweep over stored stories moves the clock itself)."""
        if now is not None and (self._newest is None or now > self._newest):
            self._newest = now
        if self._newest is None:
            return []
        cutoff = self._newest - WINDOW
        old = [
            sid
            for sid, st in self.stories.items()
            if max((t for t in (st.last, st.seen) if t), default=self._newest) < cutoff
            and (st.last is not None or self._added - st.seen_count > UNDATED_QUIET)
        ]
        for sid in old:
            self._forget(sid)
        if old:
            for name in list(self._by_name):
                live = [sid for sid in self._by_name[name] if sid in self.stories]
                if live:
                    self._by_name[name] = live
                else:
                    del self._by_name[name]
        return old
