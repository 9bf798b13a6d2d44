"""Unlabelled text corpora for training and benchmarks: JSON Lines or plain-text files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

TEXT_FIELDS = ("Text", "TEXT", "text")


def read_texts(paths: list[Path]) -> Iterator[tuple[str, str]]:
    """(where, text) from JSON Lines files (fields Text/TEXT/text) or plain-text files.

    A line that is not JSON, or a file that is not UTF-8, raises ``ValueError`` naming it.
    """
    for path in paths:
        try:
            yield from _texts_of(path)
        except UnicodeDecodeError as e:
            raise ValueError(f"{path}: not UTF-8 text (byte {e.start})") from None


def _texts_of(path: Path) -> Iterator[tuple[str, str]]:
    if path.suffix != ".jsonl":
        yield path.name, path.read_text(encoding="utf-8")
        return
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path} line {number}: not JSON ({e.msg})") from None
            text = (
                next((record.get(k) for k in TEXT_FIELDS if record.get(k)), None)
                if isinstance(record, dict)
                else None
            )
            if isinstance(text, str) and text.strip():
                yield f"{path.name}:{number}", text
