"""The gazetteer data and its spaCy ruler, on sentences written for these tests."""

from __future__ import annotations

import re

import pytest

from crisol.annotate.gazetteer import RESOURCES, load_gazetteer
from crisol.annotate.nlp import load


@pytest.fixture(scope="session")
def es():
    return load("es")


@pytest.fixture(scope="session")
def en():
    return load("en")


def ents(nlp, text):
    return [(e.text, e.label_, e.kb_id_) for e in nlp(text).ents]


def gazetteer_ents(nlp, text):
    return {e.text: e.kb_id_ for e in nlp(text).ents if e.kb_id_}


@pytest.mark.parametrize(
    "lang, name, label, country",
    [
        ("es", "Pionyang", "LOC", "PRK"),
        ("es", "Moscú", "LOC", "RUS"),
        ("es", "Corea del Norte", "LOC", "PRK"),
        ("es", "EE.UU.", "LOC", "USA"),
        ("en", "Pyongyang", "LOC", "PRK"),
        ("en", "Moscow", "LOC", "RUS"),
        ("en", "North Korea", "LOC", "PRK"),
        ("es", "KCNA", "ORG", "PRK"),
        ("es", "ONU", "ORG", None),
        ("en", "NATO", "ORG", None),
        ("es", "Serguéi Shoigú", "PER", "RUS"),
        ("en", "Sergei Shoigu", "PER", "RUS"),
    ],
)
def test_lookup_gives_label_and_country(lang, name, label, country):
    entry = load_gazetteer(lang).lookup(name)
    assert entry is not None, name
    assert (entry.label, entry.country) == (label, country)


def test_same_city_has_one_canonical_name_across_languages():
    assert load_gazetteer("es").lookup("Moscú").canonical == load_gazetteer("en").lookup("Moscow").canonical
    assert load_gazetteer("es").lookup("Pionyang").key == load_gazetteer("en").lookup("Pyongyang").key


def test_people_carry_roles():
    assert load_gazetteer("es").lookup("Serguéi Lavrov").role == "foreign-minister"
    assert load_gazetteer("en").lookup("Vladimir Putin").role == "head-of-state"
    assert load_gazetteer("es").lookup("EFE").role == "agency"


def test_demonyms_are_norp_with_country():
    entry = load_gazetteer("es").lookup("norcoreanos")
    assert (entry.label, entry.country) == ("NORP", "PRK")


def test_ambiguous_place_names_are_gated():
    gated = load_gazetteer("es").gated
    assert {"Victoria", "Santiago", "Vladimir"} <= gated
    assert "Moscú" not in gated and "Pionyang" not in gated


def test_ruler_tags_known_cities_before_ner(es):
    found = gazetteer_ents(es, "Los dos dirigentes firmaron el acuerdo en Pionyang y luego viajaron a Moscú.")
    assert found["Pionyang"].startswith("city:") and found["Moscú"].startswith("city:")


def test_ruler_english(en):
    found = gazetteer_ents(en, "Sergei Shoigu flew to Pyongyang on Wednesday, the Kremlin said.")
    assert found["Sergei Shoigu"] == "person:Sergei Shoigu"
    assert found["Pyongyang"].startswith("city:")


def test_stoplisted_city_needs_place_context(es):
    person = gazetteer_ents(es, "Vladímir Putin recibió ayer a los embajadores europeos.")
    assert person == {"Vladímir Putin": "person:Vladimir Putin"}
    unknown_person = es("Vladimir Kuznetsov, portavoz del club, no quiso comentar la derrota.")
    assert not any(e.kb_id_.startswith("city:") for e in unknown_person.ents)
    place = gazetteer_ents(es, "La fábrica está en la ciudad rusa de Vladimir, al este de la capital.")
    assert place["Vladimir"].startswith("city:")
    assert load_gazetteer("es").entries[place["Vladimir"]].country == "RUS"
    in_brackets = gazetteer_ents(es, "El festival se celebrará en agosto cerca de Vladimir (Rusia).")
    assert "Vladimir" in in_brackets


def test_place_inside_a_longer_name_is_left_to_ner(es):
    found = gazetteer_ents(es, "El Real Madrid ganó al Atlético por dos goles a cero.")
    assert "Madrid" not in found
    found = gazetteer_ents(es, "La Universidad de Chile abrió el curso con un acto público.")
    assert "Chile" not in found


def test_glued_agency_credit_is_split(es):
    doc = es("Un soldado camina entre las ruinas en UcraniaAFP\nEl frente sigue estable.")
    assert [t.text for t in doc[7:10]] == ["Ucrania", "AFP", "\n"]
    assert gazetteer_ents(es, doc.text)["AFP"] == "org:Agence France-Presse"


def test_demonyms_go_to_their_own_span_group(es):
    doc = es("El ministro ruso habló con su homólogo norcoreano.")
    assert [s.text for s in doc.spans["demonyms"]] == ["ruso", "norcoreano"]
    assert not any(e.label_ == "NORP" for e in doc.ents)


def test_data_files_are_well_formed():
    iso3 = re.compile(r"^[A-Z]{3}$")
    for lang in ("es", "en"):
        gaz = load_gazetteer(lang)
        assert len(gaz.names) > 10_000
        for entry in gaz.entries.values():
            assert entry.label in {"PER", "ORG", "LOC", "NORP"}, entry
            assert entry.canonical, entry
            assert entry.country is None or iso3.match(entry.country), entry
    for name in (
        "countries.tsv",
        "regions.tsv",
        "cities.tsv",
        "city_exonyms.tsv",
        "country_aliases.tsv",
        "demonyms.tsv",
        "organizations.jsonl",
        "people.jsonl",
        "first_names.txt",
    ):
        assert (RESOURCES / "common" / name).read_text(encoding="utf-8").strip(), name


def test_function_word_that_is_also_a_place_name_is_not_tagged(es):
    # "Para" is also a city name in GeoNames; at a sentence start it is the preposition.
    found = gazetteer_ents(es, "Para el Gobierno, la medida es urgente y necesaria.")
    assert "Para" not in found


def test_person_named_like_a_city_is_not_a_place(es):
    found = gazetteer_ents(es, "Victoria Ramírez, portavoz del sindicato, pidió calma.")
    assert not any(k.startswith("city:") for k in found.values())


def test_curated_exonyms_and_filtered_alternates():
    es = load_gazetteer("es")
    assert es.lookup("Járkov").country == "UKR" and es.lookup("Cantón").canonical == "Guangzhou"
    assert es.lookup("Minga") is None  # a GeoNames alternate of Munich that is a Spanish word


def test_agency_credit_in_brackets_after_dateline(es):
    found = gazetteer_ents(es, "MADRID, 3 jun (EFE).- El Gobierno aprobó ayer la nueva ley de vivienda.")
    assert found.get("EFE") == "org:EFE"
