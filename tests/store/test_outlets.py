"""Outlets as records and collections (migration 0008_outlets): filled from stored articles and
watched sources, edited by the user without filling undoing it, and the collection filter
applied by listings, search and exports through ``outlet_names``.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from crisol.model import Article
from crisol.service import outlets as svc
from crisol.store import open_store, queries
from crisol.store import search as fts
from crisol.store.migrate import alembic_config, current_revision, scripted_head


def _article(n: int, outlet: str | None, url: str | None, language: str = "es") -> Article:
    text = f"El mercado número {n} abrió sus puertas con fruta fresca. Los vecinos llenaron los pasillos."
    return Article(
        id=f"{n:016x}", source=f"/in/{n}.txt", raw=text.encode(), raw_format="text", text=text,
        title=f"Mercado {n}", outlet=outlet, url=url, language=language,
        published=datetime(2025, 3, n, 9, tzinfo=timezone.utc),
    )  # fmt: skip


ARTICLES = [
    _article(1, "Diario del Sur", "https://www.diariosur.example/a/1"),
    _article(2, "DIARIO DEL SUR", "https://diariosur.example/a/2"),  # the same outlet, shouted
    _article(3, "diariosur.example", "https://diariosur.example/a/3"),  # named by its host: joins it
    _article(4, "Radio Norte", "https://radionorte.example/n/4", language="en"),
    _article(5, None, None),
]


@pytest.fixture
def store(db_url):
    db = open_store(db_url)
    db.add_articles(ARTICLES)
    fts.catch_up(db)
    yield db
    db.close()


def test_ingest_records_outlets_with_their_spellings_domains_and_language(store):
    outlets = {o["name"]: o for o in svc.list_outlets(store)}
    assert sorted(outlets) == ["Diario del Sur", "Radio Norte"]
    sur = outlets["Diario del Sur"]
    assert sur["spellings"] == ["DIARIO DEL SUR", "Diario del Sur", "diariosur.example"]
    assert sur["domains"] == ["diariosur.example"] and sur["articles"] == 3
    assert (sur["language"], sur["language_from"]) == ("es", "articles")
    assert outlets["Radio Norte"]["language"] == "en"
    assert svc.get_outlet(store, "diariosur.example")["name"] == "Diario del Sur"  # found by domain


def test_ingest_and_watch_know_a_wire_agency_by_its_name_and_the_user_has_the_last_word(store, tmp_path):
    from crisol.service.runner import ingest

    text = "La cosecha de aceituna se adelanta este año por el calor. Los agricultores piden ayudas."
    records = [{"title": f"Cosecha {n}", "text": f"{text} Nota {n}.", "outlet": outlet, "language": "es"}
               for n, outlet in enumerate(["Agencia EFE", "Europa Press", "Diario del Sur"])]  # fmt: skip
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    svc.set_outlet(store, "Europa Press", media_type="")  # the user cleared it: stays cleared
    assert ingest([str(path)], store, analyze=False).new == 3
    watched = SimpleNamespace(
        name="REUTERS", country=None, language="en", homepage=None, feeds=[], sitemaps=[]
    )
    store.watch.sync_sources([watched])  # what `crisol watch` does first, then note_media_types
    svc.note_media_types(store, ["REUTERS"])
    types = {o["name"]: o["media_type"] for o in svc.list_outlets(store)}
    assert types == {"Agencia EFE": "wire-agency", "Europa Press": None, "REUTERS": "wire-agency",
                     "Diario del Sur": None, "Radio Norte": None}  # fmt: skip


def test_user_fields_survive_filling_from_the_sources_file(store):
    svc.set_outlet(store, "diario del sur", country="esp", media_type="newspaper", owner="Grupo Sur")
    watched = SimpleNamespace(name="Diario del Sur", country="MEX", language="pt", homepage="https://m.diariosur2.example/",
                              feeds=["https://diariosur2.example/rss"], sitemaps=[])  # fmt: skip
    store.watch.sync_sources([watched])
    sur = svc.get_outlet(store, "Diario del Sur")
    assert sur["country"] == "ESP"  # the user's, not the sources file's
    assert (sur["language"], sur["language_from"]) == ("pt", "set")  # not edited: the file fills it
    assert sur["domains"] == ["diariosur.example", "diariosur2.example"]
    assert sur["edited"] == ["country", "media_type", "owner"]
    with pytest.raises(ValueError, match="^media_type"):
        svc.set_outlet(store, "Diario del Sur", media_type="tabloid")
    with pytest.raises(ValueError, match="^country"):
        svc.set_outlet(store, "Diario del Sur", country="Spain")


def test_a_collection_filters_listings_search_and_exports(store):
    svc.create_collection(store, "Sur y norte", kind="topical")
    assert svc.add_to_collection(store, "sur y norte", ["diariosur.example"]) == ["Diario del Sur"]
    spellings = svc.outlet_names(store, "Sur y norte")
    assert spellings == ["DIARIO DEL SUR", "Diario del Sur", "diariosur.example"]
    page = queries.list_articles(store, queries.Filters(collection="Sur y norte"))
    assert {a["id"] for a in page.items} == {a.id for a in ARTICLES[:3]}
    found = fts.search(store, "mercado", collection="sur y norte")
    assert {h.article_id for h in found.hits} == {a.id for a in ARTICLES[:3]}
    exported = list(store.iter_articles(outlet=spellings))
    assert len(exported) == 3
    # the outlet filter within a collection; an outlet outside it matches nothing
    assert svc.outlet_names(store, "Sur y norte", outlet="Radio Norte") == []
    with pytest.raises(svc.UnknownName, match="^collection"):
        queries.list_articles(store, queries.Filters(collection="nowhere"))


def test_put_collection_replaces_members_and_deleting_keeps_outlets(store):
    made, new = svc.put_collection(store, "Both", kind="own", outlets=["Diario del Sur", "Radio Norte"])
    assert new and [o["name"] for o in made["outlets"]] == ["Diario del Sur", "Radio Norte"]
    again, new = svc.put_collection(store, "both", outlets=["Radio Norte"], description="one left")
    assert not new and [o["name"] for o in again["outlets"]] == ["Radio Norte"]
    assert again["description"] == "one left" and again["articles"] == 1
    svc.delete_collection(store, "Both")
    assert svc.list_collections(store) == [] and len(svc.list_outlets(store)) == 2


def test_upgrading_a_store_from_before_fills_its_outlets(db_url):
    from alembic import command

    with open_store(db_url) as db:
        db.add_articles(ARTICLES)
        config = alembic_config()
        with db.engine.begin() as conn:  # back to 0007: the outlet tables go, the articles stay
            config.attributes["connection"] = conn
            command.downgrade(config, "0007_story_views")
        assert current_revision(db.engine) == "0007_story_views"
    with open_store(db_url) as db:  # opening upgrades again, filling the records from the articles
        assert current_revision(db.engine) == scripted_head()
        outlets = {o["name"]: (o["articles"], o["domains"]) for o in svc.list_outlets(db)}
    assert outlets == {
        "Diario del Sur": (3, ["diariosur.example"]),
        "Radio Norte": (1, ["radionorte.example"]),
    }
