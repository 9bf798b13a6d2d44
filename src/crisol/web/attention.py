"""The attention page (``/attention``): a query's, entity's or story's articles, outlets and
independent sources per day or week as three line charts (a compared query as a second line),
the top outlets, languages, entities and words beside them, and a CSV behind each
(``/attention.csv``: the same table as the API's ``GET /api/attention?format=csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crisol.model import parse_moment
from crisol.service.attention import INTERVALS, Attention, Selection, attention, compare, kept_outlets
from crisol.store import Database
from crisol.store import search as fts
from crisol.store.outlets import UnknownName
from crisol.web import charts

COUNTS = (  # (field, chart title)
    ("articles", "Articles"),
    ("outlets", "Outlets"),
    ("independent_sources", "Independent sources"),
)
TOPS = (("outlets", "Outlets"), ("languages", "Languages"), ("entities", "Entities"), ("words", "Words"))


@dataclass
class AttentionParams:
    """The page's query string, as typed (the form shows it back)."""

    q: str = ""
    compare: str = ""
    entity: str = ""
    story: str = ""
    interval: str = "day"
    since: str = ""
    until: str = ""
    language: str = ""
    collection: str = ""

    def params(self, **change: str) -> dict[str, str]:
        return {**self.__dict__, **change}

    def empty(self) -> bool:
        return not (self.q or self.entity or self.story)

    def problems(self) -> list[str]:
        out = [f"{name}: {e}." for name, e in self._dates() if isinstance(e, str)]
        if self.interval not in INTERVALS:
            out.append(f"Interval: use {' or '.join(INTERVALS)}.")
        for name, text in (("Query", self.q), ("Compare with", self.compare)):
            try:
                fts.parse_query(text)
            except fts.QueryTooLong as e:
                out.append(f"{name}: {e}.")
        return out

    def _dates(self) -> list[tuple[str, datetime | str | None]]:
        return [("From", _when(self.since, False)), ("To", _when(self.until, True))]

    def selections(self, outlets: list[str] | None = None) -> list[Selection]:
        since, until = (d for _, d in self._dates())
        common: dict[str, Any] = dict(
            language=self.language or None, since=since, until=until, outlets=outlets
        )
        first = Selection(q=self.q or None, entity=self.entity or None, story=self.story or None, **common)
        return [first, Selection(q=self.compare, **common)] if self.compare else [first]


def _when(value: str, end_of_day: bool) -> datetime | str | None:
    """A ``YYYY-MM-DD`` (or ISO date-time) as an aware datetime; a bare date ``until`` includes
    its day; a message (str) when it is no date."""
    if not value:
        return None
    try:
        return parse_moment(value, end_of_day)
    except ValueError:
        return f"{value!r} is not a date (YYYY-MM-DD)"


def results(store: Database, p: AttentionParams) -> list[Attention]:
    """The attention of the page's selections (two, aligned, when comparing)."""
    selections = p.selections(kept_outlets(store, None, p.collection or None))
    return (
        compare(store, selections, p.interval) if p.compare else [attention(store, selections[0], p.interval)]
    )


def attention_page(store: Database, p: AttentionParams) -> dict[str, Any]:
    ctx: dict[str, Any] = {"f": p, "results": [], "charts": [], "tops": TOPS, "problems": p.problems()}
    if p.empty() or ctx["problems"]:
        return ctx
    try:
        found = results(store, p)
    except UnknownName as e:
        ctx["problems"] = [f"Collection: {e}."]
        return ctx
    ctx["results"] = found
    if any(r.points for r in found):
        ctx["charts"] = [
            (field, title, charts.line_chart([(r.label, [(pt.period, getattr(pt, field)) for pt in r.points])
                                              for r in found]))
            for field, title in COUNTS
        ]  # fmt: skip
    return ctx


__all__ = ["AttentionParams", "attention_page", "results"]
