"""The entity listing and the events across sources take ``outlet`` and ``collection`` like the
other listings, on the REST API, the command line and the events page.

The store: tests/fixtures/events/cross_sources.json (one meeting told by four outlets, Radio Sur
among them; Radio Sur's articles name the registry's Méndez and Ferrer); a collection "Radios"
holds Radio Sur only.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.store import open_store
from crisol.store.outlets import add_to_collection, create_collection

RADIO_SUR = {"art-radio", "art-later"}


@pytest.fixture
def api(db_url, make_client, cross_sources):
    cross_sources.build_store(db_url)
    with open_store(db_url) as store:
        create_collection(store, "Radios")
        add_to_collection(store, "Radios", ["Radio Sur"])
    with make_client(db_url) as c:
        c.db_url = db_url
        yield c


def _get(api, path, **params) -> dict:
    got = api.get(path, params=params)
    assert got.status_code == 200, got.text
    return got.json()


def _cli(db: str, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["--db", db, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_grouped_events_keep_those_a_collection_reports_with_all_their_reports(api):
    everything = _get(api, "/events/grouped", limit=500)["data"]
    radios = _get(api, "/events/grouped", collection="Radios", limit=500)["data"]
    expected = [e["id"] for e in everything if RADIO_SUR & set(e["articles"])]
    assert [e["id"] for e in radios] == expected and 0 < len(expected) < len(everything)
    meeting = next(e for e in radios if "art-radio" in e["articles"])
    assert meeting["num_outlets"] == 4  # the event keeps every outlet that told it
    assert _get(api, "/events/grouped", outlet="radio sur", limit=500)["data"] == radios
    assert [e["id"] for e in _cli(api.db_url, "events", "--collection", "Radios")] == expected
    unknown = api.get("/events/grouped", params={"collection": "Radioz"})
    assert unknown.status_code == 422 and unknown.json()["input"] == "collection"


def test_entities_named_by_a_collection(api):
    ids = {e["id"] for e in _get(api, "/entities", collection="Radios", limit=100)["data"]}
    assert ids == {"per:mendez", "per:ferrer"}  # not Ana Costa: only Diario Andino names her
    assert {e["id"] for e in _get(api, "/entities", limit=100)["data"]} > ids
    assert {e["id"] for e in _cli(api.db_url, "entities", "--outlet", "Radio Sur")} == ids
    assert api.get("/entities", params={"collection": "Radioz"}).status_code == 422


def test_the_events_page_filters_by_collection(api, db_url):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from crisol.web import create_web_app

    with TestClient(create_web_app(db_url)) as web:
        page = web.get("/events", params={"collection": "Radios"})
        assert page.status_code == 200
        assert "/articles/art-radio" in page.text and "/articles/art-costa" not in page.text
        assert 'value="Radios" selected' in page.text
        assert web.get("/events", params={"collection": "Radioz"}).status_code == 400
        csv = web.get("/events.csv", params={"collection": "Radios"}).text.splitlines()
        assert len(csv) > 1 and all("Diario Andino" not in line for line in csv[1:])
