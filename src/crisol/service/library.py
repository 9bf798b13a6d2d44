"""The Python API: ``crisol.analyze(text)`` and ``crisol.open(db)``.

``import crisol`` loads this module only when one of its names is first used, and
:func:`analyze` loads spaCy only when first called, so ``import crisol`` stays light.

- :func:`analyze` runs one article through the stages every ingest runs (read → clean →
  annotate, :mod:`crisol.service.analyze`) and returns the :class:`~crisol.model.Article`, as
  the store would keep it, without storing it.
- :func:`open` gives a store's read side (:class:`StoreReader`): articles, stories, entities,
  quotes, events and search, each item a plain dict in the JSON shape ``crisol ... --format
  json`` prints and the REST API answers (docs/api.md lists the fields), listings as a
  :class:`~crisol.store.queries.Page` (``items``, ``total``, ``limit``, ``offset``).

>>> import tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> open(f"{folder.name}/typo.db")
Traceback (most recent call last):
...
crisol.errors.NotAStore: .../typo.db: no crisol store there (the file does not exist); open(..., create=True) makes one
>>> with open(f"{folder.name}/news.db", create=True) as store:
...     store.articles().total, store.stories(limit=5).items, store.article("0123") is None
(0, [], True)
>>> folder.cleanup()
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, Iterable

from crisol.errors import NotAStore
from crisol.model import Article, date_span, parse_moment
from crisol.store import Database, open_store
from crisol.store import queries as qa
from crisol.store import search as fts
from crisol.store.queries import Filters, Page

When = datetime | date | str | None  # a moment: a datetime, a date (the whole day) or ISO 8601 text


def analyze(text_or_html: str | bytes, language: str | None = None) -> Article:
    """Analyse one article without storing it: clean text, removed parts with their reasons,
    language, sentences, entities, dates, quotes and PLOVER events.

    ``text_or_html`` is the article as plain text (title on the first line), an HTML page, or
    one JSON record with its fields (``title``, ``text``, ``outlet``...), as str or bytes;
    ``language`` (ISO 639-1) overrides detection. A ValueError says why an input holds no
    article (empty, binary, too short, only boilerplate, several articles).

    >>> article = analyze('''Protestas en Lima
    ...
    ... La presidenta de Perú, Dina Boluarte, anunció el lunes nuevas medidas.
    ... "No habrá más demoras", dijo Boluarte en una rueda de prensa.''')
    >>> article.language, article.title
    ('es', 'Protestas en Lima')
    >>> sorted({m.text for m in article.mentions if m.label == "PER"})
    ['Boluarte', 'Dina Boluarte']
    >>> [(q.kind, q.speaker, q.text) for q in article.quotes]
    [('stance', 'Dina Boluarte', 'nuevas medidas'), ('direct', 'Dina Boluarte', 'No habrá más demoras')]
    >>> analyze("")
    Traceback (most recent call last):
    ...
    ValueError: empty input: nothing to analyse
    """
    from crisol.service.analyze import analyze_one  # lazy: spaCy (~1 s), only to analyse

    return analyze_one(text_or_html, language)


def open(db: str | os.PathLike[str], *, create: bool = False) -> StoreReader:
    """The read side of the store at ``db``: an SQLite file path or a ``postgresql://`` URL.

    A missing file or an empty database is refused with :class:`~crisol.errors.NotAStore`
    unless ``create`` (then an empty store is made), and so is always a file or database that
    is something else. Use it in a ``with`` block, or call ``close()``.
    """
    try:
        return StoreReader(open_store(os.fspath(db), create=create))
    except NotAStore as e:
        if not e.creatable:
            raise
        raise NotAStore(f"{e}; open(..., create=True) makes one", creatable=True) from None


@dataclass
class SearchPage(Page):
    """A page of search hits (``items``: what ``GET /api/search`` lists under ``data``), with
    the ``query`` and the registry spellings it was ``expanded`` with (none when ``exact``)."""

    query: str = ""
    exact: bool = False
    expanded: list[dict[str, Any]] = field(default_factory=list)


class StoreReader:
    """A store's read side, as the CLI and the REST API see it (see the module docstring).

    Filters take the same names as ``crisol articles`` and ``GET /api/articles``: ``outlet``
    (any case), ``collection`` (its outlets; ``crisol collections``), ``language``, ``since`` / ``until`` (a datetime, a date meaning that whole day, or
    ISO 8601 text), ``entity`` (a registry id); ``sort`` is a key, ``-`` first for descending.
    Ids may be unambiguous prefixes.
    """

    def __init__(self, db: Database):
        self._db = db

    @property
    def where(self) -> str:
        """The store's URL (without its password)."""
        return self._db.where

    def __repr__(self) -> str:
        return f"<crisol store {self.where}>"

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _filters(
        self, outlet: str | None, collection: str | None, language: str | None, since: When, until: When
    ) -> Filters:
        """The listing filters, the outlet and collection looked up once (an unknown collection
        raises :class:`~crisol.store.outlets.UnknownName`, a ValueError naming it)."""
        return Filters(
            outlet=outlet,
            language=language,
            since=_moment(since, "since"),
            until=_moment(until, "until", end_of_day=True),
            collection=collection,
        ).resolved(self._db)

    # ---- articles ------------------------------------------------------------------------------

    def articles(
        self,
        *,
        outlet: str | None = None,
        collection: str | None = None,
        language: str | None = None,
        since: When = None,
        until: When = None,
        entity: str | None = None,
        sort: str = "-published",
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Article summaries (id, title, outlet, language, published, story...); sort:
        published, ingested, id."""
        filters = self._filters(outlet, collection, language, since, until)
        return qa.list_articles(self._db, filters, entity=entity, sort=sort, limit=limit, offset=offset)

    def article(self, id: str) -> dict[str, Any] | None:
        """One article in full (text, removed lines with reasons, entities, quotes, events,
        its story), or None; a prefix naming several raises :class:`~crisol.store.AmbiguousId`."""
        return qa.get_article(self._db, id)

    def outlets(self) -> list[dict[str, Any]]:
        """The outlets with their number of articles, most first."""
        return qa.outlets(self._db)

    # ---- stories -------------------------------------------------------------------------------

    def stories(
        self,
        *,
        outlet: str | None = None,
        collection: str | None = None,
        language: str | None = None,
        since: When = None,
        until: When = None,
        entity: str | None = None,
        sort: str = "-last",
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Stories with their articles and outlets, most recently active first; ``since`` /
        ``until`` bound their last article; ``outlet`` / ``collection`` keep the stories with an
        article of theirs; sort: last, first, size, updated."""
        return qa.list_stories(
            self._db,
            outlet=outlet,
            collection=collection,
            language=language,
            since=_moment(since, "since"),
            until=_moment(until, "until", end_of_day=True),
            entity=entity,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    def story(self, id: str) -> dict[str, Any] | None:
        """One story in full (cited summary, timeline, quotes, events, differences...), or None.
        ``id`` may also be one of its articles, or a story merged into this one since."""
        from crisol.service import views  # lazy: presenting a story loads the sentence embedder

        return views.get_story(self._db, self._db.links.merged_target(id) or id)

    # ---- entities, quotes, events --------------------------------------------------------------

    def entities(
        self,
        *,
        type: str | None = None,
        country: str | None = None,
        q: str | None = None,
        sort: str = "-mentions",
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Registry entities with their spellings, most mentioned first; ``q`` matches the
        start of the name or of any spelling; sort: mentions, name."""
        return qa.list_entities(
            self._db, type=type, country=country, q=q, sort=sort, limit=limit, offset=offset
        )

    def entity(self, name: str, *, limit: int = 50) -> dict[str, Any] | None:
        """One entity by id, name or any spelling (accents and case ignored), in full: its
        spellings and why each was merged, articles, quotes, events (at most ``limit`` of
        each), the entities named beside it; None when unknown. A name shared by several
        entities raises ValueError listing them."""
        from crisol.service.entities import find_entity

        queries = self._db.annotations
        found = find_entity(queries, name)
        if found.entity is not None:
            return qa.entity_detail(queries, found.entity, limit)
        if found.candidates:
            shown = ", ".join(f"{e.id} ({e.name})" for e in found.candidates[:10])
            raise ValueError(f"{name!r} names {len(found.candidates)} entities: {shown}; give an id")
        return None

    def quotes(
        self,
        *,
        outlet: str | None = None,
        collection: str | None = None,
        language: str | None = None,
        since: When = None,
        until: When = None,
        entity: str | None = None,
        speaker: str | None = None,
        kind: str | None = None,
        article: str | None = None,
        sort: str = "-published",
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Quotes with their article; ``entity`` is the speaker's registry id, ``speaker`` the
        name as written, ``kind`` direct, indirect or stance; sort: published, speaker."""
        return qa.list_quotes(
            self._db,
            self._filters(outlet, collection, language, since, until),
            entity=entity,
            speaker=speaker,
            kind=kind,
            article=article,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    def events(
        self,
        *,
        outlet: str | None = None,
        collection: str | None = None,
        language: str | None = None,
        since: When = None,
        until: When = None,
        type: str | None = None,
        certainty: str | None = None,
        entity: str | None = None,
        article: str | None = None,
        sort: str = "-published",
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """PLOVER events, one per article that reports it (``GET /api/events``); ``entity``
        is either actor's registry id; sort: published, date, type."""
        return qa.list_events(
            self._db,
            self._filters(outlet, collection, language, since, until),
            type=type,
            certainty=certainty,
            entity=entity,
            article=article,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    def grouped_events(
        self,
        *,
        type: str | None = None,
        certainty: str | None = None,
        entity: str | None = None,
        actor: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        sort: str = "support",
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Events across sources, as bare ``crisol events`` lists them: one item per event
        with its numbers of articles, outlets and independent sources. ``since`` / ``until``
        (a date, or YYYY-MM-DD, YYYY-MM, YYYY) bound the event's own date; sort: support
        (most independent sources first), -date, date."""
        from crisol.service import events  # lazy: grouping loads the event linker

        ids, names = qa.actor_keys(self._db, entity, actor) if entity or actor else (set(), set())
        return events.list_cross_events(
            self._db,
            type=type,
            entity_ids=ids,
            actor_names=names,
            since=_day(since, "since"),
            until=_day(until, "until", last=True),
            certainty=certainty,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    # ---- search --------------------------------------------------------------------------------

    def search(
        self,
        q: str,
        *,
        kinds: Iterable[str] | None = None,
        outlet: str | None = None,
        collection: str | None = None,
        language: str | None = None,
        since: When = None,
        until: When = None,
        exact: bool = False,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        """Ranked matches for ``q`` over articles, quotes, entities and stories (``kinds``
        chooses), best first: words (all must match), "a phrase", word*, a OR b; accents and
        word endings do not matter. A name of a registry entity also finds its other spellings
        (listed in ``expanded``) unless ``exact``."""
        from crisol.service.search import expansion_dict, hit_dict

        fts.catch_up_if_free(self._db)  # as `crisol search`: index what was stored without it
        got = fts.search(
            self._db,
            q,
            kinds=list(kinds) if kinds is not None else None,
            language=language,
            outlet=outlet,
            collection=collection,
            since=_moment(since, "since"),
            until=_moment(until, "until", end_of_day=True),
            limit=limit,
            offset=offset,
            exact=exact,
        )
        return SearchPage(
            [hit_dict(h) for h in got.hits],
            got.total,
            got.limit,
            got.offset,
            query=q,
            exact=exact,
            expanded=[expansion_dict(e) for e in got.expansions],
        )


def _moment(value: When, name: str, end_of_day: bool = False) -> datetime | None:
    """A filter's moment as an aware datetime (naive read as UTC); a date, or ISO text holding
    only a date, is the start of that day, or its end for ``until``.

    >>> _moment("2025-07-12", "until", end_of_day=True).isoformat()
    '2025-07-12T23:59:59.999999+00:00'
    >>> _moment("12/07/2025", "since")
    Traceback (most recent call last):
    ...
    ValueError: since='12/07/2025' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_moment(value.strip(), end_of_day)
        except ValueError:
            raise ValueError(f"{name}={value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=timezone.utc)
    raise TypeError(f"{name} takes a datetime, a date or ISO 8601 text, not {type(value).__name__}")


def _day(value: date | str | None, name: str, last: bool = False) -> date | None:
    """An event-date bound: a date, or a day, month or year as text (its first or last day)."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    span = date_span(value.strip())
    if span is None:
        raise ValueError(f"{name}={value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    return span[1] if last else span[0]


__all__ = ["SearchPage", "StoreReader", "analyze", "open"]
