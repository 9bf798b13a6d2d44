"""Events across sources: one event however many articles and outlets report it.

Each article's events (PLOVER-coded by :mod:`crisol.annotate.events`) are grouped into
:class:`CrossEvent` s, whether or not the articles are in one story, by a general rule:

- the same PLOVER type and the same action (mode: signing a treaty is not praising it; a visit
  and the meeting held during it are one occasion), and the same claim: what is told as fact
  (asserted, or attributed to a named source) is never grouped with an alleged, denied or
  hypothetical report, nor are those with each other (a summit that may happen is not a held
  one; one "supuestamente" among six plain sentences is a claim of its own);
- compatible actors after entity merging: each end the same registry entity, or one end unknown,
  or a description that fits the named actor (an unnamed "North Korean leader" fits Kim Jong-un,
  a capital or a state fits a government actor of its country; a linked actor's country is the
  registry entity's), who met whom in either order for meetings and agreements;
- compatible dates: two dates from the text must overlap (the same day, or a month holding the
  day); a date that is only the publication day fits a text date up to :data:`REPORTING_GAP`
  days earlier, and another publication day within that gap; undated reports fit any date, but
  only inside one story (across stories, both sides need a date); in one story, two leads
  telling the same two actors' act a few days apart are one event dated differently;
- an anchor: at least one actor named on both sides, or (in one story) the same place on the
  same day given by both texts;
- compatible places: unknown, the same place, or a country holding the other place; the same
  two actors on one date in two places are one event the outlets place differently.

A report joins a group when it fits every report already there and is anchored to at least one
of them; the most specific reports (both actors named) are placed first, so a report with one
actor joins the meeting it belongs to instead of starting its own (of several, the one whose
other actors its article, then its story, names most).

An article of the same story that tells a meeting, agreement or cooperation without a coded
event of that type (the parser missed "during a meeting with Lavrov") supports it too when one of
its sentences names both actors beside a trigger word of the type, with no negation, modal or
hedge; such reports are marked ``support="mention"``.

Counts, per event: articles, outlets (an article with no known outlet counts as an outlet of
its own), and independent sources (:func:`crisol.present.sources.independent_sources`: copies,
near duplicates and rewrites count once with their origin, articles crediting one wire agency
count once), each separately, plus the certainty: the weakest level its reports give (asserted
and attributed reports share groups: "attributed" as soon as one credits a source), and every
level with the articles giving it.

>>> from crisol.model import Actor, Article, Event, time_key, Mention
>>> def art(aid, outlet, who):
...     e = Event("CONSULT", "meet", Actor(who, country="ESP", sector="GOV"), Actor("Ana Sol", country="PER"),
...               0, f"{who} met Ana Sol.", "met", date="2025-03-02", date_precision="day")
...     m = [Mention(who, "PER", 0, len(who), 0, entity_id="per:" + who.split()[-1].lower()),
...          Mention("Ana Sol", "PER", 0, 7, 0, entity_id="per:sol")]
...     return Article(id=aid, source="-", raw=b"", raw_format="text", text=e.sentence_text,
...                    outlet=outlet, language="en", mentions=m, events=[e])
>>> [x] = group_events([art("a", "Diario", "Luis Gil"), art("b", "Radio", "Luis Gil")])
>>> (x.type, x.num_articles, x.num_outlets, x.num_independent_sources, x.date)
('CONSULT', 2, 2, 2, '2025-03-02')
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from crisol.link.dedup import Relation
from crisol.model import Actor, Article, Event, date_span, time_key
from crisol.text import count_outlets, fold

if TYPE_CHECKING:
    from crisol.present.sources import Sources

# Two outlets report one event within a few days of it (and of each other); a publication day
# standing in for an event date is at most this far after the event.
REPORTING_GAP = timedelta(days=3)
LEAD = 3  # sentences of an article's lead, where it tells its main event
SYMMETRIC = frozenset({"CONSULT", "COOPERATE", "AGREE"})  # who met whom, in either order
CERTAINTY_ORDER = ("asserted", "attributed", "alleged", "denied", "hypothetical")
# A hypothetical event (planned, possible, conditional) is not the event that happened.
# One claim: told as fact, with or without naming who says so. An alleged, denied or
# hypothetical report is another claim, never grouped with these nor with each other: a group
# of six asserted sentences and one "supuestamente" would read as asserted.
SAME_CLAIM = frozenset({"asserted", "attributed"})
# Modes that name one occasion: a visit, its hosting and the meeting held during it. Any other
# two modes (signing a treaty and praising it, sending arms and promising them) are different
# actions.
SAME_OCCASION = {"CONSULT": frozenset({"visit", "host", "meet"})}
PRECISION_ORDER = {"day": 0, "month": 1, "season": 2, "year": 3}
PLACE_KINDS = ("LOC", "GPE")
RESOURCES = Path(__file__).resolve().parents[1] / "resources"


# 1. Who, where and when, in comparable form ------------------------------------------------------


@dataclass(frozen=True)
class End:
    """One actor of an event, as grouping compares it."""

    entity: str | None  # registry entity id
    name: str  # folded name as the text gives it
    country: str | None
    sector: str | None
    kind: str  # "person", "place" (a state, its capital, a city), "org", "description"

    def strong(self, other: End) -> bool:
        """The same actor by registry entity or by name."""
        if self.entity and other.entity:
            return self.entity == other.entity
        return bool(self.name) and self.name == other.name

    def fits(self, other: End) -> bool:
        """Could be the same actor: same entity or name, or a description of the other."""
        if self.strong(other):
            return True
        if (
            self.kind in ("person", "org")
            and other.kind in ("person", "org")
            and self.entity
            and other.entity
        ):
            return False  # two named people or bodies
        if self.kind == "place" and other.kind == "place":
            return False  # two named places (a capital and its state share an entity)
        if not self.country or self.country != other.country:
            return False
        # a state or capital stands for its government; a description fits a named member
        return not (self.sector and other.sector and self.sector != other.sector)


@dataclass(frozen=True)
class Place:
    entity: str | None
    name: str
    country: str | None
    is_country: bool

    def fits(self, other: Place) -> bool:
        if (self.entity and self.entity == other.entity) or self.name == other.name:
            return True
        # a country holds its cities ("in North Korea" and "in Wonsan")
        return bool(self.country) and self.country == other.country and (self.is_country or other.is_country)


@dataclass(frozen=True)
class When:
    """A report's date: the days it may be, and whether the text or the publication gave it."""

    value: str
    precision: str
    source: str  # "text" | "published"
    first: date
    last: date

    def fits(self, other: When) -> bool:
        if self.source == "text" and other.source == "text":
            return self.first <= other.last and other.first <= self.last
        if self.source == "published" and other.source == "published":
            return abs(self.first - other.first) <= REPORTING_GAP
        text, published = (self, other) if self.source == "text" else (other, self)
        # reported on the day or up to the gap after the event
        return text.first <= published.first and published.first - text.last <= REPORTING_GAP


