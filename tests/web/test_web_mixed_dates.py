"""A dated and an undated article of one wire agency in one story: every page still answers.

Sorting a group by publication time once compared an aware time with a naive ``datetime.max``
and answered 500 on the story page, the story API, ``/events`` and ``/api/events/grouped``
for the whole store. The two articles here (our own text, both "Madrid (EFE).-", one without a
date) go through the real pipeline into one story.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from crisol.model import time_key

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

INPUT = Path(__file__).resolve().parents[1] / "fixtures" / "web_dates" / "efe_dated_and_undated.jsonl"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from crisol.cli.serve import build_app
    from crisol.service.runner import ingest
    from crisol.store import open_store

    db = str(tmp_path_factory.mktemp("mixed") / "crisol.db")
    with open_store(db) as store:
        report = ingest([str(INPUT)], store)
        assert report.new == 2, report
    with TestClient(build_app(db, analyze=False)) as c:
        yield c


def test_both_articles_share_a_story_and_one_is_undated(client):
    articles = client.get("/api/articles").json()["data"]
    assert sorted(a["published"] is None for a in articles) == [False, True]
    stories = client.get("/api/stories").json()["data"]
    assert [s["size"] for s in stories] == [2]


def test_story_page_and_api_answer(client):
    sid = client.get("/api/stories").json()["data"][0]["id"]
    assert client.get(f"/api/stories/{sid}").status_code == 200
    page = client.get(f"/stories/{sid}")
    assert page.status_code == 200 and "EFE" in page.text


def test_events_pages_answer(client):
    assert client.get("/api/events/grouped").status_code == 200
    assert client.get("/events").status_code == 200
    assert client.get("/events.csv").status_code == 200


def test_time_key_orders_naive_aware_and_missing_times():
    from datetime import datetime, timedelta, timezone

    madrid = timezone(timedelta(hours=2))
    times = [None, datetime(2025, 6, 10, 9, tzinfo=madrid), datetime(2025, 6, 10, 8), None]
    ordered = sorted(times, key=time_key)
    assert ordered[0] == datetime(2025, 6, 10, 9, tzinfo=madrid)  # 07:00 UTC, before 08:00 UTC
    assert ordered[2:] == [None, None]
