"""Publication dates: written Spanish and English dates, ISO, RFC 822, URLs, future refusal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crisol.clean.dates import date_from_url, find_date, is_future, parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jueves 5 de Junio de 2025 - 10:17", datetime(2025, 6, 5, 10, 17)),
        ("5 de junio de 2025", datetime(2025, 6, 5)),
        ("Publicado el 12 jul. 2025 a las 08:05 hs", datetime(2025, 7, 12, 8, 5)),
        ("1 de setiembre de 2024", datetime(2024, 9, 1)),
        ("June 5, 2025 10:17 AM", datetime(2025, 6, 5, 10, 17)),
        ("Thursday, June 5th, 2025 at 3:40 p.m.", datetime(2025, 6, 5, 15, 40)),
        ("5 June 2025", datetime(2025, 6, 5)),
        ("Actualizado: 05/06/2025 10:17", datetime(2025, 6, 5, 10, 17)),
        ("2025-06-05T10:17:00", datetime(2025, 6, 5, 10, 17)),
    ],
)
def test_find_date_reads_spanish_english_and_numeric_dates(text, expected):
    assert find_date(text).value == expected


def test_zone_makes_the_datetime_aware():
    value = find_date("Thursday, 5 June 2025, 18:30 CEST").value
    assert value.utcoffset() == timedelta(hours=2)
    assert find_date("5 de junio de 2025, 10:17 GMT-3").value.utcoffset() == timedelta(hours=-3)


def test_numeric_dates_follow_dayfirst_unless_impossible():
    assert find_date("05/06/2025").value == datetime(2025, 6, 5)
    assert find_date("05/06/2025", dayfirst=False).value == datetime(2025, 5, 6)
    assert find_date("06/25/2025").value == datetime(2025, 6, 25)


@pytest.mark.parametrize(
    "text", ["junio de 2025", "el 31 de junio de 2025", "May 2025", "hace 3 horas", "2025"]
)
def test_incomplete_or_impossible_dates_are_not_invented(text):
    assert find_date(text) is None
    assert parse_date(text) is None


def test_parse_date_formats():
    assert parse_date("Thu, 05 Jun 2025 10:17:00 +0200") == datetime(
        2025, 6, 5, 10, 17, tzinfo=timezone(timedelta(hours=2))
    )
    assert parse_date("2025-06-05T10:17:00Z") == datetime(2025, 6, 5, 10, 17, tzinfo=timezone.utc)
    assert parse_date("2025-06-05") == datetime(2025, 6, 5)
    assert parse_date("1749118620") == datetime(2025, 6, 5, 10, 17, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://diario.example/mundo/2025/06/05/kim-lavrov.html", datetime(2025, 6, 5)),
        ("https://news.example/2025-06-05-arctic-harbour", datetime(2025, 6, 5)),
        ("https://news.example/world/20250605/story", datetime(2025, 6, 5)),
        ("https://news.example/world/2025/06/story", None),
        ("https://news.example/2025/13/45/story", None),
        (None, None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


def test_future_check_tolerates_a_day_and_mixes_naive_and_aware():
    fetched = datetime(2025, 6, 5, 12, 0, tzinfo=timezone.utc)
    assert not is_future(datetime(2025, 6, 6, 3, 0), fetched)
    assert is_future(datetime(2025, 6, 8), fetched)
    assert not is_future(datetime(2025, 6, 6, 9, 0, tzinfo=timezone(timedelta(hours=9))), fetched)
