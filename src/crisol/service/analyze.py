"""Analysing inputs without storing them: what ``crisol analyze`` shows."""

from __future__ import annotations

from typing import Iterator

from crisol.annotate import annotate
from crisol.clean import clean
from crisol.errors import CrisolError
from crisol.model import Article, Rejection
from crisol.read import expand, read_input


def articles_of(path: str, language: str | None = None) -> Iterator[Article | Rejection]:
    """Read, clean and annotate every article of one input (``-`` for stdin)."""
    for inp in expand([path]):
        if isinstance(inp, Rejection):
            yield inp
            continue
        for raw in read_input(inp):
            if isinstance(raw, Rejection):
                yield raw
                continue
            try:
                article = clean(raw)
            except CrisolError as e:
                yield Rejection(raw.source, str(getattr(e, "reason", e)), raw.location)
                continue
            if language:
                article.language = language
            yield annotate(article)


def sentence_alignment(first: Article, second: Article) -> tuple[list[str], list[str], list]:
    """Two articles' sentences and their alignment (``dedup.AlignedPair`` s, ``a`` indexing the
    first's sentences, ``b`` the second's): what ``crisol diff`` shows side by side."""
    from crisol.link import dedup  # lazy: the sentence embedder loads with it

    sa = [s.text for s in first.sentences] or dedup.split_sentences(first.text)
    sb = [s.text for s in second.sentences] or dedup.split_sentences(second.text)
    return sa, sb, dedup.align(sa, sb)
