"""Find and resolve date expressions in news text (Spanish and English).

News writes dates relative to the day it is published: "el miércoles", "la víspera", "ayer",
"hace tres años", "el verano pasado", "last Monday". :func:`find_dates` finds them and resolves
each against an *anchor* (the publication date); :func:`resolve` does it for one expression.

Resolution rules (all documented in docs/bench/dates.md):

- Values: ``"2025-06-04"`` (precision ``day``), ``"2025-06"`` (``month``), ``"2024-summer"``
  (``season``), ``"2024"`` (``year``). ``rule`` says how the value was reached, e.g.
  ``"anchor-1d"`` or ``"weekday:wed:on-or-before"``.
- Tense decides direction. The verb cue closest to the expression in its sentence (across the
  fewest clause boundaries, then nearest; Spanish future "-rá", "va a ..."; English "will",
  "is set to"...; preterites and perfects for the past) says whether a bare weekday, a
  day-month without year, a bare month or a season points back or forward.
- Bare weekday ("el miércoles", "on Wednesday"): past or no cue → the most recent such day on or
  before the anchor; future → the next one after the anchor. "este jueves"/"this Thursday" is
  the anchor itself when the anchor is a Thursday; "el pasado jueves"/"last Thursday" is
  strictly before, "el próximo jueves"/"next Thursday" strictly after; "este jueves" without a
  tense cue is the Thursday of the anchor's week (Monday to Sunday).
- Day-month or month without year: past → the most recent not after the anchor; future → the
  next not before it; no cue → whichever is nearer. With a weekday ("el martes 9 de enero") the
  year, within one of the anchor's, where that day is that weekday.
- "la víspera", "el día anterior", "the day before" are the anchor - 1 day (unless followed by
  "de ..."/"the ...", which makes them relative to something else); "al día siguiente", "el año
  anterior", "two days later" count from a narrated event and are always ``unresolved``
  (rule ``event+1d``...).
- Weeks and weekends have no precision of their own in the model: they are given as the date of
  their first day (the Monday, or the Saturday) with precision ``day`` and a ``rule`` starting
  with ``week:`` or ``weekend:``, so a reader can widen them back to seven or two days.
- Seasons are meteorological and northern-hemisphere: spring = March-May, summer = June-August,
  autumn = September-November, winter = December-February, named after the year in which it
  starts (January 2025 is in ``"2024-winter"``).
- Without an anchor, relative expressions come back ``unresolved`` with ``value=None`` and the
  relation in ``rule`` ("anchor-1d", "weekday:wed:on-or-before"); absolute ones are resolved.

>>> from datetime import date
>>> [(t.text, t.value) for t in find_dates("Llegó el miércoles y se irá mañana.", date(2025, 6, 5), "es")]
[('el miércoles', '2025-06-04'), ('mañana', '2025-06-06')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator, Literal, Sequence

from crisol.clean.sentences import sentence_spans
from crisol.errors import UnknownLanguage
from crisol.model import Sentence, TimeExpression
from crisol.text import fold_accents

Tense = Literal["past", "future"] | None

_WEEKDAY_ABBR = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


# --- text folding ----------------------------------------------------------------------------


def _fold_word(word: str) -> str:
    return fold_accents(word)[0].lower()


# --- language data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    mode: str = "tense"
    unit: str | None = None
    offset: int = 0
    sign: int = -1
    rule: str = ""
    shift: int | None = None  # for kind "shift": the number of units, overriding mode
    trigger: _Trigger | None = None  # None: search the whole text


@dataclass(frozen=True)
class _Lexicon:
    language: str
    weekdays: dict[str, int]
    months: dict[str, int]
    seasons: dict[str, str]
    numbers: dict[str, int]
    units: dict[str, str]
    capitalized: tuple[str, ...]
    patterns: tuple[_Pattern, ...]
    exclude: tuple[tuple[re.Pattern[str], "_Trigger"], ...]
    trigger_words: re.Pattern[str]
    future: tuple[re.Pattern[str], ...]
    past: tuple[re.Pattern[str], ...]
    breaks: re.Pattern[str]


def _spaces(pattern: str) -> str:
    # In the data files a space means "some whitespace" and " ?" "maybe some whitespace".
    return pattern.replace(" ?", r"\s*").replace(" ", r"\s+")


def _alternation(words: dict[str, Any]) -> str:
    keys = sorted({_fold_word(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(_spaces(re.escape(k).replace(r"\ ", " ")) for k in keys) + ")"


def _compile(pattern: str, slots: dict[str, str]) -> re.Pattern[str]:
    text = fold_accents(pattern)[0]
    for name, alt in slots.items():
        text = text.replace("{" + name + "}", alt)
    return re.compile(r"(?<!\w)" + _spaces(text) + r"(?!\w)", re.IGNORECASE)


_WORD_SLOTS = ("weekdays", "months", "seasons", "units")
_DIGIT_SLOTS = ("day", "year", "number")


@dataclass(frozen=True)
class _Trigger:
    """Words (folded, lower-case) of which every match of a pattern holds one, or a digit."""

    words: frozenset[str]
    digits: bool


def _trigger(pattern: str, folded: dict[str, dict[str, Any]], literal: frozenset[str]) -> _Trigger:
    """What a pattern's matches always contain, so that the rest of the text can be skipped.

    The word lists the pattern uses (one of them is always required) or, for patterns without
    any ("ayer", "el año pasado"), the language's trigger words.
    """
    used = set(re.findall(r"\{(\w+)\}", pattern))
    words = {w for k in _WORD_SLOTS if k[:-1] in used for key in folded[k] for w in re.findall(r"\w+", key)}
    digits = bool(used & set(_DIGIT_SLOTS)) or "[0-9]" in pattern
    if not words and not digits:  # its own words (exclusions: "sunday times") or the trigger list
        words = set(literal) | set(re.findall(r"[a-z]{3,}", _fold_word(re.sub(r"\\.", " ", pattern))))
    return _Trigger(frozenset(words), digits)


def _trigger_words(triggers: list[_Trigger], literal: frozenset[str]) -> re.Pattern[str]:
    """One regex finding every trigger word of every pattern, and every word with a digit."""
    words = set(literal).union(*(t.words for t in triggers))
    alternation = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)|\w*\d\w*", re.IGNORECASE)


def supported_languages() -> list[str]:
    """Languages with a ``dates.json`` resource (ISO 639-1 codes)."""
    root = resources.files("crisol.resources")
    return sorted(p.name for p in root.iterdir() if (p / "dates.json").is_file())


def _lexicon(language: str | None) -> _Lexicon:
    # "es-ES", "en_GB", "EN" all use the language's own file.
    base = re.split(r"[-_]", language)[0].lower() if language else ""
    if not base.isalpha():
        raise UnknownLanguage(language)
    try:
        return _load_lexicon(base)
    except FileNotFoundError:
        raise UnknownLanguage(language) from None


@lru_cache(maxsize=None)
def _load_lexicon(language: str) -> _Lexicon:
    path = resources.files("crisol.resources") / language / "dates.json"
    if not path.is_file():
        raise FileNotFoundError(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    folded = {
        k: {_fold_word(w): v for w, v in data[k].items()}
        for k in ("weekdays", "months", "seasons", "numbers", "units")
    }
    slots = {
        "weekday": _alternation(folded["weekdays"]),
        "month": _alternation(folded["months"]),
        "season": _alternation(folded["seasons"]),
        "number": r"(?:\d{1,3}|" + _alternation(folded["numbers"])[3:],
        "unit": _alternation(folded["units"]),
        "day": "(?:" + fold_accents(data["day"])[0] + ")",
        "year": data["year"],
        "approx": "(?:" + fold_accents(data["approx"])[0] + ")",
    }
    literal = frozenset(w for t in data.get("triggers", ()) for w in re.findall(r"\w+", _fold_word(t)))
    patterns = tuple(
        _Pattern(
            kind=p["kind"],
            regex=_compile(p["re"], slots),
            mode=p.get("mode", "tense"),
            unit=p.get("unit"),
            offset=p.get("offset", 0),
            sign=p.get("sign", -1),
            rule=p.get("rule", ""),
            shift=p.get("n"),
            trigger=_trigger(p["re"], folded, literal),
        )
        for p in data["patterns"]
    )
    exclude = tuple((_compile(p, slots), _trigger(p, folded, literal)) for p in data.get("exclude", ()))
    cues = data["tense"]
    return _Lexicon(
        language=language,
        capitalized=tuple(data.get("capitalized", ())),
        patterns=patterns,
        exclude=exclude,
        trigger_words=_trigger_words(
            [p.trigger for p in patterns if p.trigger] + [t for _, t in exclude], literal
        ),
        future=tuple(re.compile(_spaces(p)) for p in cues["future"]),
        past=tuple(re.compile(_spaces(p)) for p in cues["past"]),
        breaks=re.compile(cues["breaks"]),
        **folded,
    )


# --- finding ---------------------------------------------------------------------------------


@dataclass
class _Match:
    start: int  # offsets into the original text
    end: int
    pattern: _Pattern
    groups: dict[str, str]
    order: int


def _candidates(text: str, lex: _Lexicon) -> list[_Match]:
    folded, offsets = fold_accents(text)
    if not folded:
        return []

    def span(m: re.Match[str], group: str | int = 0) -> tuple[int, int]:
        s, e = m.span(group)
        return offsets[s], offsets[e - 1] + 1

    words = _word_index(folded, lex)
    windows: dict[_Trigger | None, list[tuple[int, int]]] = {}

    def search(rx: re.Pattern[str], trigger: _Trigger | None) -> Iterator[re.Match[str]]:
        if trigger not in windows:
            windows[trigger] = _windows(folded, trigger, words)
        return (m for w in windows[trigger] for m in _overlapping(rx, folded, *w))

    excluded = [span(m) for rx, trigger in lex.exclude for m in search(rx, trigger)]
    found: list[_Match] = []
    for order, pat in enumerate(lex.patterns):
        for m in search(pat.regex, pat.trigger):
            group = "span" if m.groupdict().get("span") is not None else 0
            start, end = span(m, group)
            if any(s < end and start < e for s, e in excluded):
                continue
            if not _capitalised_ok(m, lex, text, offsets):
                continue
            groups = {k: v.lower() for k, v in m.groupdict().items() if v is not None}
            found.append(_Match(start, end, pat, groups, order))
    return found


def _overlapping(rx: re.Pattern[str], text: str, pos: int, endpos: int):
    """Matches that may overlap: "entre 2015 y 2017" holds a match for each year."""
    while (m := rx.search(text, pos, endpos)) is not None:
        yield m
        pos = m.start() + 1


_MARGIN = 80  # characters searched around a trigger word: longer than any expression's reach
_NOT_SPACE = re.compile(r"\S+")


def _word_index(folded: str, lex: _Lexicon) -> dict[str, list[tuple[int, int]]]:
    """Spans of each trigger word (lower-cased), and of every word with a digit under "0"."""
    index: dict[str, list[tuple[int, int]]] = {}
    for m in lex.trigger_words.finditer(folded):
        word = m.group().lower()
        index.setdefault("0" if any(c.isdigit() for c in word) else word, []).append(m.span())
    return index


def _windows(
    folded: str, trigger: _Trigger | None, words: dict[str, list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    """Merged stretches of text around the trigger's words, widened to whole words."""
    if trigger is None:
        return [(0, len(folded))]
    hits = sorted(
        span for w in trigger.words | ({"0"} if trigger.digits else set()) for span in words.get(w, ())
    )
    out: list[tuple[int, int]] = []
    for s, e in hits:
        start, end = max(0, s - _MARGIN), min(len(folded), e + _MARGIN)
        # a pattern's (?!\w) at endpos would pass inside a word: end windows at a space
        tail = _NOT_SPACE.match(folded, end)
        end = tail.end() if tail else end
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _capitalised_ok(m: re.Match[str], lex: _Lexicon, text: str, offsets: Sequence[int]) -> bool:
    for name in lex.capitalized:
        if name in m.groupdict() and m.group(name) is not None:
            if not text[offsets[m.start(name)]].isupper():
                return False
    return True


