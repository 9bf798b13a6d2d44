"""``crisol bench extraction [DIR]``: HTML main-text extraction, crisol beside plain trafilatura.

Data: trafilatura's evaluation set (``../shared/data/trafilatura-eval``: ``evaldata.json`` maps
each page to segments that must appear in the main text ("with") and boilerplate segments that
must not ("without")). Metric as in trafilatura's docs/evaluation.rst: a "with" segment found is
a true positive, missing a false negative; a "without" segment found is a false positive, absent
a true negative; precision, recall, accuracy and F1 are micro-averaged over all segments.
Segments and outputs are compared with whitespace collapsed, for every system alike.

A folder holding ``ground-truth.json`` instead (the Zyte article-extraction-benchmark,
``../shared/data/article-extraction-benchmark-zyte``: gold article bodies) is scored with that
benchmark's metric: 4-gram shingles of word tokens, precision and recall per page, averaged
over pages; accuracy is the share of pages extracted exactly.

Systems, in the same run: ``trafilatura`` (``trafilatura.extract`` with its defaults, comments
excluded), ``trafilatura-recall`` (the same with ``favor_recall=True``), ``crisol``
(:func:`crisol.clean.clean` on the page: trafilatura's standard mode, favor_recall when that finds
nothing, then crisol's line classifier). ``news-please`` and ``newspaper4k`` run too
when they are importable (they are not crisol dependencies).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.clean import clean
from crisol.clean.html import plain_trafilatura
from crisol.clean.language import detect_language
from crisol.errors import ExtractionRejected
from crisol.model import RawArticle

NAME = "extraction"

# Quality gate (tests/clean/test_bench_extraction.py, first GATE_PAGES pages by file name):
# measured 2026-11-23 on that subset: crisol P 0.940 R 0.972 F1 0.956 (trafilatura P 0.915
# R 0.972 F1 0.943); floors a little below. See docs/bench/extraction.md.
GATE_PAGES = 60
FLOORS = {"crisol_f1": 0.945, "crisol_recall": 0.96, "crisol_precision": 0.925}


def _norm(text: str) -> str:
    return " ".join(text.split())


def load_pages(folder: Path, limit: int | None = None) -> list[dict]:
    """Pages with their gold data whose HTML file is present, sorted by file name."""
    if (folder / "evaldata.json").is_file():
        pages = _segment_pages(folder)
    elif (folder / "ground-truth.json").is_file():
        pages = _body_pages(folder)
    else:
        raise typer.BadParameter(
            f"{folder} has neither evaldata.json (trafilatura's evaluation) nor ground-truth.json (Zyte's)"
        )
    pages.sort(key=lambda p: p["path"].name)
    return pages[:limit] if limit else pages


def _segment_pages(folder: Path) -> list[dict]:
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for key, entry in data.items():
        path = folder / "html" / entry["file"]
        if path.is_file():
            url = key if key.startswith("http") else None
            pages.append(
                {
                    "key": key,
                    "path": path,
                    "url": url,
                    "with": entry["with"],
                    "without": entry["without"],
                    "gold_text": " ".join(entry["with"]),
                }
            )
    return pages


def _body_pages(folder: Path) -> list[dict]:
    data = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, entry in data.items():
        path = folder / "html" / f"{key}.html.gz"
        if path.is_file():
            pages.append(
                {"key": key, "path": path, "url": entry.get("url"), "gold_text": entry["articleBody"]}
            )
    return pages


def _read_html(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def systems() -> dict[str, Callable[[bytes, str | None], str]]:
    """Extractors to compare: name -> function(html bytes, url) -> main text."""

    found: dict[str, Callable[[bytes, str | None], str]] = {
        "trafilatura": plain_trafilatura,
        "trafilatura-recall": lambda html, url: plain_trafilatura(html, url, favor_recall=True),
        "crisol": _crisol,
    }
    found.update(_optional_systems())
    return found


def _crisol(html: bytes, url: str | None) -> str:
    meta = {"url": url} if url else {}
    try:
        return clean(RawArticle(url or "page.html", html, "html", meta=meta)).text
    except ExtractionRejected:
        return ""


def _optional_systems() -> dict[str, Callable[[bytes, str | None], str]]:
    """news-please and newspaper4k, when installed (offline use only)."""
    found: dict[str, Callable[[bytes, str | None], str]] = {}
    try:
        from newsplease import NewsPlease  # optional: compared only where installed

        def news_please(html: bytes, url: str | None) -> str:
            art = NewsPlease.from_html(html.decode("utf-8", "replace"), url=url or "", fetch_images=False)
            return (art.maintext or "") if art else ""

        found["news-please"] = news_please
    except ImportError:
        pass
    try:
        import newspaper  # optional: compared only where installed

        def newspaper4k(html: bytes, url: str | None) -> str:
            art = newspaper.Article(url or "http://example.com/", fetch_images=False)
            art.download(input_html=html.decode("utf-8", "replace"))
            art.parse()
            return art.text or ""

        found["newspaper4k"] = newspaper4k
    except ImportError:
        pass
    return {name: _failing_as_empty(run) for name, run in found.items()}


def _failing_as_empty(run: Callable[[bytes, str | None], str]) -> Callable[[bytes, str | None], str]:
    """Third-party extractors fail on some pages (missing optional parts): that page scores empty."""

    def wrapped(html: bytes, url: str | None) -> str:
        try:
            return run(html, url)
        except Exception:  # any failure of an external tool is an empty extraction, as in its own benchmarks
            return ""

    return wrapped


def score(text: str, page: dict) -> dict[str, float]:
    """Additive counts for one output: segment tp/fn/fp/tn, or per-page shingle P and R sums."""
    if "with" not in page:
        return _shingle_score(text, page["gold_text"])
    out = _norm(text)
    tp = sum(_norm(s) in out for s in page["with"])
    fp = sum(_norm(s) in out for s in page["without"])
    return {"tp": tp, "fn": len(page["with"]) - tp, "fp": fp, "tn": len(page["without"]) - fp}


def _shingles(text: str) -> Counter:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(len(tokens) - 3, 0)))


def _shingle_score(text: str, gold: str) -> dict[str, float]:
    """Zyte's per-page scores: shingle precision and recall (skipped when undefined), exact match."""
    g, p = _shingles(gold), _shingles(text)
    tp, fp, fn = sum((g & p).values()), sum((p - g).values()), sum((g - p).values())
    out = {
        "pages": 1,
        "exact": float(re.findall(r"\w+", text) == re.findall(r"\w+", gold)),
        "p_sum": 0.0,
        "p_n": 0,
        "r_sum": 0.0,
        "r_n": 0,
    }
    if tp + fp:
        out["p_sum"], out["p_n"] = (tp / (tp + fp) if fp else 1.0), 1
    if tp + fn:
        out["r_sum"], out["r_n"] = (tp / (tp + fn) if fn else 1.0), 1
    return out


