"""Who is in a story (entities counted across articles) and what was said (key quotes).

A quote carried by several outlets is one entry citing all of them: quotes merge when their
sentences say the same thing (aligned across articles) or when the same speaker is given nearly
the same words.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rapidfuzz import fuzz

from crisol.link.similarity import fold
from crisol.model import Article, Mention, Quote
from crisol.present.groups import StoryText, UnionFind
from crisol.present.sources import Sources

ACTOR_LABELS = ("PER", "ORG", "LOC", "GPE", "MISC")
SAME_WORDS = 80  # rapidfuzz token-set ratio above which two quotes of one speaker are the same


def mention_key(m: Mention) -> str:
    return m.entity_id or fold(m.canonical or m.text)


def actors(articles: Sequence[Article], sources: Sources, limit: int = 25) -> list[dict]:
    """Entities with mention and article counts, the most widely reported first."""
    seen: dict[str, dict] = {}
    for a in articles:
        for m in a.mentions:
            if m.label not in ACTOR_LABELS:
                continue
            entry = seen.setdefault(
                mention_key(m),
                {
                    "names": Counter(),
                    "labels": Counter(),
                    "country": None,
                    "role": None,
                    "articles": [],
                    "entity_id": m.entity_id,
                    "mentions": 0,
                },
            )
            entry["names"][m.canonical or m.text] += 1
            entry["labels"][m.label] += 1
            entry["country"] = entry["country"] or m.country
            entry["role"] = entry["role"] or m.role
            entry["mentions"] += 1
            if a.id not in entry["articles"]:
                entry["articles"].append(a.id)
    out = [
        {
            "name": e["names"].most_common(1)[0][0],
            "label": e["labels"].most_common(1)[0][0],
            "entity_id": e["entity_id"],
            "country": e["country"],
            "role": e["role"],
            "mentions": e["mentions"],
            "articles": len(e["articles"]),
            "independent_sources": sources.count(e["articles"]),
            "citations": e["articles"],
        }
        for e in seen.values()
    ]
    out.sort(key=lambda e: (-e["independent_sources"], -e["articles"], -e["mentions"], e["name"]))
    return out[:limit]


def _speaker(q: Quote) -> str:
    return q.speaker_entity or fold(q.speaker or "")


def key_quotes(
    articles: Sequence[Article], story: StoryText, sources: Sources, language: str | None, limit: int = 8
) -> list[dict]:
    """Quotes merged across outlets, ranked by independent sources, direct and attributed first."""
    # a stance ("criticized the plan") names what was judged, not words to quote
    items = [(a, q) for a in articles for q in a.quotes if q.text.strip() and q.kind != "stance"]
    uf = UnionFind()
    for n in range(len(items)):
        uf.find(n)
    for x in range(len(items)):
        for y in range(x + 1, len(items)):
            if _same_quote(items[x], items[y], story):
                uf.union(x, y)
    order = {a.id: n for n, a in enumerate(articles)}
    out = []
    for group in uf.groups():
        members = [items[n] for n in sorted(group)]
        out.append(_quote_entry(members, sources, language, order))
    out.sort(
        key=lambda e: (-e["independent_sources"], e["kind"] != "direct", e["speaker"] is None, e["_pos"])
    )
    for e in out:
        del e["_pos"]
    return out[:limit]


def _same_quote(x: tuple[Article, Quote], y: tuple[Article, Quote], story: StoryText) -> bool:
    (a, q), (b, r) = x, y
    if a.id == b.id:
        return False
    same_speaker = bool(_speaker(q)) and _speaker(q) == _speaker(r)
    if story.aligned((a.id, q.sentence), (b.id, r.sentence)):
        return same_speaker or not q.speaker or not r.speaker
    return same_speaker and fuzz.token_set_ratio(fold(q.text), fold(r.text)) >= SAME_WORDS


def _quote_entry(
    members: list[tuple[Article, Quote]], sources: Sources, language: str | None, order: dict[str, int]
) -> dict:
    # shown in the story's language, from the article that tells it first
    best_article, best = min(
        members,
        key=lambda m: (m[0].language != language, m[1].kind != "direct", order[m[0].id], m[1].sentence),
    )
    citations = list(dict.fromkeys(a.id for a, _ in members))
    speakers = Counter(q.speaker for _, q in members if q.speaker)
    return {
        "speaker": speakers.most_common(1)[0][0] if speakers else None,
        "text": best.text,
        "kind": best.kind,
        "cue": best.cue,
        "via": next((q.via for _, q in members if q.via), None),
        "citations": citations,
        "independent_sources": sources.count(citations),
        "sentence": {a.id: q.sentence for a, q in reversed(members)},
        "_pos": (order[best_article.id], best.sentence),
    }
