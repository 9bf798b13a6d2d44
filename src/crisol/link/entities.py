"""The cross-article entity registry: one entity per real-world person, place or organisation.

:class:`EntityRegistry` links every mention of an :class:`~crisol.model.Article` to a
:class:`RegistryEntity` (setting ``mention.entity_id``), merging surface variants across articles
and languages: spelling folds (accents, hyphens), transliteration systems, a cross-language alias
table (countries, big cities, organisations), short forms and typos confirmed by context. Every
merge records a :class:`MergeReason` saying which rule fired and on what evidence.

Names are compared token by token (:mod:`crisol.link.names`): family names strictly, given names
fuzzily; weak matches (a one-letter typo, a phonetic likeness, a lone surname) need context
(same article, co-occurring entities, same role) or uniqueness to merge.

>>> from crisol.model import Article, Mention
>>> reg = EntityRegistry()
>>> a = Article(id="a1", source="-", raw=b"", raw_format="text", text="", language="es",
...             mentions=[Mention("Serguéi Lavrov", "PER", 0, 14, 0), Mention("Moscú", "LOC", 20, 25, 0)])
>>> b = Article(id="b1", source="-", raw=b"", raw_format="text", text="", language="en",
...             mentions=[Mention("Sergey Lavrov", "PER", 0, 13, 0), Mention("Moscow", "LOC", 20, 26, 0)])
>>> reg.link(a); reg.link(b)
>>> a.mentions[0].entity_id == b.mentions[0].entity_id, a.mentions[1].entity_id == b.mentions[1].entity_id
(True, True)
>>> [m.rule for m in reg.explain(b.mentions[1].entity_id)]
['alias table']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable

from jellyfish import levenshtein_distance

from crisol.errors import CrisolError
from crisol.link.names import (
    AliasTable,
    Comparison,
    PersonName,
    acronym,
    compare_persons,
    is_acronym,
    joined,
    person_name,
    phonetic_key,
    token_key,
)
from crisol.model import Article, Mention
from crisol.text import fold_name

# Labels the annotate stage may produce, mapped to registry types.
TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC", "NORP": "NORP"}
_PLACES_AND_BODIES = {"ORG", "LOC", "MISC"}
# Rules strong enough to link a mention before its article's context is known.
_SURE_RULES = {
    "exact",
    "alias table",
    "accent/hyphen fold",
    "transliteration",
    "given name joined",
    "given name initial",
    "given name variant",
    "given name equivalent",
    "patronymic",
    "second surname",
    "optional first name",
}
_STRENGTH = {"same": 3, "weak": 2, "lone": 1, "different": 0}


class UnknownEntity(CrisolError, KeyError):
    """An entity id that is not in the registry."""

    def __init__(self, entity_id: str):
        self.entity_id = entity_id
        super().__init__(f"no registry entity {entity_id!r}")


@dataclass
class MergeReason:
    """Why a surface form was merged into an entity."""

    surface: str
    into: str  # the entity id
    rule: str  # exact, accent/hyphen fold, transliteration, alias table, short form in article...
    score: float
    evidence: str
    article: str | None = None  # the article whose mention was merged (where the evidence is)


@dataclass
class RegistryEntity:
    """One real-world entity, with every surface form seen and why each was merged."""

    id: str
    name: str  # canonical name
    type: str  # PER, ORG, LOC, MISC
    aliases: dict[str, int] = field(default_factory=dict)  # surface -> mentions
    country: str | None = None  # ISO 3166-1 alpha-3
    role: str | None = None
    articles: set[str] = field(default_factory=set)
    merges: list[MergeReason] = field(default_factory=list)
    alias_id: str | None = None  # entry of the alias table ("country:PRK", "org:NATO")
    neighbours: Counter = field(default_factory=Counter)  # co-occurring entity id -> articles
    votes: dict[str, Counter] = field(default_factory=lambda: {"country": Counter(), "role": Counter()})

    @property
    def mentions(self) -> int:
        return sum(self.aliases.values())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["articles"] = sorted(self.articles)
        d["neighbours"] = dict(self.neighbours)
        d["votes"] = {k: dict(v) for k, v in self.votes.items()}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RegistryEntity:
        d = dict(d)
        d["articles"] = set(d.get("articles", ()))
        d["merges"] = [MergeReason(**m) for m in d.get("merges", ())]
        d["neighbours"] = Counter(d.get("neighbours", {}))
        d["votes"] = {k: Counter(v) for k, v in d.get("votes", {}).items()} or {
            "country": Counter(),
            "role": Counter(),
        }
        return cls(**d)


@dataclass(frozen=True)
class MatchContext:
    """What is known around a mention: its article, the entities beside it, its role, country."""

    article_id: str | None = None
    neighbours: frozenset[str] = frozenset()  # entity ids already linked in the same article
    role: str | None = None
    country: str | None = None


@dataclass
class _Candidate:
    entity: RegistryEntity
    comparison: Comparison
    support: float = 0.0
    evidence: list[str] = field(default_factory=list)


class EntityRegistry:
    """Registry of entities across articles; see the module docstring for an example."""

    def __init__(self, aliases: AliasTable | None = None):
        self.aliases_table = aliases if aliases is not None else AliasTable.default()
        self._entities: dict[str, RegistryEntity] = {}
        self._index: dict[str, dict[str, set[str]]] = {}
        self._by_alias_id: dict[str, str] = {}

    # -- public API -------------------------------------------------------------------------

    def link(self, article: Article) -> None:
        """Set ``entity_id`` on every mention of ``article`` (creating entities as needed).

        Two passes: mentions with a sure match (or an alias-table entry) first; then the rest,
        which can use those as context (a typo next to entities its candidate co-occurs with).
        """
        linked: dict[int, str] = {}
        order = sorted(range(len(article.mentions)), key=lambda i: _link_order(article.mentions[i]))
        deferred = []
        for i in order:
            sure = self._sure_match(article, article.mentions[i])
            if sure is not None:
                self._link_into(article, i, linked, sure)
            else:
                deferred.append(i)
        for i in deferred:
            self._link_into(article, i, linked)
        self._update_neighbours(set(linked.values()))

    def _link_into(self, article: Article, i: int, linked: dict[int, str], found=None) -> None:
        mention = article.mentions[i]
        entity_id = self._link_mention(article, mention, set(linked.values()), linked, found)
        if entity_id:
            linked[i] = entity_id
            mention.entity_id = entity_id

    def _sure_match(self, article: Article, mention: Mention):
        """The match of a mention that needs no neighbours (a full name matched by a strong
        rule, a listed place or body), as ``(entity or None, reason or None)``; else None."""
        kind = _type(mention.label)
        name = mention.canonical or mention.text
        if kind == "NORP" or (kind == "PER" and person_name(name).lone):
            return None
        found = self.match(name, kind, MatchContext(article.id))
        if found[0] is not None and found[1].rule in _SURE_RULES:
            return found
        if found[0] is None and kind != "PER" and self._alias_entry(name, kind) is not None:
            return found  # a listed name not seen yet: the alias table creates it
        return None

    def match(
        self, name: str, label: str, context: MatchContext | None = None
    ) -> tuple[RegistryEntity | None, MergeReason | None]:
        """The existing entity ``name`` (a ``label`` mention) belongs to, and why; or (None, None).

        Nothing is changed: :meth:`link` (or :meth:`add`) records the decision.
        """
        context = context or MatchContext()
        kind = _type(label)
        if not fold_name(name) or kind == "NORP":
            return None, None
        found = self._match_exact(name, kind)
        if found[0] is None and kind != "PER":
            found = self._match_alias_table(name, kind)
        if found[0] is None:
            found = self._match_fold(name, kind)
        if found[0] is None:
            finder = self._match_person if kind == "PER" else self._match_other
            found = finder(name, kind, context)
        return found

    def add(
        self,
        name: str,
        label: str,
        context: MatchContext | None = None,
        surface: str | None = None,
        _found=None,
    ) -> RegistryEntity:
        """Match ``name`` and record it (merging or creating); ``surface`` is the text as written
        when ``name`` is a resolved full form. Returns the entity."""
        context = context or MatchContext()
        entity, reason = _found if _found is not None else self.match(name, label, context)
        if entity is None:
            entity = self._create(name, _type(label), context.article_id)
        else:
            self._record(entity, name, reason, context.article_id)
        if surface and surface != name:
            reason = self._surface_reason(surface, name, entity, context)
            self._record(entity, surface, reason, context.article_id)
        self._observe(entity, context)
        return entity

    def _surface_reason(
        self, surface: str, name: str, entity: RegistryEntity, context: MatchContext
    ) -> MergeReason:
        """Why the text as written belongs to the entity its resolved ``name`` matched: its own
        rule when the surface alone would match too, else the annotate stage's resolution."""
        lone = entity.type == "PER" and person_name(surface).lone
        if surface not in entity.aliases and not lone:
            own, reason = self.match(surface, entity.type, context)
            if own is entity and reason is not None:
                return reason
        rule = "short form in article" if lone else "resolved by annotate"
        return MergeReason(
            surface,
            entity.id,
            rule,
            0.9,
            f"annotate resolved '{surface}' to '{name}' in article {context.article_id}",
        )

    def entities(self) -> list[RegistryEntity]:
        """All entities, most mentioned first."""
        return sorted(self._entities.values(), key=lambda e: (-e.mentions, e.id))

    def get(self, entity_id: str) -> RegistryEntity:
        try:
            return self._entities[entity_id]
        except KeyError:
            raise UnknownEntity(entity_id) from None

    def explain(self, entity_id: str) -> list[MergeReason]:
        """Every merge into ``entity_id``, in the order they happened."""
        return list(self.get(entity_id).merges)

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "entities": [e.to_dict() for e in self._entities.values()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], aliases: AliasTable | None = None) -> EntityRegistry:
        if data.get("version") != 1:
            raise CrisolError(f"entity registry: unsupported version {data.get('version')!r}, expected 1")
        registry = cls(aliases)
        for d in data.get("entities", ()):
            entity = RegistryEntity.from_dict(d)
            registry._entities[entity.id] = entity
            if entity.alias_id:
                registry._by_alias_id[entity.alias_id] = entity.id
                registry._index_surface(entity, entity.name)
            for surface in entity.aliases:
                registry._index_surface(entity, surface)
        return registry

    def __len__(self) -> int:
        return len(self._entities)

    # -- linking one article ----------------------------------------------------------------

    def _link_mention(
        self, article: Article, mention: Mention, neighbours: set[str], linked: dict[int, str], found=None
    ) -> str | None:
        kind = _type(mention.label)
        context = MatchContext(article.id, frozenset(neighbours), mention.role, mention.country)
        if kind == "NORP":
            return self._link_demonym(mention, context)
        name = mention.canonical or mention.text
        if not fold_name(name):
            return None  # punctuation only: nothing to name
        if not mention.canonical and (kind == "PER" or _maybe_surname(mention)):
            resolved = self._resolve_in_article(mention, article, linked)
            if resolved is not None:
                entity, reason = resolved
                self._record(entity, mention.text, reason, article.id)
                self._observe(entity, context)
                return entity.id
        return self.add(name, kind, context, surface=mention.text, _found=found).id

    def _resolve_in_article(
        self, mention: Mention, article: Article, linked: dict[int, str]
    ) -> tuple[RegistryEntity, MergeReason] | None:
        """A short form ("Lavrov", "Jong-un") or a typo ("Lavron") of a full name of the same
        article, when exactly one full name there fits."""
        name = person_name(mention.text)
        by_entity: dict[str, tuple[str, Comparison]] = {}
        for i, other in enumerate(article.mentions):
            if i not in linked or _type(other.label) != "PER":
                continue
            full = other.canonical or other.text
            if person_name(full).lone:
                continue
            cmp = compare_persons(name, person_name(full))
            if cmp.relation in ("lone", "weak"):
                best = by_entity.get(linked[i])
                if best is None or cmp.score > best[1].score:
                    by_entity[linked[i]] = (full, cmp)
        lone = {k: v for k, v in by_entity.items() if v[1].relation == "lone"}
        pool = lone or by_entity
        if len(pool) != 1:
            return None
        entity_id, (full, cmp) = next(iter(pool.items()))
        if cmp.relation == "lone":
            rule = "short form in article"
        else:
            rule = "typo with context" if "typo" in cmp.rule else f"{cmp.rule} in article"
        evidence = f"the same article names '{full}' ({cmp.detail}); no other candidate in it"
        return self.get(entity_id), MergeReason(mention.text, entity_id, rule, cmp.score, evidence)

    def _link_demonym(self, mention: Mention, context: MatchContext) -> str | None:
        """ "norcoreano" with country PRK from the gazetteer belongs to the country entity."""
        if not mention.country:
            return None
        entry = self.aliases_table.entry(f"country:{mention.country}")
        if entry is None:
            return None
        entity = self._entity_for_alias(entry)
        self._record(
            entity,
            mention.text,
            MergeReason(
                mention.text, entity.id, "demonym", 0.9, f"the gazetteer gives country {mention.country}"
            ),
            context.article_id,
        )
        self._observe(entity, context)
        return entity.id

    def _update_neighbours(self, ids: set[str]) -> None:
        for a in ids:
            entity = self._entities[a]
            for b in ids:
                if b != a:
                    entity.neighbours[b] += 1

    # -- matching ---------------------------------------------------------------------------

    def _compatible(self, ids: Iterable[str], kind: str, loose: bool) -> list[RegistryEntity]:
        """Entities of the same type (or, when ``loose``, of another place/body type)."""
        out = []
        for i in sorted(ids):
            e = self._entities[i]
            if e.type == kind or (loose and kind in _PLACES_AND_BODIES and e.type in _PLACES_AND_BODIES):
                out.append(e)
        return out

    def _match_exact(self, name: str, kind: str):
        found = self._compatible(self._lookup("surface", name), kind, loose=True)
        if not found:
            return None, None
        e = max(found, key=lambda x: (x.type == kind, x.mentions))
        return e, MergeReason(name, e.id, "exact", 1.0, f"'{name}' already seen as a name of {e.name}")

    def _alias_entry(self, name: str, kind: str):
        """The alias-table entry for a place/body mention. Cities answer only LOC mentions: an
        organisation called "Santander" is a bank, while "Rusia" tagged ORG is still Russia."""
        entry = self.aliases_table.lookup(name)
        if entry is None or (kind != "LOC" and entry.id.startswith("city:")):
            return None
        if kind != "LOC" and len(joined(name)) <= 2 and entry.id.startswith("country:"):
            return None  # an ORG "CC" is a party, not the Cocos Islands' ISO code
        return entry

    def _match_alias_table(self, name: str, kind: str):
        entry = self._alias_entry(name, kind)
        if entry is None or entry.id not in self._by_alias_id:
            return None, None
        e = self._entities[self._by_alias_id[entry.id]]
        if e.type == "PER":
            return None, None
        return e, MergeReason(
            name, e.id, "alias table", 0.97, f"'{name}' is a listed name of {entry.canonical} ({entry.id})"
        )

    def _match_fold(self, name: str, kind: str):
        found = self._compatible(self._lookup("fold", joined(name)), kind, loose=kind != "PER")
        if not found:
            return None, None
        e = max(found, key=lambda x: (x.type == kind, x.mentions))
        seen = next((s for s in e.aliases if joined(s) == joined(name)), e.name)
        return e, MergeReason(
            name,
            e.id,
            "accent/hyphen fold",
            0.98,
            f"'{name}' and '{seen}' differ only in accents, case, hyphens or spaces",
        )

    def _match_person(self, name: str, kind: str, context: MatchContext):
        pn = person_name(name)
        if not pn.family:
            return None, None
        candidates = []
        for e in self._compatible(self._person_candidates(pn), "PER", loose=False):
            cmp = self._compare_entity(pn, e)
            if cmp.relation != "different":
                cand = _Candidate(e, cmp)
                cand.support, cand.evidence = self._support(e, context)
                candidates.append(cand)
        return self._decide(name, candidates, context)

    def _person_candidates(self, pn: PersonName) -> set[str]:
        ids: set[str] = set()
        for key in pn.lookup_keys():
            ids |= self._lookup("family", key) | self._lookup("token", key)
        for token in pn.given[1:]:  # "Pedro Sánchez Pérez-Castejón" finds "Pedro Sánchez"
            ids |= self._lookup("family", token)
        ids |= self._lookup("phonetic", phonetic_key(pn.family))
        for d in _deletes(pn.family):
            ids |= self._lookup("delete", d)
        return ids

    def _compare_entity(self, pn: PersonName, e: RegistryEntity) -> Comparison:
        """Best comparison against the entity's full names (its lone names only if it has none).
        A conflict with any full name vetoes a merely weak or lone match, and a conflict with a
        fuller name than the one that matched vetoes even a sure one ("Miguel Ángel Mancera"
        fits "Miguel Ángel" but not "Miguel Ángel Osorio Chong")."""
        names = [person_name(s) for s in e.aliases]
        full = sorted((n for n in names if not n.lone), key=lambda n: -len(n.tokens))[:12] or names[:12]
        if not full:
            return Comparison("different", "conflict", 0.0)
        results = [(compare_persons(pn, n), len(n.tokens)) for n in full]
        best, best_len = max(results, key=lambda r: (_STRENGTH[r[0].relation], r[0].score, r[1]))
        for cmp, length in results:
            if cmp.relation == "different" and (best.relation != "same" or length > best_len):
                return Comparison("different", "conflict", 0.0)
        return best

    def _decide(self, name: str, candidates: list[_Candidate], context: MatchContext):
        """Pick one candidate: a sure match; a weak one with context; a lone name if unique."""
        if not candidates:
            return None, None
        same = [c for c in candidates if c.comparison.relation == "same"]
        if same:
            best = max(same, key=lambda c: (c.comparison.score, c.support, c.entity.mentions))
            return best.entity, _reason(name, best, best.comparison.rule)
        if context.country:
            candidates = [
                c for c in candidates if not c.entity.country or c.entity.country == context.country
            ]
        # A lone surname one letter off ("Lavron") is trusted only inside one article.
        weak = [
            c
            for c in candidates
            if c.comparison.relation == "weak"
            and c.support >= (2 if c.comparison.rule == "surname typo" else 1)
        ]
        if weak:
            best = max(weak, key=lambda c: (c.support, c.comparison.score))
            rule = (
                "typo with context"
                if "typo" in best.comparison.rule
                else (
                    "phonetic with context"
                    if "phonetic" in best.comparison.rule
                    else f"{best.comparison.rule} with context"
                )
            )
            return best.entity, _reason(name, best, rule)
        # A lone name joins a full name of another article only when the context supports it
        # and no other candidate is supported as well.
        lone = sorted((c for c in candidates if c.comparison.relation == "lone"), key=lambda c: -c.support)
        # A given name alone ("Sergio") is too common to cross articles: same article only.
        need = 2 if lone and lone[0].comparison.rule.startswith("given") else 1
        if lone and lone[0].support >= need and (len(lone) == 1 or lone[0].support > lone[1].support):
            best = lone[0]
            return best.entity, _reason(name, best, f"{best.comparison.rule} (context)")
        return None, None

    def _match_other(self, name: str, kind: str, context: MatchContext):
        """Places, organisations, other names: transliteration key, acronym, typo in context."""
        found = self._compatible(self._lookup("tkey", _tkey(name)), kind, loose=False)
        if found:
            e = max(found, key=lambda x: x.mentions)
            return e, MergeReason(
                name, e.id, "transliteration", 0.9, f"'{name}' and {e.name} share the key '{_tkey(name)}'"
            )
        found = self._match_acronym(name, kind, context)
        if found[0] is not None:
            return found
        return self._match_other_typo(name, kind, context)

    def _match_acronym(self, name: str, kind: str, context: MatchContext):
        """ "PSOE" and "Partido Socialista Obrero Español" in one article (or beside the same
        entities). Alias-table entities are left out: their acronyms are listed explicitly."""
        if is_acronym(name):
            ids, how = self._lookup("acronym", joined(name)), "is the acronym of"
        else:
            ids, how = self._lookup("short", acronym(name)), "has the initials of"
        need = 2 if len(joined(name) if is_acronym(name) else acronym(name)) <= 2 else 1
        found = []
        for e in self._compatible(ids, kind, loose=False):
            support, evidence = self._support(e, context)
            if e.alias_id is None and support >= need:
                found.append((e, support, evidence))
        if len(found) != 1:
            return None, None
        e, support, evidence = found[0]
        return e, MergeReason(
            name,
            e.id,
            "acronym",
            0.8 + 0.05 * min(support, 2),
            f"'{name}' {how} {e.name}; {'; '.join(evidence)}",
        )

    def _match_other_typo(self, name: str, kind: str, context: MatchContext):
        key = _tkey(name)
        if len(key) < 6:
            return None, None
        ids = set().union(*(self._lookup("tdelete", d) for d in _deletes(key)))
        # Neighbouring towns are often one letter apart (Tarazona, Tarragona): places need the
        # same article, bodies and other names a shared neighbour.
        need = 2 if kind == "LOC" else 1
        for e in self._compatible(ids, kind, loose=False):
            support, evidence = self._support(e, context)
            if support >= need and any(_one_edit(key, _tkey(s)) for s in e.aliases):
                return e, MergeReason(
                    name,
                    e.id,
                    "typo with context",
                    0.6,
                    f"'{name}' is one letter from a name of {e.name}; {'; '.join(evidence)}",
                )
        return None, None

    def _support(self, entity: RegistryEntity, context: MatchContext) -> tuple[float, list[str]]:
        """How much the context agrees with an entity: same article (2), shared neighbours (up
        to 1), same role (1), same country (0.5). A neighbour seen in many articles (a news
        agency, a capital) says little, so each counts 1/log2 of its article count."""
        score, evidence = 0.0, []
        if context.article_id and context.article_id in entity.articles:
            score += 2
            evidence.append(f"already named in article {context.article_id}")
        shared = sorted(n for n in context.neighbours if n in entity.neighbours and n in self._entities)
        if shared:
            weight = sum(1 / max(1.0, math.log2(len(self._entities[n].articles) or 1)) for n in shared)
            score += min(1.0, weight)
            evidence.append("co-occurs with " + ", ".join(shared[:4]))
        if context.role and context.role == entity.role:
            score += 1
            evidence.append(f"same role ({context.role})")
        if context.country and context.country == entity.country:
            score += 0.5
            evidence.append(f"same country ({context.country})")
        return score, evidence

    # -- recording --------------------------------------------------------------------------

    def _create(self, name: str, kind: str, article_id: str | None = None) -> RegistryEntity:
        entry = self._alias_entry(name, kind) if kind in _PLACES_AND_BODIES else None
        if entry is not None:
            entity = self._entity_for_alias(entry)
            self._record(
                entity,
                name,
                MergeReason(
                    name,
                    entity.id,
                    "alias table",
                    0.97,
                    f"'{name}' is a listed name of {entry.canonical} ({entry.id})",
                ),
                article_id,
            )
            return entity
        entity = RegistryEntity(id=self._new_id(kind, name), name=name, type=kind)
        self._entities[entity.id] = entity
        self._add_surface(entity, name)
        return entity

    def _entity_for_alias(self, entry) -> RegistryEntity:
        if entry.id in self._by_alias_id:
            return self._entities[self._by_alias_id[entry.id]]
        entity = RegistryEntity(
            id=self._new_id(entry.type, entry.canonical),
            name=entry.canonical,
            type=entry.type,
            country=entry.iso3 or None,
            role=entry.role or None,
            alias_id=entry.id,
        )
        self._entities[entity.id] = entity
        self._by_alias_id[entry.id] = entity.id
        self._index_surface(entity, entry.canonical)
        return entity

    def _record(
        self, entity: RegistryEntity, surface: str, reason: MergeReason | None, article_id: str | None = None
    ) -> None:
        """Count a surface; a form new to the entity keeps the reason it was merged for and the
        article it was seen in (``article_id``: where the evidence is)."""
        if surface not in entity.aliases and reason is not None and reason.rule != "exact":
            entity.merges.append(replace(reason, article=article_id))
        self._add_surface(entity, surface)
        if entity.type == "PER":
            entity.name = _canonical_person(entity)

    def _add_surface(self, entity: RegistryEntity, surface: str) -> None:
        if surface not in entity.aliases:
            entity.aliases[surface] = 0
            self._index_surface(entity, surface)
        entity.aliases[surface] += 1

    def _observe(self, entity: RegistryEntity, context: MatchContext) -> None:
        if context.article_id:
            entity.articles.add(context.article_id)
        for key in ("country", "role"):
            value = getattr(context, key)
            if value:
                entity.votes.setdefault(key, Counter())[value] += 1
        if not entity.alias_id:  # the alias table knows a place's country better than votes do
            for key in ("country", "role"):
                votes = entity.votes.get(key)
                if votes:
                    setattr(entity, key, votes.most_common(1)[0][0])

    def _index_surface(self, entity: RegistryEntity, surface: str) -> None:
        self._put("surface", surface, entity.id)
        self._put("fold", joined(surface), entity.id)
        if entity.type == "PER":
            pn = person_name(surface)
            for key in pn.lookup_keys():
                self._put("family", key, entity.id)
            for token in pn.given:
                self._put("token", token, entity.id)
            self._put("phonetic", phonetic_key(pn.family), entity.id)
            for d in _deletes(pn.family):
                self._put("delete", d, entity.id)
            return
        key = _tkey(surface)
        self._put("tkey", key, entity.id)
        for d in _deletes(key) if len(key) >= 6 else ():
            self._put("tdelete", d, entity.id)
        if is_acronym(surface):
            self._put("short", joined(surface), entity.id)
        elif acronym(surface):
            self._put("acronym", acronym(surface), entity.id)

    def _put(self, index: str, key: str, entity_id: str) -> None:
        if key:
            self._index.setdefault(index, {}).setdefault(key, set()).add(entity_id)

    def _lookup(self, index: str, key: str) -> set[str]:
        return self._index.get(index, {}).get(key, set()) if key else set()

    def _new_id(self, kind: str, name: str) -> str:
        base = f"{kind.lower()}:{re.sub(r'[^a-z0-9]+', '-', fold_name(name)).strip('-') or 'x'}"
        entity_id, n = base, 1
        while entity_id in self._entities:
            n += 1
            entity_id = f"{base}-{n}"
        return entity_id


