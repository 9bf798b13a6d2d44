"""Where outlets disagree, and what several outlets agree on.

Each difference names a topic and the sources on each side (``sides``: value, citations, and the
sentence of each citing article). Kinds:

- ``figure``: different numbers for the same thing (same counted noun, predicate, mode and scope,
  said in aligned sentences or with shared participants); "sent so far" vs "planned", killed vs
  wounded, a total vs a part are different things, not a conflict (:mod:`crisol.present.figures`);
- ``place``: one meeting or visit put in different cities (a city inside a country named by the
  other side is no conflict); past occasions told as background are left out;
- ``date``: one merged event with incompatible resolved dates;
- ``name``: different people given the same role (spelling variants of one name are not);
- ``hedge``: the same claim, alleged ("supuestamente", "allegedly") in one outlet and not in
  another; ``attribution``: attributed to a source in one outlet, asserted as fact in another.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Sequence

from rapidfuzz import fuzz

from crisol.link.similarity import fold
from crisol.model import Article, Mention
from crisol.present import cues as _cues
from crisol.present.events import MergedEvent, dates_compatible
from crisol.present.figures import Figure, find_figures
from crisol.present.groups import StoryText, UnionFind
from crisol.present.sources import Sources

PLACE_WINDOW = 6  # tokens between a place preposition and the place ("en la ciudad portuaria de X")
SAME_NAME = 85  # rapidfuzz ratio above which two names are one person spelled two ways
BACKGROUND_DAYS = 30  # a dated sentence this long before the story is about a past occasion
STANCES = ("alleged", "attributed", "asserted")
STANCE_ALIGN = 0.7  # hedges are compared only between closely aligned sentences (one claim)


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
    citations = list(dict.fromkeys(a for a, _ in keys))
    sentence: dict[str, int] = {}
    for a, i in keys:
        sentence.setdefault(a, i)
    return {"value": value, "citations": citations, "sentence": sentence}


# figures ----------------------------------------------------------------------------------------


def story_figures(infos: Sequence[SentenceInfo]) -> list[Figure]:
    out = []
    for info in infos:
        for f in find_figures(info.text, info.language, info.date_spans):
            f.article, f.sentence, f.context = info.article, info.index, info.context()
            out.append(f)
    return out


def _same_thing(f: Figure, g: Figure, story: StoryText) -> bool:
    if f.article == g.article or f.key != g.key:
        return False
    if story.aligned((f.article, f.sentence), (g.article, g.sentence)):
        return True
    return f.predicate is not None and bool(f.context & g.context)


def figure_findings(figures: Sequence[Figure], story: StoryText) -> tuple[list[dict], list[dict]]:
    """(differences, agreements) among figures about the same thing."""
    uf = UnionFind()
    for n in range(len(figures)):
        uf.find(n)
    for x in range(len(figures)):
        for y in range(x + 1, len(figures)):
            if _same_thing(figures[x], figures[y], story):
                uf.union(x, y)
    differences, agreements = [], []
    for group in uf.groups():
        members = [figures[n] for n in sorted(group)]
        if len({f.article for f in members}) < 2:
            continue
        sides = _value_sides(members)
        topic = _figure_topic(members[0])
        if len(sides) > 1:
            differences.append({"kind": "figure", "topic": topic, "sides": sides})
        else:
            agreements.append({"kind": "figure", "topic": topic, "text": sides[0]["value"],
                               "citations": sides[0]["citations"], "sentence": sides[0]["sentence"]})  # fmt: skip
    return differences, agreements


def _value_sides(members: list[Figure]) -> list[dict]:
    """Figures grouped by compatible values, one side per distinct value."""
    clusters: list[list[Figure]] = []
    for f in sorted(members, key=lambda f: f.value):
        for c in clusters:
            if all(f.agrees(g) for g in c):
                c.append(f)
                break
        else:
            clusters.append([f])
    return [_side(c[0].text, [(f.article, f.sentence) for f in c]) | {"number": c[0].value} for c in clusters]


def _figure_topic(f: Figure) -> str:
    # an unlisted counted noun is named by its word in the first sentence ("emergencias")
    noun = f.text.split()[-1] if f.noun.startswith("w:") else f.noun
    parts = [noun, f.predicate, None if f.mode == "done" else f.mode, None if f.scope == "plain" else f.scope]
    return " ".join(p for p in parts if p)


# hedges and attributions ------------------------------------------------------------------------


def _stance(info: SentenceInfo, article: Article) -> tuple[str, str | None]:
    """("alleged" | "attributed" | "asserted", to whom it is attributed).

    Attributed means the outlet cites a source for the claim ("según KCNA", "according to"); a
    person's own words ("Lavrov said") are that person's claim in every outlet, not a hedge.
    """
    cues = _cues.load(info.language)
    words = _cues.tokens(info.text)
    if cues.list("hedges").any(words):
        return "alleged", None
    attribution = cues.list("attribution")
    for q in article.quotes:
        if q.sentence == info.index and (q.via or (q.cue and attribution.any(_cues.tokens(q.cue)))):
            return "attributed", q.via or q.speaker
    for e in article.events:
        if e.sentence == info.index and e.certainty == "attributed" and e.attributed_to and \
                attribution.any(words):
            return "attributed", e.attributed_to
    if attribution.any(words):
        return "attributed", None
    return "asserted", None


def stance_differences(infos: Sequence[SentenceInfo], articles: Sequence[Article], story: StoryText) -> list[dict]:
    """Claims hedged or attributed in one outlet and asserted in another, compared only between
    sentences aligned directly and closely (one claim, not a chain of loose matches)."""
    by_key = {i.key: i for i in infos}
    by_id = {a.id: a for a in articles}
    out = []
    for g in story.groups:
        if len(g.articles) < 2:
            continue
        stances = {k: _stance(by_key[k], by_id[k[0]]) for k in g.members}
        qualified = [k for k in g.members if stances[k][0] != "asserted"]
        asserted = [k for k in g.members if stances[k][0] == "asserted"
                    and any(story.pair_score(k, q) >= STANCE_ALIGN for q in qualified)]  # fmt: skip
        if not asserted:
            continue  # told the same way everywhere, or hedged everywhere (alleged vs attributed)
        keep = {k: stances[k] for k in qualified + asserted}
        kind = "hedge" if any(s == "alleged" for s, _ in keep.values()) else "attribution"
        out.append({"kind": kind, "topic": by_key[qualified[0]].text, "sides": _stance_sides(keep)})
    return out


def _stance_sides(stances: dict[tuple[str, int], tuple[str, str | None]]) -> list[dict]:
    by_label: dict[str, list[tuple[str, int]]] = {}
    for key in sorted(stances, key=lambda k: STANCES.index(stances[k][0])):
        stance, whom = stances[key]
        label = f"{stance} ({whom})" if whom else stance
        by_label.setdefault(label, []).append(key)
    return [_side(label, keys) for label, keys in by_label.items()]


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
    from datetime import date, timedelta

    try:
        return (date.fromisoformat(iso_day[:10]) - timedelta(days=BACKGROUND_DAYS)).isoformat()
    except ValueError:
        return ""


def place_claims(infos: Sequence[SentenceInfo], articles: Sequence[Article], story_start: str | None) -> list[PlaceClaim]:
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
                people |= {fold(x.name) for x in (e.source, e.target) if x is not None and fold(x.name) in persons}
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
        rivals = {p for p, arts in articles_by_place.items() if arts - set().union(*(a for q, a in articles_by_place.items() if q != p))}
        if len(rivals) < 2:
            continue
        who = sorted(set().union(*(c.participants for c in members)))
        out.append({
            "kind": "place",
            "topic": "meeting of " + ", ".join(_title(w) for w in who[:4]),
            "sides": [_side(places[p][0].place, [c.key for c in places[p]]) for p in places if p in rivals],
        })
    return out


def _title(folded: str) -> str:
    return " ".join(w.capitalize() for w in folded.split())


# dates and names -------------------------------------------------------------------------------


def date_differences(merged: Sequence[MergedEvent], entries: Sequence[dict]) -> list[dict]:
    out = []
    for m, entry in zip(merged, entries):
        dated = [(r.event.date, (r.article, r.event.sentence)) for r in m.reports if r.event.date]
        values: dict[str, list[tuple[str, int]]] = {}
        for value, key in dated:
            values.setdefault(value, []).append(key)
        distinct = sorted(values, key=len, reverse=True)
        rivals = [v for v in distinct if not any(w != v and dates_compatible(v, w) and len(w) > len(v) for w in distinct)]
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
            sides = [_side(p[0][1].canonical or p[0][1].text, [(aid, m.sentence) for aid, m in p]) for p in people]
            out.append({"kind": "name", "topic": topic, "sides": sides})
    return out


def _same_person(a: Mention, b: Mention) -> bool:
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    x, y = fold(a.canonical or a.text), fold(b.canonical or b.text)
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


def find_differences(articles: Sequence[Article], story: StoryText, merged: Sequence[MergedEvent],
                     entries: Sequence[dict], sources: Sources) -> tuple[list[dict], list[dict]]:  # fmt: skip
    """(differences, figure agreements) of one story."""
    infos = sentence_infos(articles, story)
    fig_diffs, fig_agree = figure_findings(story_figures(infos), story)
    starts = sorted(a.published.date().isoformat() for a in articles if a.published)
    differences = (
        fig_diffs
        + place_differences(place_claims(infos, articles, starts[0] if starts else None))
        + date_differences(merged, entries)
        + name_differences(articles)
        + stance_differences(infos, articles, story)
    )
    for d in differences:
        d["independent_sources"] = sources.count([c for s in d["sides"] for c in s["citations"]])
    return differences, fig_agree
