"""Search by entity: a query word or phrase that is a registered entity's name or alias is
searched under every spelling the registry has merged into that entity.

"Pyongyang" also finds "Pionyang" and "Piongyang" when the registry knows them as one place; the
results say which spellings were added and for which entity (:class:`Expansion`), and
``exact=True`` turns it off. A spelling is compared folded (case and accents aside), word for
word: "pionyang" is "Pionyang", "Corea del Norte" is the phrase, never its words apart. A run of
plain query words that spells an entity's name (``Kim Jong Un`` unquoted) counts as that phrase:
it is searched as the name or any of its spellings.

The spellings of the registry are read once per registry state (the entity tables' signature,
which the index catch-up also uses) and kept in memory, so a search asks the database one
cheap question more.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

from crisol.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_SPELLINGS = 6  # added per entity, the most frequent first: a name's usual variants
MAX_ENTITIES = 2  # a spelling shared by more entities than this is too ambiguous to expand
MAX_RUN = 6  # words in a run of plain query words looked up as one name


@dataclass(frozen=True)
class Expansion:
    """Spellings added to a query term because the registry merged them into one entity."""

    term: str  # the query's words, folded ("pyongyang")
    entity_id: str
    entity: str  # the entity's name ("Pyongyang")
    spellings: tuple[str, ...]  # the spellings added ("Pionyang", "Piongyang")

    def describe(self) -> str:
        """What the faces print.

        >>> Expansion("pyongyang", "e1", "Pyongyang", ("Pionyang", "Piongyang")).describe()
        'also searched: Pionyang, Piongyang (same entity: Pyongyang)'
        """
        return f"also searched: {', '.join(self.spellings)} (same entity: {self.entity})"


@dataclass
class Registry:
    """Every entity spelling, folded to its words, and the entities' names and spellings."""

    by_words: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # words -> entity ids
    names: dict[str, str] = field(default_factory=dict)
    spellings: dict[str, list[str]] = field(default_factory=dict)  # most mentioned first

    def entities(self, words: tuple[str, ...]) -> list[str]:
        found = self.by_words.get(words, [])
        return found if len(found) <= MAX_ENTITIES else []

    def expansion(self, words: tuple[str, ...], entity_id: str) -> Expansion | None:
        """The other spellings of ``entity_id``, those that do not fold to ``words`` (or to one
        another), the most mentioned first."""
        seen = {words}
        added = []
        for spelling in self.spellings.get(entity_id, []):
            key = folded_words(spelling)
            if key and key not in seen:
                seen.add(key)
                added.append(spelling)
            if len(added) == MAX_SPELLINGS:
                break
        if not added:
            return None
        return Expansion(" ".join(words), entity_id, self.names[entity_id], tuple(added))


def folded_words(spelling: str) -> tuple[str, ...]:
    """
    >>> folded_words("Corea del Norte"), folded_words("Kim Jong-un")
    (('corea', 'del', 'norte'), ('kim', 'jong', 'un'))
    """
    return tuple(_WORD.findall(fold(spelling)))


def read_registry(conn: Connection) -> Registry:
    registry = Registry()
    for eid, name in conn.execute(text("SELECT id, name FROM entities")):
        registry.names[eid] = name
        registry.spellings[eid] = [name]
    rows = conn.execute(text("SELECT entity_id, text FROM entity_aliases ORDER BY count DESC, text"))
    for eid, spelling in rows:
        if eid in registry.spellings and spelling not in registry.spellings[eid]:
            registry.spellings[eid].append(spelling)
    for eid, spellings in registry.spellings.items():
        for spelling in spellings:
            ids = registry.by_words.setdefault(folded_words(spelling), [])
            if eid not in ids:
                ids.append(eid)
    return registry


_cache: dict[str, tuple[str, Registry]] = {}  # database -> (registry signature, registry)
_lock = threading.Lock()


def registry(conn: Connection, signature: str) -> Registry:
    """The registry of the database ``conn`` is connected to, read again when ``signature``
    (its entity tables' state) changed."""
    key = repr(conn.engine.url)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    found = read_registry(conn)
    with _lock:
        _cache[key] = (signature, found)
    return found