# -- helpers --------------------------------------------------------------------------------


def _maybe_surname(mention: Mention) -> bool:
    """A single capitalised word the NER called MISC is often an unfamiliar surname ("Lavron");
    it may join a person of the same article (never a place or a listed body)."""
    return (
        _type(mention.label) == "MISC"
        and mention.source == "ner"
        and len(mention.text.split()) == 1
        and mention.text[:1].isupper()
    )


def _type(label: str) -> str:
    return TYPES.get(label.upper(), "MISC")


def _link_order(mention: Mention) -> tuple[int, int]:
    """Full names before lone ones, so short forms find the full name already linked."""
    name = mention.canonical or mention.text
    lone = _type(mention.label) == "PER" and person_name(name).lone
    return (1 if lone else 0, mention.start)


def _reason(name: str, cand: _Candidate, rule: str) -> MergeReason:
    evidence = cand.comparison.detail
    if cand.evidence and cand.comparison.relation != "same":
        evidence += "; context: " + "; ".join(cand.evidence)
    return MergeReason(name, cand.entity.id, rule, round(cand.comparison.score, 3), evidence)


def _canonical_person(entity: RegistryEntity) -> str:
    """The most used among the fullest forms ("Kim Jong-un" over "Kim")."""
    return max(entity.aliases, key=lambda s: (not person_name(s).lone, entity.aliases[s], len(s)))


def _tkey(name: str) -> str:
    if is_acronym(name):
        return joined(name)  # "OUA" is not a spelling of "UUAA"
    return " ".join(token_key(t) for t in fold_name(name).split())


def _deletes(key: str) -> set[str]:
    """The key and its one-letter deletions: two keys one edit apart share one of these."""
    if len(key) < 5:
        return set()
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


def _one_edit(a: str, b: str) -> bool:
    """One edit apart, not in the first letter, no digits (OV2076/OV2086), no added final -a."""
    if a == b or a[:1] != b[:1] or any(ch.isdigit() for ch in a + b):
        return False
    if a + "a" == b or b + "a" == a:
        return False
    ta, tb = a.split(), b.split()
    if len(ta) == len(tb) and any(x != y and min(len(x), len(y)) <= 2 for x, y in zip(ta, tb)):
        return False  # "Infantil A" / "Infantil B": a one-letter word is the whole difference
    return levenshtein_distance(a, b) == 1
