"""Figures, cue lists, source counting and languages, one function at a time."""

from __future__ import annotations

import pytest

from crisol.link.dedup import Relation
from crisol.present.figures import find_figures, parse_number
from crisol.present.sources import independent_sources
from crisol.present.story import present_story, story_language


def _one(sentence: str, language: str):
    found = find_figures(sentence, language)
    assert len(found) == 1, found
    return found[0]


def test_numbers_in_both_languages():
    assert parse_number("10.000", "es") == parse_number("10,000", "en") == 10000
    assert parse_number("2,5", "es") == parse_number("2.5", "en") == 2.5


def test_sent_so_far_and_planned_differ_in_mode():
    done = _one("Hasta ahora el país ha desplegado 8.000 soldados en el norte.", "es")
    planned = _one("The country plans to deploy 20,000 more troops.", "en")
    assert (done.noun, done.predicate, done.mode) == ("troops", "send", "done")
    assert (planned.noun, planned.predicate, planned.mode, planned.scope) == (
        "troops",
        "send",
        "planned",
        "additional",
    )
    assert done.key != planned.key


def test_killed_and_wounded_are_different_nouns():
    killed, wounded = find_figures("El ataque dejó 7 muertos y 25 heridos.", "es")
    assert (killed.noun, wounded.noun) == ("killed", "wounded")


def test_total_and_part_scopes():
    total, part = find_figures("Un total de 300 personas fueron evacuadas, de ellas 80 niños.", "es")
    assert (total.scope, part.scope) == ("total", "part")


def test_bounds_make_values_compatible():
    upper = _one("Rescue teams found up to 50 bodies in the rubble.", "en")
    exact = _one("Rescue teams found 40 bodies in the rubble.", "en")
    assert upper.bound == "upper" and upper.agrees(exact)
    about = _one("Rescue teams found about 100 bodies in the rubble.", "en")
    assert about.agrees(_one("Rescue teams found 95 bodies in the rubble.", "en"))
    assert not exact.agrees(_one("Rescue teams found 60 bodies in the rubble.", "en"))


def test_dates_and_years_are_not_figures():
    assert find_figures("En 2024 firmaron el tratado.", "es") == []
    sentence = "El 12 de marzo llegaron 300 soldados."
    span = (sentence.index("12 de marzo"), sentence.index("12 de marzo") + len("12 de marzo"))
    assert [f.value for f in find_figures(sentence, "es", [span])] == [300.0]


def _spec(i: str, language: str, sentences: list[str], **extra) -> dict:
    return {"id": i, "language": language, "sentences": sentences, "outlet": f"outlet-{i}", **extra}


def test_shared_agency_counts_once(make_article):
    arts = [make_article(_spec(i, "es", ["Texto breve de prueba sobre la sesión."])) for i in "abc"]
    sources = independent_sources(arts, [], {"a": "EFE", "b": "EFE"})
    assert sources.independent == 2 and sources.origin_of["b"] == "a"
    sources = independent_sources(arts, [Relation("b", "c", "near-duplicate", 0.9)], {})
    assert sources.independent == 2 and sources.origin_of["c"] == "b"


def test_mixed_languages_summary_in_majority_language_cites_all(make_article):
    said_es = "El Parlamento de Noruega aprobó el martes la nueva ley de pesca por amplia mayoría."
    said_en = "The Norwegian Parliament approved the new fishing law by a wide majority on Tuesday."
    arts = [
        make_article(_spec("es1", "es", [said_es, "La oposición votó en contra del texto en la cámara."])),
        make_article(
            _spec(
                "es2",
                "es",
                ["El Parlamento noruego aprobó el martes la nueva ley de pesca por amplia mayoría."],
            )
        ),
        make_article(_spec("en1", "en", [said_en])),
    ]
    assert story_language(arts) == "es"
    story = present_story("mixed", arts, [])
    assert story["language"] == "es"
    law = [s for s in story["summary"] if "ley de pesca" in s["text"]]
    assert len(law) == 1
    assert "en1" in law[0]["citations"] and {"es1", "es2"} <= set(law[0]["citations"])
    assert all(s["text"] != said_en for s in story["summary"])


def test_duplicate_article_ids_are_rejected(make_article):
    a = make_article(_spec("a", "es", ["Una frase de prueba sin más contenido."]))
    with pytest.raises(ValueError, match="more than once"):
        present_story("dup", [a, a], [])


