"""HTML to main text: trafilatura for whole pages, lxml for small fragments (feed content).

trafilatura runs without comments, with its metadata (title, author, site name, date), in its
standard mode; crisol's own line classifier then removes the captions, credits, related-link
and promotion lines it kept, which gains precision without losing text. Only when the standard
mode finds nothing is ``favor_recall`` tried: on trafilatura's own evaluation set (see
docs/bench/extraction.md) the standard mode had the higher segment recall (0.960 against 0.952).

The cost of a page is bounded: trafilatura's fallbacks (readability, justext) grow with the square
of the page (justext's neighbour search over a long run of short list items), so a page with more
elements or text nodes than :data:`~crisol.read.limits.MAX_PAGE_ELEMENTS` /
:data:`~crisol.read.limits.MAX_PAGE_TEXT_NODES` goes through trafilatura's fast mode (no
fallbacks, linear in the page) and :attr:`PageText.extractor` says so; a page past
:data:`~crisol.read.limits.MAX_TRAFILATURA_ELEMENTS` (whose tree copies inside trafilatura would
cost hundreds of MB) goes through crisol's own :func:`density_text`. Below the limits,
justext's paragraph revision runs as :func:`linear_revise_paragraph_classification` (the same
classes in linear time), so the full cascade stays cheap up to them.

>>> fragment_text("<p>Primer párrafo.</p><p>Segundo <b>párrafo</b>.</p><script>x()</script>")
'Primer párrafo.\\nSegundo párrafo.'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import justext.core
import trafilatura
import trafilatura.external
from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from crisol.clean.dropped import dropped_parts
from crisol.read import limits

_LANG_HEAD = 4096  # characters (bytes) searched for <html lang>: the tag opens the page
_LANG_ATTR = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)", re.I)
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote section article header footer figure "
    "figcaption table tr pre hr dd dt aside".split()
)


@dataclass
class PageText:
    """What trafilatura found in a page: main text (lines = paragraphs) and metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    date: str | None = None  # trafilatura's (htmldate's) day, "2025-09-18"
    published_meta: str | None = None  # full timestamp from the page's meta tags, when present
    url: str | None = None
    language: str | None = None  # as declared by <html lang>, a tie-breaker only
    extractor: str = "trafilatura"  # "trafilatura-fast" (no fallbacks) or "crisol-density"
    extractor_note: str | None = None  # why the fast extractor was used
    # the page text the extractor left out, as (text, where it stood: "nav.main-nav") in page order
    dropped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PageSize:
    """How big a page's DOM is: what the extraction cost grows with."""

    elements: int
    text_nodes: int  # non-blank text nodes (about the paragraphs justext sees)

    @property
    def too_large(self) -> bool:
        """Too large for trafilatura's full cascade (its fallbacks grow with the square)."""
        return self.elements > limits.MAX_PAGE_ELEMENTS or self.text_nodes > limits.MAX_PAGE_TEXT_NODES

    @property
    def too_large_for_trafilatura(self) -> bool:
        """Too large for trafilatura at all: its copies of the tree cost ~2 KB per element."""
        return self.elements > limits.MAX_TRAFILATURA_ELEMENTS

    def note(self, extractor: str) -> str:
        counts = f"{self.elements:,} elements, {self.text_nodes:,} text nodes"
        if extractor == "crisol-density":
            return (
                f"page too large for trafilatura ({counts}; limit {limits.MAX_TRAFILATURA_ELEMENTS:,} elements): "
                "main text by crisol's text-density extractor (paragraphs with little link text)"
            )
        return (
            f"page too large for the full extractor ({counts}; limits {limits.MAX_PAGE_ELEMENTS:,} and "
            f"{limits.MAX_PAGE_TEXT_NODES:,}): main text by trafilatura's fast mode, without the "
            "readability and justext fallbacks"
        )


def tag_count(html: str | bytes) -> int:
    """How many tags ``html`` opens, at most (``<`` minus ``</``): counted before any parse.

    >>> tag_count("<html><body><p>uno</p><br/><!-- x --></body></html>")
    5
    """
    return html.count("<" if isinstance(html, str) else b"<") - html.count(
        "</" if isinstance(html, str) else b"</"
    )


