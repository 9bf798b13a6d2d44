"""Read endpoints: every listing's filters, totals, paging and sorting; details; 404s."""

from __future__ import annotations

import csv
import io


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("http://testserver/openapi.json").json()
    for path in (
        "/articles",
        "/articles/{id}",
        "/stories",
        "/entities",
        "/quotes",
        "/events",
        "/search",
        "/articles/upload",
    ):
        assert "/api" + path in schema["paths"], path
    assert "ArticleCreate" in schema["components"]["schemas"]
    assert "ArticlesPublic" in schema["components"]["schemas"]
    assert client.get("http://testserver/docs").status_code == 200


def test_articles_are_listed_newest_first_with_the_total(client):
    got = client.get("/articles", params={"limit": 2}).json()
    assert got["count"] == 5 and len(got["data"]) == 2
    dates = [a["published"] for a in got["data"]]
    assert dates == sorted(dates, reverse=True)
    rest = client.get("/articles", params={"limit": 2, "offset": 4}).json()
    assert rest["count"] == 5 and len(rest["data"]) == 1
    seen = {
        a["id"]
        for p in range(3)
        for a in client.get("/articles", params={"limit": 2, "offset": 2 * p}).json()["data"]
    }
    assert len(seen) == 5


def test_articles_filter_by_outlet_language_dates_and_entity(client):
    def count(**params):
        return client.get("/articles", params=params).json()["count"]

    assert count(outlet="harbour times") == 2
    assert count(language="es") == 3
    assert count(since="2025-03-03", until="2025-03-04") == 2  # a bare `until` includes its day
    assert count(entity="per-quiroga") == 2
    assert count(language="en", since="2025-03-01") == 1


