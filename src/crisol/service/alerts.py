"""Saved searches and their alerts: what the faces call to save, check, mark and deliver.

A saved search (:class:`~crisol.store.saved.SavedSearch`) is a query with its filters, an entity
or a story. :func:`check` gives what is new since the reader last looked (its ``seen`` mark);
:func:`mark_seen` moves the mark to the horizon that check looked up to, so what arrived during
the check is still new next time. A webhook has its own mark (``notified``): :func:`notify`
POSTs a JSON summary of what is new to it and moves that mark only when the POST succeeds, so a
failed delivery is retried, whole, at the next call. :func:`atom_feed` writes the feed of one
saved search (Atom 1.0, standard library only).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from xml.etree import ElementTree as ET

from crisol.errors import CrisolError
from crisol.service.entities import find_entity
from crisol.store import Database
from crisol.store.saved import KINDS, AlertItem, Mark, NameTaken, SavedSearch
from crisol.store.search import QueryTooLong, parse_query

SHOWN = 50  # items an alert lists (the count says how many there are)
FEED_ENTRIES = 50  # a feed's latest entries: readers keep what they saw by entry id
WEBHOOK_TIMEOUT = 10.0  # seconds a delivery may take before it counts as failed
ATOM = "http://www.w3.org/2005/Atom"


class SavedSearchError(CrisolError):
    """A saved search that cannot be made as asked (unknown entity, empty query, bad URL...)."""


@dataclass
class Alert:
    """What is new for one saved search: the first :data:`SHOWN` items, how many in all, and
    the horizon the check looked up to (where :func:`mark_seen` moves the mark)."""

    saved: SavedSearch
    items: list[AlertItem]
    total: int
    horizon: Mark

    def to_dict(self) -> dict[str, Any]:
        return {"saved": self.saved.to_dict(), "new": self.total, "items": [item_dict(i) for i in self.items]}


@dataclass
class Delivery:
    """One webhook POST: to which saved search, how many items, and the error if it failed."""

    saved: SavedSearch
    items: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class SaveRequest:
    """What a face asks to save; :func:`save` checks and resolves it."""

    kind: str
    target: str
    name: str | None = None
    language: str | None = None
    outlet: str | None = None
    webhook: str | None = None


def item_dict(item: AlertItem) -> dict[str, Any]:
    return {
        "action": item.action,
        "at": item.at.isoformat(),
        "article": item.article.to_dict() if item.article else None,
        "story": item.story,
        "other_story": item.other_story,
    }


# ---- saving ----------------------------------------------------------------------------------


def save(db: Database, request: SaveRequest) -> SavedSearch:
    """Check, resolve (an entity by name, a story by id prefix) and store a saved search."""
    kind = request.kind.strip().lower()
    if kind not in KINDS:
        raise SavedSearchError(f"unknown kind {request.kind!r}: use one of {', '.join(KINDS)}")
    target, label = _resolve(db, kind, request.target.strip())
    webhook = (request.webhook or "").strip() or None
    if webhook is not None and not webhook.lower().startswith(("http://", "https://")):
        raise SavedSearchError(f"the webhook must be an http:// or https:// URL; got {webhook!r}")
    name = (request.name or "").strip() or f"{kind}: {label}"
    saved = SavedSearch(
        name=name[:200],
        kind=kind,  # type: ignore[arg-type]
        target=target,
        language=(request.language or "").strip().lower() or None,
        outlet=(request.outlet or "").strip() or None,
        webhook=webhook,
    )
    try:
        return db.saved.add(saved)
    except NameTaken as e:
        raise SavedSearchError(str(e)) from None


def _resolve(db: Database, kind: str, target: str) -> tuple[str, str]:
    """(what is stored, how it is named by default)."""
    if not target:
        raise SavedSearchError(f"nothing to save: give the {'query' if kind == 'search' else kind}")
    if kind == "search":
        try:
            if parse_query(target).empty:
                raise SavedSearchError(f"the query {target!r} has no words to search for")
        except QueryTooLong as e:
            raise SavedSearchError(str(e)) from None
        return target, target
    if kind == "entity":
        found = find_entity(db.annotations, target)
        if found.entity is None:
            names = ", ".join(f"{c.name} ({c.id})" for c in found.candidates[:5])
            why = (
                f"several entities match: {names}; give the id" if names else "no entity has that id or name"
            )
            raise SavedSearchError(f"{target!r}: {why}")
        return found.entity.id, found.entity.name
    story = db.links.resolve_story(target) or db.links.merged_target(target)
    if story is None:
        raise SavedSearchError(f"{target!r}: no story has that id (or it is ambiguous)")
    return story, story


# ---- checking --------------------------------------------------------------------------------


def check(db: Database, saved: SavedSearch, *, mark: str = "seen", limit: int = SHOWN) -> Alert:
    """What is new for ``saved`` past its ``mark`` ("seen" or "notified")."""
    after: Mark = getattr(saved, mark)
    horizon = db.saved.horizon(saved.kind)
    items = db.saved.items(saved, after, horizon, limit)
    total = len(items) if len(items) < limit else db.saved.count(saved, after, horizon)
    return Alert(saved, items, total, horizon)


def check_all(db: Database, *, limit: int = SHOWN) -> list[Alert]:
    return [check(db, saved, limit=limit) for saved in db.saved.list()]


def mark_seen(db: Database, alert: Alert) -> None:
    """The reader saw ``alert``: its items and everything up to its horizon are no longer new."""
    db.saved.set_mark(alert.saved.id, "seen", alert.horizon)


# ---- webhooks --------------------------------------------------------------------------------

Poster = Callable[[str, bytes, float], None]


def post_json(url: str, body: bytes, timeout: float) -> None:
    """POST ``body`` as JSON; raises on a network error or an answer that is not 2xx."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "User-Agent": "crisol"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the user's own URL
        if not 200 <= answer.status < 300:
            raise urllib.error.HTTPError(url, answer.status, answer.reason, answer.headers, None)


