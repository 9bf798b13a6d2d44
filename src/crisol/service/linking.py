"""Linking stored articles: the stage after ``store`` that relates articles to each other.

:class:`Linker` takes the articles not yet in a story, in publication order, and for each one:

1. links its mentions to registry entities (:mod:`crisol.link.entities`);
2. profiles it (multilingual embedding, terms, names, who-met-whom keys);
3. finds exact and near duplicates among earlier articles (:mod:`crisol.link.dedup`);
4. joins it to a story or starts one (:mod:`crisol.link.stories`);
5. looks for a rewrite relation with the story's earlier members (sentence alignment);

then presents each story the run touched, once (:mod:`crisol.present`, reusing the sentence
embeddings of step 5), and stores the view, so readers do not present it again. It writes all
of it through :class:`crisol.store.link.LinkStore`. Its in-memory state (the
registry, the duplicate index, the recent stories) is rebuilt from the store when it starts, so
``crisol ingest`` can be run again and again and the stories keep growing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from crisol.link import dedup
from crisol.link import similarity as sim
from crisol.link.entities import EntityRegistry
from crisol.link.stories import WINDOW as stories_window
from crisol.link.stories import Story, StoryClusterer, StoryItem
from crisol.model import Article, as_utc, time_key
from crisol.service.views import store_view
from crisol.store import Database
from crisol.store.link import StoredProfile
from crisol.text import fold_name

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

BATCH = 32
# Stories quiet for longer than the clusterer's window are not reloaded (closed for joining).
WINDOW = stories_window
# Meetings and visits identify the story's own encounter; background ones (dated weeks away from
# publication) and hypothetical or denied ones do not.
ENCOUNTER_TYPES = {"CONSULT"}
BACKGROUND = timedelta(days=14)
REWRITE_CANDIDATES = 5
# ... chosen among the story's most recent members (a wire story and its rewrites arrive close
# together), so a story of thousands of articles costs no more than a small one.
REWRITE_POOL = 200


@dataclass
class LinkReport:
    linked: int = 0
    stories_created: int = 0
    stories_merged: int = 0
    stories_split: int = 0
    relations: dict[str, int] = field(default_factory=dict)
    views: int = 0  # stories presented and stored at the end of the run
    views_seconds: float = 0.0  # what that cost
    stories_touched: set[str] = field(default_factory=set)  # joined, created, split (not merged away)
    entities_touched: set[str] = field(default_factory=set)

    def to_dict(self) -> dict:
        return {
            "linked": self.linked,
            "stories_created": self.stories_created,
            "stories_merged": self.stories_merged,
            "stories_split": self.stories_split,
            "relations": dict(self.relations),
            "views": self.views,
            "views_seconds": round(self.views_seconds, 2),
        }


def _person_ids(article: Article) -> dict[str, str]:
    """Folded surface and canonical forms of the article's people -> registry entity id."""
    out: dict[str, str] = {}
    for m in article.mentions:
        if m.label == "PER" and m.entity_id:
            for form in (m.text, m.canonical):
                if form:
                    out.setdefault(fold_name(form), m.entity_id)
    return out


def _background(event, published: datetime | None) -> bool:
    if not event.date or event.date_precision != "day" or published is None:
        return False
    try:
        day = datetime.fromisoformat(event.date).date()
    except ValueError:
        return False
    return abs(day - published.date()) > BACKGROUND


def persons(article: Article) -> frozenset[str]:
    return frozenset(_person_ids(article).values())


def participants(article: Article) -> frozenset[str]:
    """The people in the article's own meetings and visits (registry ids)."""
    people = _person_ids(article)
    out = set()
    for e in article.events:
        if e.type not in ENCOUNTER_TYPES or e.certainty in ("hypothetical", "denied"):
            continue
        if _background(e, article.published):
            continue
        for actor in (e.source, e.target):
            if actor is not None and actor.name:
                pid = actor.entity_id or people.get(fold_name(actor.name))
                if pid:
                    out.add(pid)
    return frozenset(out)


