"""The web pages as a FastAPI router: server-rendered Jinja2 templates, static CSS and JS.

``router(store)`` serves the pages over one store (a URL or an open :class:`Store`) under any
prefix; ``create_web_app(url)`` is a whole application of its own; ``mount(app)`` adds the pages at
the root of the REST API application (``crisol serve``; the API is under ``/api``), sharing
its store.

>>> from fastapi.testclient import TestClient
>>> with TestClient(create_web_app(":memory:")) as client:
...     client.get("/").status_code
200
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware

from crisol.present.cross_events import event_when
from crisol.service.attention import CSV_TABLES, csv_text
from crisol.service.exports import event_csv_lines
from crisol.store import AmbiguousId, Database, open_store
from crisol.store.outlets import UnknownName
from crisol.store.queries import MAX_OFFSET
from crisol.store.search import KINDS
from crisol.text import outlet_label
from crisol.web import outlets as outlet_pages
from crisol.web import saved as saved_pages
from crisol.web import views
from crisol.web.attention import AttentionParams, attention_page
from crisol.web.attention import results as attention_results

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}  # fmt: skip
UI_PREFIX = ""  # the pages own the root; the REST API lives under /api
# Pages are for people, not caches: the store changes under them; static files can be kept.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def event_filters(
    actor: str = "",
    type: str = "",
    certainty: str = "",
    since: str = "",
    until: str = "",
    outlet: str = "",
    collection: str = "",
) -> views.EventFilters:
    """The events page's filters from its query string (and its CSV's)."""
    return views.EventFilters(
        actor.strip(), type.strip().upper(), certainty.strip(), since.strip(), until.strip(),
        outlet.strip(), collection.strip(),
    )  # fmt: skip


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The pages' templates: one environment per process, so a template is compiled once for
    every router (and :func:`compile_templates` compiles them ahead)."""
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.autoescape = True  # every {{ }} is escaped, whatever the file name
    t.env.filters["day"] = day
    t.env.filters["http_url"] = http_url
    t.env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if d else "—"
    t.env.filters["event_when"] = lambda e: event_when(e) or "—"  # "reported <day>" for a stand-in
    t.env.filters["outlet"] = outlet_label  # "unknown outlet", never an article id
    t.env.globals["asset_version"] = asset_version
    return t


def compile_templates() -> int:
    """Compile every page template now (~0.1 CPU-s), so the first page of each kind a reader
    opens does not; returns how many. ``crisol serve``'s warm-up runs it."""
    env = templates().env
    names = env.list_templates(extensions=["html"])
    for name in names:
        env.get_template(name)
    return len(names)


