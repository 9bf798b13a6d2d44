"""``crisol sources status``: per source, last poll, last success, errors, articles per day.

>>> from crisol.store import open_store
>>> source_status(open_store(":memory:"))
[]
"""

from __future__ import annotations

from datetime import datetime, timezone

from crisol.store import Database
from crisol.store.watch import SourceStatus


def source_status(store: Database, now: datetime | None = None, days: int = 7) -> list[SourceStatus]:
    """One :class:`SourceStatus` per source the store has polled; articles per day over ``days``."""
    return store.watch.status(now or datetime.now(timezone.utc), days)
