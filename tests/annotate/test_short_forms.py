"""A bare family name takes the identity of the person the article names in full (and two family
names joined by a conjunction are two people)."""

from crisol.annotate.mentions import resolve_short_forms, split_coordinated
from crisol.annotate.nlp import load
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


def test_two_surnames_joined_by_a_conjunction_are_two_people():
    text = "Ana Rivas y Tomás Pellicer se reunieron. Más tarde Rivas y Pellicer firmaron el acuerdo."
    doc = load("es")(text)
    at = text.index("Rivas y Pellicer")
    mentions = [
        Mention("Ana Rivas", "PER", 0, 9, 0),
        Mention("Tomás Pellicer", "PER", 12, 26, 0),
        Mention("Rivas y Pellicer", "LOC", at, at + 16, 1),
    ]
    split = split_coordinated(mentions, doc)
    assert [(m.text, m.label, text[m.start : m.end]) for m in split[2:]] == [
        ("Rivas", "PER", "Rivas"),
        ("Pellicer", "PER", "Pellicer"),
    ]
    # a double surname is not two people: no one is named "Gasset" apart
    text = "José Ortega y Gasset escribió mucho. Ortega y Gasset murió en Madrid."
    at = text.index("Ortega y Gasset", 10)
    whole = [
        Mention("José Ortega y Gasset", "PER", 0, 20, 0),
        Mention("Ortega y Gasset", "PER", at, at + 15, 1),
    ]
    assert split_coordinated(whole, load("es")(text)) == whole
