"""Analysing inputs without storing them: what ``crisol analyze`` and ``crisol.analyze`` show.

Both run the stages the ingest runner runs (read → clean → annotate), only without the store:
no registry ids, stories or duplicates, which need the articles stored before.
"""

from __future__ import annotations

from typing import Iterator

from crisol.annotate import annotate
from crisol.clean import clean
from crisol.errors import CrisolError
from crisol.model import Article, RawArticle, Rejection
from crisol.read import InputFile, expand, read_input

# What an article given to crisol.analyze is called (its source; its id hashes it with the bytes).
GIVEN = "<crisol.analyze>"


def articles_of(path: str, language: str | None = None) -> Iterator[Article | Rejection]:
    """Read, clean and annotate every article of one input (``-`` for stdin)."""
    for inp in expand([path]):
        if isinstance(inp, Rejection):
            yield inp
            continue
        for raw in read_input(inp):
            yield raw if isinstance(raw, Rejection) else analysed(raw, language)


def analysed(raw: RawArticle, language: str | None = None) -> Article | Rejection:
    """One raw article cleaned and annotated (``language`` overrides detection), or the
    rejection saying why it holds no article."""
    try:
        article = clean(raw)
    except CrisolError as e:
        return Rejection(raw.source, str(getattr(e, "reason", e)), raw.location)
    if language:
        article.language = language
    return annotate(article)


def analyze_one(data: str | bytes, language: str | None = None) -> Article:
    """The article in ``data`` (plain text, an HTML page, or one JSON record with its fields),
    read, cleaned and annotated; a ValueError names the reason when it holds no article.

    >>> analyze_one("   ")
    Traceback (most recent call last):
    ...
    ValueError: empty input: nothing to analyse
    >>> analyze_one(b"%PDF-1.7 ...")
    Traceback (most recent call last):
    ...
    ValueError: cannot analyse this input: binary file (PDF document), not an article
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"analyze takes the article as str or bytes, not {type(data).__name__}")
    if not bytes(data).strip():
        raise ValueError("empty input: nothing to analyse")
    items = list(read_input(InputFile(GIVEN, None, bytes(data), len(data))))
    raws = [item for item in items if isinstance(item, RawArticle)]
    if len(raws) > 1:
        raise ValueError(
            f"the input holds {len(raws)} articles (a feed, JSON Lines or a table): "
            "give one article, or `crisol analyze FILE` to analyse them all"
        )
    if not raws:
        reasons = "; ".join(r.reason for r in items) or "no article found"
        raise ValueError(f"cannot analyse this input: {reasons}")
    outcome = analysed(raws[0], language)
    if isinstance(outcome, Rejection):
        raise ValueError(f"cannot analyse this input: {outcome.reason}")
    return outcome


def sentence_alignment(first: Article, second: Article) -> tuple[list[str], list[str], list]:
    """Two articles' sentences and their alignment (``dedup.AlignedPair`` s, ``a`` indexing the
    first's sentences, ``b`` the second's): what ``crisol diff`` shows side by side."""
    from crisol.link import dedup  # lazy: the sentence embedder loads with it

    sa = [s.text for s in first.sentences] or dedup.split_sentences(first.text)
    sb = [s.text for s in second.sentences] or dedup.split_sentences(second.text)
    return sa, sb, dedup.align(sa, sb)
