"""The server's warm-up (``crisol.api.warm``): once started with ``warm=True`` (``crisol serve``'s
default) it compiles the pages' templates and presents the views a first reader would wait for in
a background thread of lower priority, so the first read of a story is served from the stored
view; it stops between two stories when the server does; ``create_app`` leaves it off unless
asked, ``--no-warm`` turns it off.

The store is tests/fixtures/views/warm_stories.py (three one-article stories, no view stored).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crisol.present
from crisol.api import create_app
from crisol.api.warm import NICENESS, lower_thread_priority
from crisol.cli import app as cli_app
from crisol.cli import serve
from crisol.store import open_store
from crisol.web import app as web_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "views" / "warm_stories.py"
_spec = importlib.util.spec_from_file_location("crisol_test_warm_stories", FIXTURE)
W = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(W)
FERRY, LIBRARY, ORCHARD = W.STORY_IDS  # oldest change first
WAIT_S = 300  # the models load first; generous for a loaded machine


@pytest.fixture
def store_url(db_url):
    W.build_store(db_url).close()
    return db_url


def refuse_presenting(monkeypatch):
    def present(*args, **kwargs):
        raise AssertionError("present_story called: the stored view was not served")

    monkeypatch.setattr(crisol.present, "present_story", present)


def test_a_warm_server_serves_the_first_read_of_a_story_from_the_stored_view(store_url, monkeypatch):
    compiled = []
    real_compile = web_app.compile_templates
    monkeypatch.setattr(web_app, "compile_templates", lambda: compiled.append(real_compile()))
    app = serve.build_app(store_url, analyze=False, warm=True)  # the API and the pages, as served
    with TestClient(app) as client:
        warmer = app.state.warmer
        assert warmer.started and warmer.done.wait(WAIT_S), "the warm-up did not end"
        assert warmer.presented == 3
        assert compiled and compiled[0] >= 10  # the pages' templates, compiled by the warm-up
        refuse_presenting(monkeypatch)
        r = client.get(f"/api/stories/{LIBRARY}")
        assert r.status_code == 200, r.text
        assert r.json()["articles"] == [W.STORIES[1][1]] and r.json()["summary"]
        page = client.get(f"/stories/{ORCHARD}")
        assert page.status_code == 200 and "cerezos" in page.text


def test_an_app_warms_nothing_unless_asked(store_url, monkeypatch):
    app = create_app(store_url, analyze=False)
    with TestClient(app) as client:
        assert client.get("/api/stories").status_code == 200  # started
        assert not app.state.warmer.started
        assert not app.state.warmer.busy()  # (when started) it yields to an ingest queued
        monkeypatch.setattr(app.state.ingestor, "_queued", 1)
        assert app.state.warmer.busy()
        assert app.state.store.links.stale_views(50) == [ORCHARD, LIBRARY, FERRY]


def test_the_server_stops_the_warm_up_between_two_stories(store_url, monkeypatch):
    app = create_app(store_url, analyze=False, warm=True)
    warmer = app.state.warmer
    presenting = threading.Event()
    real = crisol.present.present_story

    def present(*args, **kwargs):  # the first story is presented while the server stops
        presenting.set()
        assert warmer.stopping.wait(WAIT_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(crisol.present, "present_story", present)
    with TestClient(app):
        assert presenting.wait(WAIT_S), "the warm-up presented nothing"
    assert warmer.done.is_set() and warmer.presented == 1
    with open_store(store_url) as store:
        assert store.links.stale_views(50) == [LIBRARY, FERRY]


def test_serve_warms_unless_told_not_to(tmp_path, monkeypatch):
    import uvicorn

    db = str(tmp_path / "s.db")
    open_store(db).close()
    asked: list[bool] = []
    real = serve.build_app

    def build_app(url, **kwargs):
        asked.append(kwargs["warm"])
        return real(url, **kwargs)

    monkeypatch.setattr(serve, "build_app", build_app)
    monkeypatch.setattr(serve, "show_logs", lambda level: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: None)
    for args in (["serve", "--no-warm"], ["serve"]):
        r = CliRunner().invoke(cli_app, ["--db", db, *args])
        assert r.exit_code == 0, r.output
    assert asked == [False, True]
    shown = CliRunner().invoke(cli_app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--no-warm" in shown.output


def test_serve_shows_crisols_log_lines_once_at_its_level():
    logger = logging.getLogger("crisol")
    level, handlers = logger.level, list(logger.handlers)
    try:
        serve.show_logs("warning")
        serve.show_logs("info")
        added = [h for h in logger.handlers if h not in handlers]
        assert len(added) == 1 and logger.level == logging.INFO
        assert logging.getLogger("crisol.api.warm").isEnabledFor(logging.INFO)
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's")
def test_the_warming_thread_alone_yields_the_cpu():
    main = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def warm_thread():
        tid = threading.get_native_id()
        seen["before"] = os.getpriority(os.PRIO_PROCESS, tid)
        seen["returned"] = lower_thread_priority()
        seen["after"] = os.getpriority(os.PRIO_PROCESS, tid)

    thread = threading.Thread(target=warm_thread)
    thread.start()
    thread.join()
    assert seen["after"] == seen["returned"] == min(19, seen["before"] + NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == main
