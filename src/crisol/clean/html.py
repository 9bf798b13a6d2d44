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
fallbacks, linear in the page) and :attr:`PageText.extractor` says so. Below the limits,
justext's paragraph revision runs as :func:`linear_revise_paragraph_classification` (the same
classes in linear time), so the full cascade stays cheap up to them.

>>> fragment_text("<p>Primer párrafo.</p><p>Segundo <b>párrafo</b>.</p><script>x()</script>")
'Primer párrafo.\\nSegundo párrafo.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    extractor: str = "trafilatura"  # or "trafilatura-fast": no readability/justext fallbacks
    extractor_note: str | None = None  # why the fast extractor was used


@dataclass(frozen=True)
class PageSize:
    """How big a page's DOM is: what the extraction cost grows with."""

    elements: int
    text_nodes: int  # non-blank text nodes (about the paragraphs justext sees)

    @property
    def too_large(self) -> bool:
        from crisol.read.limits import MAX_PAGE_ELEMENTS, MAX_PAGE_TEXT_NODES

        return self.elements > MAX_PAGE_ELEMENTS or self.text_nodes > MAX_PAGE_TEXT_NODES

    def note(self) -> str:
        from crisol.read.limits import MAX_PAGE_ELEMENTS, MAX_PAGE_TEXT_NODES

        return (f"page too large for the full extractor ({self.elements:,} elements, {self.text_nodes:,} "
                f"text nodes; limits {MAX_PAGE_ELEMENTS:,} and {MAX_PAGE_TEXT_NODES:,}): main text by "
                "trafilatura's fast mode, without the readability and justext fallbacks")


def page_size(html: str | bytes) -> PageSize:
    """Elements and non-blank text nodes of ``html`` (one lxml parse, linear in the page).

    >>> page_size("<html><body><ul><li>uno</li><li>dos</li><li> </li></ul></body></html>")
    PageSize(elements=6, text_nodes=2)
    """
    from lxml import etree
    from lxml import html as lxml_html

    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    try:
        tree = lxml_html.fromstring(data)
    except (etree.ParserError, ValueError, TypeError):  # empty or no elements: trafilatura decides
        return PageSize(0, 0)
    root = tree.getroottree()
    return PageSize(int(root.xpath("count(//*)")), int(root.xpath("count(//text()[normalize-space()])")))


def extract_page(html: str | bytes, url: str | None = None) -> PageText | None:
    """Main text and metadata of a whole HTML page, or None when trafilatura finds no text.

    A page larger than the limits (:class:`PageSize`) is extracted in trafilatura's fast mode.
    """
    import trafilatura

    _use_linear_justext()
    size = page_size(html)
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
        extractor_note=size.note() if fast else None,
    )


def linear_revise_paragraph_classification(paragraphs: list, max_heading_distance: int = 200) -> None:
    """justext's ``revise_paragraph_classification`` with the same result in linear time.

    justext looks, for every short or near-good paragraph, for the nearest good or bad one on each
    side, walking the whole run of short paragraphs each time: a list of n short items costs n²
    steps (16,000 items: 35 s). Here the nearest neighbours come from one pass in each direction.
    The two heading passes are justext's own (bounded by ``max_heading_distance`` characters).
    tests/clean/test_clean_large_page.py checks the result against justext's on random pages.
    """
    n = len(paragraphs)
    # good headings (justext's pass, verbatim)
    for i, paragraph in enumerate(paragraphs):
        paragraph.class_type = paragraph.cf_class
        if not (paragraph.heading and paragraph.class_type == "short"):
            continue
        j, distance = i + 1, 0
        while j < n and distance <= max_heading_distance:
            if paragraphs[j].class_type == "good":
                paragraph.class_type = "neargood"
                break
            distance += len(paragraphs[j].text)
            j += 1

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

    # more good headings (justext's pass, verbatim)
    for i, paragraph in enumerate(paragraphs):
        if not (paragraph.heading and paragraph.class_type == "bad" and paragraph.cf_class != "bad"):
            continue
        j, distance = i + 1, 0
        while j < n and distance <= max_heading_distance:
            if paragraphs[j].class_type == "good":
                paragraph.class_type = "good"
                break
            distance += len(paragraphs[j].text)
            j += 1


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
    import justext.core
    import trafilatura.external

    if trafilatura.external.revise_paragraph_classification is justext.core.revise_paragraph_classification:
        trafilatura.external.revise_paragraph_classification = linear_revise_paragraph_classification


def plain_trafilatura(html: str | bytes, url: str | None = None, favor_recall: bool = False) -> str:
    """trafilatura's own extraction (no crisol post-cleaning), for benchmarks beside it."""
    import trafilatura

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
    head = html[:4096].encode("utf-8", "replace") if isinstance(html, str) else html[:4096]
    m = _LANG_ATTR.search(head)
    return m.group(1).decode("ascii") if m else None


def fragment_text(html: str) -> str:
    """Text of an HTML fragment (feed or JSON content), one line per block element."""
    from lxml import html as lxml_html
    from lxml_html_clean import Cleaner

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
