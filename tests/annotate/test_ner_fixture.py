"""The NER check set we wrote (tests/fixtures/ner/): well-formed IOB2 that crisol's reader takes as is."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crisol.train.ner import read_iob

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ner"
TYPES = ("PER", "ORG", "LOC", "MISC")
VALID_TAGS = {"O"} | {f"{prefix}-{kind}" for kind in TYPES for prefix in "BI"}
# file, least sentences, least mentions of each type
SETS = [("news_es.iob", 100, 20), ("news_en.iob", 70, 20)]


def file_sentences(path: Path) -> list[list[str]]:
    """The tag column as written, sentence by sentence (``read_iob`` mends IOB1, so read it raw)."""
    sentences, tags = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            continue
        if not parts:
            if tags:
                sentences.append(tags)
            tags = []
            continue
        assert len(parts) == 2, f"{path.name}: expected 'TOKEN TAG', got {line!r}"
        tags.append(parts[1])
    return sentences


def broken_continuations(tags: list[str]) -> list[int]:
    """Positions of an I-X that follows O, the sentence start or another type."""
    return [
        i
        for i, tag in enumerate(tags)
        if tag.startswith("I-") and (i == 0 or tags[i - 1] == "O" or tags[i - 1][2:] != tag[2:])
    ]


def test_broken_continuations_are_found():
    assert broken_continuations(["I-PER"]) == [0]
    assert broken_continuations(["O", "I-LOC", "B-ORG", "I-PER", "B-MISC", "I-MISC"]) == [1, 3]


@pytest.mark.parametrize("name,least_sentences,least_per_type", SETS)
def test_fixture_is_iob2_with_enough_of_each_type(name, least_sentences, least_per_type):
    path = FIXTURES / name
    written = file_sentences(path)
    corpus = read_iob(path)
    read = [[tag for _, tag in sentence] for sentence in corpus.sentences()]

    assert read == written  # the reader kept every sentence and changed no tag
    assert len(corpus.documents) >= 10
    assert len(written) >= least_sentences
    for number, tags in enumerate(written, 1):
        assert set(tags) <= VALID_TAGS, f"{name} sentence {number}: {set(tags) - VALID_TAGS}"
        assert not broken_continuations(tags), f"{name} sentence {number}: I- without its B-"
    mentions = Counter(tag[2:] for tags in written for tag in tags if tag.startswith("B-"))
    assert all(mentions[kind] >= least_per_type for kind in TYPES), mentions
