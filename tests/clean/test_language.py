"""Language identification (crisol.clean.language) on texts written for these tests."""

from __future__ import annotations

from crisol.clean import clean
from crisol.clean.language import UNSURE, detect_language, language_sample
from crisol.model import RawArticle

BODY_ES = (
    "El alcalde presentó ayer el plan de obras para el barrio del puerto, que incluye nuevas aceras, "
    "un carril para bicicletas y la reforma del mercado municipal. Los vecinos pidieron más plazas "
    "de aparcamiento y un calendario claro para las obras, que empezarán después del verano."
)


def test_a_headline_in_capitals_does_not_decide_the_language():
    text = "EL ALCALDE PRESENTA EL PLAN DE OBRAS DEL PUERTO\n\n" + BODY_ES
    art = clean(RawArticle("caps.txt", text.encode(), "text"))
    assert art.language == "es" and art.language_score > 0.8


def test_the_body_decides_over_a_headline_in_another_language():
    # the detector used to read only the first 80 characters: the headline
    text = "Port works plan presented to residents by the mayor\n\n" + BODY_ES
    assert clean(RawArticle("mixed.txt", text.encode(), "text")).language == "es"


def test_language_sample_leaves_the_headline_out_unless_the_body_is_short():
    assert language_sample("TITULAR", f"TITULAR\n\n{BODY_ES}") == BODY_ES
    assert (
        language_sample("Titular breve", "Titular breve\n\nCuerpo corto.") == "Titular breve\nCuerpo corto."
    )


def test_short_texts_in_any_language_fasttext_knows():
    cases = {
        "ja": "大阪の市場で火事があり、三人がけがをした。",
        "ru": "В Казани открыли новый мост через реку.",
        "el": "Οι αγρότες διαμαρτυρήθηκαν έξω από το υπουργείο.",
        "pt": "Os agricultores protestaram em frente ao ministério.",
        "ca": "Els pagesos han protestat davant del departament.",
        "es": "Los agricultores protestaron frente al ministerio.",
    }
    for expected, text in cases.items():
        code, score = detect_language(text)
        assert (code, score >= UNSURE) == (expected, True), (text, code, score)


def test_capitals_read_as_their_language():
    assert detect_language("LOS AGRICULTORES PROTESTAN FRENTE AL MINISTERIO")[0] == "es"
    assert detect_language("FARMERS PROTEST OUTSIDE THE MINISTRY")[0] == "en"


def test_no_language_is_unknown_rather_than_a_guess():
    assert detect_language("10:45 - 12:30 | 2025") == (None, None)  # too few letters
    code, score = detect_language("Kim Jong-un, Putin y Lavrov")  # names only: no language to tell
    assert code is None and 0 < score < UNSURE


def test_an_unsure_text_takes_the_declared_language_if_it_is_a_candidate():
    assert detect_language("Kim Jong-un, Putin y Lavrov", declared="es-MX")[0] == "es"
    assert detect_language("Kim Jong-un, Putin y Lavrov", declared="ja")[0] is None
