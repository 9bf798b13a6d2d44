"""``crisol bench stream``: a real stream through the real ingest path, as a monitor receives it.

The stream: every record of ../shared/data/spanish-fake-news-corpus (train, development, test),
every distinct text of ../shared/data/semeval2022-task8/pairs.jsonl (eight languages), the
bundled ``examples/`` and ../shared/seeds, in one fixed shuffled order, cut into batches of
``--batch`` inputs (100: what a monitor polling its sources receives at a time). Each batch is
written as files (JSON Lines, and the example and seed files as they are) and ingested by one
:class:`crisol.service.runner.Runner` (what ``crisol ingest``, the API and ``crisol watch`` run: read,
clean, full analysis, store, link, index) kept for the whole stream, into a fresh SQLite store.
``--size N`` larger than the real stream adds varied copies of the real texts (sentences
resampled, names and figures changed, as ``bench link-speed`` varies them) for the flatness
curve at 10^4.

It reports, ending with one JSON line:

- **cost**: end-to-end articles per CPU-second (the process's CPU, every thread) and per phase;
  CPU-ms per article in each tenth of the stream (flat is the goal: the last tenth should cost
  at most 1.3 times the first); peak RSS;
- **stories**: counts by size;
- **same-story quality** against SemEval-derived gold (each SemEval text is an article; a pair
  whose ``overall`` is <= 1.5, or <= 2, is a gold "same story" edge; gold clusters are the
  connected components): precision/recall over the labelled pairs, pairwise and BCubed over
  the SemEval articles, read back from the store;
- **coherence audit**: for every story of 3 or more articles, each member's best and mean
  similarity (the similarity model's score) to the other members; the weakest members, so a
  person can read the worst (``--out`` writes them all, with the closest member's title).

Presenting is lazy (on first read): ``--present K`` also presents the K largest stories at the
end and reports their cost, as a reader opening them would pay it.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import resource
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import numpy as np
import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.bench.clustering import GOLD_DIR, bcubed, components, labelled_pairs, pairwise, read_gold
from crisol.link import similarity as sim
from crisol.model import Article
from crisol.service.linking import entity_names
from crisol.service.runner import Runner
from crisol.service.views import stored_story_view
from crisol.store import open_store

NAME = "stream"
ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
FAKE_NEWS = ("train.jsonl", "development.jsonl", "test.jsonl")
SEED = 20261206
# Quality gates (CI runs a subset): see docs/bench/stream.md for the full-stream numbers.
FLOORS = {
    "semeval_1.5_bcubed_p": 0.85,
    "semeval_2.0_labelled_p": 0.80,
    "coherence_weak_share_max": 0.10,
    "examples_pairwise_f1": 0.9,
    "seeds_pairwise_f1": 1.0,
}
COHERENT = 0.2  # a member whose best score with the rest of its story is under this is "weak"


@dataclass
class Item:
    """One input of the stream: a JSON record (written into its batch's JSONL) or a file."""

    key: str  # gold key: "sem:<text id>" for SemEval texts, else a unique name
    record: dict[str, Any] | None = None
    path: Path | None = None


# ---- the stream -------------------------------------------------------------------------------


def _text_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def real_items(shared: Path, sample: int | None = None) -> tuple[list[Item], list[dict]]:
    """The real stream's items and the SemEval pairs (for the gold). ``sample``: only that many
    SemEval pairs (both their texts, so their gold stays whole) and fake-news records, beside
    every example and seed (CI's subset)."""
    items: list[Item] = []
    for name in FAKE_NEWS:
        path = shared / "data" / "spanish-fake-news-corpus" / name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                r = {k.lower(): v for k, v in json.loads(line).items()}  # test.jsonl spells keys in capitals
                items.append(
                    Item(
                        f"sfn:{name}:{n}",
                        {
                            "title": r.get("headline"),
                            "text": r.get("text"),
                            "outlet": r.get("source"),
                            "language": "es",
                        },
                    )
                )
    pairs = [
        json.loads(x)
        for x in (shared / "data" / "semeval2022-task8" / "pairs.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if x.strip()
    ]
    if sample is not None:
        pick = random.Random(SEED)
        items = pick.sample(items, min(sample, len(items)))
        pairs = pick.sample(pairs, min(sample, len(pairs)))
    seen = set()
    for r in pairs:
        for k in ("1", "2"):
            tid = _text_id(r[f"text{k}"])
            r[f"_{k}"] = tid
            if tid not in seen:
                seen.add(tid)
                items.append(Item(f"sem:{tid}", {"text": r[f"text{k}"], "language": r[f"lang{k}"]}))
    for folder in (EXAMPLES, shared / "seeds"):
        if folder.is_dir():
            items += [
                Item(f"file:{p.name}", path=p)
                for p in sorted(folder.iterdir())
                if p.is_file() and not p.name.startswith(".")
            ]
    return items, pairs


def varied(items: list[Item], n: int, seed: int = SEED) -> list[Item]:
    """``n`` varied copies of the real records: sentences resampled and reordered within one
    text, and a figure changed, so each copy is a new article about its source's event."""

    pick = random.Random(seed)
    records = [i for i in items if i.record and len(i.record.get("text") or "") > 200]
    out = []
    for k in range(n):
        base = pick.choice(records)
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", base.record["text"]) if s.strip()]
        keep = sorted(pick.sample(range(len(sentences)), max(1, int(len(sentences) * 0.8))))
        text = " ".join(sentences[i] for i in keep) + f" ({pick.randrange(2, 9999)})"
        out.append(Item(f"var:{k}:{base.key}", {**base.record, "text": text}))
    return out


def batches(items: list[Item], size: int, folder: Path) -> Iterator[list[str]]:
    """Write each batch of items as files; yield the paths to ingest."""
    for b in range(0, len(items), size):
        chunk, paths = items[b : b + size], []
        records = [i for i in chunk if i.record is not None]
        if records:
            path = folder / f"batch-{b // size:05d}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for i in records:
                    f.write(
                        json.dumps({**i.record, "url": f"https://stream.invalid/{i.key}"}, ensure_ascii=False)
                        + "\n"
                    )
            paths.append(str(path))
        for i in chunk:
            if i.path is not None:
                copy = folder / f"b{b // size:05d}-{i.path.name}"
                shutil.copyfile(i.path, copy)
                paths.append(str(copy))
        yield paths


# ---- the run ----------------------------------------------------------------------------------


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    items: list[Item], pairs: list[dict], batch: int = 100, present: int = 0, on_batch=None
) -> dict[str, Any]:
    """Stream ``items`` through a Runner into a fresh store; everything the report needs."""

    with tempfile.TemporaryDirectory(prefix="crisol-bench-stream-") as tmp:
        folder = Path(tmp)
        store = open_store(str(folder / "stream.db"))
        runner = Runner(store)
        warm = time.process_time()
        warm_up(runner)  # a monitor loads its models once: not part of any article's cost
        warm = time.process_time() - warm
        per_batch, phases_total, rejected = [], Counter(), Counter()
        cpu_all = time.process_time()
        wall_all = time.perf_counter()
        for n, paths in enumerate(batches(items, batch, folder)):
            cpu = time.process_time()
            report = runner.run(paths)
            spent = time.process_time() - cpu
            per_batch.append((report.read, spent))
            for r in report.rejected:
                rejected[r.reason.split(":")[0][:60]] += 1
            for name, stat in report.phases.stats.items():
                phases_total[name + ":cpu"] += stat.cpu
                phases_total[name + ":items"] += stat.items
            if on_batch:
                on_batch(n, report, spent)
            for p in paths:
                Path(p).unlink()
        cpu_total, wall_total = time.process_time() - cpu_all, time.perf_counter() - wall_all
        result = {
            "per_batch": per_batch,
            "phases": phases_total,
            "cpu": cpu_total,
            "wall": wall_total,
            "warm_up_cpu": warm,
            "rejected": rejected,
        }
        result.update(_read_back(store, runner, items, pairs))
        if present:
            result["present"] = _present(store, present)
        result["rss_mb"] = rss_mb()
        store.close()
    return result


def warm_up(runner) -> None:
    """Load the analysis and embedding models (what the first article of a process pays)."""

    sim.embed(["calentar"])
    sim.embed_titles(["calentar"])
    for lang in ("es", "en"):
        runner.annotate(
            [
                Article(
                    id=f"warm-{lang}",
                    source="-",
                    raw=b"",
                    raw_format="text",
                    language=lang,
                    text="Calentar los modelos antes de medir.",
                )
            ]
        )


def _read_back(store, runner, items: list[Item], pairs: list[dict]) -> dict[str, Any]:
    """Stories of every article (by its stream key), sizes, and the coherence audit."""

    links = store.links
    key_of = {}
    for a in store.iter_articles():
        url = a.url or ""
        if url.startswith("https://stream.invalid/"):
            key_of[a.id] = url.rsplit("/", 1)[-1]
        else:  # an example or seed file, copied as "bNNNNN-name": named as the gold files name it
            name = Path(a.source).name.split("-", 1)[1]
            key_of[a.id] = f"file:{name}" + (f"#{a.location}" if a.location else "")
    story_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for s in links.list_stories(limit=1_000_000).data:
        ids = links.story_members(s.id)
        members[s.id] = ids
        for i in ids:
            story_of[key_of.get(i, i)] = s.id
    return {
        "story_of": story_of,
        "members": members,
        "audit": audit(store, members, key_of),
        "articles": len(key_of),
    }


def audit(store, members: dict[str, list[str]], key_of: dict[str, str]) -> list[dict[str, Any]]:
    """Each member of a story of 3+: its best similarity-model score with the other members."""

    model = sim.default_model()
    rows = []
    links = store.links
    df = sim.DocumentFrequencies()
    big = {sid: ids for sid, ids in members.items() if len(ids) >= 3}
    loaded = {}
    for sid, ids in big.items():
        articles = store.load_articles(ids, with_raw=False)
        stored = links.load_profiles(ids)
        for a in articles:
            p = stored.get(a.id)
            unpacked = sim.unpack(p.embedding) if p is not None else None
            if unpacked is None:
                continue
            prof = sim.Profile(
                unpacked[0],
                unpacked[1],
                sim.terms(a.text),
                frozenset(entity_names(a)),
                sim.numbers(a.text),
                a.language,
            )
            loaded[a.id] = (a, prof)
            df.add(prof)
    for sid, ids in big.items():
        present = [i for i in ids if i in loaded]
        vectors = {i: df.vector(loaded[i][1]) for i in present}
        for i in present:
            others = [o for o in present if o != i]
            x = sim.features_many(
                loaded[i][1], [loaded[o][1] for o in others], vectors[i], [vectors[o] for o in others]
            )
            scores = np.atleast_1d(model.score(x))
            best = int(np.argmax(scores))
            a = loaded[i][0]
            rows.append(
                {
                    "story": sid,
                    "size": len(ids),
                    "article": i,
                    "key": key_of.get(i),
                    "title": _label(a),
                    "outlet": a.outlet,
                    "best": round(float(scores[best]), 3),
                    "mean": round(float(np.mean(scores)), 3),
                    "closest": _label(loaded[others[best]][0]),
                }
            )
    rows.sort(key=lambda r: r["best"])
    return rows


def _label(article) -> str:
    """The title, or the start of an untitled text."""
    return article.title or " ".join(article.text.split())[:90]


def _present(store, k: int) -> dict[str, Any]:
    """Present the ``k`` largest stories as a first reader would (lazy view, then stored)."""

    page = store.links.list_stories(limit=k, order="size").data
    out = []
    for s in page:
        cpu = time.process_time()
        stored_story_view(store, s.id)
        first = time.process_time() - cpu
        cpu = time.process_time()
        stored_story_view(store, s.id)
        again = time.process_time() - cpu
        out.append(
            {"story": s.id, "size": s.size, "first_cpu_s": round(first, 3), "again_cpu_s": round(again, 4)}
        )
    return {"stories": out}


# ---- scores -----------------------------------------------------------------------------------


def gold_scores(story_of: dict[str, str], pairs: list[dict]) -> dict[str, Any]:
    """Same-story quality on the SemEval articles (both cuts)."""
    pred = {}
    for r in pairs:
        for k in ("1", "2"):
            key = f"sem:{r[f'_{k}']}"
            if key in story_of:
                pred[key] = story_of[key]
    labelled = [r for r in pairs if f"sem:{r['_1']}" in pred and f"sem:{r['_2']}" in pred]
    out: dict[str, Any] = {"semeval_articles": len(pred), "semeval_pairs": len(labelled)}
    for cut in (1.5, 2.0):
        same = [float(r["overall"]) <= cut for r in labelled]
        nodes = {f"sem:{r[f'_{k}']}" for r in labelled for k in ("1", "2")}
        gold = components(nodes, [(f"sem:{r['_1']}", f"sem:{r['_2']}") for r, s in zip(labelled, same) if s])
        sub = {k: v for k, v in pred.items() if k in nodes}
        out[cut] = {
            "labelled": labelled_pairs(
                [pred[f"sem:{r['_1']}"] == pred[f"sem:{r['_2']}"] for r in labelled], same
            ),
            "pairwise": pairwise(sub, gold),
            "bcubed": bcubed(sub, gold),
        }
    return out


def file_scores(story_of: dict[str, str]) -> dict[str, float]:
    """Pairwise F1 of the examples and of the seeds, read in the middle of the stream, against
    their gold (tests/fixtures/clustering)."""

    out = {}
    for name in ("examples", "seeds"):
        gold = {f"file:{k}": v for k, v in read_gold(GOLD_DIR / f"{name}_gold.tsv").items()}
        pred = {k: story_of[k] for k in gold if k in story_of}
        if len(pred) >= 2:
            out[f"{name}_pairwise_f1"] = round(pairwise(pred, {k: gold[k] for k in pred})["f1"], 4)
            out[f"{name}_found"] = len(pred)
    return out


def tenths(per_batch: list[tuple[int, float]]) -> list[float]:
    """CPU-ms per article in each tenth of the stream (by articles; a batch counts in the tenth
    where it ends)."""
    total = sum(n for n, _ in per_batch)
    out: list[float] = []
    seen, acc_n, acc_cpu = 0, 0, 0.0
    for n, cpu in per_batch:
        seen, acc_n, acc_cpu = seen + n, acc_n + n, acc_cpu + cpu
        if seen >= total * (len(out) + 1) / 10 - 1e-9 and acc_n:
            out.append(round(1000 * acc_cpu / acc_n, 1))
            acc_n, acc_cpu = 0, 0.0
    return out


def size_counts(members: dict[str, list[str]]) -> dict[str, int]:
    bins = Counter()
    for ids in members.values():
        n = len(ids)
        bins[
            "1"
            if n == 1
            else "2"
            if n == 2
            else "3-5"
            if n <= 5
            else "6-10"
            if n <= 10
            else "11-50"
            if n <= 50
            else ">50"
        ] += 1
    return {k: bins.get(k, 0) for k in ("1", "2", "3-5", "6-10", "11-50", ">50")}


def check_floors(metrics: dict[str, float]) -> list[str]:
    failed = []
    for key, floor in FLOORS.items():
        if key.endswith("_max"):
            if metrics.get(key[:-4], 0) > floor:
                failed.append(f"{key[:-4]} = {metrics.get(key[:-4])} > {floor}")
        elif metrics.get(key) is None or metrics[key] < floor:
            failed.append(f"{key} = {metrics.get(key)} < {floor}")
    return failed


def command(
    limit: Annotated[
        Optional[int], typer.Option(help="Use the first N items of the shuffled stream.")
    ] = None,
    sample: Annotated[
        Optional[int],
        typer.Option(
            help="N SemEval pairs (whole) and N fake-news records, plus examples and seeds (CI's subset)."
        ),
    ] = None,
    size: Annotated[
        Optional[int], typer.Option(help="Stream this many inputs, adding varied copies past the real ones.")
    ] = None,
    batch: Annotated[int, typer.Option(min=1, help="Inputs per batch (one ingest run each).")] = 100,
    present: Annotated[
        int, typer.Option(min=0, help="Present the K largest stories at the end, as a first reader.")
    ] = 0,
    out: Annotated[
        Optional[Path], typer.Option(help="Write the coherence audit (every member) as JSONL.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Exit 1 when a quality floor is not met.")
    ] = True,
) -> None:
    """A real stream (fake-news corpus, SemEval texts, examples, seeds) through the real ingest path."""
    shared = shared_dir()
    if shared is None or not (shared / "data" / "semeval2022-task8" / "pairs.jsonl").exists():
        raise typer.BadParameter("../shared/data is not present: nothing to stream")
    items, pairs = real_items(shared, sample)
    random.Random(SEED).shuffle(items)
    if size and size > len(items):
        extra = varied(items, size - len(items))
        rng = random.Random(SEED + 1)
        for it in extra:  # varied copies arrive among the real ones
            items.insert(rng.randrange(len(items) + 1), it)
    if limit:
        items = items[:limit]
    typer.echo(f"stream: {len(items)} inputs in batches of {batch}", err=True)

    def on_batch(n, report, spent):
        if n % 10 == 0:
            typer.echo(
                f"  batch {n}: {report.read} articles, {1000 * spent / max(report.read, 1):.0f} CPU-ms each; "
                f"rss {rss_mb():.0f} MiB",
                err=True,
            )

    result = run(items, pairs, batch=batch, present=present, on_batch=on_batch)
    n_articles = sum(n for n, _ in result["per_batch"])
    scores = gold_scores(result["story_of"], pairs)
    curve = tenths(result["per_batch"])
    weak = [r for r in result["audit"] if r["best"] < COHERENT]
    phases = result["phases"]
    metrics: dict[str, Any] = {
        "benchmark": NAME,
        "inputs": len(items),
        "articles": n_articles,
        "stored": result["articles"],
        "cpu_s": round(result["cpu"], 1),
        "wall_s": round(result["wall"], 1),
        "articles_per_cpu_s": round(n_articles / result["cpu"], 2),
        "cpu_ms_per_article_tenths": curve,
        "last_over_first_tenth": round(curve[-1] / curve[0], 2) if curve and curve[0] else None,
        "peak_rss_mb": round(result["rss_mb"]),
        "warm_up_cpu_s": round(result["warm_up_cpu"], 1),
        "rejected": sum(result["rejected"].values()),
        "stories": len(result["members"]),
        "story_sizes": size_counts(result["members"]),
        "largest_story": max((len(v) for v in result["members"].values()), default=0),
        "coherence_members": len(result["audit"]),
        "coherence_weak": len(weak),
        "coherence_weak_share": round(len(weak) / max(len(result["audit"]), 1), 3),
    }
    for name in ("read and clean", "annotate", "store", "link", "index"):
        cpu = phases.get(name + ":cpu", 0.0)
        metrics[f"phase_{name.replace(' ', '_')}_cpu_ms_per_article"] = round(
            1000 * cpu / max(n_articles, 1), 1
        )
    for cut in (1.5, 2.0):
        s = scores[cut]
        for kind in ("labelled", "pairwise", "bcubed"):
            for m in ("p", "r", "f1"):
                metrics[f"semeval_{cut}_{kind}_{m}"] = round(s[kind][m], 4)
    metrics["semeval_articles"] = scores["semeval_articles"]
    metrics |= file_scores(result["story_of"])
    if "present" in result:
        metrics["present"] = result["present"]["stories"]
    typer.echo(
        f"{n_articles} articles, {result['cpu']:.0f} CPU-s: {metrics['articles_per_cpu_s']} articles per CPU-second end to end"
    )
    typer.echo("CPU-ms per article by tenth: " + " ".join(str(x) for x in curve))
    typer.echo(
        "per phase (CPU-ms per article): "
        + ", ".join(
            f"{k[len('phase_') : -len('_cpu_ms_per_article')].replace('_', ' ')} {v}"
            for k, v in metrics.items()
            if k.startswith("phase_")
        )
    )
    if result["rejected"]:
        typer.echo(
            f"rejected {metrics['rejected']}: "
            + "; ".join(f"{n} × {r}" for r, n in result["rejected"].most_common(5))
        )
    typer.echo(f"stories: {metrics['stories']} {metrics['story_sizes']}, largest {metrics['largest_story']}")
    for cut in (1.5, 2.0):
        s = scores[cut]
        typer.echo(
            f"SemEval gold (overall <= {cut}): labelled P {s['labelled']['p']:.3f} R {s['labelled']['r']:.3f}"
            f" | pairwise P {s['pairwise']['p']:.3f} R {s['pairwise']['r']:.3f}"
            f" | BCubed P {s['bcubed']['p']:.3f} R {s['bcubed']['r']:.3f}"
        )
    typer.echo(
        f"coherence: {len(weak)} of {len(result['audit'])} members of stories of 3+ score under {COHERENT} "
        "with every other member; the weakest:"
    )
    for r in result["audit"][:15]:
        typer.echo(
            f"  best {r['best']:.3f} mean {r['mean']:.3f}  [{r['story']}, {r['size']}] {(r['title'] or '')[:70]!r}"
            f"  ~ {(r['closest'] or '')[:50]!r}"
        )
    write_jsonl(out, result["audit"])
    emit_metrics(metrics)
    failed = check_floors(metrics) if check else []
    if failed:
        typer.echo("quality floor not met: " + "; ".join(failed), err=True)
        raise typer.Exit(1)
