"""Who reported a story independently, and which wire agency an article came from.

A duplicate, near-duplicate or rewrite of another article is not an independent source: it
counts once, with its origin. Two articles credited to the same wire agency (two outlets running
one EFE story) count once too.

Agencies are found in what the cleaner removed (bylines, credits, datelines) and in text cues
("reseña Europa Press", "según la agencia EFE", "(EFE)"): which agencies exist and how they are
spelled is :mod:`crisol.clean.agencies`' table, the words that credit one are the ``agency_cues``
of ``resources/<lang>/differences.json``. A photo credit in a caption
("Foto: EFE") names who took the picture, not who wrote the text, so it is not an origin; nor is
an agency named in the body as the source of one claim ("dijo Medina, según la agencia EFE",
"according to the news agency EFE": ``where="cited"``). In the lead, in the closing paragraph, or
as a credit verb closing a paragraph ("..., reseña Europa Press.") it credits the text.

>>> from crisol.model import Article, time_key, RemovedLine
>>> a = Article(id="x", source="-", raw=b"", raw_format="text", language="es",
...             text="El Gobierno aprobó ayer el plan.", removed=[RemovedLine("Madrid (EFE).", "credit")])
>>> detect_agency(a)
'EFE'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from crisol.clean.agencies import agency_named, text_spellings, truncated_agency
from crisol.link.dedup import Relation
from crisol.model import Article, time_key
from crisol.present import cues as _cues
from crisol.present.groups import UnionFind

# Removed-line reasons whose agency names the text's origin; captions credit pictures.
TEXT_CREDIT_REASONS = frozenset({"byline", "credit", "dateline", "signature", "author"})
DEPENDENT_KINDS = frozenset({"duplicate", "near-duplicate", "rewrite"})


@dataclass(frozen=True)
class AgencyCredit:
    """One piece of evidence that an article comes from ``agency``."""

    agency: str
    where: str  # "byline", "credit", "text", "caption"...
    evidence: str  # the matched words
    origin: bool  # True when it credits the text (not a photo)


@lru_cache(maxsize=4)
def _patterns(language: str | None) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = _cues.load(language)
    alias_re = "|".join(re.escape(a) for a in text_spellings())
    # the agency's name, case-sensitive for short all-capital acronyms ("AP", "EFE"), may be
    # glued to the previous word ("...en UcraniaEFE") or cut by a truncated scrape at the very end
    name = rf"({alias_re})"
    cue_words = "|".join(_accents(c) for c in sorted(cues.raw.get("agency_cues", []), key=len, reverse=True))
    in_text = re.compile(
        rf"(?:\b(?:{cue_words})\b[\s:]+(?:\w+\s+){{0,3}}?{name}\b|\(\s*{name}\s*\)|^\s*{name}\s*[.:]?-|\b{name}\s*$)",
        re.IGNORECASE,
    )
    credit = re.compile(rf"{name}(?![a-z])", re.IGNORECASE)
    # a scrape cut inside a closing credit: "... reseña Europa Pres" at the end of a paragraph
    cut = re.compile(
        rf"\b(?:{cue_words})\b[\s:]+(?:\w+\s+){{0,3}}?(?P<stub>[A-Z]\w+ [A-Z]\w+)\W*$",
        re.IGNORECASE | re.MULTILINE,
    )
    return in_text, credit, cut


_ACCENTED = {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uúü]", "n": "[nñ]"}


def _accents(cue: str) -> str:
    """A regex for a folded cue that also matches its accented spellings ("resena" ~ "reseña")."""
    return "".join(_ACCENTED.get(c, re.escape(c)) for c in cue)


def agency_credits(article: Article) -> list[AgencyCredit]:
    """Every wire-agency credit found for ``article``, text credits first."""
    in_text, credit, cut = _patterns(article.language)
    found: list[AgencyCredit] = []
    for line in article.removed:
        for m in credit.finditer(line.text):
            agency = _agency(m)
            if agency:
                found.append(
                    AgencyCredit(agency, line.reason, line.text.strip(), line.reason in TEXT_CREDIT_REASONS)
                )
    for author in article.authors:
        m = credit.fullmatch(author.strip())
        if m and _agency(m):
            found.append(AgencyCredit(_agency(m), "author", author, True))
    edges = _edge_paragraphs(article.text)
    for m in in_text.finditer(article.text):
        agency = _agency(m)
        if agency:
            # "según la agencia EFE" in the body cites the agency for one claim; in the lead or the
            # closing line, or a credit verb closing a paragraph ("..., reseña Europa Press."), it
            # credits the text
            cited = (
                m.group(1) is not None
                and not any(s <= m.start() < e for s, e in edges)
                and (_cites(article.text, m, article.language) or not _ends_paragraph(article.text, m.end()))
            )
            found.append(AgencyCredit(agency, "cited" if cited else "text", m.group().strip(), not cited))
    for m in cut.finditer(article.text):
        agency = truncated_agency(m.group("stub"))
        # a cut credit ends the text; elsewhere it is a whole name closing a paragraph
        if agency and edges and m.start() >= edges[-1][0]:
            found.append(AgencyCredit(agency, "text", m.group().strip(), True))
    return sorted(found, key=lambda c: not c.origin)


CITE_WINDOW = 6  # words before an agency's name looked at for "según", "according to"


def _cites(text: str, m: re.Match[str], language: str | None) -> bool:
    """Whether the agency is named as a source for a claim ("según la agencia EFE", "according to
    the Spanish news agency EFE") rather than credited for the text."""
    words = _cues.tokens(text[: m.end()].rsplit("\n", 1)[-1])
    return _cues.load(language).list("source_cues").any(words, len(words) - CITE_WINDOW - 1)


def _ends_paragraph(text: str, end: int) -> bool:
    rest = text[end:].split("\n", 1)[0]
    return not rest.strip(' .)»"')


def _edge_paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the first and the last paragraph of ``text``."""
    spans, at = [], 0
    for para in text.split("\n"):
        if para.strip():
            spans.append((at, at + len(para)))
        at += len(para) + 1
    return [spans[0], spans[-1]] if spans else []


def _agency(m: re.Match[str]) -> str | None:
    # read as running text, credit lines included: "ap" or "efe" inside a word is no credit
    return agency_named(next(g for g in m.groups() if g), in_text=True)


def detect_agency(article: Article) -> str | None:
    """The wire agency the text of ``article`` comes from, or None (photo credits ignored)."""
    for c in agency_credits(article):
        if c.origin:
            return c.agency
    return None


@dataclass
class Sources:
    """Articles grouped into independent sources."""

    origin_of: dict[str, str]  # article id -> id of the article it counts with (its origin)
    agency: dict[str, str]  # article id -> originating agency, when known

    @property
    def independent(self) -> int:
        return len(set(self.origin_of.values()))

    def count(self, article_ids: Sequence[str]) -> int:
        """How many independent sources among ``article_ids``."""
        return len({self.origin_of.get(a, a) for a in article_ids})


def independent_sources(
    articles: Sequence[Article], relations: Sequence[Relation], origins: dict[str, str] | None = None
) -> Sources:
    """Group articles that copy or rewrite one another, or share a wire agency.

    The origin of each group is an article that copies no other, the earliest one (publication
    time, then input order).
    """
    ids = [a.id for a in articles]
    known = set(ids)
    uf = UnionFind()
    for aid in ids:
        uf.find(aid)
    for r in relations:
        if r.kind in DEPENDENT_KINDS and r.a in known and r.b in known:
            uf.union(r.a, r.b)
    for a in articles:
        if a.copy_of in known:
            uf.union(a.copy_of, a.id)
    agency = dict(origins or {})
    by_agency: dict[str, str] = {}
    for aid, name in agency.items():
        if aid in known and name:
            uf.union(by_agency.setdefault(name.casefold(), aid), aid)
    later = rewrites(relations)
    order = {a.id: (a.id in later, time_key(a.published), n) for n, a in enumerate(articles)}
    origin_of = {}
    for group in uf.groups():
        first = min(group, key=lambda x: order[x])
        for member in group:
            origin_of[member] = first
    return Sources(origin_of, agency)


def rewrites(relations: Sequence[Relation]) -> set[str]:
    """Articles that are the later side (``b``) of a dependent relation: copies and rewrites."""
    return {r.b for r in relations if r.kind in DEPENDENT_KINDS}
