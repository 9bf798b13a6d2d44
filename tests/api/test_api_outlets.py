"""``/api/outlets`` and ``/api/collections``: records read and edited over HTTP (behind the
write guard), and ``collection=`` on the listings, search, stories and the events CSV."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def grouped(client):
    """One collection of two of the three outlets (the module's store; conftest's ``client``)."""
    made = client.put(
        "/collections/North and harbour",
        json={"kind": "geographic", "outlets": ["diario del norte", "Harbour Times"]},
    )
    assert made.status_code == 201, made.text


def test_outlets_are_records_with_their_articles(client):
    outlets = {o["name"]: o for o in client.get("/outlets").json()}
    assert sorted(outlets) == ["Diario del Norte", "Harbour Times", "La Voz del Sur"]
    norte = outlets["Diario del Norte"]
    assert norte["articles"] == 2 and norte["outlet"] == "Diario del Norte"
    assert norte["collections"] == ["North and harbour"] and norte["language_from"] == "articles"
    assert (
        client.get("/outlets", params={"collection": "north and harbour"}).json()[1]["name"]
        == "Harbour Times"
    )


def test_put_an_outlet_sets_fields_and_refuses_bad_values(client):
    got = client.put(
        "/outlets/La Voz del Sur", json={"country": "ESP", "media_type": "newspaper", "owner": "Voz SA"}
    )
    assert got.status_code == 200, got.text
    assert (got.json()["country"], got.json()["edited"]) == ("ESP", ["country", "media_type", "owner"])
    assert client.get("/outlets/la voz del sur").json()["owner"] == "Voz SA"
    bad = client.put("/outlets/La Voz del Sur", json={"media_type": "tabloid"})
    assert bad.status_code == 422 and bad.json()["input"] == "media_type"
    assert client.get("/outlets/Nobody").status_code == 404


def test_the_collection_filter_reaches_listings_search_and_stories(client):
    every = client.get("/articles").json()["count"]
    inside = client.get("/articles", params={"collection": "North and harbour"}).json()
    assert inside["count"] == 4 < every
    assert {a["outlet"] for a in inside["data"]} == {"Diario del Norte", "Harbour Times"}
    hits = client.get("/search", params={"q": "elecciones", "collection": "North and harbour"}).json()["data"]
    assert hits and {h["outlet"] for h in hits} <= {"Diario del Norte", "Harbour Times", None}
    stories = client.get("/stories", params={"collection": "North and harbour"}).json()["data"]
    assert stories and all({"Diario del Norte", "Harbour Times"} & set(s["outlets"]) for s in stories)
    unknown = client.get("/quotes", params={"collection": "nowhere"})
    assert unknown.status_code == 422 and unknown.json()["input"] == "collection"


def test_collections_are_made_replaced_and_deleted(client):
    made = client.put("/collections/Solo sur", json={"outlets": ["La Voz del Sur"]})
    assert made.status_code == 201 and made.json()["kind"] == "own"
    again = client.put("/collections/solo sur", json={"description": "the south", "outlets": []})
    assert again.status_code == 200 and again.json()["outlets"] == []
    names = [c["name"] for c in client.get("/collections").json()]
    assert names == ["North and harbour", "Solo sur"]
    assert client.delete("/collections/Solo sur").status_code == 204
    assert client.get("/collections/Solo sur").status_code == 404


def test_writes_from_another_origin_or_as_a_form_are_refused(client):
    foreign = client.put(
        "/outlets/Harbour Times", json={"owner": "x"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    form = client.put("/outlets/Harbour Times", content="owner=x", headers={"Content-Type": "text/plain"})
    assert form.status_code == 415
    assert client.get("/outlets/Harbour Times").json()["owner"] is None
