"""Events across sources over the store.

Grouping (:mod:`crisol.present.cross_events`) is pure; this module reads what it needs from the
store (:func:`stored_events`), filters and pages it (:func:`list_cross_events`, which the REST
API and the web pages call, and :func:`select_cross_events`, which ``crisol events`` calls).
Their CSV layouts are in :mod:`crisol.service.exports`.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from crisol.model import date_span, span_overlaps
from crisol.present import cross_events as cross
from crisol.store import Database, queries
from crisol.store.queries import entities_by_name, link_actors


def stored_events(
    store: Database,
    type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    mentions: bool = True,
) -> list[cross.CrossEvent]:
    """Cross-source events of the stored articles (what ``crisol events`` lists).

    ``type`` and the ``since``/``until`` window (widened by :data:`cross.REPORTING_GAP`) only choose
    which stored events are read, so every report of a listed event is in it; undated events are
    read only without a window. The other articles of the stories involved are read too, for
    uncoded reports. Nothing is written.
    """
    annotations, links = store.annotations, store.links
    wide_since = since - cross.REPORTING_GAP if since else None
    wide_until = until + cross.REPORTING_GAP if until else None
    story_of: dict[str, str] = {}
    ids: list[str] = []
    for row in annotations.iter_events(type=type, since=wide_since, until=wide_until):
        if row.article.id not in story_of:
            ids.append(row.article.id)
            story_of[row.article.id] = row.article.story or ""
    stories = {sid for sid in story_of.values() if sid}
    if mentions:
        for sid in sorted(stories):
            for aid in links.story_members(sid):
                if aid not in story_of:
                    ids.append(aid)
                    story_of[aid] = sid
    articles = store.load_articles(ids, with_raw=False)
    order = {aid: n for n, aid in enumerate(ids)}
    articles.sort(key=lambda a: order[a.id])
    for a in articles:
        by_name = entities_by_name((m.text, m.canonical, m.entity_id) for m in a.mentions)
        for e in a.events:
            link_actors(e, by_name)
        if type:  # the other types' events of the articles read for this one stay out
            a.events = [e for e in a.events if e.type == type.upper()]
    relations = [cross._relation(r) for r in links.relations_among(ids)]
    countries = cross._mention_countries(articles)
    linked = {
        x.entity_id for a in articles for e in a.events for x in (e.source, e.target) if x and x.entity_id
    }
    countries.update(
        {i: c for i, r in annotations.get_entities(linked).items() if (c := r.data.get("country"))}
    )
    return cross.group_events(
        articles,
        relations,
        story_of={k: v for k, v in story_of.items() if v},
        mentions=mentions,
        countries=countries,
    )


# Grouping reads every per-article event of the selection, the articles telling them and the
# other articles of their stories (:func:`stored_events`), then groups them in
# memory. A selection holding more per-article events than this is refused with the advice to
# narrow it (a type, a shorter date window): in a big store, ask for a week or a type.
MAX_GROUPED_REPORTS = 5000
CROSS_SORTS = ("support", "-date", "date")
# The last groupings asked for, keyed by their filters and the state of the events and stories:
# paging through one selection groups it once.
GROUPINGS = "cross-events"
CROSS_KEPT = 8


class TooBroad(ValueError):
    """More per-article events in a selection than one grouping reads."""

    def __init__(self, reports: int, limit: int):
        self.reports, self.limit = reports, limit
        super().__init__(
            f"since/until: {reports:,} reports of events fall in this selection and grouping them "
            f"across sources reads at most {limit:,}: give a type or a shorter date window"
        )


def list_cross_events(
    store: Database,
    *,
    type: str | None = None,
    entity_ids: Iterable[str] = (),
    actor_names: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    certainty: str | None = None,
    sort: str = "support",
    limit: int = 50,
    offset: int = 0,
    max_reports: int | None = None,
    outlets: Iterable[str] | None = None,
) -> queries.Page:
    """Events across sources (:class:`crisol.present.cross_events.CrossEvent`, in its ``to_dict()``
    shape): one item per event however many articles report it, with ``num_articles``,
    ``num_outlets``, ``num_independent_sources``, ``certainty``, ``articles`` and ``outlets``.

    ``entity_ids`` / ``actor_names`` (folded, see :func:`crisol.store.queries.actor_keys`): an actor of some report is
    one of them; ``since``/``until``: the event's date overlaps the window; ``certainty``: the
    weakest level its reports give; ``outlets`` (``articles.outlet`` spellings, an outlet's or a
    collection's: :func:`crisol.service.outlets.outlet_names`): an article of one of them reports
    it. ``sort``: ``support`` (most independent sources first),
    ``-date`` (newest first) or ``date``; undated events come last. Raises :class:`TooBroad`
    when the selection holds more than ``max_reports`` (default :data:`MAX_GROUPED_REPORTS`)
    per-article events.
    """
    queries.check_page(limit, offset)
    if sort not in CROSS_SORTS:
        raise ValueError(f"sort must be one of {', '.join(CROSS_SORTS)}; got {sort!r}")
    most = MAX_GROUPED_REPORTS if max_reports is None else max_reports
    reports = queries.count_event_reports(store, type, since, until, cross.REPORTING_GAP)
    if reports > most:
        raise TooBroad(reports, most)
    ids, names = frozenset(entity_ids), frozenset(actor_names)
    kept = None if outlets is None else frozenset(outlets)
    # the selection's size and the linking state: what the grouping depends on
    key = (
        type and type.upper(),
        since,
        until,
        ids,
        names,
        kept,
        certainty,
        sort,
        reports,
        queries.stories_changed_at(store),
    )
    memo = store.memo(GROUPINGS, CROSS_KEPT)
    rows = memo.get(key)
    if rows is None:
        found = []
        if reports:  # nothing to read otherwise
            found = select_cross_events(
                store,
                type=type,
                entity_ids=ids,
                actor_names=names,
                since=since,
                until=until,
                certainty=certainty,
                sort=sort,
                outlets=kept,
            )
        rows = [e.to_dict() for e in found]
        memo.put(key, rows)
    return queries.Page(rows[offset : offset + limit], len(rows), limit, offset)


def select_cross_events(
    store: Database,
    *,
    type: str | None = None,
    entity_ids: Iterable[str] = (),
    actor_names: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    certainty: str | None = None,
    sort: str = "support",
    outlets: Iterable[str] | None = None,
) -> list[cross.CrossEvent]:
    """Cross-source events matching the filters, all of them (no cap, no cache): an actor of
    some report is one of ``entity_ids`` or carries one of the folded ``actor_names``, the
    event's date overlaps ``since``/``until``, its certainty (the weakest level its reports give)
    is ``certainty``, an article of one of ``outlets`` (spellings; None: any) reports it; ``sort``
    as :func:`list_cross_events`. An event keeps all its reports: the other outlets' count too."""
    ids, names = set(entity_ids), set(actor_names)
    found = stored_events(store, type=type.upper() if type else None, since=since, until=until)
    if ids or names:
        found = [e for e in found if e.has_actor(ids, names)]
    if since or until:
        found = [e for e in found if span_overlaps(date_span(e.date), since, until)]
    if certainty:
        found = [e for e in found if e.certainty == certainty.lower()]
    if outlets is not None:
        kept = set(outlets)
        found = [e for e in found if kept.intersection(e.outlets)]
    if sort != "support":  # by date, undated last either way (the sort is stable)
        dated = [e for e in found if date_span(e.date)]
        dated.sort(key=lambda e: date_span(e.date), reverse=sort == "-date")
        found = dated + [e for e in found if not date_span(e.date)]
    return found