def when_label(date: str | None, precision: str | None = None, source: str | None = None) -> str:
    """How an event's date is shown. A date the text gives is when it happened ("on
    2025-03-21", "in 2025-03"); a publication day standing in for a date the text does not give
    is when it was reported, never when it happened ("reported 2025-06-05"); no date is "".

    >>> when_label("2025-03-21", "day", "text"), when_label("2025-03", "month", "text")
    ('on 2025-03-21', 'in 2025-03')
    >>> when_label("2025-06-05", "day", "published"), when_label(None)
    ('reported 2025-06-05', '')
    """
    if not date:
        return ""
    if source == "published":
        return f"reported {date}"
    return f"on {date}" if (precision or "day") == "day" and len(date) == 10 else f"in {date}"


def event_when(row: dict[str, Any]) -> str:
    """:func:`when_label` of an event in its public shape (``date``, ``date_precision`` or
    ``precision``, ``date_source``)."""
    return when_label(
        row.get("date"), row.get("date_precision") or row.get("precision"), row.get("date_source")
    )


def date_source_of(event: Event, article: Article) -> str | None:
    """Where ``event``'s date came from: the annotator's mark, else (for events read back from a
    store that does not keep it) "text" when a time expression of its sentence has that value,
    "published" when it is the article's publication day."""
    if event.date is None:
        return None
    if event.date_source:
        return event.date_source
    if event.date_precision == "published":  # how older annotations marked the fallback
        return "published"
    if any(d.sentence == event.sentence and d.value == event.date for d in article.dates):
        return "text"
    if article.published is not None and event.date == article.published.date().isoformat():
        return "published"
    return "text"


def _when(event: Event, article: Article) -> When | None:
    span = date_span(event.date)
    if span is None:
        return None
    source = date_source_of(event, article) or "text"
    precision = event.date_precision if event.date_precision in PRECISION_ORDER else "day"
    return When(event.date or "", precision, source, *span)


# 2. Reports -----------------------------------------------------------------------------------


@dataclass
class Report:
    """One article telling one event: a coded event, or a sentence naming it (``mention``)."""

    article: str
    index: int  # position in article.events; -1 for a mention
    event: Event
    source: End | None
    target: End | None
    when: When | None
    place: Place | None
    story: str | None
    support: str = "coded"  # "coded" | "mention"

    @property
    def claim(self) -> str:
        """The kind of claim: "fact" (asserted or attributed), else the certainty itself."""
        return "fact" if self.event.certainty in SAME_CLAIM else self.event.certainty

    def ends(self) -> tuple[End | None, End | None]:
        return self.source, self.target


