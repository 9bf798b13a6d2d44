"""A CC-NEWS-like crawl of the fixture articles, and the archives the batch tests compare."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from crisol.bench._ccnews import fixture_pages, write_crawl

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "batch" / "articles.jsonl"
FILES = 3
ARTICLES = 6  # in tests/fixtures/batch/articles.jsonl
# Per file: a page with no text, an HTTP 200 with an empty body, a record cut short.
REJECTED_PER_FILE = 3


@pytest.fixture(scope="session")
def expected() -> SimpleNamespace:
    """What the crawl holds: articles, files, and records rejected per file."""
    return SimpleNamespace(articles=ARTICLES, files=FILES, rejected_per_file=REJECTED_PER_FILE)


@pytest.fixture(scope="session")
def crawl(tmp_path_factory) -> list[Path]:
    """Three gzipped WARC files: the six fixture articles, a crawl's non-articles, and per
    file three records that must be rejected."""
    folder = tmp_path_factory.mktemp("crawl")
    return write_crawl(folder, fixture_pages(FIXTURE), FILES, hostile=True)


@pytest.fixture(scope="session")
def local_archive(crawl, tmp_path_factory) -> Path:
    """The crawl through ``crisol batch --engine local``."""
    from crisol.batch.engines import run

    out = tmp_path_factory.mktemp("archive") / "local"
    run([str(p) for p in crawl], out, engine="local")
    return out
