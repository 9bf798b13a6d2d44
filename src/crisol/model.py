"""The vocabulary every stage speaks.

An input becomes one or more :class:`RawArticle` (``read``), each becomes an :class:`Article`
(``clean``), which ``annotate`` fills with sentences, mentions, dates, quotes and events, and
``link`` relates to other articles (duplicates, stories, registry entities). Only ``store`` knows
about tables, only ``read`` about file formats, only ``annotate`` about spaCy.

These are plain dataclasses: no behaviour beyond small conveniences, so every stage can be tested
with hand-built values.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, Literal

# Where a publication date came from, most to least trustworthy.
DateSource = Literal["metadata", "dateline", "url", "feed", "fetch"]

# The input formats a reader can produce (recorded on each article).
RawFormat = Literal["text", "html", "news-please", "json", "csv", "rss", "atom", "warc"]


@dataclass
class RawArticle:
    """One article as a reader found it, before any cleaning.

    ``data`` holds the exact bytes of this article's part of the input (the whole file for a text
    or HTML file, the line for JSON Lines, the item for a feed, the HTTP payload for WARC), so the
    original can be stored byte for byte. ``meta`` carries whatever the format itself says
    (title, text, url, date, outlet, language, authors, fetched...), already decoded to ``str``.
    """

    source: str  # the input path, "-" for stdin, or a URL
    data: bytes
    format: RawFormat
    location: str | None = None  # inside the input: "line 12", "record 3", "item 7"
    meta: dict[str, Any] = field(default_factory=dict)
    # The input's resolved path (set by the reader); the id hashes it in place of ``source``, so
    # it does not depend on how the path was typed. None: ``source`` is used.
    origin: str | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        """Human-readable place of this article, for messages: ``path (line 12)``."""
        return f"{self.source} ({self.location})" if self.location else self.source

    @property
    def id(self) -> str:
        """Stable content id: a hash of the bytes and of where they came from.

        The same input ingested twice gets the same id (so nothing is added twice); the same bytes
        from two places get two ids, linked later through ``Article.text_hash``.
        """
        place = self.origin or self.source
        where = f"{place} ({self.location})" if self.location else place
        h = hashlib.sha256()
        h.update(where.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(self.data)
        return h.hexdigest()[:16]


@dataclass
class RemovedLine:
    """A piece of the input the cleaner dropped, and why (nothing is lost silently)."""

    text: str
    reason: str  # caption, credit, byline, dateline, related-links, headline-list, masthead,
    # repeated-headline, share-prompt, padding, ...
    line: int | None = None  # 1-based line number in the decoded input, when it has lines


@dataclass
class Sentence:
    index: int
    start: int  # character offsets into Article.text
    end: int
    text: str


@dataclass
class Mention:
    """An entity mention in one article."""

    text: str
    label: str  # PER, ORG, LOC, GPE, MISC, NORP (demonym/nationality)
    start: int
    end: int
    sentence: int
    entity_id: str | None = None  # registry entity, set by link.entities
    canonical: str | None = None  # best known full name (after in-article short-form resolution)
    country: str | None = None  # ISO 3166-1 alpha-3 where it applies (RUS, PRK...)
    role: str | None = None  # head-of-state, foreign-minister, agency...
    source: str = "ner"  # "gazetteer", "ner", "rule"


@dataclass
class TimeExpression:
    """A date expression found in the text, resolved against the publication date."""

    text: str
    start: int
    end: int
    sentence: int
    value: str | None  # ISO date "2025-07-12", month "2025-06", year "2024", season "2024-summer"
    precision: Literal["day", "month", "season", "year", "unresolved"]
    rule: str = ""  # which rule resolved it, for auditing


@dataclass
class Actor:
    name: str
    entity_id: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: str | None = None  # GOV, MIL, MED, BUS, CVL, REB, IGO, ...

    @property
    def code(self) -> str:
        return " ".join(p for p in (self.country, self.sector) if p)


@dataclass
class Quote:
    """Who said what, and through whom it was reported."""

    text: str  # the content span
    kind: Literal["direct", "indirect", "stance"]  # stance: "criticized the plan" (what was judged)
    speaker: str | None  # surface name of the speaker, resolved through pronouns when possible
    cue: str | None  # the verb or phrase introducing it: dijo, afirmó, según, said...
    start: int
    end: int
    sentence: int
    speaker_entity: str | None = None  # registry entity id
    via: str | None = None  # channel it was reported through: "KCNA", "TASS", "la diplomacia rusa"


Certainty = Literal["asserted", "attributed", "alleged", "denied", "hypothetical"]


@dataclass
class Event:
    """A PLOVER-coded event: who did what to whom, where, when, and how sure the source is."""

    type: str  # PLOVER event type: CONSULT, SUPPORT, AID, AGREE, COOPERATE, ASSAULT, PROTEST...
    mode: str | None  # PLOVER mode: visit, verbal, military, sign...
    source: Actor | None
    target: Actor | None
    sentence: int
    sentence_text: str
    trigger: str  # the words that coded it
    location: str | None = None
    date: str | None = None  # resolved ISO value, with date_precision
    date_precision: str | None = None  # day, month, season or year
    certainty: Certainty = "asserted"
    attributed_to: str | None = None  # "KCNA" when certainty is attributed
    id: str | None = None
    # Where the date came from: "text" (a time expression of the event's clause or sentence) or
    # "published" (the article's publication day, for want of one); None when there is no date.
    date_source: str | None = None


@dataclass
class Article:
    """A cleaned article, the unit that flows through annotate, link and store."""

    id: str
    source: str
    raw: bytes
    raw_format: RawFormat
    text: str
    location: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    date_source: DateSource | None = None
    fetched: datetime | None = None
    language: str | None = None
    language_score: float | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    # Filled by annotate; `analysis` says what was done ("full", "partial: no model for 'de'").
    analysis: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    dates: list[TimeExpression] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # Set by the store: id of the first stored article with the same text_hash (exact copy).
    copy_of: str | None = None
    # The wire agency the byline credits ("Por Redacción / EFE" -> "EFE"); not the outlet.
    agency: str | None = None

    @property
    def text_hash(self) -> str:
        """Hash of the normalised clean text: equal for exact copies from different inputs."""
        norm = " ".join(self.text.split()).casefold()
        return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (also what ``crisol export`` writes). Fields are only added."""
        d = asdict(self)
        d.pop("raw")
        d["published"] = self.published.isoformat() if self.published else None
        d["fetched"] = self.fetched.isoformat() if self.fetched else None
        d["text_hash"] = self.text_hash
        return d


