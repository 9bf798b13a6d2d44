"""Helpers for the reader tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crisol.model import RawArticle, Rejection
from crisol.read import InputFile, expand, read_input


@pytest.fixture(scope="session")
def read_fixtures(fixtures_dir: Path) -> Path:
    return fixtures_dir / "read"


def read_all(*paths: str | Path) -> tuple[list[RawArticle], list[Rejection]]:
    """Expand and read everything; split the results into articles and rejections."""
    articles: list[RawArticle] = []
    rejections: list[Rejection] = []
    for inp in expand([str(p) for p in paths]):
        if isinstance(inp, Rejection):
            rejections.append(inp)
            continue
        for item in read_input(inp):
            (articles if isinstance(item, RawArticle) else rejections).append(item)
    return articles, rejections


def read_bytes(data: bytes, source: str = "-") -> tuple[list[RawArticle], list[Rejection]]:
    inp = InputFile(source=source, path=None, data=data, size=len(data))
    items = list(read_input(inp))
    return ([i for i in items if isinstance(i, RawArticle)], [i for i in items if isinstance(i, Rejection)])


@pytest.fixture
def read() -> Callable[..., tuple[list[RawArticle], list[Rejection]]]:
    return read_all


@pytest.fixture
def read_data() -> Callable[..., tuple[list[RawArticle], list[Rejection]]]:
    return read_bytes
