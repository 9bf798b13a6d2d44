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
from dataclasses import dataclass, field
from typing import Any

import charset_normalizer

# Share of non-ASCII letters above which a Windows-1252 reading is not believed: Spanish,
# Portuguese and French stay under 10%, Cyrillic or Greek read as 1252 are near 100%.
MAX_ACCENTED_SHARE = 0.3
# Non-letters a Western text may hold in its non-ASCII part.
_WESTERN_SYMBOLS = frozenset("¡¿«»“”‘’‚„–—…€£¥¢°ºª·•©®™§¶½¼¾×÷\u00a0\u00ad′″‹›†‡‰")
_C1 = re.compile(rb"[\x80-\x9f]")
# Labels that browsers read as Windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})


# Text codecs Python knows that are never a page's charset: escape codecs would turn bytes into
# other characters, UTF-7 is refused by browsers (WHATWG), "undefined" always fails.
_NOT_CHARSETS = frozenset({"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "utf_7"})


class Undecodable(ValueError):
    """The bytes are not text in any encoding we can tell."""


@dataclass
class Decoded:
    """Decoded text, the encoding it was read in, and what had to be replaced on the way.

    ``repairs`` holds ``(line or None, what was done)`` for each place the bytes were not valid
    in ``encoding``: a stray byte replaced by U+FFFD, a paragraph in another encoding.
    """

    text: str
    encoding: str
    repairs: list[tuple[int | None, str]] = field(default_factory=list)

    def meta(self, kind: str) -> dict[str, Any]:
        """``meta`` keys for an article of this text: ``kind`` ("text", "html"), ``encoding`` and,
        when something was replaced, ``repairs`` (``{"line": n or None, "text": what}``)."""
        meta: dict[str, Any] = {kind: self.text, "encoding": self.encoding}
        if self.repairs:
            meta["repairs"] = [{"line": line, "text": what} for line, what in self.repairs]
        return meta


def decode(data: bytes, declared: Iterable[str | None] = ()) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding)``; a BOM is removed (see :func:`decode_text`).

    ``declared`` are charsets the container named (HTTP header, ``<meta charset>``), tried after
    strict UTF-8 (a page that is valid UTF-8 is UTF-8, whatever it declares).

    >>> decode("Año".encode("utf-8"))
    ('Año', 'utf-8')
    >>> decode("Año nuevo en España".encode("latin-1"))
    ('Año nuevo en España', 'iso-8859-1')
    >>> decode("“Sí”, dijo".encode("cp1252"))
    ('“Sí”, dijo', 'cp1252')
    """
    found = decode_text(data, declared)
    return found.text, found.encoding


def decode_text(data: bytes, declared: Iterable[str | None] = ()) -> Decoded:
    """Like :func:`decode`, saying what was replaced: UTF-8 with a few stray bytes (U+FFFD), or
    UTF-8 with whole lines in a Western legacy encoding (a paragraph pasted from another source),
    is read line by line rather than rejected or misread whole.

    >>> d = decode_text("Año nuevo\\n".encode() + "Señal débil\\n".encode("latin-1"))
    >>> d.text, d.encoding, d.repairs
    ('Año nuevo\\nSeñal débil\\n', 'utf-8', [(2, 'line 2 is not UTF-8: read as iso-8859-1')])
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    wide = wide_codec(data)
    if wide is not None:
        return Decoded(_strict(data, wide), wide)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    mixed = _mixed_utf8(data)
    if mixed is not None:
        return mixed
    for name in declared:
        found = _try_declared(data, name)
        if found is not None:
            return Decoded(*found)
    western = _western(data)
    if western is not None:
        return Decoded(*western)
    return Decoded(*_detect(data))


def wide_codec(head: bytes) -> str | None:
    """``utf-32`` / ``utf-16`` (with a BOM), ``utf-32-le``/``-be`` or ``utf-16-le``/``-be``
    (recognised by their NUL bytes), else None.

    Windows tools (PowerShell redirections, Notepad's "Unicode") still write UTF-16; UTF-32 is
    rare but valid. The UTF-32-LE BOM starts with the UTF-16-LE one, so it is tested first.

    >>> wide_codec("Hola".encode("utf-16")), wide_codec("Hola".encode("utf-16-le"))
    ('utf-16', 'utf-16-le')
    >>> wide_codec("Hola".encode("utf-32")), wide_codec("Hola, qué tal".encode("utf-32-be"))
    ('utf-32', 'utf-32-be')
    """
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) < 4:
        return None
    utf32 = _utf32_codec(sample)
    if utf32 is not None:
        return utf32
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


utf16_codec = wide_codec  # the older name


def _utf32_codec(sample: bytes) -> str | None:
    """UTF-32 without a BOM: of each 4 bytes, the top one (and mostly the next) is NUL."""
    sample = sample[: len(sample) // 4 * 4]
    quads = len(sample) // 4
    for codec, top, high, low in (("utf-32-le", 3, 2, 0), ("utf-32-be", 0, 1, 3)):
        if (
            sample[top::4].count(0) == quads
            and sample[high::4].count(0) > 0.9 * quads
            and sample[low::4].count(0) < 0.1 * quads
        ):
            try:
                sample.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few stray bytes (a file stitched from two sources, a cut character).

    Kept as UTF-8, the stray bytes replaced by U+FFFD, when valid multi-byte characters clearly
    outnumber the bad bytes; Latin-1 text almost never forms valid UTF-8 sequences.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if not ch.isascii()) - text.count("\ufffd")
    if good >= 3 and bad <= good / 10:
        return Decoded(
            text, "utf-8", [(None, f"{bad} byte{'s' * (bad != 1)} not valid UTF-8 replaced by U+FFFD")]
        )
    return None


def _mixed_utf8(data: bytes) -> Decoded | None:
    """UTF-8 lines with some lines in Windows-1252 / Latin-1: each line read in its encoding.

    Taken only when the UTF-8 lines hold real multi-byte characters (evidence that the file is
    UTF-8) and every other line reads as Western text; else None.
    """
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        return None
    out: list[str] = []
    repairs: list[tuple[int | None, str]] = []
    good = 0
    for number, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            western = _western(line)
            if western is None:
                return None
            text = western[0]
            repairs.append((number, f"line {number} is not UTF-8: read as {western[1]}"))
        else:
            good += sum(1 for ch in text if not ch.isascii())
        out.append(text)
    if not good or not repairs:
        return None
    return Decoded("".join(out), "utf-8", repairs)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise Undecodable(f"not valid {encoding} (byte {e.start})") from None


def _try_declared(data: bytes, name: str | None) -> tuple[str, str] | None:
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):  # ValueError: a name with a NUL byte
        return None
    codec = info.name.replace("-", "_")
    # base64, hex, zlib, bz2, uu, quopri, rot13... are codecs but not charsets
    if not getattr(info, "_is_text_encoding", True) or codec in _NOT_CHARSETS:
        return None
    if codec in _AS_CP1252:
        return _western(data, check_letters=False)
    try:
        return data.decode(codec), codec.replace("_", "-")
    except (UnicodeError, LookupError, ValueError):
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
