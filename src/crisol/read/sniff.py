"""Tell an input's format from its first bytes, never from its name.

:func:`sniff` returns a key of :data:`crisol.read.registry.READERS`: ``warc``, ``rss``,
``atom``, ``jsonl``, ``json``, ``csv`` (a table with article columns), ``mime`` (MHTML, e-mail),
``html``, ``xml`` (XML
that is neither a feed nor a page), ``arc`` (the Internet Archive's format before WARC),
``binary`` or, when nothing else fits, ``text`` (whose
reader still rejects bytes that do not decode as text).
"""

from __future__ import annotations

import codecs
import json
import re

from crisol.read.decode import Undecodable, decode, wide_codec
from crisol.read.records import FIELDS

# Signatures of common non-text files, first match wins: (offset, magic bytes, description).
MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "ZIP archive or Office document"),
    (0, b"PK\x05\x06", "ZIP archive"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"\x1f\x8b", "gzip inside gzip"),
    (0, b"BZh", "bzip2 archive"),
    (0, b"\xfd7zXZ\x00", "xz archive"),
    (0, b"(\xb5/\xfd", "zstd archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (0, b"OggS", "Ogg audio/video"),
    (0, b"ID3", "MP3 audio"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"wOFF", "WOFF font"),
    (0, b"wOF2", "WOFF2 font"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (0, b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (0, b"MZ\x90\x00", "Windows executable"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"\x00\x00\x01\x00", "icon image"),
    (4, b"ftyp", "MP4/QuickTime video"),
    (8, b"WEBP", "WebP image"),
    (8, b"WAVE", "WAV audio"),
    (8, b"AVI ", "AVI video"),
    (257, b"ustar", "tar archive"),
)

# The table split for speed: signatures at offset 0 by first byte, and the others.
_MAGIC_BY_BYTE: dict[bytes, tuple[tuple[int, bytes, str], ...]] = {}
for _entry in MAGIC:
    if _entry[0] == 0:
        _MAGIC_BY_BYTE[_entry[1][:1]] = _MAGIC_BY_BYTE.get(_entry[1][:1], ()) + (_entry,)
_MAGIC_ELSEWHERE = tuple(e for e in MAGIC if e[0] != 0)

# Bytes that never occur in text: C0 controls except tab, newline, vertical tab, form feed,
# carriage return and escape.
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
# Share of control bytes in the head above which the input is binary.
MAX_CONTROL_RATIO = 0.05

_COMMENT_OR_PI = re.compile(rb"\s*(?:<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT_TAG = re.compile(rb"\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_HTML_ANYWHERE = re.compile(rb"<!doctype\s+html|<html[\s>]", re.I)
# Elements an HTML page or fragment starts with.
HTML_TAGS = frozenset(
    b"html head body meta title link script style div p span a h1 h2 h3 h4 h5 h6 article "
    b"section header footer nav main aside table ul ol li br img figure noscript base form "
    b"iframe center font b i strong em blockquote".split()
)
_RSS1_NS = b"purl.org/rss/1.0"
_WARC = re.compile(rb"WARC/(?:1\.[01]|0\.1[78])\r?\n")
# A MIME message (saved page, e-mail): header lines, one of them MIME-Version.
_MIME = re.compile(rb"(?:[A-Za-z][\w-]*:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*){0,40}?MIME-Version:", re.I)
_COLUMN = re.compile(r"[^\W\d][\w .-]{0,39}")
_TEXT_COLUMNS = frozenset(n.lower() for n in FIELDS["text"])
_KNOWN_COLUMNS = frozenset(n.lower() for names in FIELDS.values() for n in names)
_JSON_START = re.compile(rb'\{\s*(?:"|\}|$)|\[\s*(?:[\[{"\]\d-]|true|false|null|$)')


def sniff(head: bytes) -> str:
    """The format of an input, from its first bytes (after gzip decompression).

    >>> sniff(b"WARC/1.0\\r\\nWARC-Type: warcinfo\\r\\n")
    'warc'
    >>> sniff(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    'rss'
    >>> sniff(b'{"title": "T", "maintext": "M"}\\n{"title": "U", "maintext": "N"}\\n')
    'jsonl'
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR")
    'binary'
    >>> sniff("Titular\\n\\nCuerpo de la noticia.".encode())
    'text'
    """
    if _magic_kind(head) is not None:
        return "binary"
    text = _ascii_view(head).lstrip()
    if _WARC.match(text):  # before the control-byte test: payloads may be binary
        return "warc"
    if text.startswith(b"filedesc://"):  # ARC, the Internet Archive's format before WARC
        return "arc"
    if binary_kind(head) is not None:
        return "binary"
    if _JSON_START.match(text):  # not "[VÍDEO] Titular...": a JSON value must follow
        return _json_kind(text)
    if text.startswith(b"<"):
        return _markup_kind(text)
    if _MIME.match(text):
        return "mime"
    if _HTML_ANYWHERE.search(text[:1024]):  # a page after some junk (a stray line, a warning)
        return "html"
    if _is_article_table(text):
        return "csv"
    # No structure recognised: plain text, if it decodes (the text reader checks).
    return "text"


def binary_kind(head: bytes) -> str | None:
    """What kind of binary file ``head`` starts, or None when it may be text.

    >>> binary_kind(b"%PDF-1.7 ..."), binary_kind(b"Hola, mundo")
    ('PDF document', None)
    """
    kind = _magic_kind(head)
    if kind is not None:
        return kind
    if not head or wide_codec(head) is not None:
        return None
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls / len(head) > MAX_CONTROL_RATIO:
        return "unknown binary data"
    return None


def _magic_kind(head: bytes) -> str | None:
    for offset, magic, kind in _MAGIC_BY_BYTE.get(head[:1], ()) + _MAGIC_ELSEWHERE:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return None


def _ascii_view(head: bytes) -> bytes:
    """The head as ASCII-compatible bytes: BOM removed, UTF-16 and UTF-32 transcoded."""
    if head.startswith(codecs.BOM_UTF8):
        return head[3:]
    codec = wide_codec(head)
    if codec is not None:
        even = head[: len(head) // 4 * 4]
        return even.decode(codec, "replace").encode("utf-8")
    return head


def _is_article_table(text: bytes) -> bool:
    """A CSV/TSV header naming a text column and one more known field (title, date, url...)."""
    raw = text.split(b"\n", 1)[0].rstrip(b"\r")
    if len(raw) > 2000 or len(raw) == len(text):  # no header line, or not a short one
        return False
    try:
        first = decode(raw)[0]
    except Undecodable:
        return False
    for delimiter in (",", ";", "\t", "|"):
        names = {f.strip().strip('"').strip().lower() for f in first.split(delimiter)}
        if len(names) < 2 or not all(_COLUMN.fullmatch(n) for n in names):
            continue
        if names & _TEXT_COLUMNS and len(names & _KNOWN_COLUMNS) >= 2:
            return True
    return False


def _json_kind(text: bytes) -> str:
    """``jsonl`` when a line at column 0 holds a whole JSON object, else ``json``."""
    if text.startswith(b"["):
        return "json"
    lines = text.split(b"\n")
    complete = lines[:-1] if len(lines) > 1 else []
    for line in complete[:5]:
        if line.startswith(b"{") and _is_json(line) is not False:
            return "jsonl"
    if not complete and _is_json(text) is not True:
        # one line longer than the head: JSON Lines records with long texts look like this
        return "jsonl"
    return "json"


def _is_json(line: bytes) -> bool | None:
    """True when ``line`` is one JSON value; None when it nests too deeply to tell (JSON Lines
    then: its reader rejects such a line by name and reads the others)."""
    try:
        json.loads(line)
    except ValueError:
        return False
    except RecursionError:
        return None
    return True


def has_element(head: bytes) -> bool:
    """True when markup has an element after its declaration, comments and doctype.

    >>> has_element(b'<?xml version="1.0"?><!-- nada -->'), has_element(b"<rss></rss>")
    (False, True)
    """
    text = _ascii_view(head).lstrip()
    pos = 0
    while m := _COMMENT_OR_PI.match(text, pos):
        if m.end() == pos:
            break
        pos = m.end()
    return _ROOT_TAG.match(text, pos) is not None


def _markup_kind(text: bytes) -> str:
    """``rss``, ``atom``, ``html`` or ``xml`` from the root element."""
    pos = 0
    while m := _COMMENT_OR_PI.match(text, pos):
        if m.end() == pos:
            break
        pos = m.end()
    root = _ROOT_TAG.match(text, pos)
    if root is None:
        if pos and not text[pos:].strip():
            return "xml"  # a declaration or comments, and no element: no feed, no page
        return "html" if _HTML_ANYWHERE.search(text[:1024]) else "text"
    name = root.group(2).lower()
    if name == b"rss":
        return "rss"
    if name == b"feed":
        return "atom"
    if name == b"rdf" and _RSS1_NS in text[pos : pos + 2048]:
        return "rss"  # RSS 1.0
    if name in HTML_TAGS and root.group(1) is None:
        return "html"
    return "xml"
