"""Format name -> reader function, and :func:`read_input`, which sniffs and dispatches."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from crisol.model import RawArticle, Rejection
from crisol.read.csvfmt import read_csv
from crisol.read.decode import utf16_codec
from crisol.read.feeds import read_feed
from crisol.read.inputs import InputFile
from crisol.read.jsonfmt import read_json, read_jsonl
from crisol.read.mime import read_mime
from crisol.read.plain import read_html, read_text, reject_binary, reject_xml
from crisol.read.sniff import sniff
from crisol.read.stream import ByteStream, open_stream
from crisol.read.warc import read_warc

log = logging.getLogger(__name__)

Reader = Callable[[InputFile, ByteStream], Iterator["RawArticle | Rejection"]]

# Every format :func:`sniff` can name. A new format is a new entry (and a sniffing rule).
READERS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "mime": read_mime,
    "rss": read_feed,
    "atom": read_feed,
    "warc": read_warc,
    "binary": reject_binary,
    "xml": reject_xml,
}


# Readers that split bytes themselves: a UTF-16 input is re-encoded to UTF-8 for them.
_LINE_FORMATS = frozenset({"jsonl", "json", "csv"})


def reader_for(fmt: str) -> Reader:
    try:
        return READERS[fmt]
    except KeyError:
        known = ", ".join(READERS)
        raise ValueError(f"no reader for format {fmt!r}; known formats: {known}") from None


def read_input(inp: InputFile) -> Iterator[RawArticle | Rejection]:
    """The articles of one input, or Rejections naming the input, the place and the reason.

    The format is sniffed from the (gunzipped) bytes; the file name is never trusted.

    >>> from crisol.read.inputs import InputFile
    >>> data = "Titular\\n\\nEl Gobierno aprobó ayer el plan.".encode()
    >>> [a.meta["text"][:7] for a in read_input(InputFile("-", None, data, len(data)))]
    ['Titular']
    """
    try:
        stream = open_stream(inp)
    except OSError as e:
        yield Rejection(inp.source, f"cannot read: {e.strerror or e}")
        return
    with stream:
        if stream.is_blank():
            yield Rejection(inp.source, "empty file")
            return
        fmt = sniff(stream.head)
        log.debug("%s: read as %s%s", inp.source, fmt, " (gzip)" if stream.compressed else "")
        utf16 = utf16_codec(stream.head)
        if utf16 is not None and fmt in _LINE_FORMATS:
            stream = stream.transcoded(utf16)
        try:
            yield from reader_for(fmt)(inp, stream)
        except OSError as e:
            yield Rejection(inp.source, f"read error: {e.strerror or e}")
        except Exception as e:  # noqa: BLE001 - one bad input must not stop a batch; labelled
            log.exception("reading %s as %s failed", inp.source, fmt)
            yield Rejection(inp.source, f"internal error reading it as {fmt} "
                            f"({type(e).__name__}: {e}); please report this input")
