"""A reader beside another writer: while an ingest holds the SQLite write lock, a changed story
is presented once and kept in memory, not presented again on every read (issue 11, item 19)."""

from __future__ import annotations

import sqlite3

from crisol.service import views as service
from crisol.store import open_store
from crisol.store.link import LinkStore


def test_a_view_that_cannot_be_stored_is_presented_once(examples_copy, monkeypatch):
    db = examples_copy  # linked, no views stored yet
    with open_store(str(db)) as store:
        story = LinkStore(store).list_stories(limit=1, order="size").data[0].id
        presented = []
        real = service.story_view
        monkeypatch.setattr(service, "story_view", lambda *a, **k: presented.append(1) or real(*a, **k))
        monkeypatch.setattr(service, "VIEW_WRITE_WAIT_MS", 50)
        writer = sqlite3.connect(str(db), timeout=0.1)
        writer.execute("BEGIN IMMEDIATE")  # another process's ingest holds the write lock
        try:
            first = service.stored_story_view(store, story)
            again = service.stored_story_view(store, story)
        finally:
            writer.rollback()
            writer.close()
        assert first == again and len(presented) == 1
        assert LinkStore(store).load_view(story) is None  # not stored yet: the lock was held
        service.stored_story_view(store, story)  # the lock is free: stored now, not presented again
        assert len(presented) == 1 and LinkStore(store).load_view(story) is not None
