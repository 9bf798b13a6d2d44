"""What each page shows, gathered from the store through the library's read functions.

Each ``*_page`` function returns the template context of one page (plain values; the templates
escape everything), or None when the thing asked for does not exist.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any, Callable

from markupsafe import Markup, escape

from crisol.cli.entities import entity_view, find_entity
from crisol.link.service import list_stories, resolve_story, story_view
from crisol.present.render import labels
from crisol.store import Store
from crisol.store.link import LinkStore
from crisol.store.queries import AnnotationQueries, EventRow, date_span
from crisol.web import charts
from crisol.web.highlight import highlight_article

HOME_STORIES = 12
RAW_CHARS = 200_000  # the raw input shown on an article page is cut here (the download is whole)
EVENTS_SHOWN = 500
NEIGHBOURS = 12  # co-occurring entities drawn in an entity's network
NETWORK_ARTICLES = 200  # articles read to find them
CERTAINTIES = ("asserted", "attributed", "alleged", "denied", "hypothetical")


@dataclass
class Urls:
    """Links between pages, under the prefix the pages are mounted at ("" or "/ui")."""

    base: str = ""

    def home(self) -> str:
        return self.base + "/"

    def story(self, sid: str) -> str:
        return f"{self.base}/stories/{_q(sid)}"

    def article(self, aid: str, sentence: int | None = None) -> str:
        return f"{self.base}/articles/{_q(aid)}" + (f"#s-{int(sentence)}" if sentence is not None else "")

    def raw(self, aid: str) -> str:
        return f"{self.base}/articles/{_q(aid)}/raw"

    def entity(self, eid: str) -> str:
        return f"{self.base}/entities/{_q(eid)}"

    def events(self, **params: Any) -> str:
        return f"{self.base}/events" + _query(params)

    def events_csv(self, **params: Any) -> str:
        return f"{self.base}/events.csv" + _query(params)

    def search(self, **params: Any) -> str:
        return f"{self.base}/search" + _query(params)

    def static(self, name: str) -> str:
        return f"{self.base}/static/{name}"


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


def _query(params: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


# ---- home -------------------------------------------------------------------------------------


def home_page(store: Store) -> dict[str, Any]:
    latest = list_stories(store, limit=HOME_STORIES, order="last")
    biggest = list_stories(store, limit=HOME_STORIES, order="size")
    recent = store.list_articles(limit=HOME_STORIES, order="published")
    return {"latest": [r.to_dict() for r in latest.data], "biggest": [r.to_dict() for r in biggest.data],
            "total": latest.total, "articles": recent.items, "article_total": recent.total}  # fmt: skip


# ---- story ------------------------------------------------------------------------------------


# Presenting a story embeds all its sentences (seconds for a big story): the last views are
# kept, keyed by the story's members, so a story that gained an article is presented again.
_VIEWS: OrderedDict[tuple, dict] = OrderedDict()
VIEWS_KEPT = 64


def cached_story_view(store: Store, sid: str) -> dict | None:
    key = (store.where, sid, tuple(LinkStore(store).story_members(sid)))
    if key in _VIEWS:
        _VIEWS.move_to_end(key)
        return _VIEWS[key]
    view = story_view(store, sid)
    if view is not None:
        _VIEWS[key] = view
        while len(_VIEWS) > VIEWS_KEPT:
            _VIEWS.popitem(last=False)
    return view


def story_page(store: Store, story_id: str, urls: Urls) -> dict[str, Any] | None:
    sid = resolve_story(store, story_id)
    view = cached_story_view(store, sid) if sid else None
    if view is None:
        return None
    names = labels(view)
    sources = {s["id"]: s for s in view.get("sources", [])}
    alignments = _alignments(store, view["articles"], names)
    # event id -> {article: sentence index}, the first report in each article
    event_sentences = {e["id"]: {r["article"]: r["sentence"] for r in reversed(e.get("sentences") or [])}
                       for e in view.get("events", [])}  # fmt: skip
    return {"story": view, "names": names, "sources": sources, "alignments": alignments,
            "timeline": _story_timeline(view, names, urls), "event_sentences": event_sentences}  # fmt: skip


def _alignments(store: Store, ids: list[str], names: dict[str, str]) -> list[dict[str, Any]]:
    """The stored relations between the story's articles, with their aligned sentence pairs."""
    out = []
    for r in LinkStore(store).relations_among(ids):
        pairs = sorted(r.get("pairs") or [], key=lambda p: (p["b"], p["a"]))
        pairs = [{**p, **dict(zip(("a_html", "b_html"), word_diff(p["a_text"], p["b_text"])))} for p in pairs]
        out.append({"a": r["a"], "b": r["b"], "kind": r["kind"], "score": r["score"], "pairs": pairs,
                    "dropped": r.get("dropped") or [], "added": r.get("added") or [],
                    "a_label": names.get(r["a"], r["a"]), "b_label": names.get(r["b"], r["b"])})  # fmt: skip
    return out


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(a: str, b: str) -> tuple[Markup, Markup]:
    """Two versions of a sentence as HTML: words only in ``a`` in ``<del>``, words only in ``b``
    in ``<ins>`` (every piece escaped).

    >>> word_diff("12 millones", "15 millones")
    (Markup('<del>12</del> millones'), Markup('<ins>15</ins> millones'))
    """
    ta, tb = _WORDS.findall(a or ""), _WORDS.findall(b or "")
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            out_a.append(escape("".join(ta[i1:i2])))
            out_b.append(escape("".join(tb[j1:j2])))
            continue
        if i2 > i1:
            out_a.append(Markup("<del>{}</del>").format("".join(ta[i1:i2])))
        if j2 > j1:
            out_b.append(Markup("<ins>{}</ins>").format("".join(tb[j1:j2])))
    return Markup("").join(out_a), Markup("").join(out_b)