def entity_names(article: Article) -> list[str]:
    """Distinctive names for similarity: people, organisations and places, by registry id."""
    return sorted(
        {
            m.entity_id or fold_name(m.canonical or m.text)
            for m in article.mentions
            if m.label in ("PER", "ORG", "LOC", "GPE")
        }
    )


def _time(article: Article) -> datetime | None:
    t = article.published
    if t is not None and t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t


class Linker:
    """Places stored articles into stories and records their relations.

    >>> from crisol.store import open_store
    >>> Linker(open_store(":memory:")).link_pending().linked
    0
    """

    def __init__(
        self,
        store: Database,
        model: sim.SimilarityModel | None = None,
        views: bool = True,
        mentions_linked: bool = False,
    ):
        self.store = store
        self.links = store.links
        self.model = model
        self.views = views  # present and store the touched stories at the end of each run
        # The articles' mentions come linked to the registry already (crisol link-archive links
        # every language's in one pass first, then links stories language by language).
        self.mentions_linked = mentions_linked
        self._registry: EntityRegistry | None = None
        self._ready = False
        self._touched: set[str] = set()

    # -- state ------------------------------------------------------------------------------
    @property
    def registry(self) -> EntityRegistry:
        """The entity registry, loaded from the store when first needed."""
        if self._registry is None:
            records = self.links.load_entities()
            self._registry = (
                EntityRegistry.from_dict({"version": 1, "entities": records}) if records else EntityRegistry()
            )
        return self._registry

    def _load(self) -> None:
        if self._ready:
            return
        self.dedup = dedup.DuplicateIndex()
        self.sentences = dedup.SentenceCache()
        self.clusterer = StoryClusterer(self.model)
        self.clusterer._counter = self.links.story_counter()
        page = self.links.list_stories(limit=1, order="last")
        newest = page.data[0].last if page.data else None
        since = newest - WINDOW if newest else None
        for sid in reversed(self.links.live_story_ids(since=since)):
            self._restore_story(sid)
        self._ready = True

    def _restore_story(self, story_id: str) -> None:
        ids = self.links.story_members(story_id)
        profiles = self.links.load_profiles(ids)
        story = Story(story_id)
        articles = self.store.load_articles(ids, with_raw=False)
        # profiles another embedder made (a store from an older crisol) are made again, once
        stale = [a for a in articles if a.id in profiles and sim.unpack(profiles[a.id].embedding) is None]
        if stale:
            fresh = sim.profiles(
                [a.text for a in stale],
                [a.title for a in stale],
                [a.language for a in stale],
                [entity_names(a) for a in stale],
            )
            for a, f in zip(stale, fresh):
                profiles[a.id].embedding = sim.pack(f)
            self.links.save_profiles([profiles[a.id] for a in stale])
        for article in articles:
            p = profiles.get(article.id)
            if p is None:
                continue
            item = stored_item(article, p)
            story.add(item)
            self.clusterer.df.add(item.profile)
            self.dedup.add(article.id, article.text, article.text_hash, item.time)
        if story.members:
            self.clusterer.restore(story)

    # -- linking ----------------------------------------------------------------------------
    def link_pending(self, on_progress: Callable[[int], None] | None = None) -> LinkReport:
        """Link every stored article that is not in a story yet, oldest first (what a run killed
        between storing and linking left behind, or ``crisol link`` after ``--no-analyze``)."""
        report = LinkReport()
        pending = self.links.unlinked_article_ids()
        for start in range(0, len(pending), BATCH):
            ids = pending[start : start + BATCH]
            articles = self.store.load_articles(ids, with_raw=False)
            order = {aid: i for i, aid in enumerate(ids)}
            articles.sort(key=lambda a: order[a.id])
            self.link_articles(articles, report)
            if on_progress:
                on_progress(len(articles))
        if self.views:
            self._store_views(report)
        self._touched.clear()
        return report

    def link_articles(
        self,
        articles: Sequence[Article],
        report: LinkReport | None = None,
        on_progress: Callable[[int], None] | None = None,
        embeddings: Mapping[str, np.ndarray] | None = None,
    ) -> LinkReport:
        """Link articles just stored (the ingest runner hands each batch over as it is stored:
        no reload, no scan of the store): undated ones first, then by publication time, in
        transactions of :data:`BATCH`. The stories and entities they touched are added to
        ``report.stories_touched`` and ``report.entities_touched`` (for the search index).

        ``embeddings`` (article id -> :func:`~crisol.link.similarity.pack`'s vector) are the
        articles' embeddings computed before (the Parquet archive holds them): not computed again."""
        report = report if report is not None else LinkReport()
        if not articles:
            return report
        self._load()
        for a in articles:  # as the store holds them: comparable with the stored members' times
            a.published, a.fetched = as_utc(a.published), as_utc(a.fetched)
        ordered = sorted(articles, key=lambda a: (a.published is not None, time_key(a.published)))
        for start in range(0, len(ordered), BATCH):
            with self.store.transaction():
                self._link_batch(ordered[start : start + BATCH], report, embeddings or {})
            if on_progress:
                on_progress(len(ordered[start : start + BATCH]))
        report.stories_touched.update(self._touched)
        if not self.views:  # nothing to present at the end: the touched set is the report's
            self._touched.clear()
        return report

    def _store_views(self, report: LinkReport) -> None:
        """Present every story this run touched, once, and store the views. Sentences come
        from the linker's cache where step 5 embedded them already. A story that fails to
        present is left without a view (its first read presents it) rather than failing the
        linking, which is stored already."""
        start = time.perf_counter()
        touched, self._touched = sorted(self._touched), set()
        for sid in touched:
            try:
                if store_view(self.store, sid, self.sentences.vectors) is not None:
                    report.views += 1
            except Exception:  # noqa: BLE001 - a view is a cache; the read path retries it
                log.exception("presenting story %s after linking failed", sid)
        report.views_seconds += time.perf_counter() - start

    def link_mentions(self, articles: Sequence[Article]) -> set[str]:
        """Link the articles' mentions (and quote speakers) to registry entities and store them;
        the ids of the entities touched."""
        touched: set[str] = set()
        for a in articles:
            self.registry.link(a)
            ids = [m.entity_id for m in a.mentions]
            touched.update(i for i in ids if i)
            self.links.set_mention_entities(a.id, ids)
            self._link_speakers(a)
        self.links.save_entities([self.registry.get(i).to_dict() for i in sorted(touched)])
        return touched

    def _link_batch(
        self, articles: Sequence[Article], report: LinkReport, embeddings: Mapping[str, np.ndarray]
    ) -> None:
        # 1. registry
        if not self.mentions_linked:
            report.entities_touched.update(self.link_mentions(articles))
        # 2. profiles, in one embedding batch
        profiles = article_profiles(articles, embeddings)
        stored = []
        for a, p in zip(articles, profiles):
            stored.append(stored_profile(a, p))
            self._link_one(a, StoryItem(a.id, p, _time(a), participants(a), persons(a), a.title), report)
        self.links.save_profiles(stored)

    def _link_speakers(self, article: Article) -> None:
        by_name = {}
        for m in article.mentions:
            if m.entity_id:
                by_name.setdefault(fold_name(m.canonical or m.text), m.entity_id)
                by_name.setdefault(fold_name(m.text), m.entity_id)
        ids = [by_name.get(fold_name(q.speaker)) if q.speaker else None for q in article.quotes]
        for q, eid in zip(article.quotes, ids):
            q.speaker_entity = eid
        if any(ids):
            self.links.set_speaker_entities(article.id, ids)

    def _link_one(self, article: Article, item: StoryItem, report: LinkReport) -> None:
        relations = self.dedup.add(article.id, article.text, article.text_hash, item.time)
        assignment = self.clusterer.add(item)
        story = self.clusterer.stories[assignment.story]
        known = {r.a for r in relations}
        # Rewrites: compared only with the story's closest earlier members (bounded work).
        earlier = [m for m in story.members[-REWRITE_POOL - 1 : -1] if m.id not in known]
        earlier.sort(key=lambda m: -float(m.profile.embedding @ item.profile.embedding))
        if earlier:
            texts = {
                a.id: a
                for a in self.store.load_articles(
                    [m.id for m in earlier[:REWRITE_CANDIDATES]], with_raw=False
                )
            }
            for m in earlier[:REWRITE_CANDIDATES]:
                other = texts.get(m.id)
                if other is None:
                    continue
                dated = other.published is not None and article.published is not None
                known = dated and abs((article.published - other.published).total_seconds()) > 3600
                rel = dedup.compare(
                    other.id,
                    other.text,
                    article.id,
                    article.text,
                    self.sentences,
                    order_known=bool(known and other.published < article.published),
                )
                if rel is None and known and other.published > article.published:
                    rel = dedup.compare(
                        article.id, article.text, other.id, other.text, self.sentences, order_known=True
                    )
                if rel is not None:
                    relations.append(rel)
        self.links.add_relations([r.to_dict() for r in relations])
        for r in relations:
            report.relations[r.kind] = report.relations.get(r.kind, 0) + 1
        report.stories_merged += len(assignment.merged)
        report.stories_created += assignment.created
        report.linked += 1
        self.links.add_to_story(
            story.id,
            article.id,
            assignment.score,
            story.title,
            story.language,
            story.size,
            story.first,
            story.last,
            assignment.merged,
            assignment.moved,
            assignment.split_from,
        )
        report.stories_split += assignment.split_from is not None
        self._touched.add(story.id)
        if assignment.split_from is not None:
            self._touched.add(assignment.split_from)
        self._touched.difference_update(assignment.merged)  # merged away: no longer shown
        report.stories_touched.difference_update(assignment.merged)
        self.links.drop_views(assignment.merged)
        self.links.add_history(self.clusterer.history)
        self.clusterer.history.clear()