@dataclass
class ArticleIndex:
    """What grouping reads from one article: its names, places and sentences."""

    article: Article
    by_name: dict[str, tuple[str | None, str, str | None]]  # folded name -> (entity, label, country)
    # registry entity -> its country, as entity merging across articles settled it (wins over
    # one sentence's actor code: "Medina" read as the Saudi city in one article)
    countries: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, article: Article, countries: dict[str, str] | None = None) -> ArticleIndex:
        by_name: dict[str, tuple[str | None, str, str | None]] = {}
        for m in article.mentions:
            for name in (m.canonical, m.text):
                if name:
                    key = fold(name)
                    if key not in by_name or (m.entity_id and not by_name[key][0]):
                        by_name[key] = (m.entity_id, m.label, m.country)
        return cls(article, by_name, countries or {})

    def end(self, actor: Actor | None, sentence: int | None = None) -> End | None:
        """The actor as grouping compares it. A description ("the Russian security chief")
        whose sentence names one person of its country is that person ("Shoigu, the Russian
        security chief, arrived...")."""
        if actor is None or not (actor.name or actor.entity_id):
            return None
        name = fold(actor.name or "")
        entity, label, country = self.by_name.get(name, (None, "", None))
        entity = actor.entity_id or entity
        country = self.countries.get(entity or "") or actor.country or country
        if label == "PER" or (entity or "").startswith("per:"):
            kind = "person"
        elif label in PLACE_KINDS or (entity or "").startswith(("loc:", "gpe:")):
            kind = "place"
        elif entity:
            kind = "org"
        else:
            named = self._person_in(sentence, country, name)
            if named is not None:
                return End(named[0], fold(named[1]), country, actor.sector, "person")
            kind = "description"
        return End(entity, name, country, actor.sector, kind)

    def _person_in(
        self, sentence: int | None, country: str | None, description: str
    ) -> tuple[str, str] | None:
        if sentence is None or not country:
            return None
        people = {
            (m.entity_id, m.canonical or m.text)
            for m in self.article.mentions
            if m.sentence == sentence and m.label == "PER" and m.entity_id and m.country == country
        }
        ids = {p[0] for p in people}
        # the description must be more than a nationality ("norcoreanos" is a people, not a person)
        if len(ids) == 1 and len(description.split()) >= 2:
            return next(iter(people))
        return None

    def place(self, text: str | None) -> Place | None:
        if not text:
            return None
        name = fold(text)
        entity, _, country = self.by_name.get(name, (None, "", None))
        return Place(entity, name, country, _is_country(text, self.article.language))


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Folded country names and aliases in every language (resources/common/countries.tsv and
    country_aliases.tsv), read directly: the whole gazetteer is not needed for this."""

    names = set()
    for table in ("countries.tsv", "country_aliases.tsv"):
        path = RESOURCES / "common" / table
        with path.open(encoding="utf-8", newline="") as f:
            names.update(fold(r["name"]) for r in csv.DictReader(f, delimiter="\t") if r.get("name"))
    return frozenset(names)


def _is_country(name: str, language: str | None = None) -> bool:
    """Whether a place name names a country ("Corea del Norte", "North Korea")."""
    return fold(name) in _country_names()


def _reports(article: Article, index: ArticleIndex, story: str | None) -> list[Report]:
    out = []
    for n, e in enumerate(article.events):
        source, target = index.end(e.source, e.sentence), index.end(e.target, e.sentence)
        place = index.place(e.location)
        if target is not None and target.kind == "place" and e.type == "CONSULT" and e.mode == "visit":
            # "visitó Wonsan": the place visited is where, not whom (whom is another report)
            place = place or index.place(e.target.name)
            target = None
        out.append(Report(article.id, n, e, source, target, _when(e, article), place, story))
    return out


# 3. Fitting a report into a group -------------------------------------------------------------


def _orientations(r: Report, s: Report) -> list[tuple[tuple, tuple]]:
    a, b = r.ends(), s.ends()
    if r.event.type in SYMMETRIC:
        return [(a, b), (a, b[::-1])]
    return [(a, b)]


def _ends_fit(r: Report, s: Report) -> tuple[bool, bool, bool]:
    """(fits in some orientation, shares a named end there, fits as told without turning)."""
    best, straight = (False, False), False
    for n, (a, b) in enumerate(_orientations(r, s)):
        known = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
        if all(x.fits(y) for x, y in known):
            straight = straight or n == 0
            # two like descriptions ("el ministro español") are one actor only inside a story
            same_story = r.story is not None and r.story == s.story
            strong = any(
                x.strong(y) and (same_story or "description" not in (x.kind, y.kind)) for x, y in known
            )
            if strong or not best[0]:
                best = (True, strong)
    return (*best, straight)


def _fit(r: Report, s: Report) -> tuple[bool, bool]:
    """(compatible, anchored): may r and s be one event, and do they share a named actor."""
    if r.event.type != s.event.type or r.claim != s.claim or not _same_action(r.event, s.event):
        return False, False
    fits, strong, straight = _ends_fit(r, s)
    if not fits:
        return False, False
    if r.when and s.when:
        if not r.when.fits(s.when) and not _date_dispute(r, s):
            return False, False
    elif r.story is None or r.story != s.story:
        if r.article != s.article:
            return False, False  # across stories an undated report could be any occasion
    if r.place and s.place and not r.place.fits(s.place) and not (_both_named(r, s) and r.when and s.when):
        # two places are two occasions, unless the same two actors on one date: then the
        # outlets disagree on where (a difference to show, not two events)
        return False, False
    # the same place and day anchor only actors that fit as told (not a meeting turned around
    # to pair two visitors with each other's missing host)
    return True, strong or (straight and _same_place_and_day(r, s))


def _same_action(a: Event, b: Event) -> bool:
    """The same act: the same mode, or two modes of one occasion (:data:`SAME_OCCASION`)."""
    if a.mode == b.mode:
        return True
    occasion = SAME_OCCASION.get(a.type, frozenset())
    return a.mode in occasion and b.mode in occasion


def _same_place_and_day(r: Report, s: Report) -> bool:
    """In one story, the same place on the same day the texts give anchors reports that leave
    an actor unnamed ("llegó a Lima el martes" beside "Medina visitó Lima el martes")."""
    if r.story is None or r.story != s.story or not (r.place and s.place and r.when and s.when):
        return False
    same_place = (r.place.entity and r.place.entity == s.place.entity) or r.place.name == s.place.name
    days = (r.when.source, r.when.precision, s.when.source, s.when.precision) == (
        "text",
        "day",
        "text",
        "day",
    )
    return bool(same_place and days and r.when.first == s.when.first)


def _date_dispute(r: Report, s: Report) -> bool:
    """Two articles of one story leading with the same two actors doing the same thing a few
    days apart: one event the outlets date differently (a difference to show)."""
    if r.story is None or r.story != s.story or r.article == s.article or not _both_named(r, s):
        return False
    if r.event.sentence >= LEAD or s.event.sentence >= LEAD:
        return False
    assert r.when is not None and s.when is not None
    return abs(r.when.first - s.when.first) <= REPORTING_GAP


def _both_named(r: Report, s: Report) -> bool:
    for a, b in _orientations(r, s):
        if all(x is not None and y is not None and x.strong(y) for x, y in zip(a, b)):
            return True
    return False


def _specificity(r: Report) -> tuple:
    named = sum(1 for e in r.ends() if e is not None and e.kind != "description")
    known = sum(1 for e in r.ends() if e is not None)
    return (-named, -known, 0 if r.when else 1)


# 4. Cross-source events -------------------------------------------------------------------------


@dataclass
class CrossEvent:
    """One event with every report of it, and what the reports say together."""

    reports: list[Report] = field(default_factory=list)
    articles_info: dict[str, Article] = field(default_factory=dict)
    sources: "Sources | None" = None
    id: str = ""

    # -- who and what --------------------------------------------------------------------------
    @property
    def type(self) -> str:
        return self.reports[0].event.type

    @property
    def coded(self) -> list[Report]:
        return [r for r in self.reports if r.support == "coded"]

    @property
    def mode(self) -> str | None:
        modes = Counter(r.event.mode for r in self.coded if r.event.mode)
        return modes.most_common(1)[0][0] if modes else None

    def has_actor(self, entity_ids: set[str], names: set[str]) -> bool:
        """Whether a report has an actor that is one of the entities, or is unlinked and
        carries one of the (folded) names."""

        for r in self.coded:
            for a in (r.event.source, r.event.target):
                if a is None:
                    continue
                if a.entity_id:
                    if a.entity_id in entity_ids:
                        return True
                elif a.name and fold(a.name) in names:
                    return True
        return False

    def actors(self) -> tuple[Actor | None, Actor | None]:
        """Source and target, each with its best name (a proper name over a description) and
        its codes. Meetings and agreements are told either way round: they are oriented as most
        reports tell them ("Lavrov visited Kim" over "Kim met Lavrov")."""
        lead = self.coded[0]
        sources: list[Actor | None] = []
        targets: list[Actor | None] = []
        turned = 0
        for r in self.coded:
            # a place visited was moved out of the target: it is where, not whom
            a, b = _shown(r.event.source, r.source), _shown(r.event.target, r.target)
            if r.event.type in SYMMETRIC and r is not lead:
                straight = _orient_score((r.source, r.target), (lead.source, lead.target))
                crossed = _orient_score((r.target, r.source), (lead.source, lead.target))
                if crossed > straight:
                    a, b = b, a
                    turned += 1
                elif straight > crossed:
                    turned -= 1
            sources.append(a)
            targets.append(b)
        source, target = _best_actor(sources), _best_actor(targets)
        return (target, source) if turned > 0 else (source, target)

    # -- counts --------------------------------------------------------------------------------
    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(r.article for r in self.reports))

    @property
    def outlets(self) -> list[str]:
        """Known outlets, in report order."""
        found = [self.articles_info[a].outlet for a in self.articles if a in self.articles_info]
        return list(dict.fromkeys(o for o in found if o))

    @property
    def num_articles(self) -> int:
        return len(self.articles)

    @property
    def num_outlets(self) -> int:
        """Distinct outlets; an article whose outlet is unknown counts as an outlet of its own."""
        return count_outlets(
            (aid, a.outlet if (a := self.articles_info.get(aid)) else None) for aid in self.articles
        )

    @property
    def origins(self) -> list[str]:
        """One article per independent source: the origin each article counts with."""
        if self.sources is None:
            return self.articles
        return list(dict.fromkeys(self.sources.origin_of.get(a, a) for a in self.articles))

    @property
    def num_independent_sources(self) -> int:
        return len(self.origins)

    # -- when, where, how sure -----------------------------------------------------------------
    def _supported(self, values: Iterable[tuple[Any, str]]) -> list[tuple[Any, int]]:
        by: dict[Any, set[str]] = {}
        for value, article in values:
            if value is not None:
                by.setdefault(value, set()).add(article)
        count = self.sources.count if self.sources else len
        return sorted(((v, count(sorted(a))) for v, a in by.items()), key=lambda p: -p[1])

    @property
    def when(self) -> When | None:
        """The date most independent sources give in their text (the most precise on ties),
        else the earliest publication day."""
        text = [(r.when, r.article) for r in self.coded if r.when and r.when.source == "text"]
        if text:
            ranked = self._supported(text)
            return min(ranked, key=lambda p: (-p[1], PRECISION_ORDER[p[0].precision], p[0].value))[0]
        published = [r.when for r in self.coded if r.when]
        return min(published, key=lambda w: w.first) if published else None

    @property
    def date(self) -> str | None:
        return self.when.value if self.when else None

    @property
    def location(self) -> str | None:
        named = [(r.event.location, r.article) for r in self.coded if r.event.location]
        if not named:
            named = [(self._place_name(r), r.article) for r in self.coded if r.place]
        ranked = self._supported(named)
        return min(ranked, key=lambda p: (-p[1], -len(p[0])))[0] if ranked else None

    def _place_name(self, r: Report) -> str | None:
        return r.event.target.name if r.event.target is not None and r.target is None else None

    @property
    def certainties(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self.coded:
            out.setdefault(r.event.certainty, [])
            if r.article not in out[r.event.certainty]:
                out[r.event.certainty].append(r.article)
        return {k: out[k] for k in CERTAINTY_ORDER if k in out}

    @property
    def certainty(self) -> str:
        """The weakest level its reports give. A group holds one claim (see :data:`SAME_CLAIM`),
        so this is "attributed" as soon as one report credits a source for what the others
        assert; :attr:`certainties` has every level with its articles."""
        levels = self.certainties
        return next(reversed(levels)) if levels else "asserted"

    @property
    def attributed_to(self) -> list[str]:
        return sorted({r.event.attributed_to for r in self.coded if r.event.attributed_to})

    @property
    def stories(self) -> list[str]:
        return list(dict.fromkeys(r.story for r in self.reports if r.story))

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of one cross-source event."""
        source, target = self.actors()
        when = self.when
        info = self.articles_info
        return {
            "id": self.id,
            "type": self.type,
            "mode": self.mode,
            "source": _actor_dict(source),
            "target": _actor_dict(target),
            "location": self.location,
            "date": when.value if when else None,
            "date_precision": when.precision if when else None,
            "date_source": when.source if when else None,
            "certainty": self.certainty,
            "certainties": self.certainties,
            "attributed_to": self.attributed_to,
            "num_articles": self.num_articles,
            "num_outlets": self.num_outlets,
            "num_independent_sources": self.num_independent_sources,
            "articles": self.articles,
            "outlets": self.outlets,
            "independent_sources": self.origins,
            "agencies": {a: ag for a in self.articles if self.sources and (ag := self.sources.agency.get(a))},
            "urls": [u for a in self.articles if a in info and (u := info[a].url)],
            "stories": self.stories,
            "sentences": [
                {
                    "article": r.article,
                    "outlet": info[r.article].outlet if r.article in info else None,
                    "sentence": r.event.sentence,
                    "text": r.event.sentence_text,
                    "trigger": r.event.trigger,
                    "certainty": r.event.certainty if r.support == "coded" else None,
                    "date": r.event.date,
                    "date_source": r.when.source if r.when else None,
                    "support": r.support,
                    "event": r.event.id,
                }
                for r in self.reports
            ],
        }


