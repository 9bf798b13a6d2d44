"""Gazetteer: known places, organisations, people and demonyms, as a spaCy component.

The data lives in ``crisol/resources/`` (``common/`` for names shared by every language, with
per-language columns where names differ; ``<lang>/gazetteer_*`` for stop-lists and context cues).
``scripts/build_gazetteer.py`` regenerates the CLDR/GeoNames part; people, organisations,
demonyms and first names are curated by hand.

Each name maps to one :class:`Entry` (label, canonical name, ISO3 country, role), so a mention
found through the gazetteer gets its ``canonical``/``country``/``role`` filled.

The ruler runs BEFORE the statistical "ner" and pre-sets the entities it is sure about; "ner"
fills the rest around them. An NER that reads better without them (a student crisol trained,
which learnt from whole sentences) gets them aside instead, in ``doc.spans["crisol_gazetteer"]``,
and :func:`merge_preset` joins the two after it, as the accurate encoder does. The ruler is
careful in three ways:

- names on the stop-list (places that are also given names or common words: "Victoria",
  "Santiago", "Vladimir") are tagged only when the context says place ("en Victoria",
  "la ciudad rusa de Vladimir", "Vladimir (Rusia)");
- a place glued into a longer capitalised name ("Real Madrid", "Universidad de Chile") is left
  to "ner", which sees the whole name;
- demonyms ("ruso", "Russian") never become entities; they go to ``doc.spans["demonyms"]``.

>>> gaz = load_gazetteer("es")
>>> gaz.lookup("Pionyang").country
'PRK'
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from crisol.text import fold

DEMONYM_SPANS = "demonyms"  # doc.spans key for demonym matches
BIG_CITY = 1_000_000  # a main city name this big is never treated as a common word
# A capitalised sentence-initial word the tagger sees as one of these is not a name
# ("Destacó que...", "Previamente, ...", "Salimos a la calle").
NOT_NAME_POS = frozenset({"VERB", "AUX", "ADV", "ADP", "SCONJ", "CCONJ", "DET", "PRON"})


@dataclass(frozen=True)
class Entry:
    """What the gazetteer knows about one entity."""

    key: str  # stable id: "city:524901", "country:RUS", "person:Sergei Lavrov"
    label: str  # PER, ORG, LOC, NORP
    canonical: str
    country: str | None = None
    role: str | None = None
    kind: str = ""  # person, org, country, region, city, demonym


@dataclass(frozen=True)
class Cues:
    """Per-language context words (resources/<lang>/gazetteer_cues.json)."""

    place_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    name_connectors: frozenset[str]
    name_links: frozenset[str]  # words inside a longer name after a place: "de", "del", "of"
    role_nouns: frozenset[str]
    portfolio_nouns: frozenset[str]  # "ministro de X": X names a ministry
    org_heads: frozenset[str]  # first words of organisation names: Ayuntamiento, Ministry
    adverb_suffixes: frozenset[str]  # "-mente": a sentence-initial word ending so is no name
    junk_words: frozenset[str]
    label_map: dict[str, str]
    role_phrases: dict[str, str]  # "ministro de exteriores" -> "foreign-minister"
    role_negators: frozenset[str]  # "deputy", "former": the title is not the office
    name_articles: frozenset[str]  # articles that can start a name: La Paz, The Hague
    # Articles a city's name takes only as a team's ("el Valencia", "al Parma", "del Madrid"):
    team_articles: frozenset[str] = frozenset()


@dataclass
class Gazetteer:
    """Names of one language mapped to entries, with the names that need place context."""

    lang: str
    cues: Cues
    entries: dict[str, Entry] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # surface name -> entry key
    gated: set[str] = field(default_factory=set)  # places tagged only in place context
    first_names: frozenset[str] = frozenset()
    populations: dict[str, int] = field(default_factory=dict)  # city key -> population
    main_names: set[str] = field(default_factory=set)  # city names that are a city's own name
    common_words: frozenset[str] = frozenset()  # ordinary lower-case words of the language
    folded_names: dict[str, str] = field(default_factory=dict, repr=False)  # fold(name) -> key, lazily

    def add(self, entry: Entry, names: Iterable[str]) -> None:
        """Register ``entry`` under ``names``; a name already taken keeps its first entry."""
        self.entries.setdefault(entry.key, entry)
        for name in names:
            name = name.strip()
            if name and name not in self.names:
                self.names[name] = entry.key

    def lookup(self, text: str) -> Entry | None:
        """The entry for an exact surface name, or None.

        >>> load_gazetteer("en").lookup("Moscow").canonical
        'Moscow'
        """
        key = self.names.get(text) or self.names.get(" ".join(text.split()))
        return self.entries.get(key) if key else None

    def lookup_shouted(self, text: str) -> Entry | None:
        """The entry for a name in capitals, as headlines and datelines write it, often without
        its accents ("PERU", "LIBANO"); None when ``text`` is not in capitals.

        >>> load_gazetteer("es").lookup_shouted("LIBANO").country
        'LBN'
        """
        if not text.isupper():
            return None
        if not self.folded_names:
            for name, key in self.names.items():
                self.folded_names.setdefault(fold(name), key)
        key = self.names.get(text.title()) or self.folded_names.get(fold(" ".join(text.split())))
        return self.entries.get(key) if key else None

    def agency_names(self) -> list[str]:
        """One-word names of news agencies and state media, for splitting glued photo credits."""
        keys = {k for k, e in self.entries.items() if e.role in ("agency", "state-media", "media")}
        return sorted(n for n, k in self.names.items() if k in keys and " " not in n and len(n) > 1)


# 1. Loading the data files ---------------------------------------------------------------------


RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def _resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


def _read_tsv(*parts: str) -> Iterator[dict[str, str]]:
    with _resource(*parts).open(encoding="utf-8") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def _read_jsonl(*parts: str) -> Iterator[dict]:
    with _resource(*parts).open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"resources/{'/'.join(parts)} line {number}: {e}") from e


def _read_list(*parts: str) -> list[str]:
    text = _resource(*parts).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _for_lang(names: dict[str, list[str]], lang: str) -> list[str]:
    return [*names.get(lang, []), *names.get("*", [])]


def load_cues(lang: str) -> Cues:
    data = json.loads(_resource(lang, "gazetteer_cues.json").read_text(encoding="utf-8"))
    sets = {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}
    return Cues(label_map=data["label_map"], role_phrases=data.get("role_phrases", {}), **sets)


def _add_people(gaz: Gazetteer) -> None:
    for row in _read_jsonl("common", "people.jsonl"):
        entry = Entry(
            f"person:{row['canonical']}",
            "PER",
            row["canonical"],
            row.get("country"),
            row.get("role"),
            "person",
        )
        gaz.add(entry, row["names"])


def _add_organizations(gaz: Gazetteer) -> None:
    for row in _read_jsonl("common", "organizations.jsonl"):
        entry = Entry(
            f"org:{row['canonical']}",
            row.get("label", "ORG"),
            row["canonical"],
            row.get("country"),
            row.get("role"),
            "org",
        )
        gaz.add(entry, _for_lang(row["names"], gaz.lang))


def _add_countries(gaz: Gazetteer) -> None:
    rows = list(_read_tsv("common", "countries.tsv"))
    english = {r["iso3"]: r["name"] for r in rows if r["lang"] == "en"}
    for r in rows:
        if r["lang"] == gaz.lang:
            gaz.add(
                Entry(f"country:{r['iso3']}", "LOC", english[r["iso3"]], r["iso3"], None, "country"),
                [r["name"]],
            )
    for r in _read_tsv("common", "country_aliases.tsv"):
        if r["lang"] in (gaz.lang, "*"):
            gaz.add(
                Entry(
                    f"country:{r['iso3']}",
                    "LOC",
                    english.get(r["iso3"], r["name"]),
                    r["iso3"],
                    None,
                    "country",
                ),
                [r["name"]],
            )


def _add_regions(gaz: Gazetteer) -> None:
    rows = list(_read_tsv("common", "regions.tsv"))
    english = {r["code"]: r["name"] for r in rows if r["lang"] == "en"}
    for r in rows:
        if r["lang"] == gaz.lang:
            gaz.add(
                Entry(f"region:{r['code']}", "LOC", english[r["code"]], None, None, "region"), [r["name"]]
            )


def _add_demonyms(gaz: Gazetteer) -> None:
    for r in _read_tsv("common", "demonyms.tsv"):
        if r["lang"] == gaz.lang:
            entry = Entry(f"demonym:{r['iso3']}", "NORP", r["iso3"], r["iso3"], None, "demonym")
            gaz.add(entry, r["forms"].split(","))


def _add_cities(gaz: Gazetteer) -> None:
    for r in _read_tsv("common", "cities.tsv"):
        if r["lang"] not in (gaz.lang, "*"):
            continue
        key = f"city:{r['geonameid']}"
        gaz.add(Entry(key, "LOC", r["canonical"], r["iso3"], None, "city"), [r["name"]])
        gaz.populations[key] = int(r["population"])
        if fold(r["name"]) == fold(r["canonical"]):
            gaz.main_names.add(r["name"])


def _gate(gaz: Gazetteer, common_words: frozenset[str]) -> None:
    """Places that need context: stop-listed, given names, or (for small cities) common words."""
    stop = set(_read_list(gaz.lang, "gazetteer_stoplist.txt"))
    for name, key in gaz.names.items():
        entry = gaz.entries[key]
        if entry.kind not in ("city", "region", "country"):
            continue
        big = name in gaz.main_names and gaz.populations.get(key, 0) >= BIG_CITY
        common = entry.kind == "city" and not big and name.casefold() in common_words
        if name in stop or name in gaz.first_names or common:
            gaz.gated.add(name)


@lru_cache(maxsize=None)
def load_gazetteer(lang: str, common_words: frozenset[str] = frozenset()) -> Gazetteer:
    """The gazetteer for ``lang`` ("es", "en"), loaded once.

    ``common_words`` (lower-case) marks small-city names that are also ordinary words, so they
    need place context too; the spaCy pipeline passes its lemmatizer's word index.
    """
    try:
        cues = load_cues(lang)
    except FileNotFoundError as e:
        raise ValueError(f"no gazetteer for language {lang!r}: {e.filename} is missing") from e
    gaz = Gazetteer(
        lang=lang,
        cues=cues,
        common_words=common_words,
        first_names=frozenset(_read_list("common", "first_names.txt")),
    )
    # Order matters: a name already taken keeps its first entry (people and organisations
    # before places, so "Lavrov" or "EFE" never become a town of that name).
    for add in (_add_people, _add_organizations, _add_countries, _add_regions, _add_demonyms, _add_cities):
        add(gaz)
    _gate(gaz, common_words)
    return gaz


# 2. The spaCy component ------------------------------------------------------------------------


def _is_name_word(token) -> bool:
    return token.is_alpha and token.text[:1].isupper()


def sentence_initial(token) -> bool:
    """First word of a sentence, a line, a quote or a clause after a colon or dash."""
    if token.i == 0 or token.is_sent_start:
        return True
    before = token.nbor(-1)
    return before.is_space or before.is_quote or before.text in {".", ":", "-", "—", "–", "¿", "¡"}


GAZETTEER_SPANS = "crisol_gazetteer"  # the ruler's entities set aside (``preset=False``)


class GazetteerRuler:
    """Pre-sets gazetteer entities on a Doc (before "ner") and collects demonyms.

    ``preset=False`` leaves ``doc.ents`` alone and puts the entities in
    ``doc.spans[GAZETTEER_SPANS]``, for an NER that reads the words without them.
    """

    def __init__(
        self, nlp: Language, lang: str, common_words: frozenset[str] = frozenset(), preset: bool = True
    ):
        self.gaz = load_gazetteer(lang, common_words)
        self.preset = preset
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_key: dict[str, list[str]] = {}
        for name, key in self.gaz.names.items():
            by_key.setdefault(key, []).append(name)
        for key, names in by_key.items():
            self.matcher.add(key, list(nlp.tokenizer.pipe(names)))

    def __call__(self, doc: Doc) -> Doc:
        spans, demonyms = self.find(doc)
        doc.spans[DEMONYM_SPANS] = demonyms
        if not self.preset:
            doc.spans[GAZETTEER_SPANS] = filter_spans(spans)
            return doc
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        new = [s for s in filter_spans(spans) if not taken.intersection(range(s.start, s.end))]
        doc.ents = sorted([*doc.ents, *new], key=lambda s: s.start)
        return doc

    def find(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """Entity spans to pre-set and demonym spans (pure: the Doc is not changed)."""
        spans, demonyms = [], []
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            entry = self.gaz.entries[key]
            span = Span(doc, start, end, label=entry.label, kb_id=key)
            if entry.label == "NORP":
                demonyms.append(span)
            elif self.accept(doc, span, entry):
                spans.append(span)
        return spans, filter_spans(demonyms)

    def accept(self, doc: Doc, span: Span, entry: Entry) -> bool:
        if entry.label == "LOC" and self.inside_longer_name(doc, span):
            return False
        if entry.label == "PER" and len(span) == 1 and self.after_given_name(doc, span):
            return False  # "Andrei Medvedev" is not Dmitry Medvedev: leave him to "ner"
        if len(span) == 1 and span.text[1:].islower() and sentence_initial(doc[span.start]):
            word = doc[span.start]
            if word.pos_ in NOT_NAME_POS or word.lower_ in self.gaz.common_words:
                return False  # "Podemos hacerlo", "Para el Gobierno": the capital is the sentence's
        if span.text in self.gaz.gated:
            return self.place_context(doc, span)
        return True

    def inside_longer_name(self, doc: Doc, span: Span) -> bool:
        """'Real Madrid', 'Universidad de Chile', 'Paris Hilton': leave the whole to "ner"."""
        if span.end < len(doc) and self.continues_name(doc[span.end]):
            return True
        links, j = self.gaz.cues.name_links, span.end
        while j < len(doc) and doc[j].lower_ in links and j - span.end < 2:
            j += 1  # "San Juan de Dios", "Puebla de la Calzada"
        if span.end < j < len(doc) and _is_name_word(doc[j]):
            return True
        if span.start == 0 or sentence_initial(doc[span.start]):
            return False
        before = doc[span.start - 1]
        if _is_name_word(before) and (
            not self.ordinary_capitalised(before.text) or self.given_name(doc, span.start - 1)
        ):
            return True
        connectors, i = self.gaz.cues.name_connectors, span.start - 1
        while i > 0 and doc[i].lower_ in connectors and span.start - i <= 2:
            i -= 1  # "Departamento de Justicia de los EEUU": back over "de los"
        head = doc[i]
        return (
            i < span.start - 1
            and _is_name_word(head)
            and not sentence_initial(head)
            and not self.ordinary_capitalised(head.text)
        )

    def continues_name(self, token) -> bool:
        """Whether a capitalised word after a place extends it into a longer name.

        Not when it is a photo credit, glued on or not ('UcraniaAFP', 'Ucrania EFE').
        """
        if not _is_name_word(token) or not token.nbor(-1).whitespace_:
            return False
        entry = self.gaz.lookup(token.text)
        return entry is None or entry.role not in ("agency", "state-media", "media")

    def after_given_name(self, doc: Doc, span: Span) -> bool:
        """A surname right after a capitalised word that is not a title: another person's name."""
        if span.start == 0 or sentence_initial(doc[span.start]):
            return False
        before = doc[span.start - 1]
        return (
            _is_name_word(before)
            and before.lower_ not in self.gaz.cues.role_nouns
            and not self.ordinary_capitalised(before.text)
        )

    def given_name(self, doc: Doc, i: int) -> bool:
        """A given name that is also a common capitalised word ("Julio Paris", "Abril Lima"),
        not a date ("1 de Julio")."""
        if doc[i].text not in self.gaz.first_names:
            return False
        prev = [t for t in doc[max(0, i - 2) : i]]
        return not any(t.like_num for t in prev) and not (prev and prev[-1].lower_ in ("de", "of"))

    def ordinary_capitalised(self, word: str) -> bool:
        """Capitalised but not part of a name: "Wednesday", "Russian" (English), "Foto"."""
        entry = self.gaz.lookup(word)
        return word.casefold() in self.gaz.cues.junk_words or (entry is not None and entry.kind == "demonym")

    def place_context(self, doc: Doc, span: Span) -> bool:
        """True when the words around an ambiguous name say it is a place."""
        cues = self.gaz.cues
        if span.start > 0 and doc[span.start - 1].lower_ in cues.place_prepositions:
            return True
        for token in reversed(doc[max(0, span.start - 4) : span.start]):
            if token.lower_ in cues.place_nouns:
                return True
            if _is_name_word(token) or token.is_punct:
                break
        after = doc[span.end : span.end + 3]
        if len(after) >= 2 and after[0].text in {",", "("}:
            entry = self.gaz.lookup(after[1].text)
            return entry is not None and entry.kind == "country"
        return False


