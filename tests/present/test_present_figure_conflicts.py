"""Figure differences across articles: the same quantity told with other numbers is reported,
with the sources and the sentence on each side; different quantities sharing a noun are not.

Every article here is invented for the test (an aid plan after a landslide in Bolivia).
"""

from __future__ import annotations

from crisol.present import present_story
from crisol.present.figures import find_figures


def _story(
    make_article, *texts: list[str], language: str = "es", dates: dict[int, list] | None = None
) -> dict:
    articles = [
        make_article(
            {
                "id": f"a{n}",
                "outlet": f"Outlet {n}",
                "language": language,
                "sentences": sentences,
                "dates": (dates or {}).get(n, []),
            }
        )
        for n, sentences in enumerate(texts)
    ]
    return present_story("s", articles, [])


def _figures(story: dict) -> list[dict]:
    return [d for d in story["differences"] if d["kind"] == "figure"]


LEAD_A = (
    "El Gobierno de Bolivia aprobó el martes un plan de emergencia para la región de Yungas tras el alud."
)
LEAD_B = "La ministra de Obras Públicas presentó en La Paz el plan de reconstrucción de Yungas."


def test_same_count_told_differently_is_a_conflict_with_sentences(make_article):
    # no aligned sentences, no predicate: the counted noun and the place around it tie them
    a = [LEAD_A, "Según el Ministerio, el plan llegará a unas 8.000 familias de Coroico y Chulumani."]
    b = [
        LEAD_B,
        "Unas 9.500 familias de Coroico y Chulumani recibirán vivienda provisional antes de diciembre.",
    ]
    story = _story(make_article, a, b)
    figures = _figures(story)
    assert len(figures) == 1, figures
    sides = {s["number"]: s for s in figures[0]["sides"]}
    assert set(sides) == {8000.0, 9500.0}
    assert sides[8000.0]["citations"] == ["a0"] and sides[9500.0]["citations"] == ["a1"]
    # each side names its sources and quotes the sentence each of them says it in
    assert sides[8000.0]["texts"] == {"a0": a[1]} and sides[9500.0]["texts"] == {"a1": b[1]}


def test_done_and_planned_total_are_not_a_conflict(make_article):
    a = [LEAD_A, "El Ejército ya ha enviado 150 toneladas de víveres a Coroico."]
    b = [
        LEAD_B,
        "El Gobierno prevé enviar un total de 420 toneladas de víveres a Coroico antes de fin de mes.",
    ]
    assert _figures(_story(make_article, a, b)) == []


def test_a_part_is_not_the_total(make_article):
    a = [LEAD_A, "El alud dejó 64 heridos en Coroico, de los cuales 9 son niños."]
    b = [LEAD_B, "Los hospitales de Coroico atendieron a 64 heridos por el alud."]
    story = _story(make_article, a, b)
    assert _figures(story) == []
    agreed = [x for x in story["agreements"] if x["kind"] == "figure"]
    assert agreed and set(agreed[0]["citations"]) == {"a0", "a1"}


def test_other_years_are_other_counts(make_article):
    a = [LEAD_A, "En 2024 llegaron a Coroico 3.000 turistas extranjeros, según la Alcaldía."]
    b = [LEAD_B, "En 2025 llegaron a Coroico 4.500 turistas extranjeros, según la Alcaldía."]
    dates = {0: [["2024", "2024", 1]], 1: [["2025", "2025", 1]]}
    assert _figures(_story(make_article, a, b, dates=dates)) == []
    # the same sentences without years would be one count told two ways
    assert len(_figures(_story(make_article, a, b))) == 1


def test_bounds_and_rounding_are_compatible(make_article):
    a = [LEAD_A, "Más de 10.000 vecinos de Coroico fueron evacuados por el alud."]
    b = [LEAD_B, "Unos 12.000 vecinos de Coroico fueron evacuados por el alud, según Defensa Civil."]
    c = [LEAD_B, "Defensa Civil cifró en 11.870 los vecinos de Coroico evacuados por el alud."]
    story = _story(make_article, a, b, c)
    assert _figures(story) == []
    low = find_figures("Se registraron 12.000 réplicas.", "es")[0]
    assert low.agrees(find_figures("Se registraron 11.980 réplicas.", "es")[0])  # rounded to the thousand
    assert not low.agrees(find_figures("Se registraron 10.000 réplicas.", "es")[0])


def test_two_amounts_one_outlet_tells_apart_are_not_rivals(make_article):
    # a0 gives both amounts: the 25 million loan and the 40 million grant are two things
    a = [
        LEAD_A,
        "El plan suma una donación de 40 millones de dólares para Yungas y un crédito de 25 millones de dólares para Yungas.",
    ]
    b = [LEAD_B, "La donación de 40 millones de dólares para Yungas llegará en enero."]
    c = [LEAD_B, "El crédito de 25 millones de dólares para Yungas se firmará en enero."]
    assert _figures(_story(make_article, a, b, c)) == []


def test_across_languages(make_article):
    es = make_article(
        {
            "id": "es",
            "language": "es",
            "sentences": [
                LEAD_A,
                "Según el Ministerio, el plan llegará a unas 8.000 familias de Coroico y Chulumani.",
            ],
        }
    )
    en = make_article(
        {
            "id": "en",
            "language": "en",
            "sentences": [
                "Bolivia approved an emergency plan for the Yungas region after the landslide.",
                "The plan will reach about 9,500 families in Coroico and Chulumani, the ministry said.",
            ],
        }
    )
    figures = _figures(present_story("s", [es, en], []))
    assert len(figures) == 1
    assert {s["number"]: s["citations"] for s in figures[0]["sides"]} == {8000.0: ["es"], 9500.0: ["en"]}
    assert figures[0]["sides"][0]["value"] == "8.000 familias"  # shown in the story's language


def test_killed_counts_match_whatever_the_wording():
    dead = find_figures("El alud mató a 12 personas en Coroico.", "es")[0]
    dead_en = find_figures("The landslide killed 12 people in Coroico.", "en")[0]
    assert dead.noun == dead_en.noun == "killed"
    # "más de" is a bound, not "otros ... más": the scope stays plain
    both = find_figures("El alud dejó 12 muertos y más de 300 damnificados.", "es")
    assert [f.scope for f in both] == ["plain", "plain"] and both[1].bound == "lower"


def test_hedged_in_one_outlet_asserted_in_another_via_the_same_figure(make_article):
    # worded too differently to align, but the same amount for the same thing ties the claim
    a = [
        LEAD_A,
        "El acuerdo incluiría supuestamente un crédito de 25 millones de dólares del banco regional, algo que nadie ha confirmado.",
    ]
    b = [
        LEAD_B,
        "El acuerdo incluye un crédito de 25 millones de dólares del banco regional para reconstruir carreteras.",
    ]
    story = _story(make_article, a, b)
    hedges = [d for d in story["differences"] if d["kind"] == "hedge"]
    assert len(hedges) == 1
    assert {s["value"]: s["citations"] for s in hedges[0]["sides"]} == {"alleged": ["a0"], "asserted": ["a1"]}
    assert hedges[0]["sides"][0]["texts"] == {"a0": a[1]}
