"""``crisol bench merge [PAIRS.tsv] [--out FILE]``: precision and recall of entity merges.

Each row of the table (``docs/merge-pairs.tsv`` by default) names two surface forms and whether
they are one real-world entity (``merge``) or two (``distinct``). Each pair goes to a fresh
:class:`~crisol.link.entities.EntityRegistry` as two articles (or one, when the row's context
says ``article``), with the row's shared context mentions; the pair counts as merged when both
mentions get the same entity id. Reported: precision, recall and F1 of "merge", and the errors.

Rows below a ``# held-out NAME: ...`` comment line form a block written before the rules were
run on it; each block is scored apart (the rows above the first such line are "dev").

Columns: ``a``, ``b``, ``label_a_type`` (``PER``, or ``LOC>PER`` when b has another type),
``expected`` (merge|distinct), ``note``, and an optional ``context``: ``article`` (b follows a in
the same article), ``cooc=Name@TYPE|Name@TYPE`` (both articles also mention these) and/or
``role=ROLE`` (both mentions carry this role), separated by ``;``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from crisol.bench._common import emit_metrics, write_jsonl
from crisol.errors import InputRejected
from crisol.link.entities import EntityRegistry
from crisol.model import Article, Mention

NAME = "merge"
DEFAULT_PAIRS = Path(__file__).resolve().parents[3] / "docs" / "merge-pairs.tsv"
# Measured on docs/merge-pairs.tsv (see docs/bench/merge.md); the gate test keeps these.
FLOORS = {"precision": 0.98, "recall": 0.97, "f1": 0.975}
HELDOUT_FLOORS = {"precision": 0.95, "recall": 0.93}


@dataclass
class Pair:
    a: str
    b: str
    type_a: str
    type_b: str
    expected: bool
    note: str
    same_article: bool = False
    cooc: tuple[tuple[str, str], ...] = ()
    role: str | None = None
    block: str = "dev"  # "dev", or the name of a "# held-out..." block written before running it

    @property
    def heldout(self) -> bool:
        return self.block != "dev"


def read_pairs(path: Path) -> list[Pair]:
    """Parse the pairs table; a malformed row raises :class:`InputRejected` naming it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs, block = [], "dev"
    for n, line in enumerate(lines[1:], start=2):
        if line.startswith("# held-out"):
            block = line[2:].split(":")[0].strip()
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 5:
            raise InputRejected(
                str(path), f"expected at least 5 tab-separated columns, got {len(cols)}", f"line {n}"
            )
        a, b, types, expected, note = cols[:5]
        if expected not in ("merge", "distinct"):
            raise InputRejected(str(path), f"expected 'merge' or 'distinct', got {expected!r}", f"line {n}")
        type_a, _, type_b = types.partition(">")
        pair = Pair(a, b, type_a, type_b or type_a, expected == "merge", note, block=block)
        _parse_context(pair, cols[5] if len(cols) > 5 else "", path, n)
        pairs.append(pair)
    return pairs


def _parse_context(pair: Pair, text: str, path: Path, line: int) -> None:
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if part == "article":
            pair.same_article = True
        elif part.startswith("cooc="):
            items = [i.rpartition("@") for i in part[5:].split("|")]
            pair.cooc = tuple((name, label or "MISC") for name, _, label in items)
        elif part.startswith("role="):
            pair.role = part[5:]
        else:
            raise InputRejected(
                str(path), f"unknown context {part!r} (article, cooc=, role=)", f"line {line}"
            )


def _article(article_id: str, names: list[tuple[str, str]], role: str | None, focus: set[int]) -> Article:
    mentions, pos = [], 0
    for i, (name, label) in enumerate(names):
        mentions.append(Mention(name, label, pos, pos + len(name), i, role=role if i in focus else None))
        pos += len(name) + 2
    text = ", ".join(n for n, _ in names)
    return Article(id=article_id, source="bench", raw=b"", raw_format="text", text=text, mentions=mentions)


