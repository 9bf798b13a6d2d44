"""Hand-written annotated articles for the present tests (no spaCy: built from JSON fixtures)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crisol.link.dedup import Relation
from crisol.model import Actor, Article, Event, Mention, Quote, RemovedLine, Sentence, TimeExpression

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "present"


def build_article(spec: dict) -> Article:
    """An annotated Article from a fixture spec: sentences joined by spaces, offsets computed."""
    text, sentences = "", []
    for i, s in enumerate(spec["sentences"]):
        start = len(text)
        text += s + " "
        sentences.append(Sentence(i, start, start + len(s), s))
    text = text.rstrip()
    mentions = []
    for surface, label, canonical, country, role, idx in spec.get("mentions", []):
        sent = sentences[idx]
        at = sent.start + sent.text.index(surface)
        mentions.append(
            Mention(surface, label, at, at + len(surface), idx, None, canonical, country, role, "rule")
        )
    events = [_event(e, sentences) for e in spec.get("events", [])]
    dates = []
    for surface, value, idx in spec.get("dates", []):  # [surface, resolved value, sentence]
        at = sentences[idx].start + sentences[idx].text.index(surface)
        dates.append(
            TimeExpression(surface, at, at + len(surface), idx, value, "year" if len(value) == 4 else "day")
        )
    quotes = [_quote(q, sentences) for q in spec.get("quotes", [])]
    return Article(
        id=spec["id"],
        source=f"fixture:{spec['id']}",
        raw=text.encode(),
        raw_format="text",
        text=text,
        title=spec.get("title"),
        outlet=spec.get("outlet"),
        language=spec["language"],
        published=datetime.fromisoformat(spec["published"]) if spec.get("published") else None,
        removed=[RemovedLine(r["text"], r["reason"]) for r in spec.get("removed", [])],
        authors=spec.get("authors", []),
        analysis="full",
        sentences=sentences,
        mentions=mentions,
        events=events,
        quotes=quotes,
        dates=dates,
    )


def _actor(a: list | None) -> Actor | None:
    return Actor(a[0], None, a[1], a[2]) if a else None


def _event(e: dict, sentences: list[Sentence]) -> Event:
    return Event(
        e["type"],
        e.get("mode"),
        _actor(e.get("source")),
        _actor(e.get("target")),
        e["sentence"],
        sentences[e["sentence"]].text,
        e["trigger"],
        location=e.get("location"),
        date=e.get("date"),
        date_precision=e.get("date_precision"),
        certainty=e.get("certainty", "asserted"),
        attributed_to=e.get("attributed_to"),
    )


def _quote(q: dict, sentences: list[Sentence]) -> Quote:
    sent = sentences[q["sentence"]]
    at = sent.start + sent.text.index(q["text"])
    return Quote(
        q["text"],
        q["kind"],
        q.get("speaker"),
        q.get("cue"),
        at,
        at + len(q["text"]),
        q["sentence"],
        via=q.get("via"),
    )


def load_story(name: str) -> tuple[list[Article], list[Relation]]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    articles = [build_article(s) for s in data["articles"]]
    relations = [Relation(r["a"], r["b"], r["kind"], r["score"]) for r in data.get("relations", [])]
    return articles, relations


@pytest.fixture(scope="session")
def border_story() -> tuple[list[Article], list[Relation]]:
    return load_story("border_story.json")


@pytest.fixture(scope="session")
def border_presented(border_story) -> dict:
    from crisol.present import present_story

    articles, relations = border_story
    return present_story("story-1", articles, relations)


@pytest.fixture(scope="session")
def make_article():
    """The fixture builder, for tests that write their own small articles."""
    return build_article
