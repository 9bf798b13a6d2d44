"""Publication dates: Spanish and English written dates, ISO 8601, RFC 822, dates in URLs.

Datetimes are timezone-aware only when the source states a zone ("+02:00", "GMT", "UTC-3",
"CEST"); otherwise they are naive and mean the outlet's local time. Comparisons (the future check)
treat a naive value as UTC, which the one-day tolerance absorbs. A date is never completed with
guessed parts: "junio de 2025" (no day) is not a publication date.

>>> find_date("Jueves 5 de Junio de 2025 - 10:17").value
datetime.datetime(2025, 6, 5, 10, 17)
>>> find_date("Updated June 5, 2025 10:17 AM GMT").value
datetime.datetime(2025, 6, 5, 10, 17, tzinfo=datetime.timezone.utc)
>>> date_from_url("https://example.com/world/2025/06/05/kim-lavrov")
datetime.datetime(2025, 6, 5, 0, 0)
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from crisol.clean.cues import load_cues
from crisol.text import fold_words

FUTURE_TOLERANCE = timedelta(days=1)  # time zones and clocks: a little ahead is not the future
_YEARS = range(1900, 2101)


@dataclass
class DateMatch:
    """A date found in a (folded) string, with the part of the string it covered."""

    value: datetime
    start: int
    end: int


def _alt(words) -> str:
    # longest first so "septiembre" wins over "sep"
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    cues = load_cues()
    months = _alt(cues.months)
    wd = rf"(?:(?:{_alt(cues.weekdays)})\.?,?\s+)?"
    tzn = _alt(cues.timezones)
    tz = rf"(?P<tz>(?:utc|gmt)\s?[+-]\s?\d{{1,2}}(?::?\d{{2}})?|[+-]\d{{2}}:?\d{{2}}|\b(?:{tzn})\b)"
    time = (
        r"(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*"
        r"(?P<ap>a\.?\s?m\.?|p\.?\s?m\.?)?\s*(?:hrs|hs|horas|h)?\.?\s*"
        rf"(?:\(?{tz}\)?)?"
    )
    sep = r"\s*(?:[-|,•·/]|a las|at)?\s*"
    return {
        "es": re.compile(
            rf"{wd}\b(?P<d>\d{{1,2}})(?:o|°)?\s*(?:de\s+)?(?P<m>{months})\b\.?\s*(?:de\s+|del\s+|,\s*)?"
            rf"(?P<y>\d{{4}})\b(?:{sep}{time})?"
        ),
        "en": re.compile(
            rf"{wd}\b(?P<m>{months})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b"
            rf"(?:{sep}{time})?"
        ),
        "iso": re.compile(
            r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
            r"(?:[t ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?\s*(?P<tz>z|[+-]\d{2}:?\d{2})?)?"
        ),
        "num": re.compile(
            rf"{wd}\b(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-](?P<y>\d{{4}})\b(?:{sep}{time})?"
        ),
        "time": re.compile(time),
    }


def _zone(tz: str | None) -> timezone | None:
    if not tz:
        return None
    tz = tz.replace(" ", "")
    named = load_cues().timezones
    if tz in named:
        return timezone(timedelta(minutes=named[tz]))
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", tz)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _build(y: str, mo: int, d: str, m: re.Match[str]) -> datetime | None:
    groups = m.groupdict()
    hour, minute, second = (int(groups.get(k) or 0) for k in ("H", "M", "S"))
    ap = (groups.get("ap") or "").replace(".", "").replace(" ", "")
    if ap == "pm" and hour < 12:
        hour += 12
    elif ap == "am" and hour == 12:
        hour = 0
    if int(y) not in _YEARS:
        return None
    try:
        return datetime(int(y), mo, int(d), hour, minute, second, tzinfo=_zone(groups.get("tz")))
    except ValueError:  # 31 of June, 25:00...
        return None


def _numeric_month(m: re.Match[str], dayfirst: bool) -> tuple[int, str] | None:
    a, b = int(m.group("a")), int(m.group("b"))
    if a > 12 and b <= 12:
        return b, m.group("a")
    if b > 12 and a <= 12:
        return a, m.group("b")
    return (b, m.group("a")) if dayfirst else (a, m.group("b"))


def find_date(text: str, dayfirst: bool = True) -> DateMatch | None:
    """The first full date (day, month, year, optional time and zone) in ``text``.

    Positions refer to ``fold_words(text)``. ``dayfirst`` decides "05/06/2025" (True: 5 June).
    """
    folded = fold_words(text)
    best: DateMatch | None = None
    for kind, pattern in _patterns().items():
        if kind == "time":
            continue
        for m in pattern.finditer(folded):
            if kind == "num":
                month_day = _numeric_month(m, dayfirst)
                value = _build(m.group("y"), *month_day, m) if month_day else None
            elif kind == "iso":
                value = _build(m.group("y"), int(m.group("m")), m.group("d"), m)
            else:
                value = _build(m.group("y"), load_cues().months[m.group("m")], m.group("d"), m)
            if value is not None:
                if best is None or m.start() < best.start:
                    best = DateMatch(value, m.start(), m.end())
                break
    return best


def parse_date(value: str, dayfirst: bool = True) -> datetime | None:
    """A date string as a format gives it (ISO 8601, RFC 822, epoch, written dates), or None.

    >>> parse_date("Thu, 05 Jun 2025 10:17:00 +0200").isoformat()
    '2025-06-05T10:17:00+02:00'
    >>> parse_date("2025-06-05T10:17:00Z").isoformat()
    '2025-06-05T10:17:00+00:00'
    >>> parse_date("junio de 2025") is None
    True
    """
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{10}(\d{3})?", value):  # Unix epoch, seconds or milliseconds
        seconds = int(value[:10])
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    for parser in (_iso, _rfc822):
        result = parser(value)
        if result is not None and result.year in _YEARS:
            return result
    found = find_date(value, dayfirst)
    return found.value if found else None


def _iso(value: str) -> datetime | None:
    if not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _rfc822(value: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?=/|-|_|\.|$)"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?=/|-|_|\.|$)"
)


def date_from_url(url: str | None) -> datetime | None:
    """The day written in a URL path (``/2025/06/05/``, ``/2025-06-05-``, ``/20250605/``)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    for m in _URL_DATE.finditer(path):
        y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else m.group("y2", "m2", "d2")
        try:
            return datetime(int(y), int(mo), int(d))
        except ValueError:
            continue
    return None


def as_utc_naive(value: datetime) -> datetime:
    """For comparisons only: aware values converted to UTC, naive ones taken as UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def is_future(value: datetime, reference: datetime) -> bool:
    """True when ``value`` is later than ``reference`` (the fetch time) beyond the tolerance."""
    return as_utc_naive(value) > as_utc_naive(reference) + FUTURE_TOLERANCE
