"""The database's one owner: the articles store with every repository as an attribute.

:class:`Database` is what :func:`crisol.store.open_store` returns. It is a
:class:`~crisol.store.store.Store` (articles, raw inputs, runs, rejections) that also hands out
the repositories of the other tables, each built once and bound to its connections:

- ``db.links``: the entity registry, article profiles, relations, stories and story views
  (:class:`~crisol.store.link.LinkStore`);
- ``db.annotations``: entities, quotes and events read row by row
  (:class:`~crisol.store.queries.AnnotationQueries`);
- ``db.watch``: watched sources, feeds, URLs and polls (:class:`~crisol.store.watch.WatchStore`);
- ``db.saved``: saved searches and their high-water marks (:class:`~crisol.store.saved.SavedStore`);
- ``db.memo(name)``: a small cache of answers of this database (story views, event groupings),
  dropped with it.

Every table is declared in :mod:`crisol.store.schema`; every SQL statement lives in this
package.

>>> from crisol.store import open_store
>>> db = open_store(":memory:")
>>> db.links.list_stories().total, db.annotations.count_entities(), db.watch.count_urls()
(0, 0, 0)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cached_property
from typing import Any, Hashable

from crisol.store.link import LinkStore
from crisol.store.queries import AnnotationQueries
from crisol.store.saved import SavedStore
from crisol.store.store import Store
from crisol.store.watch import WatchStore

MEMO_SIZE = 64  # answers kept per cache, oldest out


class Memo:
    """A bounded, thread-safe cache (the API answers from several threads), oldest out."""

    def __init__(self, size: int = MEMO_SIZE):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Database(Store):
    """The store with its repositories (see the module docstring)."""

    @cached_property
    def links(self) -> LinkStore:
        return LinkStore(self)

    @cached_property
    def annotations(self) -> AnnotationQueries:
        return AnnotationQueries(self)

    @cached_property
    def watch(self) -> WatchStore:
        return WatchStore(self)

    @cached_property
    def saved(self) -> SavedStore:
        return SavedStore(self)

    @cached_property
    def _memos(self) -> dict[str, Memo]:
        return {}

    def memo(self, name: str, size: int = MEMO_SIZE) -> Memo:
        """The cache called ``name`` of this database (made on first use, ``size`` answers)."""
        found = self._memos.get(name)
        if found is None:
            found = self._memos.setdefault(name, Memo(size))
        return found
