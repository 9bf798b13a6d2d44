"""Format name -> reader function, and :func:`read_input`, which sniffs and dispatches."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from crisol.model import RawArticle, Rejection
from crisol.read.csvfmt import read_csv
from crisol.read.decode import wide_codec
from crisol.read.feeds import read_feed
from crisol.read.guard import failure
from crisol.read.inputs import InputFile
from crisol.read.jsonfmt import read_json, read_jsonl
from crisol.read.mime import read_mime
from crisol.read.plain import read_html, read_text, reject_arc, reject_binary, reject_xml
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
    "arc": reject_arc,
}


# Readers that split bytes themselves: a UTF-16 or UTF-32 input is re-encoded to UTF-8 for them.
_LINE_FORMATS = frozenset({"jsonl", "json", "csv"})


def reader_for(fmt: str) -> Reader:
    try:
        return READERS[fmt]
    except KeyError:
        known = ", ".join(READERS)
        raise ValueError(f"no reader for format {fmt!r}; known formats: {known}") from None


def read_input(inp: InputFile) -> Iterator[RawArticle | Rejection]:
    """The articles of one input, or Rejections naming the input, the place and the reason.

    The format is sniffed from the (gunzipped) bytes; the file name is never trusted. This is
    the readers' outer boundary: whatever a reader raises (a bug, a resource limit) becomes one
    Rejection naming the input and where reading stopped; it never reaches the caller, so the
    next input is still read. Each article's ``origin`` is set to the input's resolved path, so
    its id does not depend on how the path was spelled.

    >>> from crisol.read.inputs import InputFile
    >>> data = "Titular\\n\\nEl Gobierno aprobó ayer el plan.".encode()
    >>> [a.meta["text"][:7] for a in read_input(InputFile("-", None, data, len(data)))]
    ['Titular']
    """
    state = _State()
    items = _read(inp, state)
    origin = inp.identity
    last: str | None = None
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as e:  # noqa: BLE001 - one bad input must not stop a batch; labelled
            log.debug("reading %s as %s failed", inp.source, state.fmt, exc_info=True)
            doing = f"reading it as {state.fmt}" if state.fmt else "sniffing its format"
            rest = "; the rest of this input was not read" if last else ""
            yield Rejection(inp.source, failure(e, doing) + rest, f"after {last}" if last else None)
            return
        if isinstance(item, RawArticle):
            item.origin = origin
        last = item.location or last
        yield item


class _State:
    fmt: str | None = None


def _read(inp: InputFile, state: _State) -> Iterator[RawArticle | Rejection]:
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
        state.fmt = fmt
        log.debug("%s: read as %s%s", inp.source, fmt, " (gzip)" if stream.compressed else "")
        wide = wide_codec(stream.head)
        if wide is not None and fmt in _LINE_FORMATS:
            stream = stream.transcoded(wide)
        try:
            yield from reader_for(fmt)(inp, stream)
        except OSError as e:
            yield Rejection(inp.source, f"read error: {e.strerror or e}")
