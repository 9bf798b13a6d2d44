"""Search expands a name with the registry's spellings of its entity, says so in every face, and
``exact`` turns it off (texts written for these tests)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crisol.cli import app as cli_app
from crisol.read import InputFile, read_input
from crisol.service.runner import default_stages, prepare
from crisol.store import open_store
from crisol.store import search as fts
from crisol.store.link import LinkStore

TEXTS = [
    (
        "Pyongyang prueba un misil de corto alcance",
        "El ejército de Pyongyang lanzó el martes un misil al mar.",
    ),
    ("Nueva prueba de Pionyang", "Los medios oficiales de Pionyang mostraron el lanzamiento del cohete."),
    ("Un desfile en Piongyang", "Miles de soldados desfilaron por Piongyang ante el líder del país."),
    ("La cosecha de arroz", "Los agricultores de la provincia celebran una cosecha de arroz abundante."),
    (
        "Corea del Norte responde",
        "El gobierno de Corea del Norte respondió a las sanciones con una protesta formal.",
    ),
    ("Críticas de la RPDC", "La RPDC calificó de provocación las maniobras militares en la zona."),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("aliases") / "s.db")
    lines = "".join(
        json.dumps({"title": t, "text": f"{body} Lo informó la agencia local este fin de semana."}) + "\n"
        for t, body in TEXTS
    )
    data = lines.encode()
    stages = default_stages(analyze=False)
    articles = [prepare(r, stages) for r in read_input(InputFile("notas.jsonl", None, data, len(data)))]
    with open_store(path) as store:
        store.add_articles(articles)
        ids = [a.id for a in articles]
        LinkStore(store).save_entities(
            [
                _entity("loc-pyongyang", "Pyongyang", {"Pyongyang": 3, "Pionyang": 2, "Piongyang": 1}, ids),
                _entity("loc-rpdc", "Corea del Norte", {"Corea del Norte": 4, "RPDC": 2}, ids),
            ]
        )
        fts.catch_up(store)
    return path


def _entity(eid: str, name: str, aliases: dict[str, int], articles: list[str]) -> dict:
    return {
        "id": eid,
        "name": name,
        "type": "LOC",
        "country": None,
        "role": None,
        "aliases": aliases,
        "articles": articles,
        "merges": [],
    }


def _titles(results) -> set[str]:
    return {h.title for h in results.hits if h.kind == "article"}


def test_a_name_finds_every_spelling_of_its_entity_and_says_which(db):
    with open_store(db) as store:
        got = fts.search(store, "Pyongyang", kinds=["article"])
        exact = fts.search(store, "Pyongyang", kinds=["article"], exact=True)
    assert _titles(got) == {
        "Pyongyang prueba un misil de corto alcance",
        "Nueva prueba de Pionyang",
        "Un desfile en Piongyang",
    }
    assert [e.describe() for e in got.expansions] == [
        "also searched: Pionyang, Piongyang (same entity: Pyongyang)"
    ]
    assert _titles(exact) == {"Pyongyang prueba un misil de corto alcance"} and exact.expansions == []
    # the added spellings are marked in the snippets too
    marked = {t for h in got.hits for t, hit in h.snippet.pieces if hit}
    assert {"Pionyang", "Piongyang"} <= marked


def test_an_alias_finds_the_name_and_the_other_words_of_the_query_still_count(db):
    with open_store(db) as store:
        got = fts.search(store, "pionyang desfile", kinds=["article"])
    assert _titles(got) == {"Un desfile en Piongyang"}
    assert got.expansions[0].entity == "Pyongyang" and "Pyongyang" in got.expansions[0].spellings


def test_unquoted_words_spelling_a_name_are_searched_as_that_name(db):
    with open_store(db) as store:
        got = fts.search(store, "corea del norte", kinds=["article"])
        word = fts.search(store, "corea", kinds=["article"])
    assert _titles(got) == {"Corea del Norte responde", "Críticas de la RPDC"}
    assert got.expansions[0].describe() == "also searched: RPDC (same entity: Corea del Norte)"
    assert word.expansions == []  # one word of a name is not the name


def test_words_no_entity_is_named_by_are_searched_as_written(db):
    with open_store(db) as store:
        got = fts.search(store, "cosecha", kinds=["article"])
    assert _titles(got) == {"La cosecha de arroz"} and got.expansions == []


def test_the_cli_prints_the_expansion_and_takes_exact(db):
    runner = CliRunner()
    shown = runner.invoke(cli_app, ["--db", db, "search", "Pionyang", "--kind", "article"])
    assert shown.exit_code == 0, shown.output
    assert "also searched: Pyongyang, Piongyang (same entity: Pyongyang)" in shown.stdout
    as_json = json.loads(
        runner.invoke(cli_app, ["--db", db, "search", "Pionyang", "--format", "json"]).stdout
    )
    assert as_json["expanded"][0]["also_searched"] == ["Pyongyang", "Piongyang"]
    assert as_json["exact"] is False
    exact = json.loads(
        runner.invoke(cli_app, ["--db", db, "search", "Pionyang", "--exact", "--format", "json"]).stdout
    )
    assert exact["expanded"] == [] and exact["exact"] is True and exact["count"] < as_json["count"]


def test_the_api_and_the_web_page_say_what_was_also_searched(db):
    from fastapi.testclient import TestClient

    from crisol.api import create_app
    from crisol.web import create_web_app

    with TestClient(create_app(db, analyze=False)) as client:
        got = client.get("/api/search", params={"q": "RPDC", "kind": "article"}).json()
        exact = client.get("/api/search", params={"q": "RPDC", "kind": "article", "exact": "true"}).json()
    with TestClient(create_web_app(db)) as client:
        page = client.get("/search", params={"q": "RPDC"}).text
        page_exact = client.get("/search", params={"q": "RPDC", "exact": "true"}).text
    assert got["expanded"] == [
        {
            "term": "rpdc",
            "entity_id": "loc-rpdc",
            "entity": "Corea del Norte",
            "also_searched": ["Corea del Norte"],
            "note": "also searched: Corea del Norte (same entity: Corea del Norte)",
        }
    ]
    assert got["count"] == 2 and exact["count"] == 1 and exact["expanded"] == []
    assert "Also searched: Corea del Norte (same entity:" in page and "exact=true" in page
    assert "Also searched" not in page_exact
