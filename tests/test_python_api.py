"""The Python API (``crisol.analyze``, ``crisol.open``): light to import, the pipeline's own
article, the read side's shapes as the REST API answers them, and clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import crisol
from crisol.cli import app

ARTICLE = """Sube el precio del pan en Quito

Por Redacción

La Asociación de Panaderos de Pichincha anunció este lunes una subida del 10 % en el precio del pan.
"No podemos seguir absorbiendo el coste de la harina", dijo su presidente, Julián Andrade.

Te puede interesar: Cinco claves para entender la inflación
"""


def imported_after(code: str) -> list[str]:
    """The crisol modules and heavy libraries loaded after running ``code`` in a fresh interpreter."""
    src = str(Path(crisol.__file__).resolve().parents[1])  # this checkout, not another install
    probe = f"{code}\nimport sys\nprint(sorted(m for m in sys.modules if m.split('.')[0] in "
    probe += "('crisol', 'spacy', 'sqlalchemy', 'numpy', 'fastapi')))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_import_crisol_loads_nothing_else_until_a_name_is_used(tmp_path):
    assert imported_after("import crisol") == ["crisol"]
    assert imported_after("import crisol; crisol.__version__") == ["crisol"]
    # reading a store needs SQLAlchemy, never spaCy or the web stack
    reading = imported_after(
        f"import crisol; crisol.open({str(tmp_path / 's.db')!r}, create=True).articles()"
    )
    assert "sqlalchemy" in reading and not {"spacy", "numpy", "fastapi"} & set(reading)
    assert "analyze" in dir(crisol) and set(crisol.__all__) == {"__version__", *crisol._LAZY}
    assert all(getattr(crisol, name) is not None for name in crisol.__all__)
    with pytest.raises(AttributeError, match="no attribute 'analyse'"):
        crisol.analyse  # noqa: B018 - the attribute look-up is the test


# ---- analyze ---------------------------------------------------------------------------------


def test_analyze_returns_the_article_the_pipeline_stores(tmp_path):
    """Same stages as ingest: the stored article has the same text, removals and annotations."""
    from crisol.service.runner import ingest
    from crisol.store import open_store

    analysed = crisol.analyze(ARTICLE)
    assert isinstance(analysed, crisol.Article) and analysed.language == "es"
    assert [r.reason for r in analysed.removed] == ["byline", "related-links"]
    assert [(q.kind, q.speaker) for q in analysed.quotes] == [
        ("stance", "Asociación de Panaderos de Pichincha"),  # what it announced
        ("direct", "Julián Andrade"),
    ]
    (tmp_path / "pan.txt").write_text(ARTICLE, encoding="utf-8")
    with open_store(str(tmp_path / "s.db")) as store:
        ingest([str(tmp_path / "pan.txt")], store)
        [stored] = store.load_articles([store.list_articles().items[0].id], with_raw=False)
    assert (stored.text, stored.removed, stored.title) == (analysed.text, analysed.removed, analysed.title)
    mentions = [(m.text, m.label, m.start) for m in analysed.mentions]
    assert [(m.text, m.label, m.start) for m in stored.mentions] == mentions
    assert [(q.text, q.speaker) for q in stored.quotes] == [(q.text, q.speaker) for q in analysed.quotes]
    assert [e.type for e in stored.events] == [e.type for e in analysed.events]


def test_analyze_takes_html_bytes_and_a_language():
    page = f"<html><head><title>Pan</title></head><body><article><h1>Sube el pan</h1><p>{ARTICLE}</p>"
    page += "</article></body></html>"
    article = crisol.analyze(page.encode("utf-8"), language="es")
    assert article.raw_format == "html" and "Julián Andrade" in article.text and article.language == "es"


@pytest.mark.parametrize(
    ("given", "error", "reason"),
    [
        ("", ValueError, "empty input"),
        (" \n\t", ValueError, "empty input"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), ValueError, "binary file (PNG image)"),
        ("Hola.", ValueError, "too short to be an article"),
        (
            '{"text": "Uno dos tres cuatro."}\n{"text": "Cinco seis siete ocho."}\n',
            ValueError,
            "holds 2 articles",
        ),
        (None, TypeError, "str or bytes, not NoneType"),
    ],
)
def test_analyze_says_why_an_input_holds_no_article(given, error, reason):
    with pytest.raises(error) as raised:
        crisol.analyze(given)
    assert reason in str(raised.value)


# ---- open ------------------------------------------------------------------------------------


def test_open_refuses_what_is_no_store_and_creates_only_when_asked(tmp_path):
    with pytest.raises(crisol.NotAStore, match="storre.db: no crisol store there.*create=True"):
        crisol.open(tmp_path / "storre.db")
    notes = tmp_path / "notes.txt"
    notes.write_text("Lista de la compra: pan, leche.\n", encoding="utf-8")
    with pytest.raises(crisol.NotAStore, match="not an SQLite database") as raised:
        crisol.open(notes, create=True)
    assert "create=True" not in str(raised.value)  # creating would not help
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    with crisol.open(tmp_path / "new.db", create=True) as store:
        assert store.articles().total == 0 and store.search("pan").total == 0
    with crisol.open(tmp_path / "new.db") as store:
        assert repr(store).endswith("new.db>")


@pytest.fixture
def store(examples_db, tmp_path):
    copy = tmp_path / "crisol.db"
    shutil.copyfile(examples_db, copy)  # reading a story stores its view
    with crisol.open(copy) as opened:
        yield opened


def api_get(db: str, path: str) -> dict:
    result = CliRunner().invoke(app, ["api", "get", path, "--db", db])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_listings_are_what_the_rest_api_answers(store):
    db = store.where.removeprefix("sqlite:///")
    pairs = [
        (store.articles(language="es", limit=100), "/articles?language=es&limit=100"),
        (store.stories(sort="-size"), "/stories?sort=-size"),
        (store.entities(type="PER"), "/entities?type=PER"),
        (store.quotes(outlet="diario del sur"), "/quotes?outlet=diario%20del%20sur"),
        (store.events(type="CONSULT"), "/events?type=CONSULT"),
        (store.grouped_events(), "/events/grouped"),
    ]
    for page, path in pairs:
        answer = api_get(db, path)
        assert page.total == answer["count"] > 0, path
        assert json.loads(json.dumps(page.items)) == answer["data"], path
    hits = store.search("Perú", kinds=["story", "entity"])
    answer = api_get(db, "/search?q=Per%C3%BA&kind=story&kind=entity")
    assert (hits.total, hits.items, hits.expanded) == (answer["count"], answer["data"], answer["expanded"])


def test_one_thing_in_full_by_prefix_name_or_article(store):
    newest = store.articles(limit=1).items[0]
    article = store.article(newest["id"][:10])
    assert article["id"] == newest["id"] and article["text"] and "removed" in article
    story = store.story(newest["id"])  # a story by one of its articles
    assert story["id"] == newest["story"] and newest["id"] in story["articles"]
    assert store.entity("medina")["name"] == "Álvaro Medina"
    assert store.entity("nadie en absoluto") is None and store.article("ffffffffffff") is None


def test_filters_take_dates_text_and_any_case(store):
    by_text = store.articles(since="2025-11-01", outlet="DIARIO DEL SUR")
    by_date = store.articles(since=date(2025, 11, 1), outlet="diario del sur")
    assert by_text.items == by_date.items and by_text.total == 1
    through_9th = [a["published"] for a in store.articles(until="2025-10-09", limit=100).items]
    assert any(p.startswith("2025-10-09") for p in through_9th)  # a bare date until: the whole day
    assert all(p < "2025-10-10" for p in through_9th)
    through_8th = [a["published"] for a in store.articles(until=date(2025, 10, 8), limit=100).items]
    assert through_8th and not any(p.startswith("2025-10-09") for p in through_8th)
    with pytest.raises(ValueError, match="since='ayer' is not a date"):
        store.articles(since="ayer")
    with pytest.raises(ValueError, match="sort must be one of"):
        store.stories(sort="title")


def test_a_collection_narrows_every_listing_as_the_rest_api_does(store):
    from crisol.store import open_store
    from crisol.store.outlets import add_to_collection, create_collection

    with open_store(store.where) as writable:
        create_collection(writable, "Sur")
        add_to_collection(writable, "Sur", ["Diario del Sur"])
    db = store.where.removeprefix("sqlite:///")
    pairs = [
        (store.articles(collection="Sur"), "/articles?collection=Sur"),
        (store.stories(collection="Sur"), "/stories?collection=Sur"),
        (store.quotes(collection="Sur"), "/quotes?collection=Sur"),
        (store.events(collection="Sur"), "/events?collection=Sur"),
    ]
    for page, path in pairs:
        answer = api_get(db, path)
        assert page.total == answer["count"] and json.loads(json.dumps(page.items)) == answer["data"], path
    articles = store.articles(collection="Sur").items
    assert articles and {a["outlet"] for a in articles} == {"Diario del Sur"}
    assert store.articles(collection="Sur").total < store.articles().total
    hits = store.search("Perú", kinds=["article"], collection="Sur")
    answer = api_get(db, "/search?q=Per%C3%BA&kind=article&collection=Sur")
    assert 0 < hits.total == answer["count"] and hits.items == answer["data"]
    with pytest.raises(ValueError, match="'Nadie' does not exist"):
        store.articles(collection="Nadie")