def stored_profile(article: Article, profile: sim.Profile) -> StoredProfile:
    """What the store keeps of an article's profile: its embeddings, names and who-met-whom keys."""
    keys = [sorted(participants(article)), sorted(persons(article))]
    return StoredProfile(article.id, sim.pack(profile), sorted(profile.names), keys)


def stored_item(article: Article, p: StoredProfile) -> StoryItem:
    """A stored article as the clusterer knows it, from its stored profile."""
    head, title = sim.unpack(p.embedding)
    profile = sim.Profile(
        head, title, sim.terms(article.text), frozenset(p.names), sim.numbers(article.text), article.language
    )
    return StoryItem(
        article.id,
        profile,
        _time(article),
        frozenset(p.keys[0]) if p.keys else frozenset(),
        frozenset(p.keys[1]) if len(p.keys) > 1 else frozenset(),
        article.title,
    )


def article_profiles(articles: Sequence[Article], embeddings: Mapping[str, np.ndarray]) -> list[sim.Profile]:
    """The articles' profiles: from their given embeddings, the others' computed in one batch."""
    given = {
        a.id: p
        for a in articles
        if a.id in embeddings
        and (p := sim.profile_with(embeddings[a.id], a.text, a.language, entity_names(a))) is not None
    }
    todo = [a for a in articles if a.id not in given]
    fresh = iter(
        sim.profiles(
            [a.text for a in todo],
            [a.title for a in todo],
            [a.language for a in todo],
            [entity_names(a) for a in todo],
        )
        if todo
        else []
    )
    return [given[a.id] if a.id in given else next(fresh) for a in articles]


def link_stored(
    store: Database, on_progress: Callable[[int], None] | None = None, views: bool = True
) -> LinkReport:
    """Link every stored article that is not in a story yet (what ``crisol link`` runs), then
    present and store the stories it touched (``views``)."""
    return Linker(store, views=views).link_pending(on_progress)
