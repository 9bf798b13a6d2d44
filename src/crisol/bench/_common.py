"""Shared helpers for benchmark commands: locating ../shared data, writing results."""

from __future__ import annotations

import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import httpx


def shared_dir() -> Path | None:
    """The ``shared`` folder beside the project (CRISOL_SHARED overrides), or None if absent."""
    env = os.environ.get("CRISOL_SHARED")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [p / "shared" for p in here.parents] + [Path.cwd().parent / "shared"]
    for c in candidates:
        if (c / "data").is_dir() or (c / "seeds").is_dir():
            return c
    return None


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def emit_metrics(metrics: dict[str, Any]) -> None:
    """Print the closing JSON line every benchmark ends with."""
    metrics = {**metrics, "date": datetime.now(timezone.utc).date().isoformat(), "machine": machine()}
    print(json.dumps(metrics, ensure_ascii=False, sort_keys=True))


def write_jsonl(path: Path | None, rows: Iterable[dict[str, Any]]) -> None:
    """Write per-item results when ``--out`` was given."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The write token of the servers the benches start (crisol serve needs one for writes).
SERVER_TOKEN = secrets.token_urlsafe(16)
AUTH = {"Authorization": f"Bearer {SERVER_TOKEN}"}


def start_server(db: str, port: int, wait: float = 180.0) -> subprocess.Popen:
    """``crisol --db DB --create serve`` (no analysis, no warm-up) on 127.0.0.1:``port``, once it
    answers; writes need the headers :data:`AUTH`. A new DB starts empty. Without the warm-up a
    bench measures what it asks for, not story views presented beside it (and the first read
    of a story is the cold one ``crisol bench page`` has always reported)."""

    cmd = [
        sys.executable,
        "-c",
        "from crisol.cli import main; main()",
        "--db",
        db,
        "--create",
        "serve",
        "--port",
        str(port),
        "--no-analyze",
        "--no-warm",
        "--log-level",
        "warning",
        "--token",
        SERVER_TOKEN,
    ]
    # its messages go to a file: a pipe nobody reads would stall the server once full
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"crisol serve over {db} exited: {log.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stories?limit=1", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"crisol serve over {db} did not answer within {wait:.0f} s")
