"""Tests for crisol.annotate.dates: relative and absolute date expressions in es and en."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest

from crisol.annotate.dates import find_dates, resolve, supported_languages
from crisol.bench.dates import load_expressions
from crisol.errors import UnknownLanguage
from crisol.model import Sentence

TABLES = Path(__file__).resolve().parents[1] / "fixtures" / "dates"
CASES = load_expressions(TABLES / "expressions.tsv") + load_expressions(TABLES / "heldout.tsv")
THURSDAY = date(2025, 6, 5)


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.language}:{c.expression}@{c.anchor}#{i}" for i, c in enumerate(CASES)]
)
def test_resolve_table(case):
    got = resolve(case.expression, case.anchor, case.language, case.context)
    assert (got.value, got.precision) == (case.value, case.precision), f"{case.where} rule={got.rule}"


def test_table_is_broad():
    # Guards the table itself: both languages, edge anchors and the unresolved case all present.
    langs = {c.language for c in CASES}
    assert langs == {"es", "en"}
    assert sum(c.anchor is None for c in CASES) >= 15
    assert {c.precision for c in CASES} == {"day", "month", "season", "year", "unresolved"}
    assert any(c.anchor and c.anchor.month == 12 and c.anchor.day >= 29 for c in CASES)


def _found(text, anchor=THURSDAY, language="es", **kw):
    return [(t.text, t.value) for t in find_dates(text, anchor, language, **kw)]


# --- finding in running text ------------------------------------------------------------------


def test_offsets_point_into_the_text():
    text = "Por la tarde, el ministro —que llegó el miércoles— dijo que se irá mañana."
    for t in find_dates(text, THURSDAY, "es"):
        assert text[t.start : t.end] == t.text
    assert _found(text) == [("el miércoles", "2025-06-04"), ("mañana", "2025-06-06")]


def test_sentence_index_and_tense_come_from_each_sentence():
    text = "La cumbre terminó el martes. Los ministros se reunirán el martes."
    sentences = [Sentence(0, 0, 28, text[0:28]), Sentence(1, 29, len(text), text[29:])]
    got = find_dates(text, THURSDAY, "es", sentences)
    assert [(t.sentence, t.value) for t in got] == [(0, "2025-06-03"), (1, "2025-06-10")]


def test_without_sentences_sentence_is_zero_and_tense_is_local():
    text = "La cumbre terminó el martes. Los ministros se reunirán el martes."
    got = find_dates(text, THURSDAY, "es")
    assert [(t.sentence, t.value) for t in got] == [(0, "2025-06-03"), (0, "2025-06-10")]


def test_nearest_verb_decides_tense():
    text = "El portavoz dijo el lunes que el presidente viajará el viernes a Quito."
    assert _found(text) == [("el lunes", "2025-06-02"), ("el viernes", "2025-06-06")]
    text = "The spokesman said on Monday that the president will travel to Quito on Friday."
    assert _found(text, language="en") == [("Monday", "2025-06-02"), ("Friday", "2025-06-06")]


@pytest.mark.parametrize(
    "text",
    [
        "La reunión fue por la mañana.",
        "Llegaron a las diez de la mañana.",
        "Trabajó toda la mañana en el informe.",
        "Hoy en día nadie lo discute.",
        "Hoy por hoy, la economía crece.",
        "Hay que pensar en el mañana.",
        "Los lunes abre el mercado.",
        "Es la segunda visita en algo más de dos meses.",
        "El presupuesto asciende a 2024 millones de euros.",
        "Llegó un día antes de la cumbre.",
        "La visita se produjo la víspera de las elecciones.",
    ],
)
def test_not_dates_es(text):
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We may meet again.",
        "Thousands march on the capital.",
        "The museum opens on Mondays.",
        "After the fall of the wall, trade grew.",
        "He arrived the day before the vote.",
        "Leaders met on the eve of the summit.",
    ],
)
def test_not_dates_en(text):
    assert _found(text, language="en") == []


def test_manana_twice_is_one_tomorrow():
    assert _found("Se reunirán mañana por la mañana en Lima.") == [("mañana", "2025-06-06")]


def test_esta_manana_is_today():
    assert _found("El Gobierno aprobó esta mañana el decreto.") == [("esta mañana", "2025-06-05")]


def test_capitalised_and_unaccented_forms():
    assert _found("Llego a Lima el MIERCOLES y se fue el Sábado.") == [
        ("el MIERCOLES", "2025-06-04"),
        ("el Sábado", "2025-05-31"),
    ]


def test_decomposed_accents_keep_offsets():
    text = unicodedata.normalize("NFD", "Se reunió el miércoles con la víspera ya pasada.")
    got = find_dates(text, THURSDAY, "es")
    assert [t.value for t in got] == ["2025-06-04", "2025-06-04"]
    assert all(text[t.start : t.end] == t.text for t in got)


def test_dateline_with_weekday_and_time():
    got = _found("Martes 14 de Octubre de 2025 - 09:30\nEl consejo se reunió ayer.", date(2025, 10, 14))
    assert got == [("Martes 14 de Octubre de 2025", "2025-10-14"), ("ayer", "2025-10-13")]


def test_date_span_wins_over_its_parts():
    assert _found("La firma tuvo lugar el lunes 2 de junio de 2025.") == [
        ("el lunes 2 de junio de 2025", "2025-06-02")
    ]
    assert _found("The deal was signed on Monday, June 2, 2025.", language="en") == [
        ("Monday, June 2, 2025", "2025-06-02")
    ]


def test_impossible_dates_are_dropped():
    assert _found("Se firmó el 31 de febrero y el 30 de abril.") == [("el 30 de abril", "2025-04-30")]


def test_datetime_anchor_is_accepted():
    assert _found("Llegó ayer.", datetime(2025, 6, 5, 23, 59)) == [("ayer", "2025-06-04")]


# --- no anchor -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,language,rule",
    [
        ("Llegó ayer.", "es", "anchor-1d"),
        ("Se reunieron en la víspera.", "es", "anchor-1d"),
        ("Llegará mañana.", "es", "anchor+1d"),
        ("Informó hoy la agencia.", "es", "anchor"),
        ("Llegó el miércoles.", "es", "weekday:wed:on-or-before"),
        ("Llegará el miércoles.", "es", "weekday:wed:after"),
        ("Llegó el pasado miércoles.", "es", "weekday:wed:before"),
        ("Ocurrió hace tres años.", "es", "anchor-3y"),
        ("Ocurrió hace más de dos años.", "es", "anchor-2y:approx"),
        ("Se reunieron el 21 de marzo.", "es", "day-month:--03-21:past"),
        ("La ofensiva del verano pasado.", "es", "season:summer:last"),
        ("Lo anunció la semana pasada.", "es", "week:anchor-1w"),
        ("It happened three years ago.", "en", "anchor-3y"),
        ("They met last Monday.", "en", "weekday:mon:before"),
        ("They will meet next month.", "en", "anchor+1m"),
        ("The day after, they left; the next day it rained.", "en", "event+1d"),
    ],
)
def test_relative_without_anchor_is_unresolved_with_relation(text, language, rule):
    got = find_dates(text, None, language)
    assert [(t.value, t.precision, t.rule) for t in got] == [(None, "unresolved", rule)]


def test_absolute_without_anchor_is_resolved():
    got = find_dates("El tratado se firmó el 18 de junio de 2024 y entró en vigor en 2025.", None, "es")
    assert [(t.value, t.precision) for t in got] == [("2024-06-18", "day"), ("2025", "year")]


# --- weeks, seasons, years ------------------------------------------------------------------------


def test_week_is_its_monday_with_week_rule():
    (t,) = find_dates("Lo anunció la semana pasada.", date(2025, 1, 2), "es")
    assert (t.value, t.precision, t.rule) == ("2024-12-23", "day", "week:anchor-1w")


@pytest.mark.parametrize(
    "anchor,expected",
    [
        (date(2025, 1, 20), "2024-winter"),  # January belongs to the winter that began in December
        (date(2025, 12, 20), "2025-winter"),
        (date(2025, 3, 1), "2025-spring"),
    ],
)
def test_este_invierno_or_primavera_is_the_current_season(anchor, expected):
    season = "primavera" if expected.endswith("spring") else "invierno"
    assert (
        resolve(f"esta {season}" if season == "primavera" else f"este {season}", anchor, "es").value
        == expected
    )


def test_leap_day_without_year_goes_back_to_a_leap_year():
    assert (
        resolve("el 29 de febrero", date(2027, 6, 1), "es", "Se aprobó el 29 de febrero.").value
        == "2024-02-29"
    )
    assert (
        resolve("el 29 de febrero", date(2025, 6, 1), "es", "Se aprobará el 29 de febrero.").value
        == "2028-02-29"
    )


def test_anchor_weekday_itself():
    # Thursday anchor: "este jueves" is today, "el pasado jueves" a week before, future "el jueves" next week.
    assert resolve("este jueves", THURSDAY, "es", "Se reunieron este jueves.").value == "2025-06-05"
    assert resolve("el pasado jueves", THURSDAY, "es").value == "2025-05-29"
    assert resolve("el jueves", THURSDAY, "es", "Se reunirán el jueves.").value == "2025-06-12"
    assert resolve("el jueves", THURSDAY, "es", "Se reunieron el jueves.").value == "2025-06-05"


# --- API edges ------------------------------------------------------------------------------------


def test_resolve_unrecognised_expression():
    got = resolve("dentro de poco", THURSDAY, "es")
    assert (got.value, got.precision, got.rule) == (None, "unresolved", "unrecognised")


def test_unknown_language_raises_naming_it():
    with pytest.raises(UnknownLanguage, match="'pt'"):
        find_dates("Chegou ontem.", THURSDAY, "pt")


def test_empty_text():
    assert find_dates("", THURSDAY, "es") == []


def test_supported_languages_have_valid_data():
    assert {"es", "en"} <= set(supported_languages())
    root = Path(__file__).resolve().parents[2] / "src" / "crisol" / "resources"
    for lang in ("es", "en"):
        data = json.loads((root / lang / "dates.json").read_text(encoding="utf-8"))
        assert len(data["weekdays"]) == 7 and set(data["months"].values()) == set(range(1, 13))


def test_trigger_windows_find_what_a_full_search_finds(monkeypatch):
    # Only text around trigger words is searched; every pattern must hold one, or this fails.
    import crisol.annotate.dates as dates

    texts = [c.context or c.expression for c in CASES]
    langs = [c.language for c in CASES]
    fast = [
        [(t.start, t.end, t.value) for t in find_dates(x, THURSDAY, lang)] for x, lang in zip(texts, langs)
    ]
    monkeypatch.setattr(dates, "_windows", lambda folded, trigger, words: [(0, len(folded))])
    full = [
        [(t.start, t.end, t.value) for t in find_dates(x, THURSDAY, lang)] for x, lang in zip(texts, langs)
    ]
    assert fast == full


def test_language_with_region_uses_the_base_language():
    assert _found("Llegó ayer.", language="es-ES") == [("ayer", "2025-06-04")]
    assert _found("He arrived yesterday.", language="en_GB") == [("yesterday", "2025-06-04")]
    with pytest.raises(UnknownLanguage):
        find_dates("x", THURSDAY, None)


def test_running_sentences_table():
    # Blind-written sentences: every listed expression found with its value, nothing else found.
    from crisol.bench.dates import load_sentences, run_sentences

    results = run_sentences(load_sentences(TABLES / "sentences.tsv"))
    assert [r for r in results if not r["ok"]] == []


@pytest.mark.parametrize(
    "text,language",
    [
        ("Asistieron más de 2000 personas.", "es"),
        ("La cifra alcanzó un total de 2024.", "es"),
        ("Una subvención de 2000 euros.", "es"),
        ("A total of 2000.", "en"),
        ("Prices of 2000 dollars.", "en"),
    ],
)
def test_quantities_are_not_years(text, language):
    assert _found(text, language=language) == []


def test_usa_today_is_a_newspaper():
    assert _found("Experts told USA TODAY that the plan failed.", language="en") == []


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_story_a_dates_agree_across_outlets():
    # The bundled demo articles date the signing in Lima five ways; all must give 8 October 2025.
    import re

    a1 = (EXAMPLES / "diario-del-sur_espana-peru-reconstruccion.txt").read_text(encoding="utf-8")
    records = [
        json.loads(line) for line in (EXAMPLES / "noticias.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    rss = (EXAMPLES / "meridian-post-world.rss").read_text(encoding="utf-8")
    a4 = re.sub(r"<[^>]+>", " ", rss.split("<item>")[1])
    cases = [
        (a1, date(2025, 10, 9), "es", "el miércoles"),
        (a1, date(2025, 10, 9), "es", "la víspera"),
        (records[0]["maintext"], date(2025, 10, 8), "es", "este miércoles"),
        (records[1]["maintext"], date(2025, 10, 9), "es", "ayer"),
        (a4, date(2025, 10, 8), "en", "Wednesday"),
    ]
    for text, anchor, language, expression in cases:
        values = {t.value for t in find_dates(text, anchor, language) if t.text == expression}
        assert values == {"2025-10-08"}, (expression, values)


@pytest.mark.parametrize(
    "text,language",
    [
        ("The Sunday Times reported the deal.", "en"),
        ("Shops opened early for Black Friday.", "en"),
        ("Las procesiones del Jueves Santo llenaron las calles.", "es"),
        ("El Domingo de Ramos abre la Semana Santa.", "es"),
    ],
)
def test_named_days_are_not_weekdays(text, language):
    assert _found(text, language=language) == []
