"""Chart geometry for the pages' inline SVG: bar charts, a timeline and a network graph.

Only numbers and the caller's labels come out of here; the templates draw them (autoescaped),
so no text from articles is ever written into markup by hand.

>>> bars = bar_chart([("2025-01", 2), ("2025-02", 4)])
>>> [round(b.height) for b in bars.bars], bars.max
([77, 154], 4)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from crisol.store.queries import date_span

WIDTH, HEIGHT = 640, 200  # viewBox of the bar chart (scales to the page width)
PLOT_RIGHT = 28  # room for the last label
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 16, 170, 36
MAX_BARS = 60


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool


@dataclass
class BarChart:
    bars: list[Bar]
    max: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = PLOT_BOTTOM
    left: float = PLOT_LEFT
    ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, value) of gridlines


def bar_chart(counts: Sequence[tuple[str, int]]) -> BarChart:
    """Bars for ``(label, count)`` pairs in the given order (at most :data:`MAX_BARS`, the last)."""
    counts = list(counts)[-MAX_BARS:]
    top = max((c for _, c in counts), default=0)
    if not counts or top == 0:
        return BarChart([], 0)
    plot_w, plot_h = WIDTH - PLOT_LEFT - PLOT_RIGHT, PLOT_BOTTOM - PLOT_TOP
    step = plot_w / len(counts)
    every = max(1, math.ceil(len(counts) / 8))  # at most ~8 x labels fit
    bars = []
    for i, (label, c) in enumerate(counts):
        h = plot_h * c / top
        bars.append(
            Bar(label, c, PLOT_LEFT + i * step + step * 0.1, PLOT_BOTTOM - h, step * 0.8, h, i % every == 0)
        )
    ticks = [(PLOT_BOTTOM - plot_h * v / top, v) for v in sorted({0, top // 2, top}) if v or top == 0]
    return BarChart(bars, top, ticks=ticks)


def period_of(value: str | None, precision: str = "month") -> str | None:
    """The month (``2025-06``) or day of a resolved date value, seasons and years by their start."""
    span = date_span(value) if value else None
    if span is None:
        return None
    return span[0].strftime("%Y-%m" if precision == "month" else "%Y-%m-%d")


def counts_over_time(values: Iterable[str | None]) -> list[tuple[str, int]]:
    """Counts per period, oldest first, with empty periods filled in: days when everything
    falls within two months, months otherwise."""
    spans = [s for v in values if v and (s := date_span(v))]
    if not spans:
        return []
    first, last = min(s[0] for s in spans), max(s[0] for s in spans)
    daily = (last - first).days <= 62
    key = (lambda d: d.isoformat()) if daily else (lambda d: d.strftime("%Y-%m"))
    counts = Counter(key(s[0]) for s in spans)
    return [(k, counts.get(k, 0)) for k in _periods(first, last, daily)]


def _periods(first: date, last: date, daily: bool) -> list[str]:
    if daily:
        return [date.fromordinal(o).isoformat() for o in range(first.toordinal(), last.toordinal() + 1)]
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ---- timeline ---------------------------------------------------------------------------------

TL_WIDTH, TL_LEFT, TL_RIGHT, TL_STEP, TL_TOP = 640, 44, 12, 18, 14
TL_MAX_COLUMNS = 14  # more distinct days than this: one column per month


@dataclass
class Mark:
    x: float
    y: float
    kind: str  # "event" or "article"
    label: str
    title: str
    href: str | None = None


@dataclass
class Timeline:
    marks: list[Mark]
    axis: list[tuple[float, str]]  # (x, period label), one per column
    width: int
    height: int
    axis_y: float
    column: float  # column width: mark labels are drawn only when they fit
    rotate: bool  # axis labels slanted (many columns)


def timeline(events: Sequence[dict], articles: Sequence[dict]) -> Timeline | None:
    """One column per day (or month, when there are many days) holding that period's events,
    stacked above the axis, and the articles published then, stacked below it. Columns are
    evenly spaced in date order (an outlier date years away does not squash the rest).

    ``events`` and ``articles`` are dicts with ``date``, ``label``, ``title`` and ``href``;
    None when nothing has a date."""
    dated = [(p, e) for e in events if (p := _period(e.get("date")))]
    pubs = [(p, a) for a in articles if (p := _period(a.get("date")))]
    if not dated and not pubs:
        return None
    if len({p for p, _ in dated + pubs}) > TL_MAX_COLUMNS:  # one column per month (or year)
        dated = [((d, label[:7]), e) for (d, label), e in dated]
        pubs = [((d, label[:7]), a) for (d, label), a in pubs]
    periods = sorted({p for p, _ in dated + pubs})
    column = (TL_WIDTH - TL_LEFT - TL_RIGHT) / len(periods)
    # the marker sits at the left of its column, its label flows right within the column
    x_of = {p: TL_LEFT + column * i + 8 for i, p in enumerate(periods)}
    above, below = Counter(p for p, _ in dated), Counter(p for p, _ in pubs)
    axis_y = TL_TOP + TL_STEP * max(above.values(), default=0) + 6
    rotate = column < 80
    label_room = 58 if rotate else 24
    height = int(axis_y + label_room + TL_STEP * max(below.values(), default=0) + 8)
    marks: list[Mark] = []
    seen: Counter = Counter()
    for p, e in sorted(dated, key=lambda pe: pe[0]):
        seen[("e", p)] += 1
        marks.append(
            Mark(
                x_of[p],
                axis_y - 12 - TL_STEP * (seen[("e", p)] - 1),
                "event",
                e["label"],
                e["title"],
                e.get("href"),
            )
        )
    for p, a in sorted(pubs, key=lambda pa: pa[0]):
        seen[("a", p)] += 1
        marks.append(
            Mark(
                x_of[p],
                axis_y + label_room + TL_STEP * (seen[("a", p)] - 1),
                "article",
                a["label"],
                a["title"],
                a.get("href"),
            )
        )
    return Timeline(marks, [(x_of[p], p[1]) for p in periods], TL_WIDTH, height, axis_y, column, rotate)


def _period(value: str | None) -> tuple[date, str] | None:
    """(first day, label) of a date value: a day ``2025-10-07`` (times cut off), or a month
    ``2025-03`` or year ``2023`` as written (not shown as its first day)."""
    if not value:
        return None
    label = value[:10]
    span = date_span(label)
    return (span[0], label) if span else None


# ---- network ----------------------------------------------------------------------------------

NET_WIDTH, NET_HEIGHT, NET_RADIUS = 820, 440, 165
NET_MIN_LINK = 2  # links between two neighbours are drawn when they share this many articles


@dataclass
class Node:
    id: str
    label: str
    x: float  # where the label is anchored
    y: float
    r: float
    weight: int
    center: bool = False
    href: str | None = None
    anchor: str = "middle"
    label_y: float = 0.0
    cx: float = 0.0  # the circle's centre

    def __post_init__(self):
        if not self.cx:
            self.cx = self.x


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    weight: int
    title: str
    spoke: bool = True  # from the centre (False: between two neighbours)


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    width: int = NET_WIDTH
    height: int = NET_HEIGHT


def network(
    center: tuple[str, str],
    neighbours: Sequence[tuple[str, str, int]],
    links: dict[tuple[str, str], int],
    href=lambda entity_id: None,
) -> Network:
    """A star of ``neighbours`` (id, label, articles shared with the center) around ``center``
    (id, label) on a circle, plus ``links`` between neighbours (pair of ids -> shared articles)."""
    cx, cy = NET_WIDTH / 2, NET_HEIGHT / 2
    top = max((w for *_, w in neighbours), default=1)
    nodes = [Node(center[0], center[1], cx, cy, 18, top, True, href(center[0]), "middle", cy + 34)]
    where: dict[str, Node] = {}
    for i, (eid, label, w) in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(neighbours))
        x, y = cx + NET_RADIUS * 1.25 * math.cos(angle), cy + NET_RADIUS * math.sin(angle)
        anchor = "middle" if abs(x - cx) < 20 else ("start" if x > cx else "end")
        r = 6 + 8 * w / top
        # labels sit outside the circle: beside side nodes, above/below the top and bottom ones
        dx = 0 if anchor == "middle" else (r + 4 if anchor == "start" else -r - 4)
        dy = 4 if anchor != "middle" else (r + 14 if y > cy else -r - 6)
        node = Node(eid, label, x + dx, y, r, w, False, href(eid), anchor, y + dy, cx=x)
        nodes.append(node)
        where[eid] = node
    edges = [
        Edge(
            cx, cy, n.cx, n.y, 1 + 5 * n.weight / top, n.weight, f"{center[1]} — {n.label}: {n.weight}", True
        )
        for n in nodes[1:]
    ]
    for (a, b), w in sorted(links.items()):
        if a in where and b in where and w >= NET_MIN_LINK:
            na, nb = where[a], where[b]
            edges.append(
                Edge(na.cx, na.y, nb.cx, nb.y, 0.5 + 2 * w / top, w, f"{na.label} — {nb.label}: {w}", False)
            )
    return Network(nodes, edges)


# ---- lines (attention over time) ----------------------------------------------------------------


@dataclass
class Point:
    label: str
    count: int
    x: float
    y: float


@dataclass
class Series:
    name: str
    points: list[Point]

    @property
    def path(self) -> str:
        """The SVG polyline ``points`` attribute through the series' marks."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class LineChart:
    series: list[Series]
    max: int
    axis: list[tuple[float, str]]  # (x, period label) of the labelled periods
    ticks: list[tuple[float, int]]
    radius: float  # of each mark: smaller when periods are many
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = PLOT_BOTTOM
    left: float = PLOT_LEFT


