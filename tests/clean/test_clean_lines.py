"""The line classifier on hand-written scraped articles (tests/fixtures/clean/*.txt)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crisol.clean.lines import byline_name, classify_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"
ARTICLES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


def _expected(name: str) -> dict[int, tuple[str, str]]:
    with (FIXTURES / f"{name}.expected.tsv").open(encoding="utf-8", newline="") as f:
        return {int(r["line"]): (r["label"], r["reason"]) for r in csv.DictReader(f, delimiter="\t")}


@pytest.mark.parametrize("name", ARTICLES)
def test_fixture_lines_match_hand_annotation(name):
    decisions = {d.line: d for d in classify_lines((FIXTURES / f"{name}.txt").read_text(encoding="utf-8"))}
    expected = _expected(name)
    assert {n for n, d in decisions.items() if d.text} == set(expected), "every non-blank line is annotated"
    for line, (label, reason) in expected.items():
        got = decisions[line]
        assert got.keep == (label == "keep"), (
            f"{name}:{line} {got.text!r}: expected {label}, got {got.reason}"
        )
        if label == "remove":
            assert got.reason == reason, f"{name}:{line} {got.text!r}"


def _reasons(text: str, title: str | None = None) -> list[tuple[bool, str]]:
    return [(d.keep, d.reason) for d in classify_lines(text, title=title) if d.text]


BODY = "El gobierno regional anunció ayer un plan de inversiones para modernizar los hospitales públicos."


def test_body_sentence_starting_like_a_byline_is_kept():
    text = f"Plan sanitario en la región\n{BODY}\nPor su parte, la oposición criticó que el plan llegue tarde y sin fondos suficientes."
    assert _reasons(text)[-1] == (True, "body")


def test_sentence_starting_with_a_network_name_is_kept():
    text = f"Redes sociales y elecciones\n{BODY}\nFacebook anunció que etiquetará los anuncios políticos durante toda la campaña."
    assert _reasons(text)[-1] == (True, "body")


def test_glued_agency_credit_makes_a_caption():
    text = f"Protestas en la capital\n{BODY}\nManifestantes frente al Congreso durante la marcha del martesAFP\n{BODY}"
    assert _reasons(text)[2] == (False, "caption")


def test_credit_glued_to_a_long_paragraph_is_cut_not_the_paragraph():
    para = (
        "El ministro explicó que las obras comenzarán en enero y durarán dos años, con un presupuesto "
        "que se revisará cada seis meses ante el Congreso.Foto: Juan Pérez"
    )
    decisions = [d for d in classify_lines(f"Obras en la autopista\n{BODY}\n{para}") if d.text]
    assert decisions[2].keep and decisions[2].text.endswith("ante el Congreso.")
    assert decisions[2].trimmed == "Foto: Juan Pérez"


def test_subheading_between_paragraphs_is_kept():
    text = f"Plan sanitario en la región\n{BODY}\nMás camas y más médicos\n{BODY.replace('ayer', 'hoy')}"
    assert _reasons(text)[2] == (True, "subheading")


def test_lone_number_and_short_list_of_article_lines_are_not_headline_lists():
    # one "1" / line pair is not a list of other articles: only the number goes
    text = f"Plan sanitario en la región\n{BODY}\n1\nPrimera fase del plan de obras\n{BODY.replace('ayer', 'hoy')}"
    reasons = _reasons(text)
    assert reasons[2] == (False, "numbering") and reasons[3][0] is True


def test_article_list_introduced_by_colon_is_not_trailing_links():
    text = (
        f"Los candidatos confirmados\n{BODY}\nEstos son los nombres confirmados por el partido:\n"
        "Ana María López García para la alcaldía central\nPedro José Ruiz Martínez para la gobernación norte"
    )
    assert all(keep for keep, _ in _reasons(text))


def test_title_from_metadata_is_kept_once_and_repeats_removed():
    title = "Chile y Perú firman un acuerdo portuario"
    text = f"{title}\n{BODY}\n{title}\n{BODY.replace('ayer', 'hoy')}"
    assert _reasons(text, title=title) == [
        (True, "title"),
        (True, "standfirst"),
        (False, "repeated-headline"),
        (True, "body"),
    ]


def test_only_boilerplate_keeps_nothing():
    text = "Publicidad\nCompartir en Facebook\nSíguenos en Twitter\nFoto: EFE"
    assert not any(keep for keep, _ in _reasons(text))


@pytest.mark.parametrize(
    "line, name",
    [
        ("Por Canal 9 Noticias", "Canal 9 Noticias"),
        ("By JANE DOE", "JANE DOE"),
        ("Por la mañana, hubo protestas.", None),
        ("By the end of the year", None),
    ],
)
def test_byline_name(line, name):
    assert byline_name(line) == name


def test_unknown_motto_before_the_headline_is_a_masthead():
    # no cue list knows this motto: it is short, shares no word with the article, and a longer
    # headline follows it before the first paragraph
    text = (
        "Periodismo libre cada mañana\n"
        "Plan sanitario para modernizar los hospitales de la región\n"
        f"{BODY}\n{BODY.replace('ayer', 'hoy')}"
    )
    assert _reasons(text)[:2] == [(False, "masthead"), (True, "title")]


def test_short_headline_sharing_words_with_the_article_is_the_title():
    text = (
        "Plan para los hospitales\n"
        "El gobierno regional invertirá en modernizar sus centros de salud\n"
        f"{BODY}\n{BODY.replace('ayer', 'hoy')}"
    )
    assert _reasons(text)[0] == (True, "title")


def test_caption_with_named_photo_credit_in_brackets():
    text = (
        "Harbour reopens after storm repairs\n"
        "The harbour reopened on Monday after three weeks of repairs to the breakwater and the docks.\n"
        "Workers inspect the new breakwater in the outer harbour on Sunday. (AP Photo/Jane Roe)\n"
        "Fishing crews said they had lost most of the autumn season to the closure."
    )
    assert _reasons(text)[2] == (False, "caption")


def test_agency_signature_after_a_paragraph_is_cut_not_the_paragraph():
    para = (
        "Los magistrados avalaron los argumentos del Gobierno sobre la ley aprobada por el Congreso en marzo."
    )
    decisions = [d for d in classify_lines(f"Fallo del tribunal\n{BODY}\n{para} // EFE") if d.text]
    assert decisions[2].keep and decisions[2].text == para and decisions[2].trimmed == "// EFE"
