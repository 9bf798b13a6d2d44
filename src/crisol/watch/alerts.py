"""Saved-search webhooks while watching: once a batch of stored articles is linked and indexed
(what a poll brought is then searchable and in its stories), what is new for every saved search
with a webhook is POSTed (:func:`crisol.service.alerts.notify`), as ``crisol alerts --notify``
does, without waiting for anyone to run it.

The POSTs go out on a thread of their own: a slow or dead receiver (up to the webhook timeout
each) never holds the polls. One round runs at a time; batches linked during a round ask for one
more round after it, which sees them all. A failed delivery keeps its mark (``notified``), so the
next round sends the same items again.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from crisol.service.alerts import Delivery, notify
from crisol.store import Database

log = logging.getLogger(__name__)

Notify = Callable[[Database], list[Delivery]]


class AlertRounds:
    """Delivery rounds for ``store``'s webhooks, each delivery passed to ``on_delivery``."""

    def __init__(self, store: Database, on_delivery: Callable[[Delivery], None], deliver: Notify = notify):
        self.store, self.on_delivery, self.deliver = store, on_delivery, deliver
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="crisol-alerts")
        self._lock = threading.Lock()
        self._running = False
        self._again = False

    def request(self) -> None:
        """Deliver what is new now, or right after the round in flight."""
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        self._pool.submit(self._rounds)

    def close(self, wait: bool = True) -> None:
        """Wait for the rounds asked for (``wait``), or drop those not started."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _rounds(self) -> None:
        while True:
            try:
                for delivery in self.deliver(self.store):
                    self.on_delivery(delivery)
            except Exception:  # a store error here must not end the watch: logged, next round
                log.exception("%s: saved-search webhooks not delivered", self.store)
            with self._lock:
                if not self._again:
                    self._running = False
                    return
                self._again = False
