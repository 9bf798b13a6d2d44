"""``crisol bench dates [TABLE.tsv ...] [--seeds DIR] [--seed-table FILE] [--out FILE]``.

Two measures of :mod:`crisol.annotate.dates`:

1. **table**: accuracy (value and precision both right) of :func:`resolve` on hand-written
   expression tables (default ``tests/fixtures/dates/expressions.tsv`` and ``heldout.tsv``:
   expression, language, anchor, context, value, precision).
2. **seeds**: :func:`find_dates` on the seed articles read from ``../shared/seeds`` at run time,
   checked against ``docs/dates-seeds.tsv``: recall (every listed occurrence found and resolved
   as listed) and precision (found expressions that are listed and right, over all found).

When ``dateparser`` is importable it is run on the same items for comparison (``parse`` on the
table, ``search_dates`` on the seeds), with the anchor as ``RELATIVE_BASE``. It is optional and
not a dependency of crisol.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crisol.annotate.dates import find_dates, resolve
from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.text import fold_accents

NAME = "dates"
ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TABLE = ROOT / "tests" / "fixtures" / "dates" / "expressions.tsv"
DEFAULT_TABLES = [DEFAULT_TABLE, DEFAULT_TABLE.with_name("heldout.tsv")]
DEFAULT_SEED_TABLE = ROOT / "docs" / "dates-seeds.tsv"
DEFAULT_SENTENCES = DEFAULT_TABLE.with_name("sentences.tsv")
# Quality gate (tests/annotate/test_bench_dates.py): slightly below the measured values.
FLOORS = {
    "table_accuracy": 0.97,
    "sentence_recall": 0.95,
    "sentence_precision": 0.95,
    "seed_recall": 0.95,
    "seed_precision": 0.95,
}


@dataclass
class Case:
    """One row of an expression table."""

    expression: str
    language: str
    anchor: date | None
    context: str
    value: str | None
    precision: str
    where: str  # "file:line", for messages


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """Tab-separated rows of ``path``, skipping comments and the header line."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        out.append((n, line.split("\t")))
    return out[1:]  # the first non-comment row is the header


def _anchor(text: str, where: str) -> date | None:
    if text in ("", "none"):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{where}: anchor must be an ISO date or 'none', got {text!r}") from None


def load_expressions(path: Path) -> list[Case]:
    """Read an expression table; a malformed row raises ``ValueError`` naming file and line."""
    cases = []
    for n, cols in _rows(path):
        where = f"{path}:{n}"
        if len(cols) != 6:
            raise ValueError(f"{where}: expected 6 tab-separated columns, got {len(cols)}")
        expr, lang, anchor, context, value, precision = cols
        cases.append(Case(expr, lang, _anchor(anchor, where), context, value or None, precision, where))
    return cases


@dataclass
class SeedRow:
    seed: str
    expression: str
    anchor: date | None
    value: str | None
    precision: str
    rule: str


def load_seed_table(path: Path) -> list[SeedRow]:
    rows = []
    for n, cols in _rows(path):
        if len(cols) < 5:
            raise ValueError(f"{path}:{n}: expected at least 5 tab-separated columns, got {len(cols)}")
        cols += [""] * (6 - len(cols))
        rows.append(
            SeedRow(cols[0], cols[1], _anchor(cols[2], f"{path}:{n}"), cols[3] or None, cols[4], cols[5])
        )
    return rows


# --- table -----------------------------------------------------------------------------------


def run_table(cases: list[Case]) -> list[dict[str, Any]]:
    results = []
    for c in cases:
        t = resolve(c.expression, c.anchor, c.language, c.context)
        results.append(
            {
                "set": "table",
                "where": c.where,
                "expression": c.expression,
                "language": c.language,
                "anchor": c.anchor.isoformat() if c.anchor else None,
                "expected": [c.value, c.precision],
                "got": [t.value, t.precision],
                "rule": t.rule,
                "ok": t.value == c.value and t.precision == c.precision,
            }
        )
    return results


# --- running sentences -------------------------------------------------------------------------


@dataclass
class SentenceCase:
    language: str
    anchor: date | None
    sentence: str
    expected: list[tuple[str, str | None]]  # (expression, value or None for unresolved)
    where: str


def load_sentences(path: Path) -> list[SentenceCase]:
    """Read a sentence table (language, anchor, sentence, "expr=value | ..."); errors name the line."""
    cases = []
    for n, cols in _rows(path):
        where = f"{path}:{n}"
        if len(cols) not in (3, 4):
            raise ValueError(f"{where}: expected 4 tab-separated columns, got {len(cols)}")
        lang, anchor, sentence, expected = (cols + [""])[:4]
        pairs = []
        for item in filter(None, (x.strip() for x in expected.split("|"))):
            expr, sep, value = item.rpartition("=")
            if not sep:
                raise ValueError(f"{where}: expected 'expression=value', got {item!r}")
            pairs.append((expr.strip(), None if value.strip() == "-" else value.strip()))
        cases.append(SentenceCase(lang, _anchor(anchor, where), sentence, pairs, where))
    return cases


