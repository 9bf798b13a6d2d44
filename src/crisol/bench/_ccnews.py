"""CC-NEWS-like WARC files, built at run time (never committed when they hold others' text).

Common Crawl's CC-NEWS is a stream of gzipped WARC/1.0 files (about 1 GB each): a ``warcinfo``
record, then for each page fetched a ``request`` and a ``response`` record (HTTP status line,
headers, the page's HTML), from many outlets and languages, with now and then a redirect, a
non-HTML response or an empty body. :func:`write_warc` writes such files; the pages come from

- :func:`fixture_pages`: article records the tests write themselves (tests/fixtures/batch/), put in
  a news page with its navigation, share prompts, related links and footer;
- :func:`shared_pages`: real texts from ../shared/data, the Spanish fake-news corpus (headline,
  text, outlet, URL; put in the same kind of page) and the Zyte extraction benchmark's real
  English pages (their HTML byte for byte). Neither corpus has publication dates: each article
  gets one in a fixed week, drawn from its own id, so the archive has several dates.

Besides the articles, each file carries what a crawl carries and crisol must not take for an
article: a redirect, a robots.txt, and, with ``hostile``, a page with no text and an HTTP 200
with an empty body (both rejected, with their reasons).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# CC-NEWS-like week the shared corpora's articles are dated in (they carry no dates).
WEEK = datetime(2025, 6, 1, tzinfo=timezone.utc)


@dataclass
class Page:
    """One fetched URL: what the server answered, and when."""

    url: str
    body: bytes
    fetched: datetime
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None  # a redirect's target


# ---- pages -------------------------------------------------------------------------------------

# The chrome of a news page, by language: what the cleaner must remove around the article.
_CHROME = {
    "es": {
        "nav": ["Portada", "Nacional", "Internacional", "Economía", "Deportes", "Cultura", "Opinión"],
        "share": "Compartir en Facebook · Compartir en X · Enviar por correo",
        "related": "Te puede interesar",
        "rights": "Todos los derechos reservados.",
        "cookies": "Usamos cookies propias y de terceros para mejorar tu experiencia. Aceptar",
    },
    "en": {
        "nav": ["Home", "News", "World", "Business", "Sport", "Culture", "Opinion"],
        "share": "Share on Facebook · Share on X · Email this story",
        "related": "Read more",
        "rights": "All rights reserved.",
        "cookies": "We use cookies to improve your experience. Accept",
    },
}


def news_page(
    *,
    title: str,
    paragraphs: Sequence[str],
    outlet: str,
    url: str,
    language: str,
    published: datetime | None,
    authors: Sequence[str] = (),
    related: Sequence[str] = (),
) -> bytes:
    """An article as a news site serves it: head metadata, navigation, the story, share
    prompts, related headlines, footer and cookie banner."""
    chrome = _CHROME.get(language, _CHROME["en"])
    e = html.escape
    meta = [
        f'<meta property="og:title" content="{e(title)}">',
        f'<meta property="og:site_name" content="{e(outlet)}">',
        f'<meta property="og:url" content="{e(url)}">',
        '<meta property="og:type" content="article">',
    ]
    if published is not None:
        meta.append(f'<meta property="article:published_time" content="{published.isoformat()}">')
    meta += [f'<meta name="author" content="{e(a)}">' for a in authors]
    nav = "".join(f'<li><a href="/{e(item.lower())}/">{e(item)}</a></li>' for item in chrome["nav"])
    byline = f'<p class="byline">{e(", ".join(authors))}</p>' if authors else ""
    when = f'<time datetime="{published.isoformat()}">{published:%d/%m/%Y %H:%M}</time>' if published else ""
    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    links = "".join(f'<li><a href="/r/{i}">{e(h)}</a></li>' for i, h in enumerate(related))
    page = f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{e(title)} | {e(outlet)}</title>
{chr(10).join(meta)}
<link rel="canonical" href="{e(url)}">
</head>
<body>
<header><a class="logo" href="/">{e(outlet)}</a><nav><ul>{nav}</ul></nav></header>
<main>
<article>
<h1>{e(title)}</h1>
{byline}{when}
<div class="article-body">{body}</div>
<div class="share">{e(chrome["share"])}</div>
</article>
<aside><h2>{e(chrome["related"])}</h2><ul>{links}</ul></aside>
</main>
<footer><p>© {published.year if published else 2025} {e(outlet)}. {e(chrome["rights"])}</p></footer>
<div class="cookie-banner">{e(chrome["cookies"])}</div>
</body>
</html>
"""
    return page.encode("utf-8")


