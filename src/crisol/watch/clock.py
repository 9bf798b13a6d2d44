"""Clocks for the watch loop: the real one, and a simulated one for tests and benchmarks.

A simulated clock jumps instead of sleeping, so an hour of polling runs in seconds; everything
that schedules (poll intervals, politeness delays, backoff) asks the clock, never ``time``.

>>> c = SimulatedClock(start=1000.0)
>>> c.sleep(3600); c.now()
4600.0
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class Clock:
    """Wall-clock seconds since the epoch, and a way to wait."""

    simulated = False

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), timezone.utc)


class SimulatedClock(Clock):
    """Time that only moves when someone sleeps (thread-safe)."""

    simulated = True

    def __init__(self, start: float | None = None):
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._now += seconds

    def advance_to(self, when: float) -> None:
        with self._lock:
            self._now = max(self._now, when)


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)
