"""What one story shows: :func:`present_story` turns its annotated articles into a JSON-ready dict.

Pure: articles and relations in, a dict out; nothing is read from or written to the store.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from crisol.link.dedup import Relation
from crisol.model import Article
from crisol.present import actors as _actors
from crisol.present import events as _events
from crisol.present import groups as _groups
from crisol.present import sources as _sources
from crisol.present.differences import find_differences
from crisol.present.summary import SUMMARY_SENTENCES, agreed_statements, mark_disputed, summarise
from crisol.text import count_outlets

TITLE_CHARS = 160  # a first sentence standing in for a missing headline is cut here


def present_story(
    story_id: str,
    articles: list[Article],
    relations: list[Relation],
    origins: dict[str, str] | None = None,
    summary_sentences: int = SUMMARY_SENTENCES,
    embedder: _groups.Embedder | None = None,
) -> dict:
    """The story ``story_id`` as people see it: title, summary, timeline, quotes, actors, events,
    differences and agreements between outlets, each citing the articles that say it.

    ``origins`` maps article id -> originating wire agency when known; agencies are also detected
    from each article's credits (:func:`crisol.present.sources.detect_agency`).
    ``embedder`` embeds the sentences instead of :func:`crisol.link.similarity.embed` (the
    linker passes its cache of sentences it embedded already).
    Raises ValueError when ``articles`` is empty or holds one id twice.
    """
    articles = _check(story_id, articles)
    # 1. who is independent of whom
    origins = {**{a.id: ag for a in articles if (ag := _sources.detect_agency(a))}, **(origins or {})}
    sources = _sources.independent_sources(articles, relations, origins)
    language = story_language(articles)
    # 2. sentences saying the same thing across articles (one embedding batch)
    text = _groups.build(articles, embedder)
    # 3. events merged across outlets, and what follows from them
    merged = _events.merge_events(articles, text)
    events = [_events.event_entry(m, text, sources) for m in merged]
    # best-supported first; ``merged`` stays in step with ``events`` (differences pair them)
    order = sorted(
        range(len(events)),
        key=lambda k: (-events[k]["independent_sources"], -len(events[k]["citations"]), events[k]["id"]),
    )
    merged, events = [merged[k] for k in order], [events[k] for k in order]
    differences, figure_agreements = find_differences(articles, text, merged, events, sources)
    summary = summarise(articles, text, sources, language, summary_sentences)
    mark_disputed(summary, differences)
    known = {a.id for a in articles}
    copies = {a.id: a.copy_of for a in articles}
    return {
        "id": story_id,
        "title": story_title(articles, relations, text, sources),
        "language": language,
        "articles": [a.id for a in articles],
        "sources": [_source_entry(a, sources, relations, copies) for a in articles],
        "counts": {
            "articles": len(articles),
            "outlets": count_outlets((a.id, a.outlet) for a in articles),
            "independent_sources": sources.independent,
        },
        "summary": summary,
        "relations": [
            {"a": r.a, "b": r.b, "kind": r.kind, "score": round(r.score, 4)}
            for r in relations
            if r.a in known and r.b in known
        ],
        "timeline": _events.timeline(events),
        "quotes": _actors.key_quotes(articles, text, sources, language),
        "actors": _actors.actors(articles, sources),
        "events": events,
        "differences": differences,
        "agreements": _agreements(events, figure_agreements, sources)
        + agreed_statements(articles, text, sources, language, differences),
    }


def _check(story_id: str, articles: Sequence[Article]) -> list[Article]:
    if not articles:
        raise ValueError(f"story {story_id!r} has no articles to present")
    counts = Counter(a.id for a in articles)
    twice = [i for i, n in counts.items() if n > 1]
    if twice:
        raise ValueError(f"story {story_id!r} lists article(s) {twice} more than once")
    return list(articles)


def story_language(articles: Sequence[Article]) -> str | None:
    """The majority language of the articles; a tie goes to a language crisol analyses (its
    quotes, events and differences can then be told), then to the earliest article's."""
    from crisol.annotate.nlp import languages  # lazy: spaCy, ~0.8 s, not needed to show a stored view

    langs = [a.language for a in articles if a.language]
    if not langs:
        return None
    counts = Counter(langs)
    top = max(counts.values())
    tied = [lang for lang in langs if counts[lang] == top]
    analysed = [lang for lang in tied if lang in languages()]
    return (analysed or tied)[0]


