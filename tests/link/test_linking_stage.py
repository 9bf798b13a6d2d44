"""The link stage end to end: ingest real files, then check stories and relations."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crisol.service.runner import ingest
from crisol.store import open_store
from crisol.store.link import LinkStore


def _stories(store) -> list[set[str]]:
    return [set(s.articles) for s in LinkStore(store).list_stories(limit=100).data]


def _by_source(store) -> dict[str, str]:
    return {
        a.id: Path(a.source).name + (f"#{a.location}" if a.location else "") for a in store.iter_articles()
    }


@pytest.fixture(scope="module")
def examples_store(examples_url):
    with open_store(examples_url) as store:
        yield store


def test_examples_group_into_their_three_stories(examples_store):
    names = _by_source(examples_store)
    groups = sorted(sorted(names[i] for i in g) for g in _stories(examples_store))
    sizes = sorted(len(g) for g in groups)
    assert sizes == [3, 3, 6], groups
    # the two visits to Lima (Spain's in October, Germany's in November) stay apart
    spain = next(g for g in groups if any("espana-peru" in n for n in g))
    germany = next(g for g in groups if any("alemania-agua" in n for n in g))
    assert spain != germany


def test_examples_rewrite_and_exact_copy_are_found(examples_store):
    links = LinkStore(examples_store)
    names = _by_source(examples_store)
    rels = links.relations_among(list(names))
    kinds = {(names[r["a"]], names[r["b"]], r["kind"]) for r in rels}
    assert any(k == "duplicate" for *_, k in kinds)
    rewrites = [(a, b) for a, b, k in kinds if k == "rewrite"]
    assert any(
        "espana-peru-reconstruccion" in a and ("cronica-global" in b or "warc" in b) for a, b in rewrites
    ), kinds


@pytest.mark.slow
def test_seeds_form_two_stories_in_any_order(shared, tmp_path):
    seeds = sorted((shared / "seeds").glob("*.txt"))
    rng = random.Random(7)
    for n in range(2):
        order = seeds[:]
        rng.shuffle(order)
        store = open_store(str(tmp_path / f"seeds{n}.db"))
        for path in order:  # one at a time: each arrives after the others were linked
            ingest([str(path)], store)
        names = _by_source(store)
        groups = sorted(sorted(names[i][:3] for i in g) for g in _stories(store))
        assert groups == [["000", "002", "003", "004"], ["001"]], (order, groups)
        rels = LinkStore(store).relations_among(list(names))
        found = {(names[r["a"]][:3], names[r["b"]][:3], r["kind"]) for r in rels}
        assert ("000", "004", "rewrite") in found, (order, found)  # 004 rewrites 000, whatever came first
