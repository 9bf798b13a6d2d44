"""The SQL of linking: the entity registry, article profiles, relations and stories.

The tables are declared in :mod:`crisol.store.schema` and created by the ``0003_link`` and
``0007`` migrations. :class:`LinkStore` keeps every statement about them in one place; a
database hands out its own as ``db.links``.

>>> from crisol.store import open_store
>>> open_store(":memory:").links.list_stories().total
0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from sqlalchemy import (
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from crisol.errors import StoreBusy, StoreError
from crisol.store import schema as s
from crisol.store.schema import (
    article_profiles,
    entities,
    entity_aliases,
    relations,
    stories,
    story_articles,
    story_history,
    story_views,
)
from crisol.store.store import Store, _chunks

if TYPE_CHECKING:
    import numpy as np

MAX_MERGE_HOPS = 64  # a chain of merges longer than this (or a loop) leads nowhere


@dataclass
class StoryRow:
    id: str
    title: str | None
    language: str | None
    size: int
    first: datetime | None
    last: datetime | None
    articles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "size": self.size,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "articles": self.articles,
            "outlets": self.outlets,
        }


@dataclass
class StoryPage:
    data: list[StoryRow]
    total: int


@dataclass
class StoredProfile:
    article_id: str
    embedding: np.ndarray
    names: list[str]
    keys: list[list[str | None]]


class LinkStore:
    """Reads and writes the linking tables through a :class:`Store`'s connections."""

    def __init__(self, store: Store):
        self.store = store

    # ---- entity registry --------------------------------------------------------------------
    def save_entities(self, records: Sequence[dict[str, Any]]) -> None:
        """Upsert registry entities (``RegistryEntity``-shaped dicts) and their alias counts."""
        if not records:
            return
        ids = [r["id"] for r in records]
        with self.store.connection() as conn:
            for chunk in _chunks(ids):
                conn.execute(delete(entity_aliases).where(entity_aliases.c.entity_id.in_(chunk)))
                conn.execute(delete(entities).where(entities.c.id.in_(chunk)))
            conn.execute(
                insert(entities),
                [
                    {
                        "id": r["id"],
                        "name": r["name"],
                        "type": r["type"],
                        "country": r.get("country"),
                        "role": r.get("role"),
                        "data": r,
                    }
                    for r in records
                ],
            )
            aliases = [
                {"entity_id": r["id"], "text": text[:300], "count": int(n)}
                for r in records
                for text, n in _merge_truncated(r.get("aliases", {})).items()
            ]
            if aliases:
                conn.execute(insert(entity_aliases), aliases)

    def load_entities(self) -> list[dict[str, Any]]:
        with self.store.connection() as conn:
            return [row.data for row in conn.execute(select(entities.c.data).order_by(entities.c.id))]

    def set_mention_entities(self, article_id: str, entity_ids: Sequence[str | None]) -> None:
        """Record the registry entity of each mention (by position) of one article."""
        m = s.mentions
        with self.store.connection() as conn:
            for pos, eid in enumerate(entity_ids):
                conn.execute(
                    update(m).where(m.c.article_id == article_id, m.c.position == pos).values(entity_id=eid)
                )

    def set_speaker_entities(self, article_id: str, entity_ids: Sequence[str | None]) -> None:
        q = s.quotes
        with self.store.connection() as conn:
            for pos, eid in enumerate(entity_ids):
                conn.execute(
                    update(q)
                    .where(q.c.article_id == article_id, q.c.position == pos)
                    .values(speaker_entity=eid)
                )

    def find_entities(self, name: str, limit: int = 20) -> list[dict[str, Any]]:
        """Entities whose canonical name or any alias contains ``name`` (case-insensitive)."""
        pattern = f"%{name.lower()}%"
        with self.store.connection() as conn:
            ids = (
                conn.execute(
                    select(entity_aliases.c.entity_id)
                    .where(func.lower(entity_aliases.c.text).like(pattern))
                    .union(select(entities.c.id).where(func.lower(entities.c.name).like(pattern)))
                    .limit(200)
                )
                .scalars()
                .all()
            )
            if not ids:
                return []
            rows = conn.execute(select(entities.c.data).where(entities.c.id.in_(ids[:500]))).scalars().all()
        rows.sort(key=lambda d: (d["name"].lower() != name.lower(), -sum(d.get("aliases", {}).values())))
        return rows[:limit]

    def entity_articles(self, entity_id: str) -> list[str]:
        m = s.mentions
        with self.store.connection() as conn:
            return list(
                conn.execute(select(m.c.article_id).where(m.c.entity_id == entity_id).distinct()).scalars()
            )

    # ---- profiles ----------------------------------------------------------------------------
    def save_profiles(self, profiles: Sequence[StoredProfile]) -> None:
        import numpy as np  # lazy: the CLI lists articles through this module and numpy costs ~0.2 s

        if not profiles:
            return
        with self.store.connection() as conn:
            ids = [p.article_id for p in profiles]
            for chunk in _chunks(ids):
                conn.execute(delete(article_profiles).where(article_profiles.c.article_id.in_(chunk)))
            conn.execute(
                insert(article_profiles),
                [
                    {
                        "article_id": p.article_id,
                        "embedding": p.embedding.astype(np.float32).tobytes(),
                        "names": sorted(p.names),
                        "keys": p.keys,
                    }
                    for p in profiles
                ],
            )

    def load_profiles(self, ids: Iterable[str]) -> dict[str, StoredProfile]:
        import numpy as np  # lazy, as in save_profiles

        out: dict[str, StoredProfile] = {}
        with self.store.connection() as conn:
            for chunk in _chunks(list(ids)):
                for r in conn.execute(
                    select(article_profiles).where(article_profiles.c.article_id.in_(chunk))
                ):
                    out[r.article_id] = StoredProfile(
                        r.article_id,
                        np.frombuffer(r.embedding, dtype=np.float32).copy(),
                        list(r.names),
                        list(r.keys),
                    )
        return out

    def unlinked_article_ids(self) -> list[str]:
        """Stored articles not yet placed in a story: undated ones first (in the order they were
        stored: they are placed against the stories live now, before dated articles move the
        clusterer's time window on), then the dated ones in publication order."""
        a = s.articles
        with self.store.connection() as conn:
            linked = select(story_articles.c.article_id)
            rows = conn.execute(
                select(a.c.id, a.c.published, a.c.ingested_at).where(a.c.id.not_in(linked))
            ).all()
        far = datetime.max.replace(tzinfo=None)
        rows.sort(
            key=lambda r: (
                r.published is not None,
                r.published.replace(tzinfo=None) if r.published else far,
                r.ingested_at.replace(tzinfo=None) if r.ingested_at else far,
                r.id,
            )
        )
        return [r.id for r in rows]

    # ---- relations ---------------------------------------------------------------------------
    def add_relations(self, rels: Sequence[dict[str, Any]]) -> None:
        """Insert relations (``Relation.to_dict()`` shape); an existing (a, b, kind) is replaced."""
        if not rels:
            return
        with self.store.connection() as conn:
            for r in rels:
                conn.execute(
                    delete(relations).where(
                        relations.c.a == r["a"], relations.c.b == r["b"], relations.c.kind == r["kind"]
                    )
                )
            conn.execute(
                insert(relations),
                [
                    {
                        "a": r["a"],
                        "b": r["b"],
                        "kind": r["kind"],
                        "score": float(r["score"]),
                        "detail": {k: r.get(k, []) for k in ("pairs", "dropped", "added")},
                    }
                    for r in rels
                ],
            )

    def relations_among(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        ids = list(ids)
        out = []
        with self.store.connection() as conn:
            for chunk in _chunks(ids):
                for r in conn.execute(
                    select(relations).where(relations.c.b.in_(chunk)).order_by(relations.c.a, relations.c.b)
                ):
                    if r.a in ids:
                        out.append({"a": r.a, "b": r.b, "kind": r.kind, "score": r.score, **r.detail})
        return out

    def relations_of(self, article_id: str) -> list[dict[str, Any]]:
        with self.store.connection() as conn:
            rows = conn.execute(
                select(relations).where((relations.c.a == article_id) | (relations.c.b == article_id))
            ).all()
        return [{"a": r.a, "b": r.b, "kind": r.kind, "score": r.score, **r.detail} for r in rows]

    # ---- stories -----------------------------------------------------------------------------
    def add_to_story(
        self,
        story_id: str,
        article_id: str,
        score: float,
        title: str | None,
        language: str | None,
        size: int,
        first: datetime | None,
        last: datetime | None,
        merged: Sequence[str] = (),
        moved: Sequence[str] = (),
        split_from: str | None = None,
    ) -> None:
        """Record one new member of a story (and the stories it bridged into it, or the articles
        it took along when it split from a drifting story) without rewriting the story's other
        members: the cost stays flat however big the story grows."""
        sa_ = story_articles
        now = s.utcnow()
        values = dict(language=language, size=size, first=first, last=last, merged_into=None, updated=now)
        with self.store.connection() as conn:
            # a title once set stays (the presented story may have chosen a better one: set_title)
            kept = func.coalesce(stories.c.title, title)
            if (
                conn.execute(
                    update(stories).where(stories.c.id == story_id).values(title=kept, **values)
                ).rowcount
                == 0
            ):
                conn.execute(insert(stories).values(id=story_id, title=title, **values))
            for other in merged:
                _absorb(conn, story_id, other, now)
            if moved:
                conn.execute(update(sa_).where(sa_.c.article_id.in_(list(moved))).values(story_id=story_id))
            if split_from is not None:
                left = (
                    select(func.count())
                    .select_from(sa_)
                    .where(sa_.c.story_id == split_from)
                    .scalar_subquery()
                )
                conn.execute(update(stories).where(stories.c.id == split_from).values(size=left, updated=now))
            position = conn.execute(
                select(func.coalesce(func.max(sa_.c.position) + 1, 0)).where(sa_.c.story_id == story_id)
            ).scalar()
            conn.execute(delete(sa_).where(sa_.c.article_id == article_id))
            conn.execute(
                insert(sa_).values(
                    article_id=article_id, story_id=story_id, score=float(score), position=position
                )
            )

    def merge_stories(
        self,
        story_id: str,
        merged: Sequence[str],
        language: str | None,
        size: int,
        first: datetime | None,
        last: datetime | None,
    ) -> None:
        """Merge stories into ``story_id`` without a new member (two stories found to tell one
        event: crisol link-archive's stitching and cross-lingual pass); their members follow
        its own, and they point to it."""
        now = s.utcnow()
        with self.store.connection() as conn:
            for other in merged:
                _absorb(conn, story_id, other, now)
            conn.execute(
                update(stories)
                .where(stories.c.id == story_id)
                .values(language=language, size=size, first=first, last=last, updated=now)
            )

    def memberships(self, article_ids: Iterable[str]) -> dict[str, tuple[str, float]]:
        """The story each article is in and the score it joined with; unlinked ones are absent."""
        sa_ = story_articles
        out: dict[str, tuple[str, float]] = {}
        with self.store.connection() as conn:
            for chunk in _chunks(list(article_ids)):
                for r in conn.execute(
                    select(sa_.c.article_id, sa_.c.story_id, sa_.c.score).where(sa_.c.article_id.in_(chunk))
                ):
                    out[r.article_id] = (r.story_id, r.score)
        return out

    def story_rows(self, story_ids: Iterable[str]) -> dict[str, StoryRow]:
        """The stories' rows (without their members), by id; unknown ids are absent."""
        out: dict[str, StoryRow] = {}
        with self.store.connection() as conn:
            for chunk in _chunks(list(story_ids)):
                for r in conn.execute(select(stories).where(stories.c.id.in_(chunk))):
                    out[r.id] = StoryRow(r.id, r.title, r.language, r.size, r.first, r.last)
        return out

    def stories_between(self, since: datetime, until: datetime) -> list[StoryRow]:
        """Live stories whose time span meets ``since`` .. ``until``, earliest first, after the
        undated ones (their articles have no time: they meet any)."""
        live = stories.c.merged_into.is_(None)
        meets = ((stories.c.last >= since) & (stories.c.first <= until)) | stories.c.first.is_(None)
        order = (stories.c.first.asc().nulls_first(), stories.c.id)
        with self.store.connection() as conn:
            rows = conn.execute(select(stories).where(live, meets).order_by(*order))
            return [StoryRow(r.id, r.title, r.language, r.size, r.first, r.last) for r in rows]

    def add_history(self, entries: Sequence[dict[str, Any]]) -> None:
        if not entries:
            return
        now = s.utcnow()
        with self.store.connection() as conn:
            conn.execute(
                insert(story_history),
                [
                    {
                        "story_id": e["story"],
                        "action": e["action"],
                        "article_id": e.get("article"),
                        "other_story": e.get("merged") or e.get("into"),
                        "score": e.get("score"),
                        "at": now,
                    }
                    for e in entries
                ],
            )

    def story_history(self, story_id: str) -> list[dict[str, Any]]:
        with self.store.connection() as conn:
            rows = conn.execute(
                select(story_history)
                .where((story_history.c.story_id == story_id) | (story_history.c.other_story == story_id))
                .order_by(story_history.c.id)
            ).all()
        return [
            {
                "story": r.story_id,
                "action": r.action,
                "article": r.article_id,
                "other": r.other_story,
                "score": r.score,
                "at": r.at.isoformat(),
            }
            for r in rows
        ]

    def story_members(self, story_id: str) -> list[str]:
        with self.store.connection() as conn:
            return list(
                conn.execute(
                    select(story_articles.c.article_id)
                    .where(story_articles.c.story_id == story_id)
                    .order_by(story_articles.c.position)
                ).scalars()
            )

    def story_of(self, article_id: str) -> str | None:
        with self.store.connection() as conn:
            return conn.execute(
                select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
            ).scalar()

    def resolve_story(self, id_or_prefix: str) -> str | None:
        with self.store.connection() as conn:
            ids = (
                conn.execute(
                    select(stories.c.id)
                    .where(stories.c.id.like(f"{id_or_prefix}%"), stories.c.merged_into.is_(None))
                    .limit(2)
                )
                .scalars()
                .all()
            )
        return ids[0] if len(ids) == 1 else None

    def merged_target(self, story_id: str) -> str | None:
        """The story that the story ``story_id`` (an exact id) was merged into, following chains
        (a merged into b, b into c: c); None when ``story_id`` names no merged story, or its chain
        loops or ends at a story that is not there."""
        seen: list[str] = []
        sid = story_id
        with self.store.connection() as conn:
            while len(seen) <= MAX_MERGE_HOPS:
                row = conn.execute(select(stories.c.merged_into).where(stories.c.id == sid)).first()
                if row is None:
                    return None
                if row.merged_into is None:
                    return sid if seen else None
                if row.merged_into in seen or row.merged_into == sid:
                    return None
                seen.append(sid)
                sid = row.merged_into
        return None

    def list_stories(self, limit: int = 50, offset: int = 0, order: str = "last") -> StoryPage:
        """Live stories (not merged away), biggest or latest first, with members and outlets."""
        live = stories.c.merged_into.is_(None)
        key = stories.c.size.desc() if order == "size" else stories.c.last.desc()
        with self.store.connection() as conn:
            total = conn.execute(select(func.count()).select_from(stories).where(live)).scalar_one()
            rows = conn.execute(
                select(stories).where(live).order_by(key, stories.c.id).limit(limit).offset(offset)
            ).all()
            ids = [r.id for r in rows]
            members: dict[str, list[tuple[str, str | None]]] = {i: [] for i in ids}
            if ids:
                a = s.articles
                q = (
                    select(story_articles.c.story_id, story_articles.c.article_id, a.c.outlet)
                    .join(a, a.c.id == story_articles.c.article_id)
                    .where(story_articles.c.story_id.in_(ids))
                    .order_by(story_articles.c.position)
                )
                for r in conn.execute(q):
                    members[r.story_id].append((r.article_id, r.outlet))
        data = [
            StoryRow(
                r.id,
                r.title,
                r.language,
                r.size,
                r.first,
                r.last,
                [m for m, _ in members[r.id]],
                sorted({o for _, o in members[r.id] if o}),
            )
            for r in rows
        ]
        return StoryPage(data, total)

    def live_story_ids(self, since: datetime | None = None, limit: int = 100_000) -> list[str]:
        """Stories to keep in memory for online clustering: the most recent ones."""
        q = select(stories.c.id).where(stories.c.merged_into.is_(None))
        if since is not None:
            q = q.where((stories.c.last >= since) | stories.c.last.is_(None))
        with self.store.connection() as conn:
            return list(conn.execute(q.order_by(stories.c.last.desc()).limit(limit)).scalars())

    def story_updated(self, story_id: str) -> datetime | None:
        """When the story last changed (a member added, merged in or moved out), or None."""
        with self.store.connection() as conn:
            return conn.execute(select(stories.c.updated).where(stories.c.id == story_id)).scalar()

    def set_title(self, story_id: str, title: str) -> None:
        """Name the story (the title its presentation chose) without marking it changed."""
        with self.store.connection() as conn:
            conn.execute(update(stories).where(stories.c.id == story_id).values(title=title))

    def save_view(
        self, story_id: str, story_updated: datetime, view: dict[str, Any], wait_ms: int | None = None
    ) -> None:
        """Store the presented ``view`` of a story as it was at ``story_updated`` (replacing any).

        ``wait_ms`` (SQLite, outside a transaction) bounds the wait for another writer, such as
        an ingest, instead of the whole busy timeout: a reader caching a view answers first.
        Raises :class:`~crisol.errors.StoreBusy` when the store stayed locked that long, and
        :class:`~crisol.errors.StoreError` when the write failed otherwise."""
        try:
            self._save_view(story_id, story_updated, view, wait_ms)
        except OperationalError as e:
            raise StoreBusy(
                f"{self.store.where}: the view of story {story_id} was not stored: {e.orig}"
            ) from e
        except SQLAlchemyError as e:
            raise StoreError(f"{self.store.where}: the view of story {story_id} was not stored: {e}") from e

    def _save_view(
        self, story_id: str, story_updated: datetime, view: dict[str, Any], wait_ms: int | None
    ) -> None:
        if wait_ms is None or self.store.in_transaction or self.store.engine.dialect.name != "sqlite":
            with self.store.connection() as conn:
                self._write_view(conn, story_id, story_updated, view)
            return
        with self.store.engine.connect() as conn:
            previous = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
            try:
                self._write_view(conn, story_id, story_updated, view)
                conn.commit()
            finally:
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(previous)}")
                conn.commit()

    @staticmethod
    def _write_view(conn, story_id: str, story_updated: datetime, view: dict[str, Any]) -> None:
        conn.execute(delete(story_views).where(story_views.c.story_id == story_id))
        conn.execute(
            insert(story_views).values(
                story_id=story_id, story_updated=story_updated, computed=s.utcnow(), view=view
            )
        )

    def load_view(self, story_id: str) -> tuple[datetime, dict[str, Any]] | None:
        """The stored view of a story and the story's ``updated`` it was made from, or None."""
        with self.store.connection() as conn:
            row = conn.execute(
                select(story_views.c.story_updated, story_views.c.view).where(
                    story_views.c.story_id == story_id
                )
            ).first()
        return (row.story_updated, row.view) if row is not None else None

    def stale_views(self, limit: int) -> list[str]:
        """Live stories (not merged away, not emptied) whose stored view is missing or older than
        the story, the most recently changed first: at most ``limit`` ids."""
        v = story_views
        stale = v.c.story_id.is_(None) | (v.c.story_updated < stories.c.updated)
        q = (
            select(stories.c.id)
            .outerjoin(v, v.c.story_id == stories.c.id)
            .where(stories.c.merged_into.is_(None), stories.c.size > 0, stale)
            .order_by(stories.c.updated.desc(), stories.c.id)
            .limit(limit)
        )
        with self.store.connection() as conn:
            return list(conn.execute(q).scalars())

    def drop_views(self, story_ids: Iterable[str]) -> None:
        with self.store.connection() as conn:
            for chunk in _chunks(list(story_ids)):
                conn.execute(delete(story_views).where(story_views.c.story_id.in_(chunk)))

    def story_counter(self) -> int:
        with self.store.connection() as conn:
            return int(conn.execute(select(func.count()).select_from(stories)).scalar_one())


def _absorb(conn, story_id: str, other: str, now: datetime) -> None:
    """Move ``other``'s members after ``story_id``'s and mark it merged into it."""
    sa_ = story_articles
    offset = conn.execute(
        select(func.coalesce(func.max(sa_.c.position) + 1, 0)).where(sa_.c.story_id == story_id)
    ).scalar()
    conn.execute(
        update(sa_).where(sa_.c.story_id == other).values(story_id=story_id, position=sa_.c.position + offset)
    )
    conn.execute(
        update(stories).where(stories.c.id == other).values(merged_into=story_id, size=0, updated=now)
    )


def _merge_truncated(aliases: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for text, n in aliases.items():
        out[text[:300]] = out.get(text[:300], 0) + int(n)
    return out
