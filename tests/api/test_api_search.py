"""Search: stemming in Spanish and English, accents folded, ranking, snippets, filters, kinds."""

from __future__ import annotations


def search(client, q, **params):
    r = client.get("/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def titles(got):
    return [h["title"] for h in got["data"]]


def test_spanish_words_match_other_forms_without_accents(client):
    # "eleccion" (no accent, singular) finds "elecciones" and "elección"
    got = search(client, "eleccion", kind="article")
    assert {
        "El pleno de Valdemora convoca elecciones municipales anticipadas",
        "Quiroga defiende el adelanto electoral ante los vecinos",
    } <= set(titles(got))
    assert got["count"] == len(got["data"])


def test_english_stemming_matches_plural_and_inflections(client):
    got = search(client, "election", language="en")
    assert titles(got) == ["Harbour town calls early local elections"]
    assert "<mark>elections</mark>" in got["data"][0]["snippet"]
    restricted = search(client, "restricting irrigation", language="en")
    assert titles(restricted) == ["Farmers count the cost of a dry winter"]


def test_accented_query_matches_unaccented_and_snippet_marks_the_original(client):
    got = search(client, "SEQUIA", kind="article")
    assert titles(got)[0] == "La sequía obliga a restringir el riego en la comarca"
    assert "<mark>sequía</mark>" in got["data"][0]["snippet"]


def test_all_words_must_match_and_or_widens(client):
    assert search(client, "sequía elecciones")["count"] == 0
    assert search(client, "sequía OR elecciones", kind="article")["count"] == 3


def test_title_matches_rank_above_body_mentions(client):
    got = search(client, "vecinos", kind="article")
    # both articles say "vecinos"; the one with it in its title comes first
    assert titles(got)[0] == "Quiroga defiende el adelanto electoral ante los vecinos"
    assert got["data"][0]["score"] >= got["data"][-1]["score"]


def test_quotes_entities_and_stories_are_searchable(client):
    kinds = {h["kind"]: h for h in search(client, "Quiroga")["data"]}
    assert {"article", "quote", "entity"} <= set(kinds)
    assert kinds["entity"]["ref"] == "per-quiroga"
    assert kinds["quote"]["article_id"]
    story = search(client, "anticipadas", kind="story")
    assert [h["ref"] for h in story["data"]] == ["s-elecciones"]


def test_phrase_and_prefix_queries(client):
    assert search(client, '"junta electoral"', kind="article")["count"] == 1
    assert search(client, '"electoral junta"', kind="article")["count"] == 0
    assert search(client, "Valdem*", kind="article")["count"] == 2


def test_filters_and_paging_apply_to_search(client):
    assert search(client, "elecciones OR elections", kind="article", outlet="Harbour Times")["count"] == 1
    assert search(client, "elecciones OR elections", kind="article", since="2025-03-04")["count"] == 1
    page = search(client, "elecciones OR elections OR sequía", kind="article", limit=1, offset=1)
    assert page["count"] == 4 and len(page["data"]) == 1


def test_query_syntax_characters_are_only_words(client):
    for q in ('"', "NEAR(", "a:b", "*", "^x", "'); DROP TABLE articles; --"):
        r = client.get("/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)
    assert client.get("/articles").json()["count"] == 5


def test_search_needs_a_query_and_a_known_kind(client):
    r = client.get("/search")
    assert r.status_code == 422 and r.json()["input"] == "q"
    r = client.get("/search", params={"q": "x", "kind": "tweet"})
    assert r.status_code == 422 and r.json()["input"] == "kind"
