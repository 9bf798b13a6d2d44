"""``crisol export --format parquet``: the store's articles in the archive's schema, read back
whole, and queried with the archive's recipes."""

from __future__ import annotations

from dataclasses import replace

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from crisol.batch import schema
from crisol.batch.export import write_parquet
from crisol.cli import app
from crisol.store import open_store


@pytest.fixture(scope="module")
def exported(examples_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "articles.parquet"
    with open_store(str(examples_db)) as store:
        assert write_parquet(store, path) == 12
    return path


def test_the_export_round_trips_the_stored_articles_and_embeddings(examples_db, exported):
    table = pq.read_table(exported)
    assert table.schema.names == schema.ARTICLE_SCHEMA.names
    assert table.schema.metadata == schema.ARTICLE_SCHEMA.metadata
    table = table.cast(schema.ARTICLE_SCHEMA)  # Parquet names list items "element"; nothing else moves
    back = {a.id: (a, e) for a, e in schema.from_table(table)}
    with open_store(str(examples_db)) as store:
        stored = list(store.iter_articles(with_raw=True))
        profiles = store.links.load_profiles([a.id for a in stored])
    assert back.keys() == {a.id for a in stored}
    for article in stored:
        again, embedding = back[article.id]
        assert again == replace(article, copy_of=None)  # copy_of is the store's finding, not kept
        assert embedding.tolist() == profiles[article.id].embedding.tolist()
    assert any(m.entity_id for a, _ in back.values() for m in a.mentions)  # the registry's ids


def test_the_recipes_run_on_an_export_as_on_an_archive(exported):
    duckdb = pytest.importorskip("duckdb", reason="DuckDB comes with the batch extra")
    del duckdb
    from crisol.batch.query import RECIPES, connect, query

    with connect(exported) as con:
        per_outlet = list(query(con, RECIPES["articles-per-outlet"]).rows)
        entities = list(query(con, RECIPES["top-entities-per-week"]).rows)
    assert sum(row[2] for row in per_outlet) == 12
    assert any(":" in row[2] for row in entities)  # registry ids (per:..., loc:...) on an export


def test_export_filters_apply_and_the_command_needs_a_file(examples_db, tmp_path):
    path = tmp_path / "es.parquet"
    result = CliRunner().invoke(
        app, ["--db", str(examples_db), "export", "--format", "parquet", "--language", "es", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert set(pq.read_table(path).column("language").to_pylist()) == {"es"}
    no_file = CliRunner().invoke(app, ["--db", str(examples_db), "export", "--format", "parquet"])
    assert no_file.exit_code == 2
    quotes = CliRunner().invoke(
        app, ["--db", str(examples_db), "export", "--format", "parquet", "--what", "quotes", "-o", str(path)]
    )
    assert quotes.exit_code == 2
