"""Ingestion over HTTP: JSON bodies, news-please records, uploads, problems naming the input,
background jobs, the search index kept in sync, and reads staying fast while an ingest runs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from crisol.service.runner import Stages, default_stages
from crisol.store import open_store
from crisol.store import search as fts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"

ONE = {"title": "Abre la biblioteca del barrio de San Telmo", "text": "La biblioteca del barrio de San Telmo "
       "abrió el sábado tras dos años de obras. Los vecinos podrán usar sus salas de estudio desde las ocho "
       "de la mañana.", "date": "2025-04-01", "outlet": "Gaceta Local", "url": "https://gaceta.example/biblio",
       "language": "es"}  # fmt: skip
NEWS_PLEASE = {"title": "Ferry service resumes after storm", "maintext": "The ferry service between the "
               "two islands resumed on Friday after three days of storms kept the boats in port. Operators "
               "said extra crossings would clear the backlog.", "date_publish": "2025-04-02 10:00:00",
               "source_domain": "islands.example", "url": "https://islands.example/ferry", "language": "en"}  # fmt: skip


def test_post_one_article_then_the_same_again(empty_client):
    r = empty_client.post("/articles", json=ONE)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["new"] == 1 and body["rejected"] == [] and body["source"] == "request body"
    article = empty_client.get(f"/articles/{body['articles'][0]['id']}").json()
    assert article["outlet"] == "Gaceta Local" and article["title"] == ONE["title"]
    again = empty_client.post("/articles", json=ONE)
    assert again.status_code == 200 and again.json()["duplicate"] == 1
    assert empty_client.get("/articles").json()["count"] == 1


def test_post_a_batch_with_news_please_fields_is_searchable_at_once(empty_client):
    r = empty_client.post("/articles", json=[ONE, NEWS_PLEASE])
    assert r.status_code == 201 and r.json()["new"] == 2
    got = empty_client.get("/articles", params={"outlet": "islands.example"}).json()
    assert got["count"] == 1 and got["data"][0]["published"].startswith("2025-04-02")
    hits = empty_client.get("/search", params={"q": "storms ferries"}).json()
    assert [h["title"] for h in hits["data"]] == ["Ferry service resumes after storm"]


def test_upload_a_file_uses_the_cli_readers(empty_client, articles_path):
    with articles_path.open("rb") as fh:
        r = empty_client.post("/articles/upload", files={"file": ("nested/dir/articles.jsonl", fh)})
    assert r.status_code == 201 and r.json()["new"] == 5
    assert r.json()["source"] == "articles.jsonl"
    assert empty_client.get("/search", params={"q": "embalses"}).json()["count"] == 1


def test_partly_bad_upload_stores_the_good_records_and_lists_the_bad(empty_client):
    data = (FIXTURES / "bad_lines.jsonl").read_bytes() + json.dumps(ONE).encode() + b"\n"
    r = empty_client.post("/articles/upload", files={"file": ("mixed.jsonl", data)})
    assert r.status_code == 201
    rejected = r.json()["rejected"]
    assert [x["location"] for x in rejected] == ["line 1", "line 2"]
    assert all(x["source"] == "mixed.jsonl" for x in rejected)
    assert "malformed JSON" in rejected[0]["reason"]


def test_unreadable_upload_is_a_problem_naming_the_file_and_each_record(empty_client):
    with (FIXTURES / "blob.bin").open("rb") as fh:
        r = empty_client.post("/articles/upload", files={"file": ("blob.bin", fh)})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["input"] == "blob.bin" and "blob.bin" in problem["detail"]
    assert problem["type"].endswith("/input-rejected") and problem["errors"][0]["source"] == "blob.bin"
    r = empty_client.post(
        "/articles/upload", files={"file": ("lines.jsonl", (FIXTURES / "bad_lines.jsonl").read_bytes())}
    )
    assert r.status_code == 422 and [e["location"] for e in r.json()["errors"]] == ["line 1", "line 2"]


def test_bad_json_bodies_are_problems_naming_the_body(empty_client):
    r = empty_client.post(
        "/articles", content=b'{"title": "sin cerrar"', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["input"] == "request body"
    assert "malformed" in r.json()["detail"] or "JSON" in r.json()["detail"]
    r = empty_client.post("/articles", content=b"  ", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["input"] == "request body"
    r = empty_client.post("/articles/upload", files={"x": ("x.txt", b"1")})  # a multipart without its file
    assert r.status_code == 422 and r.json()["input"] == "file"
    r = empty_client.post("/articles/upload", data={"x": "1"})  # url-encoded: what a foreign form sends
    assert r.status_code == 415


def test_background_ingest_is_a_job_to_poll(empty_client):
    r = empty_client.post("/articles", params={"background": "true"}, json=[ONE, NEWS_PLEASE])
    assert r.status_code == 202
    job_url = "http://testserver" + r.headers["location"]
    for _ in range(200):
        job = empty_client.get(job_url).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert job["status"] == "done" and job["result"]["new"] == 2
    assert empty_client.get("/ingest/jobs/999").status_code == 404


def test_articles_stored_by_other_paths_are_indexed_by_catch_up(db_url, fixture_articles):
    store = open_store(db_url)
    store.add_articles(fixture_articles)  # as `crisol ingest` does, without indexing
    assert fts.search(store, "embalses").total == 0
    assert len(fts.missing_article_ids(store)) == 5
    fts.catch_up(store)
    assert fts.search(store, "embalses").total == 1 and fts.missing_article_ids(store) == []
    assert fts.catch_up(store) == 0  # nothing left: cheap
    store.close()


def _slow_stages(delay: float) -> Stages:
    base = default_stages(analyze=False)

    def clean(raw, now=None):
        time.sleep(delay)  # stands in for the analysis stage
        return base.clean(raw, now=now)

    return Stages(expand=base.expand, read_input=base.read_input, clean=clean)


def test_reads_stay_fast_while_an_ingest_runs(db_url, make_client):
    records = [
        dict(ONE, url=f"https://gaceta.example/{i}", title=f"Noticia número {i} del barrio")
        for i in range(30)
    ]
    with make_client(db_url, stages=_slow_stages(0.05)) as client:
        client.post("/articles", json=ONE)
        done = threading.Event()

        def post():
            client.post("/articles", json=records)
            done.set()

        writer = threading.Thread(target=post)
        writer.start()
        latencies = []
        while not done.is_set():
            t0 = time.perf_counter()
            assert client.get("/articles", params={"limit": 5}).status_code == 200
            assert client.get("/search", params={"q": "biblioteca"}).status_code == 200
            latencies.append(time.perf_counter() - t0)
        writer.join()
        assert len(latencies) >= 5, "reads should go on while the ingest runs (about 1.5 s)"
        assert sorted(latencies)[len(latencies) // 2] < 0.25
        assert client.get("/articles").json()["count"] == 31
