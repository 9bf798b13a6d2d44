"""``crisol batch`` on Ray Data (a local cluster of 2 CPUs), through ``crisol bench batch`` on the
fixture crawl: the same archive as the local engine and as ingest, with 1 and 2 workers, and a
rerun that adds nothing. Skipped, saying why, only where Ray cannot be imported."""

from __future__ import annotations

import pytest

from crisol.batch import engines
from crisol.batch.archive import read_articles
from crisol.bench import batch as bench


@pytest.fixture(scope="module")
def ray_module():
    try:
        return engines.import_ray()
    except engines.EngineUnavailable as e:
        pytest.skip(f"Ray cannot be imported here: {e}")


@pytest.fixture(scope="module")
def ray_cluster(ray_module):
    ray = ray_module
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=engines.LOCAL_OBJECT_STORE,
        log_to_driver=False,
    )
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_with_one_and_two_workers_writes_the_local_pipelines_articles(
    ray_cluster, crawl, expected, tmp_path
):
    metrics, runs = bench.run(crawl, tmp_path)
    for key, floor in bench.FLOORS.items():
        assert metrics[key] >= floor, (key, metrics[key])
    assert metrics["articles"] == expected.articles
    assert metrics["rejected"] == expected.files * expected.rejected_per_file
    assert (runs["ray_1"]["workers_seen"], runs["ray_2"]["workers_seen"]) == (
        1,
        2,
    )  # a copy of the models each
    assert all(runs[name]["peak_rss_mb"] > 100 for name in ("local", "ray_1", "ray_2"))

    again = engines.run([str(p) for p in crawl], tmp_path / "ray-2", engine="ray", workers=2)
    assert (again.skipped, again.done, again.articles) == (len(crawl), 0, 0)
    assert read_articles(tmp_path / "ray-2").num_rows == expected.articles


def test_an_unreachable_cluster_is_a_clear_error(ray_module, monkeypatch):
    ray = ray_module
    monkeypatch.setattr(ray, "is_initialized", lambda: False)

    def refuse(*args, **kwargs):
        raise ConnectionError("could not connect to 10.0.0.9:6379")

    monkeypatch.setattr(ray, "init", refuse)
    with pytest.raises(engines.EngineUnavailable, match="the Ray cluster at 10.0.0.9:6379"):
        engines.start_ray("10.0.0.9:6379", 2)


@pytest.mark.slow
def test_workers_the_cluster_cannot_hold_are_a_clear_error(ray_cluster, crawl, tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "WAIT_FOR_WORKERS", 3)
    with pytest.raises(
        engines.EngineUnavailable, match=r"did not start 1 worker\(s\) of 1 CPU and 1024.0 GiB"
    ):
        engines.run([str(crawl[0])], tmp_path, engine="ray", workers=1, memory_per_worker=2**40)
