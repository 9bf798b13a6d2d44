"""Event actors read back with the registry's entity and country."""

from __future__ import annotations

from crisol.model import Actor, Event
from crisol.store.queries import link_actors


def _event(source: Actor, target: Actor | None = None) -> Event:
    return Event("CONSULT", "meet", source, target, 0, "La ministra se reunió con su homólogo.", "reunió")


def test_an_actor_takes_its_mention_entity_and_the_registry_country():
    e = link_actors(
        _event(Actor("Ana Ruiz", sector="GOV"), Actor("Luis Soto", country="CHL")),
        {"ana ruiz": "per:ana-ruiz", "luis soto": "per:luis-soto"},
        {"per:ana-ruiz": "ESP", "per:luis-soto": "ARG"},
    )
    assert (e.source.entity_id, e.source.country, e.source.sector) == ("per:ana-ruiz", "ESP", "GOV")
    # a country the article itself gives is kept
    assert (e.target.entity_id, e.target.country) == ("per:luis-soto", "CHL")


def test_an_unknown_actor_stays_as_the_text_gives_it():
    e = link_actors(_event(Actor("Marta Gil")), {}, {"per:other": "FRA"})
    assert e.source.entity_id is None and e.source.country is None
