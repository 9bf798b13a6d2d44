"""One store for the web tests: the bundled examples plus tests/fixtures/web (hostile text),
ingested through the whole pipeline, so stories, entities and events are real: a copy of the
session's examples store (``examples_db``) with tests/fixtures/web ingested once on top.

``CRISOL_WEB_TEST_DB=/path/to/store.db`` reuses a store built from the same inputs (it is
copied first; build it with ``crisol --db PATH ingest examples tests/fixtures/web``): handy when
iterating on the pages, since the ingest takes ~20 s on an idle machine.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_FIXTURES = ROOT / "tests" / "fixtures" / "web"


@pytest.fixture(scope="session")
def web_db(request, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("web") / "crisol.db"
    prebuilt = os.environ.get("CRISOL_WEB_TEST_DB")
    if prebuilt and Path(prebuilt).is_file():
        shutil.copyfile(prebuilt, path)
        return str(path)
    from crisol.service.runner import ingest
    from crisol.store import open_store

    shutil.copyfile(request.getfixturevalue("examples_db"), path)  # examples/, ingested once per session
    with open_store(str(path)) as store:
        report = ingest([str(WEB_FIXTURES)], store)
        assert report.new > 0, report
    return str(path)


@pytest.fixture(scope="session")
def served_url(web_db):
    """What ``crisol serve`` serves (the REST API with the pages at the root) over ``web_db``,
    on loopback in a thread; its base URL."""
    import threading
    import time

    import uvicorn

    from crisol.bench._common import free_port
    from crisol.cli.serve import build_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_app(web_db, analyze=False), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
