"""Hostile sizes against the API (issue 11, items 14 and 16): long and repetitive search
queries, offsets beyond any integer column, every refusal a problem naming the parameter."""

from __future__ import annotations

import time

import pytest

from crisol.store import search as fts
from crisol.store.queries import MAX_OFFSET

LISTINGS = ["/articles", "/stories", "/entities", "/quotes", "/events", "/events/grouped", "/search?q=pleno"]


def problem(r, status: int, name: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["input"] == name and name in body["detail"], body
    return body


def test_a_repeated_word_is_searched_once_and_answers_quickly(client):
    start = time.monotonic()
    r = client.get("/search", params={"q": " ".join(["Kim"] * 2000)})
    assert r.status_code == 200, r.text
    # 7.7 s before the terms were de-duplicated; generous here: this is no benchmark
    assert time.monotonic() - start < 5
    assert (
        client.get("/search", params={"q": "pleno " * 1500}).json()["count"]
        == client.get("/search", params={"q": "pleno"}).json()["count"]
        > 0
    )


def test_repeats_and_reordered_alternatives_collapse_in_the_parsed_query():
    q = fts.parse_query('Kim kim KIM "Corea del Norte" "corea del norte" a OR b b OR a Jong*')
    assert [[t.words for t in g] for g in q.groups] == [
        [("kim",)],
        [("corea", "del", "norte")],
        [("a",), ("b",)],
        [("jong",)],
    ]


def test_a_25_kb_query_is_a_problem_naming_q(client):
    r = client.get("/search", params={"q": "palabra " * 3200})
    body = problem(r, 422, "q")
    assert str(fts.MAX_QUERY_CHARS) in body["detail"].replace(",", "")


def test_too_many_distinct_words_is_a_problem_naming_q_and_the_limit(client):
    words = " ".join(f"palabra{i}" for i in range(fts.MAX_QUERY_TERMS + 1))
    body = problem(client.get("/search", params={"q": words}), 422, "q")
    assert body["type"].endswith("/query-too-long") and str(fts.MAX_QUERY_TERMS) in body["detail"]
    # at the limit it is a search like any other
    at_limit = " ".join(f"palabra{i}" for i in range(fts.MAX_QUERY_TERMS))
    assert client.get("/search", params={"q": at_limit}).status_code == 200


def test_the_library_refuses_what_the_api_refuses():
    with pytest.raises(fts.QueryTooLong):
        fts.parse_query("x" * (fts.MAX_QUERY_CHARS + 1))
    with pytest.raises(ValueError):  # QueryTooLong is a ValueError: callers that catch those go on working
        fts.parse_query(" ".join(f"w{i}" for i in range(100)))


@pytest.mark.parametrize("path", LISTINGS)
@pytest.mark.parametrize("offset", [2**63, 2**64 + 5, MAX_OFFSET + 1])
def test_an_offset_beyond_the_limit_is_a_problem_naming_offset_on_every_listing(client, path, offset):
    sep = "&" if "?" in path else "?"
    problem(client.get(f"{path}{sep}offset={offset}"), 422, "offset")


@pytest.mark.parametrize("path", LISTINGS)
def test_the_deepest_offset_allowed_is_an_empty_page(client, path):
    sep = "&" if "?" in path else "?"
    r = client.get(f"{path}{sep}offset={MAX_OFFSET}")
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [] and r.json()["offset"] == MAX_OFFSET
