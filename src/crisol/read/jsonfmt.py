"""JSON Lines (one record a line) and JSON (one object, a list, or objects one after another).

Both stream: a 200 MB file is read a chunk at a time and each record is parsed on its own. Bytes
that are not UTF-8 are kept through ``surrogateescape`` and the affected strings re-decoded in
:mod:`crisol.read.records`, so one stray byte never costs a record.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any

from crisol.model import RawArticle, Rejection
from crisol.read.guard import guarded, too_deep
from crisol.read.inputs import InputFile
from crisol.read.limits import MAX_JSON_DEPTH, MAX_RECORD_BYTES, MAX_WHITESPACE_RUN, human_size
from crisol.read.records import dumps, to_article, wrapped_list
from crisol.read.stream import ByteStream, Gap

_DECODER = json.JSONDecoder()
_WS_RUN = re.compile(r"[ \t\r\n]*")
# A whole JSON string, a bracket, or the opening quote of a string the buffer cuts.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.S)


def read_jsonl(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """One article per non-blank line; a malformed line is rejected, the others still load."""
    for number, line in stream.lines(MAX_RECORD_BYTES):
        where = f"line {number}"
        if isinstance(line, Gap):
            yield Rejection(inp.source, line.reason, where)
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        if not line.strip():
            continue
        yield guarded(inp.source, where, _line_article, inp.source, line, where, stream.encoding)


def _line_article(source: str, line: bytes, where: str, encoding: str | None) -> RawArticle | Rejection:
    text = line.decode("utf-8", "surrogateescape")
    deep = too_deep(text)
    if deep is not None:
        return Rejection(source, deep, where)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        return Rejection(source, f"malformed JSON: {e.msg} (column {e.colno})", where)
    return to_article(record, line, source, where, encoding)


def read_json(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """A JSON document: one object, a list of objects ("item N"), or objects in a row."""
    values = _JsonValues(inp.source, stream)
    pending: tuple[int, str, Any] | None = None
    for value in values:
        if isinstance(value, Rejection):
            if pending is not None:
                yield from _articles(inp, *pending, located=True, encoding=stream.encoding)
                pending = None
            yield value
            continue
        if pending is not None:
            yield from _articles(inp, *pending, located=True, encoding=stream.encoding)
        pending = value
    if pending is not None:
        # a lone top-level object is the whole input: no location needed
        located = values.in_list or values.count > 1
        yield from _articles(inp, *pending, located=located, encoding=stream.encoding)


def _articles(
    inp: InputFile, number: int, text: str, record: Any, located: bool, encoding: str | None
) -> Iterator[RawArticle | Rejection]:
    where = f"item {number}" if located else None
    deep = too_deep(text)
    if deep is not None:
        yield Rejection(inp.source, deep, where)
        return
    inner = wrapped_list(record)
    if inner is not None and not located:
        for i, item in enumerate(inner, 1):
            yield guarded(inp.source, f"item {i}", _item_article, inp.source, item, f"item {i}", encoding)
        return
    data = text.encode("utf-8", "surrogateescape")
    yield guarded(inp.source, where, to_article, record, data, inp.source, where, encoding)


def _item_article(source: str, item: Any, where: str, encoding: str | None) -> RawArticle | Rejection:
    return to_article(item, dumps(item), source, where, encoding)


class _JsonValues:
    """Top-level JSON values of a stream, parsed one at a time: ``(number, source text, value)``."""

    def __init__(self, source: str, stream: ByteStream):
        self.source = source
        self._parts = stream.parts()
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.buf = ""
        self.pos = 0
        self.line = 1  # line number of buf[0]
        self.eof = False
        self.gap: Gap | None = None
        self.in_list = False
        self.count = 0
        self.too_much_ws = False
        self.skipped = False

    def _more(self) -> bool:
        if self.eof:
            return False
        part = next(self._parts, None)
        if isinstance(part, Gap) or part is None:
            self.gap = part
            self.eof = True
            self.buf += self._decoder.decode(b"", final=True)
            return False
        self.buf += self._decoder.decode(part)
        return True

    def _skip_ws(self) -> bool:
        """Move past whitespace; False at the end of the input (or past a too long run).

        Whitespace already passed is forgotten, so padding never grows the buffer; a run longer
        than :data:`MAX_WHITESPACE_RUN` (a padded file, a gzip bomb of spaces) ends the reading
        with a Rejection.
        """
        run = 0
        while True:
            end = _WS_RUN.match(self.buf, self.pos).end()
            run += end - self.pos
            self.pos = end
            if self.pos < len(self.buf):
                return True
            if run > MAX_WHITESPACE_RUN:
                self.too_much_ws = True
                return False
            self.line += self.buf.count("\n", 0, self.pos)
            self.buf, self.pos = "", 0
            if not self._more():
                return False

    def _trim(self) -> None:
        """Forget parsed text, cutting at a line start so error columns stay right."""
        cut = self.buf.rfind("\n", 0, self.pos) + 1
        if cut > (1 << 20):
            self.line += self.buf.count("\n", 0, cut)
            self.buf, self.pos = self.buf[cut:], self.pos - cut

    def _reject(self, reason: str, line: int | None = None) -> Rejection:
        where = f"item {self.count + 1}" + (f", line {line}" if line else "")
        return Rejection(self.source, reason, where)

    def __iter__(self) -> Iterator[tuple[int, str, Any] | Rejection]:
        if not self._skip_ws():
            return
        if self.buf.startswith("\ufeff", self.pos):
            self.pos += 1
            self._skip_ws()
        if self.buf.startswith("[", self.pos):
            self.in_list = True
            self.pos += 1
        while True:
            end = yield from self._separator()
            if end:
                return
            value = self._value()
            if isinstance(value, Rejection):
                yield value
                if self.skipped:  # a value rejected whole: the next ones can still be read
                    self.skipped = False
                    continue
                return
            yield value
            self._trim()

    def _separator(self) -> Iterator[Rejection]:
        """Move to the next value; True when the input (or the list) ends."""
        if not self._skip_ws():
            if self.too_much_ws:
                yield self._reject(
                    f"more than {human_size(MAX_WHITESPACE_RUN)} of whitespace in "
                    "a row (padding or a decompression bomb); the rest is not read"
                )
            elif self.gap is not None:
                yield self._reject(self.gap.reason)
            elif self.in_list:
                yield self._reject("the JSON list is not closed: the file ends before ']'")
            return True
        if self.in_list:
            if self.buf[self.pos] == "]":
                return True
            if self.count and self.buf[self.pos] == ",":
                self.pos += 1
                if not self._skip_ws():
                    yield self._reject(
                        "the JSON list ends after a comma"
                        if not self.too_much_ws
                        else f"more than {human_size(MAX_WHITESPACE_RUN)} of "
                        "whitespace in a row; the rest is not read"
                    )
                    return True
        return False

    def _value(self) -> tuple[int, str, Any] | Rejection:
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                # an incomplete value looks malformed until more of it arrives
                if len(self.buf) - self.pos <= MAX_RECORD_BYTES and self._more():
                    continue
                return self._decode_error(e)
            except RecursionError:
                return self._too_deep()
            self.count += 1
            text = self.buf[self.pos : end]
            self.pos = end
            return self.count, text, value

    def _too_deep(self) -> tuple[int, str, Any] | Rejection:
        """Skip a value nested deeper than the parser can go; a Rejection for it.

        The value's end is found by counting brackets (strings skipped), so the values after it
        are still read; when it does not end within :data:`MAX_RECORD_BYTES`, reading stops.
        """
        self.count += 1
        reason = f"JSON nested more than {MAX_JSON_DEPTH} levels deep (the limit), not an article"
        depth, scanned = 0, self.pos
        while True:
            for m in _TOKEN.finditer(self.buf, scanned):
                token = m.group()
                if token in "[{":
                    depth += 1
                elif token in "]}":
                    depth -= 1
                    if depth == 0:
                        self.line += self.buf.count("\n", 0, m.end())
                        self.buf, self.pos = self.buf[m.end() :], 0
                        self.skipped = True
                        return Rejection(self.source, reason, f"item {self.count}")
                elif token == '"':  # a string cut by the end of the buffer: wait for more
                    scanned = m.start()
                    break
                scanned = m.end()
            else:
                scanned = len(self.buf)
            if len(self.buf) - self.pos > MAX_RECORD_BYTES or not self._more():
                self.eof = True  # its end cannot be found: nothing after it can be read
                return Rejection(
                    self.source, reason + "; the rest of the document cannot be read", f"item {self.count}"
                )

    def _decode_error(self, e: json.JSONDecodeError) -> Rejection:
        if self.gap is not None:
            return self._reject(self.gap.reason)
        if len(self.buf) - self.pos > MAX_RECORD_BYTES:
            return self._reject(f"one JSON value larger than {human_size(MAX_RECORD_BYTES)}")
        rest = " (the rest of the document cannot be read)" if self.pos + 1 < len(self.buf) else ""
        line = self.line + e.lineno - 1
        return self._reject(f"malformed JSON: {e.msg} (column {e.colno}){rest}", line)
