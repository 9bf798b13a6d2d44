"""The entity page says why each spelling was merged into the entity, as `crisol entity` does,
from the same records (the linker's merge reasons) through :func:`crisol.service.entities.spellings`."""

from __future__ import annotations

import html
import re
import warnings

import pytest
from typer.testing import CliRunner

from crisol.cli import app as cli
from crisol.store import open_store
from crisol.store.link import LinkStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

ENTITY = {
    "id": "per:ines-arroyo",
    "name": "Inés Arroyo",
    "type": "PER",
    "country": "ESP",
    "role": "mayor",
    "aliases": {"Inés Arroyo": 6, "Arroyo": 4, "Ines Arroyo": 1, "la alcaldesa Arroyo": 1},
    "articles": [],
    "merges": [
        {
            "surface": "Arroyo",
            "into": "per:ines-arroyo",
            "rule": "short form in article",
            "score": 0.9,
            "evidence": "annotate resolved 'Arroyo' to 'Inés Arroyo' in the same article",
            "article": "a1b2c3d4e5f60718",
        },
        {
            "surface": "Ines Arroyo",
            "into": "per:ines-arroyo",
            "rule": "accent/hyphen fold",
            "score": 1.0,
            "evidence": "'Ines Arroyo' folds to 'Inés Arroyo' <b>",
        },
        {
            "surface": "Arroyo",
            "into": "per:ines-arroyo",
            "rule": "surname",
            "score": 0.5,
            "evidence": "a later, weaker reason: not the one shown",
        },
    ],  # fmt: skip
}
EXPECTED = {
    "Inés Arroyo": "the entity's first spelling",
    "Arroyo": "short form in article (0.90): annotate resolved 'Arroyo' to 'Inés Arroyo' in the same article",
    "Ines Arroyo": "accent/hyphen fold (1.00): 'Ines Arroyo' folds to 'Inés Arroyo' <b>",
    "la alcaldesa Arroyo": "same spelling",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("merges") / "store.db")
    with open_store(path) as store:
        LinkStore(store).save_entities([ENTITY])
    return path


def test_the_entity_page_shows_why_each_spelling_was_merged(db):
    from crisol.web import create_web_app

    with TestClient(create_web_app(db)) as web:
        page = web.get("/entities/per:ines-arroyo")
    assert page.status_code == 200
    table = page.text.split('<table class="compact spellings">', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Merged because</th>' in table
    rows = re.findall(r'<tr><td>(.*?)</td><td class="num">(\d+)</td><td class="why">(.*?)</td></tr>', table)
    link = ' <a href="/articles/a1b2c3d4e5f60718" class="evidence">article a1b2c3d4e5f60718</a>'
    shown = {html.unescape(text): html.unescape(why.replace(link, "")) for text, _, why in rows}
    assert shown == EXPECTED
    linked = [text for text, _, why in rows if link in why]
    assert linked == ["Arroyo"]  # the merge made in an article links to it; the others have none
    assert "&lt;b&gt;" in table  # the evidence is text, escaped


def test_the_cli_gives_the_same_reasons(db):
    result = CliRunner().invoke(cli, ["--db", db, "entity", "per:ines-arroyo"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for text, why in EXPECTED.items():
        assert any(text in line and why in line for line in result.output.splitlines()), (why, result.output)
    assert "[article a1b2c3d4e5f60718]" in result.output