def run_sentences(cases: list[SentenceCase]) -> list[dict[str, Any]]:
    """One result per expected expression (found? value right?), one per unexpected find."""
    results = []
    for c in cases:
        found = find_dates(c.sentence, c.anchor, c.language)
        used: set[int] = set()
        for expr, value in c.expected:
            spans = _occurrences(c.sentence, expr)
            s, e = spans[0] if spans else (-1, -1)
            hit = next((i for i, t in enumerate(found) if t.start < e and s < t.end), None)
            if hit is not None:
                used.add(hit)
            got = found[hit] if hit is not None else None
            results.append(
                {
                    "set": "sentences",
                    "where": c.where,
                    "expression": expr,
                    "expected": value,
                    "found": got is not None,
                    "got": got.value if got else None,
                    "ok": got is not None and got.value == value,
                }
            )
        for i, t in enumerate(found):
            if i not in used:
                results.append(
                    {
                        "set": "sentences-extra",
                        "where": c.where,
                        "expression": t.text,
                        "expected": None,
                        "found": True,
                        "got": t.value,
                        "ok": False,
                    }
                )
    return results


def sentence_metrics(results: list[dict[str, Any]]) -> dict[str, Any]:
    expected = [r for r in results if r["set"] == "sentences"]
    extra = [r for r in results if r["set"] == "sentences-extra"]
    right = sum(r["ok"] for r in expected)
    found = sum(r["found"] for r in expected)
    return {
        "sentence_expressions": len(expected),
        "sentence_extra": len(extra),
        "sentence_found": round(found / max(len(expected), 1), 4),
        "sentence_recall": round(right / max(len(expected), 1), 4),
        "sentence_precision": round(right / max(found + len(extra), 1), 4),
    }


# --- seeds -----------------------------------------------------------------------------------


def _occurrences(text: str, expression: str) -> list[tuple[int, int]]:
    folded, offsets = fold_accents(text)
    needle = re.escape(fold_accents(expression)[0]).replace(r"\ ", r"\s+")
    return [
        (offsets[m.start()], offsets[m.end() - 1] + 1)
        for m in re.finditer(rf"(?<!\w){needle}(?!\w)", folded, re.IGNORECASE)
    ]


def _seed_files(seeds_dir: Path) -> dict[str, Path]:
    return {p.name.split("_")[0]: p for p in sorted(seeds_dir.glob("*.txt"))}


