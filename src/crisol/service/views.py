"""Story views: what one story shows (summary, timeline, quotes, differences...), kept.

Presenting a story embeds all its sentences, seconds for a big one, and grows with the square
of its size, so a view is presented lazily: the linker presents the stories it touched at the
end of a run (when asked), a reader presents a story read before that, once, and either stores
it in ``story_views`` with the story's ``updated`` time; a later read serves the stored view
while it is as new as the story.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, Iterator, Sequence

from crisol import present
from crisol.errors import StoreError
from crisol.link import dedup, similarity
from crisol.present.sources import detect_agency
from crisol.store import Database, queries

log = logging.getLogger(__name__)

# A server presents, when it starts, the views of at most this many stories (the most recently
# changed whose stored view is missing or stale: what readers open first), so its start stays
# bounded on a big store.
WARM_STORIES = 50
IDLE_POLL_S = 0.5  # how often the warm-up looks whether the work it yields to is done
# A reader storing a view it presented waits this long for another writer (an ingest), then
# answers without storing it (the ingest stores the views of the stories it touches anyway).
VIEW_WRITE_WAIT_MS = 500


def relation_from_dict(d: dict) -> dedup.Relation:
    pairs = [
        dedup.AlignedPair(p["a"], p["b"], p["score"], p["a_text"], p["b_text"]) for p in d.get("pairs", [])
    ]
    return dedup.Relation(
        d["a"], d["b"], d["kind"], float(d["score"]), pairs, d.get("dropped", []), d.get("added", [])
    )


def list_stories(store: Database, limit: int = 50, offset: int = 0, order: str = "last"):
    """A page of live stories (``StoryPage``: ``data`` rows and ``total``)."""
    return store.links.list_stories(limit=limit, offset=offset, order=order)


def resolve_story(store: Database, story_id: str) -> str | None:
    """A story id from an id, a unique prefix, or an article id (the story it is in)."""
    links = store.links
    found = links.resolve_story(story_id)
    if found is None:
        article = store.resolve_id(story_id)
        found = links.story_of(article) if article else None
    return found


def story_view(store: Database, story_id: str, embedder: Callable | None = None) -> dict | None:
    """Everything one story shows (summary, timeline, quotes, differences...), or None.

    ``embedder`` embeds its sentences (:class:`crisol.link.dedup.SentenceVectors` reuses those
    embedded before); computed every time: :func:`stored_story_view` keeps it."""
    sid = resolve_story(store, story_id)
    if sid is None:
        return None
    links = store.links
    ids = links.story_members(sid)
    articles = store.load_articles(ids, with_raw=False)
    order = {aid: i for i, aid in enumerate(ids)}
    articles.sort(key=lambda a: order[a.id])
    relations = [relation_from_dict(r) for r in links.relations_among(ids)]
    origins = {a.id: agency for a in articles if (agency := detect_agency(a))}
    view = present.present_story(sid, articles, relations, origins, embedder=embedder)
    view["history"] = links.story_history(sid)
    return view


def store_view(store: Database, story_id: str, embedder: Callable | None = None) -> dict | None:
    """Present the story ``story_id`` (an exact id) and store its view as of the story's
    ``updated`` time; returns the view (None for an unknown story)."""
    links = store.links
    updated = links.story_updated(story_id)
    if updated is None or not links.story_members(story_id):  # unknown, or emptied by a split
        return None
    view = story_view(store, story_id, dedup.SHARED_VECTORS if embedder is None else embedder)
    if view is not None:
        links.save_view(story_id, updated, view)
        if view.get("title"):  # listings, search and the story in full then share present's choice
            links.set_title(story_id, view["title"])
    return view


# Views presented while another writer held the store are kept in memory (bounded, oldest out)
# until they can be stored: without it, every reader of a changed story would present it again
# for as long as an ingest beside the server holds the write lock.
UNSAVED_VIEWS = "unsaved-views"
UNSAVED_KEPT = 256
# Telling a story embeds all its sentences (seconds for a big one): the linker stores the view
# of every story it touches (table ``story_views``), and a story read before that is told once
# and stored. The last views read are also kept in memory, keyed by the story's members, so a
# story that gained an article is looked up again.
READ_VIEWS = "story-views"
VIEWS_KEPT = 64


class ReadersPresenting:
    """How many readers of this process are presenting a story now: the warm-up
    (:func:`warm_views`) starts no story while one is, so a reader never shares the CPU (and
    Python's interpreter lock) with it for longer than the story it was presenting."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0

    @contextmanager
    def presenting(self) -> Iterator[None]:
        with self._changed:
            self._count += 1
        try:
            yield
        finally:
            with self._changed:
                self._count -= 1
                self._changed.notify_all()

    def wait_until_none(self, stop: threading.Event | None = None, poll_s: float = IDLE_POLL_S) -> None:
        """Return once no reader is presenting (or ``stop`` is set)."""
        with self._changed:
            while self._count and not (stop is not None and stop.is_set()):
                self._changed.wait(poll_s)


READERS = ReadersPresenting()


def stored_story_view(store: Database, story_id: str, members: Sequence[str] | None = None) -> dict | None:
    """The view of the story ``story_id`` (an exact id): the stored one while it is at least
    as new as the story (and, given ``members``, shows those articles in that order); else
    presented now and stored, so a story that changed is presented once more, then served.
    A store that cannot take the write now (another writer holds it) still gets the view, and
    the view is kept in memory (the store's ``unsaved-views`` memo) until a later read can store it."""
    return _stored_story_view(store, story_id, members, reader=True)[0]


def _stored_story_view(
    store: Database, story_id: str, members: Sequence[str] | None, reader: bool
) -> tuple[dict | None, bool]:
    """:func:`stored_story_view`'s view, and whether it was presented now (by a ``reader``,
    counted in :data:`READERS`, or by the warm-up)."""
    links = store.links
    updated = links.story_updated(story_id)
    if updated is None:
        return None, False
    found = links.load_view(story_id)
    if found is not None:
        made_at, view = found
        if made_at >= updated and (members is None or view.get("articles") == list(members)):
            return view, False
    unsaved = store.memo(UNSAVED_VIEWS, UNSAVED_KEPT)
    kept = unsaved.get(story_id)  # (the story's updated, the view)
    view = kept[1] if kept is not None and kept[0] >= updated else None
    if view is not None and members is not None and view.get("articles") != list(members):
        view = None
    presented = view is None
    if presented:
        with READERS.presenting() if reader else nullcontext():
            view = story_view(store, story_id, dedup.SHARED_VECTORS)
    if view is not None:
        try:
            links.save_view(story_id, updated, view, wait_ms=VIEW_WRITE_WAIT_MS)
            unsaved.discard(story_id)
        except StoreError as e:  # a cache write: the reader is answered all the same
            unsaved.put(story_id, (updated, view))
            log.warning(
                "could not store the view of story %s (kept in memory until it can be): %s", story_id, e
            )
    return view, presented and view is not None


def _story_view(store: Database, sid: str, members: tuple[str, ...]) -> dict | None:
    memo = store.memo(READ_VIEWS, VIEWS_KEPT)
    view = memo.get((sid, members))
    if view is None:
        view = stored_story_view(store, sid, members)
        if view is not None:
            memo.put((sid, members), view)
    return view


def get_story(store: Database, story_id: str) -> dict[str, Any] | None:
    """One story in full, or None: the listing's fields (id, title, size, first, last, updated,
    outlets) and the told story (:func:`story_view`: articles, summary with
    citations, relations, timeline, quotes, events, differences, sources, history...).

    The title is the listing's: the one the story's presentation chose when it was last linked
    (stored with it), else its first article's headline, else that article's first sentence.

    ``story_id`` may be a unique prefix, or the id of one of its articles.
    """
    sid = resolve_story(store, story_id)
    if sid is None:
        return None
    listed = queries.story_listing(store, sid) or {"id": sid}
    view = _story_view(store, sid, tuple(listed.get("articles", ())))
    if view is None:
        return None
    # The told story's article order wins; its title is the listing's (the linker's stored title),
    # so a story is called the same in the listing, in full and in search, and listings stay cheap.
    story = {**listed, **view, "title": listed.get("title") or view.get("title")}
    if "num_outlets" in listed:  # one count in the listing and in full (a view stored earlier may differ)
        story["counts"] = {**view.get("counts", {}), "outlets": listed["num_outlets"]}
    return story


def load_presentation_models() -> None:
    """Load what presenting a first story loads (measured: ~2.5 CPU-s of a 3 CPU-s first read of
    the examples' biggest story): spaCy's package, for the languages it analyses, and the
    sentence embedder (USE multilingual, its tokenizer and weights)."""
    from crisol.annotate.nlp import languages  # lazy: spaCy

    languages()
    similarity.embed(["."])


def warm_views(
    store: Database,
    stop: threading.Event | None = None,
    limit: int = WARM_STORIES,
    busy: Callable[[], bool] | None = None,
) -> int:
    """Load the presentation models, then present and store the views of the ``limit`` stories
    most recently changed whose stored view is missing or older than the story (what a reader
    would otherwise wait for); returns how many it presented.

    Stops between two stories once ``stop`` is set, and starts none while a reader is
    presenting one (:data:`READERS`) or ``busy()`` says the process has other work (the API: an
    ingest queued). A story that fails is logged and skipped. Each story goes through
    :func:`stored_story_view`'s steps: one a reader presented meanwhile is left alone, and a view
    the store cannot take now (an ingest holds it) is kept for readers."""
    if stop is not None and stop.is_set():
        return 0
    load_presentation_models()
    presented = 0
    for sid in store.links.stale_views(limit):
        _wait_for_idle(stop, busy)
        if stop is not None and stop.is_set():
            break
        try:
            started = time.perf_counter()
            if _stored_story_view(store, sid, None, reader=False)[1]:
                presented += 1
                log.debug("presented story %s ahead in %.2f s", sid, time.perf_counter() - started)
        except Exception:  # one story's failure must not stop the others, nor the server
            if stop is not None and stop.is_set():
                break  # the server closed the store under it
            log.exception("could not present the view of story %s ahead of its readers", sid)
    return presented


def _wait_for_idle(stop: threading.Event | None, busy: Callable[[], bool] | None) -> None:
    """Return once no reader is presenting and ``busy()`` is false, or ``stop`` is set."""
    pause = stop if stop is not None else threading.Event()
    while True:
        READERS.wait_until_none(pause, IDLE_POLL_S)
        if pause.is_set() or busy is None or not busy():
            return
        pause.wait(IDLE_POLL_S)