def as_utc(when: datetime | None) -> datetime | None:
    """``when`` as an aware UTC time, as the store hands times back (naive is read as UTC)."""
    if when is None:
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def time_key(when: datetime | None) -> tuple[bool, datetime]:
    """A sort key for publication times: undated last, naive times read as UTC, so dated and
    undated, naive and aware times can share one sort (comparing naive with aware raises).

    >>> from datetime import date, datetime, timezone
    >>> aware = datetime(2025, 7, 1, tzinfo=timezone.utc)
    >>> sorted([None, aware, datetime(2025, 6, 1)], key=time_key)[0].month, time_key(None) > time_key(aware)
    (6, True)
    """
    if when is None:
        return True, _EPOCH
    return False, when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def storable(text: str) -> str:
    r"""``text`` as every store can hold it: a file name's undecodable bytes (surrogate escapes,
    as ``os.fsdecode`` gives them) become U+FFFD, NUL is dropped.

    >>> storable("informe-\udce9t\udce9.txt\x00") == "informe-\ufffdt\ufffd.txt"
    True
    """
    if text.isascii() and "\x00" not in text:
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "")


@dataclass
class Rejection:
    """An input (or part of one) that could not be read, with the reason, for the run report."""

    source: str
    reason: str
    location: str | None = None

    def __post_init__(self) -> None:  # a name or a reason the store could not hold would sink the run
        self.source, self.reason = storable(self.source), storable(self.reason)
        self.location = storable(self.location) if self.location is not None else None

    @property
    def where(self) -> str:
        return f"{self.source} ({self.location})" if self.location else self.source

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


# Seasons in resolved dates ("2024-winter"): first and last month (14 = February of next year).
SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}


def parse_moment(text: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time as an aware datetime (UTC when naive); a bare date is the
    start of that day, or its end with ``end_of_day`` (so a bare ``until`` includes the day).
    ``ValueError`` saying what to write when it is no date. The CLI, API, pages and Python API
    filters all read their moments with it.

    >>> parse_moment("2025-07-12", end_of_day=True).isoformat()
    '2025-07-12T23:59:59.999999+00:00'
    """
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if len(text) <= 10 and end_of_day:  # a bare date
        parsed = datetime.combine(parsed.date(), time.max)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def date_span(value: str | None) -> tuple[date, date] | None:
    """The first and last day a resolved date value covers (None when it is not a date).

    >>> date_span("2025-02")
    (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
    >>> date_span("2024-winter")
    (datetime.date(2024, 12, 1), datetime.date(2025, 2, 28))
    >>> date_span("soon") is None
    True
    """
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        if parts[1] in SEASON_MONTHS:
            first, last = SEASON_MONTHS[parts[1]]
            end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
            return date(year, first, 1), date(
                end_year, end_month, calendar.monthrange(end_year, end_month)[1]
            )
        month = int(parts[1])
        if len(parts) == 2:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(parts[2][:2]))
        return day, day
    except (ValueError, IndexError):
        return None


def span_overlaps(span: tuple[date, date] | None, since: date | None, until: date | None) -> bool:
    """Whether a date span (:func:`date_span`) overlaps the window ``since``..``until`` (either
    may be open); an undated event (no span) cannot be placed inside a window.

    >>> span_overlaps(date_span("2025-02"), date(2025, 2, 20), None)
    True
    >>> span_overlaps(None, None, None), span_overlaps(None, date(2025, 1, 1), None)
    (True, False)
    """
    if since is None and until is None:
        return True
    if span is None:
        return False
    return (since is None or span[1] >= since) and (until is None or span[0] <= until)