def story_title(
    articles: Sequence[Article],
    relations: Sequence[Relation],
    text: _groups.StoryText,
    sources: _sources.Sources,
) -> str:
    """The headline of the most representative original: the non-rewrite article sharing the most
    statements with the others (the first sentence when it has no headline)."""
    copies = _sources.rewrites(relations)
    originals = [a for a in articles if a.id not in copies] or list(articles)
    language = story_language(articles)

    def centrality(a: Article) -> tuple:
        shared = sum(sources.count(g.articles) - 1 for g in text.groups if a.id in g.articles)
        return (a.language == language, bool(a.title), shared)

    best = max(originals, key=centrality)
    if best.title:
        return best.title
    first = text.sentences[best.id][0] if text.sentences[best.id] else best.text
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _source_entry(
    a: Article, sources: _sources.Sources, relations: Sequence[Relation], copies: dict[str, str | None]
) -> dict:
    """One article as a source. ``origin`` is the article it counts with as one independent
    source (a copy's original, or the first article carrying the same agency's story);
    ``copy_of`` only says what the stored relations say this article copies or rewrites;
    ``agency`` is the wire agency it credits."""
    return {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "url": a.url,
        "published": a.published.isoformat() if a.published else None,
        "language": a.language,
        "origin": sources.origin_of.get(a.id, a.id),
        "copy_of": copy_of(a, relations, copies),
        "agency": sources.agency.get(a.id),
    }


RELATION_STRENGTH = ("duplicate", "near-duplicate", "rewrite")


def copy_of(a: Article, relations: Sequence[Relation], copies: dict[str, str | None]) -> dict | None:
    """What ``a`` copies, from the stored relations (``b`` is the later side, the copy) or the
    store's exact-copy mark (``copies``: article id -> the stored article it repeats):
    ``{"id", "kind", "score"}``, the closest kind first; None for an original.

    >>> from crisol.link.dedup import Relation
    >>> art = Article(id="b", source="-", raw=b"", raw_format="text", text="...")
    >>> copy_of(art, [Relation("a", "b", "rewrite", 0.61)], {"a": None, "b": None})
    {'id': 'a', 'kind': 'rewrite', 'score': 0.61}
    """
    # the store's mark wins: an exact copy of ``a`` stored later is not what ``a`` copies
    found = [
        (r.kind, r.a, r.score)
        for r in relations
        if r.b == a.id and r.a in copies and r.kind in RELATION_STRENGTH and copies[r.a] != a.id
    ]
    if a.copy_of in copies and a.copy_of != a.id:
        found.append(("duplicate", a.copy_of, 1.0))
    if not found:
        return None
    kind, of, score = min(found, key=lambda f: (RELATION_STRENGTH.index(f[0]), -f[2]))
    return {"id": of, "kind": kind, "score": round(score, 4)}


def _agreements(events: list[dict], figures: list[dict], sources: _sources.Sources) -> list[dict]:
    """Facts carried by more than one independent source: merged events and agreeing figures."""
    out = []
    for e in events:
        if e["independent_sources"] > 1:
            who = " → ".join(x for x in (e["source"], e["target"]) if x)
            # no one outlet's wording: the sentences may differ in details (see differences)
            out.append(
                {
                    "kind": "event",
                    "topic": f"{e['type']} {who}".strip(),
                    "event": e["id"],
                    "text": None,
                    "citations": e["citations"],
                    "independent_sources": e["independent_sources"],
                }
            )
    for f in figures:
        n = sources.count(f["citations"])
        if n > 1:
            out.append({**f, "independent_sources": n})
    return out
