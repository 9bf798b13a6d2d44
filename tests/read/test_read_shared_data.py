"""The readers on the real inputs in ../shared (skipped when absent)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from crisol.model import RawArticle, Rejection
from crisol.read import expand, read_input


def _read(*paths: Path) -> tuple[list[RawArticle], list[Rejection]]:
    articles, rejections = [], []
    for inp in expand([str(p) for p in paths]):
        items = [inp] if isinstance(inp, Rejection) else read_input(inp)
        for item in items:
            (articles if isinstance(item, RawArticle) else rejections).append(item)
    return articles, rejections


def test_seeds_are_five_utf8_text_articles(shared: Path) -> None:
    articles, rejections = _read(shared / "seeds")
    assert rejections == []
    assert len(articles) == 5
    for article in articles:
        assert article.format == "text" and article.meta["encoding"] == "utf-8"
        assert article.data == Path(article.source).read_bytes()
        assert len(article.meta["text"].splitlines()) > 3


def test_evaluation_html_pages_all_sniff_and_decode(shared: Path) -> None:
    pages = shared / "data" / "trafilatura-eval" / "html"
    gz_pages = shared / "data" / "article-extraction-benchmark-zyte" / "html"
    articles, rejections = _read(pages, gz_pages)
    assert rejections == []
    assert {a.format for a in articles} == {"html"}
    assert len(articles) >= 400
    encodings = Counter(a.meta["encoding"] for a in articles)
    assert encodings["utf-8"] > 0.9 * len(articles)
    assert "\ufffd" not in "".join(a.meta["html"] for a in articles if a.meta["encoding"] != "utf-8")


def test_spanish_corpus_jsonl_with_capitalised_fields_loads(shared: Path) -> None:
    articles, rejections = _read(shared / "data" / "spanish-fake-news-corpus" / "train.jsonl")
    assert rejections == []
    assert len(articles) > 500
    first = articles[0]
    assert first.format == "json" and first.location == "line 1"
    assert {"title", "text", "outlet", "url"} <= set(first.meta)
