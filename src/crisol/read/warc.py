"""WARC files (plain or gzipped, as Common Crawl's CC-NEWS): each HTML page fetched with HTTP 200.

Records are framed by hand (header, ``Content-Length`` bytes, blank lines) so that a corrupt
record can be skipped: the reader scans forward to the next ``WARC/1.x`` header, or to the next
gzip member in a ``.warc.gz``, and the other records still load. Each framed record is then
parsed by warcio. Requests, metadata, redirects and non-HTML responses are not articles: they
are skipped and counted in a debug log line.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from crisol.model import RawArticle, Rejection
from crisol.read.decode import Undecodable, decode_text, meta_charset
from crisol.read.guard import guarded
from crisol.read.inputs import InputFile
from crisol.read.limits import MAX_RECORD_BYTES, human_size
from crisol.read.sniff import sniff
from crisol.read.stream import ByteStream, Gap

log = logging.getLogger(__name__)

_HEADER_END = b"\r\n\r\n"
_RECORD_END = b"\r\n\r\n"
_MAX_HEADER = 64 * 1024
_BLANK = re.compile(rb"[\r\n \t]*")
_VERSION = rb"WARC/(?:1\.[01]|0\.1[78])\r\n"  # 1.0, 1.1, and Heritrix's old 0.17 / 0.18
_RECORD_START = re.compile(_VERSION)
# A record header met while resynchronising: the version line, then a header field. No newline
# is required before it: a record cut short runs straight into the next one.
_NEXT_RECORD = re.compile(_VERSION + rb"(?=[A-Za-z][\w-]*:)")
# Bytes kept at the end of a piece searched for _NEXT_RECORD (it may straddle two pieces).
_TAIL = 32
_CONTENT_LENGTH = re.compile(rb"\r\nContent-Length:[ \t]*(\d+)[ \t]*\r\n", re.I)
_RESPONSE = re.compile(rb"\r\nWARC-Type:[ \t]*response[ \t]*\r\n", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Frame:
    """One record's place in the stream, with its bytes or what is wrong with it."""

    number: int
    where: str  # "record 3 (offset 1234)"
    data: bytes | None = None
    problem: str | None = None
    fatal: bool = False


