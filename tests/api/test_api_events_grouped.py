"""GET /api/events/grouped: events across sources, with their article, outlet and independent
source counts, the same filters as ``crisol events``, paging with totals, and a clear refusal
when a selection is too broad to group.

The store holds the hand-written articles of tests/fixtures/events/cross_sources.json (one
meeting told by four outlets, one a rewrite, two crediting one agency; and look-alikes), built
by its ``build_store`` (no spaCy).
"""

from __future__ import annotations

import json

import pytest

from crisol.service import events


@pytest.fixture
def api(db_url, make_client, cross_sources):
    cross_sources.build_store(db_url)
    with make_client(db_url) as c:
        c.db_url = db_url
        yield c


def _cli_events(db: str) -> list[dict]:
    from typer.testing import CliRunner

    from crisol.cli import app

    result = CliRunner().invoke(app, ["--db", db, "events", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def grouped(api, **params) -> dict:
    got = api.get("/events/grouped", params=params)
    assert got.status_code == 200, got.text
    return got.json()


def test_one_meeting_told_by_four_outlets_is_one_item_with_its_counts(api):
    page = grouped(api)
    assert page["count"] == len(page["data"]) >= 2
    top = page["data"][0]  # most independent sources first
    assert set(top["articles"]) == {"art-andino", "art-radio", "art-portal", "art-voz"}
    assert (top["num_articles"], top["num_outlets"], top["num_independent_sources"]) == (4, 4, 2)
    assert top["outlets"] == ["Diario Andino", "Radio Sur", "Portal Este", "La Voz"]
    assert (top["date"], top["date_source"], top["certainty"]) == ("2026-05-11", "text", "attributed")
    assert {s["article"] for s in top["sentences"]} == set(top["articles"])
    # the same events, in the same shape, as `crisol events --format json`
    assert [e["id"] for e in page["data"]] == [e["id"] for e in _cli_events(api.db_url)]


def test_filters_sorting_and_paging(api):
    by_name = grouped(api, actor="ana costa")
    assert [e["articles"] for e in by_name["data"]] == [["art-costa"]]
    assert grouped(api, entity="per:costa")["data"] == by_name["data"]
    assert [e["certainty"] for e in grouped(api, certainty="hypothetical")["data"]] == ["hypothetical"]
    assert [e["date"] for e in grouped(api, since="2026-08-01")["data"]] == ["2026-08-30"]
    may = grouped(api, since="2026-05-11", until="2026-05-11", type="consult")["data"]
    assert sorted(e["num_articles"] for e in may) == [1, 4]
    dated = [e["date"] for e in grouped(api, sort="-date")["data"] if e["date"]]
    assert dated == sorted(dated, reverse=True)
    everything = grouped(api, limit=500)
    first, second = grouped(api, limit=1), grouped(api, limit=1, offset=1)
    assert first["count"] == second["count"] == everything["count"]
    assert [first["data"][0]["id"], second["data"][0]["id"]] == [e["id"] for e in everything["data"][:2]]


def test_bad_parameters_and_too_broad_selections_are_problems(api, monkeypatch):
    bad = api.get("/events/grouped", params={"since": "last week"})
    assert bad.status_code == 422 and bad.json()["input"] == "since"
    assert api.get("/events/grouped", params={"sort": "size"}).status_code == 422
    monkeypatch.setattr(events, "MAX_GROUPED_REPORTS", 2)
    broad = api.get("/events/grouped")
    assert broad.status_code == 422 and broad.json()["type"].endswith("too-broad")
    assert "type or a shorter date window" in broad.json()["detail"]
    # a type with fewer reports narrows it enough
    narrow = api.get("/events/grouped", params={"type": "REQUEST"})
    assert narrow.status_code == 200 and narrow.json()["count"] == 1


def test_the_openapi_schema_names_the_counts(api):
    schema = api.get("http://testserver/openapi.json").json()
    assert "/api/events/grouped" in schema["paths"]
    fields = schema["components"]["schemas"]["CrossEventPublic"]["properties"]
    assert {
        "num_articles",
        "num_outlets",
        "num_independent_sources",
        "certainty",
        "articles",
        "outlets",
    } <= set(fields)
