"""What each page shows, gathered from the store through :mod:`crisol.store.queries`, the read
layer the CLI and the REST API use too: a page shows the same objects, in the same shapes, as
``crisol ... --format json`` prints and ``/api`` answers.

Each ``*_page`` function returns the template context of one page (plain values; the templates
escape everything), or None when the thing asked for does not exist.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from crisol.model import date_span
from crisol.present.render import labels
from crisol.service import events as cross
from crisol.service import outlets as outlet_records
from crisol.service import views as story_views
from crisol.service.entities import actor_filter, find_entity, spellings
from crisol.store import Database, queries
from crisol.store import search as fts
from crisol.text import outlet_label
from crisol.web import charts
from crisol.web.highlight import highlight_article

HOME_STORIES = 12
RAW_CHARS = 200_000  # the raw input shown on an article page is cut here (the download is whole)
EVENTS_SHOWN = 500
GROUPED_SHOWN = 100  # events across sources shown, best supported first
NEIGHBOURS = 12  # co-occurring entities drawn in an entity's network
ENTITY_ITEMS = 200  # articles, quotes and events shown on an entity page
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

    def attention(self, **params: Any) -> str:
        return f"{self.base}/attention" + _query(params)

    def attention_csv(self, **params: Any) -> str:
        return f"{self.base}/attention.csv" + _query(params)

    def outlets(self, **params: Any) -> str:
        return f"{self.base}/outlets" + _query(params)

    def collection(self, name: str) -> str:
        return f"{self.base}/collections/{_q(name)}"

    def static(self, name: str) -> str:
        return f"{self.base}/static/{name}"


def _q(value: str) -> str:
    return quote(str(value), safe="")


def _query(params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


# ---- home -------------------------------------------------------------------------------------


def home_page(store: Database) -> dict[str, Any]:
    latest = queries.list_stories(store, sort="-last", limit=HOME_STORIES)
    biggest = queries.list_stories(store, sort="-size", limit=HOME_STORIES)
    recent = queries.list_articles(store, limit=HOME_STORIES)
    return {
        "latest": latest.items,
        "biggest": biggest.items,
        "total": latest.total,
        "articles": recent.items,
        "article_total": recent.total,
    }


# ---- story ------------------------------------------------------------------------------------


def story_page(store: Database, story_id: str, urls: Urls) -> dict[str, Any] | None:
    view = story_views.get_story(store, story_id)  # kept in memory while its members stay the same
    if view is None:
        return None
    names = labels(view)
    sources = {s["id"]: s for s in view.get("sources", [])}
    alignments = _alignments(store, view["articles"], names)
    # event id -> {article: sentence index}, the first report in each article
    event_sentences = {
        e["id"]: {r["article"]: r["sentence"] for r in reversed(e.get("sentences") or [])}
        for e in view.get("events", [])
    }
    return {
        "story": view,
        "names": names,
        "sources": sources,
        "alignments": alignments,
        "timeline": _story_timeline(view, names, urls),
        "event_sentences": event_sentences,
    }


def _alignments(store: Database, ids: list[str], names: dict[str, str]) -> list[dict[str, Any]]:
    """The stored relations between the story's articles, with their aligned sentence pairs."""
    out = []
    for r in store.links.relations_among(ids):
        pairs = sorted(r.get("pairs") or [], key=lambda p: (p["b"], p["a"]))
        pairs = [{**p, **dict(zip(("a_html", "b_html"), word_diff(p["a_text"], p["b_text"])))} for p in pairs]
        out.append(
            {
                "a": r["a"],
                "b": r["b"],
                "kind": r["kind"],
                "score": r["score"],
                "pairs": pairs,
                "dropped": r.get("dropped") or [],
                "added": r.get("added") or [],
                "a_label": names.get(r["a"], r["a"]),
                "b_label": names.get(r["b"], r["b"]),
            }
        )
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
        events.append(
            {
                "date": t.get("date"),
                "label": label,
                "title": f"{t.get('date')}: {label} {who}".strip(),
                "href": urls.article(cites[0]) if cites else None,
            }
        )
    articles = [
        {
            "date": s.get("published"),
            "label": names.get(s["id"], s["id"]),
            "title": f"{(s.get('published') or '')[:10]}: {names.get(s['id'], s['id'])} — {s.get('title') or ''}",
            "href": urls.article(s["id"]),
        }
        for s in view.get("sources", [])
    ]
    return charts.timeline(events, articles)


# ---- article ----------------------------------------------------------------------------------


