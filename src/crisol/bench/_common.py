"""Shared helpers for benchmark commands: locating ../shared data, writing results."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable


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
