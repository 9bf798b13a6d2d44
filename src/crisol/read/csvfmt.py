"""CSV (or TSV, or ';'-separated) tables of articles: a header row, then one article per row.

Column names follow the JSON record fields (``title``, ``text``/``maintext``/``content``,
``date``, ``url``, ``outlet``/``source``...), in any case. Rows stream: a large export is read a
line at a time; a quoted field may span lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from crisol.model import RawArticle, Rejection
from crisol.read.decode import Undecodable, decode
from crisol.read.guard import guarded
from crisol.read.inputs import InputFile
from crisol.read.limits import MAX_RECORD_BYTES
from crisol.read.records import to_article
from crisol.read.stream import ByteStream, Gap

DELIMITERS = (",", ";", "\t", "|")


def read_csv(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """One article per data row (``format`` "csv", location "line N" of the row's start)."""
    encoding = stream.encoding or _head_encoding(stream.head)
    lines = _Lines(stream, encoding)
    csv.field_size_limit(MAX_RECORD_BYTES)
    reader = csv.reader(lines, delimiter=_delimiter(stream.head))
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    lines.take()
    rows = 0
    while True:
        start = lines.number + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield Rejection(inp.source, f"malformed CSV row: {e}", f"line {start}")
            lines.take()
            continue
        data = lines.take()
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        yield guarded(
            inp.source, f"line {start}", _row, inp.source, header, row, data, f"line {start}", encoding
        )
    if lines.gap is not None:
        yield Rejection(inp.source, lines.gap.reason, f"line {lines.number + 1}")
    elif not rows:
        yield Rejection(inp.source, "CSV table has a header but no rows")


def _row(
    source: str, header: list[str], row: list[str], data: bytes, where: str, encoding: str
) -> RawArticle | Rejection:
    if len(row) != len(header):
        return Rejection(
            source,
            f"row has {len(row)} fields, the header has {len(header)} "
            "(an unquoted delimiter or line break in a field?)",
            where,
        )
    article = to_article(dict(zip(header, row, strict=True)), data, source, where, encoding)
    if isinstance(article, RawArticle):
        article.format = "csv"  # type: ignore[assignment]
    return article


class _Lines:
    """Decoded lines for the csv module, keeping the raw bytes of the row being read."""

    def __init__(self, stream: ByteStream, encoding: str):
        self._lines = stream.lines(MAX_RECORD_BYTES)
        self._encoding = encoding
        self._raw: list[bytes] = []
        self.number = 0
        self.gap: Gap | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.gap is not None:
            raise StopIteration
        number, line = next(self._lines)
        if isinstance(line, Gap):
            self.gap = line
            raise StopIteration
        self.number = number
        self._raw.append(line)
        try:
            return line.decode(self._encoding) + "\n"
        except UnicodeDecodeError:  # a row from another source: decode it on its own
            try:
                return decode(line)[0] + "\n"
            except Undecodable:
                return line.decode(self._encoding, "replace") + "\n"

    def take(self) -> bytes:
        """The raw bytes of the lines read since the last call (one row)."""
        raw, self._raw = b"\n".join(self._raw), []
        return raw


def _delimiter(head: bytes) -> str:
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    return max(DELIMITERS, key=first.count)


def _head_encoding(head: bytes) -> str:
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 3:  # a character cut by the end of the head
            return "utf-8"
    try:
        return decode(head)[1]
    except Undecodable:
        return "utf-8"
