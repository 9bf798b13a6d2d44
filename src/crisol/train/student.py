"""Distil the accurate NER into the fast one: a spaCy NER trained on the encoder's labels.

The teacher (``crisol train ner``) labels unlabelled news text; spaCy's own NER (same CNN
architecture as the stock model, so the same speed) is then updated on those silver labels,
optionally together with hand-labelled files. The student is saved as a spaCy pipeline folder
that ``--ner fast --ner-model DIR`` puts in place of the stock NER.

A student inherits the licences of everything its teacher learnt from: ``model.json`` of the
student lists the teacher's sources and says whether the result may be shipped.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import minibatch

from crisol.annotate import nlp as crisol_nlp
from crisol.annotate.encoder.component import encoder_spans
from crisol.annotate.encoder.tagger import EncoderNer, entity_spans, model_meta
from crisol.train.ner import Corpus, prf, read_iob

STUDENT_META = "model.json"


def teacher_docs(nlp: Language, teacher: EncoderNer, texts: Iterable[str]) -> Iterator[Doc]:
    """Each text tokenised and split into sentences by ``nlp``, its entities set by the teacher."""
    with nlp.select_pipes(disable=[p for p in ("ner", "crisol_gazetteer") if p in nlp.pipe_names]):
        for doc in nlp.pipe(texts, batch_size=32):
            doc.ents = encoder_spans(doc, teacher)
            yield doc


def gold_docs(nlp: Language, corpus: Corpus) -> Iterator[Doc]:
    for sentence in corpus.sentences():
        doc = Doc(nlp.vocab, words=[w for w, _ in sentence])
        doc.ents = [Span(doc, s, e, label=t) for s, e, t in entity_spans([t for _, t in sentence])]
        yield doc


def _example(doc: Doc) -> Example:
    words = [t.text for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    return Example(Doc(doc.vocab, words=words, spaces=spaces), doc)


def train_student(
    teacher_dir: Path | None,
    texts: Sequence[str],
    out_dir: Path,
    gold_files: Sequence[Path] = (),
    dev_file: Path | None = None,
    epochs: int = 8,
    dropout: float = 0.2,
    seed: int = 13,
    language: str = "es",
    log: Callable[[str], None] = print,
) -> dict:
    """Train the student; keeps the best epoch on ``dev_file`` (or the last); returns its scores.

    Without a teacher the student learns from the gold files alone (the baseline distillation is
    measured against).
    """
    random.seed(seed)
    nlp = crisol_nlp.fresh_bare(language)
    docs: list[Doc] = []
    teacher_meta: dict = {"shippable": True, "trained_on": []}
    if teacher_dir is not None:
        teacher_meta = model_meta(teacher_dir)
        teacher = EncoderNer.load(teacher_dir)
        started = time.process_time()
        docs = list(teacher_docs(nlp, teacher, texts))
        log(f"teacher labelled {len(docs)} texts in {time.process_time() - started:.0f} CPU-s")
    for path in gold_files:
        docs.extend(gold_docs(nlp, read_iob(path)))
    examples = [_example(d) for d in docs if len(d)]
    dev = read_iob(dev_file) if dev_file else None
    best: dict = {"f1": -1.0}
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
        for epoch in range(1, epochs + 1):
            random.shuffle(examples)
            losses: dict = {}
            for batch in minibatch(examples, size=32):
                nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
            scores = {"epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 1)}
            if dev is not None:
                scores.update(_score(nlp, dev))
            log(f"student epoch {epoch}: {scores}")
            if dev is None or scores["f1"] > best["f1"]:
                best = scores
                _save(nlp, out_dir, teacher_meta, scores, len(texts), [str(p) for p in gold_files])
    return best


def _score(nlp: Language, corpus: Corpus) -> dict:
    tp = fp = fn = 0
    sentences = list(corpus.sentences())
    docs = nlp.pipe((Doc(nlp.vocab, words=[w for w, _ in s]) for s in sentences), batch_size=256)
    for sentence, doc in zip(sentences, docs):
        gold = set(entity_spans([t for _, t in sentence]))
        guess = {(e.start, e.end, e.label_) for e in doc.ents}
        tp, fp, fn = tp + len(gold & guess), fp + len(guess - gold), fn + len(gold - guess)
    return prf(tp, fp, fn)


def _save(
    nlp: Language, out_dir: Path, teacher_meta: dict, scores: dict, n_texts: int, gold: list[str]
) -> None:
    out_dir = Path(out_dir)
    nlp.to_disk(out_dir)
    meta = {
        "kind": "crisol-student-ner",
        "teacher": {k: teacher_meta.get(k) for k in ("encoder", "trained_on", "dev_scores", "shippable")},
        "silver_texts": n_texts,
        "gold_files": gold,
        "dev_scores": scores,
        "shippable": bool(teacher_meta.get("shippable")) and not gold,
    }
    (out_dir / STUDENT_META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
