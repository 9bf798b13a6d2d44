"""A run killed with SIGKILL and started again ends with every article exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crisol.store import open_store

N_FILES = 400
TOWNS = ["Valdecañas", "Puerto Alto", "Riomar", "Almoril", "Santa Olaya", "Villaseca", "Torrenueva"]
TOPICS = [
    ("un nuevo centro de salud", "las obras durarán catorce meses"),
    ("la reforma de la plaza mayor", "los comerciantes piden que no coincida con las fiestas"),
    ("un carril bici hasta la estación", "la oposición critica el coste del proyecto"),
    ("la ampliación del colegio público", "las familias reclaman más plazas de comedor"),
]


def write_articles(folder: Path, n: int) -> None:
    """Small, distinct made-up local news articles, one per file."""
    folder.mkdir(parents=True)
    for i in range(n):
        town = TOWNS[i % len(TOWNS)]
        topic, reaction = TOPICS[i % len(TOPICS)]
        body = (
            f"El ayuntamiento de {town} presenta {topic} (expediente {i})\n\n"
            f"El pleno municipal de {town} aprobó el día {1 + i % 28} de mayo {topic}, con un "
            f"presupuesto de {100 + i} mil euros, según informó el consistorio en un comunicado.\n\n"
            f"El concejal responsable explicó que {reaction}, y que el proyecto número {i} se "
            f"presentará a los vecinos en una reunión abierta la próxima semana.\n\n"
            f"Los grupos de la oposición votaron en contra y pidieron un estudio independiente "
            f"antes de adjudicar los trabajos a ninguna empresa.\n"
        )
        (folder / f"noticia-{i:04d}.txt").write_text(body, encoding="utf-8")


def crisol(db: Path, *args: str) -> list[str]:
    exe = Path(sys.executable).parent / "crisol"
    return [str(exe), "--db", str(db), *args]


def stored(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet
        return 0


@pytest.mark.slow
def test_a_killed_ingest_resumes_without_duplicates_or_losses(tmp_path):
    folder, db = tmp_path / "many", tmp_path / "resume.db"
    write_articles(folder, N_FILES)
    args = crisol(db, "ingest", str(folder), "--batch-size", "7", "--no-analyze")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300  # generous: the machine is shared
    while stored(db) < 30 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"finished before it could be killed: {proc.stderr.read().decode()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    partial = stored(db)
    assert 0 < partial < N_FILES, f"{partial} stored when killed; stderr: {err[-2000:]}"

    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with open_store(str(db)) as store:
        articles = list(store.iter_articles())
        inputs = store.list_inputs()
    assert len(articles) == N_FILES
    assert len({a.id for a in articles}) == N_FILES
    assert len({a.text_hash for a in articles}) == N_FILES and not any(a.copy_of for a in articles)
    assert sorted(Path(a.source).name for a in articles) == sorted(p.name for p in folder.iterdir())
    assert len(inputs) == N_FILES and all(r.status == "done" and r.articles == 1 for r in inputs)
