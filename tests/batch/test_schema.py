"""The archive schema: an article and its embedding survive a row, a table and a Parquet file."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crisol.batch import schema
from crisol.model import Actor, Article, Event, Mention, Quote, RemovedLine, Sentence, TimeExpression

LIMA = timezone(timedelta(hours=-5))


def full_article() -> Article:
    """Every field set, with non-ASCII text, an aware time and a naive one."""
    text = "Lavrov llegó a Pionyang.\n\n«Es un paso histórico», dijo el ministro ruso."
    return Article(
        id="a1b2c3d4e5f60718",
        source="crawl/ñandú-2025.warc.gz",
        raw=b"<html>\xc3\xb1\x00\xff</html>",
        raw_format="warc",
        text=text,
        location="record 3 (offset 8812)",
        title="Lavrov llegó a Pionyang",
        outlet="La Crónica Global",
        url="https://example.org/mundo/2025/07/12/lavrov",
        authors=["Laura Benítez", "Agencia Efe"],
        published=datetime(2025, 7, 12, 21, 30, 5, 123456, tzinfo=LIMA),
        date_source="metadata",
        fetched=datetime(2025, 7, 13, 2, 0),
        language="es",
        language_score=0.987654321,
        removed=[RemovedLine("Foto: archivo", "caption", 4), RemovedLine("Compartir", "share-prompt")],
        analysis="full",
        sentences=[Sentence(0, 0, 24, "Lavrov llegó a Pionyang."), Sentence(1, 26, len(text), text[26:])],
        mentions=[
            Mention("Lavrov", "PER", 0, 6, 0, "e1", "Serguéi Lavrov", "RUS", "foreign-minister", "gazetteer"),
            Mention("Pionyang", "LOC", 15, 23, 0),
        ],
        dates=[TimeExpression("ayer", 30, 34, 1, "2025-07-11", "day", "relative-day")],
        quotes=[Quote("Es un paso histórico", "direct", "el ministro", "dijo", 27, 47, 1, "e1", None)],
        events=[
            Event(
                "CONSULT",
                "visit",
                Actor("Lavrov", "e1", "RUS", "GOV"),
                Actor("Pionyang", None, "PRK"),
                0,
                "Lavrov llegó a Pionyang.",
                "llegó a",
                "Pionyang",
                "2025-07-12",
                "day",
                "asserted",
                None,
                "ev1",
                "published",
            ),  # fmt: skip
            Event("AID", None, None, None, 1, "…", "ayuda", certainty="alleged", attributed_to="KCNA"),
        ],
        agency="EFE",
    )


def bare_article() -> Article:
    """Only what an article must have: every optional field None or empty."""
    return Article(id="0000000000000000", source="-", raw=b"", raw_format="text", text="Hola.")


def vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=schema.EMBEDDING_DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.mark.parametrize("embedding", [vector(1), None], ids=["embedded", "no-embedding"])
@pytest.mark.parametrize("make", [full_article, bare_article])
def test_a_row_gives_the_article_back(make, embedding):
    article, back = schema.from_row(schema.to_row(make(), embedding))
    assert article == make()
    assert (back is None) if embedding is None else np.array_equal(back, embedding)


def test_times_keep_their_offset_and_naive_times_stay_naive():
    article, _ = schema.from_row(schema.to_row(full_article(), None))
    assert article.published.utcoffset() == timedelta(hours=-5)
    assert article.published.microsecond == 123456
    assert article.fetched.tzinfo is None


def test_partition_keys_are_the_utc_day_and_the_language():
    row = schema.to_row(full_article(), None)
    assert (row["date"], row["language"]) == ("2025-07-13", "es")  # 21:30 in Lima is the 13th in UTC
    assert (schema.to_row(bare_article(), None)["date"], schema.to_row(bare_article(), None)["language"]) == (
        "undated",
        "und",
    )


def test_a_language_that_cannot_name_a_folder_is_refused():
    with pytest.raises(ValueError, match="partition"):
        schema.to_row(
            Article(id="x", source="-", raw=b"", raw_format="text", text="x", language="../es"), None
        )


def test_a_parquet_file_without_partition_columns_gives_the_articles_back():
    articles, vectors = [full_article(), bare_article()], [vector(2), None]
    table = schema.to_table(articles, vectors)
    buf = io.BytesIO()
    pq.write_table(table.drop_columns(list(schema.PARTITION_KEYS)), buf)
    read = pq.read_table(io.BytesIO(buf.getvalue()))
    assert read.schema.equals(schema.FILE_SCHEMA)
    keys = table.select(list(schema.PARTITION_KEYS))
    for name in schema.PARTITION_KEYS:  # what a Hive-partitioned reader adds from the folder names
        read = read.append_column(name, keys[name])
    back = schema.from_table(read)
    assert [a for a, _ in back] == articles
    assert np.array_equal(back[0][1], vectors[0]) and back[1][1] is None


def test_annotations_are_arrow_structs_not_strings():
    events = schema.ARTICLE_SCHEMA.field("events").type
    assert pa.types.is_list(events) and pa.types.is_struct(events.value_type)
    assert events.value_type.field("source").type == schema.ACTOR
    assert pa.types.is_fixed_size_list(schema.ARTICLE_SCHEMA.field("embedding").type)


def test_an_embedding_of_another_size_is_refused():
    with pytest.raises(ValueError, match="dimensions"):
        schema.to_row(bare_article(), np.zeros(384, dtype=np.float32))
