"""Text normalisation every stage shares: folding (case and accents) and stemming.

One module, so "Shoigú" and "shoigu" compare equal the same way in the gazetteer, the
cleaner's cues, the linker, the presenter and the search index. It belongs to the vocabulary
layer: it imports nothing from crisol.

- :func:`fold`: lower case without accents, for comparing words and phrases;
- :func:`fold_words`: the same with runs of whitespace collapsed, for whole lines;
- :func:`fold_name`: a stronger form for names, where punctuation, apostrophes and look-alike
  letters must not split one name into two (:func:`name_letters` keeps the punctuation);
- :func:`fold_accents`: accents off, case kept, with a map back to the original offsets, for
  matching patterns and pointing back into the text;
- :func:`stem` / :func:`stems`: Snowball stems of folded words, for Spanish and English;
- :func:`count_outlets`, :func:`outlet_names`, :func:`outlet_label`: how many outlets published a
  set of articles, and what to call an article's outlet: the one rule for every listing, story
  and event, whichever face shows it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

import snowballstemmer


def _combining_marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every character with a combining class (accents, tildes, cedillas, Arabic and Hebrew
    vowel points...), as two character classes: those of the Basic Multilingual Plane, which a
    regex matches from a bitmap at C speed, and the few beyond it (rare scripts), whose class
    would make every match ~20 times slower. Building them takes a few milliseconds."""

    def char_class(marks: list[int]) -> re.Pattern[str]:
        ranges, first, last = [], marks[0], marks[0]
        for i in marks[1:]:
            if i != last + 1:
                ranges.append((first, last))
                first = i
            last = i
        ranges.append((first, last))
        return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")

    marks = [i for i in range(0x300, 0x20000) if unicodedata.combining(chr(i))]  # none above
    return char_class([i for i in marks if i <= 0xFFFF]), char_class([i for i in marks if i > 0xFFFF])


_COMBINING, _COMBINING_ASTRAL = _combining_marks()


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _drop_marks(text: str) -> str:
    if text.isascii():
        return text
    text = _COMBINING.sub("", text)
    if _ASTRAL.search(text):  # characters beyond the BMP: look for their marks too
        text = _COMBINING_ASTRAL.sub("", text)
    return text


_APOSTROPHES = "'’‘ʼ`´ʻ"
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_NOT_WORD = re.compile(r"[^\w\s]|_")
# Cyrillic and Greek letters that look Latin, sometimes typed into Latin names ("Velascо").
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕАВЕКМНОРСТХІЈЅΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "aeopcyxijsABEKMHOPCTXIJSABEHIKMNOPTXYZ"
)
# Letters NFKD does not decompose into a base letter and a mark.
_LIGATURES = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "Ł": "L",
                            "đ": "d", "ı": "i"})  # fmt: skip

