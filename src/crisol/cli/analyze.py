"""``crisol analyze FILE|-``: read, clean and annotate one input and show the analysis (nothing is
stored).

Text output is a readable report (sentences, entities with canonical name/country/role, dates,
quotes, events); ``--format json`` prints one JSON object per article with the keys
``title``, ``language``, ``analysis``, ``sentences``, ``entities``, ``dates``, ``quotes``,
``events`` (JSON Lines when the input holds several articles).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from crisol.cli._common import ShowFormat
from crisol.model import Article, Rejection

err = Console(stderr=True, highlight=False)


def analysis_dict(article: Article) -> dict[str, Any]:
    """The JSON shape of ``crisol analyze --format json`` for one article."""
    return {
        "title": article.title,
        "source": f"{article.source} ({article.location})" if article.location else article.source,
        "language": article.language,
        "analysis": article.analysis,
        "published": article.published.isoformat() if article.published else None,
        "sentences": [asdict(s) for s in article.sentences],
        "entities": [asdict(m) for m in article.mentions],
        "dates": [asdict(d) for d in article.dates],
        "quotes": [asdict(q) for q in article.quotes],
        "events": [asdict(e) for e in article.events],
    }


def _entity_table(article: Article) -> Table:
    table = Table("entity", "label", "canonical", "country", "role", "n", title="Entities")
    counts = Counter((m.canonical or m.text, m.label, m.country, m.role) for m in article.mentions)
    surfaces: dict[tuple, set[str]] = {}
    for m in article.mentions:
        surfaces.setdefault((m.canonical or m.text, m.label, m.country, m.role), set()).add(m.text)
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0])):
        canonical, label, country, role = key
        table.add_row(" / ".join(sorted(surfaces[key])), label, canonical, country or "", role or "", str(n))
    return table


def _dates_table(article: Article) -> Table:
    table = Table("expression", "value", "precision", "sentence", title="Dates")
    for d in article.dates:
        table.add_row(d.text, d.value or "", d.precision, str(d.sentence))
    return table


def _quotes_table(article: Article) -> Table:
    table = Table("speaker", "cue", "kind", "via", "quote", title="Quotes")
    for q in article.quotes:
        table.add_row(q.speaker or "?", q.cue or "", q.kind, q.via or "", q.text)
    return table


def _events_table(article: Article) -> Table:
    from crisol.present.cross_events import date_source_of, when_label  # lazy: loads the linker

    table = Table("type", "mode", "source", "target", "where", "when", "certainty", title="Events")
    for e in article.events:
        table.add_row(
            e.type,
            e.mode or "",
            e.source.name if e.source else "",
            e.target.name if e.target else "",
            e.location or "",
            when_label(e.date, e.date_precision, date_source_of(e, article)),
            e.certainty,
        )
    return table


def print_report(article: Article, console: Console) -> None:
    console.rule(article.title or article.source, style="bold")
    console.print(
        f"language: {article.language}   analysis: {article.analysis}   "
        f"sentences: {len(article.sentences)}   published: "
        f"{article.published.isoformat() if article.published else '?'}",
        markup=False,
    )
    for table in (
        _entity_table(article),
        _dates_table(article),
        _quotes_table(article),
        _events_table(article),
    ):
        if table.row_count:
            console.print(table)


def analyze(
    path: Annotated[str, typer.Argument(help="An input file (any format crisol reads), or - for stdin.")],
    format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="text report or JSON.")
    ] = ShowFormat.text,
    language: Annotated[
        Optional[str],
        typer.Option("--language", "-l", help="Analyse as this language (ISO 639-1), overriding detection."),
    ] = None,
) -> None:
    """Analyse one input without storing it: entities, dates, quotes and events."""
    from crisol.service.analyze import articles_of  # lazy: it loads spaCy, which --help need not

    out = Console(highlight=False, soft_wrap=format is ShowFormat.json)
    rejected = 0
    for item in articles_of(path, language):
        if isinstance(item, Rejection):
            err.print(f"rejected: {item}", markup=False)
            rejected += 1
        elif format is ShowFormat.json:
            print(json.dumps(analysis_dict(item), ensure_ascii=False))
        else:
            print_report(item, out)
    if rejected:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
