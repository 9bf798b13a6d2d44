"""``crisol link-archive``: an archive into a store, as ``crisol ingest`` stores and links the same
articles; chunks that replay the window before them and are stitched; resuming; the engines."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from crisol.batch import linking, schema
from crisol.batch.linking import Chunk, ChunkResult, LinkArchiveReport, link_archive, plan, stitch
from crisol.cli import app
from crisol.model import Article
from crisol.service.linking import WINDOW
from crisol.store import open_store
from crisol.store import search as fts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def examples_archive(tmp_path_factory) -> Path:
    """examples/ through ``crisol batch --engine local``: the articles ``examples_db`` ingested
    (es, en, pt; one undated, one exact copy, stories across languages)."""
    from crisol.batch.engines import run

    out = tmp_path_factory.mktemp("examples-archive") / "archive"
    report = run([str(EXAMPLES)], out, engine="local")
    assert report.articles == 12 and not report.rejected
    return out


def _stories(store) -> list[frozenset[str]]:
    return sorted((frozenset(s.articles) for s in store.links.list_stories(limit=1000).data), key=sorted)


def _story_rows(store) -> dict[frozenset[str], tuple]:
    """Each story's language, size and time span. Its title is one of its articles' (which one
    follows the order stories merged in: ingest keeps the title of the story an article bridging
    two scored highest with, link-archive the earliest story's across languages)."""
    titles = {a.id: a.title for a in store.iter_articles()}
    out = {}
    for s in store.links.list_stories(limit=1000).data:
        assert s.title in {titles[i] for i in s.articles}
        out[frozenset(s.articles)] = (s.language, s.size, s.first, s.last)
    return out


def _relations(store) -> set[tuple[str, str, str]]:
    ids = [a.id for a in store.iter_articles()]
    return {(r["a"], r["b"], r["kind"]) for r in store.links.relations_among(ids)}


def _articles(store) -> dict[str, dict]:
    """Each article as the API shows it; ``copy_of`` names the first stored of the copies, which
    depends on the order they were stored in: compared as the set of copies instead."""
    return {a.id: {**a.to_dict(), "copy_of": None} for a in store.iter_articles()}


def _copies(store) -> set[frozenset[str]]:
    return {frozenset((a.id, a.copy_of)) for a in store.iter_articles() if a.copy_of}


def _linked(archive: Path, tmp_path: Path, name: str = "archive.db", **options):
    store = open_store(str(tmp_path / name))
    report = link_archive(archive, store, **options)
    return store, report


def test_the_archive_lands_in_the_store_as_ingest_stores_and_links_it(examples_archive, examples_db, db_url):
    store = open_store(db_url)
    report = link_archive(examples_archive, store)
    with store, open_store(str(examples_db)) as local:
        assert report.stored == 12 and report.linked == 12 and report.inputs == 8
        assert report.across_languages > 0  # the examples tell two events in es, en and pt
        assert _stories(store) == _stories(local)
        assert _story_rows(store) == _story_rows(local)
        assert _relations(store) == _relations(local)
        assert _articles(store) == _articles(local)  # mentions with their registry entities too
        assert _copies(store) == _copies(local)
        assert store.links.load_entities() == local.links.load_entities()
        _same_profiles(store, local)
        assert {r.fingerprint for r in store.list_inputs()} == {r.fingerprint for r in local.list_inputs()}
        assert not fts.missing_article_ids(store) and all(fts.in_step(store).values())


def _profiles(store):
    ids = [a.id for a in store.iter_articles()]
    profiles = store.links.load_profiles(ids)
    return [(i, profiles[i]) for i in ids]


def _same_profiles(store, local) -> None:
    """Names and who-met-whom keys equal; embeddings to float noise (the archive's were computed
    in other batches than ingest's)."""
    import numpy as np

    mine, theirs = dict(_profiles(store)), dict(_profiles(local))
    assert mine.keys() == theirs.keys()
    for i, p in mine.items():
        assert p.names == theirs[i].names and p.keys == theirs[i].keys
        assert np.allclose(p.embedding, theirs[i].embedding, atol=1e-5)


def test_chunks_of_a_day_replay_the_window_before_them_and_stitch_into_the_same_stories(
    examples_archive, examples_db, tmp_path
):
    store, report = _linked(examples_archive, tmp_path, period=timedelta(days=1))
    with store, open_store(str(examples_db)) as local:
        assert len(report.chunks) > len({c["language"] for c in report.chunks})  # cut into periods
        assert any(c["replayed"] for c in report.chunks) and report.continued > 0
        assert _stories(store) == _stories(local)
        assert _story_rows(store) == _story_rows(local)
        assert _relations(store) == _relations(local)  # a copy found across a chunk edge too


def test_a_second_run_stores_nothing_and_links_nothing(examples_archive, tmp_path):
    store, _ = _linked(examples_archive, tmp_path)
    with store:
        before = _stories(store), _relations(store)
        again = link_archive(examples_archive, store)
        assert (again.stored, again.already_stored, again.linked, again.chunks) == (0, 12, 0, [])
        assert (_stories(store), _relations(store)) == before


def test_a_run_stopped_between_chunks_finishes_the_rest_when_run_again(
    examples_archive, examples_db, tmp_path, monkeypatch
):
    real, calls = linking.stitch, []

    def stitch_then_stop(*args, **kwargs):
        if len(calls) == 3:
            raise KeyboardInterrupt  # as Ctrl-C between two chunks
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(linking, "stitch", stitch_then_stop)
    store = open_store(str(tmp_path / "stopped.db"))
    with pytest.raises(KeyboardInterrupt):
        link_archive(examples_archive, store, period=timedelta(days=1))
    monkeypatch.setattr(linking, "stitch", real)
    with store, open_store(str(examples_db)) as local:
        left = link_archive(examples_archive, store, period=timedelta(days=1))
        assert left.stored == 0 and 0 < left.linked < 12
        assert _stories(store) == _stories(local)


def test_a_run_stopped_before_joining_languages_joins_them_when_run_again(
    examples_archive, examples_db, tmp_path, monkeypatch
):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(linking, "join_languages", stop)
    store = open_store(str(tmp_path / "stopped.db"))
    with pytest.raises(KeyboardInterrupt):
        link_archive(examples_archive, store)
    monkeypatch.undo()
    with store, open_store(str(examples_db)) as local:
        assert _stories(store) != _stories(local)  # each language's stories, not joined yet
        again = link_archive(examples_archive, store)
        assert again.linked == 0 and again.across_languages > 0
        assert _stories(store) == _stories(local)
        assert not store.unfinished_runs()
        assert link_archive(examples_archive, store).across_languages == 0  # once is enough


def test_the_command_links_the_archive_and_reports_it(examples_archive, tmp_path):
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(app, ["link-archive", str(examples_archive), "--db", db, "--period", "7"])
    assert result.exit_code == 0, result.output
    assert '"linked": 12' in result.stdout
    missing = CliRunner().invoke(
        app, ["link-archive", str(tmp_path / "nowhere"), "--db", db], env={"COLUMNS": "300"}
    )
    assert missing.exit_code == 2 and "no archive folder" in missing.output


# ---- the parts, without models --------------------------------------------------------------


def _article(article_id: str, language: str, published: datetime | None) -> Article:
    text = f"Texto {article_id}."
    return Article(
        id=article_id, source="t.jsonl", raw=text.encode(), raw_format="text", text=text,
        language=language, published=published, title=f"Título {article_id}",
    )  # fmt: skip


def _write_archive(root: Path, articles: list[Article]) -> None:
    """A tiny archive in ``crisol batch``'s layout (one file per partition, no embeddings)."""
    table = schema.to_table(articles)
    for date in set(table.column("date").to_pylist()):
        for language in set(table.column("language").to_pylist()):
            rows = [
                i
                for i, (d, lang) in enumerate(
                    zip(table.column("date").to_pylist(), table.column("language").to_pylist())
                )
                if (d, lang) == (date, language)
            ]
            if rows:
                folder = root / f"date={date}" / f"language={language}"
                folder.mkdir(parents=True)
                part = table.take(rows).drop_columns(list(schema.PARTITION_KEYS))
                pq.write_table(part.cast(schema.FILE_SCHEMA), folder / "k.parquet")


DAY = timedelta(days=1)
T0 = datetime(2025, 3, 3, 12, tzinfo=timezone.utc)  # a Monday


def test_plan_cuts_each_language_into_periods_and_gives_undated_articles_to_the_first(tmp_path):
    articles = [
        _article("es1", "es", T0),
        _article("es2", "es", T0 + 8 * DAY),
        _article("es3", "es", None),
        _article("en1", "en", T0 + DAY),
    ]
    _write_archive(tmp_path / "a", articles)
    with open_store(":memory:") as store:
        chunks = plan(tmp_path / "a", store, timedelta(days=7))
        assert [(c.language, c.own) for c in chunks] == [
            ("en", ("en1",)),
            ("es", ("es1", "es3")),
            ("es", ("es2",)),
        ]
        assert chunks[1].period + 1 == chunks[2].period
        assert [(c.language, c.period, c.own) for c in plan(tmp_path / "a", store)] == [
            ("en", None, ("en1",)), ("es", None, ("es1", "es2", "es3")),
        ]  # fmt: skip


def test_a_chunk_replays_the_window_before_its_first_article_and_no_more(tmp_path):
    first = T0 + 40 * DAY
    articles = [
        _article("old", "es", first - WINDOW - DAY),  # before the window: not replayed
        _article("in", "es", first - WINDOW + DAY),
        _article("own", "es", first),
        _article("later", "es", first + 2 * DAY),  # after the chunk's last own article
        _article("other", "en", first - DAY),  # another language's
    ]
    _write_archive(tmp_path / "a", articles)
    rows = linking._chunk_rows(tmp_path / "a", Chunk("es", None, ("own",), first, first))
    assert [(i, own) for i, _, own in rows] == [("in", False), ("own", True)]


def _story(store, article_id: str) -> str:
    return store.links.memberships([article_id])[article_id][0]


def test_stitch_continues_the_stories_a_chunk_replayed_and_merges_those_it_bridged(db_url):
    with open_store(db_url) as store:
        a = [_article(f"a{i}", "es", T0 + i * DAY) for i in range(5)]
        store.add_articles(a)
        store.links.add_to_story("s000001", "a0", 1.0, "Título a0", "es", 1, a[0].published, a[0].published)
        store.links.add_to_story("s000002", "a1", 1.0, "Título a1", "es", 1, a[1].published, a[1].published)
        result = ChunkResult(
            Chunk("es", 3, ("a2", "a3", "a4")),
            own=[(x.id, x.published, x.title) for x in a[2:]],
            replayed=2,
            stories={"a0": "c1", "a1": "c1", "a2": "c1", "a3": "c1", "a4": "c2"},
            scores={"a2": 0.9, "a3": 0.8, "a4": 1.0},
            relations=[{"a": "a1", "b": "a3", "kind": "rewrite", "score": 0.7}],
        )
        report = LinkArchiveReport()
        touched = stitch(store, result, report)
        assert {_story(store, f"a{i}") for i in range(4)} == {"s000001"}  # a2 bridged both stories
        assert _story(store, "a4") == "s000003"
        assert touched == {"s000001", "s000003"}
        rows = store.links.story_rows(["s000001", "s000002", "s000003"])
        assert (rows["s000001"].size, rows["s000001"].first, rows["s000001"].last) == (
            4,
            a[0].published,
            a[3].published,
        )
        assert rows["s000002"].size == 0 and store.links.merged_target("s000002") == "s000001"
        assert store.links.story_members("s000001") == ["a0", "a1", "a2", "a3"]
        assert (report.continued, report.stitched, report.stories_created, report.linked) == (1, 1, 1, 3)
        assert [h["action"] for h in store.links.story_history("s000003")] == ["create"]
        assert store.links.relations_of("a3")[0]["kind"] == "rewrite"


# ---- engines ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_processes_link_the_same_stories_as_one(examples_archive, examples_db, tmp_path):
    db = str(tmp_path / "workers.db")
    store, report = _linked(
        examples_archive, tmp_path, "workers.db", period=timedelta(days=1), workers=2, store_url=db
    )
    with store, open_store(str(examples_db)) as local:
        assert len({c["worker"] for c in report.chunks}) == 2
        assert _stories(store) == _stories(local) and _relations(store) == _relations(local)


@pytest.mark.slow
def test_ray_tasks_link_the_same_stories_as_one_process(examples_archive, examples_db, tmp_path):
    from crisol.batch import engines

    try:
        ray = engines.import_ray()
    except engines.EngineUnavailable as e:
        pytest.skip(f"Ray cannot be imported here: {e}")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=engines.LOCAL_OBJECT_STORE,
        log_to_driver=False,
    )
    try:
        db = str(tmp_path / "ray.db")
        store, report = _linked(
            examples_archive,
            tmp_path,
            "ray.db",
            period=timedelta(days=1),
            engine="ray",
            workers=2,
            store_url=db,
        )
    finally:
        ray.shutdown()
    with store, open_store(str(examples_db)) as local:
        assert report.linked == 12
        assert _stories(store) == _stories(local) and _relations(store) == _relations(local)
