"""What the HTML extractor left out of a page, block by block, and where each part stood.

trafilatura returns the text it kept, not what it dropped. The page's own text is read here block
by block (paragraphs, list items, headings, cells...) in page order and each block is looked for
in the kept text, word for word, from where the previous kept block ended: a block not found there
(nor as a whole kept line elsewhere) was left out. A kept paragraph that lost inline parts (a
``<time>``, a link) is matched through its words, and the parts it lost are reported too.

Each dropped part is named by where it stood: the nearest enclosing landmark element (nav,
header, footer, aside, figure...), else the nearest element with a class or id, else its own
tag, e.g. ``nav.main-nav`` or ``div.cookie-banner``. Neighbouring parts from the same place are
joined with `` · ``. Text without a letter or digit (a lone "·" or "|") is not reported.

>>> from lxml import html
>>> page = html.fromstring(
...     "<html><body><nav class='menu'><a href='/'>Inicio</a> <a href='/m'>Mundo</a></nav>"
...     "<p>El gobierno aprobó ayer el plan de obras.</p><figure><figcaption>Foto: archivo"
...     "</figcaption></figure></body></html>")
>>> dropped_parts(page, "El gobierno aprobó ayer el plan de obras.")
[('Inicio Mundo', 'nav.menu'), ('Foto: archivo', 'figure')]
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

# Elements whose content is code or metadata, not page text.
_NOT_TEXT = frozenset("script style noscript template head title svg math object embed iframe".split())
# Elements that start a new block of text.
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote section article header footer figure main nav "
    "figcaption table tr td th pre hr dd dt dl aside form menu details summary address caption".split()
)
# Page landmarks: a part inside one is named by it (the extractor drops them as a whole).
_LANDMARKS = frozenset(
    "nav header footer aside figure figcaption form menu button dialog address time".split()
)
_WORD = re.compile(r"\w+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SEP = "\x1f"  # between words in the searchable kept text: matches stop at word boundaries
MAX_DROPPED_PARTS = 400  # past this the rest of a page's dropped text is counted, not listed


@dataclass
class _Block:
    """One block of page text: its pieces (text node, where it stood) in order."""

    pieces: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        # inline elements join without a space, as a browser shows them ("<b>D</b>ie" is "Die")
        return "".join(text for text, _ in self.pieces)

    def words(self) -> list[str]:
        return _words(self.text)


def _words(text: str) -> list[str]:
    return _WORD.findall(_comparable(text))


def _comparable(text: str) -> str:
    # soft hyphens and zero-width characters are not shown, and extractors drop them
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE).casefold()


def _label(el) -> str:
    """``tag.first-class`` or ``tag#id`` or ``tag``: how a dropped part's place is named."""
    tag = el.tag.lower()
    classes = (el.get("class") or "").split()
    if classes:
        return f"{tag}.{classes[0]}"
    ident = (el.get("id") or "").strip()
    return f"{tag}#{ident}" if ident and " " not in ident else tag


def page_blocks(tree) -> list[_Block]:
    """The page's text in blocks, each text node with the name of the place it stood in."""

    blocks: list[_Block] = [_Block()]
    places: list[tuple[str, bool]] = [("body", False)]  # (name, inside a landmark)
    skip = 0

    def add(text: str | None) -> None:
        # a blank between two inline elements separates their words; at a block's start it is nothing
        if text and not skip and (blocks[-1].pieces or text.strip()):
            blocks[-1].pieces.append((text, places[-1][0]))

    def new_block() -> None:
        if blocks[-1].pieces:
            blocks.append(_Block())

    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if not isinstance(el.tag, str):  # comments, processing instructions: only their tails
            if event == "end":
                add(el.tail)
            continue
        tag = el.tag.lower()
        if event == "start":
            if tag in _NOT_TEXT:
                skip += 1
            if tag in _BLOCKS:
                new_block()
            name, in_landmark = places[-1]
            if tag in _LANDMARKS and not in_landmark:
                places.append((_label(el), True))
            elif not in_landmark and (el.get("class") or el.get("id")):
                places.append((_label(el), False))
            else:
                places.append((name, in_landmark))
            add(el.text)
            continue
        places.pop()
        if tag in _NOT_TEXT:
            skip -= 1
        if tag in _BLOCKS:
            new_block()
        add(el.tail)
    return [b for b in blocks if b.pieces]


