"""Word lists for what a story shows, read from ``resources/<lang>/differences.json``.

Sentences are cut into folded tokens (lower case, accents stripped) that keep their character
offsets; a cue list is a list of phrases whose last word may end in ``*`` to match as a prefix
("envi*" matches "enviado", "enviaron").

>>> words = tokens("Se cree que enviaron unos 10.000 soldados.")
>>> [w.norm for w in words][:4]
['se', 'cree', 'que', 'enviaron']
>>> CueList(["se cree", "envi*"]).find(words)
[(0, 2, 'se cree'), (3, 4, 'envi*')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Sequence

from crisol.text import fold

LANGUAGES = ("es", "en")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:-\w+)*|[%$€£]")


@dataclass(frozen=True)
class Token:
    text: str
    norm: str  # folded
    start: int
    end: int

    @property
    def is_number(self) -> bool:
        return self.text[:1].isdigit()


def tokens(text: str) -> list[Token]:
    """Folded word, number and currency tokens of ``text`` with their offsets."""
    return [Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


class CueList:
    """Phrases matched against folded tokens; a trailing ``*`` on a word makes it a prefix."""

    def __init__(self, phrases: Iterable[str]):
        self.phrases = sorted({fold(p).strip() for p in phrases if p.strip()}, key=lambda p: -len(p.split()))
        self._split = [(p, p.split()) for p in self.phrases]

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def match_at(self, words: Sequence[Token], i: int) -> tuple[int, str] | None:
        """(end index, phrase) of the longest phrase starting at token ``i``, or None."""
        for phrase, parts in self._split:
            if i + len(parts) > len(words):
                continue
            if all(_word_matches(p, words[i + k].norm) for k, p in enumerate(parts)):
                return i + len(parts), phrase
        return None

    def find(self, words: Sequence[Token], lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
        """Non-overlapping matches ``(start, end, phrase)`` among ``words[lo:hi]``."""
        hi = len(words) if hi is None else min(hi, len(words))
        out, i = [], max(lo, 0)
        while i < hi:
            m = self.match_at(words, i)
            if m and m[0] <= hi:
                out.append((i, m[0], m[1]))
                i = m[0]
            else:
                i += 1
        return out

    def any(self, words: Sequence[Token], lo: int = 0, hi: int | None = None) -> bool:
        return bool(self.find(words, lo, hi))


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


@dataclass
class Cues:
    """The cue lists of one language (or of several merged)."""

    raw: dict[str, Any]

    def list(self, key: str) -> CueList:
        return _cue_list(self, key)

    def classes(self, key: str) -> list[tuple[str, CueList]]:
        """Named cue lists, e.g. counted-noun classes: ``[("troops", CueList), ...]``."""
        return _classes(self, key)

    def mapping(self, key: str) -> dict[str, Any]:
        return _mapping(self, key)

    def __hash__(self) -> int:
        return id(self)


@lru_cache(maxsize=256)
def _cue_list(cues: Cues, key: str) -> CueList:
    return CueList(cues.raw.get(key, []))


@lru_cache(maxsize=256)
def _mapping(cues: Cues, key: str) -> dict[str, Any]:
    return {fold(k): v for k, v in cues.raw.get(key, {}).items()}


@lru_cache(maxsize=256)
def _classes(cues: Cues, key: str) -> list[tuple[str, CueList]]:
    return [(name, CueList(words)) for name, words in cues.raw.get(key, {}).items()]


@lru_cache(maxsize=8)
def load(language: str | None) -> Cues:
    """Cues for ``language``; an unknown or missing language gets every language merged.

    Merging is the safe default: a cue in the wrong language simply never matches.
    """
    if language in LANGUAGES:
        return Cues(_read(language))
    merged: dict[str, Any] = {}
    for lang in LANGUAGES:
        for key, value in _read(lang).items():
            if isinstance(value, list):
                merged[key] = list(dict.fromkeys(merged.get(key, []) + value))
            elif isinstance(value, dict):
                into = merged.setdefault(key, {})
                for k, v in value.items():
                    into[k] = list(dict.fromkeys(into.get(k, []) + v)) if isinstance(v, list) else v
    return Cues(merged)


def _read(language: str) -> dict[str, Any]:
    path = resources.files("crisol") / "resources" / language / "differences.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise FileNotFoundError(f"no presentation cues for language {language!r}: {path} is missing") from e