def summarise(counts: dict[str, float]) -> dict[str, float]:
    if "p_sum" in counts:
        p = counts["p_sum"] / counts["p_n"] if counts["p_n"] else 0.0
        r = counts["r_sum"] / counts["r_n"] if counts["r_n"] else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "accuracy": round(counts["exact"] / counts["pages"], 4) if counts["pages"] else 0.0,
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        }
    tp, fp, fn, tn = (counts[k] for k in ("tp", "fp", "fn", "tn"))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "accuracy": round((tp + tn) / total, 4) if total else 0.0,
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def evaluate(
    folder: Path, limit: int | None = None, only: list[str] | None = None
) -> tuple[dict, list[dict]]:
    """(metrics, per-page rows) of every system on the pages of ``folder``."""

    pages = load_pages(folder, limit)
    runners = {k: v for k, v in systems().items() if not only or k in only}
    totals: dict[str, dict[str, float]] = {name: defaultdict(float) for name in runners}
    by_lang: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seconds: dict[str, float] = defaultdict(float)
    rows = []
    for page in pages:
        html = _read_html(page["path"])
        # the language of the gold text itself (<html lang> is missing or wrong on many pages)
        lang = detect_language(page["gold_text"])[0] or "?"
        row = {"file": page["path"].name, "lang": lang}
        for name, run in runners.items():
            start = time.perf_counter()
            text = run(html, page["url"])
            seconds[name] += time.perf_counter() - start
            counts = score(text, page)
            row[name] = counts
            for k, v in counts.items():
                totals[name][k] += v
                by_lang[(name, lang if lang in ("es", "en", "de") else "other")][k] += v
        rows.append(row)
    metrics: dict = {
        "pages": len(pages),
        "metric": "segments" if pages and "with" in pages[0] else "shingles",
    }
    for name in runners:
        for k, v in summarise(totals[name]).items():
            metrics[f"{_key(name)}_{k}"] = v
        metrics[f"{_key(name)}_seconds_per_page"] = round(seconds[name] / max(len(pages), 1), 3)
        for lang in ("es", "en", "de", "other"):
            if (name, lang) in by_lang:
                metrics[f"{_key(name)}_{lang}_f1"] = summarise(by_lang[(name, lang)])["f1"]
    for lang in ("es", "en", "de"):
        metrics[f"{lang}_pages"] = sum(r["lang"] == lang for r in rows)
    if "crisol_recall" in metrics and "trafilatura_recall" in metrics:
        metrics["recall_loss_vs_trafilatura"] = round(
            metrics["trafilatura_recall"] - metrics["crisol_recall"], 4
        )
        metrics["precision_gain_vs_trafilatura"] = round(
            metrics["crisol_precision"] - metrics["trafilatura_precision"], 4
        )
    return metrics, rows


