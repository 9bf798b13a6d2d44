"""One outlet count everywhere: `crisol stories` (table and JSON), the REST API (listing and a
story in full), the home page and the story page show the same number for each story, counted by
:func:`crisol.text.count_outlets`; an article with no known outlet is shown as "unknown outlet",
never by its id.

The store holds articles written here, some with no outlet at all (no outlet field, no URL, no
byline), stored as the pipeline stores them (read and cleaned, not analysed), with two stories
stored as the linker stores them.
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import datetime

import pytest
from typer.testing import CliRunner

from crisol.cli import app as cli
from crisol.read import InputFile, read_input
from crisol.service.runner import default_stages, prepare
from crisol.store import open_store
from crisol.store.schema import stories, story_articles

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

# (story, outlet or None, title); the text is built from the title. "RADIO SUR" is the outlet
# "Radio Sur" spelt otherwise: one outlet.
ARTICLES = [
    ("s-puente", "Radio Sur", "El puente de Almarza reabre tras dos años de obras"),
    ("s-puente", "RADIO SUR", "Almarza recupera su puente sobre el río"),
    ("s-puente", None, "Reabierto el puente de Almarza al tráfico"),
    ("s-puente", None, "Los vecinos de Almarza celebran la reapertura del puente"),
    ("s-feria", None, "La feria del libro de Torrejuela abre con cien casetas"),
    ("s-feria", None, "Cien casetas en la feria del libro de Torrejuela"),
]
EXPECTED = {"s-puente": 3, "s-feria": 2}  # each article with no known outlet counts as one


def _record(outlet: str | None, title: str) -> dict:
    text = (
        f"{title}. La noticia se conoció el lunes por la mañana en la plaza del pueblo. "
        "Los responsables municipales dieron detalles a los vecinos reunidos allí."
    )
    record = {"title": title, "text": text, "date": "2025-05-12 10:00:00", "language": "es"}
    return {**record, "outlet": outlet} if outlet else record


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("outlets") / "store.db"
    data = "\n".join(json.dumps(_record(o, t), ensure_ascii=False) for _, o, t in ARTICLES).encode()
    stages = default_stages(analyze=False)
    articles = [prepare(r, stages) for r in read_input(InputFile("news.jsonl", None, data, len(data)))]
    assert [a.outlet for a in articles] == [o for _, o, _ in ARTICLES], "the cleaner named an outlet"
    with open_store(str(path)) as store:
        store.add_articles(articles)
        _store_stories(store, [(s, a.id) for (s, _, _), a in zip(ARTICLES, articles)])
    return str(path)


def _store_stories(store, members: list[tuple[str, str]]) -> None:
    when = datetime(2025, 5, 12, 10)
    with store.engine.begin() as conn:
        conn.execute(
            stories.insert(),
            [
                {
                    "id": sid,
                    "title": None,
                    "language": "es",
                    "size": sum(s == sid for s, _ in members),
                    "first": when,
                    "last": when,
                    "merged_into": None,
                    "updated": when,
                }  # fmt: skip
                for sid in EXPECTED
            ],
        )
        conn.execute(
            story_articles.insert(),
            [
                {"article_id": aid, "story_id": sid, "score": 1.0, "position": i}
                for i, (sid, aid) in enumerate(members)
            ],
        )


def test_the_cli_the_api_and_the_pages_show_one_outlet_count(db):
    listed = json.loads(_cli(db, "stories", "--format", "json"))
    assert {s["id"]: s["num_outlets"] for s in listed} == EXPECTED
    assert {s["id"]: s["outlets"] for s in listed} == {"s-puente": ["Radio Sur"], "s-feria": []}
    table = _cli(db, "stories")
    for sid, n in EXPECTED.items():
        row = next(line for line in table.splitlines() if sid in line)
        assert [c.strip() for c in row.split("│")][3] == str(n), row  # id, articles, outlets

    from crisol.api import create_app
    from crisol.web import create_web_app

    with TestClient(create_app(db, analyze=False)) as api, TestClient(create_web_app(db)) as web:
        assert {s["id"]: s["num_outlets"] for s in api.get("/api/stories").json()["data"]} == EXPECTED
        home = web.get("/").text
        for sid, n in EXPECTED.items():
            full = api.get(f"/api/stories/{sid}").json()
            assert full["num_outlets"] == full["counts"]["outlets"] == n
            card = home[home.index(f'href="/stories/{sid}"') :].split("</li>", 1)[0]
            assert f"· {n} outlets" in card, card
            page = web.get(f"/stories/{sid}").text
            assert re.search(rf"\d+ articles · {n} outlets ·", page), sid
        assert "Radio Sur, 2 unknown outlets" in home


def test_an_unknown_outlet_is_named_not_shown_as_an_id(db):
    from crisol.web import create_web_app

    with open_store(db) as store:
        ids = store.links.story_members("s-feria")
    with TestClient(create_web_app(db)) as web:
        page = web.get("/stories/s-feria").text
    shown = re.findall(r'<p class="meta"><strong>([^<]+)</strong>', page)
    assert shown == ["unknown outlet", "unknown outlet #2"], shown
    first_title = next(t for s, _, t in ARTICLES if s == "s-feria")
    assert f'title="Open the source sentence in unknown outlet: {first_title}"' in page  # a citation
    labels = re.findall(r"<strong>([^<]+)</strong>", page)
    assert not any(aid[:8] in label for aid in ids for label in labels), labels
    story = json.loads(_cli(db, "story", "s-feria", "--format", "json"))
    assert [s["title"] for s in story["sources"]] == [t for s, _, t in ARTICLES if s == "s-feria"]
    text = _cli(db, "story", "s-feria")
    assert "unknown outlet #2: " in text and "2 outlets" in text, text


def _cli(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output
