"""`crisol bench events`: readers on hand-written files, and the quality gate on the real sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisol.bench import events as bench
from crisol.model import Actor

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "events"


@pytest.fixture(scope="module")
def table():
    return bench.load_cameo_map(FIX / "cameo2plover_sample.txt")


def test_cameo_codes_map_by_longest_prefix(table):
    assert bench.cameo_to_plover("042", table) == "CONSULT"
    assert bench.cameo_to_plover("193_fight_small_arms", table) == "ASSAULT"  # via "19"
    assert bench.cameo_to_plover("010", table) is None  # statements are not PLOVER events
    assert bench.cameo_to_plover("xyz", table) is None


def test_actor_codes_split_country_and_sectors():
    assert bench.parse_actor_code("COLGOVELI") == bench.GoldActor("COL", ("GOV", "ELI"))
    assert bench.parse_actor_code("~CVL") == bench.GoldActor(None, ("CVL",))
    assert bench.parse_actor_code("---COP") == bench.GoldActor(None, ("COP",))
    assert bench.parse_actor_code("") is None


def test_petrarch_xml_is_read_despite_banners(table):
    gold = bench.read_gold(FIX / "gold_petrarch.xml", table)
    assert [g.id for g in gold] == ["T1", "T2", "T3"]
    assert [e.type for e in gold[0].events] == ["CONSULT"]
    assert gold[1].events == [] and gold[1].language == "en"
    assert gold[2].events[0].type == "PROTEST"  # the file's own PLOVER code wins
    assert gold[2].events[0].sources == [bench.GoldActor(None, ("LAB",))]


def test_jsonl_strips_record_prefix(table):
    gold = bench.read_gold(FIX / "gold_petrarch.jsonl", table)
    assert gold[0].text.startswith("Guerrilleros atacaron")
    assert gold[0].language == "es"
    assert gold[0].events[0].targets == [bench.GoldActor("COL", ("MIL",))]


def test_plover_records_normalise_old_categories(table):
    gold = bench.read_gold(FIX / "gold_plover.json", table)
    assert [e.type for g in gold for e in g.events] == ["AGREE", "ASSAULT"]
    assert gold[1].events[0].sources == [bench.GoldActor("FRA", ("COP",))]


def test_a_short_sentence_takes_the_language_of_its_file(tmp_path, table):
    rows = [
        {"id": "a", "text": "Los soldados atacaron el puesto de la policía en la frontera.", "events": []},
        {"id": "b", "text": "Milicianos dieron muerte a un campesino.", "events": []},  # no function word
    ]
    path = tmp_path / "es.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert [g.language for g in bench.read_gold(path, table)] == ["es", "es"]


def test_gold_actor_text_is_kept_for_actor_accuracy(table):
    gold = bench.read_gold(FIX / "gold_petrarch.jsonl", table)
    assert gold[0].events[0].sources[0].text  # the words naming the source, from sourcetext


def test_same_actor_by_shared_name_word_or_agreeing_code():
    rebels = bench.GoldActor("COL", ("REB",), "Guerrilleros del Frente 5 de las FARC")
    assert bench.same_actor(Actor("FARC", country="COL", sector="REB"), rebels)
    assert bench.same_actor(Actor("los insurgentes", country="COL", sector="REB"), rebels)  # the code
    assert not bench.same_actor(Actor("la policía", country="COL", sector="COP"), rebels)
    assert not bench.same_actor(None, rebels)
    assert not bench.same_actor(Actor("Perú", country="PER"), bench.GoldActor(None, (), "los campesinos"))


def test_sentences_fall_in_fixed_halves():
    halves = {bench.split_of(f"s{n}") for n in range(20)}
    assert halves == {"dev", "heldout"}
    assert bench.split_of("s1") == bench.split_of("s1")


def test_unknown_format_is_refused(tmp_path, table):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n")
    with pytest.raises(Exception, match="x.csv"):
        bench.read_gold(bad, table)


def test_scores_hand_written_sets(table):
    paths = [FIX / "gold_petrarch.xml", FIX / "gold_petrarch.jsonl", FIX / "gold_plover.json"]
    results, rows = bench.evaluate(paths, FIX / "cameo2plover_sample.txt")
    assert set(results) == {"gold_petrarch", "gold_petrarch.jsonl", "gold_plover"}
    assert all(0.0 <= m["f1"] <= 1.0 for m in results.values())
    assert len(rows) == 7


@pytest.mark.shared
def test_bench_events_meets_floors(shared):
    gold = shared / bench.GOLD
    paths = [gold / f for f in bench.DEFAULT_FILES if (gold / f).is_file()]
    results, _ = bench.evaluate(paths, gold / bench.MAPPING)
    for dataset, floors in bench.FLOORS.items():
        assert dataset in results, f"{dataset} was not scored"
        for name, floor in floors.items():
            value = results[dataset][name]
            assert value is not None and value >= floor, f"{dataset} {name} {value} < {floor}"
