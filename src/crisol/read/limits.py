"""Size limits of the readers, in one place so messages, docs and tests agree."""

from __future__ import annotations

MB = 1_000_000

# One text or HTML article larger than this is not an article (a dump, a log, a book...).
MAX_ARTICLE_BYTES = 10 * MB
# A feed is parsed whole by feedparser; real feeds are well under a megabyte.
MAX_FEED_BYTES = 50 * MB
# One JSON record (a JSONL line, a JSON list item) or one WARC record kept in memory.
MAX_RECORD_BYTES = 32 * MB
# What the sniffer sees of each input (after gzip decompression).
HEAD_BYTES = 64 * 1024
# Read size for streaming inputs.
CHUNK_BYTES = 1024 * 1024


def human_size(n: int) -> str:
    """Sizes for messages, in decimal megabytes like file managers show them.

    >>> human_size(200_000_000), human_size(10_500_000), human_size(2_048)
    ('200 MB', '10.5 MB', '2 KB')
    """
    if n >= MB:
        value, unit = n / MB, "MB"
    elif n >= 1000:
        value, unit = n / 1000, "KB"
    else:
        return f"{n} bytes"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


# JSON nested deeper than this is not an article record (and would exhaust Python's stack in
# the parser and in every function that walks the value).
MAX_JSON_DEPTH = 200
# A run of whitespace this long between JSON values is padding or a decompression bomb.
MAX_WHITESPACE_RUN = 1 * MB
# A plain-text input with fewer words than this is not an article ("hola", a stray "ok").
MIN_TEXT_WORDS = 3

# An HTML page with more elements, or more text nodes, than this is not cleaned by trafilatura's
# full cascade: its readability/justext fallbacks grow with the square of the page (justext's
# neighbour search over runs of short paragraphs: 4,000 short list items cost 2.6 s, 16,000 cost
# 35 s). Such pages go through trafilatura's fast mode, which is linear, and the article notes it.
# Real pages are far below (441 pages of trafilatura's and Zyte's evaluation sets: at most 9,751
# elements and 2,766 text nodes; 99% under 2,547 and 1,253).
MAX_PAGE_ELEMENTS = 40_000
MAX_PAGE_TEXT_NODES = 5_000
# Past this many elements a page is not given to trafilatura at all: even its fast mode copies the
# tree several times (~2 KB per element: a 9.8 MB page of 228,000 elements took 500 MB and 4.7 s);
# crisol's own text-density extractor reads the one tree already parsed.
MAX_TRAFILATURA_ELEMENTS = 100_000
# A page with more tags than this is not an article page (a dump, a generated file): rejected
# before it is parsed, whose tree would cost ~150 bytes per element (2.4 million tags in 9.6 MB:
# 345 MB). Counted as "<" minus "</", an overestimate; real pages have at most ~10,000 elements.
MAX_PAGE_TAGS = 500_000