def _shown(actor: Actor | None, end: End | None) -> Actor | None:
    """The actor as the text names it, with the entity and country entity merging settled."""
    if actor is None or end is None:
        return None
    return Actor(
        actor.name, end.entity or actor.entity_id, end.country or actor.country, actor.sector or end.sector
    )


def _orient_score(a: tuple, b: tuple) -> int:
    return sum(
        2 if x.strong(y) else 1 if x.fits(y) else -1 for x, y in zip(a, b) if x is not None and y is not None
    )


def _best_actor(actors: Sequence[Actor | None]) -> Actor | None:
    found = [a for a in actors if a is not None and a.name]
    if not found:
        return None
    counts = Counter(a.name for a in found)
    # a proper name ("Kim Jong-un") reads better than a description ("el líder norcoreano")
    best = max(found, key=lambda a: (bool(a.entity_id), a.name[:1].isupper(), counts[a.name], -len(a.name)))
    same = [a for a in found if a.name == best.name or (a.entity_id and a.entity_id == best.entity_id)]
    return Actor(
        best.name,
        best.entity_id or next((a.entity_id for a in same if a.entity_id), None),
        best.country or next((a.country for a in found if a.country), None),
        best.sector or next((a.sector for a in found if a.sector), None),
    )


def _actor_dict(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "name": actor.name,
        "entity_id": actor.entity_id,
        "country": actor.country,
        "sector": actor.sector,
        "code": actor.code,
    }


