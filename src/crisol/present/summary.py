"""An extractive summary: a few sentences chosen across sources, none repeating another.

Each group of aligned sentences (one statement, every article that carries it) is scored by how
many independent sources carry it and how close to the lead it comes; the best groups are taken
while they add something new (not too close to a chosen one), then put in order of first
appearance. Each line is a sentence as one article wrote it, in the story's language, citing
every article that says the same thing.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from crisol.link.similarity import fold
from crisol.model import Article
from crisol.present.groups import Group, StoryText
from crisol.present.sources import Sources

SUMMARY_SENTENCES = 5
MIN_WORDS, MAX_WORDS = 6, 70  # shorter is a heading or caption; longer is a run-on paragraph
# a sentence starting in lower case is a fragment left by a bad split
REDUNDANT = 0.9  # cosine above which a candidate repeats a chosen sentence
POSITION_WEIGHT = 1.0  # lead sentences matter: a lead sentence weighs like one more source


def summarise(articles: Sequence[Article], story: StoryText, sources: Sources, language: str | None,
              n: int = SUMMARY_SENTENCES) -> list[dict]:  # fmt: skip
    """Up to ``n`` summary lines: ``{"text", "citations", "sentence": {article: index}}``."""
    by_id = {a.id: a for a in articles}
    titles = {fold(a.title or "").strip(" .") for a in articles if a.title}
    candidates = []
    for g in story.groups:
        pick = _representative(g, by_id, language, sources, story, titles)
        if pick is None:
            continue
        text = story.text(pick)
        words = len(text.split())
        if words < MIN_WORDS or words > MAX_WORDS or text[:1].islower():
            continue
        candidates.append((_score(g, story, sources), g, pick))
    candidates.sort(key=lambda c: -c[0])
    chosen: list[tuple[Group, tuple[str, int]]] = []
    for _, g, pick in candidates:
        if len(chosen) >= n:
            break
        if not any(_redundant(story, pick, other) for _, other in chosen):
            chosen.append((g, pick))
    chosen.sort(key=lambda c: _first_appearance(c[0], story))
    return [_line(g, pick, story) for g, pick in chosen]


def _representative(g: Group, by_id: dict[str, Article], language: str | None, sources: Sources,
                    story: StoryText, titles: set[str]):  # fmt: skip
    """The member to quote: in the story's language, not a headline, from an original, earliest
    in its article."""
    members = [m for m in g.members if (language is None or by_id[m[0]].language in (language, None))
               and fold(story.text(m)).strip(" .") not in titles]  # fmt: skip
    if not members:
        return None
    order = {aid: n for n, aid in enumerate(by_id)}
    return min(members, key=lambda m: (sources.origin_of.get(m[0], m[0]) != m[0], m[1], order[m[0]]))


def _score(g: Group, story: StoryText, sources: Sources) -> float:
    independent = sources.count(g.articles)
    position = min(i / max(len(story.sentences[a]), 1) for a, i in g.members)
    return independent + POSITION_WEIGHT * (1.0 - position) + 0.1 * g.score


def _redundant(story: StoryText, a: tuple[str, int], b: tuple[str, int]) -> bool:
    va = story.embeddings[a[0]][a[1]]
    vb = story.embeddings[b[0]][b[1]]
    return float(np.dot(va, vb)) >= REDUNDANT


def _first_appearance(g: Group, story: StoryText) -> tuple[float, int]:
    relative = min(i / max(len(story.sentences[a]), 1) for a, i in g.members)
    return (relative, g.id)


def _line(g: Group, pick: tuple[str, int], story: StoryText) -> dict:
    sentence: dict[str, int] = {}
    for a, i in g.members:
        sentence.setdefault(a, i)
    return {"text": story.text(pick), "from": pick[0], "citations": g.articles, "sentence": sentence}


def mark_disputed(lines: list[dict], differences: list[dict]) -> None:
    """Move out of a line's citations the articles that tell its statement differently (another
    figure, place or stance for it): they are listed under ``disputed`` instead."""
    for line in lines:
        own = (line["from"], line["sentence"][line["from"]])
        disputed = set()
        for d in differences:
            mine = [s for s in d["sides"] if s["sentence"].get(own[0]) == own[1]]
            if not mine:
                continue
            for side in d["sides"]:
                if side is not mine[0]:
                    disputed |= {a for a, i in side["sentence"].items() if line["sentence"].get(a) == i}
        disputed.discard(own[0])
        line["citations"] = [a for a in line["citations"] if a not in disputed]
        line["disputed"] = sorted(disputed, key=list(line["sentence"]).index)


def agreed_statements(articles: Sequence[Article], story: StoryText, sources: Sources, language: str | None,
                      differences: list[dict], limit: int = 10) -> list[dict]:  # fmt: skip
    """Statements carried by two or more independent sources that no difference touches."""
    by_id = {a.id: a for a in articles}
    disputed = {(a, i) for d in differences for side in d["sides"] for a, i in side["sentence"].items()}
    out = []
    for g in story.groups:
        n = sources.count(g.articles)
        if n < 2 or any(m in disputed for m in g.members):
            continue
        pick = _representative(g, by_id, language, sources, story, set())
        if pick is not None:
            line = _line(g, pick, story)
            out.append({"kind": "statement", "topic": None, **line, "independent_sources": n})
    out.sort(key=lambda e: -e["independent_sources"])
    return out[:limit]