def _lead(i: str, sentence: str, date: str, person: str, role_holder: tuple[str, str] | None = None) -> dict:
    mentions = [[person, "PER", person, "EST", None, 0]]
    if role_holder:
        mentions.append([role_holder[0], "PER", role_holder[0], "EST", role_holder[1], 0])
    # the weekday the sentence names, resolved to ``date`` (a date the text gives, not the publication day)
    day = next((w for w in ("lunes", "martes", "miércoles") if w in sentence), None)
    dates = [[f"el {day}", date, 0]] if day else []
    return _spec(
        i,
        "es",
        [sentence],
        mentions=mentions,
        dates=dates,
        events=[
            {
                "type": "CONSULT",
                "mode": "meet",
                "source": [person, "EST", "GOV"],
                "target": ["Finland", "FIN", None],
                "sentence": 0,
                "trigger": "reunió",
                "date": date,
                "date_precision": "day",
            }
        ],
    )


def test_date_difference_for_one_event(make_article):
    a = make_article(
        _lead(
            "a",
            "El primer ministro Kaja Tamm se reunió el lunes con el Gobierno de Finlandia en Helsinki.",
            "2026-04-06",
            "Kaja Tamm",
        )
    )
    b = make_article(
        _lead(
            "b",
            "El primer ministro Kaja Tamm se reunió el martes con el Gobierno de Finlandia en Helsinki.",
            "2026-04-07",
            "Kaja Tamm",
        )
    )
    story = present_story("dates", [a, b], [])
    dates = [d for d in story["differences"] if d["kind"] == "date"]
    assert len(dates) == 1
    assert {s["value"]: s["citations"] for s in dates[0]["sides"]} == {
        "2026-04-06": ["a"],
        "2026-04-07": ["b"],
    }


def test_publication_day_standing_in_for_a_date_is_no_date_difference(make_article):
    a = make_article(
        _lead(
            "a",
            "El primer ministro Kaja Tamm se reunió el lunes con el Gobierno de Finlandia en Helsinki.",
            "2026-04-06",
            "Kaja Tamm",
        )
    )
    spec = _spec(
        "b",
        "es",
        ["El primer ministro Kaja Tamm se reunió con el Gobierno de Finlandia en Helsinki."],
        mentions=[["Kaja Tamm", "PER", "Kaja Tamm", "EST", None, 0]],
        events=[
            {
                "type": "CONSULT",
                "mode": "meet",
                "source": ["Kaja Tamm", "EST", "GOV"],
                "target": ["Finland", "FIN", None],
                "sentence": 0,
                "trigger": "reunió",
                "date": "2026-04-07",
                "date_precision": "day",
            }
        ],
    )  # dated by its publication only
    story = present_story("dates", [a, make_article(spec)], [])
    assert not [d for d in story["differences"] if d["kind"] == "date"]


def test_names_differ_only_for_different_people(make_article):
    base = (
        "y el primer ministro Kaja Tamm se reunieron con el Gobierno de Finlandia para hablar de la frontera."
    )
    a = make_article(
        _lead(
            "a", "La ministra Liis Kask " + base, "2026-04-06", "Kaja Tamm", ("Liis Kask", "foreign-minister")
        )
    )
    b = make_article(
        _lead(
            "b",
            "La ministra Liis Kaask " + base,
            "2026-04-06",
            "Kaja Tamm",
            ("Liis Kaask", "foreign-minister"),
        )
    )
    c = make_article(
        _lead(
            "c", "La ministra Mari Saar " + base, "2026-04-06", "Kaja Tamm", ("Mari Saar", "foreign-minister")
        )
    )
    story = present_story("names", [a, b, c], [])
    names = [d for d in story["differences"] if d["kind"] == "name"]
    assert len(names) == 1
    assert {s["value"]: s["citations"] for s in names[0]["sides"]} == {
        "Liis Kask": ["a", "b"],
        "Mari Saar": ["c"],
    }


def test_a_language_tie_goes_to_a_language_crisol_analyses(make_article):
    from crisol.present.story import story_language

    arts = [
        make_article(_spec("p", "pt", ["As chuvas encheram as barragens do norte este ano."])),
        make_article(_spec("s", "es", ["Las lluvias llenaron los embalses del norte este año."])),
    ]
    assert story_language(arts) == "es"
    arts.append(make_article(_spec("q", "pt", ["As barragens do norte estão cheias depois das chuvas."])))
    assert story_language(arts) == "pt"  # a majority still wins


def test_a_dateline_is_no_summary_sentence(make_article):
    dateline = "Miércoles, 1 de octubre de 2025"
    body = "Los embalses del norte cerraron el año hidrológico con más agua que el anterior."
    arts = [make_article(_spec(i, "es", [dateline, body])) for i in "ab"]
    story = present_story("dateline", arts, [])
    assert [line["text"] for line in story["summary"]] == [body]