def asset_version(name: str) -> str:
    """A short hash of static file ``name``: pages link ``/static/NAME?v=HASH``, which browsers
    may keep for a year, and a changed file gets a new link."""
    path = STATIC / name
    st = path.stat()
    return _file_hash(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _file_hash(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def compress(app: FastAPI) -> None:
    """Gzip answers of 1 kB or more for clients that accept it (every browser): the pages are
    text and shrink about sixfold."""
    if not any(m.cls is GZipMiddleware for m in app.user_middleware):
        app.add_middleware(GZipMiddleware, minimum_size=1000)


def day(value) -> str:
    """The day of a datetime or of an ISO 8601 text (the read shapes carry ISO text), or —.

    >>> day("2025-03-02T09:00:00+00:00"), day(None)
    ('2025-03-02', '—')
    """
    if not value:
        return "—"
    return value[:10] if isinstance(value, str) else value.strftime("%Y-%m-%d")


def http_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else None: an article's url is untrusted (``javascript:``)."""
    return url if url and url.strip().lower().startswith(("http://", "https://")) else None


def router(store: Database | str, prefix: str = "") -> APIRouter:
    """The pages over ``store``, with links built for mounting at ``prefix`` ("" or "/ui")."""
    db = open_store(store) if isinstance(store, str) else store
    urls = views.Urls(prefix.rstrip("/"))
    tpl = templates()
    r = APIRouter(prefix=urls.base, include_in_schema=False)

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        response = tpl.TemplateResponse(
            request, name, {"u": urls, "lang": "en", **context}, status_code=status
        )
        response.headers.update(SECURITY_HEADERS)
        return response

    def missing(request: Request, what: str, ident: str) -> HTMLResponse:
        return page(request, "missing.html", 404, what=what, ident=ident, ambiguous=None)

    def ambiguous(request: Request, what: str, ident: str, e: AmbiguousId) -> HTMLResponse:
        return page(request, "missing.html", 409, what=what, ident=ident, ambiguous=str(e))

    @r.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return page(request, "home.html", **views.home_page(db))

    @r.get("/stories/{story_id}", response_class=HTMLResponse)
    def story(request: Request, story_id: str):
        target = db.links.merged_target(story_id)
        if target is not None:  # merged into another story: that one tells it now
            return RedirectResponse(urls.story(target), status_code=307)
        try:
            ctx = views.story_page(db, story_id, urls)
        except AmbiguousId as e:  # a prefix of several articles' ids
            return ambiguous(request, "story", story_id, e)
        if ctx is None:
            return missing(request, "story", story_id)
        return page(request, "story.html", **ctx)

    @r.get("/articles/{article_id}", response_class=HTMLResponse)
    def article(request: Request, article_id: str):
        try:
            ctx = views.article_page(db, article_id, urls)
        except AmbiguousId as e:
            return ambiguous(request, "article", article_id, e)
        if ctx is None:
            return missing(request, "article", article_id)
        return page(request, "article.html", **ctx)

    @r.get("/articles/{article_id}/raw")
    def raw(article_id: str):
        data = db.raw_bytes(article_id)
        if data is None:
            return Response(f"no article {article_id!r}\n", 404, media_type="text/plain; charset=utf-8")
        # Served as an opaque download so a browser never renders the input's own HTML.
        headers = {
            "Content-Disposition": f'attachment; filename="{views._q(article_id)}.raw"',
            **SECURITY_HEADERS,
        }
        return Response(data, media_type="application/octet-stream", headers=headers)

    @r.get("/entities/{name}", response_class=HTMLResponse)
    def entity(request: Request, name: str):
        ctx = views.entity_page(db, name, urls)
        if ctx is None:
            return missing(request, "entity", name)
        if "candidates" in ctx:
            return page(request, "candidates.html", **ctx)
        return page(request, "entity.html", **ctx)

    @r.get("/events", response_class=HTMLResponse)
    def events(request: Request, f: Annotated[views.EventFilters, Depends(event_filters)]):
        ctx = views.events_page(db, f)
        return page(request, "events.html", 400 if ctx["problems"] else 200, **ctx)

    @r.get("/events.csv")
    def events_csv(f: Annotated[views.EventFilters, Depends(event_filters)]):
        problems = f.problems() + f.resolve(db)
        if problems:
            return Response("\n".join(problems) + "\n", 400, media_type="text/plain; charset=utf-8")
        rows = views.select_events(db, f, None)
        headers = {"Content-Disposition": 'attachment; filename="events.csv"'}
        return StreamingResponse(event_csv_lines(rows), media_type="text/csv; charset=utf-8", headers=headers)

    @r.get("/search", response_class=HTMLResponse)
    def search(
        request: Request,
        q: str = "",
        kind: str = "",
        offset: int = 0,
        exact: bool = False,
        outlet: str = "",
        collection: str = "",
    ):
        kind = kind if kind in KINDS else ""
        # A GET writes nothing: the server's ingest worker, when the pages are mounted in the
        # API, indexes what other paths stored since (a pages-only server just reads).
        writer = getattr(request.app.state, "ingestor", None)
        if writer is not None:
            writer.catch_up_soon()
        ctx = views.search_page(
            db, q, kind, min(max(0, offset), MAX_OFFSET), urls, exact=exact,
            outlet=outlet.strip(), collection=collection.strip(),
        )  # fmt: skip
        return page(request, "search.html", 400 if ctx.get("problems") else 200, **ctx)

    @r.get("/attention", response_class=HTMLResponse)
    def attention(request: Request, p: Annotated[AttentionParams, Depends()]):
        ctx = attention_page(db, p)
        return page(request, "attention.html", 400 if ctx["problems"] else 200, **ctx)

    @r.get("/attention.csv")
    def attention_csv(p: Annotated[AttentionParams, Depends()], table: str = "timeline"):
        problems = p.problems() + ([] if table in CSV_TABLES else [f"table: one of {', '.join(CSV_TABLES)}"])
        if problems or p.empty():
            text = "\n".join(problems or ["give q, entity or story"]) + "\n"
            return Response(text, 400, media_type="text/plain; charset=utf-8")
        headers = {"Content-Disposition": f'attachment; filename="attention-{table}.csv"'}
        try:
            body = csv_text(attention_results(db, p), table)
        except UnknownName as e:
            return Response(f"collection: {e}\n", 400, media_type="text/plain; charset=utf-8")
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)

    r.include_router(outlet_pages.router(db, urls, page))
    saved_pages.add_routes(r, db, urls, page)

    @r.get("/static/{name}")
    def static(request: Request, name: str, v: str = ""):
        path = STATIC / name
        kind = STATIC_TYPES.get(path.suffix)
        if kind is None or path.parent != STATIC or not path.is_file():
            return Response("not found\n", 404, media_type="text/plain")
        version = asset_version(name)
        # a versioned link never changes content; an unversioned one is revalidated by its ETag
        cache = "public, max-age=31536000, immutable" if v == version else "public, max-age=3600"
        headers = {"Cache-Control": cache, "ETag": f'"{version}"'}
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(path.read_bytes(), media_type=kind, headers=headers)

    return r


def create_web_app(store_url: str) -> FastAPI:
    """The pages alone, at the root, over the store at ``store_url`` (path or postgresql:// URL)."""
    store = open_store(store_url)
    app = FastAPI(title="crisol pages", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.include_router(router(store))
    compress(app)
    return app


def mount(app: FastAPI, prefix: str = UI_PREFIX) -> None:
    """Add the pages under ``prefix`` (default: the root) to ``app`` (the REST API), over its
    ``app.state.store``; ``prefix`` + ``/`` is the home page. An app that warms up at start
    (``app.state.warmer``: ``crisol serve``) compiles the templates then too."""
    app.include_router(router(app.state.store, prefix))
    compress(app)
    warmer = getattr(app.state, "warmer", None)
    if warmer is not None:
        warmer.add_step(compile_templates)
