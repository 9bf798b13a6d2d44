"""The archive's one fixed schema: an analysed article as an Arrow row, and back, without loss.

Every column is a real Arrow type (structs and lists, not JSON strings), so DuckDB, Spark or
pandas query the annotations directly (``UNNEST(mentions)``, ``events[1].source.country``).

Times keep what the input said: ``published`` and ``fetched`` are UTC instants (queryable,
comparable), and ``published_offset`` / ``fetched_offset`` the offset from UTC the source wrote
(seconds east; null for a naive time, which crisol reads as UTC, as the store does).

``date`` (``YYYY-MM-DD`` of ``published`` in UTC, or ``undated``) and ``language`` (the article's
language, ``und`` when undetermined) are the partition keys: the archive writes them in its folder
names (``date=2025-10-09/language=es/``), not inside the Parquet files, as Hive does.

``embedding`` is the vector the story linker computes for the article
(:func:`crisol.link.similarity.pack` of its profile: the USE head embedding, then the e5 title
embedding), so linking the archive needs no embedder.

>>> from datetime import datetime, timezone
>>> from crisol.model import Article
>>> a = Article(id="1", source="x.txt", raw=b"Hola", raw_format="text", text="Hola",
...             published=datetime(2025, 7, 12, 23, 30, tzinfo=timezone(timedelta(hours=-5))))
>>> row = to_row(a, None)
>>> row["date"], row["language"], row["published_offset"]
('2025-07-13', 'und', -18000)
>>> from_row(row) == (a, None)
True
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

import numpy as np
import pyarrow as pa

from crisol.link.similarity import DIM, TITLE_DIM
from crisol.model import (
    Actor,
    Article,
    Event,
    Mention,
    Quote,
    Rejection,
    RemovedLine,
    Sentence,
    TimeExpression,
)

# Bumped when a column changes meaning or type; written into every file's metadata.
SCHEMA_VERSION = "1"
EMBEDDING_DIM = DIM + TITLE_DIM
UNDATED = "undated"
UNDETERMINED = "und"  # ISO 639-2's code for an undetermined language
PARTITION_KEYS = ("date", "language")

_str, _i32 = pa.string(), pa.int32()

REMOVED = pa.struct([("text", _str), ("reason", _str), ("line", _i32)])
SENTENCE = pa.struct([("index", _i32), ("start", _i32), ("end", _i32), ("text", _str)])
MENTION = pa.struct(
    [
        ("text", _str),
        ("label", _str),
        ("start", _i32),
        ("end", _i32),
        ("sentence", _i32),
        ("entity_id", _str),
        ("canonical", _str),
        ("country", _str),
        ("role", _str),
        ("source", _str),
    ]
)
TIME_EXPRESSION = pa.struct(
    [
        ("text", _str),
        ("start", _i32),
        ("end", _i32),
        ("sentence", _i32),
        ("value", _str),
        ("precision", _str),
        ("rule", _str),
    ]
)
QUOTE = pa.struct(
    [
        ("text", _str),
        ("kind", _str),
        ("speaker", _str),
        ("cue", _str),
        ("start", _i32),
        ("end", _i32),
        ("sentence", _i32),
        ("speaker_entity", _str),
        ("via", _str),
    ]
)
ACTOR = pa.struct([("name", _str), ("entity_id", _str), ("country", _str), ("sector", _str)])
EVENT = pa.struct(
    [
        ("type", _str),
        ("mode", _str),
        ("source", ACTOR),
        ("target", ACTOR),
        ("sentence", _i32),
        ("sentence_text", _str),
        ("trigger", _str),
        ("location", _str),
        ("date", _str),
        ("date_precision", _str),
        ("certainty", _str),
        ("attributed_to", _str),
        ("id", _str),
        ("date_source", _str),
    ]
)
_UTC = pa.timestamp("us", tz="UTC")

ARTICLE_SCHEMA = pa.schema(
    [
        pa.field("id", _str, nullable=False),
        pa.field("source", _str, nullable=False),
        pa.field("location", _str),
        pa.field("outlet", _str),
        pa.field("url", _str),
        pa.field("title", _str),
        pa.field("authors", pa.list_(_str)),
        pa.field("published", _UTC),
        pa.field("published_offset", _i32),
        pa.field("date_source", _str),
        pa.field("fetched", _UTC),
        pa.field("fetched_offset", _i32),
        pa.field("language_score", pa.float64()),
        pa.field("text", pa.large_string(), nullable=False),
        pa.field("text_hash", _str, nullable=False),  # exact copies share it (Article.text_hash)
        pa.field("raw", pa.large_binary(), nullable=False),
        pa.field("raw_format", _str, nullable=False),
        pa.field("removed", pa.list_(REMOVED)),
        pa.field("agency", _str),
        pa.field("analysis", _str),
        pa.field("sentences", pa.list_(SENTENCE)),
        pa.field("mentions", pa.list_(MENTION)),
        pa.field("dates", pa.list_(TIME_EXPRESSION)),
        pa.field("quotes", pa.list_(QUOTE)),
        pa.field("events", pa.list_(EVENT)),
        pa.field("embedding", pa.list_(pa.float32(), EMBEDDING_DIM)),
        pa.field("date", _str, nullable=False),
        pa.field("language", _str, nullable=False),
    ],
    metadata={
        "crisol.schema": SCHEMA_VERSION,
        "crisol.embedding": f"crisol.link.similarity.pack: USE multilingual v3 head ({DIM}) "
        f"+ multilingual-e5-small title ({TITLE_DIM}), unit vectors",
    },
)
# What a Parquet file of the archive holds: the partition keys live in its folder names.
FILE_SCHEMA = pa.schema(
    [f for f in ARTICLE_SCHEMA if f.name not in PARTITION_KEYS], metadata=ARTICLE_SCHEMA.metadata
)

REJECTION_SCHEMA = pa.schema(
    [
        pa.field("input", _str, nullable=False),  # the input the run was given (a file)
        pa.field("source", _str, nullable=False),  # where the rejected record was (as Rejection.source)
        pa.field("location", _str),  # inside it: "record 7 (offset 8812)", "line 12"
        pa.field("reason", _str, nullable=False),
    ],
    metadata={"crisol.schema": SCHEMA_VERSION},
)


# ---- times -------------------------------------------------------------------------------------


def _instant(when: datetime | None) -> tuple[datetime | None, int | None]:
    """(UTC instant, offset in seconds east of UTC as written, None when naive)."""
    if when is None:
        return None, None
    offset = when.utcoffset()
    if offset is None:
        return when.replace(tzinfo=timezone.utc), None
    return when.astimezone(timezone.utc), int(offset.total_seconds())


def _as_written(instant: datetime | None, offset: int | None) -> datetime | None:
    if instant is None:
        return None
    instant = instant if instant.tzinfo is not None else instant.replace(tzinfo=timezone.utc)
    if offset is None:
        return instant.replace(tzinfo=None)
    return instant.astimezone(timezone(timedelta(seconds=offset)))


def partition_date(published: datetime | None) -> str:
    """The ``date`` partition: the UTC day of publication (naive times read as UTC).

    >>> partition_date(datetime(2025, 10, 9, 11, 15)), partition_date(None)
    ('2025-10-09', 'undated')
    """
    instant, _ = _instant(published)
    return instant.date().isoformat() if instant is not None else UNDATED


def partition_language(language: str | None) -> str:
    """The ``language`` partition: the article's code, ``und`` when undetermined. A code that
    could not name a folder (it never comes from the language detector) is refused.

    >>> partition_language("es"), partition_language(None)
    ('es', 'und')
    """
    if language is None:
        return UNDETERMINED
    if language == UNDETERMINED or not language.replace("-", "").isalnum() or not language.isascii():
        raise ValueError(f"language {language!r} cannot be an archive partition")
    return language


# ---- one article ---------------------------------------------------------------------------------


def _fields(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _struct_names(struct: pa.StructType) -> list[str]:
    return [struct.field(i).name for i in range(struct.num_fields)]


def _actor(actor: Actor | None) -> dict[str, Any] | None:
    return None if actor is None else _fields(actor, _struct_names(ACTOR))


def _event(event: Event) -> dict[str, Any]:
    row = _fields(event, _struct_names(EVENT))
    row["source"], row["target"] = _actor(event.source), _actor(event.target)
    return row


def to_row(article: Article, embedding: np.ndarray | Sequence[float] | None) -> dict[str, Any]:
    """The article (and its linker embedding, or None) as one row of :data:`ARTICLE_SCHEMA`.
    ``copy_of`` is not kept: it is the store's finding, not the article's."""
    published, published_offset = _instant(article.published)
    fetched, fetched_offset = _instant(article.fetched)
    if embedding is not None and len(embedding) != EMBEDDING_DIM:
        raise ValueError(f"embedding has {len(embedding)} dimensions; the archive holds {EMBEDDING_DIM}")
    return {
        **_fields(article, ("id", "source", "location", "outlet", "url", "title", "date_source")),
        "authors": list(article.authors),
        "published": published,
        "published_offset": published_offset,
        "fetched": fetched,
        "fetched_offset": fetched_offset,
        "language_score": article.language_score,
        "text": article.text,
        "text_hash": article.text_hash,
        "raw": article.raw,
        "raw_format": article.raw_format,
        "removed": [_fields(r, _struct_names(REMOVED)) for r in article.removed],
        "agency": article.agency,
        "analysis": article.analysis,
        "sentences": [_fields(s, _struct_names(SENTENCE)) for s in article.sentences],
        "mentions": [_fields(m, _struct_names(MENTION)) for m in article.mentions],
        "dates": [_fields(d, _struct_names(TIME_EXPRESSION)) for d in article.dates],
        "quotes": [_fields(q, _struct_names(QUOTE)) for q in article.quotes],
        "events": [_event(e) for e in article.events],
        "embedding": None if embedding is None else np.asarray(embedding, dtype=np.float32),
        "date": partition_date(article.published),
        "language": partition_language(article.language),
    }


def _from_actor(row: dict[str, Any] | None) -> Actor | None:
    return None if row is None else Actor(**row)


def _from_event(row: dict[str, Any]) -> Event:
    return Event(**{**row, "source": _from_actor(row["source"]), "target": _from_actor(row["target"])})


def from_row(row: dict[str, Any]) -> tuple[Article, np.ndarray | None]:
    """The article and its embedding back from a row (as ``to_row`` made it, or as pyarrow,
    DuckDB or pandas read it from the archive, partition keys included)."""
    language = row["language"]
    embedding = row.get("embedding")
    article = Article(
        **_fields_of(row, ("id", "source", "location", "outlet", "url", "title", "date_source")),
        raw=bytes(row["raw"]),
        raw_format=row["raw_format"],
        text=row["text"],
        authors=list(row["authors"] or []),
        published=_as_written(row["published"], row["published_offset"]),
        fetched=_as_written(row["fetched"], row["fetched_offset"]),
        language=None if language == UNDETERMINED else language,
        language_score=row["language_score"],
        removed=[RemovedLine(**r) for r in row["removed"] or []],
        agency=row["agency"],
        analysis=row["analysis"],
        sentences=[Sentence(**s) for s in row["sentences"] or []],
        mentions=[Mention(**m) for m in row["mentions"] or []],
        dates=[TimeExpression(**d) for d in row["dates"] or []],
        quotes=[Quote(**q) for q in row["quotes"] or []],
        events=[_from_event(e) for e in row["events"] or []],
    )
    return article, None if embedding is None else np.asarray(embedding, dtype=np.float32)


def _fields_of(row: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: row[name] for name in names}


# ---- tables --------------------------------------------------------------------------------------


def to_table(articles: Sequence[Article], embeddings: Sequence[np.ndarray | None] | None = None) -> pa.Table:
    """Articles (and their embeddings) as a table of :data:`ARTICLE_SCHEMA`.

    >>> to_table([]).schema == ARTICLE_SCHEMA
    True
    """
    embeddings = embeddings if embeddings is not None else [None] * len(articles)
    if len(embeddings) != len(articles):
        raise ValueError(f"{len(articles)} articles but {len(embeddings)} embeddings")
    rows = [to_row(a, e) for a, e in zip(articles, embeddings)]
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def from_table(table: pa.Table) -> list[tuple[Article, np.ndarray | None]]:
    """Every row of an archive table back as (article, embedding), in the table's order."""
    return [from_row(row) for row in table.to_pylist()]


def rejections_table(input_source: str, rejections: Iterable[Rejection]) -> pa.Table:
    """Rejections of one input as a table of :data:`REJECTION_SCHEMA`.

    >>> rejections_table("a.warc.gz", [Rejection("a.warc.gz", "corrupt record", "record 3")]).num_rows
    1
    """
    rows = [
        {"input": input_source, "source": r.source, "location": r.location, "reason": r.reason}
        for r in rejections
    ]
    return pa.Table.from_pylist(rows, schema=REJECTION_SCHEMA)


def from_rejections_table(table: pa.Table) -> list[Rejection]:
    return [Rejection(r["source"], r["reason"], r["location"]) for r in table.to_pylist()]
