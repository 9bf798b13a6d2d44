"""A bare family name takes the identity of the person the article names in full."""

from crisol.annotate.mentions import resolve_short_forms
from crisol.model import Mention


def test_surname_that_is_also_a_city_follows_the_person_named_in_full():
    ms = [
        Mention("Álvaro Medina", "PER", 0, 13, 0),
        Mention("Medina", "LOC", 40, 46, 1, canonical="Madinah", country="SAU", source="gazetteer"),
    ]
    out = resolve_short_forms(ms)[1]
    assert (out.label, out.canonical, out.country) == ("PER", "Álvaro Medina", None)


def test_a_place_that_is_only_a_given_name_stays_a_place():
    ms = [
        Mention("Santiago Peña", "PER", 0, 13, 0),
        Mention("Santiago", "LOC", 40, 48, 1, canonical="Santiago", country="CHL", source="gazetteer"),
    ]
    assert resolve_short_forms(ms)[1].label == "LOC"