def _select(cands: list[_Match]) -> list[_Match]:
    """Longest matches first, then earlier patterns; keep those that do not overlap."""
    chosen: list[_Match] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.order, c.start)):
        if all(c.end <= k.start or k.end <= c.start for k in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def find_dates(
    text: str,
    anchor: date | datetime | None,
    language: str,
    sentences: list[Sentence] | None = None,
) -> list[TimeExpression]:
    """Find the date expressions in ``text`` and resolve them against ``anchor``.

    ``sentences`` (offsets into ``text``) give each expression its sentence index and the
    context whose verbs decide tense; without them, the sentence index is 0 and the context is
    the sentence around the expression (:mod:`crisol.clean.sentences`). Raises
    :class:`UnknownLanguage` for a language without a ``dates.json`` resource.

    >>> [(t.text, t.value, t.precision) for t in find_dates("Ocurrió hace tres años.", date(2025, 7, 12), "es")]
    [('hace tres años', '2022', 'year')]
    """
    lex = _lexicon(language)
    day = _as_date(anchor)
    spans = [(s.start, s.end) for s in sentences] if sentences else sentence_spans(text)
    out: list[TimeExpression] = []
    for m in _select(_candidates(text, lex)):
        # the sentence holding the match, else the last one starting before it
        idx = next((i for i in range(len(spans) - 1, -1, -1) if spans[i][0] <= m.start), None)
        ctx_start, ctx_end = spans[idx] if idx is not None else (0, len(text))
        context = text[ctx_start:ctx_end]
        tense = _tense(context, m.start - ctx_start, m.end - ctx_start, lex)
        resolved = _resolve_match(m, day, tense, lex)
        if resolved is None:  # an impossible date such as "31 de febrero"
            continue
        value, precision, rule = resolved
        sentence = sentences[idx].index if sentences and idx is not None else 0
        out.append(TimeExpression(text[m.start : m.end], m.start, m.end, sentence, value, precision, rule))
    return out


def resolve(
    expression: str, anchor: date | datetime | None, language: str, context: str = ""
) -> TimeExpression:
    """Resolve one expression; ``context`` (its sentence) gives the tense cues.

    The longest date expression inside ``expression`` is resolved; if none is recognised the
    result is ``unresolved`` with rule ``"unrecognised"``. Offsets are into ``expression``.

    >>> resolve("el pasado lunes", date(2025, 6, 5), "es").value
    '2025-06-02'
    >>> resolve("el lunes", date(2025, 6, 5), "es", "Se reunirán el lunes en Madrid.").value
    '2025-06-09'
    """
    lex = _lexicon(language)
    chosen = _select(_candidates(expression, lex))
    if not chosen:
        return TimeExpression(expression, 0, len(expression), 0, None, "unresolved", "unrecognised")
    m = max(chosen, key=lambda c: c.end - c.start)
    where = fold_accents(context)[0].lower().find(fold_accents(expression)[0].lower()) if context else -1
    if where >= 0:
        tense = _tense(context, where + m.start, where + m.end, lex)
    else:
        tense = _tense(context + " " + expression, len(context) + 1, len(context) + 1, lex)
    resolved = _resolve_match(m, _as_date(anchor), tense, lex)
    if resolved is None:
        return TimeExpression(expression, 0, len(expression), 0, None, "unresolved", "invalid-date")
    value, precision, rule = resolved
    return TimeExpression(expression[m.start : m.end], m.start, m.end, 0, value, precision, rule)


def _as_date(anchor: date | datetime | None) -> date | None:
    if isinstance(anchor, datetime):
        return anchor.date()
    return anchor


# --- tense -----------------------------------------------------------------------------------


def _tense(context: str, start: int, end: int, lex: _Lexicon) -> Tense:
    """The tense of the verb cue closest to [start, end) in ``context``, or None.

    Closest means across the fewest clause boundaries (commas, "que", "y"...), then nearest:
    in "llegó a Lima el martes por la noche y viajará el jueves" the Tuesday goes with "llegó".
    """
    low = context.lower()
    best: tuple[int, int, Tense] | None = None
    for tense, cues in (("future", lex.future), ("past", lex.past)):
        for rx in cues:
            for m in rx.finditer(low):
                if m.start() < end and start < m.end():
                    continue  # the expression itself ("pasado", "mañana") is no verb cue
                gap = low[m.end() : start] if m.end() <= start else low[end : m.start()]
                key = (len(lex.breaks.findall(gap)), len(gap), tense)
                if best is None or key[:2] < best[:2]:
                    best = key  # type: ignore[assignment]
    return best[2] if best else None


# --- resolving -------------------------------------------------------------------------------

Resolved = tuple[str | None, str, str]


def _resolve_match(m: _Match, anchor: date | None, tense: Tense, lex: _Lexicon) -> Resolved | None:
    g = m.groups
    mode = m.pattern.mode
    if any(k.startswith("last") for k in g):
        mode = "last"
    elif any(k.startswith("next") for k in g):
        mode = "next"
    kind = m.pattern.kind
    if kind == "date":
        return _date(g, mode, anchor, tense, lex)
    if kind == "day-of-month":
        return _day_of_month(int(re.sub(r"\D", "", g["day"])), _direction(mode, tense), anchor)
    if kind == "month":
        if shift := next((k for k in ("ylast", "ythis", "ynext") if k in g), None):
            return _month_of_year(
                lex.months[g["month"]], {"ylast": -1, "ythis": 0, "ynext": 1}[shift], anchor
            )
        return _month(lex.months[g["month"]], g.get("year"), mode, anchor, tense)
    if kind == "season":
        return _season(lex.seasons[g["season"]], g.get("year"), mode, anchor, tense)
    if kind == "year":
        return g["year"], "year", "year"
    if kind == "shift":
        n = m.pattern.shift if m.pattern.shift is not None else {"last": -1, "this": 0, "next": 1}[mode]
        return _shift(m.pattern.unit or "d", n, anchor)
    if kind == "weekend":
        return _weekend(mode, anchor, tense)
    if kind == "offset":
        return _offset(g, m.pattern.sign, anchor, lex)
    if kind == "day":
        return _days(m.pattern.offset, anchor, "")
    if kind == "event":  # relative to a narrated event, not to the anchor: never resolved
        return None, "unresolved", _event_rule(m.pattern.rule, g, lex)
    if kind == "weekday":
        return _weekday(lex.weekdays[g["weekday"]], mode, anchor, tense)
    raise ValueError(f"dates.json for {lex.language!r}: unknown pattern kind {kind!r}")


def _event_rule(rule: str, g: dict[str, str], lex: _Lexicon) -> str:
    """ "event+N" with the number and unit of "tres días después" filled in: "event+3d"."""
    if "num" not in g:
        return rule
    n = _number(g["num"], lex)
    unit = lex.units[" ".join(g["unit"].split())]
    return rule.replace("N", f"{n * 10}y" if unit == "10y" else f"{n}{unit}")


def _add_months(anchor: date, n: int) -> str:
    y, mo = divmod(anchor.year * 12 + anchor.month - 1 + n, 12)
    return f"{y:04d}-{mo + 1:02d}"


def _days(n: int, anchor: date | None, suffix: str) -> Resolved:
    rule = f"anchor{n:+d}d{suffix}" if n else f"anchor{suffix}"
    if anchor is None:
        return None, "unresolved", rule
    return (anchor + timedelta(days=n)).isoformat(), "day", rule


def _number(text: str, lex: _Lexicon) -> int:
    text = " ".join(text.split())
    return int(text) if text.isdigit() else lex.numbers[text]


def _offset(g: dict[str, str], sign: int, anchor: date | None, lex: _Lexicon) -> Resolved:
    n = _number(g["num"], lex) * sign
    unit = lex.units[" ".join(g["unit"].split())]
    if unit == "10y":
        n, unit = n * 10, "y"
    suffix = ":approx" if "approx" in g else ""
    if unit == "h":  # the anchor is a day: hours count as the days they add up to
        value, precision, _ = _days(round(n / 24), anchor, "")
        return value, precision, f"anchor{n:+d}h{suffix}"
    if unit in ("d", "w"):
        days = n * 7 if unit == "w" else n
        value, precision, _ = _days(days, anchor, "")
        return value, precision, f"anchor{n:+d}{unit}{suffix}"
    rule = f"anchor{n:+d}{unit}{suffix}"
    if anchor is None:
        return None, "unresolved", rule
    if unit == "m":
        return _add_months(anchor, n), "month", rule
    return f"{anchor.year + n:04d}", "year", rule


def _shift(unit: str, n: int, anchor: date | None) -> Resolved:
    if unit == "w":
        rule = f"week:anchor{n:+d}w"
        if anchor is None:
            return None, "unresolved", rule
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=n)
        return monday.isoformat(), "day", rule
    rule = f"anchor{n:+d}{unit}"
    if anchor is None:
        return None, "unresolved", rule
    if unit == "m":
        return _add_months(anchor, n), "month", rule
    return f"{anchor.year + n:04d}", "year", rule


