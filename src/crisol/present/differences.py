"""Where outlets disagree, and what several outlets agree on.

Each difference names a topic and the sources on each side (``sides``: value, citations, and the
sentence of each citing article). Kinds:

- ``figure``: different numbers for the same thing, in any two articles of the story: same counted
  noun, mode and scope, compatible predicates and dates, and the same context (aligned sentences,
  or alike sentences sharing words around the figure; :func:`same_quantity`). "Sent so far" vs
  "planned", killed vs wounded, a total vs a part, two years, two amounts one outlet tells apart
  are different things; "más de 10.000" and 12.000, or rounded values, agree
  (:mod:`crisol.present.figures`);
- ``place``: one meeting or visit put in different cities (a city inside a country named by the
  other side is no conflict); past occasions told as background are left out;
- ``date``: one merged event with incompatible resolved dates;
- ``name``: different people given the same role (spelling variants of one name are not);
- ``hedge``: the same claim, alleged ("supuestamente", "allegedly") in one outlet and not in
  another; ``attribution``: attributed to a source in one outlet, asserted as fact in another.

Every side lists its ``citations`` and, for each, the ``sentence`` index and its ``texts``.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Callable, Sequence

from rapidfuzz import fuzz

from crisol.model import Article, Mention
from crisol.present import cues as _cues
from crisol.present.events import MergedEvent, dates_compatible
from crisol.present.figures import IMPLIED_PREDICATE, Figure, find_figures
from crisol.present.groups import StoryText, UnionFind
from crisol.present.sources import Sources
from crisol.text import fold

PLACE_WINDOW = 6  # tokens between a place preposition and the place ("en la ciudad portuaria de X")
SAME_NAME = 85  # rapidfuzz ratio above which two names are one person spelled two ways
BACKGROUND_DAYS = 30  # a dated sentence this long before the story is about a past occasion
STANCES = ("alleged", "attributed", "asserted")
STANCE_ALIGN = 0.7  # hedges are compared only between closely aligned sentences (one claim)
STANCE_COSINE = 0.85  # or between alike sentences giving the same figure for the same thing


@dataclass
class SentenceInfo:
    article: str
    index: int
    text: str
    language: str | None
    start: int | None = None  # offset of the sentence in its article, when annotated
    mentions: list[Mention] = field(default_factory=list)
    date_spans: list[tuple[int, int]] = field(default_factory=list)  # offsets in the sentence
    dates: list[str] = field(default_factory=list)  # resolved values

    @property
    def key(self) -> tuple[str, int]:
        return (self.article, self.index)

    def context(self) -> frozenset[str]:
        """Who and where the sentence is about: entity names and their countries."""
        out = {fold(m.canonical or m.text) for m in self.mentions if m.label != "NORP"}
        out |= {m.country for m in self.mentions if m.country}
        return frozenset(out)


def sentence_infos(articles: Sequence[Article], story: StoryText) -> list[SentenceInfo]:
    out = []
    for a in articles:
        spans = {s.index: s for s in a.sentences}
        for i, text in enumerate(story.sentences[a.id]):
            info = SentenceInfo(a.id, i, text, a.language)
            s = spans.get(i)
            if s is not None:
                info.start = s.start
                info.mentions = [m for m in a.mentions if m.sentence == i]
                for d in a.dates:
                    if d.sentence == i:
                        info.date_spans.append((d.start - s.start, d.end - s.start))
                        if d.value:
                            info.dates.append(d.value)
            out.append(info)
    return out


def _side(value: str, keys: list[tuple[str, int]]) -> dict:
    """One side of a difference: its value, the articles saying it, and where each says it
    (``sentence``: article -> sentence index; :func:`find_differences` adds ``texts``: article ->
    that sentence)."""
    citations = list(dict.fromkeys(a for a, _ in keys))
    sentence: dict[str, int] = {}
    for a, i in keys:
        sentence.setdefault(a, i)
    return {"value": value, "citations": citations, "sentence": sentence}


# figures ----------------------------------------------------------------------------------------

FIGURE_COSINE = 0.8  # sentences less alike than this are about something else (a loose sanity floor)
MAX_RIVAL_RATIO = 10.0  # rival reports of one count differ by less than an order of magnitude


def story_figures(infos: Sequence[SentenceInfo]) -> list[Figure]:
    """Figures of every sentence in a language crisol has cues for: elsewhere it cannot tell done
    from planned, or a total from a part."""
    out = []
    for info in infos:
        if info.language and info.language not in _cues.LANGUAGES:
            continue
        for f in find_figures(info.text, info.language, info.date_spans):
            f.article, f.sentence, f.context = info.article, info.index, info.context()
            out.append(f)
    return out


ANCHOR_STEM = 5  # words around figures are compared by their first letters ("regiones" ~ "región")


def anchors(f: Figure) -> frozenset[str]:
    """What a figure is about, comparable across outlets: the stems of the content words around
    it, country names and demonyms left out (every sentence of a story about Peru says "Perú")."""
    countries = country_codes()
    return frozenset(w[:ANCHOR_STEM] for w in f.local if w not in countries)


def same_quantity(
    f: Figure,
    g: Figure,
    story: StoryText,
    dates: dict[tuple[str, int], list[str]],
    alone: Callable[[Figure], bool] = lambda f: True,
) -> bool:
    """Whether two figures of two articles count the same thing.

    They must have the same counted noun, mode (done/planned) and scope (total/part/additional),
    compatible predicates (one may be unsaid), no incompatible dates (another year is another
    count), values within an order of magnitude, and say it in the same context: aligned
    sentences holding one such figure each (``alone``), or alike sentences sharing a word around
    the figure.
    """
    if f.article == g.article or (f.noun, f.mode, f.scope) != (g.noun, g.mode, g.scope):
        return False
    if f.predicate and g.predicate and f.predicate != g.predicate:
        return False
    if not _dates_fit(dates.get((f.article, f.sentence), []), dates.get((g.article, g.sentence), [])):
        return False
    if min(f.value, g.value) <= 0 or max(f.value, g.value) / min(f.value, g.value) > MAX_RIVAL_RATIO:
        return False
    if f.names and g.names and not _places(f.names) & _places(g.names):
        return False  # "70 venezolanos desde México", "200 venezolanos desde EEUU"
    kf, kg = (f.article, f.sentence), (g.article, g.sentence)
    shared = len(anchors(f) & anchors(g))
    if story.aligned(kf, kg) and (shared or alone(f) and alone(g)):
        return True
    # a noun crisol does not list ("puntos", "venezolanos") needs more context to be one count
    return shared >= (2 if f.noun.startswith("w:") else 1) and story.cosine(kf, kg) >= FIGURE_COSINE


def _places(names: frozenset[str]) -> frozenset[str]:
    """Names with countries as ISO codes, so "España" and "Spain" are one name."""
    codes = country_codes()
    return frozenset(codes.get(n, n) for n in names)


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Folded one-word country names, aliases and demonyms -> ISO 3166 alpha-3 code."""
    out: dict[str, str] = {}
    common = resources.files("crisol") / "resources" / "common"
    for name, column in (
        ("countries.tsv", "name"),
        ("country_aliases.tsv", "name"),
        ("demonyms.tsv", "forms"),
    ):
        with (common / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                for form in row[column].split(","):
                    if form.strip() and " " not in form.strip():
                        out.setdefault(fold(form.strip()), row["iso3"])
    return out


def _dates_fit(a: list[str], b: list[str]) -> bool:
    return not a or not b or any(dates_compatible(x, y) for x in a for y in b)


def figure_findings(
    figures: Sequence[Figure], story: StoryText, infos: Sequence[SentenceInfo] = ()
) -> tuple[list[dict], list[dict], list[list[tuple[str, int]]]]:
    """(differences, agreements, claims) among figures about the same thing; ``claims`` are the
    sentences of two or more articles giving one value for one thing."""
    dates = {i.key: i.dates for i in infos}
    languages = Counter(i.language for i in {i.article: i for i in infos}.values())
    language = languages.most_common(1)[0][0] if languages else None
    per_noun = Counter((f.article, f.sentence, f.noun) for f in figures)

    def alone(f: Figure) -> bool:  # the only figure counting this noun in its sentence
        return per_noun[(f.article, f.sentence, f.noun)] == 1

    uf = UnionFind()
    for n in range(len(figures)):
        uf.find(n)
    for x in range(len(figures)):
        for y in range(x + 1, len(figures)):
            if same_quantity(figures[x], figures[y], story, dates, alone):
                uf.union(x, y)
    differences, agreements, claims = [], [], []
    lang_of = {i.article: i.language for i in infos}
    for group in uf.groups():
        members = [figures[n] for n in sorted(group)]
        if len({f.article for f in members}) < 2:
            continue
        clusters = _value_clusters(members, figures)
        claims += [[(f.article, f.sentence) for f in c] for c in clusters if len({f.article for f in c}) > 1]
        sides = [
            _side(_shown(c, lang_of, language).text, [(f.article, f.sentence) for f in c])
            | {"number": c[0].value}
            for c in clusters
        ]
        topic = _figure_topic(_shown(members, lang_of, language))
        if len(sides) > 1:
            differences.append({"kind": "figure", "topic": topic, "sides": sides})
        elif sides:
            agreements.append(
                {
                    "kind": "figure",
                    "topic": topic,
                    "text": sides[0]["value"],
                    "citations": sides[0]["citations"],
                    "sentence": sides[0]["sentence"],
                }
            )
    return differences, agreements, claims


def _told_apart(c: list[Figure], r: list[Figure], everywhere: Sequence[Figure]) -> bool:
    """Whether one article gives both values (same counted noun, in any of its sentences:
    ``everywhere``), so they count two things."""
    if {f.article for f in c} & {g.article for g in r}:
        return True
    noun = c[0].noun
    has: dict[str, list[bool]] = {}
    for f in everywhere:
        if f.noun == noun:
            has.setdefault(f.article, [False, False])
            has[f.article][0] |= f.agrees(c[0])
            has[f.article][1] |= f.agrees(r[0])
    return any(x and y for x, y in has.values())


def _shown(cluster: list[Figure], lang_of: dict[str, str | None], language: str | None) -> Figure:
    """The figure whose words a side shows: one in the story's language when there is one."""
    return next((f for f in cluster if lang_of.get(f.article) == language), cluster[0])


def _value_clusters(members: list[Figure], everywhere: Sequence[Figure] = ()) -> list[list[Figure]]:
    """One side per distinct value (compatible values together); values one article gives both
    of, anywhere in its text (``everywhere``: all the story's figures), are two quantities it
    tells apart ("20 millones de canje, que se suman a los 15 millones en donaciones"), not rival
    reports: only the most cited of them stays a side."""
    clusters: list[list[Figure]] = []
    for f in sorted(members, key=lambda f: f.value):
        for c in clusters:
            if all(f.agrees(g) for g in c):
                c.append(f)
                break
        else:
            clusters.append([f])
    clusters.sort(key=lambda c: (-len({f.article for f in c}), c[0].value))
    rivals: list[list[Figure]] = []
    for c in clusters:
        if not any(_told_apart(c, r, everywhere) for r in rivals):
            rivals.append(c)
    rivals.sort(key=lambda c: c[0].value)
    return rivals


def _figure_topic(f: Figure) -> str:
    """What the figures count, in the words of one of them ("familias"), with what sets it apart:
    "familias (planned)", "soldados (send, additional)"."""
    last = f.text.split()[-1]
    noun = last if last.isalpha() else f.noun  # "15 millones de euros" -> euros; "€15m" -> money
    detail = [f.predicate, None if f.mode == "done" else f.mode, None if f.scope == "plain" else f.scope]
    detail = [d for d in detail if d and d != IMPLIED_PREDICATE.get(f.noun)]
    return f"{noun} ({', '.join(detail)})" if detail else noun


# hedges and attributions ------------------------------------------------------------------------


def _stance(info: SentenceInfo, article: Article) -> tuple[str, str | None]:
    """("alleged" | "attributed" | "asserted" | "quoted", to whom it is attributed).

    Attributed means the outlet cites a source for the claim ("según KCNA", "according to"); a
    person's own words ("Lavrov said") are that person's claim in every outlet, not a hedge:
    "quoted", never compared.
    """
    cues = _cues.load(info.language)
    words = _named_sources_out(_cues.tokens(info.text), cues)
    if cues.list("hedges").any(words):
        return "alleged", None
    attribution = cues.list("attribution")
    quotes = [q for q in article.quotes if q.sentence == info.index]
    source_cues = cues.list("source_cues")
    for q in quotes:
        if q.via or (q.cue and source_cues.any(_cues.tokens(q.cue))):
            return "attributed", q.via or q.speaker
    if quotes:
        return "quoted", quotes[0].speaker
    for e in article.events:
        if (
            e.sentence == info.index
            and e.certainty == "attributed"
            and e.attributed_to
            and attribution.any(words)
        ):
            return "attributed", e.attributed_to
    if attribution.any(words):
        return "attributed", None
    return "asserted", None


def _named_sources_out(words: list[_cues.Token], cues: _cues.Cues) -> list[_cues.Token]:
    """The words without "sources of <a named organisation>" ("fuentes de la AECID", "sources
    at the ministry" when capitalised): sources with a name are an attribution, like "según la
    AECID", not the anonymous sources that hedge a claim ("según fuentes")."""
    drop: set[int] = set()
    for start, end, _ in cues.list("named_source_leads").find(words):
        if end < len(words) and words[end].text[:1].isupper():
            drop.update(range(start, end))
    return [w for k, w in enumerate(words) if k not in drop] if drop else words


def stance_differences(
    infos: Sequence[SentenceInfo],
    articles: Sequence[Article],
    story: StoryText,
    claims: Sequence[list[tuple[str, int]]] = (),
) -> list[dict]:
    """Claims hedged or attributed in one outlet and asserted in another, compared only between
    sentences aligned directly and closely (one claim, not a chain of loose matches), or, for
    ``claims`` (sentences giving the same figure for the same thing: "incluiría supuestamente un
    canje de 20 millones" and "incluye un canje de 20 millones"), between alike sentences."""
    by_key = {i.key: i for i in infos}
    by_id = {a.id: a for a in articles}
    out, seen = [], set()

    def compare(members: list[tuple[str, int]], close: Callable[[tuple, tuple], bool]) -> None:
        stances = {k: _stance(by_key[k], by_id[k[0]]) for k in members}
        qualified = [k for k in members if stances[k][0] in ("alleged", "attributed")]
        asserted = [k for k in members if stances[k][0] == "asserted" and any(close(k, q) for q in qualified)]
        if not asserted or seen & set(qualified + asserted):
            return  # told the same way everywhere, or hedged everywhere (alleged vs attributed)
        keep = {k: stances[k] for k in qualified + asserted}
        seen.update(keep)
        kind = "hedge" if any(s == "alleged" for s, _ in keep.values()) else "attribution"
        out.append({"kind": kind, "topic": by_key[qualified[0]].text, "sides": _stance_sides(keep)})

    for g in story.groups:
        if len(g.articles) >= 2:
            compare(g.members, lambda k, q: story.pair_score(k, q) >= STANCE_ALIGN)
    for keys in claims:
        compare(_one_per_article(keys, story), lambda k, q: story.cosine(k, q) >= STANCE_COSINE)
    return out


def _one_per_article(keys: Sequence[tuple[str, int]], story: StoryText) -> list[tuple[str, int]]:
    """Of each article's sentences, the one most like another article's (its version of the claim)."""
    best: dict[str, tuple[float, tuple[str, int]]] = {}
    for k in keys:
        score = max((story.cosine(k, o) for o in keys if o[0] != k[0]), default=0.0)
        if k[0] not in best or score > best[k[0]][0]:
            best[k[0]] = (score, k)
    return [k for _, k in best.values()]


def _stance_sides(stances: dict[tuple[str, int], tuple[str, str | None]]) -> list[dict]:
    """One side per stance; the sources a claim is attributed to are named in the side's value
    ("attributed (el texto del acuerdo; el texto firmado)"): two wordings of a source are no
    difference."""
    by_stance: dict[str, list[tuple[str, int]]] = {}
    for key in sorted(stances, key=lambda k: STANCES.index(stances[k][0])):
        by_stance.setdefault(stances[key][0], []).append(key)
    sides = []
    for stance, keys in by_stance.items():
        whom = list(dict.fromkeys(stances[k][1] for k in keys if stances[k][1]))
        sides.append(_side(f"{stance} ({'; '.join(whom)})" if whom else stance, keys))
    return sides


# places -----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    names = set()
    for name in ("countries.tsv", "country_aliases.tsv"):
        path = resources.files("crisol") / "resources" / "common" / name
        with path.open(encoding="utf-8") as f:
            names |= {fold(row["name"]) for row in csv.DictReader(f, delimiter="\t")}
    return frozenset(names)


@dataclass
class PlaceClaim:
    key: tuple[str, int]
    place: str  # display name
    folded: str
    participants: frozenset[str]


def _is_country(m: Mention) -> bool:
    return fold(m.canonical or m.text) in country_names() or fold(m.text) in country_names()


def _background(info: SentenceInfo, words, cues, story_start: str | None) -> bool:
    if cues.list("background_cues").any(words):
        return True
    return bool(story_start) and any(_period_end(d) < _days_before(story_start) for d in info.dates)


def _period_end(value: str) -> str:
    """The last day a resolved date can mean: "2024" -> "2024-12-31", "2024-06" -> "2024-06-31"."""
    parts = value.split("-")
    if len(parts) >= 3:
        return value[:10]
    if len(parts) == 2 and parts[1].isdigit():
        return f"{parts[0]}-{parts[1]}-31"
    return f"{parts[0]}-12-31"


def _days_before(iso_day: str) -> str:
    try:
        return (date.fromisoformat(iso_day[:10]) - timedelta(days=BACKGROUND_DAYS)).isoformat()
    except ValueError:
        return ""


def place_claims(
    infos: Sequence[SentenceInfo], articles: Sequence[Article], story_start: str | None
) -> list[PlaceClaim]:
    """Where a sentence puts a meeting or visit of named people (cities, not countries)."""
    by_id = {a.id: a for a in articles}
    out = []
    for info in infos:
        cues = _cues.load(info.language)
        words = _cues.tokens(info.text)
        if not cues.list("meeting_cues").any(words) or _background(info, words, cues, story_start):
            continue
        persons = {fold(m.canonical or m.text) for m in by_id[info.article].mentions if m.label == "PER"}
        people = frozenset(fold(m.canonical or m.text) for m in info.mentions if m.label == "PER")
        for e in by_id[info.article].events:
            if e.sentence == info.index:
                people |= {
                    fold(x.name) for x in (e.source, e.target) if x is not None and fold(x.name) in persons
                }
        for m in info.mentions:
            if m.label in ("LOC", "GPE") and not _is_country(m) and _after_preposition(info, m, words, cues):
                out.append(PlaceClaim(info.key, m.canonical or m.text, fold(m.canonical or m.text), people))
    return out


def _after_preposition(info: SentenceInfo, m: Mention, words, cues) -> bool:
    start = m.start - info.start if info.start is not None else info.text.find(m.text)
    idx = next((n for n, w in enumerate(words) if w.start >= start), None)
    if idx is None:
        return False
    preps = set(cues.raw.get("place_prepositions", []))
    motion = set(cues.raw.get("motion_prepositions", []))
    verbs = cues.list("motion_cues")
    for k in range(max(0, idx - PLACE_WINDOW), idx):
        if words[k].norm in preps:
            return True
        # "viajó a Wonsan", "a visit to Wonsan": "a"/"to" only after a verb or noun of motion
        if words[k].norm in motion and any(verbs.match_at(words, j) for j in range(max(0, k - 2), k)):
            return True
    return False


def place_differences(claims: Sequence[PlaceClaim]) -> list[dict]:
    uf = UnionFind()
    for n in range(len(claims)):
        uf.find(n)
    for x in range(len(claims)):
        for y in range(x + 1, len(claims)):
            if claims[x].participants & claims[y].participants:
                uf.union(x, y)
    out = []
    for group in uf.groups():
        members = [claims[n] for n in sorted(group)]
        places: dict[str, list[PlaceClaim]] = {}
        for c in members:
            places.setdefault(c.folded, []).append(c)
        articles_by_place = {p: {c.key[0] for c in cs} for p, cs in places.items()}
        if len(places) < 2 or len(set().union(*articles_by_place.values())) < 2:
            continue
        # a place only one article names alongside the others is an extra detail, not a rival
        rivals = {
            p
            for p, arts in articles_by_place.items()
            if arts - set().union(*(a for q, a in articles_by_place.items() if q != p))
        }
        if len(rivals) < 2:
            continue
        who = _distinct_names(sorted(set().union(*(c.participants for c in members))))
        out.append(
            {
                "kind": "place",
                "topic": "meeting of " + ", ".join(_title(w) for w in who[:4]),
                "sides": [
                    _side(places[p][0].place, [c.key for c in places[p]]) for p in places if p in rivals
                ],
            }
        )
    return out


def _title(folded: str) -> str:
    return " ".join(w.capitalize() for w in folded.split())


# dates and names -------------------------------------------------------------------------------


def date_differences(
    merged: Sequence[MergedEvent],
    entries: Sequence[dict],
    dated_sentences: set[tuple[str, int]] | None = None,
) -> list[dict]:
    """One merged event given incompatible dates by different articles. Only dates the text gives
    count (``dated_sentences``: the sentences holding a resolved time expression): a publication
    day standing in for a date is no claim about it."""
    out = []
    for m, entry in zip(merged, entries):
        dated = [
            (r.event.date, (r.article, r.event.sentence))
            for r in m.reports
            if r.event.date
            and getattr(r.event, "date_source", None) in (None, "text")
            and (dated_sentences is None or (r.article, r.event.sentence) in dated_sentences)
        ]
        values: dict[str, list[tuple[str, int]]] = {}
        for value, key in dated:
            values.setdefault(value, []).append(key)
        distinct = sorted(values, key=len, reverse=True)
        rivals = [
            v
            for v in distinct
            if not any(w != v and dates_compatible(v, w) and len(w) > len(v) for w in distinct)
        ]
        arts = {k[0] for v in rivals for k in values[v]}
        if len(rivals) > 1 and len(arts) > 1:
            topic = f"{entry['type']} {entry['source'] or '?'} → {entry['target'] or '?'}"
            out.append({"kind": "date", "topic": topic, "sides": [_side(v, values[v]) for v in rivals]})
    return out


def name_differences(articles: Sequence[Article]) -> list[dict]:
    """Different people named for one role of one country (spellings of one name merged)."""
    by_role: dict[tuple[str, str | None], list[tuple[str, Mention]]] = {}
    for a in articles:
        for m in a.mentions:
            # without a country, "foreign minister" may be two countries' ministers: no conflict
            if m.label == "PER" and m.role and m.country:
                by_role.setdefault((m.role, m.country), []).append((a.id, m))
    out = []
    for (role, country), found in by_role.items():
        people: list[list[tuple[str, Mention]]] = []
        for aid, m in found:
            for p in people:
                if _same_person(p[0][1], m):
                    p.append((aid, m))
                    break
            else:
                people.append([(aid, m)])
        if len(people) > 1 and len({aid for aid, _ in found}) > 1:
            topic = f"{role} ({country})" if country else role
            sides = [
                _side(p[0][1].canonical or p[0][1].text, [(aid, m.sentence) for aid, m in p]) for p in people
            ]
            out.append({"kind": "name", "topic": topic, "sides": sides})
    return out


def _distinct_names(names: list[str]) -> list[str]:
    """Folded names with spellings of one person kept once ("choe son-hui", "choi son hee").

    >>> _distinct_names(["choe son-hui", "choi son hee", "kim jong-un"])
    ['choe son-hui', 'kim jong-un']
    """
    out: list[str] = []
    for name in names:
        if not any(_same_name(name, kept) for kept in out):
            out.append(name)
    return out


def _same_person(a: Mention, b: Mention) -> bool:
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    return _same_name(fold(a.canonical or a.text), fold(b.canonical or b.text))


def _same_name(x: str, y: str) -> bool:
    if fuzz.token_sort_ratio(x, y) >= SAME_NAME or x in y or y in x:
        return True
    # short names share skeletons by chance ("Ana Gil", "Ana Gala")
    return len(_skeleton(x)) >= 5 and _skeleton(x) == _skeleton(y)


def _skeleton(name: str) -> str:
    """Consonants of each name part: romanisations differ in vowels ("Choe Son-hui", "Choi Son Hee").

    >>> _skeleton("choe son-hui") == _skeleton("choi son hee")
    True
    """
    return "".join(c for c in name if c.isalpha() and c not in "aeiouy")


# all together -----------------------------------------------------------------------------------


def find_differences(
    articles: Sequence[Article],
    story: StoryText,
    merged: Sequence[MergedEvent],
    entries: Sequence[dict],
    sources: Sources,
) -> tuple[list[dict], list[dict]]:
    """(differences, figure agreements) of one story."""
    infos = sentence_infos(articles, story)
    fig_diffs, fig_agree, claims = figure_findings(story_figures(infos), story, infos)
    starts = sorted(a.published.date().isoformat() for a in articles if a.published)
    differences = (
        fig_diffs
        + place_differences(place_claims(infos, articles, starts[0] if starts else None))
        + date_differences(merged, entries, {i.key for i in infos if i.dates})
        + name_differences(articles)
        + stance_differences(infos, articles, story, claims)
    )
    for d in differences:
        d["independent_sources"] = sources.count([c for s in d["sides"] for c in s["citations"]])
        for side in d["sides"]:
            side["texts"] = {a: story.text((a, i)) for a, i in side["sentence"].items()}
    return differences, fig_agree
