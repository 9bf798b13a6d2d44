"""The store keeps articles exactly, adds nothing twice and links exact copies.

Runs on SQLite; set CRISOL_TEST_PG_URL=postgresql://... to run the same tests on PostgreSQL too.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crisol.errors import NotAStore, StoreError
from crisol.model import (
    Actor,
    Article,
    Event,
    Mention,
    Quote,
    Rejection,
    RemovedLine,
    Sentence,
    TimeExpression,
)
from crisol.store import AmbiguousId, InputRecord, database_url, open_store, schema


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.close()


def make_article(n: int, text: str | None = None, **kw) -> Article:
    body = text or f"Artículo número {n}: el consejo municipal aprobó el presupuesto anual."
    defaults = dict(
        id=f"{n:016x}",
        source=f"/tmp/in/{n}.txt",
        raw=f"raw {n}\n{body}".encode() + b"\xff\x00",  # not valid UTF-8 on purpose
        raw_format="text",
        text=body,
        title=f"Título {n}",
        outlet="Diario Ejemplo",
        language="es",
        published=datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc) + timedelta(days=n),
        date_source="metadata",
    )
    defaults.update(kw)
    return Article(**defaults)


def full_article() -> Article:
    text = "La alcaldesa Ana Ruiz dijo el lunes que «el puente abrirá en mayo». Hubo aplausos."
    return make_article(
        42,
        text=text,
        location="line 7",
        url="https://example.org/puente",
        authors=["Redacción", "Pedro Gil"],
        published=datetime(2025, 7, 12, 10, 15, tzinfo=timezone(timedelta(hours=2))),
        fetched=datetime(2025, 7, 13, 8, 0, tzinfo=timezone.utc),
        language_score=0.97,
        analysis="full",
        removed=[RemovedLine("Foto: archivo", "caption", 3), RemovedLine("Compartir", "share-prompt")],
        sentences=[Sentence(0, 0, 67, text[:67]), Sentence(1, 68, 82, text[68:])],
        mentions=[
            Mention(
                "Ana Ruiz",
                "PER",
                13,
                21,
                0,
                entity_id="Q1",
                canonical="Ana Ruiz Gómez",
                country="ESP",
                role="mayor",
                source="gazetteer",
            ),
            Mention("ES", "LOC", 0, 2, 1),
        ],
        dates=[
            TimeExpression("el lunes", 27, 35, 0, "2025-07-07", "day", "weekday-past"),
            TimeExpression("mayo", 60, 64, 0, None, "unresolved"),
        ],
        quotes=[Quote("el puente abrirá en mayo", "direct", "Ana Ruiz", "dijo", 45, 69, 0, "Q1", None)],
        events=[
            Event(
                "CONSULT",
                "visit",
                Actor("Ana Ruiz", "Q1", "ESP", "GOV"),
                None,
                0,
                text[:67],
                "dijo",
                location="Madrid",
                date="2025-07-07",
                date_precision="day",
                certainty="attributed",
                attributed_to="EFE",
                id="ev1",
            ),
            Event("PROTEST", None, None, Actor("Vecinos"), 1, text[68:], "aplausos"),
        ],
    )


def test_full_article_round_trips_with_every_annotation(store):
    original = full_article()
    assert store.add_articles([original])[0].new
    loaded = store.get_article(original.id)
    assert loaded is not None
    # Timestamps come back in UTC: the same instant as stored.
    assert loaded.published == original.published
    assert loaded.published.tzinfo is not None
    expected = original.to_dict()
    got = loaded.to_dict()
    expected["published"] = original.published.astimezone(timezone.utc).isoformat()
    assert got == expected
    assert loaded.raw == original.raw


def test_raw_bytes_are_kept_byte_for_byte(store):
    a = make_article(1, raw=bytes(range(256)))
    store.add_articles([a])
    assert store.raw_bytes(a.id) == bytes(range(256))
    assert store.raw_bytes("ffffffffffffffff") is None


def test_adding_the_same_article_twice_adds_nothing(store):
    a, b = make_article(1), make_article(2)
    first = store.add_articles([a, b])
    again = store.add_articles([make_article(1), make_article(2), make_article(3)])
    assert [x.new for x in first] == [True, True]
    assert [x.new for x in again] == [False, False, True]
    assert store.count_articles() == 3
    # Children are not duplicated either.
    assert len(store.get_article(a.id).removed) == len(a.removed)


def test_a_repeated_id_inside_one_batch_is_stored_once(store):
    results = store.add_articles([make_article(5), make_article(5)])
    assert [bool(r) for r in results] == [True, False]
    assert store.count_articles() == 1


def test_exact_copies_from_other_places_are_linked_to_the_first(store):
    text = "El ayuntamiento cerró la piscina por obras durante todo el verano."
    first = make_article(1, text=text)
    store.add_articles([first])
    # Same words, different spacing and case, from another input: an exact copy.
    later = store.add_articles(
        [
            make_article(2, text="  el AYUNTAMIENTO cerró la piscina\npor obras durante todo el verano."),
            make_article(3, text=text),
            make_article(4),
        ]
    )
    assert [r.copy_of for r in later] == [first.id, first.id, None]
    assert store.get_article(make_article(3).id).copy_of == first.id
    assert store.get_article(first.id).copy_of is None


def test_copies_within_one_batch_point_to_the_earliest(store):
    text = "Texto idéntico publicado por dos agencias distintas el mismo día."
    results = store.add_articles([make_article(7, text=text), make_article(8, text=text)])
    assert results[0].copy_of is None and results[1].copy_of == make_article(7).id


def test_unique_prefix_finds_the_article_and_ambiguous_prefix_says_so(store):
    store.add_articles([make_article(0x10), make_article(0x11), make_article(0x20)])
    assert store.get_article("0000000000000020").id == make_article(0x20).id
    assert store.resolve_id("000000000000002") == make_article(0x20).id
    with pytest.raises(AmbiguousId, match="several articles"):
        store.get_article("000000000000001")
    assert store.get_article("abc") is None
    assert store.get_article("00%") is None


def test_listing_filters_orders_and_pages(store):
    arts = [
        make_article(i, outlet="Norte" if i % 2 else "Sur", language="es" if i < 4 else "en")
        for i in range(6)
    ]
    arts.append(make_article(9, published=None))
    store.add_articles(arts)
    page = store.list_articles(limit=3)
    assert page.total == 7
    assert [a.id for a in page.items] == [make_article(i).id for i in (5, 4, 3)]
    rest = store.list_articles(limit=10, offset=3)
    assert rest.items[-1].published is None  # undated ones last
    assert store.list_articles(outlet="norte").total == 3
    assert store.list_articles(language="en").total == 2
    since = datetime(2025, 3, 3, tzinfo=timezone.utc)
    until = datetime(2025, 3, 5, tzinfo=timezone.utc)
    assert [a.id for a in store.list_articles(since=since, until=until, order="id").items] == [
        make_article(2).id,
        make_article(3).id,
    ]
    assert store.count_articles(outlet="Sur", language="es") == 2
    with pytest.raises(ValueError, match="order must be"):
        store.list_articles(order="title")


def test_iter_articles_streams_full_articles_in_chunks(store):
    arts = [make_article(i) for i in range(7)] + [full_article()]
    store.add_articles(arts)
    got = list(store.iter_articles(chunk=3))
    assert sorted(a.id for a in got) == sorted(a.id for a in arts)
    full = next(a for a in got if a.id == full_article().id)
    assert len(full.events) == 2 and full.events[1].target.name == "Vecinos"
    assert all(a.raw == b"" for a in got)  # raw bytes only on request
    assert next(store.iter_articles(with_raw=True)).raw


def test_transaction_rolls_back_articles_and_input_markers_together(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_articles([make_article(1)])
            store.mark_inputs_done([InputRecord("fp1", "/tmp/in/1.txt", articles=1)])
            raise RuntimeError("killed mid-batch")
    assert store.count_articles() == 0
    assert not store.input_done("fp1")
    with store.transaction():
        store.add_articles([make_article(1)])
        store.mark_inputs_done([InputRecord("fp1", "/tmp/in/1.txt", articles=1)])
    assert store.count_articles() == 1 and store.input_done("fp1")


def test_inputs_runs_and_rejections_are_recorded(store):
    run = store.start_run()
    store.mark_inputs_done([InputRecord("fp-a", "a.jsonl", articles=3, rejected=1)])
    store.mark_inputs_done([InputRecord("fp-a", "a.jsonl", articles=4, rejected=0)])
    assert store.done_inputs(["fp-a", "fp-b"]) == {"fp-a"}
    assert [(r.fingerprint, r.articles) for r in store.list_inputs()] == [("fp-a", 4)]
    store.add_rejections(run, [Rejection("a.jsonl", "not JSON", "line 3"), Rejection("b.bin", "binary")])
    store.finish_run(run, {"new": 3, "rejected": 2})
    info = store.get_run(run)
    assert info.finished is not None and info.counts == {"new": 3, "rejected": 2}
    assert [str(r) for r in store.list_rejections(run)] == ["a.jsonl (line 3): not JSON", "b.bin: binary"]
    assert store.list_rejections(run + 1) == []


def test_reopening_keeps_data_and_sqlite_runs_in_wal_mode(tmp_path):
    path = tmp_path / "keep.db"
    with open_store(str(path)) as s:
        s.add_articles([make_article(1)])
    with open_store(f"sqlite:///{path}") as s:
        assert s.count_articles() == 1
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_database_from_a_newer_crisol_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_store(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="9999_future.*newer crisol"):
        open_store(str(path))


def test_bad_store_locations_give_clear_errors(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "missing" / "x.db"))
    with pytest.raises(StoreError, match="unsupported store URL scheme 'mysql'"):
        open_store("mysql://u@h/db")
    assert database_url("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"


def test_an_empty_or_missing_store_is_created_only_when_asked(db_url):
    """create=False (what reading commands use) refuses to turn a typo into an empty store."""
    on_sqlite = "://" not in db_url  # a missing file; on PostgreSQL, an empty database
    with pytest.raises(NotAStore, match="no crisol store there") as refused:
        open_store(db_url, create=False)
    assert refused.value.creatable
    if on_sqlite:
        assert not Path(db_url).exists(), "refusing must not leave a file behind"
    open_store(db_url).close()  # create=True, the default: ingest
    with open_store(db_url, create=False) as store:
        assert store.count_articles() == 0


def test_what_is_not_a_crisol_store_is_refused_even_to_create(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Notas de la reunión del lunes.\n", encoding="utf-8")
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    with pytest.raises(NotAStore, match="notes.txt: not a crisol store .the file is not an SQLite database"):
        open_store(str(text))
    with pytest.raises(NotAStore, match=r"other.db: not a crisol store: it holds other tables \(photos\)"):
        open_store(str(other))
    with pytest.raises(NotAStore, match="a folder, not a crisol store"):
        open_store(str(tmp_path))
    assert text.read_text(encoding="utf-8").startswith("Notas")  # untouched
    con = sqlite3.connect(other)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["photos"]
    con.close()


def test_migrations_build_exactly_the_schema_the_code_uses(db_url):
    """Every table the store modules declare, as the migrations build it (autogenerate: no diff)."""
    import importlib
    import pkgutil

    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import crisol.store

    # Other store modules (watch, link, search...) add their tables to the same metadata.
    for info in pkgutil.iter_modules(crisol.store.__path__):
        if info.name != "migrations":
            importlib.import_module(f"crisol.store.{info.name}")
    with open_store(db_url) as s, s.engine.connect() as conn:
        # Full-text indexes (SQLite FTS5 virtual tables and their shadow tables) are not tables
        # the code declares: the search module manages them.
        virtual = []
        if conn.dialect.name == "sqlite":
            virtual = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
                )
            ]

        def include_name(name, type_, parent_names):
            return type_ != "table" or not any(name == v or name.startswith(v + "_") for v in virtual)

        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(ctx, schema.metadata)
    assert {"articles", "rejections", "entities", "stories"} <= set(schema.metadata.tables)
    assert diff == []


def test_the_quickly_read_head_revision_is_alembics():
    from crisol.store.migrate import head_revision, scripted_head

    assert scripted_head() == head_revision()


def test_two_processes_creating_the_same_new_database_both_succeed(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "race.db"
    code = f"from crisol.store import open_store; print(open_store({str(path)!r}).count_articles())"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    assert [out.strip() for out, _ in outs] == ["0", "0", "0"]


def test_concurrent_writers_adding_the_same_articles_store_each_once(db_url):
    """Two threads (as in the API server) adding overlapping batches: no error, no duplicate."""
    import threading

    with open_store(db_url) as s:
        errors, results = [], []

        def add(start):
            try:
                for i in range(start, start + 30, 3):
                    results.extend(s.add_articles([make_article(j) for j in range(i, i + 3)]))
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=add, args=(0,)), threading.Thread(target=add, args=(0,))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert s.count_articles() == 30
        assert sum(r.new for r in results) == 30
