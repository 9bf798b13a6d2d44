"""The saved-searches pages: the list with what is new, the "save this search" form the search,
entity and story pages carry, and each saved search's Atom feed.

The forms POST ``multipart/form-data`` to the server's own origin, so they pass the guard in
front of every write (:mod:`crisol.api.guard`): a page of another origin cannot send them, and a
server with a token needs it, as the cookie a browser gets by opening any page once with
``?token=TOKEN``.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crisol.service import alerts
from crisol.store import Database
from crisol.web.views import Urls

SHOWN_ON_PAGE = 10  # new items listed under each saved search on the page


def saved_url(urls: Urls, saved_id: int | None = None, what: str = "") -> str:
    return (
        f"{urls.base}/saved" + (f"/{saved_id}" if saved_id is not None else "") + (f"/{what}" if what else "")
    )


def add_routes(r: APIRouter, db: Database, urls: Urls, page: Callable[..., HTMLResponse]) -> None:
    """The saved-search pages on the pages' router ``r``; ``page`` renders a template."""

    def listing(request: Request, status: int = 200, problems: list[str] | None = None) -> HTMLResponse:
        found = [alerts.check(db, s, limit=SHOWN_ON_PAGE) for s in db.saved.list()]
        rows = [{"alert": a, "what": alerts.describe(a.saved), "feed": saved_url(urls, a.saved.id, "feed.atom"),
                 "seen": saved_url(urls, a.saved.id, "seen"), "remove": saved_url(urls, a.saved.id, "remove")}
                for a in found]  # fmt: skip
        return page(
            request, "saved.html", status, rows=rows, problems=problems or [], change=alerts.change_title
        )

    @r.get("/saved", response_class=HTMLResponse)
    def saved_page(request: Request):
        return listing(request)

    @r.post("/saved", response_class=HTMLResponse)
    async def save(request: Request):
        form = await request.form()
        field = {k: str(form.get(k) or "") for k in ("kind", "target", "name", "language", "outlet")}
        try:
            alerts.save(db, alerts.SaveRequest(**field))
        except alerts.SavedSearchError as e:
            return listing(request, 422, [str(e)])
        return RedirectResponse(saved_url(urls), status_code=303)

    @r.post("/saved/{saved_id}/seen")
    def seen(saved_id: int):
        saved = db.saved.get(saved_id)
        if saved is not None:
            alerts.mark_seen(db, alerts.check(db, saved, limit=1))
        return RedirectResponse(saved_url(urls), status_code=303)

    @r.post("/saved/{saved_id}/remove")
    def remove(saved_id: int):
        db.saved.remove(saved_id)
        return RedirectResponse(saved_url(urls), status_code=303)

    @r.get("/saved/{saved_id}/feed.atom")
    def feed(request: Request, saved_id: int):
        saved = db.saved.get(saved_id)
        if saved is None:
            return Response(f"no saved search {saved_id}\n", 404, media_type="text/plain; charset=utf-8")
        root = str(request.base_url).rstrip("/")
        links = alerts.FeedLinks(
            feed=root + saved_url(urls, saved_id, "feed.atom"),
            article=lambda aid: root + urls.article(aid),
            story=lambda sid: root + urls.story(sid),
            alternate=root + saved_url(urls),
        )
        body = alerts.atom_feed(saved, alerts.feed_entries(db, saved), links)
        return Response(body, media_type="application/atom+xml; charset=utf-8")


def save_form(kind: str, target: str, **fields: Any) -> dict[str, Any]:
    """What the "save this search" form of a page posts (hidden fields)."""
    return {"kind": kind, "target": target, **{k: v for k, v in fields.items() if v}}
