"""Fixtures for the API tests: a store on each engine, filled with our own articles.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run every test on PostgreSQL too
(``.ci/run`` does). The articles are tests/fixtures/api/articles.jsonl, read and cleaned by the
real stages (no analysis, for speed), with hand-made annotations, entities and stories added the
way the annotate and link stages store them.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

import pytest

from crisol.model import Actor, Event, Mention, Quote
from crisol.read import InputFile, read_input
from crisol.service.runner import default_stages, prepare
from crisol.store import open_store
from crisol.store import search as fts
from crisol.store.link import LinkStore
from crisol.store.schema import stories, story_articles
from crisol.store.testing import BACKENDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "articles.jsonl"


def read_fixture(path: Path = ARTICLES):
    data = path.read_bytes()
    stages = default_stages(analyze=False)
    raws = [r for r in read_input(InputFile(str(path.name), None, data, len(data)))]
    return [prepare(r, stages) for r in raws]


def _by_title(articles, start: str):
    return next(a for a in articles if a.title.startswith(start))


def _annotate_by_hand(articles) -> None:
    pleno, sequia = _by_title(articles, "El pleno"), _by_title(articles, "La sequía")
    quiroga, harbour = _by_title(articles, "Quiroga"), _by_title(articles, "Harbour")
    for a in (pleno, quiroga):
        for name, label, eid in (
            ("Marta Quiroga", "PER", "per-quiroga"),
            ("Valdemora", "LOC", "loc-valdemora"),
        ):
            at = a.text.find(name)
            a.mentions.append(Mention(name, label, at, at + len(name), 0, entity_id=eid))
    q_text = "la única salida al bloqueo del consistorio"
    at = quiroga.text.find(q_text)
    quiroga.quotes.append(
        Quote(
            q_text,
            "indirect",
            "Marta Quiroga",
            "defendió",
            at,
            at + len(q_text),
            0,
            speaker_entity="per-quiroga",
        )
    )
    council = Actor("pleno de Valdemora", "loc-valdemora", "ESP", "GOV")
    pleno.events.append(
        Event(
            "AGREE",
            None,
            council,
            None,
            0,
            pleno.text.split(".")[0],
            "aprobó",
            date="2025-03-02",
            date_precision="day",
        )
    )
    sequia.events.append(
        Event(
            "AID",
            None,
            Actor("consejero de Agricultura"),
            None,
            1,
            "prometió una línea",
            "prometió",
            certainty="hypothetical",
        )
    )
    harbour.events.append(
        Event(
            "AGREE",
            None,
            Actor("council of Wexmoor"),
            None,
            0,
            harbour.text.split(".")[0],
            "voted",
            certainty="attributed",
            attributed_to="the mayor",
        )
    )


def _link_by_hand(store, articles) -> None:
    """Entities and stories as the link stage stores them (its registry records, story rows)."""
    now = datetime(2025, 3, 6, 12, 0)
    by = {a.title.split()[0]: a for a in articles}
    both = sorted([by["El"].id, by["Quiroga"].id])
    LinkStore(store).save_entities(
        [
            {
                "id": "per-quiroga",
                "name": "Marta Quiroga",
                "type": "PER",
                "country": "ESP",
                "role": "mayor",
                "aliases": {"Marta Quiroga": 3, "Quiroga": 2},
                "articles": both,
                "merges": [
                    {"surface": "Quiroga", "rule": "surname", "score": 0.9, "evidence": "same article"}
                ],
            },
            {
                "id": "loc-valdemora",
                "name": "Valdemora",
                "type": "LOC",
                "country": "ESP",
                "role": None,
                "aliases": {"Valdemora": 4},
                "articles": both,
                "merges": [],
            },
        ]
    )
    with store.engine.begin() as conn:
        conn.execute(
            stories.insert(),
            [
                {
                    "id": "s-elecciones",
                    "title": "Elecciones anticipadas en Valdemora",
                    "language": "es",
                    "size": 2,
                    "first": datetime(2025, 3, 2, 9),
                    "last": datetime(2025, 3, 3, 18),
                    "merged_into": None,
                    "updated": now,
                },
                {
                    "id": "s-sequia",
                    "title": "Drought and irrigation limits",
                    "language": "en",
                    "size": 2,
                    "first": datetime(2025, 2, 20, 7),
                    "last": datetime(2025, 3, 5, 12),
                    "merged_into": None,
                    "updated": now,
                },
            ],
        )
        conn.execute(
            story_articles.insert(),
            [
                {"article_id": by["El"].id, "story_id": "s-elecciones", "score": 1.0, "position": 0},
                {"article_id": by["Quiroga"].id, "story_id": "s-elecciones", "score": 0.8, "position": 1},
                {"article_id": by["Farmers"].id, "story_id": "s-sequia", "score": 1.0, "position": 0},
                {"article_id": by["La"].id, "story_id": "s-sequia", "score": 0.7, "position": 1},
            ],
        )


@pytest.fixture(scope="module", params=BACKENDS)
def filled(request, tmp_path_factory, new_store_url):
    """A store URL holding the fixture articles, annotations, entities, stories and the index.

    Shared by a module's tests, which must only read it.
    """
    db_url = new_store_url(request.param, tmp_path_factory.mktemp("api") / "filled.db")
    store = open_store(db_url)
    articles = read_fixture()
    _annotate_by_hand(articles)
    store.add_articles(articles)
    _link_by_hand(store, articles)
    fts.catch_up(store)
    store.close()
    return db_url


def client_for(url: str, **kw) -> TestClient:
    from crisol.api import create_app

    # Requests name API paths ("/articles"); the API is mounted under /api.
    return TestClient(create_app(url, analyze=False, **kw), base_url="http://testserver/api")


@pytest.fixture(scope="module")
def client(filled):
    with client_for(filled) as c:
        yield c


@pytest.fixture
def empty_client(db_url):
    with client_for(db_url) as c:
        yield c


@pytest.fixture
def make_client():
    """``make_client(url, stages=...)``: a TestClient over another store or with other stages."""
    return client_for


@pytest.fixture
def fixture_articles():
    """The fixture articles, read and cleaned (not stored)."""
    return read_fixture()


@pytest.fixture
def articles_path() -> Path:
    return ARTICLES
