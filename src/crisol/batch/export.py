"""A store's articles as one Parquet file in the archive's schema (``crisol export --format parquet``).

The file holds :data:`~crisol.batch.schema.ARTICLE_SCHEMA` whole (``date`` and ``language`` as
columns, since there are no folders to name them), with the registry's entity ids on the mentions
and the linker's embedding where the store holds one, so ``crisol query --archive FILE`` runs the
same SQL on it as on an archive, and :func:`~crisol.batch.schema.from_table` reads it back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow.parquet as pq

from crisol.batch import schema
from crisol.model import Article
from crisol.store import Database
from crisol.store.link import StoredProfile

ROW_GROUP = 256  # articles per row group (and loaded from the store at a time)
COMPRESSION = "zstd"


def _groups(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    group: list[Article] = []
    for article in articles:
        group.append(article)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def _embedding(profile: StoredProfile | None) -> np.ndarray | None:
    """The stored vector when the archive's embedder made it (a store from an older crisol may
    hold another's, which the archive cannot: left out)."""
    if profile is None or len(profile.embedding) != schema.EMBEDDING_DIM:
        return None
    return profile.embedding


def write_parquet(store: Database, path: str | os.PathLike[str], **filters: Any) -> int:
    """Write the store's articles (``filters``: outlet, language, since, until, as
    :meth:`~crisol.store.Store.iter_articles` takes them) to ``path``; the number written. The
    file appears whole or not at all."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    n = 0
    try:
        with pq.ParquetWriter(partial, schema.ARTICLE_SCHEMA, compression=COMPRESSION) as writer:
            for group in _groups(store.iter_articles(with_raw=True, **filters), ROW_GROUP):
                profiles = store.links.load_profiles([a.id for a in group])
                embeddings = [_embedding(profiles.get(a.id)) for a in group]
                writer.write_table(schema.to_table(group, embeddings))
                n += len(group)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return n
