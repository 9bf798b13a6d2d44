"""One event reported by several outlets becomes one entry, with every supporting sentence.

Events of the story's articles are merged when they have the same PLOVER type and the same
actors (a person by name, a state, capital or unnamed official by country; who met whom in
either order), unless their resolved dates say they are different occasions; events in sentences
that say the same thing (aligned across articles) merge too. The timeline is the merged events
with a resolved date, in date order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from crisol.link.similarity import fold
from crisol.model import Actor, Article, Event
from crisol.present.groups import StoryText
from crisol.present.sources import Sources

SYMMETRIC = frozenset({"CONSULT", "COOPERATE", "AGREE"})  # who met whom, in either order
LEAD = 3  # sentences of an article's lead, where its main event is told
CERTAINTY_ORDER = ("asserted", "attributed", "alleged", "hypothetical", "denied")


@dataclass
class Reported:
    """One event as one article reports it."""

    article: str
    index: int  # position in article.events
    event: Event
    source_key: tuple[str, str] | None
    target_key: tuple[str, str] | None

    @property
    def key(self) -> tuple:
        ends = (self.source_key, self.target_key)
        if self.event.type in SYMMETRIC:
            ends = tuple(sorted(ends, key=str))
        return (self.event.type, *ends)


@dataclass
class MergedEvent:
    id: str
    reports: list[Reported] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(r.article for r in self.reports))

    @property
    def type(self) -> str:
        return self.reports[0].event.type


def actor_key(actor: Actor | None, persons: set[str]) -> tuple[str, str] | None:
    """A person by name; a state, its capital, an official described without a name by country."""
    if actor is None:
        return None
    if actor.entity_id:
        return ("id", actor.entity_id)
    name = fold(actor.name)
    if name in persons:
        return ("per", name)
    if actor.country:
        return ("country", actor.country)
    return ("name", name)


def _persons(article: Article) -> set[str]:
    return {fold(m.canonical or m.text) for m in article.mentions if m.label == "PER"}


def reported_events(articles: Sequence[Article]) -> list[Reported]:
    out = []
    for a in articles:
        persons = _persons(a)
        for n, e in enumerate(a.events):
            out.append(Reported(a.id, n, e, actor_key(e.source, persons), actor_key(e.target, persons)))
    return out


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Unknown dates fit anything; "2024" fits "2024-06-18"; two days must be equal."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def merge_events(articles: Sequence[Article], story: StoryText) -> list[MergedEvent]:
    """Greedy: an event joins the first merged event every report of which it matches."""
    merged: list[MergedEvent] = []
    for r in reported_events(articles):
        for m in merged:
            if all(_same_event(r, s, story) for s in m.reports):
                m.reports.append(r)
                break
        else:
            merged.append(MergedEvent(f"e{len(merged) + 1}", [r]))
    return merged


def _same_event(r: Reported, s: Reported, story: StoryText) -> bool:
    if r.event.type != s.event.type or not _ends_fit(r, s):
        return False
    same_dates = dates_compatible(r.event.date, s.event.date)
    if story.aligned((r.article, r.event.sentence), (s.article, s.event.sentence)):
        return True
    if r.key != s.key:
        return False
    if same_dates:
        return True
    # two dates for one who-did-what: the same occasion only when both articles lead with it
    return r.article != s.article and r.event.sentence < LEAD and s.event.sentence < LEAD


def _ends_fit(r: Reported, s: Reported) -> bool:
    """Each end equal or unknown on one side, and at least one end known and shared."""
    a, b = (r.source_key, r.target_key), (s.source_key, s.target_key)
    if r.event.type in SYMMETRIC and _fits(a, b[::-1]) and not _fits(a, b):
        b = b[::-1]
    return _fits(a, b)


def _fits(a: tuple, b: tuple) -> bool:
    shared = any(x is not None and x == y for x, y in zip(a, b))
    return shared and all(x is None or y is None or x == y for x, y in zip(a, b))


def _display(m: MergedEvent) -> tuple[str | None, str | None]:
    """Source and target names, oriented as the first report tells it."""
    first = m.reports[0]
    names: dict = {}
    for r in m.reports:
        ends = [(r.source_key, r.event.source), (r.target_key, r.event.target)]
        for key, actor in ends:
            if key is not None and actor is not None and actor.name:
                names.setdefault(key, Counter())[actor.name] += 1

    def best(key) -> str | None:
        counts = names.get(key)
        if not counts:
            return None
        # a proper name ("Kim Jong-un") reads better than a description ("el líder norcoreano")
        return max(counts, key=lambda n: (n[:1].isupper(), counts[n], -len(n)))

    source = first.source_key or next((r.source_key for r in m.reports if r.source_key), None)
    target = first.target_key or next((r.target_key for r in m.reports if r.target_key), None)
    return best(source), best(target)


def _most_supported(values: list[tuple[str | None, str]], sources: Sources) -> str | None:
    by: dict[str, set[str]] = {}
    for value, article in values:
        if value:
            by.setdefault(value, set()).add(article)
    if not by:
        return None
    return max(by, key=lambda v: (sources.count(list(by[v])), len(v)))


def event_entry(m: MergedEvent, story: StoryText, sources: Sources) -> dict:
    """The JSON shape of one merged event."""
    ev = [r.event for r in m.reports]
    date = _most_supported([(e.date, r.article) for e, r in zip(ev, m.reports)], sources)
    precision = next((e.date_precision for e in ev if e.date == date), None)
    certainties: dict[str, list[str]] = {}
    for r in m.reports:
        certainties.setdefault(r.event.certainty, [])
        if r.article not in certainties[r.event.certainty]:
            certainties[r.event.certainty].append(r.article)
    modes = Counter(e.mode for e in ev if e.mode)
    source, target = _display(m)
    return {
        "id": m.id,
        "type": m.type,
        "mode": modes.most_common(1)[0][0] if modes else None,
        "source": source,
        "target": target,
        "location": _most_supported([(e.location, r.article) for e, r in zip(ev, m.reports)], sources),
        "date": date,
        "precision": precision,
        "certainty": min(certainties, key=CERTAINTY_ORDER.index) if certainties else "asserted",
        "certainties": certainties,
        "attributed_to": sorted({e.attributed_to for e in ev if e.attributed_to}),
        "citations": m.articles,
        "independent_sources": sources.count(m.articles),
        "sentences": [
            {"article": r.article, "sentence": r.event.sentence, "text": r.event.sentence_text, "trigger": r.event.trigger}
            for r in m.reports
        ],
    }


def timeline(entries: list[dict]) -> list[dict]:
    """Merged events with a resolved date, oldest first."""
    keys = ("date", "precision", "type", "mode", "source", "target", "location", "certainty", "citations")
    dated = [e for e in entries if e.get("date")]
    dated.sort(key=lambda e: (e["date"], -e["independent_sources"], e["type"]))
    return [{k: e[k] for k in keys} | {"event": e["id"]} for e in dated]
