"""The sentence splitter every stage shares (crisol.clean.sentences), on prose written for it."""

from __future__ import annotations

import time

import pytest

from crisol.clean.sentences import quotes_balanced, sentence_spans, split_sentences
from crisol.link.dedup import split_sentences as dedup_split


@pytest.mark.parametrize(
    "text",
    [
        # a name followed by an apposition
        "Marta Ibáñez, la nueva fiscal general del distrito, llegó ayer a Cuenca.",
        # titles always precede a name
        "El Sr. Pardo, la Dra. Lucía Vidal y el Gral. Ortiz firmaron el acta.",
        "Gen. Mark Hollis met Mr. Evans and Sen. Ruth Cole in the capital.",
        # abbreviations before a name or a lower-case word
        "La delegación de EE.UU. Roberta Lane incluida viajó en tren.",
        "The U.S. Senate and the U.K. government agreed on Friday.",
        "Trajeron frutas, verduras, etc. para los vecinos del barrio.",
        "Hay varias opciones, p. ej. la del puente norte, todavía abiertas.",
        "La sesión empezó a las 10 a.m. del martes y duró dos horas.",
        # initials
        "La editorial reeditó la obra de J. R. R. Tolkien en otoño.",
        # numbers
        "El PIB creció un 3.5 % y cerraron 1.000 comercios en la provincia.",
        "Lo recoge el BOE núm. 88 en su art. 4 desde la pág. 12 en adelante.",
        "The rule is in No. 10 of the list, see p. 4 of the report.",
        # a question or exclamation inside a sentence
        "«¿Quién paga la obra?», preguntó el concejal a la alcaldesa.",
        # a quotation spanning sentences closes within the paragraph: one sentence
        "«Hemos esperado diez años. No esperaremos más», dijo la portavoz vecinal.",
        '"We waited ten years. We will not wait any longer," the neighbours\' spokeswoman said.',
    ],
)
def test_one_sentence(text):
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "La comitiva llegó a EE.UU. El presidente la recibió.",
            ["La comitiva llegó a EE.UU.", "El presidente la recibió."],
        ),
        (
            "The team flew to the U.S. The coach stayed home.",
            ["The team flew to the U.S.", "The coach stayed home."],
        ),
        ("¿Quién pagará? Nadie lo sabe.", ["¿Quién pagará?", "Nadie lo sabe."]),
        (
            "La obra costó 3.000 euros. 15 vecinos la pagaron.",
            ["La obra costó 3.000 euros.", "15 vecinos la pagaron."],
        ),
        # the closing mark ends the sentence with the period, on either side of it
        ("Lo dijo: «Se acabó». Después se fue.", ["Lo dijo: «Se acabó».", "Después se fue."]),
        ('She said: "It is over." Then she left.', ['She said: "It is over."', "Then she left."]),
        # an agency dateline closed by a dash
        ("Lima, 3 abr (EFE).- El Congreso votó hoy.", ["Lima, 3 abr (EFE).-", "El Congreso votó hoy."]),
        # a list's numbers open their sentences
        ("1. Primera medida. 2. Segunda medida.", ["1. Primera medida.", "2. Segunda medida."]),
        # a line break always ends a sentence
        ("Titular sin punto\nEl cuerpo empieza aquí.", ["Titular sin punto", "El cuerpo empieza aquí."]),
        # a quotation left open in its paragraph is cut like prose
        (
            "«Hemos esperado diez años. No esperaremos más.",
            ["«Hemos esperado diez años.", "No esperaremos más."],
        ),
        ("東京で会見があった。首相が発表した。", ["東京で会見があった。", "首相が発表した。"]),
    ],
)
def test_sentences(text, expected):
    assert split_sentences(text) == expected


def test_spans_index_the_text_and_leave_whitespace_out():
    text = "  Primera frase.   Segunda frase. \n\n  Tercera  \n"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Primera frase.", "Segunda frase.", "Tercera"]
    assert sentence_spans(" \n \n") == []


def test_quotes_balanced():
    assert quotes_balanced("«Se acabó», dijo. “Ya”.") and quotes_balanced("Sin comillas.")
    assert not quotes_balanced("«Hemos esperado diez años.") and not quotes_balanced('"We waited.')


def test_the_aligner_splits_with_the_shared_splitter():
    assert dedup_split("El Sr. Pardo llegó a EE.UU. el lunes. Luego habló.\n-") == [
        "El Sr. Pardo llegó a EE.UU. el lunes.",
        "Luego habló.",
    ]


def test_hostile_runs_of_marks_cost_one_pass():
    # a run of n marks with no space after once cost n²/2 regex steps (minutes for 100,000)
    started = time.process_time()
    assert split_sentences("." * 100_000 + " Fin.") == ["." * 100_000, "Fin."]
    assert len(split_sentences("«Sí. " * 20_000)) == 20_000
    assert time.process_time() - started < 2.0