def _story_timeline(view: dict, names: dict[str, str], urls: Urls) -> charts.Timeline | None:
    events = []
    for t in view.get("timeline", []):
        who = " → ".join(x for x in (t.get("source"), t.get("target")) if x)
        label = t["type"] + (f"/{t['mode']}" if t.get("mode") else "")
        cites = t.get("citations") or []
        events.append({"date": t.get("date"), "label": label, "title": f"{t.get('date')}: {label} {who}".strip(),
                       "href": urls.article(cites[0]) if cites else None})  # fmt: skip
    articles = [{"date": s.get("published"), "label": names.get(s["id"], s["id"]),
                 "title": f"{(s.get('published') or '')[:10]}: {names.get(s['id'], s['id'])} — {s.get('title') or ''}",
                 "href": urls.article(s["id"])} for s in view.get("sources", [])]  # fmt: skip
    return charts.timeline(events, articles)


# ---- article ----------------------------------------------------------------------------------


def article_page(store: Store, article_id: str, urls: Urls) -> dict[str, Any] | None:
    article = store.get_article(article_id)
    if article is None:
        return None
    queries = AnnotationQueries(store)
    linked = {m.entity_id for m in article.mentions if m.entity_id}
    body = highlight_article(article, lambda m: urls.entity(m.entity_id) if m.entity_id else None)
    story = LinkStore(store).story_of(article.id)
    raw = store.raw_bytes(article.id) or b""
    raw_text = raw.decode("utf-8", errors="replace")
    return {
        "article": article, "body": body, "story": story,
        "entities": _article_entities(article, queries.entity_names(linked)),
        "events": queries.events(article_id=article.id),
        "raw_text": raw_text[:RAW_CHARS], "raw_cut": len(raw_text) > RAW_CHARS, "raw_size": len(raw),
    }  # fmt: skip


def _article_entities(article, names: dict[str, str]) -> list[dict[str, Any]]:
    """The article's entities: one row per registry entity (or per unlinked surface form)."""
    rows: dict[str, dict[str, Any]] = {}
    for m in article.mentions:
        key = m.entity_id or f"{m.label}:{m.canonical or m.text}"
        row = rows.setdefault(key, {"entity_id": m.entity_id, "label": m.label, "count": 0, "sentence": m.sentence,
                                    "name": names.get(m.entity_id or "", m.canonical or m.text)})  # fmt: skip
        row["count"] += 1
    return sorted(rows.values(), key=lambda r: (-r["count"], r["name"]))


# ---- entity -----------------------------------------------------------------------------------


def entity_page(store: Store, name: str, urls: Urls) -> dict[str, Any] | None:
    """One entity (by id or any spelling); ``candidates`` when the name is ambiguous."""
    queries = AnnotationQueries(store)
    found = find_entity(queries, name)
    if found.entity is None:
        return {"candidates": found.candidates, "name": name} if found.candidates else None
    view = entity_view(queries, found.entity)
    dated = [q.article.published.date().isoformat() for q in view.quotes if q.article.published]
    dated += [e.event.date or (e.article.published.date().isoformat() if e.article.published else None)
              for e in view.events]  # fmt: skip
    return {"entity": found.entity, "view": view, "network": _network(store, queries, found.entity, urls),
            "activity": charts.bar_chart(charts.counts_over_time(dated)),
            "quotes": sorted(view.quotes, key=lambda q: q.article.published or _MIN, reverse=True),
            "events": sorted(view.events, key=_event_when, reverse=True)}  # fmt: skip


_MIN = __import__("datetime").datetime.min.replace(tzinfo=__import__("datetime").timezone.utc)


def _event_when(row: EventRow) -> str:
    return row.event.date or (row.article.published.date().isoformat() if row.article.published else "")