def article_page(store: Database, article_id: str, urls: Urls) -> dict[str, Any] | None:
    article = store.get_article(article_id)
    if article is None:
        return None
    detail = queries.article_detail(store, article)
    names = {
        m["entity_id"]: m["entity_name"] for m in detail["mentions"] if m["entity_id"] and m["entity_name"]
    }
    body = highlight_article(article, lambda m: urls.entity(m.entity_id) if m.entity_id else None)
    raw = store.raw_bytes(article.id) or b""
    raw_text = raw.decode("utf-8", errors="replace")
    return {
        "article": article,
        "body": body,
        "story": detail["story"],
        "entities": _article_entities(article, names),
        "events": detail["events"],
        "raw_text": raw_text[:RAW_CHARS],
        "raw_cut": len(raw_text) > RAW_CHARS,
        "raw_size": len(raw),
    }


def _article_entities(article, names: dict[str, str]) -> list[dict[str, Any]]:
    """The article's entities: one row per registry entity (or per unlinked surface form)."""
    rows: dict[str, dict[str, Any]] = {}
    for m in article.mentions:
        key = m.entity_id or f"{m.label}:{m.canonical or m.text}"
        row = rows.setdefault(
            key,
            {
                "entity_id": m.entity_id,
                "label": m.label,
                "count": 0,
                "sentence": m.sentence,
                "name": names.get(m.entity_id or "", m.canonical or m.text),
            },
        )
        row["count"] += 1
    return sorted(rows.values(), key=lambda r: (-r["count"], r["name"]))


# ---- entity -----------------------------------------------------------------------------------


def entity_page(store: Database, name: str, urls: Urls) -> dict[str, Any] | None:
    """One entity (by id or any spelling); ``candidates`` when the name is ambiguous."""
    aq = store.annotations
    found = find_entity(aq, name)
    if found.entity is None:
        return (
            {"candidates": [c.to_dict() for c in found.candidates], "name": name}
            if found.candidates
            else None
        )
    view = queries.entity_detail(aq, found.entity, ENTITY_ITEMS, NEIGHBOURS)
    dated = [(q["published"] or "")[:10] or None for q in view["quotes"]]
    dated += [_event_when(e) or None for e in view["events"]]
    return {
        "entity": view,
        "spellings": spellings(found.entity),  # with why each was merged, as `crisol entity` shows
        "network": _network(store, view, urls),
        "activity": charts.bar_chart(charts.counts_over_time(dated)),
        "quotes": sorted(view["quotes"], key=lambda q: q["published"] or "", reverse=True),
        "events": sorted(view["events"], key=_event_when, reverse=True),
    }


def _event_when(e: dict[str, Any]) -> str:
    """An event's own date, else the day its article was published (ISO text, "" if neither)."""
    return e["date"] or (e["published"] or "")[:10]


def _network(store: Database, entity: dict[str, Any], urls: Urls) -> charts.Network | None:
    """Entities named in the same articles as ``entity``: the most shared ones and their links."""
    top = entity["cooccurring"][:NEIGHBOURS]
    if not top:
        return None
    links = queries.shared_article_links(store, entity["id"], [n["id"] for n in top])
    neighbours = [(n["id"], n["name"], n["shared_articles"]) for n in top]
    return charts.network((entity["id"], entity["name"]), neighbours, links, href=urls.entity)


# ---- events -----------------------------------------------------------------------------------


