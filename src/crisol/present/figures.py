"""Figures in sentences: a number, what it counts, and what the sentence says was done with it.

Two figures can only disagree when they are about the same thing: the same counted noun class
(soldados ~ tropas ~ troops; "killed 38 people" counts the dead like "38 muertos"), compatible
predicate classes (sent, fought, died...; one may be unsaid), the same mode (done vs planned or
possible: "un posible envío de hasta 30.000" or "llegará a 12.000" is no conflict with "14.000
combatieron") and the same scope (a total vs a part vs "3.000 más"). Each figure also keeps the
words around it (``local``, ``names``), which tell what it counts ("familias de Piura") for
:func:`crisol.present.differences.same_quantity`. Every cue is data in
``resources/<lang>/differences.json``.

>>> f = find_figures("Según Kiev, unos 14.000 soldados combatieron en la zona.", "es")[0]
>>> (f.value, f.noun, f.predicate, f.mode, f.bound)
(14000.0, 'troops', 'fight', 'done', 'approx')
>>> find_figures("Se prevé un posible envío de hasta 30.000 soldados más.", "es")[0].mode
'planned'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from crisol.present.cues import Cues, Token, load, tokens
from crisol.text import fold

_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_STOP = re.compile(r"[,;:.()\[\]«»\"“”]")
BEFORE = 8  # tokens looked at before a number for modality cues
AFTER = 6  # and after the counted noun
NOUN_WINDOW = 3  # words between a number and its counted noun ("12,000 North Korean troops")
# counted nouns that say what happened to them, and people counted by what happened to them
IMPLIED_PREDICATE = {"killed": "die", "wounded": "injure", "detained": "arrest", "displaced": "evacuate"}
PEOPLE_BY_PREDICATE = {"die": "killed", "injure": "wounded", "arrest": "detained", "evacuate": "displaced"}
APPROX = 0.1  # "unos 12.000" stands for anything within 10 %
LOCAL = 6  # tokens each side of a figure whose words say what it counts ("familias de Piura")


@dataclass
class Figure:
    """One figure in one sentence."""

    value: float
    text: str  # "unos 14.000 soldados"
    noun: str  # counted-noun class ("troops") or "w:<stem>" for an unlisted noun
    predicate: str | None  # predicate class ("send", "fight") nearest the number
    mode: str  # "done" | "planned"
    bound: str  # "exact" | "approx" | "upper" | "lower"
    scope: str  # "plain" | "additional" | "total" | "part"
    start: int = 0  # offsets in the sentence
    end: int = 0
    article: str = ""
    sentence: int = 0
    context: frozenset[str] = field(default_factory=frozenset)
    # folded content words around the figure (no stop words, numbers or the figure itself)
    local: frozenset[str] = field(default_factory=frozenset)
    names: frozenset[str] = field(default_factory=frozenset)  # the capitalised ones among them

    @property
    def key(self) -> tuple[str, str | None, str, str]:
        return (self.noun, self.predicate, self.mode, self.scope)

    def agrees(self, other: "Figure") -> bool:
        """Whether two values can both be right: equal, within rounding (a round number or an
        approximate one), or inside a bound ("más de 10.000" fits 12.000).

        >>> f = lambda text: find_figures(text, "es")[0]
        >>> f("Llegaron 12.000 soldados.").agrees(f("Llegaron 11.980 soldados."))
        True
        >>> f("Llegaron 10.000 soldados.").agrees(f("Llegaron 12.000 soldados."))
        False
        """
        a, b = self.value, other.value
        if a == b:
            return True
        if "approx" in (self.bound, other.bound) and abs(a - b) <= APPROX * max(a, b):
            return True
        return _rounds_to(a, b) or _rounds_to(b, a) or _inside(self, b) or _inside(other, a)


def _rounds_to(written: float, other: float) -> bool:
    """Whether ``other`` rounds to ``written`` at the precision ``written`` shows: 12.000 is
    11.980 to the thousand; at most the two leading digits are significant, so 10.000 is not
    12.000 rounded to one digit (two outlets writing 10.000 and 12.000 disagree)."""
    if written != int(written) or written < 100:
        return False
    digits = str(int(written))
    zeros = len(digits) - len(digits.rstrip("0"))
    unit = 10 ** min(zeros, max(len(digits) - 2, 0))
    return unit > 1 and abs(other - written) <= unit / 2


def _inside(bounded: Figure, value: float) -> bool:
    if bounded.bound == "upper":
        return value <= bounded.value
    if bounded.bound == "lower":
        return value >= bounded.value
    return False


def parse_number(text: str, language: str | None) -> float | None:
    """A numeral as written in es or en: "10.000" and "10,000" are ten thousand; "1,5" is 1.5.

    >>> parse_number("10.000", "es"), parse_number("12,000", "en"), parse_number("1,5", "es")
    (10000.0, 12000.0, 1.5)
    """
    if _GROUPED.match(text):
        return float(re.sub(r"[.,]", "", text))
    decimal = "." if language == "en" else ","
    other = "," if decimal == "." else "."
    try:
        return float(text.replace(other, "").replace(decimal, "."))
    except ValueError:
        return None


def find_figures(sentence: str, language: str | None, skip: Sequence[tuple[int, int]] = ()) -> list[Figure]:
    """Figures with a counted noun in ``sentence``; ``skip`` are character spans to ignore
    (date expressions, so "el 5 de junio" is no figure)."""
    cues = load(language)
    words = tokens(sentence)
    out = []
    i = 0
    while i < len(words):
        found = _number_at(words, i, cues, language)
        if found is None or any(s <= words[i].start < e for s, e in skip):
            i += 1
            continue
        value, after = found
        figure = _figure(sentence, words, i, after, value, cues)
        if figure is not None:
            out.append(figure)
        i = after
    return out


def _number_at(words: list[Token], i: int, cues: Cues, language: str | None) -> tuple[float, int] | None:
    """(value, index after the numeral and its multiplier) when a numeral starts at ``i``."""
    w = words[i]
    after = i + 1
    if w.is_number:
        text = w.text
        # "10 000": thousands grouped with a (narrow, no-break) space, as the RAE recommends
        while (
            after < len(words)
            and len(words[after].text) == 3
            and words[after].text.isdigit()
            and words[after].start - words[after - 1].end == 1
            and len(words[after - 1].text) <= 3
        ):
            text += words[after].text
            after += 1
        value = parse_number(text, language)
        if value is None:
            return None
    else:
        value = cues.mapping("number_words").get(w.norm)
        if value is None:
            return None
    multipliers = cues.mapping("multipliers")
    if after < len(words) and words[after].norm in multipliers and words[after].norm != w.norm:
        value *= multipliers[words[after].norm]
        after += 1
    return float(value), after


def _gap(sentence: str, words: list[Token], k: int) -> bool:
    """Whether punctuation separates token ``k`` from the one before it."""
    return k > 0 and bool(_STOP.search(sentence[words[k - 1].end : words[k].start]))


def _noun(sentence: str, words: list[Token], i: int, after: int, cues: Cues) -> tuple[str, int] | None:
    """(noun class, index after the noun) counted by the numeral ending at ``after``."""
    classes = cues.classes("figure_nouns")
    if i > 0 and words[i - 1].text in "$€£":  # "$5 million"
        return "money", after
    k = after
    if k < len(words) and words[k].norm in cues.raw.get("link_words", []) and not _gap(sentence, words, k):
        k += 1  # "1,5 millones de dólares", "thousands of troops"
    for j in range(k, min(k + NOUN_WINDOW, len(words))):
        if _gap(sentence, words, j) or (j > k and words[j].is_number):
            break
        for name, cue in classes:
            m = cue.match_at(words, j)
            if m:
                return name, m[0]
    # an unlisted noun ("12.000 familias"), not a function word ("15 millones para")
    if (
        k < len(words)
        and not _gap(sentence, words, k)
        and words[k].norm.isalpha()
        and len(words[k].norm) >= 4
        and words[k].norm not in stop_words()
    ):
        return "w:" + words[k].norm[:5], k + 1
    return None


@lru_cache(maxsize=4)
def _future_verb(pattern: str | None) -> re.Pattern[str] | None:
    """A verb in the future tense ("llegará", "recibirán"): what it counts has not happened yet."""
    return re.compile(pattern) if pattern else None


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Folded Spanish and English function words (spaCy's lists: data, no model)."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN  # lazy: spaCy, ~0.8 s
    from spacy.lang.es.stop_words import STOP_WORDS as ES  # lazy: as above

    return frozenset(fold(w) for w in ES | EN)


def _around(words: list[Token], start: int, end: int) -> list[Token]:
    """The tokens within ``LOCAL`` of the figure ``words[start:end]``, up to another number (the
    words past it belong to that one: "Ana (22 %), Luis (11 %)")."""
    before: list[Token] = []
    for w in reversed(words[max(0, start - LOCAL) : start]):
        if w.is_number:
            break
        before.append(w)
    after: list[Token] = []
    for w in words[end : end + LOCAL]:
        if w.is_number:
            break
        after.append(w)
    return before[::-1] + after


def _local(words: list[Token], start: int, end: int) -> frozenset[str]:
    """Content words around the figure ``words[start:end]`` (:func:`_around`)."""
    return frozenset(
        w.norm
        for w in _around(words, start, end)
        if w.norm.isalpha() and len(w.norm) >= 3 and w.norm not in stop_words()
    )


def _names(words: list[Token], start: int, end: int) -> frozenset[str]:
    """Capitalised words around the figure, but the sentence's first (names: "desde México")."""
    return frozenset(
        w.norm
        for w in _around(words, start, end)
        if w.text[:1].isupper() and w is not words[0] and w.norm not in stop_words()
    )