def _network(store: Store, queries: AnnotationQueries, entity, urls: Urls) -> charts.Network | None:
    """Entities named in the same articles as ``entity``: the most shared ones and their links."""
    per_article: list[set[str]] = []
    for aid in entity.articles[:NETWORK_ARTICLES]:
        article = store.get_article(aid)
        if article is not None:
            per_article.append({m.entity_id for m in article.mentions if m.entity_id and m.entity_id != entity.id})
    shared = Counter(e for ids in per_article for e in ids)
    top = [e for e, _ in shared.most_common(NEIGHBOURS)]
    if not top:
        return None
    names = queries.entity_names(top)
    chosen = set(top)
    links: Counter = Counter()
    for ids in per_article:
        for a, b in combinations(sorted(ids & chosen), 2):
            links[(a, b)] += 1
    neighbours = [(e, names.get(e, e), shared[e]) for e in top]
    return charts.network((entity.id, entity.name), neighbours, dict(links), href=urls.entity)


# ---- events -----------------------------------------------------------------------------------


@dataclass
class EventFilters:
    actor: str = ""
    type: str = ""
    certainty: str = ""
    since: str = ""
    until: str = ""

    def params(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}

    def problems(self) -> list[str]:
        out = []
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and date_span(value) is None:
                out.append(f"{name}: {value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
        if self.certainty and self.certainty not in CERTAINTIES:
            out.append(f"certainty: {self.certainty!r} is not one of {', '.join(CERTAINTIES)}")
        return out


def select_events(store: Store, f: EventFilters, limit: int | None) -> list[EventRow]:
    """Events matching the filters; an actor is looked up in the registry first (every spelling
    of the entities it names counts), else matched as a plain actor name."""
    queries = AnnotationQueries(store)
    entity_ids: list[str] = []
    names: list[str] = []
    if f.actor:
        found = find_entity(queries, f.actor)
        chosen = [found.entity] if found.entity else found.candidates
        entity_ids = [e.id for e in chosen]
        names = [f.actor, *(t for e in chosen for t in (e.name, *(a for a, _ in e.aliases)))]
    since = date_span(f.since)[0] if f.since else None
    until = date_span(f.until)[1] if f.until else None
    return queries.events(entity_ids=entity_ids, actor_names=names, type=f.type or None,
                          certainty=f.certainty or None, since=since, until=until, limit=limit)  # fmt: skip


def events_page(store: Store, f: EventFilters) -> dict[str, Any]:
    problems = f.problems()
    rows = [] if problems else select_events(store, f, None)
    when = [_event_when(r) or None for r in rows]
    return {"filters": f, "problems": problems, "rows": rows[:EVENTS_SHOWN], "total": len(rows),
            "chart": charts.bar_chart(charts.counts_over_time(when)),
            "types": sorted({r.event.type for r in rows}), "certainties": CERTAINTIES}  # fmt: skip


# ---- search -----------------------------------------------------------------------------------

_MARK = re.compile(r"(</?mark>)")


def snippet_markup(snippet: str) -> Markup:
    """A search snippet (HTML-escaped text with ``<mark>`` around matches) rebuilt from its
    text: every piece is unescaped and escaped again, so only our own ``<mark>`` tags survive."""
    out, depth = [], 0
    for piece in _MARK.split(snippet or ""):
        if piece == "<mark>":
            out.append(Markup("<mark>"))
            depth += 1
        elif piece == "</mark>" and depth:
            out.append(Markup("</mark>"))
            depth -= 1
        elif piece not in ("<mark>", "</mark>"):
            out.append(escape(html.unescape(piece)))
    out.extend(Markup("</mark>") for _ in range(depth))
    return Markup("").join(out)


def search_page(store: Store, q: str, kind: str, offset: int, urls: Urls, limit: int = 20) -> dict[str, Any]:
    from crisol.store import search as fts

    q = q.strip()
    if not q:
        return {"q": q, "kind": kind, "results": None, "kinds": fts.KINDS}
    fts.catch_up(store)  # index what `crisol ingest` stored since (cheap when nothing is missing)
    results = fts.search(store, q, kinds=[kind] if kind else None, limit=limit, offset=offset)
    hits = [{"hit": h, "snippet": snippet_markup(h.snippet), "href": hit_href(h, urls, store)} for h in results.hits]
    return {"q": q, "kind": kind, "results": results, "hits": hits, "kinds": fts.KINDS,
            "next": offset + limit if offset + limit < results.total else None,
            "prev": max(0, offset - limit) if offset else None}  # fmt: skip


def hit_href(hit, urls: Urls, store: Store | None = None) -> str:
    """Where a search result leads: its entity, story or article (a quote: at its sentence)."""
    if hit.kind == "entity":
        return urls.entity(hit.ref)
    if hit.kind == "story":
        return urls.story(hit.ref)
    article_id = hit.article_id or hit.ref.split(":", 1)[0]
    return urls.article(article_id, _quote_sentence(store, article_id, hit.ref) if hit.kind == "quote" else None)


def _quote_sentence(store: Store | None, article_id: str, ref: str) -> int | None:
    """The sentence of quote ``ARTICLE:N`` (the search index's reference to a quote)."""
    _, _, n = ref.partition(":")
    article = store.get_article(article_id) if store is not None and n.isdigit() else None
    if article is None or int(n) >= len(article.quotes):
        return None
    return article.quotes[int(n)].sentence


def today() -> str:
    return date.today().isoformat()


Href = Callable[[str], str]
