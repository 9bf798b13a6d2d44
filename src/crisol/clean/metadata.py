"""Outlet, wire agency and authors from what a page says: bylines, metadata fields, the URL.

The outlet is the publisher (a feed's or record's source, the site name, an outlet named in the
byline, the masthead, the URL's host); a wire agency credited in the byline ("Por Redacción /
EFE") is the agency, kept apart: it is not the outlet that published the text. Agencies are known
by :mod:`crisol.clean.agencies`, and reported by their canonical names ("REUTERS" -> "Reuters").

>>> parse_byline("Canal26")
Byline(authors=[], outlet='Canal26', agency=None)
>>> parse_byline("Ana Gil | El Diario")
Byline(authors=['Ana Gil'], outlet='El Diario', agency=None)
>>> parse_byline("Jane Doe and John Roe, Reuters")
Byline(authors=['Jane Doe', 'John Roe'], outlet=None, agency='Reuters')
>>> parse_byline("LISA MASCARO and MARY CLARE JALONICK Associated Press")
Byline(authors=['LISA MASCARO', 'MARY CLARE JALONICK'], outlet=None, agency='Associated Press')
>>> parse_byline("Redacción / REUTERS")
Byline(authors=[], outlet=None, agency='Reuters')
>>> outlet_from_url("https://www.example.com.ar/mundo/2025/06/05/nota")
'example.com.ar'
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from crisol.clean.agencies import agency_named
from crisol.clean.cues import Cues, load_cues
from crisol.text import fold_words

_PART_SEP = re.compile(r"\s*(?:[|/·•]|\s[-–—]\s)\s*")
_NAME_SEP = re.compile(r"\s*(?:;|,|\s+y\s+|\s+e\s+|\s+and\s+|&)\s*", re.I)
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
MASTHEAD_MAX_WORDS, MASTHEAD_MAX_CHARS = 5, 40


class Byline(NamedTuple):
    authors: list[str]
    outlet: str | None  # a publisher named in the byline ("Redacción El Diario")
    agency: str | None  # a wire agency credited, by its canonical name ("EFE", "Reuters"), or "Agencias"


def parse_byline(name: str, cues: Cues | None = None) -> Byline:
    """Authors, outlet and wire agency from the name part of a byline ("Por <name>")."""
    cues = cues or load_cues()
    parts = [p for p in _PART_SEP.split(name.strip()) if p]
    authors: list[str] = []
    outlet: str | None = None
    agency: str | None = None
    for part in parts:
        part, trailing = _trailing_credit(part, cues)
        agency = agency or trailing
        for piece in (p for p in _NAME_SEP.split(part) if p):
            credited = _credited_agency(piece)
            if credited:
                agency = agency or credited
            elif _signs_pictures(piece, cues):
                continue  # "Cortesía", "Getty Images": who gave a picture, not who wrote or published
            elif _is_outlet(piece, cues):
                outlet = outlet or _strip_newsroom(piece, cues)
            else:
                authors.append(piece)
    return Byline(authors, outlet, agency)


def split_byline(name: str, cues: Cues | None = None) -> tuple[list[str], str | None]:
    """(authors, outlet) from a byline; a credited agency is not the outlet (:func:`parse_byline`).

    >>> split_byline("Por Ana Gil / EFE".removeprefix("Por "))
    (['Ana Gil'], None)
    """
    byline = parse_byline(name, cues)
    return byline.authors, byline.outlet


def _credited_agency(piece: str) -> str | None:
    """The agency a byline piece credits: its canonical name, or the piece when it names the wires
    without naming one ("Agencias")."""
    return agency_named(piece) or (piece if fold_words(piece) in load_cues()["wire_credits"] else None)


def _signs_pictures(piece: str, cues: Cues) -> bool:
    """A name that signs photo credits (a picture agency, "Archivo", "Handout") but no text."""
    return fold_words(piece) in {fold_words(name) for name in cues.agencies}


def normalise_outlet(value: str | None) -> str | None:
    """An outlet as given by a source field: a bare host name loses its "www." like a URL's host.

    >>> normalise_outlet("www.noticias.example"), normalise_outlet("El Diario")
    ('noticias.example', 'El Diario')
    """
    if not value or not value.strip():
        return None
    value = " ".join(value.split())
    return outlet_from_url(value) if _HOST.match(value) else value


def masthead_name(lines: list[tuple[str, str]]) -> str | None:
    """The outlet's name from the masthead of a scraped page: the first line removed as a masthead
    before the title that reads as a name ("Diario del Sur", "HERALDO PENINSULAR" -> "Heraldo
    Peninsular"), not a motto ("El diario de la península") or a section ("Medio ambiente").

    ``lines`` are (reason, text) pairs in page order.

    >>> masthead_name([("masthead", "DIARIO DEL NORTE"), ("title", "Sube el paro")])
    'Diario del Norte'
    >>> masthead_name([("masthead", "Decano de la prensa regional"), ("title", "Sube el paro")]) is None
    True
    """
    for reason, text in lines:
        if reason == "title":
            return None
        if reason == "masthead" and _reads_as_name(text):
            return _title_case(text) if text.isupper() else text
    return None


def _reads_as_name(text: str) -> bool:
    """Two to five words, each but short joiners ("del", "de la") capitalised; one word alone
    is too often a section label ("Internacional") to name the outlet."""
    words = text.split()
    if (
        not 2 <= len(words) <= MASTHEAD_MAX_WORDS
        or len(text) > MASTHEAD_MAX_CHARS
        or any(c.isdigit() for c in text)
    ):
        return False
    return words[0][:1].isupper() and all(w[:1].isupper() for w in words if len(w) > 3)


def _title_case(text: str) -> str:
    """ "DIARIO DEL NORTE" -> "Diario del Norte": joiners (3 letters or fewer) in lower case."""
    words = text.split()
    return " ".join(w.capitalize() if n == 0 or len(w) > 3 else w.lower() for n, w in enumerate(words))


def _trailing_credit(part: str, cues: Cues) -> tuple[str, str | None]:
    """A name that signs credits, written after the authors' names, cut off with the agency it is
    ("MARY JALONICK Associated Press" -> ("MARY JALONICK", "Associated Press"); "Jane Doe Getty
    Images" -> ("Jane Doe", None): a picture agency wrote nothing)."""
    for name in cues.agencies:  # longest first
        if part.endswith(" " + name) and len(part) > len(name) + 1:
            return part[: -len(name)].rstrip(" ,"), agency_named(name)
    return part, None


def _is_outlet(piece: str, cues: Cues) -> bool:
    """An organisation rather than a person (agencies are told apart before): one word, digits,
    a newsroom word."""
    if len(piece.split()) == 1 or any(c.isdigit() for c in piece):
        return True
    return any(t in cues["outlet_words"] for t in fold_words(piece).split())


def _strip_newsroom(piece: str, cues: Cues) -> str | None:
    """ "Redacción El Diario" -> "El Diario"; "Redacción" alone names no outlet."""
    tokens = piece.split()
    if fold_words(tokens[0]) in cues["newsroom_words"] and len(tokens) > 1:
        return " ".join(tokens[1:])
    if len(tokens) == 1 and fold_words(tokens[0]) in cues["newsroom_words"]:
        return None
    return piece


def split_authors(value: str | list[str] | None) -> list[str]:
    """A metadata author field ("A; B", "A and B", or a list) as a list of names."""
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    cues = load_cues()
    signs = cues["newsroom_words"] | cues["wire_credits"]
    names: list[str] = []
    for item in items:
        for name in _NAME_SEP.split(str(item)):
            name = " ".join(name.split())
            # "Redacción", "Agencias" sign for a newsroom or the wires, not a person
            if name and name not in names and fold_words(name) not in signs:
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