def _figure(sentence: str, words: list[Token], i: int, after: int, value: float, cues: Cues) -> Figure | None:
    if words[i].norm in cues.raw.get("vague_numbers", []):
        return None
    noun = _noun(sentence, words, i, after, cues)
    if noun is None:
        return None
    noun_class, end = noun
    if not words[i].is_number and noun_class.startswith("w:"):
        return None  # "un total", "one day": a number word needs a listed counted noun
    if 1900 <= value <= 2100 and noun_class.startswith("w:"):
        return None  # a year, not a count
    lo = max(0, i - BEFORE)
    bound = "exact"
    for name, key in (("upper", "upper_bound"), ("lower", "lower_bound"), ("approx", "approximate")):
        if cues.list(key).find(words, max(0, i - 3), i):
            bound = name
            break
    future = _future_verb(cues.raw.get("future_verb"))
    planned = cues.list("planned").any(words, lo, end + AFTER) or (
        future is not None
        and any(future.search(w.text.lower()) for w in words[lo : end + AFTER] if len(w.text) > 4)
    )
    predicate = _predicate(words, i, cues)
    # "killed 38 people" counts the dead as "38 muertos" does; the dead were killed, whatever verb
    noun_class = PEOPLE_BY_PREDICATE.get(predicate, noun_class) if noun_class == "people" else noun_class
    predicate = IMPLIED_PREDICATE.get(noun_class, predicate)
    start_tok = i - 1 if i > 0 and words[i - 1].text in "$€£" else i
    return Figure(
        value=value,
        text=sentence[words[start_tok].start : words[end - 1].end],
        noun=noun_class,
        predicate=predicate,
        mode="planned" if planned else "done",
        bound=bound,
        scope=_scope(words, i, end, cues),
        start=words[start_tok].start,
        end=words[end - 1].end,
        local=_local(words, start_tok, end),
        names=_names(words, start_tok, end),
    )


