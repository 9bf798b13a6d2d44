"""``crisol bench language [--per-set N] [--out FILE]``: language identification accuracy.

Cases are built at run time from ``../shared/data`` (nothing of it is copied into the project)
plus short texts written for crisol (``tests/fixtures/language/short.tsv``):

- **articles** go through :func:`crisol.clean.clean` as a plain-text input (headline line, blank
  line, body), as a user's file would: Spanish (spanish-fake-news-corpus), the same with the
  headline in capitals, English (PolNeAR), and German, Turkish, Polish, Arabic, French, Spanish
  and English texts of SemEval-2022 Task 8 (their title is the part before the first double
  space; the label is the language SemEval gives the page);
- **short texts** go to :func:`crisol.clean.language.detect_language` alone: the headlines and
  the first sentence (under 200 characters) of those articles, and the hand-written lines, which
  cover other scripts and languages, and strings in no language (expected unknown).

Scores per set: accuracy (the expected code, or unknown where "und" is expected) and the share
answered with a *wrong* language (an unknown is not counted there: it is the honest answer when
a text is too short to tell).
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.clean import clean
from crisol.clean.language import SHORT_TEXT, detect_language
from crisol.model import RawArticle

NAME = "language"
ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SHORT = ROOT / "tests" / "fixtures" / "language" / "short.tsv"
SEMEVAL_LANGUAGES = ("de", "tr", "pl", "ar", "fr", "es", "en")
UNKNOWN = "und"
# Quality gate (tests/clean/test_bench_language.py): slightly below the measured values.
FLOORS = {"article_accuracy": 0.995, "short_accuracy": 0.99, "short_wrong_max": 0.005}  # the last: a ceiling


@dataclass(frozen=True)
class Case:
    set: str
    expected: str  # ISO 639-1, or "und"
    text: str
    article: bool  # through clean() as a whole input, else detect_language() alone


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def _field(row: dict, name: str) -> str:
    """A column of the fake-news corpus, whose two versions spell names in different cases."""
    return str(row.get(name) or row.get(name.upper()) or "").strip()


def _first_sentence(body: str) -> str | None:
    m = re.match(r"(.{20,}?[.!?])\s", " ".join(body.split()))
    return m.group(1) if m and len(m.group(1)) < SHORT_TEXT else None


def _pick(rows: list, n: int, seed: str) -> list:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows[:n]


def spanish_cases(data: Path, n: int) -> list[Case]:
    corpus = data / "spanish-fake-news-corpus"
    rows = [r for f in ("test.jsonl", "development.jsonl") for r in _jsonl(corpus / f)]
    rows = [r for r in rows if len(_field(r, "Text")) > 400 and _field(r, "Headline")]
    out = []
    for r in _pick(rows, n, "es"):
        head, body = _field(r, "Headline"), _field(r, "Text")
        out.append(Case("es-article", "es", f"{head}\n\n{body}", True))
        out.append(Case("es-article-caps-headline", "es", f"{head.upper()}\n\n{body}", True))
        out.append(Case("short-headline", "es", head, False))
        if sentence := _first_sentence(body):
            out.append(Case("short-sentence", "es", sentence, False))
    return out


def english_cases(data: Path, n: int) -> list[Case]:
    folder = data / "polnear-quote-attribution"
    files = sorted(p for split in ("dev", "test") for p in (folder / split / "text").glob("*.txt"))
    out = []
    for path in _pick(files, n, "en"):
        text = path.read_text(encoding="utf-8")
        head, _, body = text.strip().partition("\n")
        out.append(Case("en-article", "en", text, True))
        out.append(Case("short-headline", "en", head.strip(), False))
        if sentence := _first_sentence(body):
            out.append(Case("short-sentence", "en", sentence, False))
    return out


def semeval_cases(data: Path, n: int) -> list[Case]:
    by_language: dict[str, list[str]] = defaultdict(list)
    for row in _jsonl(data / "semeval2022-task8" / "pairs.jsonl"):
        for key in ("1", "2"):
            if row[f"lang{key}"] in SEMEVAL_LANGUAGES and "  " in row[f"text{key}"]:
                by_language[row[f"lang{key}"]].append(row[f"text{key}"])
    out = []
    for lang in SEMEVAL_LANGUAGES:
        for text in _pick(sorted(set(by_language[lang])), n, lang):
            head, _, body = text.partition("  ")
            if len(body) < 400:
                continue
            out.append(Case("semeval-article", lang, f"{head.strip()}\n\n{body.strip()}", True))
            if sentence := _first_sentence(body):
                out.append(Case("short-sentence", lang, sentence, False))
    return out


def written_cases(path: Path) -> list[Case]:
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if len(r) == 2 and not r[0].startswith("#")][1:]  # after the header
    return [Case("short-written", lang, text, False) for lang, text in rows]


def build_cases(data: Path | None, short: Path, n: int) -> list[Case]:
    cases = written_cases(short)
    if data is not None:
        cases += spanish_cases(data, n) + english_cases(data, n) + semeval_cases(data, n // 3)
    return cases


def _answer(case: Case, detect: Callable[[str], str | None]) -> str:
    if case.article:
        article = clean(RawArticle(f"{case.set}.txt", case.text.encode("utf-8"), "text"))
        return article.language or UNKNOWN
    return detect(case.text) or UNKNOWN


def run(cases: list[Case], detect: Callable[[str], str | None] | None = None) -> tuple[dict, list[dict]]:
    """Metrics and one result row per case; ``detect`` replaces detect_language for short texts."""
    detect = detect or (lambda text: detect_language(text)[0])
    rows, started = [], time.process_time()
    for c in cases:
        got = _answer(c, detect)
        rows.append({"set": c.set, "expected": c.expected, "got": got, "text": c.text[:120]})
    cpu = time.process_time() - started
    return _metrics(rows, cpu), rows


def _metrics(rows: list[dict], cpu: float) -> dict[str, Any]:
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    metrics: dict[str, Any] = {"cases": len(rows), "cpu_seconds": round(cpu, 2), "sets": {}}
    for name, group in sorted(by_set.items()):
        metrics["sets"][name] = _scores(group)
    articles = [r for r in rows if "article" in r["set"]]
    short = [r for r in rows if r["set"].startswith("short")]
    metrics["article_accuracy"] = _scores(articles)["accuracy"] if articles else None
    metrics["short_accuracy"] = _scores(short)["accuracy"]
    metrics["short_wrong_max"] = _scores(short)["wrong"]
    return metrics


def _scores(group: list[dict]) -> dict[str, Any]:
    right = sum(r["got"] == r["expected"] for r in group)
    wrong = sum(r["got"] not in (r["expected"], UNKNOWN) for r in group)
    return {"n": len(group), "accuracy": round(right / len(group), 4), "wrong": round(wrong / len(group), 4)}


def command(
    per_set: Annotated[int, typer.Option(help="Articles drawn from each corpus (fixed seed).")] = 150,
    short: Annotated[Path, typer.Option(help="Hand-written short texts (TSV: lang, text).")] = DEFAULT_SHORT,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write every case's answer as JSONL.")] = None,
) -> None:
    """Language identification accuracy on articles, capital headlines and short texts."""
    root = shared_dir()
    data = root / "data" if root and (root / "data").is_dir() else None
    if data is None:
        typer.echo("../shared/data not found: only the hand-written short texts are scored")
    metrics, rows = run(build_cases(data, short, per_set))
    write_jsonl(out, rows)
    typer.echo(f"{'set':28} {'n':>5} {'accuracy':>9} {'wrong':>7}")
    for name, s in metrics["sets"].items():
        typer.echo(f"{name:28} {s['n']:5d} {s['accuracy']:9.3f} {s['wrong']:7.3f}")
    misses = [r for r in rows if r["got"] != r["expected"]]
    for r in misses[:15]:
        typer.echo(f"  miss {r['set']}: expected {r['expected']}, got {r['got']}: {r['text'][:70]!r}")
    emit_metrics(metrics)
