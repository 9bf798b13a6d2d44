"""``crisol bench similarity PAIRS.jsonl``: same-story similarity against SemEval-2022 Task 8.

Scores every pair (crisol's learned combination, TF-IDF cosine alone, embedding cosine alone),
prints Pearson r against the gold ``overall`` (sign inverted: 1 = same story) per language pair,
and ends with a JSON line of metrics. The split is fixed by pair id: pairs whose CRC32 is even and
that are not es-es may train the model (``--train``); every other pair, and every es-es pair, is
held out, and the headline numbers are on that held-out part.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Optional

import numpy as np
import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.link import similarity as sim

NAME = "similarity"

# Quality gate: Pearson r on the held-out split must not fall below these.
FLOORS = {"heldout_all": 0.70, "heldout_es-es": 0.77}


def default_pairs() -> Path | None:
    root = shared_dir()
    return root / "data" / "semeval2022-task8" / "pairs.jsonl" if root else None


def load_pairs(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise typer.BadParameter(f"{path} (line {n}): not JSON: {exc.msg}") from exc
    return rows


def is_training_pair(row: dict) -> bool:
    """The fixed training half: even CRC32 of the pair id, never es-es (Spanish stays unseen)."""
    if row["lang1"] == "es" and row["lang2"] == "es":
        return False
    return zlib.crc32(row["pair_id"].encode()) % 2 == 0


def pair_features(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix, TF-IDF cosine and embedding cosine for each pair."""
    texts = [r["text1"] for r in rows] + [r["text2"] for r in rows]
    langs = [r["lang1"] for r in rows] + [r["lang2"] for r in rows]
    profs = sim.profiles(texts, languages=langs)
    df = sim.DocumentFrequencies()
    for p in profs:
        df.add(p)
    n = len(rows)
    x = np.array([sim.features(profs[i], profs[n + i], df) for i in range(n)])
    return x, x[:, sim.FEATURES.index("tfidf")], x[:, sim.FEATURES.index("embedding")]


def pearson(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def evaluate(
    rows: list[dict], model: sim.SimilarityModel | None = None, train_out: Path | None = None
) -> dict:
    x, tfidf, emb = pair_features(rows)
    gold = -np.array([float(r["overall"]) for r in rows])  # higher = more alike
    train = np.array([is_training_pair(r) for r in rows])
    if train_out is not None:
        overall = np.array([float(r["overall"]) for r in rows])
        cross = np.array([r["lang1"] != r["lang2"] for r in rows])
        model = sim.fit(
            x[train],
            overall[train],
            cross[train],
            trained_on=f"SemEval-2022 Task 8 pairs, even-CRC32 non-es-es ({int(train.sum())} pairs)",
        )
        model.save(train_out)
    model = model or sim.default_model()
    crisol = np.asarray(model.score(x))
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[f"{r['lang1']}-{r['lang2']}"].append(i)
    report = {"pairs": len(rows), "heldout_pairs": int((~train).sum()), "per_language": {}}
    for name, idx in sorted(groups.items()):
        idx = np.array(idx)
        held = idx[~train[idx]]
        report["per_language"][name] = {
            "n": len(idx),
            "n_heldout": len(held),
            "crisol": pearson(crisol[held], gold[held]),
            "tfidf": pearson(tfidf[held], gold[held]),
            "embedding": pearson(emb[held], gold[held]),
        }
    held = ~train
    for label, scores in (("crisol", crisol), ("tfidf", tfidf), ("embedding", emb)):
        report[f"heldout_all_{label}"] = pearson(scores[held], gold[held])
    report["scores"] = crisol
    return report


def command(
    pairs: Annotated[
        Optional[Path],
        typer.Argument(
            help="SemEval-format pairs JSONL (default: ../shared/data/semeval2022-task8/pairs.jsonl)."
        ),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Write {pair_id, score} per pair as JSONL.")
    ] = None,
    train: Annotated[
        Optional[Path],
        typer.Option("--train", help="Re-learn the model on the training half and save it here."),
    ] = None,
) -> None:
    """Pearson r of crisol's pair score vs gold same-story scores, per language pair."""
    pairs = pairs or default_pairs()
    if pairs is None or not pairs.exists():
        raise typer.BadParameter(f"pairs file not found: {pairs} (pass PAIRS.jsonl)")
    rows = load_pairs(pairs)
    report = evaluate(rows, train_out=train)
    write_jsonl(
        out,
        ({"pair_id": r["pair_id"], "score": round(float(s), 6)} for r, s in zip(rows, report.pop("scores"))),
    )
    fmt = lambda v: "  n/a" if v is None else f"{v:5.3f}"  # noqa: E731
    typer.echo(
        f"{pairs}: {report['pairs']} pairs, {report['heldout_pairs']} held out (odd CRC32 of pair id, and every es-es pair)"
    )
    typer.echo(
        f"{'pair':8} {'n':>5} {'held':>5}  {'crisol':>6} {'tfidf':>6} {'embed':>6}   (Pearson r on held-out pairs)"
    )
    for name, g in report["per_language"].items():
        typer.echo(
            f"{name:8} {g['n']:5d} {g['n_heldout']:5d}  {fmt(g['crisol']):>6} {fmt(g['tfidf']):>6} {fmt(g['embedding']):>6}"
        )
    typer.echo(
        f"{'all':8} {report['pairs']:5d} {report['heldout_pairs']:5d}  {fmt(report['heldout_all_crisol']):>6} "
        f"{fmt(report['heldout_all_tfidf']):>6} {fmt(report['heldout_all_embedding']):>6}"
    )
    typer.echo("published best (HFL, official eval set): es 0.866, overall 0.818")
    es = report["per_language"].get("es-es", {})
    emit_metrics(
        {
            "benchmark": NAME,
            "heldout_all": report["heldout_all_crisol"],
            "heldout_all_tfidf": report["heldout_all_tfidf"],
            "heldout_all_embedding": report["heldout_all_embedding"],
            "heldout_es-es": es.get("crisol"),
            "heldout_es-es_tfidf": es.get("tfidf"),
            "heldout_es-es_embedding": es.get("embedding"),
            "pairs": report["pairs"],
        }
    )