def _event_id(reports: Sequence[Report]) -> str:
    """Stable over runs: a hash of the reports' own event ids."""
    keys = sorted(r.event.id or f"{r.article}:{r.index}" for r in reports if r.support == "coded")
    return "x" + hashlib.sha1("|".join(keys).encode()).hexdigest()[:12]


def group_reports(
    reports: Sequence[Report],
    mentioned: Callable[[str], Counter] | None = None,
    story_mentioned: Callable[[str | None], Counter] | None = None,
) -> list[list[Report]]:
    """Reports into events: most specific first, each joining a group it fits every member of
    and shares a named actor with. Of several such groups: the one whose other actors the
    report's article names most (an unnamed "North Korean leader" is the leader the article
    names), then the one whose actors its story names most (a visit goes with the story's main
    meeting), then the biggest."""
    groups: list[list[Report]] = []
    # candidate groups by anchor (type, named actor) or (type, story, place): a report can only
    # join a group it shares an anchor with, so no report is compared with every group
    by_anchor: dict[tuple, list[int]] = {}
    order = sorted(range(len(reports)), key=lambda i: (_specificity(reports[i]), i))
    for i in order:
        r = reports[i]
        keys = _anchors(r)
        best, best_key = None, None
        for g in sorted({g for k in keys for g in by_anchor.get(k, ())}):
            fits = [_fit(r, s) for s in groups[g]]
            if not (all(f for f, _ in fits) and any(a for _, a in fits)):
                continue
            others = _other_actors(r, groups[g])
            key = (
                _count(others, mentioned, r.article),
                _count(others, story_mentioned, r.story),
                len(groups[g]),
            )
            if best_key is None or key > best_key:
                best, best_key = g, key
        if best is None:
            best = len(groups)
            groups.append([r])
        else:
            groups[best].append(r)
        for k in keys:
            if best not in by_anchor.setdefault(k, []):
                by_anchor[k].append(best)
    return groups