def _key(name: str) -> str:
    return name.replace("-", "_")


def default_folder() -> Path:
    shared = shared_dir()
    if shared is None:
        raise typer.BadParameter("no folder given and ../shared/data/trafilatura-eval was not found")
    return shared / "data" / "trafilatura-eval"


def command(
    folder: Annotated[
        Optional[Path],
        typer.Argument(
            help="trafilatura-eval folder (evaldata.json + html/) or Zyte's (ground-truth.json + html/)."
        ),
    ] = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N pages (by file name).")] = None,
    system: Annotated[Optional[list[str]], typer.Option(help="Only these systems (repeatable).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write per-page segment counts as JSONL.")] = None,
) -> None:
    """Segment precision/recall/F1 of HTML main-text extraction, crisol beside trafilatura."""
    metrics, rows = evaluate(folder or default_folder(), limit, system)
    typer.echo(
        f"extraction: {metrics['pages']} pages, {metrics['metric']} (by gold-text language: {metrics['es_pages']} es, "
        f"{metrics['en_pages']} en, {metrics['de_pages']} de)"
    )
    typer.echo(
        f"  {'system':<20} {'P':>6} {'R':>6} {'Acc':>6} {'F1':>6} {'F1 es':>6} {'F1 en':>6} {'s/page':>7}"
    )
    names = sorted(k[: -len("_seconds_per_page")] for k in metrics if k.endswith("_seconds_per_page"))
    for n in names:
        per_lang = " ".join(f"{metrics.get(f'{n}_{lang}_f1', float('nan')):>6.3f}" for lang in ("es", "en"))
        typer.echo(
            f"  {n:<20} {metrics[n + '_precision']:>6.3f} {metrics[n + '_recall']:>6.3f} "
            f"{metrics[n + '_accuracy']:>6.3f} {metrics[n + '_f1']:>6.3f} {per_lang} "
            f"{metrics[n + '_seconds_per_page']:>7.3f}"
        )
    write_jsonl(out, rows)
    emit_metrics({"bench": NAME, **metrics})