def _scope(words: list[Token], i: int, end: int, cues: Cues) -> str:
    if cues.list("total").find(words, max(0, i - 4), end + 2):
        return "total"
    if cues.list("part").find(words, max(0, i - 4), i) or cues.list("part").find(words, end, end + 2):
        return "part"
    # "otros 3.000", "3.000 soldados más"; not the "más" of a bound ("más de 60.000") nor one
    # starting the next phrase ("38 muertos y más de 60.000 heridos")
    bounds = {
        k
        for key in ("lower_bound", "upper_bound")
        for s, e, _ in cues.list(key).find(words)
        for k in range(s, e)
    }
    for s, e, _ in cues.list("additional").find(words, max(0, i - 2), end + 1):
        if not bounds & set(range(s, e)):
            return "additional"
    return "plain"


def _predicate(words: list[Token], i: int, cues: Cues) -> str | None:
    """The predicate class whose cue is nearest the number, in the whole sentence."""
    best: tuple[int, str] | None = None
    for name, cue in cues.classes("predicates"):
        for s, e, _ in cue.find(words):
            # the counted noun of another figure ("38 muertos") is no predicate of this one
            if s <= i < e or (
                s > 0 and (words[s - 1].is_number or words[s - 1].norm in cues.mapping("multipliers"))
            ):
                continue
            distance = min(abs(s - i), abs(e - 1 - i))
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else None