def _anchors(r: Report) -> set[tuple]:
    """What may anchor the report to another: its named actors, and its place in its story."""
    keys = {
        (r.event.type, "actor", x)
        for e in r.ends()
        if e is not None and e.kind != "description"
        for x in (e.entity, e.name)
        if x
    }
    keys |= {
        (r.event.type, "description", r.story, e.name)
        for e in r.ends()
        if e is not None and e.kind == "description" and e.name and r.story
    }
    if r.place is not None and r.story:
        keys.add((r.event.type, "place", r.story, r.place.entity or r.place.name))
    return keys


def _other_actors(r: Report, group: Sequence[Report]) -> set[str]:
    """The group's named actors (registry entities) that the report does not name."""
    own = {e.entity for e in r.ends() if e is not None and e.entity}
    return {
        e.entity for s in group for e in s.ends() if e is not None and e.entity and e.kind != "description"
    } - own


def _count(entities: set[str], counts: Callable[[Any], Counter] | None, key: Any) -> int:
    if counts is None or key is None:
        return 0
    found = counts(key)
    return sum(found[x] for x in entities)


def group_events(
    articles: Sequence[Article],
    relations: Sequence[Relation] = (),
    origins: dict[str, str] | None = None,
    story_of: Callable[[str], str | None] | dict[str, str] | None = None,
    mentions: bool = True,
    countries: dict[str, str] | None = None,
) -> list[CrossEvent]:
    """Cross-source events of ``articles``, most independent sources first.

    ``relations``: duplicate, near-duplicate and rewrite relations among them (from the link
    stage); ``origins``: article id -> wire agency when already known (agencies are also detected
    from each article's credits); ``story_of``: the story of an article (a dict or a function),
    which lets undated reports in one story meet; ``mentions``: look for uncoded reports (a
    sentence naming both actors beside a trigger word) in the articles of each event's stories;
    ``countries``: registry entity -> country (by default the country most of the articles'
    mentions of the entity give).
    """
    # present.sources imports the story presenter, which groups events with this module
    from crisol.present.sources import detect_agency, independent_sources

    articles = list(articles)
    story = story_of.get if isinstance(story_of, dict) else story_of or (lambda _: None)
    countries = countries if countries is not None else _mention_countries(articles)
    indexes = {a.id: ArticleIndex.of(a, countries) for a in articles}
    reports = [r for a in articles for r in _reports(a, indexes[a.id], story(a.id))]
    counts = {a.id: Counter(m.entity_id for m in a.mentions if m.entity_id) for a in articles}
    in_story: dict[str, Counter] = {}
    for a in articles:
        sid = story(a.id)
        if sid:
            in_story.setdefault(sid, Counter()).update(set(counts[a.id]))  # articles naming each
    groups = group_reports(
        reports, lambda aid: counts.get(aid, Counter()), lambda sid: in_story.get(sid, Counter())
    )
    agencies = {a.id: ag for a in articles if (ag := detect_agency(a))}
    sources = independent_sources(articles, relations, {**agencies, **(origins or {})})
    info = {a.id: a for a in articles}
    if mentions:
        _add_mentions(groups, articles, indexes, story)
    order = {a.id: (time_key(a.published), n) for n, a in enumerate(articles)}
    out = []
    for g in groups:
        g.sort(key=lambda r: (r.support != "coded", order[r.article], r.index))
        out.append(CrossEvent(g, info, sources, _event_id(g)))
    out.sort(key=lambda e: (-e.num_independent_sources, -e.num_articles, e.date or "~", e.id))
    return out


