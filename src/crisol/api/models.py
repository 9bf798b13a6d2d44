"""The API's JSON shapes, named by role: ``XCreate`` comes in, ``XPublic`` goes out, and
``XsPublic`` is a page of them (``data`` plus ``count``, the total matching the filters).
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    # Extra fields pass through: the read shapes are built by crisol.store.queries, which the CLI
    # prints too, and a field added there must not vanish from the API alone.
    model_config = ConfigDict(from_attributes=True, extra="allow")


class _Page(_Out):
    count: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int


# ---- ingestion ------------------------------------------------------------------------------


# What a client posts (one object, or a list of them); news-please fields are read too.
class ArticleCreate(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "title": "El ayuntamiento aprueba el presupuesto",
                    "text": "El pleno aprobó ayer...",
                    "date": "2025-03-04",
                    "outlet": "Diario de Riomar",
                    "url": "https://example.org/a",
                    "language": "es",
                }
            ]
        },
    )

    title: Optional[str] = None
    text: Optional[str] = Field(None, description="Plain text (or `html`, or news-please `maintext`).")
    html: Optional[str] = None
    date: Optional[str] = Field(None, description="Publication date as written (or `date_publish`).")
    outlet: Optional[str] = Field(None, description="Outlet name (or `source_domain`).")
    url: Optional[str] = None
    language: Optional[str] = None
    authors: Optional[list[str]] = None


# One rejected record, as `crisol ingest` lists it.
class RejectionPublic(_Out):
    source: str
    location: Optional[str] = None
    reason: str


# One article of an ingested input: stored now (new) or already there.
class IngestedArticlePublic(_Out):
    id: str
    new: bool
    copy_of: Optional[str] = None
    title: Optional[str] = None


# The answer to a POST of articles: what was stored and what was rejected.
class IngestPublic(_Out):
    source: str
    run_id: Optional[int] = None
    new: int
    duplicate: int
    articles: list[IngestedArticlePublic]
    rejected: list[RejectionPublic]


# A background ingest, for clients that do not wait.
class IngestJobPublic(_Out):
    id: str
    source: str
    status: str = Field(description="queued, running, done or failed")
    submitted: str
    result: Optional[IngestPublic] = None
    error: Optional[str] = None


# ---- the read shapes (one per object: the CLI's --format json prints the same) --------------
# crisol.store.queries builds them; docs/api.md lists them. Fields are only ever added.


# An article in a listing (also each of an entity's recent articles).
class ArticleSummaryPublic(_Out):
    id: str
    title: Optional[str] = None
    outlet: Optional[str] = None
    language: Optional[str] = None
    published: Optional[str] = None
    url: Optional[str] = None
    source: str
    copy_of: Optional[str] = None
    analysis: Optional[str] = None
    story: Optional[str] = Field(None, description="The story the article is in, once linked.")


# A page of articles.
class ArticlesPublic(_Page):
    data: list[ArticleSummaryPublic]


class RemovedLinePublic(_Out):
    text: str
    reason: str
    line: Optional[int] = None


class SentencePublic(_Out):
    index: int
    start: int
    end: int
    text: str


class MentionPublic(_Out):
    text: str
    label: str
    start: int
    end: int
    sentence: int
    entity_id: Optional[str] = None
    entity_name: Optional[str] = Field(None, description="The registry entity's name, when linked.")
    canonical: Optional[str] = None
    country: Optional[str] = None
    role: Optional[str] = None
    source: str


class TimeExpressionPublic(_Out):
    text: str
    start: int
    end: int
    sentence: int
    value: Optional[str] = None
    precision: str
    rule: str = ""


class SpeakerPublic(_Out):
    name: Optional[str] = Field(None, description="The registry name when linked, else as written.")
    text: Optional[str] = Field(None, description="The speaker as the article names it.")
    entity_id: Optional[str] = None


# A quote with the article it was read in.
class QuotePublic(_Out):
    id: str = Field(description="ARTICLE:POSITION")
    text: str
    kind: str = Field(description="direct or indirect")
    speaker: SpeakerPublic
    cue: Optional[str] = None
    via: Optional[str] = Field(None, description="The channel it was reported through.")
    sentence: int = Field(description="Index of the sentence it is in.")
    start: int
    end: int
    article: str = Field(description="The id of the article it was read in.")
    outlet: Optional[str] = None
    language: Optional[str] = None
    title: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = None
    story: Optional[str] = None


class QuotesPublic(_Page):
    data: list[QuotePublic]


class ActorPublic(_Out):
    name: str
    entity_id: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None


# A PLOVER event with the article it was read in.
class EventPublic(_Out):
    id: str = Field(description="The event's id, or ARTICLE:POSITION.")
    type: str
    mode: Optional[str] = None
    source: Optional[ActorPublic] = None
    target: Optional[ActorPublic] = None
    location: Optional[str] = None
    date: Optional[str] = None
    date_precision: Optional[str] = None
    date_source: Optional[str] = Field(None, description="text, or published when the date is the article's.")
    certainty: str
    attributed_to: Optional[str] = None
    sentence: str = Field(description="The sentence that reports it.")
    sentence_index: int
    trigger: str
    article: str = Field(description="The id of the article it was read in.")
    outlet: Optional[str] = None
    language: Optional[str] = None
    title: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = None
    story: Optional[str] = None


class EventsPublic(_Page):
    data: list[EventPublic]


# One report of a cross-source event: the sentence of one article telling it.
class CrossEventSentencePublic(_Out):
    article: str
    outlet: Optional[str] = None
    sentence: int = Field(description="Its index in the article (-1: found by name, not coded).")
    text: str
    trigger: Optional[str] = None
    certainty: Optional[str] = None
    date: Optional[str] = None
    date_source: Optional[str] = None
    support: str = Field(description="coded (an annotated event) or mention (a sentence naming both actors).")
    event: Optional[str] = Field(None, description="The per-article event's id, when it has one.")


# One event however many articles report it (crisol.present.cross_events.CrossEvent.to_dict()).
class CrossEventPublic(_Out):
    id: str = Field(description="Stable id of the grouped event (x + 12 hex digits).")
    type: str
    mode: Optional[str] = None
    source: Optional[ActorPublic] = None
    target: Optional[ActorPublic] = None
    location: Optional[str] = None
    date: Optional[str] = None
    date_precision: Optional[str] = None
    date_source: Optional[str] = Field(
        None, description="text, or published when no report dates it in its text."
    )
    certainty: str = Field(description="The weakest level its reports give (one claim per event).")
    certainties: dict[str, list[str]] = Field(description="Every level given, with the articles giving it.")
    attributed_to: list[str] = []
    num_articles: int = Field(description="Articles reporting it.")
    num_outlets: int = Field(description="Outlets reporting it (an article with no known outlet is one).")
    num_independent_sources: int = Field(
        description="Independent sources: copies, rewrites and one wire agency's articles count once."
    )
    articles: list[str]
    outlets: list[str]
    independent_sources: list[str] = Field(description="One article per independent source (its origin).")
    agencies: dict[str, str] = Field(description="Article id -> the wire agency it credits.")
    urls: list[str] = []
    stories: list[str] = []
    sentences: list[CrossEventSentencePublic]


class CrossEventsPublic(_Page):
    data: list[CrossEventPublic]


# Events per day and type, for charts.
class EventCountPublic(_Out):
    day: Optional[str] = None
    type: str
    count: int


# One article in full: clean text, what was removed and why, and every annotation (its quotes
# and events in the shapes of /quotes and /events).
class ArticlePublic(ArticleSummaryPublic):
    location: Optional[str] = None
    agency: Optional[str] = Field(None, description="The wire agency its byline credits (EFE, Reuters...).")
    raw_format: str
    authors: list[str] = []
    date_source: Optional[str] = None
    fetched: Optional[str] = None
    language_score: Optional[float] = None
    text: str
    text_hash: str
    removed: list[RemovedLinePublic] = []
    sentences: list[SentencePublic] = []
    mentions: list[MentionPublic] = []
    entities: list[MentionPublic] = Field(
        [], description="The same as mentions (the name `crisol analyze` uses)."
    )
    dates: list[TimeExpressionPublic] = []
    quotes: list[QuotePublic] = []
    events: list[EventPublic] = []


# ---- entities and stories -------------------------------------------------------------------


class AliasPublic(_Out):
    text: str
    count: int


# A registry entity in a listing: every spelling seen (with counts) and how much it is named.
class EntityPublic(_Out):
    id: str
    name: str
    type: Optional[str] = None
    country: Optional[str] = None
    role: Optional[str] = None
    mentions: int = Field(0, description="The sum of its spellings' counts.")
    aliases: list[AliasPublic] = []
    article_count: int = Field(0, description="Articles naming it.")


class EntitiesPublic(_Page):
    data: list[EntityPublic]


class CooccurrencePublic(_Out):
    id: str
    name: str
    type: Optional[str] = None
    shared_articles: int


# An entity in full: the listing's fields, the ids of the articles naming it (newest first) and
# why each spelling was merged into it, its latest articles, quotes by it, events it is in, and
# the entities named beside it.
class EntityDetailPublic(EntityPublic):
    articles: list[str] = Field([], description="Ids of the articles naming it, newest first.")
    merges: list[dict[str, Any]] = Field(
        [], description="Why each spelling was merged: rule, score, evidence."
    )
    recent_articles: list[ArticleSummaryPublic] = []
    quotes: list[QuotePublic] = []
    events: list[EventPublic] = []
    cooccurring: list[CooccurrencePublic] = []


# A story in a listing.
class StoryPublic(_Out):
    id: str
    title: Optional[str] = None
    language: Optional[str] = None
    size: int = 0
    first: Optional[str] = Field(None, description="Publication time of its first article.")
    last: Optional[str] = Field(None, description="Publication time of its latest article.")
    updated: Optional[str] = None
    articles: list[str] = Field([], description="Ids of its articles, in story order.")
    outlets: list[str] = Field([], description="Its known outlets, each once.")
    num_outlets: int = Field(
        0, description="Outlets that published it (an article with no known outlet counts as one)."
    )


class StoriesPublic(_Page):
    data: list[StoryPublic]


class CitedSentencePublic(_Out):
    text: str
    citations: list[str] = Field(description="Ids of every article that says it.")


class RelationPublic(_Out):
    a: str
    b: str
    kind: str = Field(description="duplicate, near-duplicate or rewrite")
    score: float


# A story in full: the listing's fields and the told story (what `crisol story ID --format
# json` prints). Fields beyond these come from crisol.present and are only ever added.
class StoryDetailPublic(StoryPublic):
    summary: list[CitedSentencePublic] = []
    relations: list[RelationPublic] = []
    timeline: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []


# ---- search ---------------------------------------------------------------------------------


class SearchHitPublic(_Out):
    kind: str = Field(description="article, quote, entity or story")
    ref: str = Field(description="Its id (quotes: ARTICLE:POSITION).")
    title: Optional[str] = None
    snippet: str = Field(description="HTML: escaped text with the matching words in <mark>.")
    score: float = Field(description="Higher is better (bm25 on SQLite, ts_rank on PostgreSQL).")
    article_id: Optional[str] = None
    language: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = None


class SearchExpansionPublic(_Out):
    term: str = Field(description="The query's words (folded) that name a registry entity.")
    entity_id: str
    entity: str = Field(description="The entity's name.")
    also_searched: list[str] = Field(description="The entity's other spellings, searched too (OR).")
    note: str = Field(description='What the faces print: "also searched: A, B (same entity: C)".')


class SearchResultsPublic(_Page):
    query: str
    exact: bool = Field(False, description="True: the words as written only, no registry spellings.")
    expanded: list[SearchExpansionPublic] = Field(
        [], description="Query terms that name a registry entity, searched under its other spellings too."
    )
    data: list[SearchHitPublic]


class OutletPublic(_Out):
    """An outlet on record (crisol.store.outlets): filled from ingest and watch, edited by users."""

    name: str
    outlet: str = Field(description="The same as `name` (the field of the outlet list before records).")
    domains: list[str]
    spellings: list[str] = Field(description="The `outlet` values of its articles.")
    country: Optional[str] = Field(None, description="ISO 3166-1 alpha-3.")
    language: Optional[str] = None
    language_from: Optional[str] = Field(
        None, description="`set`, or `articles`: their most common language."
    )
    media_type: Optional[str] = None
    owner: Optional[str] = None
    notes: Optional[str] = None
    collections: list[str]
    articles: int
    edited: list[str] = Field(description="The fields a user set (filling leaves them alone).")


class OutletUpdate(BaseModel):
    """What PUT /api/outlets/{name} sets; a field left out is unchanged, "" clears it."""

    model_config = ConfigDict(extra="forbid")

    country: Optional[str] = Field(None, description="ISO 3166-1 alpha-3: MEX, ESP...")
    language: Optional[str] = Field(None, description="ISO 639-1: es, en...")
    media_type: Optional[str] = Field(
        None, description="wire-agency, newspaper, magazine, broadcaster, digital-native, blog, government, "
        "organisation, other."
    )  # fmt: skip
    owner: Optional[str] = None
    notes: Optional[str] = None
    domains: list[str] = Field(default_factory=list, description="Domains to add.")
    drop_domains: list[str] = Field(default_factory=list, description="Domains to remove.")


class CollectionSummaryPublic(_Out):
    name: str
    kind: str
    description: Optional[str] = None
    outlets: int


class CollectionPublic(_Out):
    name: str
    kind: str
    description: Optional[str] = None
    created: str
    outlets: list[OutletPublic]
    articles: int


class CollectionUpdate(BaseModel):
    """What PUT /api/collections/{name} sets: made when new; `outlets`, when given, is the
    whole membership (names, spellings or domains)."""

    model_config = ConfigDict(extra="forbid")

    kind: Optional[str] = Field(None, description="geographic, topical or own (default for a new one: own).")
    description: Optional[str] = None
    outlets: Optional[list[str]] = None


# What every error looks like (RFC 7807).
class ProblemPublic(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    instance: Optional[str] = None
    input: Optional[str] = Field(None, description="The parameter, upload or body at fault.")
    errors: Optional[list[dict[str, Any]]] = None
