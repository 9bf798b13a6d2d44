"""Search beside another writer (issue 11, item 19): while an ingest holds the SQLite write lock,
the search page and `crisol search` answer from the index as it is, instead of failing on the
catch-up they would otherwise write."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

from typer.testing import CliRunner

from crisol.cli import app
from crisol.service.runner import ingest
from crisol.store import open_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_search_answers_while_another_writer_holds_the_store(tmp_path):
    from crisol.cli.serve import build_app

    db = tmp_path / "busy.db"
    with open_store(str(db)) as store:
        ingest([str(EXAMPLES / "noticias.jsonl")], store, analyze=False)
    writer = sqlite3.connect(str(db), timeout=0.1)
    writer.execute("BEGIN IMMEDIATE")
    try:
        client = TestClient(
            build_app(str(db), analyze=False)
        )  # no lifespan: its worker would wait on the lock
        page = client.get("/search", params={"q": "Perú"})
        assert page.status_code == 200 and "Perú" in page.text
        r = CliRunner().invoke(app, ["--db", str(db), "search", "Perú", "--format", "json"])
        assert r.exit_code == 0, r.output
    finally:
        writer.rollback()
        writer.close()