def _mention_countries(articles: Sequence[Article]) -> dict[str, str]:
    """Registry entity -> the country most of its mentions give."""
    votes: dict[str, Counter] = {}
    for a in articles:
        for m in a.mentions:
            if m.entity_id and m.country:
                votes.setdefault(m.entity_id, Counter())[m.country] += 1
    return {e: c.most_common(1)[0][0] for e, c in votes.items()}


# 5. Reports the parser missed: a sentence naming both actors beside a trigger word ---------------


@lru_cache(maxsize=8)
def _trigger_words(language: str) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Per PLOVER type: noun triggers (folded lemmas) and verb stems, from the event lexicon
    (``resources/<lang>/plover_verbs.jsonl``, read directly: no parser is needed here)."""
    path = RESOURCES / language / "plover_verbs.jsonl" if language else None
    if path is None or not path.exists():
        return {}  # no lexicon for the language: no uncoded reports
    nouns: dict[str, set[str]] = {}
    verbs: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if (
            "type" not in row
            or row.get("objects")
            or row.get("requires_object")
            or row.get("passive")
            or row.get("without_target")
            or row.get("requires_clause")
        ):
            continue  # needs its context to mean this type
        lemma, pos = fold(row["lemma"]), row.get("pos", "verb")
        if pos == "noun":
            nouns.setdefault(row["type"], set()).add(lemma)
        elif pos == "verb":
            # "visitar" -> "visit" matches "visitó", "visitaron"
            stem = _stem(re.sub(r"se$", "", lemma) if language == "es" else lemma, language)
            if stem:
                verbs.setdefault(row["type"], set()).add(stem)
    return {
        t: (frozenset(nouns.get(t, ())), tuple(sorted(verbs.get(t, ())))) for t in set(nouns) | set(verbs)
    }


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=8)
def _doubt_words(language: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Negators, modals, hedges, denial and planning verbs of the certainty cues
    (``resources/<lang>/certainty.json``), as words and verb stems: a sentence with one does not
    tell the event as fact."""
    path = RESOURCES / language / "certainty.json" if language else None
    if path is None or not path.exists():
        return frozenset(), ()
    cues = json.loads(path.read_text(encoding="utf-8"))
    words = {
        fold(w)
        for key in ("negators", "hypothetical_modals", "hypothetical_words", "alleged_phrases")
        for w in cues.get(key, ())
    }
    verbs = {
        fold(w)
        for key in ("denial_verbs", "hypothetical_verbs", "hypothetical_modals")
        for w in cues.get(key, ())
    }
    return frozenset(words | verbs), tuple(sorted({_stem(v, language) for v in verbs} - {""}))


def _stem(lemma: str, language: str) -> str:
    """An infinitive without its ending ("planear" -> "plane"), "" when too short to be safe
    (a four-letter stem such as "medi" of "mediar" would match "medios")."""
    stem = lemma[:-2] if language == "es" and lemma.endswith(("ar", "er", "ir")) else lemma
    return stem if len(stem) >= 5 and " " not in stem else ""


