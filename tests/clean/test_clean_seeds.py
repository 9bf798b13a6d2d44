"""The cleaner on the five reference seeds (read from ../shared at run time) against the hand
annotation in docs/boilerplate-annotation.tsv: no body line lost, every boilerplate line gone."""

from __future__ import annotations

import pytest

from crisol.bench.boilerplate import DEFAULT_ANNOTATION, load_annotation, predicted_removals

pytestmark = pytest.mark.shared


def test_annotation_holds_no_seed_text():
    header, *rows = DEFAULT_ANNOTATION.read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == ["file", "line", "label", "reason"]
    assert all(len(row.split("\t")) == 4 and len(row) < 80 for row in rows)


def test_seeds_match_the_annotation(shared):
    labels = load_annotation(DEFAULT_ANNOTATION)
    seeds = sorted((shared / "seeds").glob("*.txt"))
    assert {p.name for p in seeds} == set(labels)
    for path in seeds:
        removed = predicted_removals(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        annotated = {n for n, line in enumerate(lines, start=1) if line.strip()}
        assert annotated == set(labels[path.name]), f"{path.name}: every non-blank line is annotated"
        for line, label in labels[path.name].items():
            if label.remove:
                assert removed.get(line) == label.reason, f"{path.name}:{line} should go as {label.reason}"
            else:
                assert line not in removed, (
                    f"{path.name}:{line} is {label.reason} and was removed as {removed[line]}"
                )


def test_seed_metadata(shared):
    from crisol.clean import clean
    from crisol.model import RawArticle

    path = sorted((shared / "seeds").glob("001_*.txt"))[0]
    art = clean(RawArticle(str(path), path.read_bytes(), "text"))
    assert art.outlet and art.published is not None and art.date_source == "dateline"
    assert art.language == "es"
