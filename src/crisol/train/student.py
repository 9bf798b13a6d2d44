"""Distil the accurate NER into the fast one: a spaCy NER trained on the encoder's labels.

The teacher (``crisol train ner``) labels unlabelled news text; spaCy's own NER (same CNN
architecture as the stock model, so the same speed) is then updated on those silver labels,
optionally together with hand-labelled files. The student is saved as a spaCy pipeline folder
that ``--ner fast --ner-model DIR`` puts in place of the stock NER.

A student inherits the licences of everything its teacher learnt from: ``model.json`` of the
student lists the teacher's sources and says whether the result may be shipped.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from crisol.annotate import nlp as crisol_nlp
from crisol.annotate.encoder.component import encoder_spans
from crisol.annotate.encoder.tagger import EncoderNer, entity_spans, model_meta
from crisol.train.ner import Corpus, prf, read_iob

STUDENT_META = "model.json"
SILVER_CHUNK = 100  # texts per cached file: an interrupted labelling loses at most one chunk


def teacher_docs(nlp: Language, teacher: EncoderNer, texts: Iterable[str]) -> Iterator[Doc]:
    """Each text tokenised and split into sentences by ``nlp``, its entities set by the teacher."""
    with nlp.select_pipes(disable=[p for p in ("ner", "crisol_gazetteer") if p in nlp.pipe_names]):
        for doc in nlp.pipe(texts, batch_size=32):
            doc.ents = encoder_spans(doc, teacher)
            yield doc


def silver_docs(
    nlp: Language,
    teacher_dir: Path,
    texts: Sequence[str],
    cache_dir: Path | None = None,
    log: Callable[[str], None] = print,
) -> list[Doc]:
    """The teacher's labels on ``texts``, in chunks of :data:`SILVER_CHUNK`.

    With ``cache_dir`` each chunk is saved there as a DocBin named by a hash of the teacher's
    weights, the tokeniser's model and the chunk's texts: a second run (another student recipe)
    reads the labels back instead of running the teacher, an interrupted one resumes, and a
    new teacher or other texts never reuse stale labels.
    """
    teacher: EncoderNer | None = None
    signature = _labeller_signature(nlp, teacher_dir)
    docs: list[Doc] = []
    for start in range(0, len(texts), SILVER_CHUNK):
        chunk = texts[start : start + SILVER_CHUNK]
        cached = Path(cache_dir) / f"silver-{_chunk_key(signature, chunk)}.spacy" if cache_dir else None
        if cached is not None and cached.is_file():
            docs.extend(DocBin().from_disk(cached).get_docs(nlp.vocab))
            continue
        teacher = teacher or EncoderNer.load(teacher_dir)
        started = time.process_time()
        labelled = list(teacher_docs(nlp, teacher, chunk))
        log(
            f"teacher labelled texts {start + 1}-{start + len(chunk)} of {len(texts)}"
            f" in {time.process_time() - started:.0f} CPU-s"
        )
        if cached is not None:
            _save_chunk(labelled, cached)
        docs.extend(labelled)
    return docs


def label_texts(
    teacher_dir: Path,
    corpora: Sequence[Sequence[str]],
    cache_dir: Path,
    language: str = "es",
    log: Callable[[str], None] = print,
) -> int:
    """Fill ``cache_dir`` with the teacher's labels on every text (``--label-only``); returns how
    many texts are labelled there."""
    nlp = crisol_nlp.fresh_bare(language)
    return sum(len(silver_docs(nlp, teacher_dir, texts, cache_dir, log)) for texts in corpora)


def _labeller_signature(nlp: Language, teacher_dir: Path) -> str:
    digest = hashlib.sha256(f"{nlp.meta.get('name')} {nlp.meta.get('version')}".encode())
    for name in ("model.json", "model.npz"):
        digest.update((Path(teacher_dir) / name).read_bytes())
    return digest.hexdigest()


def _chunk_key(signature: str, chunk: Sequence[str]) -> str:
    digest = hashlib.sha256(signature.encode())
    for text in chunk:
        digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()[:20]


def _save_chunk(docs: list[Doc], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    DocBin(docs=docs, store_user_data=False).to_disk(partial)
    partial.replace(path)  # a chunk file is whole or absent, even if the run is killed


def gold_docs(nlp: Language, corpus: Corpus) -> Iterator[Doc]:
    for sentence in corpus.sentences():
        doc = Doc(nlp.vocab, words=[w for w, _ in sentence])
        doc.ents = [Span(doc, s, e, label=t) for s, e, t in entity_spans([t for _, t in sentence])]
        yield doc


def _example(doc: Doc) -> Example:
    words = [t.text for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    return Example(Doc(doc.vocab, words=words, spaces=spaces), doc)


def sentence_docs(docs: Iterable[Doc]) -> Iterator[Doc]:
    """Each sentence of each Doc as a Doc of its own, with its entities (none crosses a sentence:
    the teacher tags sentence by sentence). The CNN sees a few words either side, never the
    document, so nothing is lost, and shuffled sentences mix texts within a batch."""
    for doc in docs:
        for sent in doc.sents:
            if any(not t.is_space for t in sent):
                yield sent.as_doc()


@dataclass(frozen=True)
class StudentRecipe:
    """How the student learns. ``width=None`` goes on training the spaCy model's own NER (its
    architecture, its speed); a width makes a new NER of that width and ``depth`` CNN layers,
    with ``rows`` hash-embedding rows for the word (half as many for prefix, suffix, shape),
    trained from scratch."""

    epochs: int = 8
    dropout: float = 0.2
    seed: int = 13
    gold_weight: int = 1  # times each gold sentence is seen per epoch, against one for silver
    width: int | None = None
    depth: int = 4
    rows: int = 5000
    batch_size: int = 32


def train_student(
    teacher_dir: Path | None,
    corpora: Sequence[Sequence[str]],
    out_dir: Path,
    gold_files: Sequence[Path] = (),
    dev_file: Path | None = None,
    recipe: StudentRecipe = StudentRecipe(),
    language: str = "es",
    sources: Sequence[dict] = (),
    cache_dir: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Train the student; keeps the best epoch on ``dev_file`` (or the last); returns its scores.

    ``corpora``: unlabelled texts, one sequence per file (so adding a file leaves the cached
    labels of the others valid, see :func:`silver_docs`). Without a teacher the student learns
    from the gold files alone (the baseline distillation is measured against). ``sources``
    (file, licence, shippable) are recorded in ``model.json``.
    """
    random.seed(recipe.seed)
    fix_random_seed(recipe.seed)
    nlp = crisol_nlp.fresh_bare(language)
    silver: list[Doc] = []
    teacher_meta: dict = {"shippable": True, "trained_on": []}
    if teacher_dir is not None:
        teacher_meta = model_meta(teacher_dir)
        for texts in corpora:
            silver.extend(silver_docs(nlp, teacher_dir, texts, cache_dir, log))
    gold = [d for path in gold_files for d in gold_docs(nlp, read_iob(path))]
    examples = [_example(d) for d in [*sentence_docs(silver), *gold * recipe.gold_weight] if len(d)]
    log(f"student learns from {len(silver)} silver texts and {len(gold)} gold sentences")
    if recipe.width is not None:
        _new_ner(nlp, recipe, examples)
    dev = read_iob(dev_file) if dev_file else None
    best: dict = {"f1": -1.0}
    meta = _meta(teacher_meta, sources, recipe, len(silver))
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training() if recipe.width is None else nlp.create_optimizer()
        for epoch in range(1, recipe.epochs + 1):
            started = time.process_time()
            random.shuffle(examples)
            losses: dict = {}
            for batch in minibatch(examples, size=recipe.batch_size):
                nlp.update(batch, sgd=optimizer, drop=recipe.dropout, losses=losses)
            scores = {"epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 1)}
            scores["cpu_seconds"] = round(time.process_time() - started, 1)
            if dev is not None:
                with nlp.use_params(optimizer.averages):
                    scores.update(_score(nlp, dev))
            log(f"student epoch {epoch}: {scores}")
            if dev is None or scores["f1"] > best["f1"]:
                best = scores
                with nlp.use_params(optimizer.averages):
                    _save(nlp, out_dir, {**meta, "dev_scores": scores})
    return best


def _new_ner(nlp: Language, recipe: StudentRecipe, examples: list[Example]) -> None:
    """Replace the model's NER by an untrained one of the recipe's size, labels from the examples."""
    embed = {
        "@architectures": "spacy.MultiHashEmbed.v2",
        "width": recipe.width,
        "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
        "rows": [recipe.rows, recipe.rows // 2, recipe.rows // 2, recipe.rows // 2],
        "include_static_vectors": False,
    }
    encode = {
        "@architectures": "spacy.MaxoutWindowEncoder.v2",
        "width": recipe.width,
        "depth": recipe.depth,
        "window_size": 1,
        "maxout_pieces": 3,
    }
    model = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 64,
        "maxout_pieces": 2,
        "use_upper": True,
        "tok2vec": {"@architectures": "spacy.Tok2Vec.v2", "embed": embed, "encode": encode},
    }
    nlp.replace_pipe("ner", "ner", config={"model": model})
    nlp.get_pipe("ner").initialize(lambda: examples, nlp=nlp)


def _score(nlp: Language, corpus: Corpus) -> dict:
    tp = fp = fn = 0
    sentences = list(corpus.sentences())
    docs = nlp.pipe((Doc(nlp.vocab, words=[w for w, _ in s]) for s in sentences), batch_size=256)
    for sentence, doc in zip(sentences, docs):
        gold = set(entity_spans([t for _, t in sentence]))
        guess = {(e.start, e.end, e.label_) for e in doc.ents}
        tp, fp, fn = tp + len(gold & guess), fp + len(guess - gold), fn + len(gold - guess)
    return prf(tp, fp, fn)


def _meta(teacher_meta: dict, sources: Sequence[dict], recipe: StudentRecipe, silver_texts: int) -> dict:
    """What ``model.json`` says: every data set the student learnt from, directly or through its
    teacher, with its licence; it may be shipped only if every one of them allows it."""
    teacher = {k: teacher_meta.get(k) for k in ("encoder", "trained_on", "dev_scores", "shippable")}
    return {
        "kind": "crisol-student-ner",
        "teacher": teacher if silver_texts else None,
        "trained_on": list(sources),
        "silver_texts": silver_texts,
        "recipe": asdict(recipe),
        "shippable": (not silver_texts or bool(teacher["shippable"]))
        and all(bool(s.get("shippable")) for s in sources),
    }


def _save(nlp: Language, out_dir: Path, meta: dict) -> None:
    out_dir = Path(out_dir)
    nlp.to_disk(out_dir)
    (out_dir / STUDENT_META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
