"""The server's warm-up: story views presented in the background when it starts.

Presenting a story embeds all its sentences and, the first time, loads spaCy and the sentence
embedder: the first story page opened on a freshly started server waited seconds for it. The
:class:`Warmer` does that work ahead (:func:`crisol.service.views.warm_views`) in a daemon thread
that yields the CPU to readers and ingests, and stops between two stories when the server does.

>>> warmer = Warmer(None)  # never started: stopping it is a no-op
>>> warmer.stop(), warmer.started, warmer.presented
(None, False, None)
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import Callable

from crisol.service.views import WARM_STORIES, warm_views
from crisol.store import Database

log = logging.getLogger(__name__)

# Added to the warming thread's nice value (Linux gives each thread its own): the scheduler then
# runs it when readers, the ingest worker and the rest of the machine leave the CPU idle.
NICENESS = 10
LOWEST = 19  # the lowest priority a nice value gives
# How long the server's shutdown waits for the story being presented (the thread is a daemon:
# a longer one is left to end with the process).
STOP_WAIT_S = 5.0


def lower_thread_priority(increment: int = NICENESS) -> int | None:
    """Lower the calling thread's priority by ``increment`` nice steps (Linux, where a thread has
    its own nice value); the new nice value, or None where that cannot be done (elsewhere
    ``PRIO_PROCESS`` with a thread id would name a process)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        tid = threading.get_native_id()
        niceness = min(LOWEST, os.getpriority(os.PRIO_PROCESS, tid) + increment)
        os.setpriority(os.PRIO_PROCESS, tid, niceness)
    except OSError:  # a sandbox refusing it: warm at the server's priority
        return None
    return niceness


class Warmer:
    """Presents, in a background thread, the story views a first reader would wait for."""

    def __init__(
        self, store: Database | None, limit: int = WARM_STORIES, busy: Callable[[], bool] | None = None
    ):
        self.store = store
        self.limit = limit
        self.busy = busy  # true while the server has other work: no story is started then
        self.presented: int | None = None  # views presented, once done
        self.done = threading.Event()  # set when the thread ends, whatever the outcome
        self.stopping = threading.Event()  # set by stop(): checked between two stories
        self._thread: threading.Thread | None = None
        self._steps: list[Callable[[], object]] = []

    def add_step(self, step: Callable[[], object]) -> None:
        """Run ``step`` in the warm-up too, before the views (the web pages compile their
        templates); a step that fails is logged and the warm-up goes on."""
        self._steps.append(step)

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="crisol-warm-views", daemon=True)
        self._thread.start()

    def stop(self, wait_s: float = STOP_WAIT_S) -> None:
        """Ask the thread to stop after the story it is presenting, and wait that long for it."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(wait_s)

    def _run(self) -> None:
        lower_thread_priority()
        started = time.perf_counter()
        try:
            for step in self._steps:
                self._run_step(step)
            self.presented = warm_views(self.store, self.stopping, self.limit, self.busy)
            log.info("warmed %d story views in %.1f s", self.presented, time.perf_counter() - started)
        except Exception:  # a model that cannot load, a store gone: readers present as before
            if not self.stopping.is_set():
                log.exception("the warm-up of story views stopped")
        finally:
            self.done.set()

    @staticmethod
    def _run_step(step: Callable[[], object]) -> None:
        try:
            step()
        except Exception:  # a step is a head start, never a condition
            log.exception("a warm-up step failed: %r", step)
