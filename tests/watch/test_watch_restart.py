"""``crisol watch`` killed with SIGKILL mid-run and started again: every article stored once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crisol.watch.sources import Source, SourcesFile, save_sources

ARTICLES = 8


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _watch(db: Path, sources: Path) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "crisol.cli",
        "--db",
        str(db),
        "watch",
        "--once",
        "--no-analyze",
        "-q",
        "-s",
        str(sources),
    ]
    code = "import sys; from crisol.cli import main; sys.argv = ['crisol'] + sys.argv[1:]; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *cmd[3:]], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


@pytest.mark.slow
def test_a_killed_watch_resumes_and_stores_every_article_once(tmp_path, server, kit):
    pages = ["puerto-v1.html", "incendio.html", "council.html", "rail.html"]
    items = []
    for i in range(ARTICLES):
        body = kit.fixture_page(pages[i % 4]).replace(
            b"</article>", f"<p>Nota {i} de la serie.</p></article>".encode()
        )
        server.page(f"/news/{i}.html", body)
        items.append((server.url(f"/news/{i}.html"), f"Nota {i}", "Fri, 14 Mar 2025 09:30:00 GMT"))
    server.page("/es.xml", kit.rss(items))
    sources = tmp_path / "fuentes.yaml"
    save_sources(
        SourcesFile(
            None,
            [Source("Diario", feeds=[server.url("/es.xml")], allow_private=True)],
            contact=kit.UA_CONTACT,
            fetch={"delay": 0.4},
        ),
        sources,
    )
    db = tmp_path / "w.db"
    proc = _watch(db, sources)
    deadline = time.monotonic() + 60
    while _count(db) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored_before = _count(db)
    assert 3 <= stored_before < ARTICLES
    proc = _watch(db, sources)
    _, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 0, stderr.decode()
    with sqlite3.connect(db) as conn:
        urls = [u for (u,) in conn.execute("SELECT url FROM articles")]
        versions = conn.execute("SELECT count(*) FROM watch_versions").fetchone()[0]
        states = conn.execute("SELECT url, status, error FROM watch_urls ORDER BY url").fetchall()
    assert len(urls) == ARTICLES == len(set(urls)) == versions, (states, stderr.decode()[-2000:])
    # Pages stored before the kill were not fetched again (one in flight at the kill may be).
    assert sum(n for n in server.page_hits().values()) <= ARTICLES + 1
