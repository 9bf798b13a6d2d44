"""Migration 0006_sources: an article's credited wire agency and where each event's date came
from are stored, read back, shown in the read shapes, and filled in for older stores.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timezone

from sqlalchemy import inspect

from crisol.model import Actor, Article, Event, RemovedLine, TimeExpression
from crisol.store import open_store, queries
from crisol.store.migrate import alembic_config, current_revision, scripted_head

M = importlib.import_module("crisol.store.migrations.versions.0006_sources")


def _article(n: int, agency: str | None, byline: str | None = None, dated_in_text: bool = False) -> Article:
    text = f"El puerto número {n} reabrió el martes tras la tormenta. Los pescadores celebraron la noticia."
    removed = [RemovedLine(byline, "byline", 1)] if byline else []
    # "hoy" in the second sentence resolves to the publication day: its event's date is the text's
    dates = [TimeExpression("hoy", 0, 3, 1, f"2025-05-{n:02d}", "day", "deictic")] if dated_in_text else []
    return Article(
        id=f"{n:016x}",
        source=f"/in/{n}.txt",
        raw=text.encode(),
        raw_format="text",
        text=text,
        title=f"Puerto {n}",
        outlet="Diario del Sur",
        language="es",
        agency=agency,
        removed=removed,
        published=datetime(2025, 5, n, 8, tzinfo=timezone.utc),
        date_source="metadata",
        dates=dates,
        events=[
            Event(
                "COOPERATE",
                None,
                Actor("Pescadores"),
                None,
                1,
                "Los pescadores celebraron la noticia.",
                "celebraron",
                date=f"2025-05-{n:02d}",
                date_precision="day",
                date_source="published",
            ),
            Event(
                "AID",
                None,
                Actor("Gobierno"),
                None,
                0,
                "El puerto reabrió el martes.",
                "reabrió",
                date="2025-05-06",
                date_precision="day",
                date_source="text",
            ),
            Event("PROTEST", None, None, None, 0, "El puerto reabrió el martes.", "reabrió"),
        ],
    )


def test_agency_and_event_date_sources_round_trip(db_url):
    with open_store(db_url) as store:
        store.add_articles([_article(1, "EFE"), _article(2, None)])
        one, two = store.get_article("0000000000000001"), store.get_article("0000000000000002")
        assert one.agency == "EFE" and two.agency is None
        assert [e.date_source for e in one.events] == ["published", "text", None]
        # the read shapes come from the columns: the article in full and the event listing
        detail = queries.get_article(store, one.id)
        assert detail["agency"] == "EFE"
        assert [e["date_source"] for e in detail["events"]] == ["published", "text", None]
        listed = queries.list_events(store, type="AID", limit=10).items
        assert [e["date_source"] for e in listed] == ["text", "text"]
        rows = queries.AnnotationQueries(store).events(type="COOPERATE")
        assert {r.event.date_source for r in rows} == {"published"}


def _downgrade(store, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _columns(store, table: str) -> set[str]:
    with store.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_upgrading_an_older_store_fills_agencies_from_bylines_and_date_sources(db_url):
    with open_store(db_url) as store:
        store.add_articles(
            [
                _article(1, "EFE", byline="Por Ana Gil / EFE"),
                _article(2, None, byline="Por Luis Mora"),
                _article(3, "Reuters", byline="By Jane Doe and John Roe, Reuters", dated_in_text=True),
                _article(4, None),
            ]
        )
        _downgrade(store, "0005_indexes")
        assert current_revision(store.engine) == "0005_indexes"
        assert "agency" not in _columns(store, "articles") and "date_source" not in _columns(store, "events")
        assert store.count_articles() == 4
    with open_store(db_url) as store:  # opening upgrades again
        assert current_revision(store.engine) == scripted_head()
        agencies = {i: store.get_article(f"{i:016x}").agency for i in (1, 2, 3, 4)}
        assert agencies == {1: "EFE", 2: None, 3: "Reuters", 4: None}
        # events stored before the revision: where their dates came from, as the readers inferred it
        assert [e.date_source for e in store.get_article(f"{1:016x}").events] == ["published", "text", None]
        assert [e.date_source for e in store.get_article(f"{3:016x}").events] == ["text", "text", None]
        assert store.count_articles() == 4


def test_the_migration_names_its_place_in_the_chain():
    assert (M.revision, M.down_revision) == ("0006_sources", "0005_indexes")
