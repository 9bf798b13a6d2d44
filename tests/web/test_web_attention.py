"""The attention page (/attention) without a browser, on the store of
tests/fixtures/attention/coverage.py: one mark per period with the service's numbers, the
comparison as a second series, the top lists, the CSV behind each chart equal to the API's, and
bad parameters answered with a message."""

from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path

import pytest

from crisol.cli.serve import build_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

COVERAGE = Path(__file__).resolve().parents[1] / "fixtures" / "attention" / "coverage.py"
MARK = re.compile(r'<circle class="mark"[^>]*data-period="([^"]+)" data-count="(\d+)"')


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("crisol_test_attention_coverage", COVERAGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = str(tmp_path_factory.mktemp("web-attention") / "store.db")
    module.build_store(path).close()
    with TestClient(build_app(path, analyze=False)) as c:
        yield c


def charts(html: str) -> dict[str, list[list[tuple[str, int]]]]:
    """Per chart id, per series, the (period, count) of each mark."""
    out = {}
    for figure in re.findall(r'<figure class="chart lines" id="chart-(\w+)">(.*?)</figure>', html, re.S):
        name, body = figure
        out[name] = [[(p, int(n)) for p, n in MARK.findall(g)] for g in body.split('<g class="series')[1:]]
    return out


def test_one_mark_per_period_with_the_three_counts(client):
    html = client.get("/attention", params={"q": "huelga", "interval": "week"}).text
    got = charts(html)
    assert got["articles"] == [[("2025-03-03", 5), ("2025-03-10", 1)]]
    assert got["outlets"] == [[("2025-03-03", 3), ("2025-03-10", 1)]]
    assert got["independent_sources"] == [[("2025-03-03", 2), ("2025-03-10", 1)]]
    assert "Diario Norte" in html and 'href="/entities/e-almarza"' in html
    assert "attention-legend" not in html  # one series: no legend


def test_comparison_two_series_legend_and_csv_links_equal_to_the_api(client):
    params = {"q": "huelga", "compare": "feria", "interval": "day"}
    html = client.get("/attention", params=params).text
    articles = charts(html)["articles"]
    assert len(articles) == 2 and len(articles[0]) == len(articles[1]) == 10  # the 3rd to the 12th
    assert articles[1][-1] == ("2025-03-12", 2)
    assert 'id="attention-legend"' in html and html.count('class="swatch series-1"') >= 1
    links = re.findall(r'<a class="csv" href="([^"]+)"', html)
    assert len(links) == 3 + 4  # one per chart, one per top list
    timeline = client.get(links[0].replace("&amp;", "&"))
    api = client.get("/api/attention", params={**params, "format": "csv"})
    assert timeline.headers["content-type"].startswith("text/csv") and timeline.text == api.text
    assert "huelga,2025-03-03,2,2,1" in timeline.text.splitlines()
    words = client.get(next(x for x in links if "table=words" in x).replace("&amp;", "&"))
    assert words.text.splitlines()[0] == "selection,word,articles,score"


def test_entity_and_story_selections_and_problems(client):
    assert charts(client.get("/attention", params={"story": "fair", "interval": "week"}).text)[
        "articles"
    ] == [[("2025-03-03", 1), ("2025-03-10", 2)]]
    entity = client.get("/attention", params={"entity": "e-almarza"}).text
    assert "6 articles" in entity
    bad = client.get("/attention", params={"q": "huelga", "since": "March", "interval": "month"})
    assert bad.status_code == 400 and "is not a date" in bad.text and "Interval: use day or week" in bad.text
    assert client.get("/attention.csv", params={"q": "huelga", "table": "nope"}).status_code == 400
    assert "Type a query" in client.get("/attention").text