def _weekend(mode: str, anchor: date | None, tense: Tense) -> Resolved:
    if mode in ("tense", "this"):
        mode = _this_weekend(anchor, tense) if anchor else f"{mode}-{tense or 'past'}"
    rule = f"weekend:{mode}"
    if anchor is None or mode not in ("last", "this", "next"):
        return None, "unresolved", rule
    saturday = anchor + timedelta(days=5 - anchor.weekday())
    saturday += timedelta(weeks={"last": -1, "this": 0, "next": 1}[mode])
    return saturday.isoformat(), "day", rule


def _this_weekend(anchor: date, tense: Tense) -> str:
    if anchor.weekday() >= 5:
        return "this"
    return "this" if tense == "future" else "last"


def _weekday(wd: int, mode: str, anchor: date | None, tense: Tense) -> Resolved:
    # "este jueves" includes the anchor day itself in both directions, and without a tense cue
    # is this week's; a bare "el jueves" includes it only looking back (a future "el jueves"
    # said on a Thursday is next week's).
    direction = {
        "last": "before",
        "next": "after",
        "prevweek": "previous-week",
        "nextweek": "next-week",
        "thisweek": "this-week",
        "this": {"future": "on-or-after", "past": "on-or-before", None: "this-week"}[tense],
        "tense": "after" if tense == "future" else "on-or-before",
    }[mode]
    rule = f"weekday:{_WEEKDAY_ABBR[wd]}:{direction}"
    if anchor is None:
        return None, "unresolved", rule
    back = (anchor.weekday() - wd) % 7
    if direction == "on-or-before":
        day = anchor - timedelta(days=back)
    elif direction == "before":
        day = anchor - timedelta(days=back or 7)
    elif direction == "after":
        day = anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7)
    elif direction == "on-or-after":
        day = anchor + timedelta(days=(wd - anchor.weekday()) % 7)
    else:
        monday = anchor - timedelta(days=anchor.weekday())
        day = monday + timedelta(days=wd, weeks={"previous-week": -1, "this-week": 0}.get(direction, 1))
    return day.isoformat(), "day", rule


