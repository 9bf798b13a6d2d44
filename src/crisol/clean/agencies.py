"""Which wire agencies exist and how credits spell them: one table, ``resources/common/agencies.json``.

The cleaner reads it to tell an agency in a byline ("Por Redacción / EFE") and to recognise credit
lines; the presenter to find credits in a text ("(EFE)", "reseña Europa Press"). Each agency has
a canonical name and its spellings:

- ``names`` count wherever a credit is looked for, running text included;
- ``credit_names`` count only as a whole piece of a byline or a credit line: in running text they
  are ambiguous ("EP" is also the European Parliament, "PA" Pennsylvania).

In running text a short acronym counts only in capitals or spelled as the table spells it ("AP",
"dpa"): "ap" or "Efe" there is more often a piece of a word than a credit. A byline piece is a
name already, so its case does not matter.

>>> agency_named("Agencia EFE"), agency_named("REUTERS"), agency_named("Telam")
('EFE', 'Reuters', 'Télam')
>>> agency_named("AP"), agency_named("Associated Press")
('Associated Press', 'Associated Press')
>>> agency_named("EP"), agency_named("EP", in_text=True)
('Europa Press', None)
>>> agency_named("efe"), agency_named("efe", in_text=True)
('EFE', None)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from crisol.text import fold_words

SHORT_ACRONYM = 4  # letters: a spelling this short counts in running text only as the table writes it


@dataclass(frozen=True)
class Agencies:
    """The agency table, read once."""

    in_text: dict[str, str]  # folded spelling -> canonical name, for running text
    in_credits: dict[str, str]  # the same plus the credit-only spellings, for bylines and credit lines
    spellings: frozenset[str]  # every spelling exactly as the table writes it
    pictures: tuple[str, ...]  # picture agencies and image libraries: they credit photographs only


@lru_cache(maxsize=1)
def load_agencies() -> Agencies:
    """The table of ``resources/common/agencies.json`` (cached)."""
    path = resources.files("crisol") / "resources" / "common" / "agencies.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    in_text: dict[str, str] = {}
    credit_only: dict[str, str] = {}
    spellings: set[str] = set()
    for canonical, entry in data["agencies"].items():
        for name in entry.get("names", []):
            in_text.setdefault(fold_words(name), canonical)
        for name in entry.get("credit_names", []):
            credit_only.setdefault(fold_words(name), canonical)
        spellings.update(entry.get("names", []) + entry.get("credit_names", []))
    pictures = tuple(data.get("pictures", []))
    return Agencies(in_text, {**in_text, **credit_only}, frozenset(spellings), pictures)


def agency_named(text: str, *, in_text: bool = False) -> str | None:
    """The canonical name of the wire agency ``text`` spells, or None.

    ``in_text``: ``text`` was found in running text (not a whole byline piece or credit), where
    credit-only spellings do not count and a short acronym counts only in capitals.
    """
    table = load_agencies()
    agency = (table.in_text if in_text else table.in_credits).get(fold_words(text))
    if agency and in_text and len(text) <= SHORT_ACRONYM:
        # "ap" or "Efe" in running text is more often a piece of a word than a credit
        return agency if text.isupper() or text in table.spellings else None
    return agency


@lru_cache(maxsize=1)
def text_spellings() -> tuple[str, ...]:
    """The spellings that count in running text, longest first so that a regular expression
    prefers "Agencia EFE" to "EFE"."""
    table = load_agencies()
    return tuple(
        sorted((s for s in table.spellings if fold_words(s) in table.in_text), key=len, reverse=True)
    )


def truncated_agency(stub: str) -> str | None:
    """The agency whose name of several words a cut-off scrape ends with: "Europa Pres" -> "Europa Press"
    (at most two letters missing)."""
    folded = fold_words(stub)
    for name, agency in load_agencies().in_text.items():
        if " " in name and name.startswith(folded) and len(folded) >= len(name) - 2:
            return agency
    return None


def credit_names() -> tuple[str, ...]:
    """Every name that can sign a credit line: the agencies' spellings and the picture agencies."""
    table = load_agencies()
    return (*sorted(table.spellings), *table.pictures)