def merge_preset(found: list[Span], preset: list[Span]) -> list[Span]:
    """The entities of an NER that read without the gazetteer's (``found``), merged with them.

    Where both found the same words, the span keeps the gazetteer's link to the entry and takes
    the NER's label (what the context says; :mod:`crisol.annotate.mentions` then decides which
    label stands: a city read as an organisation is a club named after it, a country stays a
    place). A gazetteer span the NER read differently gives way; one it missed stays.
    """
    by_words = {(e.start, e.end): e for e in preset}
    linked = [
        Span(s.doc, s.start, s.end, label=s.label, kb_id=by_words[s.start, s.end].kb_id)
        if (s.start, s.end) in by_words
        else s
        for s in found
    ]
    taken = {i for span in linked for i in range(span.start, span.end)}
    kept = [e for e in preset if not taken.intersection(range(e.start, e.end))]
    return sorted(filter_spans([*linked, *kept]), key=lambda s: s.start)


@Language.factory("crisol_gazetteer", default_config={"lang": "es", "preset": True})
def make_gazetteer_ruler(nlp: Language, name: str, lang: str, preset: bool) -> GazetteerRuler:
    return GazetteerRuler(nlp, lang, common_words=_common_words(nlp), preset=preset)


def _common_words(nlp: Language) -> frozenset[str]:
    """Ordinary words of the language: its stop words ("para", "sin") and, for Spanish, the words
    the model's lemmatizer indexes ("victoria", "paz"). The English index is WordNet, which lists
    city names as nouns and would gate every city, so English uses stop words only."""
    words = {w.casefold() for w in nlp.Defaults.stop_words}
    if nlp.lang == "es" and "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if "lemma_index" in lookups.tables:
            index = lookups.get_table("lemma_index")
            words.update(w for key in index.keys() for w in index[key])
    return frozenset(words)
