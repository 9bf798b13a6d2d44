"""Online story clustering (crisol.link.stories) and the linking stage over the examples."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from crisol.link import similarity as sim
from crisol.link.stories import Story, StoryClusterer, StoryItem, encounter_conflict, time_factor


def _item(aid, vec, t=None, who=(), everyone=(), lang="es"):
    v = np.asarray(vec, dtype=np.float32)
    v = np.pad(v, (0, sim.DIM - len(v)))
    v /= np.linalg.norm(v)
    prof = sim.Profile(v, None, {1: 1.0}, frozenset(), frozenset(), lang)
    return StoryItem(aid, prof, t, frozenset(who), frozenset(everyone))


def test_close_articles_join_and_distant_ones_start_stories():
    c = StoryClusterer()
    a = c.add(_item("a", [1, 0, 0]))
    b = c.add(_item("b", [1, 0.05, 0]))
    d = c.add(_item("d", [0, 0, 1]))
    assert a.created and not b.created and b.story == a.story
    assert d.created and d.story != a.story
    assert [h["action"] for h in c.history] == ["create", "join", "create"]


def test_different_encounters_stay_apart_despite_same_topic():
    c = StoryClusterer()
    first = c.add(_item("a", [1, 0, 0], who={"envoy-1", "host"}, everyone={"envoy-1", "host"}))
    second = c.add(_item("b", [1, 0.01, 0], who={"envoy-2", "host"}, everyone={"envoy-2", "host"}))
    assert second.story != first.story


def test_encounter_conflict_needs_someone_unknown_on_both_sides():
    x = _item("x", [1], who={"a", "b"}, everyone={"a", "b"})
    y = _item("y", [1], who={"a"}, everyone={"a", "b", "c"})
    assert not encounter_conflict(x, y)


def test_time_decay_beyond_grace_period():
    t0 = datetime(2025, 3, 1, tzinfo=timezone.utc)
    story = Story("s")
    story.add(_item("a", [1], t=t0))
    assert time_factor(t0 + timedelta(days=1), story) == 1.0
    assert time_factor(t0 + timedelta(days=30), story) < 0.01


def test_a_bridging_article_merges_two_stories():
    c = StoryClusterer(threshold=0.5)
    c.model = sim.SimilarityModel(np.array([1.0, 0, 0, 0, 0]), 0.0, 0.5)
    a = c.add(_item("a", [1, 0, 0]))
    b = c.add(_item("b", [0, 1, 0]))
    assert a.story != b.story
    bridge = c.add(_item("c", [1, 1, 0]))  # cosine 0.71 with both
    assert sorted([bridge.story, *bridge.merged]) == sorted([a.story, b.story])
    assert len(c.stories) == 1
    assert any(h["action"] == "merge" for h in c.history)


def test_stories_quiet_for_longer_than_the_window_leave_memory():
    from crisol.link import stories as st

    c = StoryClusterer()
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    old = c.add(_item("old", [1, 0, 0], t=t0))
    c.add(_item("new", [0, 1, 0], t=t0 + st.WINDOW + timedelta(days=1)))  # time moves on: eviction runs
    assert old.story not in c.stories and len(c._index) == 1 and c.evict() == []
    # an article like the evicted one starts a new story: the old one is closed for joining
    again = c.add(_item("again", [1, 0, 0], t=t0 + st.WINDOW + timedelta(days=2)))
    assert again.created


def _rich_item(aid, vec, names, t=None, terms=None):
    item = _item(aid, vec, t=t)
    item.profile.names = frozenset(names)
    item.profile.terms = terms or {hash(n) % sim.N_HASH: 1.0 for n in names}
    return item


def test_older_members_keep_only_what_stories_need():
    c = StoryClusterer(threshold=0.5)
    c.model = sim.SimilarityModel(np.array([1.0, 0, 0, 0, 0]), 0.0, 0.5)
    for k in range(12):
        a = c.add(_rich_item(f"a{k}", [1, 0.01 * k, 0], {"lisboa", "cumbre"}))
    story = c.stories[a.story]
    assert [m.id for m in story.members] == [f"a{k}" for k in range(12)]
    # recent members: scoreable (names, cached vector); older ones: embedding, time, title only
    assert all(m.profile.names for m in story.members[-st_members() :])
    assert not any(m.profile.names or m.profile.terms for m in story.members[: -st_members()])
    assert set(c._vectors) == {m.id for m in story.members[-st_members() :]}
    assert story.names["lisboa"] == 12 and story.language == "es" and story.size == 12


def st_members():
    from crisol.link import stories as st

    return st.MEMBERS


def test_a_chain_that_turns_to_another_topic_starts_a_new_story():
    # Each article is close to the previous one, but the chain turns from one topic (x axis) to
    # another (y axis): once an article no longer fits the story's first and latest members as
    # a whole, it starts a story of its own instead of dragging the story along.
    c = StoryClusterer(threshold=0.9)
    c.model = sim.SimilarityModel(np.array([1.0, 0, 0, 0, 0]), 0.0, 0.9)
    out = [c.add(_item(f"d{k}", [np.cos(k * np.pi / 30), np.sin(k * np.pi / 30), 0])) for k in range(16)]
    first, last = out[0].story, out[-1].story
    assert first != last and not any(a.split_from for a in out)
    members = {a.article for a in out if a.story == first}
    assert "d0" in members and "d15" not in members


def test_a_story_that_drifts_splits_and_keeps_its_history(monkeypatch):
    # Without the whole-story check at joining (as for a story that drifted before it), the
    # drift check splits the story. Embedding-only model, the chain turning as above.
    from crisol.link import stories as st

    monkeypatch.setattr(st, "WHOLE_FIT_FROM", 10**9)
    c = StoryClusterer(threshold=0.9)
    c.model = sim.SimilarityModel(np.array([1.0, 0, 0, 0, 0]), 0.0, 0.9)
    out = [c.add(_item(f"d{k}", [np.cos(k * np.pi / 30), np.sin(k * np.pi / 30), 0])) for k in range(16)]
    splits = [a for a in out if a.split_from]
    assert len(splits) == 1
    split = splits[0]
    assert split.split_from == out[0].story and split.story != out[0].story
    assert len(split.moved) == st_members() - 1 and split.article not in split.moved
    assert out[0].story not in c.stories  # the story left behind is closed for joining
    assert out[-1].story == split.story  # later articles follow the new story
    entry = next(h for h in c.history if h["action"] == "split")
    assert (
        entry["story"] == out[0].story
        and entry["into"] == split.story
        and len(entry["articles"]) == st_members()
    )


def test_a_long_story_that_stays_on_topic_does_not_split():
    c = StoryClusterer(threshold=0.9)
    c.model = sim.SimilarityModel(np.array([1.0, 0, 0, 0, 0]), 0.0, 0.9)
    out = [c.add(_item(f"s{k}", [1, 0.02 * (k % 3), 0])) for k in range(30)]
    assert len({a.story for a in out}) == 1 and not any(a.split_from for a in out)


def test_undated_stories_age_from_when_time_is_first_known(monkeypatch):
    from crisol.link import stories as st

    monkeypatch.setattr(st, "UNDATED_QUIET", 2)  # its own articles' clock has run out too
    c = StoryClusterer()
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    undated = c.add(_item("u", [1, 0, 0]))  # no date: placed first, with no clock yet
    c.add(_item("d1", [0, 1, 0], t=t0))
    c.add(_item("d2", [0, 0, 1], t=t0 + timedelta(days=10)))
    assert undated.story in c.stories  # 10 days after its clock started: still live
    c.add(_item("d3", [0, 1, 1], t=t0 + st.WINDOW + timedelta(days=2)))
    assert undated.story not in c.stories


def test_an_undated_story_outlives_dated_articles_of_other_months():
    """In a backfill mixing undated articles with dated ones from other months, the dated clock
    alone must not close a story whose undated articles keep coming."""
    c = StoryClusterer()
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    undated = c.add(_item("u1", [1, 0, 0]))
    c.add(_item("d1", [0, 1, 0], t=t0))
    c.add(_item("d2", [0, 0, 1], t=t0 + timedelta(days=90)))
    again = c.add(_item("u2", [1, 0.01, 0]))
    assert again.story == undated.story