def run_seeds(seeds_dir: Path, table: list[SeedRow]) -> list[dict[str, Any]]:
    """One result per expected occurrence, plus one per found expression not in the table."""
    files = _seed_files(seeds_dir)
    by_seed: dict[tuple[str, date | None], list[SeedRow]] = defaultdict(list)
    for row in table:
        by_seed[(row.seed, row.anchor)].append(row)
    for seed in files:
        by_seed.setdefault((seed, None), [])
    results = []
    for (seed, anchor), rows in sorted(by_seed.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if seed not in files:
            raise ValueError(f"seed {seed!r} of the seed table is not in {seeds_dir}")
        text = files[seed].read_text(encoding="utf-8")
        found = find_dates(text, anchor, "es")
        results += _score_seed(seed, anchor, text, rows, found)
    return results


def _score_seed(seed, anchor, text, rows, found) -> list[dict[str, Any]]:
    used: set[int] = set()
    out = []
    base = {"set": "seeds", "seed": seed, "anchor": anchor.isoformat() if anchor else None}
    for row in rows:
        for s, e in _occurrences(text, row.expression):
            hit = next((i for i, t in enumerate(found) if t.start < e and s < t.end), None)
            t = found[hit] if hit is not None else None
            if hit is not None:
                used.add(hit)
            ok = (
                t is not None
                and (t.value, t.precision) == (row.value, row.precision)
                and (not row.rule or t.rule == row.rule)
            )
            out.append(
                {
                    **base,
                    "expression": row.expression,
                    "offset": s,
                    "found": t is not None,
                    "expected": [row.value, row.precision, row.rule or None],
                    "got": [t.value, t.precision, t.rule] if t else None,
                    "ok": ok,
                }
            )
    for i, t in enumerate(found):
        if i not in used:
            out.append(
                {
                    **base,
                    "set": "seeds-extra",
                    "expression": t.text,
                    "offset": t.start,
                    "found": True,
                    "expected": None,
                    "got": [t.value, t.precision, t.rule],
                    "ok": False,
                }
            )
    return out


# --- dateparser, for comparison ---------------------------------------------------------------


def _truncate(d: datetime, precision: str) -> str | None:
    return {"day": d.date().isoformat(), "month": d.strftime("%Y-%m"), "year": str(d.year)}.get(precision)


def dateparser_table(cases: list[Case]) -> dict[str, Any] | None:
    """dateparser.parse on the resolvable rows (it cannot say "unresolved"; it has no seasons)."""
    try:
        import dateparser  # optional: the comparison runs where dateparser is installed
    except ImportError:
        return None
    rows = [c for c in cases if c.value is not None]
    best: dict[str, Any] = {}
    for prefer in ("current_period", "past"):  # its default, and the setting meant for news
        right = []
        for c in rows:
            settings = {"PREFER_DATES_FROM": prefer}
            if c.anchor:
                settings["RELATIVE_BASE"] = datetime.combine(c.anchor, datetime.min.time())
            d = dateparser.parse(c.expression, languages=[c.language], settings=settings)
            right.append(d is not None and _truncate(d, c.precision) == c.value)
        score = {"prefer": prefer, "all": sum(right) / max(len(rows), 1)}
        for lang in sorted({c.language for c in rows}):
            mine = [ok for ok, c in zip(right, rows) if c.language == lang]
            score[lang] = sum(mine) / len(mine)
        if not best or score["all"] > best["all"]:
            best = score
    return {"rows": len(rows), "version": dateparser.__version__, **best}


def dateparser_seeds(seeds_dir: Path, table: list[SeedRow]) -> float | None:
    """Recall of dateparser.search_dates on the anchored seed rows."""
    try:
        from dateparser.search import search_dates  # optional: as above
    except ImportError:
        return None
    files = _seed_files(seeds_dir)
    total = ok = 0
    for row in (r for r in table if r.anchor is not None):
        text = files[row.seed].read_text(encoding="utf-8")
        base = datetime.combine(row.anchor, datetime.min.time())
        hits = search_dates(text, languages=["es"], settings={"RELATIVE_BASE": base}) or []
        spans = []
        cursor = 0
        for sub, d in hits:
            at = text.find(sub, cursor)
            if at >= 0:
                spans.append((at, at + len(sub), d))
                cursor = at + len(sub)
        for s, e in _occurrences(text, row.expression):
            total += 1
            d = next((d for a, b, d in spans if a < e and s < b), None)
            ok += d is not None and _truncate(d, row.precision) == row.value
    return ok / total if total else None


# --- the command -----------------------------------------------------------------------------


def _share(results: list[dict[str, Any]]) -> float:
    return round(sum(r["ok"] for r in results) / max(len(results), 1), 4)


def run(
    tables: list[Path],
    seeds_dir: Path | None,
    seed_table: Path | None,
    compare: bool = True,
    sentence_tables: list[Path] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the benchmark; return (metrics, per-item results)."""
    started = time.perf_counter()
    cases = [c for t in tables for c in load_expressions(t)]
    results = run_table(cases)
    metrics = table_metrics(tables, cases, results)
    if sentence_tables:
        sentence_results = run_sentences([c for t in sentence_tables for c in load_sentences(t)])
        metrics.update(sentence_metrics(sentence_results))
        results = results + sentence_results
    if seeds_dir is not None and seed_table is not None:
        seed_rows = load_seed_table(seed_table)
        seed_results = run_seeds(seeds_dir, seed_rows)
        metrics.update(seed_metrics(seed_results))
        results = results + seed_results
        if compare and (dp := dateparser_seeds(seeds_dir, seed_rows)) is not None:
            anchored = [r for r in seed_results if r["set"] == "seeds" and r["anchor"]]
            metrics["dateparser_seed_recall_anchored"] = round(dp, 4)
            metrics["seed_recall_anchored"] = _share(anchored)
    if compare and (dp_table := dateparser_table(cases)) is not None:
        mine = [r for r, c in zip(results, cases) if c.value is not None]
        metrics["table_accuracy_resolvable"] = _share(mine)
        metrics["dateparser_version"] = dp_table["version"]
        metrics["dateparser_prefer_dates_from"] = dp_table["prefer"]
        metrics["dateparser_table_accuracy"] = round(dp_table["all"], 4)
        for lang in ("es", "en"):
            if lang in dp_table:
                metrics[f"dateparser_table_accuracy_{lang}"] = round(dp_table[lang], 4)
    metrics["seconds"] = round(time.perf_counter() - started, 2)
    return metrics, results


def table_metrics(tables: list[Path], cases: list[Case], results: list[dict[str, Any]]) -> dict[str, Any]:
    metrics: dict[str, Any] = {"bench": NAME, "table_cases": len(cases), "table_accuracy": _share(results)}
    for lang in sorted({c.language for c in cases}):
        metrics[f"table_accuracy_{lang}"] = _share([r for r in results if r["language"] == lang])
    if len(tables) > 1:
        for table in tables:
            metrics[f"table_accuracy_{table.stem}"] = _share(
                [r for r in results if r["where"].startswith(f"{table}:")]
            )
    return metrics


def seed_metrics(seed_results: list[dict[str, Any]]) -> dict[str, Any]:
    expected = [r for r in seed_results if r["set"] == "seeds"]
    extra = [r for r in seed_results if r["set"] == "seeds-extra"]
    right = sum(r["ok"] for r in expected)
    found = sum(r["found"] for r in expected)
    return {
        "seed_occurrences": len(expected),
        "seed_extra": len(extra),
        "seed_found": round(found / max(len(expected), 1), 4),
        "seed_recall": round(right / max(len(expected), 1), 4),
        "seed_precision": round(right / max(found + len(extra), 1), 4),
    }


def _report(metrics: dict[str, Any], results: list[dict[str, Any]]) -> None:
    for r in results:
        if r["ok"]:
            continue
        if r["set"] == "table":
            print(
                f"table  {r['where']}: {r['expression']!r} ({r['language']}, anchor {r['anchor']}) "
                f"expected {r['expected']}, got {r['got']} [{r['rule']}]"
            )
        elif r["set"] == "sentences":
            print(
                f"sent.  {r['where']}: {r['expression']!r} expected {r['expected']}, "
                f"{'got ' + repr(r['got']) if r['found'] else 'not found'}"
            )
        elif r["set"] == "sentences-extra":
            print(f"sent+  {r['where']}: unexpected {r['expression']!r} -> {r['got']}")
        elif r["set"] == "seeds":
            print(
                f"seeds  {r['seed']} anchor {r['anchor']}: {r['expression']!r} at {r['offset']} "
                f"expected {r['expected']}, got {r['got']}"
            )
        else:
            print(
                f"extra  {r['seed']} anchor {r['anchor']}: {r['expression']!r} at {r['offset']} -> {r['got']}"
            )
    print(f"table: {metrics['table_accuracy']:.1%} of {metrics['table_cases']} expressions right")
    if "sentence_recall" in metrics:
        print(
            f"sentences: recall {metrics['sentence_recall']:.1%} of {metrics['sentence_expressions']} expressions "
            f"(found {metrics['sentence_found']:.1%}), precision {metrics['sentence_precision']:.1%}"
        )
    if "seed_recall" in metrics:
        print(
            f"seeds: recall {metrics['seed_recall']:.1%} of {metrics['seed_occurrences']} occurrences, "
            f"precision {metrics['seed_precision']:.1%} ({metrics['seed_extra']} unlisted found)"
        )
    if "dateparser_table_accuracy" in metrics:
        print(
            f"dateparser {metrics['dateparser_version']} (PREFER_DATES_FROM={metrics['dateparser_prefer_dates_from']}): "
            f"table {metrics['dateparser_table_accuracy']:.1%} vs crisol {metrics['table_accuracy_resolvable']:.1%} "
            "on the same resolvable rows"
        )
    if "dateparser_seed_recall_anchored" in metrics:
        print(
            f"dateparser seeds (anchored rows): recall {metrics['dateparser_seed_recall_anchored']:.1%} "
            f"vs crisol {metrics['seed_recall_anchored']:.1%}"
        )


def command(
    tables: Annotated[
        Optional[list[Path]],
        typer.Argument(
            help="Expression tables (TSV). Default: tests/fixtures/dates/expressions.tsv and heldout.tsv"
        ),
    ] = None,
    seeds: Annotated[
        Optional[Path], typer.Option("--seeds", help="Folder of seed articles. Default: ../shared/seeds")
    ] = None,
    seed_table: Annotated[
        Path, typer.Option("--seed-table", help="Expected dates in the seeds.")
    ] = DEFAULT_SEED_TABLE,
    sentences: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--sentences", help="Running-sentence tables. Default: tests/fixtures/dates/sentences.tsv"
        ),
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write per-item results as JSONL.")] = None,
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Also run dateparser when installed.")
    ] = True,
) -> None:
    """Accuracy of the date resolver on expression tables and on the seed articles."""
    if seeds is None and shared_dir() is not None:
        seeds = shared_dir() / "seeds"
    if seeds is not None and not seeds.is_dir():
        raise typer.BadParameter(f"{seeds} is not a folder of seed articles", param_hint="--seeds")
    metrics, results = run(
        tables or DEFAULT_TABLES,
        seeds,
        seed_table if seeds else None,
        compare,
        sentences or [DEFAULT_SENTENCES],
    )
    write_jsonl(out, results)
    _report(metrics, results)
    emit_metrics(metrics)
