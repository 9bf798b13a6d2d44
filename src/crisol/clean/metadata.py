"""Outlet and authors from what a page says: bylines, metadata fields, the URL.

>>> split_byline("Canal26")
([], 'Canal26')
>>> split_byline("Ana Gil | El Diario")
(['Ana Gil'], 'El Diario')
>>> split_byline("Jane Doe and John Roe, Reuters")
(['Jane Doe', 'John Roe'], 'Reuters')
>>> split_byline("LISA MASCARO and MARY CLARE JALONICK Associated Press")
(['LISA MASCARO', 'MARY CLARE JALONICK'], 'Associated Press')
>>> outlet_from_url("https://www.example.com.ar/mundo/2025/06/05/nota")
'example.com.ar'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crisol.clean.cues import Cues, fold, load_cues

_PART_SEP = re.compile(r"\s*(?:[|/·•]|\s[-–—]\s)\s*")
_NAME_SEP = re.compile(r"\s*(?:;|,|\s+y\s+|\s+e\s+|\s+and\s+|&)\s*", re.I)
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def split_byline(name: str, cues: Cues | None = None) -> tuple[list[str], str | None]:
    """(authors, outlet) from the name part of a byline ("Por <name>")."""
    cues = cues or load_cues()
    parts = [p for p in _PART_SEP.split(name.strip()) if p]
    authors: list[str] = []
    outlet: str | None = None
    for part in parts:
        part, agency = _trailing_agency(part, cues)
        if agency:
            outlet = outlet or agency
        for piece in (p for p in _NAME_SEP.split(part) if p):
            if _is_outlet(piece, cues):
                outlet = outlet or _strip_newsroom(piece, cues)
            else:
                authors.append(piece)
    return authors, outlet


def _trailing_agency(part: str, cues: Cues) -> tuple[str, str | None]:
    """ "MARY JALONICK Associated Press" -> ("MARY JALONICK", "Associated Press")."""
    for agency in cues.agencies:  # longest first
        if part.endswith(" " + agency) and len(part) > len(agency) + 1:
            return part[: -len(agency)].rstrip(" ,"), agency
    return part, None


def _is_outlet(piece: str, cues: Cues) -> bool:
    """An organisation rather than a person: one word, digits, an agency, a newsroom word."""
    tokens = piece.split()
    folded = fold(piece)
    if len(tokens) == 1 or any(c.isdigit() for c in piece):
        return True
    if piece in cues.agencies or folded in {fold(a) for a in cues.agencies}:
        return True
    return any(t in cues["outlet_words"] for t in folded.split())


def _strip_newsroom(piece: str, cues: Cues) -> str | None:
    """ "Redacción El Diario" -> "El Diario"; "Redacción" alone names no outlet."""
    tokens = piece.split()
    if fold(tokens[0]) in ("redaccion", "newsroom", "staff") and len(tokens) > 1:
        return " ".join(tokens[1:])
    if len(tokens) == 1 and fold(tokens[0]) in ("redaccion", "newsroom", "staff"):
        return None
    return piece


def split_authors(value: str | list[str] | None) -> list[str]:
    """A metadata author field ("A; B", "A and B", or a list) as a list of names."""
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        for name in _NAME_SEP.split(str(item)):
            name = " ".join(name.split())
            if name and name not in names:
                names.append(name)
    return names


def outlet_from_url(url: str | None) -> str | None:
    """The site's host name without "www." (the outlet of last resort)."""
    if not url:
        return None
    host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").casefold()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host or None