@dataclass
class _Kept:
    """The kept text as words, searchable from a position, and its lines."""

    joined: str  # _SEP + words joined by _SEP + _SEP
    line_starts: list[int]  # offset in ``joined`` of each line's first separator
    line_index: dict[int, int]  # line start -> line number
    lines: list[list[str]]

    @classmethod
    def of(cls, text: str) -> _Kept:
        joined, starts, lines = [_SEP], [], []
        offset = 0
        for line in text.splitlines():
            words = _words(line)
            if not words:
                continue
            starts.append(offset)
            lines.append(words)
            piece = _SEP.join(words) + _SEP
            joined.append(piece)
            offset += len(piece)
        return cls("".join(joined), starts, {start: n for n, start in enumerate(starts)}, lines)

    def ends_line(self, at: int) -> bool:
        """Whether ``at`` (the separator after a word) ends a line."""
        return at in self.line_index or at == len(self.joined) - 1

    def line_at(self, cursor: int) -> int | None:
        """The first line that starts at or after ``cursor``."""
        i = bisect.bisect_left(self.line_starts, cursor)
        return i if i < len(self.lines) else None


def dropped_parts(tree, kept_text: str) -> list[tuple[str, str]]:
    """The text of ``tree`` (a parsed page) that is not in ``kept_text``, as (text, place) parts
    in page order; neighbours from the same place are joined."""

    kept = _Kept.of(kept_text)
    blocks = [b for b in page_blocks(tree) if b.words()]
    needles = [_SEP + _SEP.join(b.words()) + _SEP for b in blocks]
    cursor, i = 0, 0
    used: set[int] = set()  # kept lines already matched: a line is one block's (or run's) only
    parts: list[tuple[str, str]] = []
    while i < len(blocks):
        if cursor not in kept.line_index and kept.joined.startswith(needles[i], cursor):  # the line goes on
            cursor += len(needles[i]) - 1
            i += 1
            continue
        # the next lines first; then earlier ones, in case the extractor moved a block forward
        found = _line_run(kept, needles, i, cursor, len(kept.joined), used) or _line_run(
            kept, needles, i, 0, cursor, used
        )
        if found is not None:
            i, cursor = found
            continue
        lost, cursor = _inline_losses(blocks[i], kept, cursor, used)
        parts.extend(lost)
        i += 1
    return _merge(parts)


def _line_run(
    kept: _Kept, needles: list[str], i: int, start: int, stop: int, used: set[int]
) -> tuple[int, int] | None:
    """The first unused kept line starting in [``start``, ``stop``) that blocks ``i``, ``i + 1``...
    spell out whole, as (the block after them, the end of the line), marked used; None when there
    is none. Whole lines only: a short block ("España") is not the first word of a paragraph."""
    found = kept.joined.find(needles[i], start, stop + len(needles[i]))
    while 0 <= found < stop:
        line = kept.line_index.get(found)
        if line is not None and line not in used:
            at, j = found, i
            while j < len(needles) and kept.joined.startswith(needles[j], at):
                at += len(needles[j]) - 1
                j += 1
                if kept.ends_line(at):
                    used.update(range(line, kept.line_at(at) or len(kept.lines)))
                    return j, at
        found = kept.joined.find(needles[i], found + 1, stop + len(needles[i]))
    return None


def _inline_losses(
    block: _Block, kept: _Kept, cursor: int, used: set[int]
) -> tuple[list[tuple[str, str]], int]:
    """The pieces of ``block`` that were dropped: all of them, unless the next kept line is the
    block less some pieces (an inline element the extractor removed), then only those."""
    i = kept.line_at(cursor)
    if i is not None and i not in used:
        line, at = kept.lines[i], 0
        matched_chars: set[int] = set()  # offsets into block.text of the words the line has
        for m in _WORD.finditer(_comparable(block.text)):
            if at < len(line) and line[at] == m.group():
                at += 1
                matched_chars.add(m.start())
        if at == len(line):
            used.add(i)
            after = kept.line_starts[i + 1] if i + 1 < len(kept.line_starts) else len(kept.joined) - 1
            return _unmatched_pieces(block, matched_chars), after
    return [(" ".join(block.text.split()), block.pieces[0][1])], cursor


def _unmatched_pieces(block: _Block, matched_chars: set[int]) -> list[tuple[str, str]]:
    lost, start = [], 0
    for text, place in block.pieces:
        end = start + len(text)
        if not any(start <= c < end for c in matched_chars) and _words(text):
            lost.append((" ".join(text.split()), place))
        start = end
    return lost


def _merge(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for text, place in parts:
        if merged and merged[-1][1] == place:
            merged[-1] = (f"{merged[-1][0]} · {text}", place)
        else:
            merged.append((text, place))
    if len(merged) > MAX_DROPPED_PARTS:
        rest = merged[MAX_DROPPED_PARTS - 1 :]
        words = sum(len(_words(t)) for t, _ in rest)
        note = f"{len(rest):,} more parts ({words:,} words) left out; the raw page keeps them"
        merged = [*merged[: MAX_DROPPED_PARTS - 1], (note, "page")]
    return merged
