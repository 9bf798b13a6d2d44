"""Events as CSV, in one GDELT-like layout for the CLI, the REST API and the web pages.

Light on purpose (the standard library only): the command line builds its commands from it
without loading the analysis.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable, Iterable, Iterator, Sequence

CSV_CHUNK = 64 * 1024  # characters per streamed chunk: few sends, little memory

# One row per event, GDELT-like: id and date, actor 1 (source), actor 2 (target), the PLOVER
# type and mode (GDELT's event code), certainty, place, where it was read (SOURCEURL), and the
# story the article belongs to (its other articles report the same events from other sources).
EVENT_CSV_COLUMNS = [
    "event_id", "date", "date_precision",
    "source_name", "source_country", "source_sector", "source_entity",
    "target_name", "target_country", "target_sector", "target_entity",
    "type", "mode", "certainty", "attributed_to", "location", "trigger", "sentence",
    "article", "outlet", "url", "published", "story",
]  # fmt: skip


def event_csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """An event in its JSON shape (:meth:`EventRow.to_dict`) flattened to the CSV columns."""
    flat = {k: row.get(k) for k in EVENT_CSV_COLUMNS}
    flat["event_id"] = row.get("id")
    for role in ("source", "target"):
        actor = row.get(role) or {}
        for key, column in (
            ("name", "name"),
            ("country", "country"),
            ("sector", "sector"),
            ("entity_id", "entity"),
        ):
            flat[f"{role}_{column}"] = actor.get(key)
    return flat


# One row per cross-source event, GDELT-like (see the module docstring for each column).
CROSS_CSV_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "DatePrecision", "DateSource",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code", "Actor1EntityId",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "Actor2EntityId",
    "EventCode", "EventMode", "NumMentions", "NumArticles", "NumSources", "NumIndependentSources",
    "Certainty", "Certainties", "AttributedTo", "ActionGeo_FullName", "Stories", "ArticleIds",
    "Outlets", "SOURCEURLS",
]  # fmt: skip


def cross_csv_row(e: dict[str, Any]) -> dict[str, Any]:
    """A cross-source event in its JSON shape (:meth:`CrossEvent.to_dict`) as a CSV row."""
    row: dict[str, Any] = {
        "GLOBALEVENTID": e["id"],
        "SQLDATE": _sqldate(e["date"]),
        "DatePrecision": e["date_precision"],
        "DateSource": e["date_source"],
        "EventCode": e["type"],
        "EventMode": e["mode"],
        "NumMentions": len(e["sentences"]),
        "NumArticles": e["num_articles"],
        "NumSources": e["num_outlets"],
        "NumIndependentSources": e["num_independent_sources"],
        "Certainty": e["certainty"],
        "Certainties": ";".join(f"{k}:{len(v)}" for k, v in e["certainties"].items()),
        "AttributedTo": ";".join(e["attributed_to"]),
        "ActionGeo_FullName": e["location"],
        "Stories": ";".join(e["stories"]),
        "ArticleIds": ";".join(e["articles"]),
        "Outlets": ";".join(e["outlets"]),
        "SOURCEURLS": ";".join(e["urls"]),
    }
    for n, role in ((1, "source"), (2, "target")):
        actor = e.get(role) or {}
        row.update(
            {
                f"Actor{n}Code": actor.get("code"),
                f"Actor{n}Name": actor.get("name"),
                f"Actor{n}CountryCode": actor.get("country"),
                f"Actor{n}Type1Code": actor.get("sector"),
                f"Actor{n}EntityId": actor.get("entity_id"),
            }
        )
    return row


def _sqldate(value: str | None) -> str | None:
    """GDELT's compact date: "2025-06-12" -> "20250612"; a month or year stays shorter."""
    if not value:
        return None
    parts = value.split("-")
    return "".join(p for p in parts if p.isdigit()) if all(p.isdigit() for p in parts) else value


def csv_lines(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], flat: Callable[[dict[str, Any]], dict[str, Any]]
) -> Iterator[str]:
    """CSV text of ``rows`` flattened by ``flat`` to ``columns`` (header first), in chunks of
    about :data:`CSV_CHUNK` characters, so a response or a file can stream it."""
    buf = io.StringIO()
    writer = _writer(buf, columns)
    for row in rows:
        writer.writerow(_cells(flat(row)))
        if buf.tell() >= CSV_CHUNK:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def event_csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Per-article events (their JSON shape) in the GDELT-like CSV layout."""
    return csv_lines(rows, EVENT_CSV_COLUMNS, event_csv_row)


def write_csv(
    rows: Iterable[dict[str, Any]],
    out,
    columns: Sequence[str],
    flat: Callable[[dict[str, Any]], dict[str, Any]],
) -> int:
    """Write ``rows`` to ``out`` as :func:`csv_lines` lays them out; the number of rows written."""
    writer = _writer(out, columns)
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow(_cells(flat(row)))
    return n


def _writer(out, columns: Sequence[str]) -> csv.DictWriter:
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    return writer


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    return {k: "" if v is None else v for k, v in row.items()}