def line_chart(series: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> LineChart:
    """One line per ``(name, [(period, count), ...])``, all over the same periods (those of the
    first), a mark on every period; the y axis from 0 to the largest count of any series.

    >>> chart = line_chart([("a", [("03-03", 2), ("03-04", 4)]), ("b", [("03-03", 1), ("03-04", 0)])])
    >>> [(p.label, round(p.y)) for p in chart.series[0].points], chart.max
    ([('03-03', 93), ('03-04', 16)], 4)
    """
    periods = [label for label, _ in series[0][1]] if series else []
    top = max((c for _, counts in series for _, c in counts), default=0)
    plot_w, plot_h = WIDTH - PLOT_LEFT - PLOT_RIGHT, PLOT_BOTTOM - PLOT_TOP
    step = plot_w / max(1, len(periods))
    x_of = [PLOT_LEFT + step * (i + 0.5) for i in range(len(periods))]
    scale = plot_h / top if top else 0.0
    lines = [
        Series(
            name, [Point(label, c, x_of[i], PLOT_BOTTOM - c * scale) for i, (label, c) in enumerate(counts)]
        )
        for name, counts in series
    ]
    every = max(1, math.ceil(len(periods) / 8))  # at most ~8 x labels fit
    axis = [(x_of[i], p) for i, p in enumerate(periods) if i % every == 0]
    ticks = [(PLOT_BOTTOM - plot_h * v / top, v) for v in sorted({0, top // 2, top})] if top else []
    return LineChart(lines, top, axis, ticks, max(1.2, min(3.5, step / 3)))
