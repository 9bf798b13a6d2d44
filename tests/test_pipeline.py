"""The pipeline's bookkeeping, with small stand-in stages (the real ones: tests/cli/).

The stand-ins read a text file as one article per line, so batching, resuming and rejections
can be checked precisely.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from crisol.errors import ExtractionRejected, UnknownLanguage
from crisol.model import Article, RawArticle, Rejection
from crisol.service.runner import Runner, Stages, ingest
from crisol.store import open_store


@dataclass
class FakeInput:
    source: str
    path: Path

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def fake_expand(paths):
    for p in paths:
        path = Path(p)
        if path.exists():
            yield FakeInput(str(path), path)
        else:
            yield Rejection(str(path), "no such file or folder")


def fake_read(inp: FakeInput):
    for n, line in enumerate(inp.path.read_bytes().splitlines(), 1):
        if line.startswith(b"\xff"):
            yield Rejection(inp.source, "not UTF-8", f"line {n}")
        else:
            yield RawArticle(inp.source, line, "text", f"line {n}")


def fake_clean(raw: RawArticle, now=None) -> Article:
    text = raw.data.decode()
    if text.startswith("#"):
        raise ExtractionRejected(raw.source, "only boilerplate", raw.location)
    if text.startswith("!"):
        raise KeyError("a bug in the cleaner")
    return Article(
        id=raw.id,
        source=raw.source,
        raw=raw.data,
        raw_format="text",
        text=text,
        location=raw.location,
        language="es",
    )


class Annotator:
    def __init__(self):
        self.seen = []

    def __call__(self, article: Article) -> Article:
        self.seen.append(article.id)
        if article.text.startswith("?"):
            raise UnknownLanguage("xx")
        article.analysis = "full"
        return article


def stages(annotate=None) -> Stages:
    return Stages(expand=fake_expand, read_input=fake_read, clean=fake_clean, annotate=annotate)


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "p.db"))
    yield s
    s.close()


def write(path: Path, lines: list[str | bytes]) -> str:
    path.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")
    return str(path)


def test_ingest_counts_new_duplicates_copies_and_rejections(tmp_path, store):
    a = write(tmp_path / "a.txt", ["uno dos", "# menú", "tres cuatro", b"\xffbad", "! boom"])
    b = write(tmp_path / "b.txt", ["uno  DOS", "cinco"])
    seen = []
    report = ingest(
        [a, b, str(tmp_path / "nope.txt")],
        store,
        batch_size=2,
        stages=stages(),
        on_progress=lambda r: seen.append(r.read),
    )
    assert (report.inputs, report.read, report.new, report.copies) == (2, 6, 4, 1)
    assert report.duplicate == 0 and not report.ok
    assert [str(r) for r in report.rejected] == [
        f"{a} (line 2): only boilerplate",
        f"{a} (line 4): not UTF-8",
        f"{a} (line 5): unexpected error: KeyError: 'a bug in the cleaner'",
        f"{tmp_path / 'nope.txt'}: no such file or folder",
    ]
    assert seen and seen[-1] == 6 and seen == sorted(seen)
    assert store.count_articles() == 4
    assert [str(r) for r in store.list_rejections(report.run_id)] == [str(r) for r in report.rejected]
    assert store.get_run(report.run_id).counts["new"] == 4
    statuses = {r.source: (r.status, r.articles, r.rejected) for r in store.list_inputs()}
    assert statuses == {a: ("partial", 2, 3), b: ("done", 2, 0)}


def test_second_run_skips_finished_inputs_and_adds_nothing(tmp_path, store):
    a = write(tmp_path / "a.txt", ["uno", "dos"])
    first = ingest([a], store, stages=stages())
    again = ingest([a], store, stages=stages())
    assert first.new == 2
    assert (again.inputs, again.inputs_skipped, again.read, again.new) == (1, 1, 0, 0)
    assert store.count_articles() == 2


def test_an_unfinished_input_is_resumed_without_duplicates(tmp_path, store):
    path = write(tmp_path / "a.txt", [f"artículo {i}" for i in range(10)])

    class Killed(Exception):
        pass

    def dying_read(inp):
        for n, raw in enumerate(fake_read(inp)):
            if n == 7:
                raise Killed()
            yield raw

    st = stages()
    st.read_input = dying_read
    with pytest.raises(Killed):
        ingest([path], store, batch_size=3, stages=st)
    # The complete batches (and the partial one, flushed on the way out) are kept...
    assert store.count_articles() == 7
    assert not store.done_inputs([FakeInput(path, Path(path)).fingerprint])
    # ...and the input is read again, recognising what is stored.
    report = ingest([path], store, batch_size=3, stages=stages())
    assert (report.read, report.duplicate, report.new) == (10, 7, 3)
    assert store.count_articles() == 10
    assert store.input_done(FakeInput(path, Path(path)).fingerprint)


def test_annotation_runs_when_asked_and_failures_are_recorded(tmp_path, store):
    path = write(tmp_path / "a.txt", ["hola", "? qwzx"])
    annotator = Annotator()
    report = ingest([path], store, stages=stages(annotator))
    assert report.analyzed and len(annotator.seen) == 2
    analyses = sorted(a.analysis for a in store.iter_articles())
    assert analyses == ["full", "none: no analysis pipeline for language 'xx'"]


def test_run_input_stores_once_lists_articles_and_reports_rejections(tmp_path, store):
    path = Path(write(tmp_path / "posted.txt", ["una noticia", "# pie"]))
    runner = Runner(store, stages())
    first = runner.run_input(FakeInput("api", path))
    again = runner.run_input(FakeInput("api", path))
    assert [(a["new"], a["title"]) for a in first.articles] == [(True, None)]
    assert [a["new"] for a in again.articles] == [False] and again.new == 0
    assert [str(r) for r in first.rejected] == ["api (line 2): only boilerplate"]


def test_every_phase_is_timed_and_the_rate_is_end_to_end(tmp_path, store):
    report = ingest(
        [write(tmp_path / "a.txt", ["uno", "dos", "tres"])],
        store,
        stages=stages(Annotator()),
        link=False,
        batch_size=2,
    )
    phases = report.phases.to_dict()
    assert list(phases) == ["read and clean", "annotate", "store", "link", "index"]
    assert phases["read and clean"]["items"] == 3 and phases["annotate"]["items"] == 3
    assert phases["store"]["items"] == 3 and phases["index"]["items"] == 3
    assert sum(p["cpu"] for p in phases.values()) <= report.cpu + 0.01
    assert report.cpu_rate == report.read / report.cpu


def test_batch_size_must_be_positive(store):
    with pytest.raises(ValueError, match="batch_size must be at least 1; got 0"):
        ingest([], store, batch_size=0, stages=stages())
