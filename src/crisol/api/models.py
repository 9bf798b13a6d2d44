"""The API's JSON shapes, named by role: ``XCreate`` comes in, ``XPublic`` goes out, and
``XsPublic`` is a page of them (``data`` plus ``count``, the total matching the filters).
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _Page(_Out):
    count: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int


# ---- ingestion ------------------------------------------------------------------------------


# What a client posts (one object, or a list of them); news-please fields are read too.
class ArticleCreate(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "title": "El ayuntamiento aprueba el presupuesto", "text": "El pleno aprobó ayer...",
        "date": "2025-03-04", "outlet": "Diario de Riomar", "url": "https://example.org/a",
        "language": "es"}]})  # fmt: skip

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


# ---- articles -------------------------------------------------------------------------------


# A line of an article listing.
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


class ArticleQuotePublic(_Out):
    text: str
    kind: str
    speaker: Optional[str] = None
    cue: Optional[str] = None
    start: int
    end: int
    sentence: int
    speaker_entity: Optional[str] = None
    via: Optional[str] = None


class ActorPublic(_Out):
    name: str
    entity_id: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None


class ArticleEventPublic(_Out):
    id: Optional[str] = None
    type: str
    mode: Optional[str] = None
    source: Optional[ActorPublic] = None
    target: Optional[ActorPublic] = None
    sentence: int
    sentence_text: str
    trigger: str
    location: Optional[str] = None
    date: Optional[str] = None
    date_precision: Optional[str] = None
    certainty: str
    attributed_to: Optional[str] = None


# One article in full: clean text, what was removed and why, and every annotation.
class ArticlePublic(_Out):
    id: str
    source: str
    location: Optional[str] = None
    raw_format: str
    title: Optional[str] = None
    outlet: Optional[str] = None
    url: Optional[str] = None
    authors: list[str] = []
    published: Optional[str] = None
    date_source: Optional[str] = None
    fetched: Optional[str] = None
    language: Optional[str] = None
    language_score: Optional[float] = None
    text: str
    text_hash: str
    copy_of: Optional[str] = None
    analysis: Optional[str] = None
    removed: list[RemovedLinePublic] = []
    sentences: list[SentencePublic] = []
    mentions: list[MentionPublic] = []
    dates: list[TimeExpressionPublic] = []
    quotes: list[ArticleQuotePublic] = []
    events: list[ArticleEventPublic] = []


# ---- quotes and events ----------------------------------------------------------------------


# A quote with the article it comes from.
class QuotePublic(_Out):
    id: str
    article_id: str
    text: str
    kind: str
    speaker: Optional[str] = None
    speaker_entity: Optional[str] = None
    cue: Optional[str] = None
    via: Optional[str] = None
    sentence: int
    start: int
    end: int
    outlet: Optional[str] = None
    language: Optional[str] = None
    published: Optional[str] = None
    title: Optional[str] = None


class QuotesPublic(_Page):
    data: list[QuotePublic]


class EventActorPublic(_Out):
    name: str
    entity: Optional[str] = None
    country: Optional[str] = None
    sector: Optional[str] = None


# A PLOVER event with the article it comes from.
class EventPublic(_Out):
    id: str
    article_id: str
    type: str
    mode: Optional[str] = None
    source: Optional[EventActorPublic] = None
    target: Optional[EventActorPublic] = None
    sentence: int
    sentence_text: str
    trigger: str
    location: Optional[str] = None
    date: Optional[str] = None
    date_precision: Optional[str] = None
    certainty: str
    attributed_to: Optional[str] = None
    outlet: Optional[str] = None
    language: Optional[str] = None
    published: Optional[str] = None
    title: Optional[str] = None


class EventsPublic(_Page):
    data: list[EventPublic]


# Events per day and type, for charts.
class EventCountPublic(_Out):
    day: Optional[str] = None
    type: str
    count: int


# ---- entities and stories -------------------------------------------------------------------


class EntityPublic(_Out):
    id: str
    name: str
    type: str
    country: Optional[str] = None
    role: Optional[str] = None
    mentions: int = 0


class EntitiesPublic(_Page):
    data: list[EntityPublic]


class AliasPublic(_Out):
    text: str
    count: int


class CooccurrencePublic(_Out):
    entity_id: str
    name: str
    type: str
    articles: int


# An entity with all its spellings and the entities seen beside it.
class EntityDetailPublic(EntityPublic):
    aliases: list[AliasPublic] = []
    articles: int = 0
    cooccurring: list[CooccurrencePublic] = []


class StoryPublic(_Out):
    id: str
    title: Optional[str] = None
    language: Optional[str] = None
    size: int
    first: Optional[str] = None
    last: Optional[str] = None
    updated: Optional[str] = None


class StoriesPublic(_Page):
    data: list[StoryPublic]


# A story in full: the linking stage's view (summary with citations, timeline, quotes, events,
# differences) when available, else its articles. Fields are only ever added.
class StoryDetailPublic(_Out):
    model_config = ConfigDict(extra="allow")

    id: str
    title: Optional[str] = None
    articles: list[Any] = []


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


class SearchResultsPublic(_Page):
    query: str
    data: list[SearchHitPublic]


class OutletPublic(_Out):
    outlet: str
    articles: int


# What every error looks like (RFC 7807).
class ProblemPublic(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    instance: Optional[str] = None
    input: Optional[str] = Field(None, description="The parameter, upload or body at fault.")
    errors: Optional[list[dict[str, Any]]] = None
