"""The boundary around every record a reader yields: an exception becomes a Rejection.

A reader turns one input into many records; a bug or a resource limit met on one record (a
RecursionError in a parser, a codec that raises something unexpected) must cost that record
only. :func:`guarded` wraps the step that turns one record into an article; :func:`failure`
words the reason, naming an internal error as one (the traceback goes to the debug log).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

from crisol.model import Rejection
from crisol.read.limits import MAX_JSON_DEPTH

log = logging.getLogger(__name__)

# A JSON string (escapes included) or a bracket; strings are skipped when counting depth.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def failure(e: BaseException, doing: str) -> str:
    """The reason for a Rejection caused by exception ``e`` while ``doing`` something.

    >>> failure(RecursionError("maximum recursion depth exceeded"), "reading this record")
    'nested too deeply for reading this record (the recursion limit was reached)'
    >>> failure(KeyError("x"), "reading it as html").startswith("internal error reading it as html")
    True
    """
    if isinstance(e, RecursionError):
        return f"nested too deeply for {doing} (the recursion limit was reached)"
    if isinstance(e, MemoryError):
        return f"out of memory while {doing}"
    frames = traceback.extract_tb(e.__traceback__) if e.__traceback__ else []
    at = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    text = str(e)
    if len(text) > 200:
        text = text[:200] + "…"
    # the message may quote the input: keep the reason storable (no NUL, no lone surrogate)
    text = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    return f"internal error {doing} ({type(e).__name__}: {text}{at}); please report this input"


def guarded(source: str, location: str | None, step: Callable[..., Any], *args: Any) -> Any:
    """``step(*args)``, or a Rejection of the record at ``location`` when it raises."""
    try:
        return step(*args)
    except Exception as e:  # noqa: BLE001 - the boundary: one record never costs the others
        log.debug("%s (%s): reading a record failed", source, location, exc_info=True)
        return Rejection(source, failure(e, "reading this record"), location)


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep the JSON ``text`` nests, counted up to ``limit + 1`` (then it stops).

    Brackets inside strings do not count.

    >>> json_depth('{"a": [1, {"b": "[[["}]}'), json_depth("[" * 500 + "]" * 500)
    (3, 201)
    """
    depth = deepest = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif token in "]}":
            depth -= 1
    return deepest


def too_deep(text: str) -> str | None:
    """The reason to reject a JSON record nested deeper than :data:`MAX_JSON_DEPTH`, else None."""
    if text.count("{") + text.count("[") <= MAX_JSON_DEPTH:  # cannot nest deeper: no scan
        return None
    if json_depth(text) > MAX_JSON_DEPTH:
        return f"JSON nested more than {MAX_JSON_DEPTH} levels deep (the limit), not an article"
    return None