def notify(db: Database, *, timeout: float = WEBHOOK_TIMEOUT, post: Poster = post_json) -> list[Delivery]:
    """POST what is new (past ``notified``) to every saved search's webhook; one
    :class:`Delivery` per POST made. A delivery that succeeds moves the mark to the check's
    horizon; one that fails keeps it and records the error, so the same items go next time."""
    deliveries = []
    for saved in db.saved.list():
        if not saved.webhook:
            continue
        alert = check(db, saved, mark="notified")
        if not alert.items:
            continue
        body = json.dumps({"crisol": "alert", **alert.to_dict()}, ensure_ascii=False).encode("utf-8")
        try:
            post(saved.webhook, body, timeout)
        except (OSError, ValueError) as e:  # URLError, HTTPError and timeouts are OSErrors
            error = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: {e}"
            db.saved.set_notify_error(saved.id, error)
            deliveries.append(Delivery(saved, len(alert.items), error))
            continue
        db.saved.set_mark(saved.id, "notified", alert.horizon)
        deliveries.append(Delivery(saved, len(alert.items)))
    return deliveries


# ---- the Atom feed ---------------------------------------------------------------------------


@dataclass
class FeedLinks:
    """Absolute links the feed needs: to itself, to an article page, to a story page."""

    feed: str
    article: Callable[[str], str]
    story: Callable[[str], str]
    alternate: str | None = None  # the page the saved search shows on


def feed_entries(db: Database, saved: SavedSearch, limit: int = FEED_ENTRIES) -> list[AlertItem]:
    """The latest items of ``saved`` (newest first), whether seen or not: a feed reader keeps
    its own record of what it showed, by entry id."""
    return db.saved.items(saved, None, db.saved.horizon(saved.kind), limit, newest_first=True)


def atom_feed(saved: SavedSearch, items: list[AlertItem], links: FeedLinks) -> str:
    """An Atom 1.0 document: the feed's id is its own URL, each entry's id the page it links to
    (a story's change: the story page with the history row as fragment)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", links.feed)
    _text(feed, "title", f"crisol: {saved.name}")
    _text(feed, "subtitle", describe(saved))
    updated = max((i.at for i in items), default=saved.created or datetime.now(timezone.utc))
    _text(feed, "updated", _iso(updated))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=links.feed, type="application/atom+xml")
    if links.alternate:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=links.alternate, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "crisol")
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "crisol"
    for item in items:
        _entry(feed, item, links)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


def _entry(feed: ET.Element, item: AlertItem, links: FeedLinks) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    a = item.article
    if item.action == "match" or (item.action == "add" and a is not None):
        href = links.article(a.id)  # type: ignore[union-attr]
        ident = href
        title = a.title or f"article {a.id}"  # type: ignore[union-attr]
    else:
        href = links.story(item.story or "")
        ident = f"{href}#history-{item.history}"
        title = change_title(item)
    _text(entry, "id", ident)
    _text(entry, "title", title)
    _text(entry, "updated", _iso(item.at))
    if a is not None and a.published:
        _text(entry, "published", _iso(a.published))
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=href, type="text/html")
    if a is not None:
        summary = " · ".join(
            x for x in (a.outlet, a.language, a.published and a.published.date().isoformat()) if x
        )
        _text(entry, "summary", summary or a.id)


def change_title(item: AlertItem) -> str:
    """A story change in words, for the feed and the listings.

    >>> from datetime import datetime, timezone
    >>> change_title(AlertItem("merge", datetime.now(timezone.utc), story="s1", other_story="s2"))
    'story s1: merge (story s2)'
    """
    title = f"story {item.story}: {item.action}"
    if item.article is not None:
        title += f": {item.article.title or item.article.id}"
    if item.other_story:
        title += f" (story {item.other_story})"
    return title


def describe(saved: SavedSearch) -> str:
    """What a saved search looks for, in words.

    >>> describe(SavedSearch("x", "search", "sequía", language="es"))
    'articles matching “sequía” in language es'
    """
    if saved.kind == "story":
        return f"changes to story {saved.target}"
    what = (
        f"articles matching “{saved.target}”" if saved.kind == "search" else f"articles naming {saved.target}"
    )
    if saved.language:
        what += f" in language {saved.language}"
    if saved.outlet:
        what += f" from {saved.outlet}"
    return what


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = value


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


__all__ = [
    "Alert",
    "Delivery",
    "FeedLinks",
    "SaveRequest",
    "SavedSearchError",
    "atom_feed",
    "check",
    "check_all",
    "describe",
    "feed_entries",
    "mark_seen",
    "notify",
    "save",
]