def decide(pair: Pair) -> tuple[bool, list[dict]]:
    """Run one pair through a fresh registry: did a and b land in one entity, and why."""
    registry = EntityRegistry()
    if pair.same_article:
        art = _article(
            "a",
            [(pair.a, pair.type_a), *pair.cooc, (pair.b, pair.type_b)],
            pair.role,
            {0, len(pair.cooc) + 1},
        )
        registry.link(art)
        ma, mb = art.mentions[0], art.mentions[-1]
    else:
        art_a = _article("a", [(pair.a, pair.type_a), *pair.cooc], pair.role, {0})
        art_b = _article("b", [(pair.b, pair.type_b), *pair.cooc], pair.role, {0})
        registry.link(art_a)
        registry.link(art_b)
        ma, mb = art_a.mentions[0], art_b.mentions[0]
    merged = ma.entity_id is not None and ma.entity_id == mb.entity_id
    reasons = [vars(r) for r in registry.explain(mb.entity_id)] if mb.entity_id else []
    return merged, [r for r in reasons if r["surface"] in (pair.a, pair.b)]


def run(path: Path) -> tuple[dict, list[dict]]:
    """Score every pair; returns (metrics, per-pair rows). Metrics cover all pairs, and the
    held-out block alone under ``heldout_*``."""
    pairs = read_pairs(path)
    start = time.perf_counter()
    rows = []
    for pair in pairs:
        merged, reasons = decide(pair)
        rows.append(
            {
                "a": pair.a,
                "b": pair.b,
                "type": f"{pair.type_a}>{pair.type_b}",
                "expected": "merge" if pair.expected else "distinct",
                "predicted": "merge" if merged else "distinct",
                "correct": merged == pair.expected,
                "block": pair.block,
                "note": pair.note,
                "reasons": reasons,
            }
        )
    metrics = {"benchmark": NAME, **_scores(rows)}
    metrics.update({f"heldout_{k}": v for k, v in _scores([r for r in rows if r["block"] != "dev"]).items()})
    metrics["seconds"] = round(time.perf_counter() - start, 2)
    return metrics, rows


def _scores(rows: list[dict]) -> dict:
    def count(expected: str, predicted: str) -> int:
        return sum(r["expected"] == expected and r["predicted"] == predicted for r in rows)

    tp, fp = count("merge", "merge"), count("distinct", "merge")
    fn, tn = count("merge", "distinct"), count("distinct", "distinct")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(rows),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round((tp + tn) / len(rows), 4) if rows else 0.0,
    }


def _print_scores(title: str, m: dict) -> None:
    if m.get("pairs"):
        typer.echo(
            f"{title:14} {m['pairs']:4} pairs  precision {m['precision']:.3f}  "
            f"recall {m['recall']:.3f}  F1 {m['f1']:.3f}  "
            f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']}, tn {m['tn']})"
        )


def command(
    pairs: Annotated[Optional[Path], typer.Argument(help="Pairs table (TSV).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write per-pair results as JSONL.")] = None,
) -> None:
    """Precision/recall of entity-registry merge decisions on a table of name pairs."""
    path = pairs or DEFAULT_PAIRS
    if not path.is_file():
        typer.echo(f"pairs table not found: {path}", err=True)
        raise typer.Exit(code=2)
    try:
        metrics, rows = run(path)
    except InputRejected as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None
    errors = [r for r in rows if not r["correct"]]
    typer.echo(f"merge decisions on {path} ({metrics['pairs']} pairs)")
    for r in errors:
        why = "; ".join(f"{x['rule']}: {x['evidence']}" for x in r["reasons"]) or "-"
        typer.echo(
            f"  ERROR expected {r['expected']:8} got {r['predicted']:8} "
            f"{r['a']!r} / {r['b']!r} ({r['note']}) [{why}]"
        )
    for block in dict.fromkeys(r["block"] for r in rows):
        _print_scores(block, _scores([r for r in rows if r["block"] == block]))
    _print_scores("all held-out", {k[8:]: v for k, v in metrics.items() if k.startswith("heldout_")})
    _print_scores("all pairs", metrics)
    write_jsonl(out, rows)
    emit_metrics(metrics)
