"""``crisol watch``: follow outlets by themselves: feeds and sitemaps polled on a schedule,
new and updated articles fetched politely and stored through the ingest pipeline.

- :mod:`crisol.watch.sources`: the sources file (YAML or TOML) and its :class:`Source` entries;
- :mod:`crisol.watch.urls`: canonical URLs (tracking parameters, AMP and mobile variants...);
- :mod:`crisol.watch.fetch`: the polite, safe HTTP :class:`Fetcher`;
- :mod:`crisol.watch.listing` and :mod:`crisol.watch.pages`: feeds/sitemaps and pages;
- :mod:`crisol.watch.schedule`: the :class:`Watcher` loop; :mod:`crisol.watch.status`: the
  per-source status view.
"""

from crisol.watch.clock import Clock, SimulatedClock
from crisol.watch.fetch import FetchConfig, Fetcher, FetchError, Response
from crisol.watch.schedule import Watcher, WatchReport
from crisol.watch.sources import Source, SourcesError, SourcesFile, load_sources, save_sources
from crisol.watch.urls import UnsupportedURL, canonical_url

__all__ = [
    "Clock",
    "SimulatedClock",
    "FetchConfig",
    "Fetcher",
    "FetchError",
    "Response",
    "Watcher",
    "WatchReport",
    "Source",
    "SourcesError",
    "SourcesFile",
    "load_sources",
    "save_sources",
    "UnsupportedURL",
    "canonical_url",
    "watch",
]


def watch(
    store,
    sources_file: SourcesFile,
    *,
    once: bool = False,
    max_duration: float | None = None,
    analyze: bool = True,
    workers: int = 8,
    on_event=None,
    resolver=None,
    alerts: bool = True,
) -> WatchReport:
    """Run the watch loop over a sources file's sources (what ``crisol watch`` calls)."""
    config = FetchConfig.from_dict(
        {"contact": sources_file.contact, **sources_file.fetch}, sources_file.where
    )
    with Fetcher(config, resolver=resolver) as fetcher:
        watcher = Watcher(
            store,
            sources_file.sources,
            fetcher,
            analyze=analyze,
            workers=workers,
            on_event=on_event,
            alerts=alerts,
        )
        return watcher.run(once=once, max_duration=max_duration)
