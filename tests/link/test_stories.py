"""Online story clustering (crisol.link.stories) and the linking stage over the examples."""

from __future__ import annotations

import itertools
import shutil
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from crisol.link import similarity as sim
from crisol.link.stories import StoryClusterer, StoryItem, encounter_conflict, time_factor, Story


def _item(aid, vec, t=None, who=(), everyone=(), lang="es"):
    v = np.asarray(vec, dtype=np.float32)
    v = np.pad(v, (0, 384 - len(v)))
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
    c.add(_item("new", [0, 1, 0], t=t0 + st.WINDOW + timedelta(days=1)))
    assert c.evict() == [old.story]
    assert old.story not in c.stories and len(c._index) == 1
    # an article like the evicted one starts a new story: the old one is closed for joining
    again = c.add(_item("again", [1, 0, 0], t=t0 + st.WINDOW + timedelta(days=2)))
    assert again.created
