"""The pieces behind the pages: highlighting by offsets, snippet rebuilding, chart geometry."""

from __future__ import annotations

from crisol.model import Article, Event, Mention, Quote, Sentence
from crisol.store.search import Snippet
from crisol.web import charts
from crisol.web.app import http_url
from crisol.web.highlight import highlight_article
from crisol.web.views import snippet_markup

TEXT = "Dijo <i>Ana Pérez</i>: «vamos a ganar». Luego & se fue."


def article() -> Article:
    a = Article(id="a1", source="t", raw=b"", raw_format="text", text=TEXT, language="es")
    cut = TEXT.index("Luego")
    a.sentences = [Sentence(0, 0, cut - 1, TEXT[: cut - 1]), Sentence(1, cut, len(TEXT), TEXT[cut:])]
    ana = TEXT.index("Ana")
    a.mentions = [Mention("Ana Pérez", "PER", ana, ana + 9, 0, entity_id="per:ana")]
    q = TEXT.index("«")
    # the quote starts inside the mention's tag text and crosses it: spans overlap
    a.quotes = [Quote(TEXT[ana + 4 : q + 18], "direct", "Ana Pérez", "Dijo", ana + 4, q + 18, 0)]
    a.events = [Event("CONSULT", None, None, None, 1, TEXT[cut:], "se fue")]
    return a


def test_highlight_escapes_and_nests():
    html = str(highlight_article(article(), lambda m: f"/entities/{m.entity_id}"))
    assert "<i>" not in html and "&lt;i&gt;" in html
    assert "&amp;" in html
    assert html.startswith('<span class="sentence" id="s-0">')
    assert 'id="s-1"' in html
    assert '<a class="ent ent-PER" href="/entities/per:ana"' in html
    assert '<mark class="event"' in html and "se fue</mark>" in html
    # well nested: tags close in reverse order of opening
    import re

    stack = []
    for closing, name in re.findall(r"<(/?)(span|a|q|mark)\b", html):
        if closing:
            assert stack.pop() == name
        else:
            stack.append(name)
    assert stack == []
    # the visible text is the article text, whole
    import html as h

    assert h.unescape(re.sub(r"<[^>]+>", "", html)) == TEXT


def test_highlight_skips_bad_offsets():
    a = article()
    a.mentions.append(Mention("x", "ORG", 50, 500, 0))
    html = str(highlight_article(a, lambda m: None))
    assert "ent-ORG" not in html


def test_snippet_markup_escapes_text_and_marks_matches():
    s = Snippet((("a <script> ", False), ("puerto", True), (" <b>x</b> ", False), ("<open>", True)))
    out = str(snippet_markup(s))
    assert "<mark>puerto</mark>" in out
    assert "&lt;script&gt;" in out and "&lt;b&gt;" in out
    assert out.endswith("<mark>&lt;open&gt;</mark>") and "<script>" not in out


def test_http_url():
    assert http_url("https://x.example/a") == "https://x.example/a"
    assert http_url("javascript:alert(1)") is None
    assert http_url(" JaVaScript:alert(1)") is None
    assert http_url(None) is None


def test_counts_over_time_fills_gaps():
    assert charts.counts_over_time(["2025-01-01", "2025-01-03", None, "2025-01-03"]) == [
        ("2025-01-01", 1),
        ("2025-01-02", 0),
        ("2025-01-03", 2),
    ]
    months = charts.counts_over_time(["2024-11", "2025-03-02"])
    assert [m for m, _ in months] == ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]


def test_bar_chart_scales_to_highest():
    chart = charts.bar_chart([("a", 1), ("b", 0), ("c", 4)])
    assert chart.max == 4
    heights = [b.height for b in chart.bars]
    assert heights[1] == 0 and heights[2] == 4 * heights[0]
    assert charts.bar_chart([]).bars == []


def test_timeline_places_events_above_articles_below():
    tl = charts.timeline(
        [{"date": "2025-03-01", "label": "CONSULT", "title": "t"}],
        [{"date": "2025-03-03T10:00:00+00:00", "label": "Gaceta", "title": "t"}],
    )
    ev, art = tl.marks
    assert ev.y < tl.axis_y < art.y and ev.x < art.x
    assert charts.timeline([{"date": None, "label": "x", "title": "x"}], []) is None


def test_network_circle():
    net = charts.network(
        ("c", "Center"), [("a", "A", 3), ("b", "B", 1), ("d", "D", 2)], {("a", "b"): 1, ("a", "d"): 2}
    )
    assert len(net.nodes) == 4
    assert [e.spoke for e in net.edges] == [True, True, True, False]  # a–b shares too little to draw
    assert net.nodes[1].r > net.nodes[2].r


def test_word_diff_marks_changes_and_escapes():
    from crisol.web.views import word_diff

    a, b = word_diff("pagó 12 <b>euros</b>", "pagó 15 <b>euros</b> ayer")
    assert str(a) == "pagó <del>12</del> &lt;b&gt;euros&lt;/b&gt;"
    assert str(b) == "pagó <ins>15</ins> &lt;b&gt;euros&lt;/b&gt;<ins> ayer</ins>"
