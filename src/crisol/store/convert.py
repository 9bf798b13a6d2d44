"""Articles to rows and back: the only place that knows how model fields map to columns."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from sqlalchemy import Table

from crisol.model import (
    Actor,
    Article,
    Event,
    Mention,
    Quote,
    RemovedLine,
    Sentence,
    TimeExpression,
)
from crisol.store import schema as s

Row = dict[str, Any]


def article_row(a: Article, *, copy_of: str | None, ingested_at) -> Row:
    return {
        "id": a.id,
        "source": a.source,
        "location": a.location,
        "url": a.url,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published,
        "date_source": a.date_source,
        "fetched": a.fetched,
        "language": a.language,
        "language_score": a.language_score,
        "text": a.text,
        "text_hash": a.text_hash,
        "authors": list(a.authors or []),
        "raw_format": a.raw_format,
        "analysis": a.analysis,
        "copy_of": copy_of,
        "ingested_at": ingested_at,
        "agency": a.agency,
    }


def _removed(x: RemovedLine) -> Row:
    return {"line": x.line, "text": x.text, "reason": x.reason}


def _sentence(x: Sentence) -> Row:
    return {"sentence": x.index, "char_start": x.start, "char_end": x.end, "text": x.text}


def _mention(x: Mention) -> Row:
    return {
        "text": x.text,
        "label": x.label,
        "char_start": x.start,
        "char_end": x.end,
        "sentence": x.sentence,
        "entity_id": x.entity_id,
        "canonical": x.canonical,
        "country": x.country,
        "role": x.role,
        "source": x.source,
    }


def _time(x: TimeExpression) -> Row:
    return {
        "text": x.text,
        "char_start": x.start,
        "char_end": x.end,
        "sentence": x.sentence,
        "value": x.value,
        "precision": x.precision,
        "rule": x.rule,
    }


def _quote(x: Quote) -> Row:
    return {
        "text": x.text,
        "kind": x.kind,
        "speaker": x.speaker,
        "cue": x.cue,
        "char_start": x.start,
        "char_end": x.end,
        "sentence": x.sentence,
        "speaker_entity": x.speaker_entity,
        "via": x.via,
    }


def _actor(role: str, actor: Actor | None) -> Row:
    if actor is None:
        return {f"{role}_{k}": None for k in ("name", "entity", "country", "sector")}
    return {
        f"{role}_name": actor.name,
        f"{role}_entity": actor.entity_id,
        f"{role}_country": actor.country,
        f"{role}_sector": actor.sector,
    }


def _event(x: Event) -> Row:
    return {
        "event_id": x.id,
        "type": x.type,
        "mode": x.mode,
        **_actor("source", x.source),
        **_actor("target", x.target),
        "sentence": x.sentence,
        "sentence_text": x.sentence_text,
        "trigger": x.trigger,
        "location": x.location,
        "date": x.date,
        "date_precision": x.date_precision,
        "certainty": x.certainty,
        "attributed_to": x.attributed_to,
        "date_source": x.date_source,
    }


# (table, Article attribute, item -> row): the lists an article owns.
CHILD_LISTS: list[tuple[Table, str, Callable[[Any], Row]]] = [
    (s.removed_lines, "removed", _removed),
    (s.sentences, "sentences", _sentence),
    (s.mentions, "mentions", _mention),
    (s.time_expressions, "dates", _time),
    (s.quotes, "quotes", _quote),
    (s.events, "events", _event),
]


def child_rows(a: Article) -> list[tuple[Table, list[Row]]]:
    """Rows for every child table of ``a`` (each row with article_id and position)."""
    out = []
    for table, attr, to_row in CHILD_LISTS:
        items = getattr(a, attr) or []
        rows = [{"article_id": a.id, "position": i, **to_row(x)} for i, x in enumerate(items)]
        out.append((table, rows))
    return out


# ---- rows back to model objects -------------------------------------------------------------


def article_from_row(r: Mapping[str, Any], raw: bytes = b"") -> Article:
    return Article(
        id=r["id"],
        source=r["source"],
        raw=raw,
        raw_format=r["raw_format"],
        text=r["text"],
        location=r["location"],
        title=r["title"],
        outlet=r["outlet"],
        url=r["url"],
        authors=list(r["authors"] or []),
        published=r["published"],
        date_source=r["date_source"],
        fetched=r["fetched"],
        language=r["language"],
        language_score=r["language_score"],
        analysis=r["analysis"],
        copy_of=r["copy_of"],
        agency=r["agency"],
    )


def _actor_from(r: Mapping[str, Any], role: str) -> Actor | None:
    if r[f"{role}_name"] is None:
        return None
    return Actor(
        name=r[f"{role}_name"],
        entity_id=r[f"{role}_entity"],
        country=r[f"{role}_country"],
        sector=r[f"{role}_sector"],
    )


FROM_ROW: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "removed": lambda r: RemovedLine(text=r["text"], reason=r["reason"], line=r["line"]),
    "sentences": lambda r: Sentence(r["sentence"], r["char_start"], r["char_end"], r["text"]),
    "mentions": lambda r: Mention(
        text=r["text"],
        label=r["label"],
        start=r["char_start"],
        end=r["char_end"],
        sentence=r["sentence"],
        entity_id=r["entity_id"],
        canonical=r["canonical"],
        country=r["country"],
        role=r["role"],
        source=r["source"],
    ),
    "dates": lambda r: TimeExpression(
        text=r["text"],
        start=r["char_start"],
        end=r["char_end"],
        sentence=r["sentence"],
        value=r["value"],
        precision=r["precision"],
        rule=r["rule"],
    ),
    "quotes": lambda r: Quote(
        text=r["text"],
        kind=r["kind"],
        speaker=r["speaker"],
        cue=r["cue"],
        start=r["char_start"],
        end=r["char_end"],
        sentence=r["sentence"],
        speaker_entity=r["speaker_entity"],
        via=r["via"],
    ),
    "events": lambda r: Event(
        type=r["type"],
        mode=r["mode"],
        source=_actor_from(r, "source"),
        target=_actor_from(r, "target"),
        sentence=r["sentence"],
        sentence_text=r["sentence_text"],
        trigger=r["trigger"],
        location=r["location"],
        date=r["date"],
        date_precision=r["date_precision"],
        certainty=r["certainty"],
        attributed_to=r["attributed_to"],
        id=r["event_id"],
        date_source=r["date_source"],
    ),
}
