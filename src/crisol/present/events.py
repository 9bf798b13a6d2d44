"""A story's events: one entry per event, however many of its articles report it.

The grouping is the one ``crisol events`` uses across the whole store
(:func:`crisol.present.cross_events.group_events`): same PLOVER type, action and claim
(what is told as fact apart from what is alleged, denied or only possible), compatible actors
after entity merging, dates and places; inside one story undated reports may meet. Each entry
cites every article that reports it, with its supporting sentences, and counts articles, outlets
and independent sources separately (copies and rewrites count once with their origin, articles
crediting one wire agency count once). The timeline is the events dated by their text, in date
order.
"""

from __future__ import annotations

from typing import Sequence

from crisol.model import Article
from crisol.present import cross_events as cross
from crisol.present.groups import StoryText
from crisol.present.sources import Sources

MergedEvent = cross.CrossEvent  # what differences.py reads: .reports (each .article, .event)
STORY = "story"  # every article of a presented story is in one story
CERTAINTY_ORDER = cross.CERTAINTY_ORDER


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Unknown dates fit anything; "2024" fits "2024-06-18"; two days must be equal."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def merge_events(articles: Sequence[Article], story: StoryText | None = None) -> list[MergedEvent]:
    """The story's events across its articles (``story``, the aligned sentences, is not needed
    by the grouping; it stays in the signature for callers)."""
    return cross.group_events(articles, story_of={a.id: STORY for a in articles})


def event_entry(m: MergedEvent, story: StoryText | None, sources: Sources) -> dict:
    """The JSON shape of one event of a story: the ``crisol events`` shape (counts included) plus
    ``citations`` (its articles), ``independent_sources`` (their number) and ``precision``."""
    m.sources = sources
    d = m.to_dict()
    d.pop("stories", None)
    d.update(
        {
            "citations": d["articles"],
            "independent_sources": d["num_independent_sources"],
            "precision": d["date_precision"],
        }
    )
    d["source"] = d["source"]["name"] if d["source"] else None
    d["target"] = d["target"]["name"] if d["target"] else None
    return d


def timeline(entries: list[dict]) -> list[dict]:
    """Events dated by their text, oldest first. An event whose only date is the publication
    day stands in no timeline: that day is when it was reported, not when it happened."""
    keys = (
        "date",
        "precision",
        "date_source",
        "type",
        "mode",
        "source",
        "target",
        "location",
        "certainty",
        "citations",
        "num_articles",
        "num_outlets",
        "independent_sources",
    )
    dated = [e for e in entries if e.get("date") and e.get("date_source") != "published"]
    dated.sort(key=lambda e: (e["date"], -e["independent_sources"], e["type"]))
    return [{k: e.get(k) for k in keys} | {"event": e["id"]} for e in dated]