@dataclass
class EventFilters:
    actor: str = ""
    type: str = ""
    certainty: str = ""
    since: str = ""
    until: str = ""
    outlet: str = ""
    collection: str = ""
    outlets: list[str] | None = None  # the outlet's or collection's spellings, once looked up

    def params(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v and k != "outlets"}

    def resolve(self, store: Database) -> list[str]:
        """Look the outlet and collection up; the problems that leaves (an unknown collection)."""
        if not (self.outlet or self.collection):
            return []
        try:
            self.outlets = outlet_records.outlet_names(store, self.collection or None, self.outlet or None)
        except outlet_records.UnknownName as e:
            return [f"collection: {e}"]
        return []

    def problems(self) -> list[str]:
        out = []
        for name in ("since", "until"):
            value = getattr(self, name)
            if value and date_span(value) is None:
                out.append(f"{name}: {value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
        if self.certainty and self.certainty not in CERTAINTIES:
            out.append(f"certainty: {self.certainty!r} is not one of {', '.join(CERTAINTIES)}")
        return out


def select_events(store: Database, f: EventFilters, limit: int | None) -> list[dict[str, Any]]:
    """Events (in the event shape) matching the filters; an actor is looked up in the registry
    first (every spelling of the entities it names counts), else matched as a plain actor name."""
    aq = store.annotations
    who = actor_filter(aq, f.actor)
    since = date_span(f.since)[0] if f.since else None
    until = date_span(f.until)[1] if f.until else None
    rows = aq.iter_events(
        entity_ids=who.ids,
        actor_names=who.names,
        type=f.type or None,
        certainty=f.certainty or None,
        since=since,
        until=until,
        limit=limit,
        articles=queries.Filters(outlets=f.outlets) if f.outlets is not None else None,
    )
    return [r.to_dict() for r in rows]


def grouped_events(store: Database, f: EventFilters, limit: int = GROUPED_SHOWN) -> dict[str, Any]:
    """Events across sources for the filters, most independent sources first: ``{rows, total,
    too_broad}`` (``too_broad``: why a selection holding too many reports was not grouped)."""
    who = actor_filter(store.annotations, f.actor)
    since = date_span(f.since)[0] if f.since else None
    until = date_span(f.until)[1] if f.until else None
    try:
        got = cross.list_cross_events(
            store,
            type=f.type or None,
            entity_ids=who.ids,
            actor_names=who.folded_names(),
            since=since,
            until=until,
            certainty=f.certainty or None,
            limit=limit,
            outlets=f.outlets,
        )
    except cross.TooBroad as e:
        return {
            "rows": [],
            "total": 0,
            "too_broad": f"{e.reports:,} reports of events match: too many to group "
            f"across sources (at most {e.limit:,}). Give a type or a shorter date window.",
        }
    return {
        "rows": [{**e, "links": _report_links(e)} for e in got.items],
        "total": got.total,
        "too_broad": None,
    }


def _report_links(e: dict[str, Any]) -> list[dict[str, Any]]:
    """The articles reporting a grouped event: id, outlet (or "unknown outlet") and the sentence."""
    told = {}
    for r in e["sentences"]:
        told.setdefault(r["article"], r)
    return [
        {
            "id": a,
            "label": outlet_label((told.get(a) or {}).get("outlet")),
            "sentence": s if (s := (told.get(a) or {}).get("sentence", -1)) >= 0 else None,
        }
        for a in e["articles"]
    ]


def events_page(store: Database, f: EventFilters) -> dict[str, Any]:
    problems = f.problems() + f.resolve(store)
    rows = [] if problems else select_events(store, f, None)
    grouped = grouped_events(store, f) if not problems else {"rows": [], "total": 0, "too_broad": None}
    when = [_event_when(r) or None for r in rows]
    return {
        "filters": f,
        "problems": problems,
        "rows": rows[:EVENTS_SHOWN],
        "total": len(rows),
        "grouped": grouped["rows"],
        "grouped_total": grouped["total"],
        "too_broad": grouped["too_broad"],
        "chart": charts.bar_chart(charts.counts_over_time(when)),
        "types": sorted({r["type"] for r in rows}),
        "certainties": CERTAINTIES,
        "collections": outlet_records.list_collections(store),
    }


# ---- search -----------------------------------------------------------------------------------


def snippet_markup(snippet) -> Markup:
    """A search snippet (:class:`crisol.store.search.Snippet`) as HTML, its text escaped and
    the matching words in ``<mark>``."""
    return Markup("").join(Markup("<mark>%s</mark>") % t if hit else escape(t) for t, hit in snippet.pieces)


def search_page(
    store: Database,
    q: str,
    kind: str,
    offset: int,
    urls: Urls,
    limit: int = 20,
    exact: bool = False,
    outlet: str = "",
    collection: str = "",
) -> dict[str, Any]:
    q = q.strip()
    base = {"q": q, "kind": kind, "exact": exact, "results": None, "kinds": fts.KINDS, "outlet": outlet,
            "collection": collection, "collections": outlet_records.list_collections(store)}  # fmt: skip
    if not q:
        return base
    try:
        fts.parse_query(q)
        results = fts.search(
            store, q, kinds=[kind] if kind else None, limit=limit, offset=offset, exact=exact,
            outlet=outlet or None, collection=collection or None,
        )  # fmt: skip
    except (fts.QueryTooLong, outlet_records.UnknownName) as e:
        return {**base, "problems": [f"Search: {e}."]}
    hits = [
        {"hit": h, "snippet": snippet_markup(h.snippet), "href": hit_href(h, urls, store)}
        for h in results.hits
    ]
    return {
        **base,
        "results": results,
        "hits": hits,
        "next": offset + limit if offset + limit < results.total else None,
        "prev": max(0, offset - limit) if offset else None,
    }


def hit_href(hit, urls: Urls, store: Database | None = None) -> str:
    """Where a search result leads: its entity, story or article (a quote: at its sentence)."""
    if hit.kind == "entity":
        return urls.entity(hit.ref)
    if hit.kind == "story":
        return urls.story(hit.ref)
    article_id = hit.article_id or hit.ref.split(":", 1)[0]
    return urls.article(
        article_id, _quote_sentence(store, article_id, hit.ref) if hit.kind == "quote" else None
    )


def _quote_sentence(store: Database | None, article_id: str, ref: str) -> int | None:
    """The sentence of quote ``ARTICLE:N`` (the search index's reference to a quote)."""
    _, _, n = ref.partition(":")
    article = store.get_article(article_id) if store is not None and n.isdigit() else None
    if article is None or int(n) >= len(article.quotes):
        return None
    return article.quotes[int(n)].sentence


def today() -> str:
    return date.today().isoformat()


Href = Callable[[str], str]
