"""The tables, as SQLAlchemy Core metadata (portable: SQLite and PostgreSQL).

This is the schema the code reads and writes; the Alembic migrations in ``migrations/versions``
create it, and a test checks that both agree (autogenerate finds no difference).

Annotation tables mirror :mod:`crisol.model` one to one; each row carries its ``position`` in
the article's list so an article loads back exactly as it was stored. Character offsets are
``char_start``/``char_end`` (``end`` is an SQL keyword).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import TSVECTOR


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp on every backend, normalised to UTC.

    SQLite has no time zone type: SQLAlchemy would hand back naive values. Storing UTC and
    re-attaching it on the way out keeps comparisons and ordering right everywhere. A naive value
    coming in is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        # SQLite stores the text form; a naive UTC value keeps it sortable as text.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


ID = String(32)  # article ids are 16 hex characters today; room to grow
CASCADE = {"ondelete": "CASCADE"}

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
)

articles = Table(
    "articles",
    metadata,
    Column("id", ID, primary_key=True),
    Column("source", Text, nullable=False, index=True),
    Column("location", Text),
    Column("url", Text),
    Column("outlet", String(200)),
    Column("title", Text),
    Column("published", UTCDateTime),
    Column("date_source", String(16)),
    Column("fetched", UTCDateTime),
    Column("language", String(16)),
    Column("language_score", Float),
    Column("text", Text, nullable=False),
    Column("text_hash", String(32), nullable=False, index=True),
    Column("authors", JSON, nullable=False),
    Column("raw_format", String(16), nullable=False),
    Column("analysis", Text),
    # The first stored article with the same clean text: exact copies from other places.
    Column("copy_of", ID, ForeignKey("articles.id"), index=True),
    Column("ingested_at", UTCDateTime, nullable=False),
    # The wire agency the byline credits (migration 0006_sources; NULL: none, or stored before).
    Column("agency", String(200)),
)

# The input bytes of each article, byte for byte, apart from the rows listing articles.
raw_inputs = Table(
    "raw_inputs",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", **CASCADE), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)


def _child(name: str, *columns: Column) -> Table:
    """A table of things belonging to one article, kept in the article's order."""
    return Table(
        name,
        metadata,
        Column("article_id", ID, ForeignKey("articles.id", **CASCADE), primary_key=True),
        Column("position", Integer, primary_key=True, autoincrement=False),
        *columns,
    )


removed_lines = _child(
    "removed_lines",
    Column("line", Integer),
    Column("text", Text, nullable=False),
    Column("reason", String(64), nullable=False),
)