def _direction(mode: str, tense: Tense) -> str:
    if mode in ("last", "next"):
        return {"last": "past", "next": "future"}[mode]
    return tense or "nearest"


def _date(g: dict[str, str], mode: str, anchor: date | None, tense: Tense, lex: _Lexicon) -> Resolved | None:
    month = lex.months[g["month"]] if "month" in g else int(g["mnum"])
    raw_day = g["day"]
    day = 1 if raw_day.startswith("primero") else int(re.sub(r"\D", "", raw_day))
    if "year" in g:
        try:
            return date(int(g["year"]), month, day).isoformat(), "day", "date"
        except ValueError:
            return None
    if not (1 <= month <= 12 and 1 <= day <= 31) or (month, day) in (
        (2, 30),
        (2, 31),
        (4, 31),
        (6, 31),
        (9, 31),
        (11, 31),
    ):
        return None
    direction = _direction(mode, tense)
    rule = f"day-month:--{month:02d}-{day:02d}:{direction}"
    if "weekday" in g:  # "el martes 9 de enero": the weekday tells the year
        rule = f"day-month:--{month:02d}-{day:02d}:weekday"
    if anchor is None:
        return None, "unresolved", rule
    if "weekday" in g:
        fits = _weekday_years(anchor, month, day, lex.weekdays[g["weekday"]])
        if fits:
            return fits[0].isoformat(), "day", rule
        rule = f"day-month:--{month:02d}-{day:02d}:{direction}"
    past = _day_month_near(anchor, month, day, -1)
    future = _day_month_near(anchor, month, day, 1)
    if direction == "past":
        pick = past
    elif direction == "future":
        pick = future
    else:
        pick = past if (anchor - past) <= (future - anchor) else future
    return pick.isoformat(), "day", rule


