"""Gate for ``crisol bench page``: page weight ceilings (bytes, requests, compression, caching)
of every page over the examples store, loaded cold in Debian's chromium on a desktop and a
phone viewport. No timings here: they belong in the benchmark (docs/bench/page.md), not in a
test on a shared machine.

Skipped (with the reason) when the ``playwright`` package or the chromium executable is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crisol.bench import page as bench

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(bench.CHROMIUM).is_file():
    pytest.skip(f"no chromium at {bench.CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow  # weighing every page twice in chromium takes ~10 s (the ``rows`` fixture)


@pytest.fixture(scope="module")
def rows(served_url):
    with bench.Browser() as browser:
        return bench.measure_site(
            served_url, "examples", runs=0, profiles=["desktop", "phone"], browser=browser
        )


def test_every_page_was_weighed(rows):
    assert {r["page"] for r in rows} == set(bench.PAGES)
    assert all(r["html_decoded_bytes"] > 1000 for r in rows), [
        (r["page"], r["html_decoded_bytes"]) for r in rows
    ]


def test_page_weight_within_ceilings(rows):
    measured = bench.ceiling_inputs(rows)
    assert bench.check_ceilings(measured) == [], measured


def test_closing_metrics_name_the_story_page(rows):
    m = bench.summarize(rows)
    assert m["examples_story_requests"] == max(r["requests"] for r in rows if r["page"] == "story")
    assert m["examples_story_html_decoded_bytes"] > m["examples_story_html_transfer_bytes"] > 0
    assert m["examples_story_server_first_ms"] > 0  # the server's first answer was timed


def test_text_is_compressed_and_static_files_cached(rows):
    for r in rows:
        assert r["html_encoding"] == "gzip", (r["page"], r["html_encoding"])
        assert r["uncached_static"] == [], (r["page"], r["uncached_static"])
        assert not [x["url"] for x in r["resources"] if x["status"] != 200], r["page"]
        for x in r["resources"]:
            if x["type"] in ("stylesheet", "script"):
                assert "immutable" in x["cache_control"] and x["encoding"] == "gzip", x


def test_only_the_stylesheet_blocks_rendering(rows):
    for r in rows:
        blocking = [x["url"] for x in r["resources"] if x["render_blocking"]]
        assert all("/static/crisol.css" in u for u in blocking), (r["page"], blocking)


def test_ceiling_check_reports_what_is_over():
    over = bench.check_ceilings(
        {**{k: 0 for k in bench.FLOORS}, "max_requests": 99, "min_compression_ratio": 1.0}
    )
    assert any(o.startswith("max_requests: 99") for o in over)
    assert any(o.startswith("min_compression_ratio: 1.0") for o in over)
    assert len(over) == 2


def test_percentile_nearest_rank():
    assert bench.percentile([5.0, 1.0, None, 3.0, 2.0, 4.0], 0.9) == 5.0
    assert bench.percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == 9.0
    assert bench.percentile([None], 0.5) is None


def test_static_links_are_versioned_and_revalidated(web_db):
    import re

    from fastapi.testclient import TestClient

    from crisol.web import create_web_app

    with TestClient(create_web_app(web_db)) as client:
        home = client.get("/", headers={"Accept-Encoding": "gzip"})
        assert (
            home.headers["content-encoding"] == "gzip" and "accept-encoding" in home.headers["vary"].lower()
        )
        assert "content-encoding" not in client.get("/", headers={"Accept-Encoding": "identity"}).headers
        link = re.search(r'href="(/static/crisol\.css\?v=(\w+))"', home.text)
        assert link, "the stylesheet is linked with its version"
        kept = client.get(link.group(1))
        assert "immutable" in kept.headers["cache-control"] and kept.headers["etag"] == f'"{link.group(2)}"'
        stale = client.get("/static/crisol.css?v=0ld")
        assert stale.status_code == 200 and "immutable" not in stale.headers["cache-control"]
        again = client.get("/static/crisol.css", headers={"If-None-Match": kept.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