def page_size(html: str | bytes) -> PageSize:
    """Elements and non-blank text nodes of ``html`` (one lxml parse, linear in the page).

    >>> page_size("<html><body><ul><li>uno</li><li>dos</li><li> </li></ul></body></html>")
    PageSize(elements=6, text_nodes=2)
    """
    return _size(_parse(html))


def _parse(html: str | bytes):  # -> lxml.html.HtmlElement | None

    # UTF-8 when the bytes are UTF-8 (lxml alone would take undeclared bytes for Latin-1), else
    # what the page declares
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    try:
        utf8 = isinstance(html, str) or _is_utf8(data)
        parser = lxml_html.HTMLParser(encoding="utf-8") if utf8 else None
        return lxml_html.fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, TypeError):  # empty or no elements: trafilatura decides
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=True)
    except UnicodeDecodeError:
        return False
    return True


def _size(tree) -> PageSize:
    if tree is None:
        return PageSize(0, 0)
    root = tree.getroottree()
    return PageSize(int(root.xpath("count(//*)")), int(root.xpath("count(//text()[normalize-space()])")))


def extract_page(html: str | bytes, url: str | None = None) -> PageText | None:
    """Main text and metadata of a whole HTML page, or None when no text is found; the page text
    left out is in :attr:`PageText.dropped` (:func:`~crisol.clean.dropped.dropped_parts`).

    The extractor depends on the page's size (:class:`PageSize`): trafilatura's full cascade,
    its fast mode past the cascade's limits, crisol's :func:`density_text` past trafilatura's.
    """

    _use_linear_justext()
    tree = _parse(html)
    size = _size(tree)
    if size.too_large_for_trafilatura:
        return _density_page(tree, html, url, size)
    del tree  # trafilatura parses the page itself; only one tree in memory at a time
    fast = size.too_large
    for favor_recall in (False, True):
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            fast=fast,
            include_comments=False,
            favor_recall=favor_recall,
            include_tables=True,
            with_metadata=True,
            deduplicate=False,
            # no guessing from free text: htmldate's extensive search turns "© 2025" into 1 January
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        text = (doc.text or "").strip() if doc is not None else ""
        if text:
            break
    else:
        return None
    tree = _parse(html)  # again, now that trafilatura's trees are gone
    return PageText(
        text=text,
        title=_clean(doc.title),
        author=_clean(doc.author),
        sitename=_clean(doc.sitename),
        date=_clean(doc.date),
        published_meta=published_meta(html),
        url=_clean(doc.url) or url,
        language=declared_language(html),
        extractor="trafilatura-fast" if fast else "trafilatura",
        extractor_note=size.note("trafilatura-fast") if fast else None,
        dropped=dropped_parts(tree, text) if tree is not None else [],
    )


# crisol's own extractor for pages too large for trafilatura: one pass over one lxml tree.
_DENSITY_SKIP = frozenset(
    "script style noscript template head nav header footer aside form select option button iframe svg "
    "object embed canvas menu".split()
)
_DENSITY_MIN_CHARS = 40  # a shorter block is kept only as a heading
_DENSITY_MAX_LINKS = 0.3  # share of a block's characters inside links
_HEADINGS = frozenset("h1 h2 h3".split())