def _day_of_month(day: int, direction: str, anchor: date | None) -> Resolved | None:
    """ "el pasado día 21", "on the 3rd": that day of this month, the previous or the next one."""
    if not 1 <= day <= 31:
        return None
    rule = f"day-of-month:{day:02d}:{direction}"
    if anchor is None:
        return None, "unresolved", rule
    candidates = []
    for shift in (-2, -1, 0, 1, 2):  # two months each way: some have no 30th or 31st
        y, mo = divmod(anchor.year * 12 + anchor.month - 1 + shift, 12)
        try:
            candidates.append(date(y, mo + 1, day))
        except ValueError:
            continue  # "el día 31" skips the months without one
    past = [d for d in candidates if d <= anchor]
    future = [d for d in candidates if d >= anchor]
    if direction == "past" and past:
        return past[-1].isoformat(), "day", rule
    if direction == "future" and future:
        return future[0].isoformat(), "day", rule
    return min(candidates, key=lambda d: abs((d - anchor).days)).isoformat(), "day", rule


def _weekday_years(anchor: date, month: int, day: int, weekday: int) -> list[date]:
    """Dates with this month, day and weekday in the anchor's year or the next or previous one.

    A month-day falls on the same weekday again only after five years or more, so at most one
    of three consecutive years fits.
    """
    fits = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d.weekday() == weekday:
            fits.append(d)
    return sorted(fits, key=lambda d: abs((d - anchor).days))