def _doubtful(text: str, language: str | None) -> bool:
    words, stems = _doubt_words((language or "").split("-")[0].lower())
    folded = fold(text)
    found = set(_WORD.findall(folded))
    return (
        bool(found & words)
        or any(" " in w and f" {w} " in f" {folded} " for w in words)
        or any(w.startswith(stems) for w in found)
    )


def _has_trigger(text: str, etype: str, language: str | None) -> str | None:
    """A trigger word of ``etype`` in ``text`` (a noun, or a verb by its stem), else None."""
    words = _trigger_words((language or "").split("-")[0].lower()).get(etype)
    if not words:
        return None
    nouns, stems = words
    for w in _WORD.findall(fold(text)):
        if w in nouns or (w.endswith("s") and (w[:-1] in nouns or w[:-2] in nouns)):
            return w
        if stems and w.startswith(stems):
            return w
    return None


def _add_mentions(
    groups: list[list[Report]],
    articles: Sequence[Article],
    indexes: dict[str, ArticleIndex],
    story: Callable[[str], str | None],
) -> None:
    """Give each factual meeting, agreement or cooperation between two named actors the
    sentences of its stories' other articles that name both beside a trigger word of its type
    (and carry no coded event of that type, and no doubt)."""
    by_story: dict[str, list[Article]] = {}
    for a in articles:
        sid = story(a.id)
        if sid:
            by_story.setdefault(sid, []).append(a)
    for g in groups:
        # only meetings, agreements and cooperation, where who is source and who target does not
        # matter (naming both cannot tell who supported or attacked whom), and only what is told
        # as fact (a planned or denied meeting's names recur everywhere)
        if g[0].event.type not in SYMMETRIC or g[0].claim != "fact":
            continue
        pair = _named_pair(g)
        if pair is None:
            continue
        have = {r.article for r in g}
        when = next((r.when for r in g if r.when and r.when.source == "text"), None)
        for sid in {r.story for r in g if r.story}:
            for a in by_story.get(sid, ()):
                if a.id not in have:
                    found = _mention_report(a, indexes[a.id], g[0], pair, when, sid)
                    if found is not None:
                        g.append(found)
                        have.add(a.id)


def _named_pair(g: Sequence[Report]) -> tuple[str, str] | None:
    """The registry entities of both ends, when every coded report agrees on them."""
    ends: list[set[str]] = [set(), set()]
    lead = g[0]
    for r in g:
        a, b = r.ends()
        if r.event.type in SYMMETRIC and _orient_score((b, a), lead.ends()) > _orient_score(
            (a, b), lead.ends()
        ):
            a, b = b, a
        for side, end in zip(ends, (a, b)):
            if end is not None and end.entity and end.kind != "description":
                side.add(end.entity)
    if len(ends[0]) == 1 and len(ends[1]) == 1 and ends[0] != ends[1]:
        return next(iter(ends[0])), next(iter(ends[1]))
    return None


def _mention_report(
    article: Article, index: ArticleIndex, lead: Report, pair: tuple[str, str], when: When | None, story: str
) -> Report | None:
    coded_here = {e.sentence for e in article.events if e.type == lead.event.type}
    entities: dict[int, set[str]] = {}
    for m in article.mentions:
        if m.entity_id:
            entities.setdefault(m.sentence, set()).add(m.entity_id)
    for s in sorted(article.sentences, key=lambda s: s.index):
        if s.index in coded_here or not set(pair) <= entities.get(s.index, set()):
            continue
        trigger = _has_trigger(s.text, lead.event.type, article.language)
        if trigger is None or _doubtful(s.text, article.language):
            continue
        dated = [
            d for d in article.dates if d.sentence == s.index and d.value and d.precision != "unresolved"
        ]
        own = None
        if dated:
            span = date_span(dated[0].value)
            own = When(dated[0].value or "", dated[0].precision, "text", *span) if span else None
            if when is not None and own is not None and not when.fits(own):
                continue  # the sentence tells another occasion
        event = Event(
            lead.event.type,
            lead.event.mode,
            None,
            None,
            s.index,
            s.text,
            trigger,
            date=own.value if own else None,
            date_precision=own.precision if own else None,
            date_source="text" if own else None,
        )
        return Report(article.id, -1, event, None, None, own, None, story, support="mention")
    return None


def _relation(d: dict[str, Any]) -> Relation:
    """A stored relation (only who, kind and score matter for counting sources)."""
    return Relation(
        d["a"], d["b"], d["kind"], float(d["score"]), [], d.get("dropped", []), d.get("added", [])
    )


__all__ = [
    "CrossEvent",
    "End",
    "Place",
    "REPORTING_GAP",
    "Report",
    "When",
    "date_source_of",
    "event_when",
    "group_events",
    "group_reports",
    "when_label",
]
