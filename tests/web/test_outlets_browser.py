"""The outlets directory and a collection's page in a real browser (Debian's chromium through
Playwright, as tests/web/test_web_browser.py; skipped the same way when either is missing). The
collection is made through the running server's API, as a user's script would."""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("crisol_test_web_browser", HERE / "test_web_browser.py")
browser_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_tests)  # skips this module too when there is no browser
browser, page = browser_tests.browser, browser_tests.page


def put(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="PUT"
    )
    with urllib.request.urlopen(request) as answer:
        return answer.status


@pytest.fixture(scope="module")
def collection(served_url) -> str:
    outlets = json.load(urllib.request.urlopen(served_url + "/api/outlets"))
    named = sorted((o for o in outlets if o["articles"]), key=lambda o: -o["articles"])[:2]
    put(
        f"{served_url}/api/outlets/{urllib.request.quote(named[0]['name'])}",
        {"country": "ESP", "media_type": "newspaper"},
    )
    status = put(
        f"{served_url}/api/collections/Prensa%20de%20prueba",
        {
            "kind": "topical",
            "description": "Two outlets, for the browser test",
            "outlets": [o["name"] for o in named],
        },
    )
    assert status in (200, 201)
    return "Prensa de prueba"


def test_directory_lists_outlets_and_filters_by_collection(page, served_url, collection, tmp_path):
    page.goto(served_url + "/outlets")
    assert page.locator("h1").inner_text() == "Outlets"
    rows = page.locator("table.directory tbody tr")
    every = rows.count()
    assert every >= 3
    assert page.get_by_role("link", name="Outlets").first.is_visible()  # in the site's navigation
    browser_tests.labelled_controls(page)
    browser_tests.shot(page, tmp_path, "outlets")
    page.select_option("#o-collection", collection)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**collection=*")
    assert rows.count() == 2 < every
    assert "in " + collection in page.locator("#outlet-count").inner_text()
    page.set_viewport_size(browser_tests.PHONE)
    browser_tests.no_sideways_scroll(page)
    assert page.problems == []


def test_collection_page_shows_its_outlets_and_articles_and_searches_within(
    page, served_url, collection, tmp_path
):
    page.goto(served_url + "/outlets")
    page.get_by_role("link", name=collection).first.click()
    assert page.locator("h1").inner_text() == collection
    assert page.locator("table.directory tbody tr").count() == 2
    assert "newspaper" in page.locator("table.directory").inner_text()
    assert page.locator("#collection-articles li").count() >= 2
    browser_tests.shot(page, tmp_path, "collection")
    members = set(page.locator("table.directory tbody th").all_inner_texts())
    listed = {
        t.split(" · ")[0].split(" ", 1)[1] for t in page.locator("#collection-articles li").all_inner_texts()
    }
    assert listed <= members
    page.fill("#c-q", "el")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_url("**/search?**")
    assert page.locator("#s-collection").input_value() == collection
    browser_tests.no_sideways_scroll(page)
    assert page.problems == []
