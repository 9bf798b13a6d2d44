"""Saved searches (migration 0010): what is new past a high-water mark, for a query, an entity
and a story; nothing reported twice, nothing skipped when many articles arrive at once or while
a check runs, and articles not yet indexed or linked wait for the horizon.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timezone

from sqlalchemy import inspect

from crisol.model import Article, Mention
from crisol.service import alerts
from crisol.store import open_store
from crisol.store.migrate import alembic_config, current_revision
from crisol.store.saved import Mark
from crisol.store.search import index_articles

M = importlib.import_module("crisol.store.migrations.versions.0010_saved_searches")
PUBLISHED = datetime(2025, 4, 1, 9, tzinfo=timezone.utc)


def _article(
    n: int, text: str, *, language: str = "es", outlet: str = "Diario del Sur", entity=None
) -> Article:
    mentions = []
    if entity:
        mentions = [Mention("Valdemora", "LOC", 0, 9, 0, entity_id=entity, canonical="Valdemora")]
    return Article(
        id=f"{n:016x}",
        source=f"/in/{n}.txt",
        raw=text.encode(),
        raw_format="text",
        text=text,
        title=f"Nota {n}",
        outlet=outlet,
        language=language,
        published=PUBLISHED,
        mentions=mentions,
    )


def _store(db, *articles: Article, index: bool = True, link: bool = True) -> None:
    db.add_articles(list(articles))
    if index:
        index_articles(db, articles)
    if link:
        for a in articles:
            db.links.add_to_story(f"s{a.id[-4:]}", a.id, 1.0, a.title, a.language, 1, None, None)


def _ids(alert) -> list[str]:
    return [item.article.id for item in alert.items]


def test_a_saved_query_reports_each_new_match_once(db_url):
    with open_store(db_url) as db:
        _store(db, _article(1, "La sequía obliga a limitar el riego en el valle."))
        saved = alerts.save(db, alerts.SaveRequest("search", "sequía riego", language="es"))
        assert alerts.check(db, saved).total == 0  # what was there when saved is not news

        # a batch stored at one instant: matches in another language or without the words stay out
        _store(
            db,
            _article(2, "El riego vuelve tras la sequía del invierno."),
            _article(3, "Drought and irrigation: sequía riego en inglés.", language="en"),
            _article(4, "El pleno aprobó el presupuesto municipal."),
            _article(5, "Las sequías largas vacían los pozos de riego."),
        )
        alert = alerts.check(db, saved)
        assert _ids(alert) == [f"{2:016x}", f"{5:016x}"] and alert.total == 2
        assert _ids(alerts.check(db, saved)) == _ids(alert)  # not seen yet: still new

        alerts.mark_seen(db, alert)
        saved = db.saved.get(saved.id)
        assert alerts.check(db, saved).total == 0  # seen: never again
        _store(db, _article(6, "Nueva sequía, nuevo recorte del riego."))
        assert _ids(alerts.check(db, saved)) == [f"{6:016x}"]


def test_the_mark_moves_to_the_horizon_checked_not_past_what_arrived_since(db_url):
    with open_store(db_url) as db:
        saved = alerts.save(db, alerts.SaveRequest("search", "puerto", name="puertos"))
        _store(db, _article(1, "El puerto reabrió."))
        alert = alerts.check(db, saved)
        _store(db, _article(2, "El puerto cerró otra vez."))  # arrives after the check, before the mark
        alerts.mark_seen(db, alert)
        assert _ids(alerts.check(db, db.saved.get("puertos"))) == [f"{2:016x}"]


def test_articles_not_yet_indexed_hold_the_horizon_until_they_are(db_url):
    with open_store(db_url) as db:
        saved = alerts.save(db, alerts.SaveRequest("search", "puerto"))
        _store(db, _article(1, "El puerto reabrió."), index=False)
        _store(db, _article(2, "El puerto cerró."))
        alert = alerts.check(db, saved)
        assert alert.total == 0  # 2 is indexed, but 1 before it is not: showing 2 would skip 1
        alerts.mark_seen(db, alert)
        index_articles(db, [_article(1, "El puerto reabrió.")])
        assert _ids(alerts.check(db, db.saved.get(saved.id))) == [f"{1:016x}", f"{2:016x}"]


def test_an_entity_alert_counts_articles_naming_it_once_linked(db_url):
    with open_store(db_url) as db:
        db.links.save_entities(
            [
                {
                    "id": "loc-valdemora",
                    "name": "Valdemora",
                    "type": "LOC",
                    "country": "ESP",
                    "role": None,
                    "aliases": {"Valdemora": 1},
                    "articles": [],
                    "merges": [],
                }
            ]  # fmt: skip
        )
        saved = alerts.save(db, alerts.SaveRequest("entity", "Valdemora", outlet="diario del sur"))
        assert saved.target == "loc-valdemora" and saved.name == "entity: Valdemora"
        _store(db, _article(1, "Valdemora vota.", entity="loc-valdemora"), link=False)
        assert alerts.check(db, saved).total == 0  # not linked yet
        _store(db, _article(2, "Valdemora celebra.", entity="loc-valdemora", outlet="Otro"))
        db.links.add_to_story("s1", f"{1:016x}", 1.0, "Nota 1", "es", 1, None, None)
        assert _ids(alerts.check(db, saved)) == [f"{1:016x}"]  # the other outlet is filtered out


def test_a_story_alert_lists_its_new_articles_and_changes(db_url):
    with open_store(db_url) as db:
        _store(db, _article(1, "El puerto reabrió."), link=False)
        db.links.add_to_story("s-puerto", f"{1:016x}", 1.0, "Puerto", "es", 1, None, None)
        db.links.add_history([{"story": "s-puerto", "action": "create", "article": f"{1:016x}"}])
        saved = alerts.save(db, alerts.SaveRequest("story", "s-pu"))
        assert saved.target == "s-puerto" and alerts.check(db, saved).total == 0

        _store(db, _article(2, "El puerto cerró."), link=False)
        db.links.add_to_story("s-puerto", f"{2:016x}", 0.9, "Puerto", "es", 2, None, None)
        db.links.add_history(
            [
                {"story": "s-puerto", "action": "add", "article": f"{2:016x}", "score": 0.9},
                {"story": "s-otro", "action": "add", "article": f"{3:016x}"},  # another story's
                {"story": "s-grande", "action": "merge", "merged": "s-puerto"},
            ]
        )
        alert = alerts.check(db, saved)
        assert [(i.action, i.article.id if i.article else None) for i in alert.items] == [
            ("add", f"{2:016x}"),
            ("merge", None),
        ]
        alerts.mark_seen(db, alert)
        assert alerts.check(db, db.saved.get(saved.id)).total == 0


def test_names_are_unique_and_bad_requests_say_why(db_url):
    with open_store(db_url) as db:
        alerts.save(db, alerts.SaveRequest("search", "puerto", name="p"))
        for request, says in [
            (alerts.SaveRequest("search", "otra", name="p"), "already called"),
            (alerts.SaveRequest("search", "  "), "nothing to save"),
            (alerts.SaveRequest("entity", "Nadie"), "no entity"),
            (alerts.SaveRequest("story", "zz"), "no story"),
            (alerts.SaveRequest("search", "x", webhook="file:///etc/passwd"), "http"),
            (alerts.SaveRequest("topic", "x"), "unknown kind"),
        ]:
            try:
                alerts.save(db, request)
            except alerts.SavedSearchError as e:
                assert says in str(e)
            else:
                raise AssertionError(f"{request} was saved")
        assert [s.name for s in db.saved.list()] == ["p"]
        assert db.saved.remove(db.saved.get("p").id) and db.saved.list() == []


def test_marks_round_trip_with_their_time_zone(db_url):
    with open_store(db_url) as db:
        _store(db, _article(1, "El puerto reabrió."))
        mark = db.saved.horizon("search")
        assert mark.article == f"{1:016x}" and mark.at.tzinfo is not None
        assert Mark.from_json(mark.to_json()) == mark


def test_the_migration_creates_and_drops_the_table(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = open_store(url)
    assert inspect(db.engine).has_table("saved_searches")
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, M.down_revision)
    assert not inspect(db.engine).has_table("saved_searches")
    assert current_revision(db.engine) == M.down_revision
    db.close()
    with open_store(url) as again:  # upgraded back on open
        assert inspect(again.engine).has_table("saved_searches")
