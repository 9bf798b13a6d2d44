"""``crisol bench link-speed``: articles per second through linking as the store grows.

Linking here is what :class:`crisol.service.linking.Linker` runs per article once the article is
profiled: the duplicate index (:class:`~crisol.link.dedup.DuplicateIndex`) and the story
clusterer (:class:`~crisol.link.stories.StoryClusterer`). Only those two calls are timed.

Computing 10^6 real e5 embeddings is out of reach on this machine, so the stream is synthetic but
built from real corpora: a few thousand real texts (Spanish fake-news corpus, SemEval-2022 Task 8)
are profiled for real (USE and e5 embeddings, terms, names, numbers); each synthetic story starts from
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
import multiprocessing
import random
import re
import resource
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Iterator, Optional

import numpy as np
import typer

from crisol.bench._common import emit_metrics, shared_dir, write_jsonl
from crisol.bench.clustering import bcubed, pairwise
from crisol.link import similarity as sim
from crisol.link.dedup import DuplicateIndex
from crisol.link.stories import WINDOW, StoryClusterer, StoryItem

NAME = "link-speed"

ACTIVE = 300  # stories receiving articles at any moment
P_NEW = 0.25  # an article starts a new story (mean story size 4)
P_COPY = 0.03  # an article is an exact copy of a recent one (a wire story in two outlets)
# Norm of the noise moving a story away from its real text (cosine ~0.7 to it): two stories
# grown from one real text then sit at cosine ~0.5, where USE puts different events on one topic
# (with e5's narrower cosines this was 0.5, cosine ~0.9).
STORY_NOISE = 1.0
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
        raise typer.BadParameter(
            f"no real texts under {root}/data (spanish-fake-news-corpus, semeval2022-task8)"
        )
    random.Random(seed).shuffle(out)
    return out[:n]


@dataclass
class Base:
    embedding: np.ndarray
    sentences: list[str]
    names: list[str]
    language: str | None


def bases(texts: list[tuple[str, str | None, str]]) -> list[Base]:
    profs = sim.profiles([t for t, _, _ in texts], [h for _, h, _ in texts], [lang for *_, lang in texts])
    return [
        Base(p.embedding, [s for s in _SENT.split(t) if s.strip()], sorted(p.names), p.language)
        for (t, _, _), p in zip(texts, profs)
    ]


def load_or_profile(root: Path, n: int, cache: Path | None) -> list[Base]:
    """The profiled real texts, from ``cache`` (a .npz written by an earlier run) when it holds
    the same ``n``: profiling is the slow part, and it is not what is measured."""
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta["n"] == n:
                return [
                    Base(e, m["sentences"], m["names"], m["language"])
                    for e, m in zip(data["embeddings"], meta["bases"])
                ]
    pool = bases(real_texts(root, n))
    if cache is not None:
        meta = {
            "n": n,
            "bases": [{"sentences": b.sentences, "names": b.names, "language": b.language} for b in pool],
        }
        np.savez(cache, embeddings=np.stack([b.embedding for b in pool]), meta=np.array(json.dumps(meta)))
    return pool


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


def stream(
    pool: list[Base], n: int, per_day: int = 2000, seed: int = 0, skip: int = 0
) -> Iterator[tuple[str, str | None, object]]:
    """``n`` synthetic (gold story key, text, StoryItem) in time order.

    The first ``skip`` articles are fast-forwarded: only their story is drawn, and they come as
    (key, None, the story's real base) without text or profile (see :func:`fast_forward`).
    """

    rng, pick = np.random.default_rng(seed), random.Random(seed)
    all_names = sorted({x for b in pool for x in b.names})
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    active: list[_Story] = []
    keys = 0
    for i in range(n):
        if len(active) < ACTIVE or pick.random() < P_NEW:
            base = pick.choice(pool)
            names = pick.sample(base.names, min(6, len(base.names))) + pick.sample(
                all_names, min(2, len(all_names))
            )
            story = _Story(keys, base, _move(base.embedding, STORY_NOISE, rng), names)
            keys += 1
            if len(active) >= ACTIVE:
                active[pick.randrange(len(active))] = story  # the replaced story goes quiet
            else:
                active.append(story)
        else:
            story = pick.choice(active)
        if i < skip:
            yield f"k{story.key}", None, story.base
            continue
        if story.texts and pick.random() < P_COPY:
            text = story.texts[-1]
        else:
            own = story.base.sentences
            other = pick.choice(pool).sentences
            chosen = sorted(pick.sample(range(len(own)), min(4, len(own))))
            names = [x for x in story.names if pick.random() < 0.8]
            text = " ".join(
                [own[k] for k in chosen]
                + pick.sample(other, min(2, len(other)))
                + [f"{' '.join(x.title() for x in names)} {pick.randrange(1, 10_000)}."]
            )
            story.texts = (story.texts + [text])[-3:]
        names = frozenset(x for x in story.names if pick.random() < 0.8)
        profile = sim.Profile(
            _move(story.center, ARTICLE_NOISE, rng),
            None,
            sim.terms(text),
            names,
            sim.numbers(text),
            story.base.language,
        )
        when = t0 + timedelta(days=i / per_day)
        yield f"k{story.key}", text, StoryItem(f"x{i:07d}", profile, when, frozenset(), frozenset(), None)


# ---- the run --------------------------------------------------------------------------------


def run(
    pool: list[Base],
    sizes: list[int],
    window: int = 1000,
    budget: float = 900.0,
    max_rss_mb: float = 6000.0,
    per_day: int = 2000,
    on_window=None,
) -> dict:
    """Stream up to ``max(sizes)`` articles through dedup + clustering; stop at the budget."""

    clusterer, dedup = StoryClusterer(), DuplicateIndex()
    target = max(sizes)
    windows, gold = [], {}
    wall = cpu = 0.0
    w_wall = w_cpu = 0.0
    relations = 0
    started, stopped = time.perf_counter(), None
    assigned, merged_into = {}, {}
    for i, (key, text, item) in enumerate(stream(pool, target, per_day), 1):
        gold[item.id] = key
        t, c = time.perf_counter(), time.process_time()
        relations += len(dedup.add(item.id, text, hashlib.sha1(text.encode()).hexdigest(), item.time))
        a = clusterer.add(item)
        clusterer.history.clear()  # the Linker writes it to the store and clears it likewise
        dt, dc = time.perf_counter() - t, time.process_time() - c
        assigned[item.id] = a.story
        merged_into.update((m, a.story) for m in a.merged)
        wall, cpu, w_wall, w_cpu = wall + dt, cpu + dc, w_wall + dt, w_cpu + dc
        if i % window == 0 or i in sizes:
            n = window if i % window == 0 else i % window
            row = {
                "size": i,
                "window": n,
                "ms_per_article": round(1000 * w_wall / n, 3),
                "cpu_ms_per_article": round(1000 * w_cpu / n, 3),
                "rss_mb": round(rss_mb(), 1),
                "stories": len(clusterer.stories),
                "elapsed_s": round(time.perf_counter() - started, 1),
            }
            row["duplicate_index"] = len(dedup)
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
    pred = {aid: _final(sid, merged_into) for aid, sid in assigned.items()}  # evicted stories included
    return {
        "articles": len(gold),
        "wall_s": wall,
        "cpu_s": cpu,
        "windows": windows,
        "stopped": stopped,
        "relations": relations,
        "stories": len(clusterer.stories),
        "gold_stories": len(set(gold.values())),
        "pairwise": pairwise(pred, gold),
        "bcubed": bcubed(pred, gold),
    }


def warmup_articles(per_day: int) -> int:
    """Articles that fill the clusterer's and the duplicate index's window, plus five days."""

    return int((WINDOW.days + 5) * per_day)


def fast_forward(
    pool: list[Base], size: int, window: int = 1000, per_day: int = 2000, warmup: int | None = None
) -> dict:
    """The cost per article when ``size`` articles have gone by, without linking them all.

    The linker keeps only the last :data:`~crisol.link.stories.WINDOW` of stories and of the
    duplicate index in memory, so its state after ``size`` articles is built by the articles
    of that window alone. The stream is therefore drawn up to ``size`` (same generator, same
    timestamps); the first ``size - warmup - window`` articles only count in the document
    frequencies (IDF: each adds its real base text's terms); the next ``warmup`` are linked
    without timing (they fill the window and trigger eviction); the last ``window`` are timed.
    Run in a child process, so its resident memory is its own.
    """

    with multiprocessing.get_context("fork").Pool(1) as workers:
        return workers.apply(_fast_forward, (pool, size, window, per_day, warmup))


def _fast_forward(pool: list[Base], size: int, window: int, per_day: int, warmup: int | None) -> dict:
    warmup = warmup_articles(per_day) if warmup is None else warmup
    skip = max(size - warmup - window, 0)
    clusterer, dedup = StoryClusterer(), DuplicateIndex()
    base_terms: dict[int, sim.Profile] = {}
    w_wall = w_cpu = 0.0
    started = time.perf_counter()
    for i, (_, text, item) in enumerate(stream(pool, size, per_day, skip=skip), 1):
        if text is None:  # fast-forwarded: counts in IDF only
            p = base_terms.get(id(item))
            if p is None:
                p = base_terms[id(item)] = sim.Profile(
                    item.embedding, None, sim.terms(" ".join(item.sentences)), frozenset(), frozenset()
                )
            clusterer.df.add(p)
            continue
        timed = i > size - window
        t, c = time.perf_counter(), time.process_time()
        dedup.add(item.id, text, hashlib.sha1(text.encode()).hexdigest(), item.time)
        clusterer.add(item)
        clusterer.history.clear()
        if timed:
            w_wall, w_cpu = w_wall + time.perf_counter() - t, w_cpu + time.process_time() - c
    return {
        "size": size,
        "window": window,
        "ms_per_article": round(1000 * w_wall / window, 3),
        "cpu_ms_per_article": round(1000 * w_cpu / window, 3),
        "rss_mb": round(rss_mb(), 1),
        "stories": len(clusterer.stories),
        "duplicate_index": len(dedup),
        "fast_forward": skip,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


def _final(story: str, merged_into: dict[str, str]) -> str:
    while story in merged_into:
        story = merged_into[story]
    return story


def _at(windows: list[dict], size: int) -> dict | None:
    return next((w for w in windows if w["size"] == size), None)


def command(
    sizes: Annotated[
        str, typer.Option("--sizes", help="Comma-separated store sizes to report.")
    ] = "10000,100000,1000000",
    real: Annotated[
        int, typer.Option("--real", help="Real texts profiled (embedded) as the stream's material.")
    ] = 1000,
    window: Annotated[int, typer.Option("--window", help="Articles per timing window.")] = 1000,
    stream_max: Annotated[
        int,
        typer.Option(
            "--stream-max",
            help="Sizes up to this are streamed article by article; larger ones are fast-forwarded.",
        ),
    ] = 100_000,
    check: Annotated[
        bool,
        typer.Option(
            "--check/--no-check", help="Also fast-forward the largest streamed size, to compare both ways."
        ),
    ] = True,
    budget: Annotated[
        float, typer.Option("--budget", help="Stop streaming after this many seconds.")
    ] = 7200.0,
    max_rss: Annotated[
        float, typer.Option("--max-rss-mb", help="Stop when resident memory exceeds this (MiB).")
    ] = 6000.0,
    per_day: Annotated[
        int, typer.Option("--per-day", help="Synthetic articles per day (timestamps).")
    ] = 2000,
    cache: Annotated[
        Optional[Path],
        typer.Option("--cache", help="Keep the profiled real texts in this .npz between runs."),
    ] = None,
    data: Annotated[
        Optional[Path], typer.Option("--data", help="The shared folder holding data/ (default: ../shared).")
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Write one JSON line per timing window.")
    ] = None,
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
    pool = load_or_profile(root, real, cache)
    typer.echo(f"{len(pool)} real texts profiled in {time.perf_counter() - t:.0f} s; rss {rss_mb():.0f} MiB")
    streamed = [n for n in wanted if n <= stream_max] or [min(wanted[0], stream_max)]
    forwarded = [n for n in wanted if n > stream_max]
    typer.echo(
        f"{'size':>9} {'ms/art':>8} {'cpu ms':>8} {'rss MiB':>8} {'stories':>8} {'dedup':>8} {'elapsed':>8}"
    )

    def show(w: dict, how: str = "") -> None:
        typer.echo(
            f"{w['size']:9d} {w['ms_per_article']:8.2f} {w['cpu_ms_per_article']:8.2f} {w['rss_mb']:8.0f} "
            f"{w['stories']:8d} {w['duplicate_index']:8d} {w['elapsed_s']:7.0f}s {how}"
        )

    res = run(
        pool,
        streamed,
        min(window, streamed[0]),
        budget,
        max_rss,
        per_day,
        on_window=lambda w: show(w) if w["size"] in wanted or w["size"] % (10 * window) == 0 else None,
    )
    rows = list(res["windows"])
    checks = (
        [streamed[-1]] if check and not res["stopped"] and streamed[-1] > warmup_articles(per_day) else []
    )
    forwarded_rows = {}
    for n in checks + forwarded:
        w = fast_forward(pool, n, window, per_day)
        forwarded_rows[n] = w
        rows.append({**w, "how": "fast-forward"})
        show(w, f"fast-forward (first {w['fast_forward']:,} articles counted in IDF only)")
    write_jsonl(out, rows)
    typer.echo(
        f"{res['articles']} articles streamed in {res['wall_s']:.1f} s linking ({res['articles'] / res['wall_s']:.1f}/s wall, "
        f"{res['articles'] / max(res['cpu_s'], 1e-9):.1f}/s per CPU second); {res['relations']} duplicate relations"
    )
    typer.echo(
        f"synthetic stories recovered: {res['stories']} live stories, {res['gold_stories']} generated; "
        f"pairwise F1 {res['pairwise']['f1']:.3f}, BCubed F1 {res['bcubed']['f1']:.3f}"
    )
    if res["stopped"]:
        typer.echo(f"streaming stopped early: {res['stopped']}")
    metrics = {
        "benchmark": NAME,
        "articles": res["articles"],
        "articles_per_s": round(res["articles"] / res["wall_s"], 2),
        "articles_per_cpu_s": round(res["articles"] / max(res["cpu_s"], 1e-9), 2),
        "stopped": res["stopped"],
        "synthetic_pairwise_f1": round(res["pairwise"]["f1"], 4),
        "synthetic_bcubed_f1": round(res["bcubed"]["f1"], 4),
    }
    for size in wanted:
        w = forwarded_rows.get(size) if size in forwarded else _at(res["windows"], size)
        for key in ("ms_per_article", "cpu_ms_per_article", "rss_mb"):
            metrics[f"{key}_at_{size}"] = w[key] if w else None
    for n in checks:
        streamed_w, ff_w = _at(res["windows"], n), forwarded_rows[n]
        if streamed_w:
            metrics[f"fast_forward_vs_streamed_cpu_at_{n}"] = round(
                ff_w["cpu_ms_per_article"] / streamed_w["cpu_ms_per_article"], 3
            )
    emit_metrics(metrics)
