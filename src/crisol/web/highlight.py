"""An article's clean text as HTML: sentences anchored, entities, quotes and events highlighted.

Article text is untrusted: every piece of it goes through :func:`markupsafe.escape`; only the
tags written here are markup. Annotations are character offsets into ``Article.text``; they may
overlap or cross each other, so the text is cut at every boundary and the tags are closed and
reopened around each cut (always well nested).

>>> from crisol.model import Article, Sentence, Mention
>>> a = Article(id="a1", source="x", raw=b"", raw_format="text", text="<b>Ana</b> vino.")
>>> a.sentences = [Sentence(0, 0, 16, a.text)]
>>> a.mentions = [Mention("Ana", "PER", 3, 6, 0)]
>>> str(highlight_article(a, entity_href=lambda m: None))
'<span class="sentence" id="s-0">&lt;b&gt;<mark class="ent ent-PER" title="PER">Ana</mark>&lt;/b&gt; vino.</span>'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

from crisol.model import Article, Mention

# Outermost first: a quote holds event triggers, which hold entity mentions.
LAYERS = ("quote", "event", "mention")


@dataclass(frozen=True)
class Span:
    """One highlighted range: its layer, offsets, and the tag that opens it."""

    layer: str
    start: int
    end: int
    open: Markup
    close: Markup
    key: int  # tells apart two spans of one layer with the same offsets


def mention_span(m: Mention, key: int, href: str | None) -> Span:
    label = escape(m.label)
    title = escape(f"{m.label}: {m.canonical}" if m.canonical and m.canonical != m.text else m.label)
    if href:
        opening = Markup('<a class="ent ent-{}" href="{}" title="{}">').format(label, href, title)
        return Span("mention", m.start, m.end, opening, Markup("</a>"), key)
    opening = Markup('<mark class="ent ent-{}" title="{}">').format(label, title)
    return Span("mention", m.start, m.end, opening, Markup("</mark>"), key)


def article_spans(article: Article, entity_href: Callable[[Mention], str | None]) -> list[Span]:
    """The quote, event-trigger and mention spans of an article (valid offsets only)."""
    n = len(article.text)
    spans: list[Span] = []
    for i, q in enumerate(article.quotes):
        title = escape(f"quote ({q.kind}) by {q.speaker or 'unknown'}")
        spans.append(
            Span(
                "quote",
                q.start,
                q.end,
                Markup('<q class="quote quote-{}" title="{}">').format(escape(q.kind), title),
                Markup("</q>"),
                i,
            )
        )
    for i, (start, end, e) in enumerate(_event_triggers(article)):
        title = escape(f"event {e.type}{'/' + e.mode if e.mode else ''} ({e.certainty})")
        spans.append(
            Span(
                "event",
                start,
                end,
                Markup('<mark class="event" title="{}">').format(title),
                Markup("</mark>"),
                i,
            )
        )
    for i, m in enumerate(article.mentions):
        spans.append(mention_span(m, i, entity_href(m)))
    return [s for s in spans if 0 <= s.start < s.end <= n]


def _event_triggers(article: Article):
    """(start, end, event) for each event whose trigger words are found in its sentence."""
    by_index = {s.index: s for s in article.sentences}
    for e in article.events:
        sentence = by_index.get(e.sentence)
        if sentence is None or not e.trigger:
            continue
        at = article.text.find(e.trigger, sentence.start, sentence.end)
        if at >= 0:
            yield at, at + len(e.trigger), e


def _render_range(text: str, start: int, end: int, spans: list[Span]) -> Markup:
    """``text[start:end]`` escaped, with the parts of ``spans`` inside it wrapped in their tags."""
    inside = [s for s in spans if s.start < end and s.end > start]
    cuts = sorted({start, end, *(max(start, s.start) for s in inside), *(min(end, s.end) for s in inside)})
    order = {layer: i for i, layer in enumerate(LAYERS)}
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        active = sorted(
            (s for s in inside if s.start <= a and s.end >= b), key=lambda s: (order[s.layer], s.key)
        )
        out.extend(s.open for s in active)
        out.append(escape(text[a:b]))
        out.extend(s.close for s in reversed(active))
    return Markup("").join(out)


def highlight_article(article: Article, entity_href: Callable[[Mention], str | None]) -> Markup:
    """The article text as HTML: ``<span class="sentence" id="s-N">`` per sentence, with the
    annotations inside; text outside every sentence is kept (escaped) between them."""
    text = article.text
    spans = article_spans(article, entity_href)
    out: list[str] = []
    pos = 0
    for s in sorted(article.sentences, key=lambda s: s.start):
        start, end = max(s.start, pos), min(s.end, len(text))
        if start >= end:
            continue
        if pos < start:
            out.append(_render_range(text, pos, start, spans))
        out.append(Markup('<span class="sentence" id="s-{}">').format(s.index))
        out.append(_render_range(text, start, end, spans))
        out.append(Markup("</span>"))
        pos = end
    if pos < len(text):
        out.append(_render_range(text, pos, len(text), spans))
    return Markup("").join(out)
