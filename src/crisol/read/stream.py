"""The bytes of one input, gunzipped when they are gzip, read forward once in chunks.

Readers never load an input whole unless its format needs it (a text or HTML article, a feed);
JSON Lines and WARC are consumed chunk by chunk. Damage in a gzip stream does not raise: it
becomes a :class:`Gap` in the chunk sequence, so a reader can reject the record it hit and go on
with the next gzip member (``.warc.gz`` files have one member per record).
"""

from __future__ import annotations

import codecs
import itertools
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crisol.read.limits import CHUNK_BYTES, HEAD_BYTES, human_size

if TYPE_CHECKING:
    from crisol.read.inputs import InputFile

GZIP_MAGIC = b"\x1f\x8b\x08"
# Raw bytes of the current gzip member kept so that, when it turns out corrupt, the search for
# the next member can start right after its first byte. Members larger than this (a whole file
# gzipped in one piece) are not kept: the search then starts at the damaged chunk.
_KEEP_MEMBER_BYTES = 4 * 1024 * 1024


@dataclass
class Gap:
    """A break in the byte stream: data that could not be decompressed or was skipped."""

    reason: str
    fatal: bool = False  # True when nothing follows it (the stream is cut)
    offset: int | None = None  # raw offset of the damaged gzip member (or skipped bytes)


class StreamBroken(Exception):
    """Raised by :meth:`ByteStream.read_all` when the stream has a :class:`Gap`."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class TooLarge(Exception):
    """Raised by :meth:`ByteStream.read_all` when the stream passes the limit."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"more than {human_size(limit)}")


class _Gunzip:
    """Decompress concatenated gzip members, turning damage into :class:`Gap` items.

    ``members`` holds ``(decompressed offset, raw offset)`` for each member start, so a reader
    can name a record by the raw offset of its member, as WARC tools do.
    """

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._data = b""
        self._pos = 0  # raw offset of self._data[0]
        self.members: deque[tuple[int, int]] = deque()
        self.out = 0
        self._after_damage = False  # the bytes skipped next belong to a member already reported

    def _refill(self) -> bool:
        chunk = next(self._chunks, None)
        if chunk is None:
            return False
        self._data += chunk
        return True

    def __iter__(self) -> Iterator[bytes | Gap]:
        while True:
            if not self._data and not self._refill():
                return
            gap = self._seek_member()
            if gap is not None:
                yield gap
            if not self._data:
                return
            yield from self._member()

    def _seek_member(self) -> Gap | None:
        """Skip to the next gzip magic; return a Gap describing skipped junk, if any."""
        skipped, skip_from = 0, self._pos
        while True:
            while len(self._data) < 3 and self._refill():
                pass
            i = self._data.find(GZIP_MAGIC)
            if i == 0:
                break
            if i < 0:
                # keep two bytes: the magic may straddle two chunks
                cut = max(0, len(self._data) - 2) if len(self._data) >= 3 else len(self._data)
                junk, self._data = self._data[:cut], self._data[cut:]
                at_end = not self._refill()
                if at_end:
                    junk, self._data = junk + self._data, b""
            else:
                junk, self._data = self._data[:i], self._data[i:]
                at_end = False
            if junk.strip(b"\0 \t\r\n"):
                skipped += len(junk)
            self._pos += len(junk)
            if at_end:
                break
        after_damage, self._after_damage = self._after_damage, False
        if skipped and not after_damage:
            return Gap(f"skipped {skipped} bytes of non-gzip data at byte {skip_from}", offset=skip_from)
        return None

    def _member(self) -> Iterator[bytes | Gap]:
        """Decompress one member starting at ``self._data[0]``."""
        start = self._pos
        self.members.append((self.out, start))
        d = zlib.decompressobj(31)  # 31: gzip header and trailer (CRC) checked
        kept: bytearray | None = bytearray()
        while True:
            feed, self._data = self._data, b""
            if kept is not None:
                kept += feed
                if len(kept) > _KEEP_MEMBER_BYTES:
                    kept = None
            try:
                yield from self._inflate(d, feed)
            except zlib.error as e:
                yield Gap(f"corrupt gzip data in the member at byte {start} ({e})", offset=start)
                self._after_damage = True
                # resynchronise: search for the next member after this one's first byte
                if kept is not None:
                    self._data, self._pos = bytes(kept[1:]), start + 1
                else:
                    self._data = feed[1:]
                    self._pos += 1
                return
            if d.eof:
                rest = d.unused_data
                self._pos += len(feed) - len(rest)
                self._data = rest
                return
            self._pos += len(feed)
            if not self._refill():
                yield Gap(
                    f"truncated gzip stream: the file ends inside compressed data "
                    f"(member at byte {start}); was the download or copy cut short?",
                    fatal=True,
                    offset=start,
                )
                return

    def _inflate(self, d: zlib._Decompress, feed: bytes) -> Iterator[bytes]:
        """Output of ``feed`` at most a chunk at a time: a gzip bomb never sits in memory."""
        while feed:
            out = d.decompress(feed, CHUNK_BYTES)
            if out:
                self.out += len(out)
                yield out
            if d.eof:
                return
            feed = d.unconsumed_tail


