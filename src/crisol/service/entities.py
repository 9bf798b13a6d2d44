"""Looking an entity up the way people name it: by id, canonical name or any spelling seen."""

from __future__ import annotations

from dataclasses import dataclass, field

from crisol.store.queries import AnnotationQueries, EntityRecord
from crisol.text import fold, fold_name


@dataclass
class Lookup:
    """What a name found in the registry: one entity, or the candidates when it is ambiguous."""

    entity: EntityRecord | None = None
    candidates: list[EntityRecord] = field(default_factory=list)


def find_entity(queries: AnnotationQueries, name: str) -> Lookup:
    """The registry entity called ``name`` (id, canonical name or any spelling seen).

    Preference: the entity id; then one entity whose canonical name folds to the same text;
    then one entity with a spelling that does; then one whose spellings contain the name's
    words. Several left at the first level that has any: ambiguous, all returned as candidates.
    """
    known = queries.get_entities([name])
    if known:
        return Lookup(entity=known[name])
    key = fold_name(name)
    if not key:
        return Lookup()
    canonical, alias, partial = set(), set(), set()
    for entity_id, text, is_name in queries.iter_names():
        folded = fold_name(text)
        if folded == key:
            (canonical if is_name else alias).add(entity_id)
        elif f" {key} " in f" {folded} ":
            partial.add(entity_id)
    for level in (canonical, alias | canonical, partial | alias | canonical):
        if level:
            found = queries.get_entities(level)
            ranked = sorted(found.values(), key=lambda e: (-e.mentions, e.name))
            if len(ranked) == 1:
                return Lookup(entity=ranked[0])
            return Lookup(candidates=ranked)
    return Lookup()


@dataclass
class Spelling:
    """One spelling of an entity, how often it was seen, and why it names this entity."""

    text: str
    count: int
    why: str
    article: str | None = None  # the article the merge was made in (where its evidence is)


def spellings(entity: EntityRecord) -> list[Spelling]:
    """Every spelling of ``entity``, most seen first, with why it was merged into the entity: the
    rule, its score and its evidence, as the linker recorded them (the first merge of each
    spelling), and the article it was merged in (registries linked before it was recorded have
    none); the entity's own name, or a spelling merged by no rule, says so. What
    ``crisol entity NAME`` and the entity page show."""
    merges: dict[str, dict] = {}
    for m in entity.merges:
        merges.setdefault(m.get("surface", ""), m)
    out = []
    for text, count in entity.aliases:
        m = merges.get(text)
        if m:
            why = f"{m.get('rule')} ({m.get('score', 0):.2f}): {m.get('evidence') or ''}".rstrip(": ")
        else:
            why = "the entity's first spelling" if text == entity.name else "same spelling"
        out.append(Spelling(text, count, why, (m or {}).get("article")))
    return out


@dataclass
class ActorFilter:
    """What an actor filter ("--actor Kim") matches: the registry entities it names (each
    spelling counts) and the names an unlinked actor may carry (the filter's own text too)."""

    entities: list[EntityRecord]
    ids: list[str]
    names: list[str]

    def folded_names(self) -> set[str]:
        return {fold(n) for n in self.names}


def actor_filter(queries: AnnotationQueries, actor: str | None) -> ActorFilter:
    """The entities ``actor`` names (all those it may name, when it is part of several names)
    and every spelling of them; a name the registry does not know is kept as a plain name."""
    if not actor:
        return ActorFilter([], [], [])
    found = find_entity(queries, actor)
    chosen = [found.entity] if found.entity else found.candidates
    names = [actor, *(t for e in chosen for t in (e.name, *(a for a, _ in e.aliases)))]
    return ActorFilter(chosen, [e.id for e in chosen], names)
