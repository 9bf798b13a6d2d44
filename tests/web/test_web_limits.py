"""The search page under hostile queries (issue 11, items 14 and 16): a query beyond the limits
is a page saying so (400), never a 500 or a minutes-long search; any offset is served."""

from __future__ import annotations

import warnings

import pytest

from crisol.store import search as fts
from crisol.web.app import create_web_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def pages(tmp_path):
    with TestClient(create_web_app(str(tmp_path / "w.db"))) as c:
        yield c


def test_a_repeated_word_is_one_search(pages):
    r = pages.get("/search", params={"q": " ".join(["Kim"] * 2000)})
    assert r.status_code == 200 and "0 results" in r.text


def test_a_query_beyond_the_limits_is_a_page_saying_so(pages):
    r = pages.get("/search", params={"q": "palabra " * 3200})
    assert r.status_code == 400 and 'role="alert"' in r.text and f"{fts.MAX_QUERY_CHARS:,}" in r.text
    words = " ".join(f"w{i}" for i in range(fts.MAX_QUERY_TERMS + 1))
    r = pages.get("/search", params={"q": words})
    assert r.status_code == 400 and f"the limit is {fts.MAX_QUERY_TERMS}" in r.text


@pytest.mark.parametrize("offset", [2**63, 2**70, -5])
def test_any_offset_is_served(pages, offset):
    assert pages.get("/search", params={"q": "pleno", "offset": offset}).status_code == 200
