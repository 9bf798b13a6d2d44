"""``crisol bench boilerplate [FILES...]``: line-level quality of the cleaner on scraped text.

Runs :func:`crisol.clean.clean` on each file (plain text, as scraped) and compares, line by
line, what it removed with a hand annotation (``docs/boilerplate-annotation.tsv``: file, line,
keep|remove, reason; blank lines are not annotated). Reports precision, recall and F1 of the
"remove" decisions, the recall of lines to keep (body lines must never be lost) and how often
the reason name matches.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.clean import clean
from crisol.clean.lines import classify_lines
from crisol.errors import ExtractionRejected
from crisol.model import RawArticle

NAME = "boilerplate"

# Quality gate (tests/clean/test_bench_boilerplate.py): measured on the five seeds, 2026-11-23,
# all 1.0; the floors leave room for one annotated line to flip before the gate fails.
FLOORS = {"remove_precision": 0.95, "remove_recall": 0.95, "keep_recall": 0.99}

_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_ANNOTATION = _ROOT / "docs" / "boilerplate-annotation.tsv"


@dataclass
class Label:
    remove: bool
    reason: str


def load_annotation(path: Path) -> dict[str, dict[int, Label]]:
    """file name -> line number -> label, from the annotation TSV."""
    labels: dict[str, dict[int, Label]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row_no, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
            if row.get("label") not in ("keep", "remove"):
                raise ValueError(f"{path}:{row_no}: label must be keep or remove, got {row.get('label')!r}")
            labels.setdefault(row["file"], {})[int(row["line"])] = Label(
                row["label"] == "remove", row["reason"]
            )
    return labels


def predicted_removals(path: Path) -> dict[int, str]:
    """Line number -> reason for every non-blank line the cleaner removed from ``path``."""

    raw = RawArticle(str(path), path.read_bytes(), "text")
    try:
        article = clean(raw)
    except ExtractionRejected:
        lines = path.read_text(encoding="utf-8").splitlines()
        return {i: "rejected" for i, line in enumerate(lines, start=1) if line.strip()}
    return {r.line: r.reason for r in article.removed if r.line is not None and r.text}


def evaluate(files: list[Path], annotation: Path = DEFAULT_ANNOTATION) -> tuple[dict, list[dict]]:
    """(metrics, per-line rows) of the cleaner on ``files`` against ``annotation``."""
    labels = load_annotation(annotation)
    tp = fp = fn = keep_total = keep_kept = reason_ok = 0
    rows: list[dict] = []
    for path in files:
        gold = labels.get(path.name)
        if gold is None:
            raise ValueError(f"{path.name} is not in the annotation {annotation}")
        predicted = predicted_removals(path)
        for line, label in sorted(gold.items()):
            removed = line in predicted
            tp += label.remove and removed
            fp += (not label.remove) and removed
            fn += label.remove and not removed
            keep_total += not label.remove
            keep_kept += (not label.remove) and not removed
            reason_ok += label.remove and removed and predicted[line] == label.reason
            rows.append(
                {
                    "file": path.name,
                    "line": line,
                    "gold": "remove" if label.remove else "keep",
                    "gold_reason": label.reason,
                    "predicted": "remove" if removed else "keep",
                    "predicted_reason": predicted.get(line),
                }
            )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics = {
        "files": len(files),
        "lines": len(rows),
        "remove_precision": round(precision, 4),
        "remove_recall": round(recall, 4),
        "remove_f1": round(f1, 4),
        "keep_recall": round(keep_kept / keep_total, 4) if keep_total else 1.0,
        "reason_accuracy": round(reason_ok / tp, 4) if tp else 1.0,
    }
    return metrics, rows


def _field(record: dict, *names: str) -> str | None:
    lowered = {k.casefold(): v for k, v in record.items()}
    for name in names:
        value = lowered.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def removal_on_bodies(paths: list[Path]) -> tuple[dict, list[dict]]:
    """(metrics, removed lines) of the line classifier on already-clean bodies (JSONL records)."""

    lines = removed = 0
    reasons: Counter[str] = Counter()
    rows: list[dict] = []
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for n, raw in enumerate(f, start=1):
                record = json.loads(raw)
                text = _field(record, "text", "maintext", "body")
                if not text:
                    continue
                title = _field(record, "headline", "title")
                for d in classify_lines(text, title=title):
                    if not d.text:
                        continue
                    lines += 1
                    if not d.keep:
                        removed += 1
                        reasons[d.reason] += 1
                        rows.append(
                            {
                                "file": path.name,
                                "record": n,
                                "line": d.line,
                                "reason": d.reason,
                                "text": d.text,
                            }
                        )
    metrics = {
        "body_lines": lines,
        "body_lines_removed": removed,
        "body_removal_rate": round(removed / lines, 4) if lines else 0.0,
        "body_removed_by_reason": dict(reasons.most_common()),
    }
    return metrics, rows


def default_files() -> list[Path]:
    shared = shared_dir()
    if shared is None or not (shared / "seeds").is_dir():
        raise typer.BadParameter("no files given and ../shared/seeds was not found")
    return sorted((shared / "seeds").glob("*.txt"))


def _disagrees(row: dict) -> bool:
    wrong_reason = row["gold"] == "remove" and row["gold_reason"] != row["predicted_reason"]
    return row["gold"] != row["predicted"] or wrong_reason


def command(
    files: Annotated[
        Optional[list[Path]], typer.Argument(help="Scraped .txt files (default: ../shared/seeds).")
    ] = None,
    annotation: Annotated[
        Path, typer.Option(help="Annotation TSV: file, line, label, reason.")
    ] = DEFAULT_ANNOTATION,
    bodies: Annotated[
        Optional[list[Path]], typer.Option(help="JSONL of already-clean bodies: report how much is removed.")
    ] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write per-line results as JSONL.")] = None,
) -> None:
    """Line-level precision/recall of boilerplate removal against a hand annotation."""
    paths = list(files) if files else default_files()
    try:
        metrics, rows = evaluate(paths, annotation)
    except (ValueError, OSError) as e:  # a file missing from the annotation, an unreadable TSV
        raise typer.BadParameter(str(e)) from e
    if bodies:
        body_metrics, body_rows = removal_on_bodies(list(bodies))
        metrics.update(body_metrics)
        rows += body_rows
        typer.echo(
            f"clean bodies: {body_metrics['body_lines_removed']} of {body_metrics['body_lines']} lines "
            f"removed ({body_metrics['body_removal_rate']:.2%}): {body_metrics['body_removed_by_reason']}"
        )
    for row in rows:
        if "gold" in row and _disagrees(row):
            typer.echo(
                f"  {row['file']}:{row['line']}: gold {row['gold']} ({row['gold_reason']}), "
                f"got {row['predicted']} ({row['predicted_reason']})"
            )
    typer.echo(f"boilerplate: {metrics['lines']} annotated lines in {metrics['files']} files")
    typer.echo(
        f"  remove P {metrics['remove_precision']:.3f}  R {metrics['remove_recall']:.3f}  "
        f"F1 {metrics['remove_f1']:.3f}   keep recall {metrics['keep_recall']:.3f}   "
        f"reason accuracy {metrics['reason_accuracy']:.3f}"
    )
    write_jsonl(out, rows)
    emit_metrics({"bench": NAME, **metrics})