def read_warc(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """Each HTTP 200 HTML response of a WARC file as an article (``format`` "warc")."""
    skipped: Counter[str] = Counter()
    for frame in Framer(stream):
        if frame.problem is not None:
            yield Rejection(inp.source, frame.problem, frame.where)
            continue
        if frame.data is None:
            skipped["too large"] += 1
            continue
        article = guarded(inp.source, frame.where, _article, inp.source, frame, skipped)
        if article is not None:
            yield article
    if skipped:
        log.debug(
            "%s: %d WARC records are not articles: %s",
            inp.source,
            sum(skipped.values()),
            ", ".join(f"{k}: {v}" for k, v in skipped.most_common()),
        )


class _ToDebug(logging.Handler):
    """warcio's log lines ("Replacing spaces in invalid WARC-Target-URI...") go to crisol's debug
    log: crisol's own messages are the only ones a user sees."""

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("warcio: %s", record.getMessage())


_WARCIO_LOG = logging.getLogger("warcio")
_WARCIO_LOG.addHandler(_ToDebug())
_WARCIO_LOG.propagate = False


@contextlib.contextmanager
def _quiet(where: str) -> Iterator[None]:
    """Capture what warcio writes to stderr itself (damaged Content-Encoding...) into the debug log."""
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        yield
    if captured.getvalue().strip():
        log.debug("warcio on %s: %s", where, captured.getvalue().strip())


def _article(source: str, frame: Frame, skipped: Counter[str]) -> RawArticle | Rejection | None:
    with _quiet(frame.where):
        return _parse_record(source, frame, skipped)


def _parse_record(source: str, frame: Frame, skipped: Counter[str]) -> RawArticle | Rejection | None:
    try:
        record = next(ArchiveIterator(io.BytesIO(frame.data)))
        if record.rec_type != "response":
            skipped[record.rec_type or "untyped"] += 1
            return None
        http = record.http_headers
        if http is None or not (http.protocol or "").upper().startswith("HTTP/"):
            return Rejection(
                source,
                "corrupt response record: its block does not start with an HTTP status line",
                frame.where,
            )
        status = http.get_statuscode()
        if status != "200":
            skipped[f"HTTP {status}"] += 1
            return None
        payload = record.content_stream().read()
    except (
        ArchiveLoadFailed,
        StatusAndHeadersParserException,
        StopIteration,
        ValueError,
        OSError,
        EOFError,
    ) as e:
        return Rejection(source, f"corrupt WARC record: {e or type(e).__name__}", frame.where)
    except (AttributeError, TypeError, KeyError, IndexError) as e:
        # warcio trips over some damaged headers (a response without WARC-Target-URI...)
        return Rejection(
            source, f"corrupt WARC record (warcio cannot parse it: {type(e).__name__}: {e})", frame.where
        )
    content_type = http.get_header("Content-Type") or ""
    if not _is_html(content_type, payload):
        skipped[f"non-HTML ({content_type.split(';')[0].strip() or 'no type'})"] += 1
        return None
    if not payload.strip():
        return Rejection(source, "HTTP 200 response with an empty body", frame.where)
    try:
        meta = decode_text(payload, [_charset(content_type), meta_charset(payload)]).meta("html")
    except Undecodable as e:
        return Rejection(source, f"cannot decode the page: {e}", frame.where)
    meta["date_field"] = "fetch"
    for key, header in (("url", "WARC-Target-URI"), ("fetched", "WARC-Date")):
        value = record.rec_headers.get_header(header)
        if value:
            meta[key] = value.strip("<> ")
    if "fetched" in meta:  # the only date a capture has; date_field says what kind it is
        meta["date"] = meta["fetched"]
    return RawArticle(source=source, data=payload, format="warc", location=frame.where, meta=meta)


def _is_html(content_type: str, payload: bytes) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    if mime:
        return mime in _HTML_TYPES
    return sniff(payload[:4096]) == "html"  # no Content-Type: look at the bytes


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    return m.group(1) if m else None


class Framer:
    """Cut a WARC byte stream into records, resynchronising after damage."""

    def __init__(self, stream: ByteStream):
        self.stream = stream
        self._parts = stream.parts()
        self.buf = bytearray()
        self.base = 0  # stream position of buf[0] (decompressed)
        self.gap: Gap | None = None
        self.eof = False
        self.number = 0

    # -- buffer -------------------------------------------------------------------------------
    def _more(self) -> bool:
        """Append the next chunk; False at the end or at a gap (then kept in ``self.gap``)."""
        if self.eof or self.gap is not None:
            return False
        part = next(self._parts, None)
        if part is None:
            self.eof = True
            return False
        if isinstance(part, Gap):
            self.gap = part
            return False
        self.buf += part
        return True

    def _fill(self, n: int) -> bool:
        while len(self.buf) < n:
            if not self._more():
                return False
        return True

    def _consume(self, n: int) -> None:
        del self.buf[:n]
        self.base += n

    # -- records ------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Frame]:
        while True:
            if self._skip_blank():
                self.number += 1
                frame = self._frame()
            elif self.gap is not None:  # damage between records: the next record is lost
                frame = self._after_gap()
            else:
                return
            yield frame
            if frame.fatal:
                return

    def _skip_blank(self) -> bool:
        """Drop blank bytes between records; False when no byte is left before the end or a gap."""
        while True:
            blank = _BLANK.match(self.buf)  # a regex, not lstrip: no copy of the buffer
            self._consume(blank.end() if blank else 0)
            if self.buf:
                return True
            if not self._more():
                return False

    def _where(self, number: int, position: int) -> str:
        if not self.stream.compressed:
            return f"record {number} (offset {position})"
        raw = self.stream.member_offset(position)
        if raw is not None:
            return f"record {number} (offset {raw})"
        return f"record {number} (offset {position} in the decompressed stream)"

    def _after_gap(self, number: int | None = None) -> Frame:
        """Report the gap that stopped the current record and start afresh after it."""
        gap, self.gap = self.gap, None
        assert gap is not None
        self._consume(len(self.buf))
        if number is None:
            self.number += 1
            number = self.number
        # a damaged member may have yielded no byte: only the gap knows where it was
        where = (
            f"record {number} (offset {gap.offset})"
            if gap.offset is not None
            else self._where(number, self.base)
        )
        return Frame(number, where, problem=gap.reason, fatal=gap.fatal)

    def _frame(self) -> Frame:
        start = self.base
        where = self._where(self.number, start)
        if not self._fill(10) or not _RECORD_START.match(self.buf):
            if self.gap is not None:
                return self._gap_frame(where)
            if len(self.buf) < 10 and self.eof:
                return self._bad(where, "the file ends with a few stray bytes, not a WARC record")
            return self._bad(where, f"not a WARC record header (starts {bytes(self.buf[:16])!r})")
        header_end = self._find_header_end()
        if header_end < 0:
            if self.gap is not None:
                return self._gap_frame(where)
            if self.eof:
                return self._bad(where, "record cut short: the file ends inside its WARC header")
            return self._bad(where, "WARC header does not end (no blank line within 64 KB)")
        header = bytes(self.buf[:header_end])
        m = _CONTENT_LENGTH.search(header + b"\r\n")
        if m is None:
            return self._bad(where, "WARC header has no valid Content-Length")
        length = int(m.group(1))
        total = header_end + len(_HEADER_END) + length + len(_RECORD_END)
        if length > MAX_RECORD_BYTES:
            return self._too_large(where, header, length, total)
        if not self._fill(total):
            # the stream ends (or breaks) first: is the next record inside this one?
            m = _NEXT_RECORD.search(self.buf, header_end)
            if m is not None:
                self._consume(m.start())
                return Frame(
                    self.number,
                    where,
                    problem=(
                        f"record cut short or its Content-Length ({length}) is wrong: another "
                        f"record header comes {m.start()} bytes into it; skipped to the next record"
                    ),
                )
            if self.gap is not None:
                return self._gap_frame(where)
            return self._bad(
                where, f"record cut short: the file ends {len(self.buf)} bytes into a {total}-byte record"
            )
        if self.buf[total - len(_RECORD_END) : total] != _RECORD_END:
            return self._bad(
                where, f"corrupt record: it does not end where its Content-Length ({length}) says"
            )
        data = bytes(self.buf[:total])
        self._consume(total)
        return Frame(self.number, where, data=data)

    def _find_header_end(self) -> int:
        searched = 0
        while True:
            i = self.buf.find(_HEADER_END, max(0, searched - 3))
            if i >= 0:
                return i
            searched = len(self.buf)
            if searched > _MAX_HEADER or not self._more():
                return -1

    def _gap_frame(self, where: str) -> Frame:
        frame = self._after_gap(self.number)
        frame.where = where
        return frame

    def _bad(self, where: str, reason: str) -> Frame:
        """Reject the record at buf[0] and move to the next record header after it."""
        self._consume(1)
        self._resync()
        if self.buf or not self.eof:
            reason += "; skipped to the next record"
        return Frame(self.number, where, problem=reason)

    def _resync(self) -> None:
        while True:
            m = _NEXT_RECORD.search(self.buf)
            if m is not None:
                self._consume(m.start())
                return
            self._consume(max(0, len(self.buf) - _TAIL))  # keep a possible partial header
            if not self._more():
                # at a gap the next gzip member starts afresh: drop the damaged rest
                self._consume(len(self.buf))
                if self.gap is not None and not self.gap.fatal:
                    self.gap = None
                return

    def _too_large(self, where: str, header: bytes, length: int, total: int) -> Frame:
        """Skip a record too large to be an article without keeping it in memory.

        Its Content-Length may be wrong (absurd, or the record was cut short): while skipping,
        the bytes from the first record header met inside it are kept (up to
        :data:`MAX_RECORD_BYTES`); when the stream ends before the record does, reading resumes
        at that header, so the records after a bad length are not lost.
        """
        size = total
        kept: bytearray | None = None
        tail, start, keeping = b"", 1, True  # start 1: not this record's own header
        while total > 0:
            if not self.buf and not self._more():
                break
            take = min(total, len(self.buf))
            piece = bytes(self.buf[:take])
            if kept is not None:
                kept += piece
                if len(kept) > MAX_RECORD_BYTES:  # a real large record after all: stop keeping
                    kept, keeping = None, False
            elif keeping:
                window = tail + piece
                m = _NEXT_RECORD.search(window, start)
                if m is not None:
                    kept = bytearray(window[m.start() :])
                tail, start = window[-_TAIL:], 0
            self._consume(take)
            total -= take
        if total > 0:  # the stream ended or broke inside the record: its length was wrong
            if kept is not None:
                self.buf[:0] = kept
                self.base -= len(kept)
                return Frame(
                    self.number,
                    where,
                    problem=(
                        f"record cut short or its Content-Length ({length}) is wrong: the "
                        f"{'stream breaks' if self.gap is not None else 'file ends'} "
                        f"{size - total} bytes into it; skipped to the next record (found inside it)"
                    ),
                )
            if self.gap is not None:
                return self._gap_frame(where)
            return Frame(
                self.number,
                where,
                problem=(
                    f"record cut short: the file ends {size - total} bytes into a {size}-byte "
                    "record (Content-Length wrong?); no record follows it"
                ),
            )
        if _RESPONSE.search(header + b"\r\n"):
            return Frame(
                self.number,
                where,
                problem=f"record too large for one article "
                f"({human_size(size)} > {human_size(MAX_RECORD_BYTES)} limit), skipped",
            )
        return Frame(self.number, where)  # neither data nor problem: not an article, skipped
