"""Bytes to text: BOM, strict UTF-8, declared charsets, then detection tuned for Western news.

charset-normalizer alone guesses badly on short Spanish or English text (it calls Latin-1
Spanish ``cp1250`` and a one-word sample ``big5``), so a Windows-1252 reading is tried first and
kept when it looks like Western text: mostly ASCII letters, the rest accented Latin letters and
typographic punctuation. Anything else (Cyrillic, Greek, CJK...) goes to charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

import charset_normalizer

# Share of non-ASCII letters above which a Windows-1252 reading is not believed: Spanish,
# Portuguese and French stay under 10%, Cyrillic or Greek read as 1252 are near 100%.
MAX_ACCENTED_SHARE = 0.3
# Non-letters a Western text may hold in its non-ASCII part.
_WESTERN_SYMBOLS = frozenset("¡¿«»“”‘’‚„–—…€£¥¢°ºª·•©®™§¶½¼¾×÷\u00a0\u00ad′″‹›†‡‰")
_C1 = re.compile(rb"[\x80-\x9f]")
# Labels that browsers read as Windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})


class Undecodable(ValueError):
    """The bytes are not text in any encoding we can tell."""


def decode(data: bytes, declared: Iterable[str | None] = ()) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding)``; a BOM is removed.

    ``declared`` are charsets the container named (HTTP header, ``<meta charset>``), tried after
    strict UTF-8 (a page that is valid UTF-8 is UTF-8, whatever it declares).

    >>> decode("Año".encode("utf-8"))
    ('Año', 'utf-8')
    >>> decode("Año nuevo en España".encode("latin-1"))
    ('Año nuevo en España', 'iso-8859-1')
    >>> decode("“Sí”, dijo".encode("cp1252"))
    ('“Sí”, dijo', 'cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    utf16 = utf16_codec(data)
    if utf16 is not None:
        return _strict(data, utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    for name in declared:
        found = _try_declared(data, name)
        if found is not None:
            return found
    western = _western(data)
    if western is not None:
        return western
    return _detect(data)


def utf16_codec(head: bytes) -> str | None:
    """``utf-16`` (with a BOM), ``utf-16-le`` or ``-be`` (every other byte NUL), else None.

    Windows tools (PowerShell redirections, Notepad's "Unicode") still write UTF-16.

    >>> utf16_codec("Hola".encode("utf-16")), utf16_codec("Hola".encode("utf-16-le"))
    ('utf-16', 'utf-16-le')
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few stray bytes (a file stitched from two sources, a cut character).

    Kept as UTF-8, the stray bytes replaced by U+FFFD, when valid multi-byte characters clearly
    outnumber the bad bytes; Latin-1 text almost never forms valid UTF-8 sequences.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if not ch.isascii()) - text.count("\ufffd")
    if good >= 3 and bad <= good / 10:
        return text, "utf-8"
    return None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise Undecodable(f"not valid {encoding} (byte {e.start})") from None


def _try_declared(data: bytes, name: str | None) -> tuple[str, str] | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None
    if codec in _AS_CP1252:
        return _western(data, check_letters=False)
    try:
        return data.decode(codec), codec.replace("_", "-")
    except UnicodeDecodeError:
        return None


def _western(data: bytes, check_letters: bool = True) -> tuple[str, str] | None:
    """Windows-1252 (or ISO-8859-1 when no byte 0x80-0x9F occurs) if the text looks Western."""
    has_c1 = _C1.search(data) is not None
    try:
        text = data.decode("cp1252") if has_c1 else data.decode("latin-1")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned in cp1252
        return None
    if check_letters and not _looks_western(text):
        return None
    return text, "cp1252" if has_c1 else "iso-8859-1"


def _looks_western(text: str) -> bool:
    letters = accented = 0
    for ch in text:
        if ch.isascii():
            letters += ch.isalpha()
        elif ch.isalpha():
            letters += 1
            accented += 1
        elif ch not in _WESTERN_SYMBOLS and not unicodedata.category(ch).startswith("Z"):
            return False
    return letters > 0 and accented / letters <= MAX_ACCENTED_SHARE


def _detect(data: bytes) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise Undecodable("not UTF-8, and no text encoding fits these bytes")
    return str(best), best.encoding.replace("_", "-")


_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def meta_charset(html_head: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag within its first 4 KB.

    >>> meta_charset(b'<html><head><meta charset="ISO-8859-1">')
    'ISO-8859-1'
    """
    m = _META_CHARSET.search(html_head[:4096])
    return m.group(1).decode("ascii") if m else None


def strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data
