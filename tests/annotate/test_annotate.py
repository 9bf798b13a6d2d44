"""annotate(): routing, mentions, junk filter, person fixes, short forms, degraded languages.

All texts are written for these tests.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from spacy.tokens import Span

from crisol.annotate import Component, annotate, check_order
from crisol.annotate.gazetteer import load_gazetteer
from crisol.annotate.mentions import fix_person, is_junk, trim
from crisol.annotate.nlp import load
from crisol.model import Article

ES_TEXT = (
    "Moscú y Pionyang reforzaron su alianza\n"
    "El ministro de Defensa ruso, Andréi Belousov, llegó este martes a Pionyang, donde fue recibido "
    "por Kim Jong-un, según la agencia estatal KCNA. Según Reuters, ambos hablaron durante dos horas. "
    'Kim prometió "apoyo total" a Moscú. También asistió el viceministro Alexéi Krivorúchko. '
    "Belousov regresará a Rusia el jueves."
)
EN_TEXT = (
    "Russian Security Council secretary Sergei Shoigu arrived in Pyongyang on Wednesday, "
    "North Korean state media said. Shoigu met Kim Jong Un, according to Yonhap."
)


def article(text: str, language: str | None = "es") -> Article:
    return Article(
        id="t",
        source="test",
        raw=text.encode(),
        raw_format="text",
        text=text,
        language=language,
        published=datetime(2025, 6, 3, tzinfo=timezone.utc),
    )


@pytest.fixture(scope="session")
def es_article() -> Article:
    return annotate(article(ES_TEXT))


def by_text(a: Article) -> dict:
    return {m.text: m for m in a.mentions}


def test_text_unchanged_and_offsets_exact(es_article):
    assert es_article.text == ES_TEXT
    for m in es_article.mentions:
        assert ES_TEXT[m.start : m.end] == m.text
        s = es_article.sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end
    for s in es_article.sentences:
        assert ES_TEXT[s.start : s.end] == s.text and s.text == s.text.strip()


def test_headline_is_its_own_sentence(es_article):
    assert es_article.sentences[0].text == "Moscú y Pionyang reforzaron su alianza"


def test_places_get_country(es_article):
    ms = by_text(es_article)
    assert (ms["Pionyang"].label, ms["Pionyang"].country) == ("LOC", "PRK")
    assert (ms["Moscú"].label, ms["Moscú"].country, ms["Moscú"].source) == ("LOC", "RUS", "gazetteer")


def test_known_people_and_media(es_article):
    ms = by_text(es_article)
    assert (ms["Andréi Belousov"].country, ms["Andréi Belousov"].role) == ("RUS", "defence-minister")
    assert (ms["KCNA"].label, ms["KCNA"].role) == ("ORG", "state-media")
    assert ms["Reuters"].label == "ORG"


def test_short_form_takes_full_name(es_article):
    kims = [m for m in es_article.mentions if m.text == "Kim"]
    assert kims and all(m.canonical == "Kim Jong-un" and m.country == "PRK" for m in kims)


def test_junk_spans_are_dropped(es_article):
    texts = [m.text for m in es_article.mentions]
    assert not any(t.split()[0] in {"Según", "También", "El", "Durante"} for t in texts), texts


def test_unknown_surname_after_given_name_is_a_person(es_article):
    assert by_text(es_article)["Alexéi Krivorúchko"].label == "PER"


def test_demonym_mentions(es_article):
    norp = [m for m in es_article.mentions if m.label == "NORP"]
    assert norp and norp[0].text == "ruso" and norp[0].country == "RUS"


def test_analysis_recorded(es_article):
    assert es_article.analysis == "full" or es_article.analysis.startswith("partial: ")
    assert "no analysis model" not in es_article.analysis


def test_english_article():
    a = annotate(article(EN_TEXT, "en"))
    ms = by_text(a)
    assert (ms["Sergei Shoigu"].label, ms["Sergei Shoigu"].country) == ("PER", "RUS")
    assert ms["Shoigu"].canonical == "Sergei Shoigu"
    assert (ms["Pyongyang"].label, ms["Pyongyang"].country) == ("LOC", "PRK")
    assert ms["Yonhap"].role == "agency"
    assert not any(m.text.startswith("the ") for m in a.mentions)


def test_language_without_model_degrades_and_says_so():
    text = "Der Außenminister reiste nach Pjöngjang. Dort traf er Kim Jong-un."
    a = annotate(article(text, "de"))
    assert a.text == text
    assert [s.text for s in a.sentences] == [
        "Der Außenminister reiste nach Pjöngjang.",
        "Dort traf er Kim Jong-un.",
    ]
    assert a.mentions == [] and a.quotes == [] and a.events == []
    assert a.analysis.startswith("partial: no analysis model for 'de'; sentences only")


def test_missing_language_degrades():
    a = annotate(article("Un texto sin idioma detectado.", None))
    assert "language unknown" in a.analysis and len(a.sentences) == 1


def test_regional_language_code_is_routed():
    a = annotate(article("El canciller viajó a Pionyang.", "es-ES"))
    assert "no analysis model" not in a.analysis and by_text(a)["Pionyang"].country == "PRK"


def test_reannotating_does_not_duplicate(es_article):
    again = annotate(article(ES_TEXT))
    assert len(again.mentions) == len(es_article.mentions)


# Units of the post-processing, on spans labelled by hand ---------------------------------------


@pytest.fixture(scope="session")
def es_nlp():
    return load("es")


def span_of(nlp, text, words, label="MISC"):
    doc = nlp(text)
    first = [t.text for t in doc].index(words.split()[0])
    return Span(doc, first, first + len(nlp.make_doc(words)), label=label)


@pytest.mark.parametrize(
    "text, name",
    [
        ("Ayer habló el ministro ruso Arkadi Dvorkóvichú sobre el gas.", "Arkadi Dvorkóvichú"),
        ("Lo confirmó el secretario Pável Zhiganú en la rueda de prensa.", "Pável Zhiganú"),
        ("La reunión la presidió Serguéi Ribakó sin incidentes.", "Serguéi Ribakó"),
    ],
)
def test_misc_surname_in_u_or_o_becomes_person(es_nlp, text, name):
    span = span_of(es_nlp, text, name)
    assert fix_person(span, "MISC", load_gazetteer("es")) == "PER"


def test_fix_person_leaves_other_names_alone(es_nlp):
    span = span_of(es_nlp, "El acuerdo se firmó en la Cumbre Ártica del lunes.", "Cumbre Ártica")
    assert fix_person(span, "MISC", load_gazetteer("es")) == "MISC"


@pytest.mark.parametrize(
    "text, words",
    [
        ("Presidente de la comisión, dijo.", "Presidente"),
        ("Durante la mañana llovió.", "Durante la"),
    ],
)
def test_junk_filter(es_nlp, text, words):
    gaz = load_gazetteer("es")
    span = trim(span_of(es_nlp, text, words), gaz)
    assert span is None or is_junk(span, gaz)


def test_trim_keeps_article_of_known_names(es_nlp):
    gaz = load_gazetteer("es")
    assert trim(span_of(es_nlp, "Viajó a El Salvador ayer.", "El Salvador", "LOC"), gaz).text == "El Salvador"
    assert trim(span_of(es_nlp, "Según Reuters, hubo daños.", "Según Reuters", "ORG"), gaz).text == "Reuters"


def test_ambiguous_short_form_is_left_alone():
    a = annotate(article("Kim Jong-un y Kim Yo-jong visitaron la fábrica. Kim sonrió a la prensa."))
    last = [m for m in a.mentions if m.text == "Kim"]
    assert all(m.canonical in (None, "Kim") for m in last)


def test_component_order_is_checked():
    def noop(work):
        return None

    with pytest.raises(ValueError, match="requires \\['mentions'\\]"):
        check_order(
            [
                Component("quotes", ("mentions",), ("quotes",), noop),
                Component("parse", ("text",), ("mentions",), noop),
            ]
        )


# crisol analyze ----------------------------------------------------------------------------------


def test_cli_analyze_json(tmp_path):
    import json

    from typer.testing import CliRunner

    from crisol.cli import app

    path = tmp_path / "nota.txt"
    path.write_text(
        "El canciller ruso, Serguéi Lavrov, llegó el martes a Pionyang para reunirse "
        "con Kim Jong-un. Lavrov dijo que la visita fue un éxito.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["analyze", "--format", "json", "--language", "es", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"entities", "quotes", "events", "dates", "sentences", "title", "language", "analysis"} <= set(
        data
    )
    found = {e["text"]: e for e in data["entities"]}
    assert found["Pionyang"]["country"] == "PRK" and found["Lavrov"]["canonical"] == "Sergei Lavrov"
    text = CliRunner().invoke(app, ["analyze", "--language", "es", str(path)])
    assert text.exit_code == 0 and "Pyongyang" in text.stdout


def test_cli_analyze_missing_file_is_rejected(tmp_path):
    from typer.testing import CliRunner

    from crisol.cli import app

    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0


def test_portfolio_after_minister_is_an_organisation(es_nlp):
    from crisol.annotate.mentions import fix_label

    span = span_of(es_nlp, "Habló el ministro de Exteriores ayer.", "Exteriores", "LOC")
    assert fix_label(span, "LOC", load_gazetteer("es")) == "ORG"
    place = span_of(es_nlp, "Habló el ministro en Pionyang ayer.", "Pionyang", "LOC")
    assert fix_label(place, "LOC", load_gazetteer("es")) == "LOC"


def test_capitalised_dateline_city_is_recognised():
    a = annotate(article("MOSCÚ, 3 jun (EFE).- El Kremlin anunció una nueva ronda de contactos."))
    moscow = [m for m in a.mentions if m.text == "MOSCÚ"]
    assert moscow and moscow[0].country == "RUS" and moscow[0].label == "LOC"


@pytest.mark.parametrize(
    "text, words, label",
    [
        ("Víctimas de la riada piden ayuda al Gobierno.", "Víctimas", "LOC"),
        ("Específicamente, el informe señala fallos.", "Específicamente", "PER"),
        ("Lo dijo la SALUD pública.", "SALUD", "ORG"),
    ],
)
def test_sentence_initial_or_shouted_common_words_are_junk(es_nlp, text, words, label):
    gaz = es_nlp.get_pipe("crisol_gazetteer").gaz  # with the model's common words
    span = trim(span_of(es_nlp, text, words, label), gaz)
    assert span is None or is_junk(span, gaz)


def test_trailing_words_are_trimmed(es_nlp):
    gaz = load_gazetteer("es")
    assert (
        trim(span_of(es_nlp, "Dijo que Victoria habló ayer.", "Victoria habló", "PER"), gaz).text
        == "Victoria"
    )


def test_agency_dateline():
    a = annotate(article("MADRID, 3 jun (EFE).- El Gobierno aprobó ayer la nueva ley de vivienda."))
    found = {m.text: m for m in a.mentions}
    assert found["EFE"].role == "agency" and found["MADRID"].country == "ESP"
    assert found["Gobierno"].label == "ORG" and "3 jun" not in found
    assert found["Gobierno"].source in ("ner", "rule")  # "rule" when the model said LOC


def test_namesake_of_a_known_official_is_not_confused():
    a = annotate(
        article("El tenista Andrei Medvedev ganó en Roma. Medvedev celebró el título con su equipo.")
    )
    medvedevs = [m for m in a.mentions if "Medvedev" in m.text]
    assert medvedevs and all((m.canonical or m.text) == "Andrei Medvedev" for m in medvedevs), medvedevs
    assert all(m.role is None for m in medvedevs)


# The reference articles in ../shared/seeds (read at run time, never copied) ---------------------


@pytest.fixture(scope="module")
def seeds(shared):
    paths = sorted((shared / "seeds").glob("*.txt"))
    if not paths:
        pytest.skip("no seed articles")
    out = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        out.append(
            annotate(
                Article(
                    id=path.stem,
                    source=str(path),
                    raw=text.encode(),
                    raw_format="text",
                    text=text,
                    language="es",
                )
            )
        )
    return out


@pytest.mark.shared
def test_seed_offsets_exact_and_text_kept(seeds, shared):
    for a in seeds:
        assert a.text == (shared / "seeds" / f"{a.id}.txt").read_text(encoding="utf-8")
        assert "no analysis model" not in a.analysis
        for m in a.mentions:
            assert a.text[m.start : m.end] == m.text, (a.id, m)


@pytest.mark.shared
def test_seed_places_and_officials_are_identified(seeds):
    for a in seeds:
        for m in a.mentions:
            if m.text in ("Pionyang", "Corea del Norte"):
                assert (m.label, m.country) == ("LOC", "PRK"), (a.id, m)
            if m.text in ("Moscú", "Rusia"):
                assert (m.label, m.country) == ("LOC", "RUS"), (a.id, m)
        persons = [m for m in a.mentions if m.label == "PER" and m.role]
        assert persons, a.id  # every seed names at least one known official


@pytest.mark.shared
def test_seed_mentions_have_no_sentence_initial_junk(seeds):
    junk = {"Según", "También", "Durante", "Aunque", "El", "La", "Los", "Las"}
    for a in seeds:
        for m in a.mentions:
            assert m.text.split()[0] not in junk or m.canonical, (a.id, m.text)


def test_acronym_defined_in_the_article_takes_the_full_name():
    a = annotate(
        article(
            "La Agencia Federal de Investigación (AFI) detuvo a tres sospechosos en Monterrey. "
            "Según la AFI, la operación duró dos días."
        )
    )
    afis = [m for m in a.mentions if m.text == "AFI"]
    assert len(afis) == 2 and all(m.canonical == "Agencia Federal de Investigación" for m in afis)


@pytest.mark.parametrize(
    "lang, text, name, role, country",
    [
        (
            "es",
            "El ministro de Exteriores ruso, Serguéi Riabkov, viajó ayer a Pekín.",
            "Serguéi Riabkov",
            "foreign-minister",
            "RUS",
        ),
        (
            "es",
            "El primer ministro japonés Fumio Kishida llegó a Seúl.",
            "Fumio Kishida",
            "head-of-government",
            "JPN",
        ),
        ("es", "El presidente del club, Juan Pérez, dimitió ayer.", "Juan Pérez", None, None),
        (
            "en",
            "Chilean President Sebastián Piñera replied on Monday.",
            "Sebastián Piñera",
            "head-of-state",
            "CHL",
        ),
        (
            "en",
            "Russian Deputy Foreign Minister Sergei Ryabkov spoke to reporters.",
            "Sergei Ryabkov",
            None,
            None,
        ),
    ],
)
def test_role_and_country_from_title(lang, text, name, role, country):
    found = {m.text: m for m in annotate(article(text, lang)).mentions}
    assert (found[name].label, found[name].role) == ("PER", role)
    if role:
        assert found[name].country == country


@pytest.mark.parametrize("language", ["es", "en", "de", None])
@pytest.mark.parametrize("text", ["", "  \n ", "x"])
def test_survives_empty_and_tiny_articles(language, text):
    a = annotate(article(text, language))
    assert a.text == text and a.analysis
    assert len(a.sentences) == (1 if text.strip() else 0) and a.mentions == []