def density_text(tree) -> str:
    """Main text of a parsed page by text density: blocks (paragraphs, list items, cells...) with
    at least 40 characters of which at most 30% are link text, plus headings, in page order.

    Linear in the page and with no copy of the tree; crisol's line classifier then removes the
    boilerplate that remains.

    >>> from lxml import html
    >>> density_text(html.fromstring(
    ...     "<html><body><nav><a href='/'>Inicio</a></nav><h1>Un plan</h1>"
    ...     "<p>El gobierno anunció ayer un plan de obras para el norte del país.</p>"
    ...     "<ul><li><a href='/1'>Otra noticia con un titular bastante largo aquí</a></li></ul>"
    ...     "</body></html>"))
    'Un plan\\nEl gobierno anunció ayer un plan de obras para el norte del país.'
    """

    lines: list[str] = []
    parts: list[str] = []
    link_chars = [0]
    in_link = skip = 0
    heading = False

    def flush() -> None:
        nonlocal heading
        text = " ".join(" ".join(parts).split())
        total = len(text)
        if total and (
            heading or (total >= _DENSITY_MIN_CHARS and link_chars[0] <= _DENSITY_MAX_LINKS * total)
        ):
            lines.append(text)
        parts.clear()
        link_chars[0] = 0
        heading = False

    def add(text: str | None) -> None:
        if text and not skip:
            parts.append(text)
            if in_link:
                link_chars[0] += len(text.strip())

    for event, el in etree.iterwalk(tree, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if tag in _DENSITY_SKIP:
                skip += 1
            elif tag in _BLOCKS:
                flush()
                heading = tag in _HEADINGS
            if tag == "a":
                in_link += 1
            if tag is not None:
                add(el.text)
            continue
        if tag == "a":
            in_link -= 1
        if tag in _DENSITY_SKIP:
            skip -= 1
        elif tag in _BLOCKS:
            flush()
        add(el.tail)
    flush()
    return "\n".join(lines)


def _density_page(tree, html: str | bytes, url: str | None, size: PageSize) -> PageText | None:
    text = density_text(tree)
    if not text:
        return None
    title = _meta_content(tree, "og:title") or tree.findtext(".//title")
    return PageText(
        text=text,
        title=_clean(title),
        sitename=_clean(_meta_content(tree, "og:site_name")),
        published_meta=published_meta(html),
        url=url or _clean(_meta_content(tree, "og:url")),
        language=declared_language(html),
        extractor="crisol-density",
        extractor_note=size.note("crisol-density"),
        dropped=dropped_parts(tree, text),
    )


def _meta_content(tree, prop: str) -> str | None:
    for el in tree.iter("meta"):
        if prop in (el.get("property"), el.get("name")):
            return el.get("content")
    return None


def linear_revise_paragraph_classification(paragraphs: list, max_heading_distance: int = 200) -> None:
    """justext's ``revise_paragraph_classification`` with the same result in linear time.

    justext looks, for every short or near-good paragraph, for the nearest good or bad one on each
    side, walking the whole run of short paragraphs each time: a list of n short items costs n²
    steps (16,000 items: 35 s). Here the nearest neighbours come from one pass in each direction.
    The two heading passes are justext's own (bounded by ``max_heading_distance`` characters).
    tests/clean/test_clean_large_page.py checks the result against justext's on random pages.
    """
    n = len(paragraphs)
    # good headings (justext's pass)
    for i, paragraph in enumerate(paragraphs):
        paragraph.class_type = paragraph.cf_class
        if (
            paragraph.heading
            and paragraph.class_type == "short"
            and _good_follows(paragraphs, i, max_heading_distance)
        ):
            paragraph.class_type = "neargood"

    # classify short: every neighbour is read from the classes as they stand before the pass
    classes = [p.class_type for p in paragraphs]
    prev_gb, prev_any = _nearest(classes, range(n))
    next_gb, next_any = _nearest(classes, range(n - 1, -1, -1))
    for i, c in enumerate(classes):
        if c != "short":
            continue
        prev, nxt = prev_gb[i], next_gb[i]
        if prev == "good" and nxt == "good":
            new = "good"
        elif prev == "bad" and nxt == "bad":
            new = "bad"
        elif (prev == "bad" and prev_any[i] == "neargood") or (nxt == "bad" and next_any[i] == "neargood"):
            new = "good"
        else:
            new = "bad"
        paragraphs[i].class_type = new

    # revise neargood: the previous neighbour may be a near-good paragraph revised in this pass,
    # the next one is still as it stood before it
    classes = [p.class_type for p in paragraphs]
    next_gb, _ = _nearest(classes, range(n - 1, -1, -1))
    prev = "bad"
    for i, paragraph in enumerate(paragraphs):
        if paragraph.class_type == "neargood":
            paragraph.class_type = "bad" if (prev, next_gb[i]) == ("bad", "bad") else "good"
        if paragraph.class_type in ("good", "bad"):
            prev = paragraph.class_type

    # more good headings (justext's pass)
    for i, paragraph in enumerate(paragraphs):
        if (
            paragraph.heading
            and paragraph.class_type == "bad"
            and paragraph.cf_class != "bad"
            and _good_follows(paragraphs, i, max_heading_distance)
        ):
            paragraph.class_type = "good"


def _good_follows(paragraphs, i: int, max_distance: int) -> bool:
    """Whether a good paragraph comes within ``max_distance`` characters after paragraph ``i``
    (justext's heading test)."""
    distance, j = 0, i + 1
    while j < len(paragraphs) and distance <= max_distance:  # no slice: a copy per heading
        if paragraphs[j].class_type == "good":
            return True
        distance += len(paragraphs[j].text)
        j += 1
    return False


def _nearest(classes: list[str], order: range) -> tuple[list[str], list[str]]:
    """For each index, walking ``order``: the class of the nearest earlier good/bad paragraph, and
    of the nearest good/bad/near-good one ("bad" when there is none), as justext's neighbours."""
    good_bad, any_ = ["bad"] * len(classes), ["bad"] * len(classes)
    last_gb = last_any = "bad"
    for i in order:
        good_bad[i], any_[i] = last_gb, last_any
        c = classes[i]
        if c in ("good", "bad"):
            last_gb = last_any = c
        elif c == "neargood":
            last_any = c
    return good_bad, any_


def _use_linear_justext() -> None:
    """Make trafilatura's justext fallback call the linear revision (once; only while trafilatura
    still calls justext's own function, so an upgrade that changes it is left alone)."""

    if trafilatura.external.revise_paragraph_classification is justext.core.revise_paragraph_classification:
        trafilatura.external.revise_paragraph_classification = linear_revise_paragraph_classification


def plain_trafilatura(html: str | bytes, url: str | None = None, favor_recall: bool = False) -> str:
    """trafilatura's own extraction (no crisol post-cleaning), for benchmarks beside it."""

    return trafilatura.extract(html, url=url, include_comments=False, favor_recall=favor_recall) or ""


_META_DATE = re.compile(
    rb"<meta[^>]+(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|og:published_time|"
    rb"datePublished|pubdate|publishdate|publish-date|parsely-pub-date|sailthru\.date|dc\.date|"
    rb"dcterms\.created|cXenseParse:recs:publishtime)[\"'][^>]*>",
    re.I,
)
_CONTENT = re.compile(rb"content\s*=\s*[\"']([^\"']+)[\"']", re.I)
_JSONLD_DATE = re.compile(rb"[\"']datePublished[\"']\s*:\s*[\"']([^\"']+)[\"']")


def published_meta(html: str | bytes) -> str | None:
    """The publication timestamp a page states in its meta tags or JSON-LD (with time and zone).

    trafilatura keeps only the day; this keeps "2025-09-18T14:30:00-03:00" when the page has it.
    """
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    for tag in _META_DATE.finditer(data):
        content = _CONTENT.search(tag.group(0))
        if content:
            return content.group(1).decode("utf-8", "replace").strip()
    m = _JSONLD_DATE.search(data)
    return m.group(1).decode("utf-8", "replace").strip() if m else None


def declared_language(html: str | bytes) -> str | None:
    head = html[:_LANG_HEAD].encode("utf-8", "replace") if isinstance(html, str) else html[:_LANG_HEAD]
    m = _LANG_ATTR.search(head)
    return m.group(1).decode("ascii") if m else None


def fragment_text(html: str) -> str:
    """Text of an HTML fragment (feed or JSON content), one line per block element."""

    if not html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several types on broken markup; the text is what matters
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())
    root = Cleaner(scripts=True, javascript=True, style=True, comments=True).clean_html(root)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