def _day_month_near(anchor: date, month: int, day: int, step: int) -> date:
    """The nearest valid month/day on or before (step -1) or on or after (step 1) the anchor."""
    year = anchor.year
    for _ in range(9):  # 29 February comes back within 8 years
        try:
            d = date(year, month, day)
        except ValueError:
            d = None
        if d is not None and (d <= anchor if step < 0 else d >= anchor):
            return d
        year += step
    raise ValueError(f"no {month:02d}-{day:02d} near {anchor}")


def _month(month: int, year: str | None, mode: str, anchor: date | None, tense: Tense) -> Resolved:
    if year:
        return f"{int(year):04d}-{month:02d}", "month", "month-year"
    if mode == "this":
        if anchor is not None and anchor.month == month:
            return f"{anchor.year:04d}-{month:02d}", "month", f"month:--{month:02d}:this"
        mode = "tense"
    direction = _direction(mode, tense)
    rule = f"month:--{month:02d}:{direction}"
    if anchor is None:
        return None, "unresolved", rule
    here = anchor.year * 12 + anchor.month - 1
    past = anchor.year if month <= anchor.month else anchor.year - 1
    future = anchor.year if month >= anchor.month else anchor.year + 1
    if mode == "last":  # "el pasado junio" said in June is last year's
        past = anchor.year if month < anchor.month else anchor.year - 1
    if mode == "next":
        future = anchor.year if month > anchor.month else anchor.year + 1
    if direction == "past":
        y = past
    elif direction == "future":
        y = future
    else:
        y = past if here - (past * 12 + month - 1) <= (future * 12 + month - 1) - here else future
    return f"{y:04d}-{month:02d}", "month", rule