STEMMERS = {"es": "spanish", "en": "english"}
MAX_CACHED_STEMS = 500_000  # per language; the stemmer is pure Python, so each stem is made once
_STEMS: dict[str, dict[str, str]] = {lang: {} for lang in STEMMERS}
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents.

    >>> fold("Pionyang, Corea del Norte: EDUCACIÓN y Shoigú")
    'pionyang, corea del norte: educacion y shoigu'
    """
    # NFKD splits "ó" into "o" + a combining accent, which the (C-speed) regex then drops.
    return _drop_marks(unicodedata.normalize("NFKD", text.casefold()))


def fold_words(text: str) -> str:
    """:func:`fold`, with runs of whitespace made one space and the ends trimmed.

    >>> fold_words("  Última   HORA ")
    'ultima hora'
    """
    return " ".join(fold(text).split())


@lru_cache(maxsize=200_000)
def fold_name(text: str) -> str:
    """Lower case, accents removed, apostrophes joined, hyphens/dots/punctuation to spaces.

    >>> fold_name("  P'yŏngyang-si ")
    'pyongyang si'
    >>> fold_name("EE.UU.")
    'ee uu'
    """
    return " ".join(_NOT_WORD.sub(" ", name_letters(text)).split())


def name_letters(text: str) -> str:
    """A name's letters as :func:`fold_name` compares them (look-alike Cyrillic and Greek
    letters made Latin, accents off, "ø" as "o", lower case, apostrophes joined), its
    punctuation and spaces still in place for callers that split it their own way.

    >>> name_letters("Søren O'Brien-Kim")
    'soren obrien-kim'
    """
    text = unicodedata.normalize("NFKD", text.translate(_HOMOGLYPHS))
    text = _drop_marks(text).translate(_LIGATURES)
    return _APOSTROPHE.sub("", text.casefold())


def fold_accents(text: str) -> tuple[str, Sequence[int]]:
    """Strip accents keeping case; return the folded text and, per folded char, its offset.

    Folding a character can drop a combining mark, so the offsets map matches back to the
    original text (and "miercoles" matches "miércoles").

    >>> folded, offsets = fold_accents("el Miércoles")
    >>> folded, offsets[-1]
    ('el Miercoles', 11)
    """
    if text.isascii():
        return text, range(len(text))
    pieces = [_fold_char(c) for c in text]
    folded = "".join(pieces)
    if len(folded) == len(text) and "" not in pieces:
        return folded, range(len(text))  # the usual case: one character for one
    offsets = [i for i, piece in enumerate(pieces) for _ in piece]
    return folded, offsets


@lru_cache(maxsize=8192)
def _fold_char(c: str) -> str:
    if c.isascii():
        return c
    return _drop_marks(unicodedata.normalize("NFD", c))


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS[language])


def stem(word: str, language: str | None) -> str:
    """The stem of a folded word in a language (the word itself for other languages).

    >>> stem("elecciones", "es"), stem("elecciones", "fr")
    ('eleccion', 'elecciones')
    """
    cache = _STEMS.get(language or "")
    if cache is None:
        return word
    found = cache.get(word)
    if found is None:
        found = _stemmer(language).stemWord(word)
        if len(cache) < MAX_CACHED_STEMS:
            cache[word] = found
    return found


def stems(text: str | None, language: str | None) -> str:
    """The folded words of a text, stemmed, separated by spaces.

    >>> stems("Las ELECCIONES de Pionyang", "es-ES")
    'las eleccion de pionyang'
    """
    if not text:
        return ""
    lang = (language or "").lower()[:2]
    words = _WORD.findall(fold(text))
    cache = _STEMS.get(lang)
    if cache is None:
        return " ".join(words)
    return " ".join([cache.get(w) or stem(w, lang) for w in words])


# ---- outlets ------------------------------------------------------------------------------------

# What an article whose outlet is unknown is shown under (its id would say nothing to a reader).
UNKNOWN_OUTLET = "unknown outlet"


def outlet_key(outlet: str | None, article_id: str) -> str:
    """What tells outlets apart: the name folded ("EL PAÍS" is "El País"). An article whose
    outlet is unknown is an outlet of its own: counting none would hide it, counting all such
    articles as one would invent a publisher. (The cleaner already names an article by its
    URL's host when nothing else names it, so an unknown outlet has no URL to go by either.)"""
    return fold(" ".join(outlet.split())) if outlet and outlet.strip() else f"?{article_id}"


def count_outlets(articles: Iterable[tuple[str, str | None]]) -> int:
    """How many outlets published ``articles``, (article id, outlet) pairs.

    >>> count_outlets([("a1", "El País"), ("a2", "EL PAIS"), ("a3", None), ("a4", "")])
    3
    """
    return len({outlet_key(outlet, aid) for aid, outlet in articles})


def outlet_names(articles: Iterable[tuple[str, str | None]]) -> list[str]:
    """The known outlets of ``articles`` ((article id, outlet) pairs), each once (its first
    spelling), sorted.

    >>> outlet_names([("a1", "Radio Sur"), ("a2", "El País"), ("a3", "EL PAÍS"), ("a4", None)])
    ['El País', 'Radio Sur']
    """
    first: dict[str, str] = {}
    for aid, outlet in articles:
        if outlet and outlet.strip():
            first.setdefault(outlet_key(outlet, aid), outlet)
    return sorted(first.values(), key=fold)


def outlet_label(outlet: str | None) -> str:
    """An article's outlet as shown to people: its name, or "unknown outlet".

    >>> outlet_label("Radio Sur"), outlet_label(None)
    ('Radio Sur', 'unknown outlet')
    """
    return outlet if outlet and outlet.strip() else UNKNOWN_OUTLET
