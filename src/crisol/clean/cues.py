"""Cue lists for the line classifier, loaded from ``resources/<lang>/boilerplate.json``.

Every language's lists are merged: a page's language is only known once it is clean, and news
sites mix languages in their chrome ("Share", "Síguenos"). Matching is done on a *folded* form
(casefolded, accents stripped, spaces collapsed) so "LEA TAMBIÉN" matches the cue "lea también".

>>> fold_words("  Lea TAMBIÉN: ")
'lea tambien:'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from crisol.clean.agencies import credit_names
from crisol.text import fold_words

# Lists merged across languages (sets of folded cues).
_LIST_KEYS = (
    "related_cues",
    "share_cues",
    "social_networks",
    "credit_prefixes",
    "byline_prefixes",
    "outlet_words",
    "section_labels",
    "boilerplate_lines",
    "label_prefixes",
    "caption_markers",
    "newsroom_words",
    "wire_credits",
)


@dataclass(frozen=True)
class Cues:
    """All cue lists of all languages, folded, plus compiled patterns."""

    lists: dict[str, frozenset[str]]
    # names that sign a credit line: agencies (crisol.clean.agencies), each language's credit words
    # ("Archivo"); case kept: glued credits are detected by their capitals
    agencies: tuple[str, ...]
    masthead: tuple[re.Pattern[str], ...]
    promo: tuple[re.Pattern[str], ...]  # calls to subscribe, follow, download (anywhere in a line)
    months: dict[str, int]
    weekdays: frozenset[str]
    joiners: frozenset[str]
    dateline_words: frozenset[str]
    timezones: dict[str, int] = field(default_factory=dict)  # folded name -> minutes east of UTC

    def __getitem__(self, key: str) -> frozenset[str]:
        return self.lists[key]


def _languages() -> list[str]:
    root = resources.files("crisol") / "resources"
    return sorted(p.name for p in root.iterdir() if (p / "boilerplate.json").is_file())


def _load(lang: str) -> dict:
    path = resources.files("crisol") / "resources" / lang / "boilerplate.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"cue file {path} is not valid JSON: {e}") from e


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The merged cues of every ``resources/<lang>/boilerplate.json`` (cached)."""
    lists: dict[str, set[str]] = {k: set() for k in _LIST_KEYS}
    agencies: set[str] = set(credit_names())
    masthead: list[re.Pattern[str]] = []
    promo: list[re.Pattern[str]] = []
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    joiners: set[str] = set()
    dateline_words: set[str] = set()
    timezones: dict[str, int] = {}
    for lang in _languages():
        data = _load(lang)
        for key in _LIST_KEYS:
            lists[key].update(fold_words(c) for c in data.get(key, []))
        agencies.update(data.get("credit_sources", []))
        # patterns are folded like the lines they are matched against
        masthead += [re.compile(fold_words(p)) for p in data.get("masthead_patterns", [])]
        promo += [re.compile(fold_words(p)) for p in data.get("promo_patterns", [])]
        dates = data.get("dates", {})
        months.update({fold_words(k): v for k, v in dates.get("months", {}).items()})
        weekdays.update(fold_words(w) for w in dates.get("weekdays", []))
        joiners.update(fold_words(w) for w in dates.get("joiners", []))
        dateline_words.update(fold_words(w) for w in dates.get("dateline_words", []))
        timezones.update({fold_words(k): v for k, v in dates.get("timezones", {}).items()})
    return Cues(
        lists={k: frozenset(v) for k, v in lists.items()},
        # longest first, so "AFP via Getty Images" wins over "Getty Images"
        agencies=tuple(sorted(agencies, key=len, reverse=True)),
        masthead=tuple(masthead),
        promo=tuple(promo),
        months=months,
        weekdays=frozenset(weekdays),
        joiners=frozenset(joiners),
        dateline_words=frozenset(dateline_words),
        timezones=timezones,
    )