def _month_of_year(month: int, shift: int, anchor: date | None) -> Resolved:
    """ "agosto del año pasado", "August this year": a month of a year relative to the anchor."""
    rule = f"month:--{month:02d}:anchor{shift:+d}y"
    if anchor is None:
        return None, "unresolved", rule
    return f"{anchor.year + shift:04d}-{month:02d}", "month", rule


def _season_of(d: date) -> tuple[int, str]:
    """The (season-year, season) a day falls in; December belongs to the next winter's year."""
    for name, start in (("winter", 12), ("autumn", 9), ("summer", 6), ("spring", 3)):
        if d.month >= start:
            return d.year, name
    return d.year - 1, "winter"


def _season_index(year: int, name: str) -> int:
    return year * 4 + ["spring", "summer", "autumn", "winter"].index(name)


def _season(name: str, year: str | None, mode: str, anchor: date | None, tense: Tense) -> Resolved:
    if year:
        return f"{int(year):04d}-{name}", "season", "season-year"
    direction = {"last": "last", "next": "next"}.get(mode) or tense or "nearest"
    if mode == "this":
        direction = f"this-{tense or 'nearest'}"
    rule = f"season:{name}:{direction}"
    if anchor is None:
        return None, "unresolved", rule
    now = _season_index(*_season_of(anchor))
    same_year = _season_index(
        anchor.year if name != "winter" or anchor.month == 12 else anchor.year - 1, name
    )
    # The occurrences of this season strictly before, at or after the anchor's own season.
    before = same_year if same_year < now else same_year - 4
    after = same_year if same_year > now else same_year + 4
    if mode == "this" and same_year == now or direction in ("past", "future", "nearest") and same_year == now:
        pick = now
    elif direction in ("last", "past", "this-past"):
        pick = before
    elif direction in ("next", "future", "this-future"):
        pick = after
    else:
        pick = before if now - before <= after - now else after
    y, idx = divmod(pick, 4)
    return f"{y:04d}-{['spring', 'summer', 'autumn', 'winter'][idx]}", "season", rule