sentences = _child(
    "sentences",
    Column("sentence", Integer, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

mentions = _child(
    "mentions",
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("sentence", Integer, nullable=False),
    Column("entity_id", String(64)),
    Column("canonical", Text),
    Column("country", String(8)),
    Column("role", String(64)),
    Column("source", String(16), nullable=False),
)

time_expressions = _child(
    "time_expressions",
    Column("text", Text, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("sentence", Integer, nullable=False),
    Column("value", String(32)),
    Column("precision", String(16), nullable=False),
    Column("rule", String(64), nullable=False),
)

quotes = _child(
    "quotes",
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("speaker", Text),
    Column("cue", Text),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("sentence", Integer, nullable=False),
    Column("speaker_entity", String(64)),
    Column("via", Text),
)


def _actor_columns(role: str) -> list[Column]:
    return [
        Column(f"{role}_name", Text),
        Column(f"{role}_entity", String(64)),
        Column(f"{role}_country", String(8)),
        Column(f"{role}_sector", String(16)),
    ]


events = _child(
    "events",
    Column("event_id", String(64)),
    Column("type", String(32), nullable=False),
    Column("mode", String(32)),
    *_actor_columns("source"),
    *_actor_columns("target"),
    Column("sentence", Integer, nullable=False),
    Column("sentence_text", Text, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("location", Text),
    Column("date", String(32)),
    Column("date_precision", String(16)),
    Column("certainty", String(16), nullable=False),
    Column("attributed_to", Text),
    # "text" or "published": where the date came from (0006_sources; NULL: no date, or stored before).
    Column("date_source", String(16)),
)

# One row per input file (fingerprint: size, mtime, head hash), written in the same transaction
# as its last article, so a restarted run skips exactly the inputs already finished.
inputs = Table(
    "inputs",
    metadata,
    Column("fingerprint", String(128), primary_key=True),
    Column("source", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("articles", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started", UTCDateTime, nullable=False),
    Column("finished", UTCDateTime),
    Column("counts", JSON),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", **CASCADE), index=True),
    Column("source", Text, nullable=False),
    Column("location", Text),
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

# ---- linking: the entity registry, article profiles, relations, stories (0003_link, 0007) ----

ENTITY = String(64)
STORY = String(16)

entities = Table(
    "entities",
    metadata,
    Column("id", ENTITY, primary_key=True),
    Column("name", Text, nullable=False, index=True),
    Column("type", String(16), nullable=False),
    Column("country", String(8)),
    Column("role", String(64)),
    Column("data", JSON, nullable=False),
)

entity_aliases = Table(
    "entity_aliases",
    metadata,
    Column("entity_id", ENTITY, ForeignKey("entities.id", **CASCADE), primary_key=True),
    Column("text", String(300), primary_key=True, index=True),
    Column("count", Integer, nullable=False),
)

article_profiles = Table(
    "article_profiles",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", **CASCADE), primary_key=True),
    Column("embedding", LargeBinary, nullable=False),
    Column("names", JSON, nullable=False),
    Column("keys", JSON, nullable=False),
)

relations = Table(
    "relations",
    metadata,
    Column("a", ID, ForeignKey("articles.id", **CASCADE), primary_key=True),
    Column("b", ID, ForeignKey("articles.id", **CASCADE), primary_key=True, index=True),
    Column("kind", String(16), primary_key=True),
    Column("score", Float, nullable=False),
    Column("detail", JSON, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", STORY, primary_key=True),
    Column("title", Text),
    Column("language", String(8)),
    Column("size", Integer, nullable=False),
    Column("first", UTCDateTime),
    Column("last", UTCDateTime, index=True),
    Column("merged_into", STORY),
    Column("updated", UTCDateTime, nullable=False),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", **CASCADE), primary_key=True),
    Column("story_id", STORY, ForeignKey("stories.id", **CASCADE), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("position", Integer, nullable=False),
)

story_history = Table(
    "story_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("story_id", STORY, nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("article_id", ID),
    Column("other_story", STORY),
    Column("score", Float),
    Column("at", UTCDateTime, nullable=False),
)

# What ``crisol.present`` made of a story (migration 0007): readers serve it while
# ``story_updated`` is at least the story's ``updated``, instead of presenting it again.
story_views = Table(
    "story_views",
    metadata,
    Column("story_id", STORY, ForeignKey("stories.id", **CASCADE), primary_key=True),
    Column("story_updated", UTCDateTime, nullable=False),
    Column("computed", UTCDateTime, nullable=False),
    Column("view", JSON, nullable=False),
)


# ---- watch: sources, feeds, URLs, versions, polls (0004_watch) --------------------------------

URL = String(2048)
NAME = String(200)

watch_sources = Table(
    "watch_sources",
    metadata,
    Column("name", NAME, primary_key=True),
    Column("country", String(8)),
    Column("language", String(16)),
    Column("last_poll", UTCDateTime),
    Column("last_success", UTCDateTime),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("consecutive_errors", Integer, nullable=False),
    Column("next_poll", UTCDateTime),
)

# Validators of each feed or sitemap, for conditional requests.
watch_feeds = Table(
    "watch_feeds",
    metadata,
    Column("url", URL, primary_key=True),
    Column("source", NAME, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("last_fetched", UTCDateTime),
    Column("last_status", Integer),
)

# One row per canonical article URL (and per alias that led to one).
watch_urls = Table(
    "watch_urls",
    metadata,
    Column("url", URL, primary_key=True),
    Column("link", URL, nullable=False),  # the address as the feed gave it (what is fetched)
    # pending, stored, unchanged, rejected, failed, alias
    Column("source", NAME, nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_fetched", UTCDateTime),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("text_hash", String(32)),
    Column("article_id", ID),  # the latest version
    Column("versions", Integer, nullable=False),
    Column("item_date", Text),  # the feed's published/updated stamp when last seen
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("alias_of", URL),
)

watch_versions = Table(
    "watch_versions",
    metadata,
    Column("article_id", ID, ForeignKey("articles.id", **CASCADE), primary_key=True),
    Column("url", URL, nullable=False, index=True),
    Column("source", NAME, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("previous_id", ID),
    Column("fetched", UTCDateTime, nullable=False),
)

watch_polls = Table(
    "watch_polls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", NAME, nullable=False, index=True),
    Column("started", UTCDateTime, nullable=False),
    Column("finished", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("new", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("error", Text),
)
WATCH_TABLES = (watch_sources, watch_feeds, watch_urls, watch_versions, watch_polls)


# ---- outlets and collections (0008_outlets) ---------------------------------------------------
#
# An outlet is a publisher as a record: the names its articles carry (``articles.outlet``, in
# every spelling seen), its web domains, and what the user or the sources file says of it. A
# collection is a named group of outlets ("Mexico national", "wire agencies"). Listings filter on
# a collection through its outlets' spellings, which the ``(outlet, published)`` index reads.

outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", NAME, nullable=False),
    Column("key", NAME, nullable=False),  # the name folded (crisol.text.outlet_key): unique
    Column("country", String(8)),
    Column("language", String(16)),  # NULL: its articles' most common language is shown
    Column("media_type", String(32)),
    Column("owner", Text),
    Column("notes", Text),
    Column("edited", JSON, nullable=False),  # the fields the user set: filling never overwrites them
    Column("first_seen", UTCDateTime, nullable=False),
    UniqueConstraint("key", name="uq_outlets_key"),
)

# Every ``articles.outlet`` value that names an outlet, exactly as stored.
outlet_spellings = Table(
    "outlet_spellings",
    metadata,
    Column("spelling", NAME, primary_key=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id", **CASCADE), nullable=False, index=True),
)

outlet_domains = Table(
    "outlet_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id", **CASCADE), nullable=False, index=True),
)

collections = Table(
    "collections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", NAME, nullable=False),
    Column("key", NAME, nullable=False),
    Column("kind", String(16), nullable=False),  # geographic, topical, own
    Column("description", Text),
    Column("created", UTCDateTime, nullable=False),
    UniqueConstraint("key", name="uq_collections_key"),
)

collection_outlets = Table(
    "collection_outlets",
    metadata,
    Column("collection_id", Integer, ForeignKey("collections.id", **CASCADE), primary_key=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id", **CASCADE), primary_key=True, index=True),
)
OUTLET_TABLES = (outlets, outlet_spellings, outlet_domains, collections, collection_outlets)


# ---- full-text search: one row per searchable thing (0005_search) -----------------------------

search_docs = Table(
    "search_docs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("ref", String(128), nullable=False),
    Column("article_id", String(32), index=True),
    Column("language", String(16)),
    Column("outlet", String(200)),
    Column("published", UTCDateTime),
    Column("title", Text),
    Column("body", Text),  # NULL for articles: their text is read from `articles`
    # PostgreSQL's index (a GIN-indexed tsvector); unused on SQLite, which indexes in search_fts.
    Column("tsv", Text().with_variant(TSVECTOR(), "postgresql")),
    UniqueConstraint("kind", "ref", name="uq_search_docs_kind"),
    Index("ix_search_docs_tsv", "tsv", postgresql_using="gin"),
)

# ---- indexes for the read side's filtered, sorted listings (migration 0005_indexes) ----------
#
# Listings filter on an equality (outlet, language, event type) and sort newest first with the
# id as tie-break: ``ORDER BY published DESC NULLS LAST, id``. An index on (filter, published
# DESC, id) hands rows over in exactly that order, so a page is read from the index and stops
# after LIMIT rows (SQLite puts NULLs last in a DESC index, as the sort asks; PostgreSQL pages
# its dated and undated rows apart). A trailing column makes the other filter readable from the
# index, so counting outlet + language + date never touches the wide article rows. These
# replace the single-column indexes on outlet, language, published, events.type and
# mentions.entity_id (each is the leading column of one here).
_a, _e = articles.c, events.c
Index("ix_articles_published_id", _a.published.desc(), _a.id)
Index("ix_articles_outlet_published", _a.outlet, _a.published.desc(), _a.id, _a.language)
Index("ix_articles_language_published", _a.language, _a.published.desc(), _a.id, _a.outlet)
# Events of a type by their own date (the events page's sort), and by either actor.
Index("ix_events_type_date", _e.type, _e.date.desc(), _e.article_id, _e.position)
Index("ix_events_source_entity", _e.source_entity)
Index("ix_events_target_entity", _e.target_entity)
# Quotes by a registry speaker; articles mentioning an entity (read from the index alone).
Index("ix_quotes_speaker_entity", quotes.c.speaker_entity)
Index("ix_mentions_entity_article", mentions.c.entity_id, mentions.c.article_id)
# Attention over time (migration 0009): a selection's articles by id (search matches, an
# entity's, a story's), with what they are counted by, read without the wide article rows.
Index("ix_articles_attention", _a.id, _a.published, _a.outlet, _a.language, _a.copy_of, _a.agency)

# Articles in the order they were stored: what saved searches count from (0010_saved_searches).
Index("ix_articles_ingested_id", _a.ingested_at, _a.id)

# ---- saved searches and their alerts (0010_saved_searches) ------------------------------------
#
# A search query (with its filters), an entity or a story, saved under a name. ``seen`` and
# ``notified`` are high-water marks ({"at", "article", "history"}: the last article stored and
# the last story_history row accounted for): what is past ``seen`` is new to the reader, what
# is past ``notified`` is not yet delivered to the webhook.
saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", NAME, nullable=False),
    Column("kind", String(16), nullable=False),  # search, entity, story
    Column("target", Text, nullable=False),  # the query, the entity id or the story id
    Column("language", String(16)),
    Column("outlet", String(200)),
    Column("webhook", URL),
    Column("created", UTCDateTime, nullable=False),
    Column("seen", JSON, nullable=False),
    Column("notified", JSON, nullable=False),
    Column("notify_error", Text),  # why the last delivery failed (NULL: it did not)
    UniqueConstraint("name", name="uq_saved_searches_name"),
)

# Children of an article, in the order they are written and loaded.
ARTICLE_CHILDREN = (raw_inputs, removed_lines, sentences, mentions, time_expressions, quotes, events)
