"""Whole-file articles (plain text as scraped, an HTML page) and inputs that are not articles."""

from __future__ import annotations

from collections.abc import Iterator

from crisol.model import RawArticle, Rejection
from crisol.read.decode import Undecodable, decode_text, meta_charset, strip_bom
from crisol.read.inputs import InputFile
from crisol.read.limits import MAX_ARTICLE_BYTES, MIN_TEXT_WORDS, human_size
from crisol.read.sniff import binary_kind, has_element
from crisol.read.stream import ByteStream, StreamBroken, TooLarge

_ARCHIVE_HINT = "; unpack it first (only gzip is decompressed on reading)"


def read_text(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """A plain-text article: ``meta`` holds ``text`` and ``encoding``."""
    yield _whole(inp, stream, "text")


def read_html(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """An HTML page: ``meta`` holds ``html`` and ``encoding`` (the cleaner extracts the text)."""
    yield _whole(inp, stream, "html")


def reject_binary(inp: InputFile, stream: ByteStream) -> Iterator[Rejection]:
    kind = binary_kind(stream.head) or "unknown binary data"
    hint = _ARCHIVE_HINT if "archive" in kind or kind == "gzip inside gzip" else ""
    yield Rejection(inp.source, f"binary file ({kind}), not an article{hint}")


def reject_xml(inp: InputFile, stream: ByteStream) -> Iterator[Rejection]:
    if not has_element(stream.head):
        yield Rejection(
            inp.source, "XML without any element (only a declaration or comments): no items, not an article"
        )
        return
    yield Rejection(
        inp.source,
        "XML that is neither an RSS/Atom feed nor an HTML page (a sitemap? NewsML?), not read",
    )


def reject_arc(inp: InputFile, stream: ByteStream) -> Iterator[Rejection]:
    yield Rejection(
        inp.source, "ARC file (the Internet Archive's format before WARC): not read; convert it to WARC first"
    )


def _whole(inp: InputFile, stream: ByteStream, kind: str) -> RawArticle | Rejection:
    data = _read_whole(inp, stream)
    if isinstance(data, Rejection):
        return data
    if not strip_bom(data).strip():
        return Rejection(inp.source, "empty file")
    declared = [meta_charset(data)] if kind == "html" else []
    try:
        found = decode_text(data, declared)
    except Undecodable as e:
        return Rejection(inp.source, f"cannot decode as text: {e}")
    if not found.text.strip():
        return Rejection(inp.source, "empty file")
    words = len(found.text.split())
    if kind == "text" and words < MIN_TEXT_WORDS:
        return Rejection(
            inp.source,
            f"too short to be an article ({words} word{'s' * (words != 1)}; at least {MIN_TEXT_WORDS})",
        )
    return RawArticle(
        source=inp.source,
        data=data,
        format=kind,  # type: ignore[arg-type]
        meta=found.meta(kind),
    )


def _read_whole(inp: InputFile, stream: ByteStream) -> bytes | Rejection:
    """The decompressed bytes, or a Rejection when too large (checked before reading if we can)."""
    limit = MAX_ARTICLE_BYTES
    if not stream.compressed and inp.size > limit:
        return Rejection(inp.source, _too_large(human_size(inp.size)))
    try:
        return stream.read_all(limit)
    except TooLarge:
        return Rejection(inp.source, _too_large(f"over {human_size(limit)} decompressed"))
    except StreamBroken as e:
        return Rejection(inp.source, e.reason)


def _too_large(size: str) -> str:
    return (
        f"too large for one article ({size} > {human_size(MAX_ARTICLE_BYTES)} limit); "
        "if it holds many articles, give them as JSON Lines, a feed or a WARC file"
    )