class ByteStream:
    """Decompressed bytes of one input, with its first :data:`HEAD_BYTES` kept for sniffing.

    Iterate :meth:`parts` once (or use :meth:`read_all` / :meth:`lines`); ``head`` is replayed
    first, so readers see the stream from its start.
    """

    def __init__(
        self,
        source: str,
        parts: Iterable[bytes | Gap],
        gunzip: _Gunzip | None = None,
        on_close: Callable[[], None] | None = None,
    ):
        self.source = source
        self._on_close = on_close
        self.encoding: str | None = None  # set when the bytes were transcoded to UTF-8
        self.compressed = gunzip is not None
        self._gunzip = gunzip
        self._parts = iter(parts)
        self._held: list[bytes | Gap] = []
        self.ended_in_head = False  # the whole stream fits in `head`
        head = bytearray()
        while len(head) < HEAD_BYTES:
            part = next(self._parts, None)
            if part is None:
                self.ended_in_head = True
                break
            self._held.append(part)
            if isinstance(part, Gap):
                if part.fatal:
                    break
                continue  # sniff what follows a damaged gzip member (the next WARC record)
            head += part
        self.head = bytes(head[:HEAD_BYTES])

    def is_blank(self) -> bool:
        """True when the whole stream is whitespace (or nothing), BOM aside."""
        if not self.ended_in_head or any(isinstance(p, Gap) for p in self._held):
            return False
        data = b"".join(p for p in self._held if isinstance(p, bytes))
        return not data.removeprefix(b"\xef\xbb\xbf").strip()

    def transcoded(self, codec: str) -> ByteStream:
        """The same stream re-encoded from ``codec`` (UTF-16) to UTF-8, for line-based readers.

        ``encoding`` on the result names the original codec.
        """
        decoder = codecs.getincrementaldecoder(codec)("replace")

        def parts() -> Iterator[bytes | Gap]:
            for part in self.parts():
                yield part if isinstance(part, Gap) else decoder.decode(part).encode("utf-8")
            yield decoder.decode(b"", final=True).encode("utf-8")

        stream = ByteStream(self.source, parts(), self._gunzip, on_close=self.close)
        stream.encoding = codec
        return stream

    def parts(self) -> Iterator[bytes | Gap]:
        held, self._held = self._held, []
        yield from held
        yield from self._parts

    def read_all(self, limit: int) -> bytes:
        """All the bytes, or :class:`TooLarge` past ``limit`` / :class:`StreamBroken` on a gap."""
        buf = bytearray()
        for part in self.parts():
            if isinstance(part, Gap):
                raise StreamBroken(part.reason)
            buf += part
            if len(buf) > limit:
                raise TooLarge(limit)
        return bytes(buf)

    def lines(self, max_line: int) -> Iterator[tuple[int, bytes | Gap]]:
        """``(line number, line bytes without the newline)``; a too long line is a Gap."""
        buf, number, too_long = bytearray(), 0, False
        for part in self.parts():
            if isinstance(part, Gap):
                yield number + 1, part
                if part.fatal:
                    return
                buf.clear()
                continue
            buf += part
            start = 0
            while (nl := buf.find(b"\n", start)) >= 0:
                number += 1
                if too_long:
                    too_long = False
                    yield number, Gap(f"line longer than the {human_size(max_line)} limit, skipped")
                else:
                    yield number, bytes(buf[start:nl])
                start = nl + 1
            del buf[:start]
            if len(buf) > max_line:
                buf.clear()
                too_long = True
        if buf or too_long:
            number += 1
            yield (
                number,
                (
                    Gap(f"line longer than the {human_size(max_line)} limit, skipped")
                    if too_long
                    else bytes(buf)
                ),
            )

    def member_offset(self, position: int) -> int | None:
        """Raw offset of the gzip member that starts at decompressed ``position``, if one does.

        Call with increasing positions: earlier members are forgotten.
        """
        if self._gunzip is None:
            return None
        members = self._gunzip.members
        while len(members) > 1 and members[1][0] <= position:
            members.popleft()
        if members and members[0][0] == position:
            return members[0][1]
        return None

    def close(self) -> None:
        close = getattr(self._parts, "close", None)
        if close is not None:
            close()
        if self._on_close is not None:
            self._on_close()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _file_chunks(inp: InputFile) -> Iterator[bytes]:
    if inp.data is not None:
        view = memoryview(inp.data)
        for i in range(0, len(view), CHUNK_BYTES):
            yield bytes(view[i : i + CHUNK_BYTES])
        return
    assert inp.path is not None
    with open(inp.path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk


def open_stream(inp: InputFile) -> ByteStream:
    """Open an input for reading, gunzipping it when its bytes are gzip (whatever its name).

    Raises ``OSError`` when the file cannot be opened.
    """
    raw = _file_chunks(inp)
    first = next(raw, b"")
    chunks = itertools.chain([first], raw)
    if first.startswith(GZIP_MAGIC):
        gunzip = _Gunzip(chunks)
        return ByteStream(inp.source, iter(gunzip), gunzip, on_close=raw.close)
    return ByteStream(inp.source, chunks, on_close=raw.close)
