"""Attention over time against a plain reference: every article of a selection read one by one,
grouped into sources by :func:`crisol.present.sources.independent_sources` and counted per
period in Python. The store reads its counts in one SQL statement (periods cut by the database,
only linked articles read row by row); both must agree on any store.

The store: 150 articles drawn at random (a fixed seed) from sentences written here, so that some
texts repeat (exact copies), some carry a wire agency, some are linked by relations of every
kind, some are in stories; published at any hour over four weeks (weeks cut on Sunday night,
UTC), a few undated, outlets in several spellings or unknown.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from crisol.link.dedup import Relation
from crisol.model import Article
from crisol.present.sources import independent_sources
from crisol.service.attention import Selection, attention, period_start
from crisol.store import open_store
from crisol.store import search as fts
from crisol.store.schema import articles, relations, stories, story_articles
from crisol.text import outlet_key

SENTENCES = (
    "El ayuntamiento de Almarza aprueba el presupuesto del año próximo.",
    "Los vecinos del barrio norte piden más autobuses por la noche.",
    "La cosecha de aceituna se adelanta por el calor de octubre.",
    "El equipo local gana el derbi con un gol en el último minuto.",
    "Una exposición de grabados abre sus puertas en el museo provincial.",
    "La lluvia corta dos carreteras comarcales durante la mañana.",
)
OUTLETS = ("Diario Norte", "DIARIO NORTE", "Radio Sur", "radio sur ", "Gaceta", None, "")
START = datetime(2025, 3, 1, tzinfo=timezone.utc)  # a Saturday: four weeks cut on Sunday nights
KINDS = ("rewrite", "duplicate", "near-duplicate", "related")


def _articles(rng: random.Random) -> list[Article]:
    out = []
    for n in range(150):
        text = " ".join(rng.sample(SENTENCES, 2))  # 30 texts for 150 articles: many copies
        when = START + timedelta(days=rng.randrange(28), hours=rng.randrange(24), minutes=rng.choice((0, 59)))
        out.append(
            Article(
                id=hashlib.sha256(f"ref-{n}".encode()).hexdigest()[:16],
                source=f"test/ref-{n}",
                raw=f"ref-{n}".encode(),
                raw_format="text",
                text=text,
                title=text.split(".")[0],
                outlet=rng.choice(OUTLETS),
                published=None if n % 25 == 0 else when,
                language=rng.choice(("es", "es", "pt")),
                agency=rng.choice((None, None, None, "EFE", "Europa Press")),
            )
        )
    return out


@pytest.fixture
def world(db_url):
    """(store, its articles, relations as (a, b, kind), story of each article in one)."""
    rng = random.Random(15)
    arts = _articles(rng)
    store = open_store(db_url)
    store.add_articles(arts)  # sets copy_of on the articles whose text came before
    fts.index_articles(store, arts)
    ids = [a.id for a in arts]
    rels = {(a, b): rng.choice(KINDS) for a, b in (rng.sample(ids, 2) for _ in range(40))}
    story_of = {i: f"story-{rng.randrange(4)}" for i in ids if rng.random() < 0.7}
    with store.engine.begin() as conn:
        conn.execute(
            relations.insert(),
            [{"a": a, "b": b, "kind": kind, "score": 0.5, "detail": {}} for (a, b), kind in rels.items()],
        )
        now = datetime(2025, 4, 1, tzinfo=timezone.utc)
        conn.execute(stories.insert(), [{"id": f"story-{k}", "size": 1, "updated": now} for k in range(4)])
        conn.execute(
            story_articles.insert(),
            [
                {"article_id": i, "story_id": s, "score": 1.0, "position": n}
                for n, (i, s) in enumerate(story_of.items())
            ],
        )
    yield store, arts, [(a, b, kind) for (a, b), kind in rels.items()], story_of
    store.close()


def reference(chosen: list[Article], rels, story_of, interval: str) -> dict:
    """Totals and (period, articles, outlets, sources) of ``chosen``, article by article."""
    known = {a.id for a in chosen}
    agencies = {a.id: f"{a.agency}|{story_of[a.id]}" for a in chosen if a.agency and a.id in story_of}
    links = [Relation(a, b, kind, 0.0) for a, b, kind in rels if a in known and b in known]
    origin = independent_sources(chosen, links, agencies).origin_of  # type: ignore[arg-type]
    articles, sources, outlets = Counter(), Counter(), {}
    for a in chosen:
        period = period_start(a.published.date().isoformat(), interval) if a.published else ""
        articles[period] += 1
        sources[period] += origin.get(a.id, a.id) == a.id
        outlets.setdefault(period, set()).add(outlet_key(a.outlet, a.id))
    points = sorted((p, articles[p], len(outlets[p]), sources[p]) for p in articles if p)
    totals = {
        "articles": len(chosen),
        "outlets": len(set().union(*outlets.values())) if outlets else 0,
        "independent_sources": sum(sources.values()),
        "undated": articles[""],
    }
    return {"totals": totals, "points": points}


def counted(att) -> dict:
    points = [(p.period, p.articles, p.outlets, p.independent_sources) for p in att.points if p.articles]
    return {"totals": att.totals, "points": points}


def _cases(arts):
    since, until = START + timedelta(days=6, hours=12), START + timedelta(days=20)
    return [
        (Selection(), arts),
        (Selection(q="Almarza"), [a for a in arts if "Almarza" in a.text]),
        (
            Selection(outlets=["diario norte"]),
            [a for a in arts if (a.outlet or "").lower() == "diario norte"],
        ),
        (Selection(language="pt"), [a for a in arts if a.language == "pt"]),
        (
            Selection(q="Almarza", since=since, until=until),
            [a for a in arts if "Almarza" in a.text and a.published and since <= a.published <= until],
        ),
    ]


@pytest.mark.parametrize("interval", ["day", "week"])
def test_counts_match_the_article_by_article_reference(world, interval):
    store, arts, rels, story_of = world
    assert any(a.copy_of for a in arts) and any(a.published is None for a in arts)  # the store has both
    for sel, chosen in _cases(arts):
        assert chosen, sel
        assert counted(attention(store, sel, interval)) == reference(chosen, rels, story_of, interval), sel


def test_a_copy_of_a_copy_joins_the_group_of_the_first(world):
    """Store.add_articles points every copy at an article that copies none; a store written
    otherwise (an import, a repair) may chain them, and the counts follow the links as stored."""
    store, arts, rels, story_of = world
    copies = [a for a in arts if a.copy_of]
    chained = list(zip(copies[0:10:2], copies[1:10:2]))  # (later, copy): five later copies re-pointed
    assert all(later.copy_of != copy.copy_of for later, copy in chained)  # at another text's copy
    for later, copy in chained:
        later.copy_of = copy.id
        with store.engine.begin() as conn:
            conn.execute(articles.update().where(articles.c.id == later.id).values(copy_of=copy.id))
    for sel, chosen in _cases(arts):
        assert counted(attention(store, sel, "day")) == reference(chosen, rels, story_of, "day"), sel


@pytest.mark.parametrize("interval", ["day", "week"])
def test_copies_alone_and_undated_ones_count_as_the_reference_does(world, interval):
    """Without relations and wire credits only copies group articles (the counts' shortcut);
    an undated article is its group's origin only when none of the group is dated."""
    store, arts, _rels, _stories = world
    for a in [a for a in arts if a.copy_of][:12] + [a for a in arts if not a.copy_of][:4]:
        a.published = None
    with store.engine.begin() as conn:
        conn.execute(relations.delete())
        conn.execute(articles.update().values(agency=None))
        undated = [a.id for a in arts if a.published is None]
        conn.execute(articles.update().where(articles.c.id.in_(undated)).values(published=None))
    for a in arts:
        a.agency = None
    for sel, chosen in _cases(arts):
        assert counted(attention(store, sel, interval)) == reference(chosen, [], {}, interval), sel