def test_articles_sort_ascending_and_reject_unknown_keys(client):
    got = client.get("/articles", params={"sort": "published"}).json()["data"]
    assert got[0]["title"].startswith("Farmers")
    bad = client.get("/articles", params={"sort": "title"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["input"] == "sort" and "published" in bad.json()["detail"]


def test_an_article_in_full_by_id_prefix_and_its_raw_bytes(client):
    first = client.get("/articles", params={"language": "en", "sort": "published"}).json()["data"][0]
    full = client.get(f"/articles/{first['id'][:8]}").json()
    assert full["id"] == first["id"] and full["text"].startswith("Farmers across the valley")
    assert full["raw_format"] == "json"
    raw = client.get(f"/articles/{first['id']}/raw")
    assert raw.headers["content-type"] == "application/octet-stream"
    assert b"driest winters" in raw.content


def test_unknown_article_is_a_404_problem_naming_the_id(client):
    r = client.get("/articles/ffffffffffff")
    assert r.status_code == 404
    assert r.json()["input"] == "id" and "ffffffffffff" in r.json()["detail"]


def test_quotes_filter_by_speaker_entity_and_outlet(client):
    got = client.get("/quotes", params={"entity": "per-quiroga"}).json()
    assert got["count"] == 1
    assert (
        got["data"][0]["speaker"]["name"] == "Marta Quiroga" and got["data"][0]["outlet"] == "La Voz del Sur"
    )
    assert client.get("/quotes", params={"outlet": "Harbour Times"}).json()["count"] == 0


def test_events_filter_by_type_certainty_entity_and_language(client):
    def count(**params):
        return client.get("/events", params=params).json()["count"]

    assert count() == 3
    assert count(type="AGREE") == 2
    assert count(type="agree", certainty="attributed") == 1
    assert count(certainty="hypothetical", language="es") == 1
    assert count(entity="loc-valdemora") == 1
    bad = client.get("/events", params={"certainty": "maybe"})
    assert bad.status_code == 422 and bad.json()["input"] == "certainty"


def test_event_counts_and_csv_follow_the_same_filters(client):
    counts = client.get("/events/counts", params={"type": "AGREE"}).json()
    assert sum(c["count"] for c in counts) == 2 and {c["type"] for c in counts} == {"AGREE"}
    r = client.get("/events.csv", params={"language": "en"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert (
        len(rows) == 1
        and rows[0]["certainty"] == "attributed"
        and rows[0]["source_name"] == "council of Wexmoor"
    )


def test_entities_listed_by_mentions_and_found_by_any_spelling(client):
    got = client.get("/entities").json()
    assert got["count"] == 2 and got["data"][0]["id"] == "per-quiroga"  # 5 mentions against 4
    assert client.get("/entities", params={"q": "quir"}).json()["count"] == 1
    assert client.get("/entities", params={"type": "LOC"}).json()["data"][0]["name"] == "Valdemora"


def test_entity_detail_has_spellings_articles_and_cooccurring_entities(client):
    e = client.get("/entities/per-quiroga").json()
    assert [a["text"] for a in e["aliases"]] == ["Marta Quiroga", "Quiroga"]
    assert len(e["articles"]) == 2 and {a["id"] for a in e["recent_articles"]} == set(e["articles"])
    assert e["cooccurring"][0]["id"] == "loc-valdemora" and e["cooccurring"][0]["shared_articles"] == 2
    assert [q["text"] for q in e["quotes"]] == ["la única salida al bloqueo del consistorio"]
    assert client.get("/entities/nobody").status_code == 404


def test_stories_latest_or_biggest_first_and_one_in_full(client):
    got = client.get("/stories").json()
    assert [s["id"] for s in got["data"]] == ["s-sequia", "s-elecciones"]  # last article 5 March vs 3 March
    assert client.get("/stories", params={"language": "es"}).json()["count"] == 1
    assert client.get("/stories", params={"entity": "per-quiroga"}).json()["data"][0]["id"] == "s-elecciones"
    story = client.get("/stories/s-elecciones").json()
    # the linking view (when present) titles the story from its articles; either way it has both
    assert story["id"] == "s-elecciones" and story["title"]
    assert len(story["articles"]) == 2
    assert client.get("/stories/nope").status_code == 404


def test_outlets_with_counts(client):
    assert {o["outlet"]: o["articles"] for o in client.get("/outlets").json()} == {
        "Diario del Norte": 2,
        "Harbour Times": 2,
        "La Voz del Sur": 1,
    }


def _statements(store, call) -> int:
    """How many SQL statements ``call()`` sends."""
    from sqlalchemy import event

    sent = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    return len(sent)


def test_a_page_costs_the_same_statements_whatever_its_length(filled):
    """No statement per row: a page of 1 and a page of 5 send as many (no N+1)."""
    from crisol.store import open_store
    from crisol.store import queries as qa

    calls = {
        "articles": lambda n: qa.list_articles(store, limit=n),
        "stories": lambda n: qa.list_stories(store, limit=n),
        "entities": lambda n: qa.list_entities(store, limit=n),
        "quotes": lambda n: qa.list_quotes(store, limit=n),
        "events": lambda n: qa.list_events(store, limit=n),
    }
    with open_store(filled) as store:
        for name, call in calls.items():
            assert len(call(5).items) > (0 if name == "quotes" else 1), name  # the fixture has one quote
            assert _statements(store, lambda: call(1)) == _statements(store, lambda: call(5)), name


def test_the_openapi_schema_names_every_field_of_every_shape(client):
    """Each object the API answers has exactly the fields its schema model declares (the
    shapes come from crisol.store.queries; a field added there must be documented here)."""
    schemas = client.get("http://testserver/openapi.json").json()["components"]["schemas"]

    def fields(model: str) -> set[str]:
        return set(schemas[model]["properties"])

    def page(path: str, **params) -> list[dict]:
        got = client.get(path, params=params).json()["data"]
        assert got, path
        return got

    for path, model in (
        ("/articles", "ArticleSummaryPublic"),
        ("/stories", "StoryPublic"),
        ("/entities", "EntityPublic"),
        ("/quotes", "QuotePublic"),
        ("/events", "EventPublic"),
    ):
        assert all(set(item) == fields(model) for item in page(path)), model
    article = client.get(f"/articles/{page('/quotes')[0]['article']}").json()
    assert set(article) == fields("ArticlePublic")
    assert article["quotes"] and all(set(q) == fields("QuotePublic") for q in article["quotes"])
    entity = client.get("/entities/per-quiroga").json()
    assert set(entity) == fields("EntityDetailPublic")
    story = client.get("/stories/s-elecciones").json()
    assert fields("StoryDetailPublic") <= set(story)  # the told story adds fields of its own