def _fetch_time(published: datetime, key: str) -> datetime:
    """A crawler's visit: between half an hour and a day after publication."""
    minutes = 30 + int(hashlib.sha256(key.encode()).hexdigest()[:6], 16) % (24 * 60)
    return published.astimezone(timezone.utc) + timedelta(minutes=minutes)


def fixture_pages(path: Path) -> list[Page]:
    """The articles of a JSON Lines fixture (outlet, url, language, published, title, authors,
    paragraphs), each as a news page; the others' titles are its related links."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = []
    for r in records:
        published = datetime.fromisoformat(r["published"])
        related = [o["title"] for o in records if o is not r and o["language"] == r["language"]][:3]
        body = news_page(
            title=r["title"],
            paragraphs=r["paragraphs"],
            outlet=r["outlet"],
            url=r["url"],
            language=r["language"],
            published=published,
            authors=r.get("authors", []),
            related=related,
        )
        pages.append(Page(r["url"], body, _fetch_time(published, r["url"])))
    return pages


def _dated(key: str) -> datetime:
    """A publication time in :data:`WEEK`, drawn from ``key`` (stable across runs)."""
    h = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return WEEK + timedelta(minutes=h % (7 * 24 * 60))


def _spanish(shared: Path) -> list[Page]:
    out = []
    corpus = shared / "data" / "spanish-fake-news-corpus"
    for name in ("train.jsonl", "development.jsonl", "test.jsonl"):
        for line in (corpus / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = {k.lower(): v for k, v in json.loads(line).items()}
            text, url = (row.get("text") or "").strip(), (row.get("link") or "").strip()
            if len(text) < 400 or not url.startswith("http"):
                continue
            title = (row.get("headline") or "").strip() or text.split("\n")[0][:120]
            paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
            if paragraphs and paragraphs[0].strip() == title:  # the corpus repeats the headline
                paragraphs = paragraphs[1:]
            published = _dated(url)
            body = news_page(
                title=title,
                paragraphs=paragraphs,
                outlet=str(row.get("source") or ""),
                url=url,
                language="es",
                published=published,
            )
            out.append(Page(url, body, _fetch_time(published, url)))
    return out


def _english(shared: Path) -> list[Page]:
    root = shared / "data" / "article-extraction-benchmark-zyte"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for item, gold in sorted(truth.items()):
        page = root / "html" / f"{item}.html.gz"
        if not page.exists():
            continue
        body = gzip.decompress(page.read_bytes())
        if b'lang="en' not in body[:4000]:
            continue
        out.append(Page(gold["url"], body, _fetch_time(_dated(gold["url"]), gold["url"])))
    return out


def shared_pages(shared: Path, spanish: int, english: int, seed: int = 0) -> list[Page]:
    """``spanish`` pages from the Spanish fake-news corpus and ``english`` real English pages
    from the Zyte benchmark (fewer when a corpus has fewer), shuffled into one crawl."""
    rng = random.Random(seed)
    es, en = _spanish(shared), _english(shared)
    rng.shuffle(es)
    rng.shuffle(en)
    pages = es[:spanish] + en[:english]
    rng.shuffle(pages)
    return pages


# ---- WARC files -----------------------------------------------------------------------------------


def _record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}>"


def _crawl_noise(name: str, when: datetime, hostile: bool) -> list[Page]:
    """What a news crawl holds besides articles."""
    host = f"https://www.{name.replace('.', '-')}.example"
    pages = [
        Page(f"{host}/old-story", b"", when, status="301 Moved Permanently", location=f"{host}/new-story"),
        Page(f"{host}/robots.txt", b"User-agent: *\nDisallow: /admin/\n", when, content_type="text/plain"),
    ]
    if hostile:
        blank = b"<!DOCTYPE html><html><head><title></title></head><body><div id='app'></div></body></html>"
        pages += [
            Page(f"{host}/app", blank, when),  # a page its scripts would fill: no text
            Page(f"{host}/empty", b"", when),  # HTTP 200 with an empty body
        ]
    return pages


def write_warc(path: Path, pages: Iterable[Page], *, hostile: bool = False) -> Path:
    """One gzipped WARC/1.0 file of ``pages`` (a request and a response record each, after a
    warcinfo record), plus a crawl's usual non-articles (:func:`_crawl_noise`)."""
    pages = list(pages)
    when = min((p.fetched for p in pages), default=WEEK)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="WARC/1.0")
        info = writer.create_warcinfo_record(
            path.name, {"software": "crisol.bench._ccnews", "format": "WARC File Format 1.0"}
        )
        info.rec_headers.replace_header("WARC-Date", _warc_date(when))
        info.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo", path.name))
        writer.write_record(info)
        for page in pages + _crawl_noise(path.stem, when, hostile):
            _write_fetch(writer, page)
    if hostile:  # a download cut short: the last record's gzip member ends midway
        last = io.BytesIO()
        _write_fetch(
            WARCWriter(last, gzip=True, warc_version="WARC/1.0"), pages[-1] if pages else _blank(when)
        )
        with path.open("ab") as fh:
            fh.write(last.getvalue()[: len(last.getvalue()) * 2 // 3])
    return path


def _blank(when: datetime) -> Page:
    return Page("https://www.example.org/", b"<html><body><p>...</p></body></html>", when)


def _warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_fetch(writer: WARCWriter, page: Page) -> None:
    url = quote(page.url, safe=":/?#[]@!$&'()*+,;=%~")  # percent-encoded, as a crawler sends it
    host = url.split("/")[2]
    target = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    headers = {"WARC-Date": _warc_date(page.fetched)}
    request = StatusAndHeaders(
        f"GET {target} HTTP/1.1",
        [("Host", host), ("User-Agent", "crisol-bench/0.1 (CC-NEWS-like)"), ("Accept", "text/html")],
        is_http_request=True,
    )
    req = writer.create_warc_record(
        url,
        "request",
        http_headers=request,
        payload=io.BytesIO(b""),
        warc_headers_dict={**headers, "WARC-Record-ID": _record_id("request", url)},
    )
    fields = [
        ("Date", page.fetched.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")),
        ("Server", "nginx"),
        ("Content-Type", page.content_type),
        ("Content-Length", str(len(page.body))),
    ]
    if page.location:
        fields.append(("Location", page.location))
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(page.body),
        http_headers=StatusAndHeaders(page.status, fields, protocol="HTTP/1.1"),
        warc_headers_dict={**headers, "WARC-Record-ID": _record_id("response", url)},
    )
    response.rec_headers.add_header("WARC-Concurrent-To", req.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(req)
    writer.write_record(response)


def write_crawl(folder: Path, pages: Sequence[Page], files: int, *, hostile: bool = False) -> list[Path]:
    """``pages`` dealt round robin into ``files`` WARC files named as CC-NEWS names its own."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(files):
        name = f"CC-NEWS-20250601000000-{k:05d}.warc.gz"
        out.append(write_warc(folder / name, pages[k::files], hostile=hostile))
    return out
