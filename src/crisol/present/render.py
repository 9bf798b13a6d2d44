"""A presented story as text for a terminal (``crisol story ID``) or as Markdown (``--format md``).

Citations are shown by outlet name when the article has one, else by a short article id; the
sources list at the end maps each label to its article.

>>> story = {"id": "s1", "title": "Acuerdo de paz", "language": "es", "articles": ["a1b2c3d4e5"],
...          "sources": [{"id": "a1b2c3d4e5", "outlet": "Diario", "title": None}],
...          "summary": [{"text": "Las partes firmaron.", "citations": ["a1b2c3d4e5"], "sentence": {}}]}
>>> print(render_text(story).splitlines()[0])
Acuerdo de paz
>>> "Las partes firmaron. [Diario]" in render_text(story)
True
"""

from __future__ import annotations

from typing import Callable

from crisol.text import outlet_key, outlet_label

SHORT_ID = 8
TOPIC_CHARS = 100  # a difference's topic may be a whole sentence: cut it in listings
SENTENCE_CHARS = 160  # each side's sentence, under a difference


def labels(story: dict) -> dict[str, str]:
    """Article id -> a short label: its outlet (its first spelling in the story), or "unknown
    outlet", numbered when shared; never the article's id, which says nothing to a reader.

    >>> labels({"sources": [{"id": "a1", "outlet": "Radio Sur"}, {"id": "a2", "outlet": "RADIO SUR"},
    ...                     {"id": "a3", "outlet": None}, {"id": "a4"}]})
    {'a1': 'Radio Sur', 'a2': 'Radio Sur #2', 'a3': 'unknown outlet', 'a4': 'unknown outlet #2'}
    """
    out: dict[str, str] = {}
    first: dict[str, str] = {}  # an outlet (as count_outlets tells them apart) -> its first spelling
    used: dict[str, int] = {}
    for s in story.get("sources", []) or [{"id": a} for a in story.get("articles", [])]:
        outlet = s.get("outlet")
        base = first.setdefault(outlet_key(outlet, ""), outlet_label(outlet))
        used[base] = used.get(base, 0) + 1
        out[s["id"]] = base if used[base] == 1 else f"{base} #{used[base]}"
    return out


def _cite(ids: list[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(i, i[:SHORT_ID]) for i in ids)


def _who(e: dict) -> str:
    return " → ".join(x for x in (e.get("source"), e.get("target")) if x) or "?"


def _sections(story: dict, names: dict[str, str], quote: Callable[[str], str]) -> list[tuple[str, list[str]]]:
    """(heading, lines) pairs shared by both renderings."""
    cite = lambda ids: f"[{_cite(ids, names)}]"  # noqa: E731
    counts = story.get("counts", {})
    sections = [
        (
            "Summary",
            [
                f"{s['text']} {cite(s['citations'])}"
                f"{' (told otherwise by ' + _cite(s['disputed'], names) + ')' if s.get('disputed') else ''}"
                for s in story.get("summary", [])
            ],
        ),
        (
            "Timeline",
            [
                f"{t['date']}  {t['type']}{'/' + t['mode'] if t.get('mode') else ''}  {_who(t)}"
                f"{'  @ ' + t['location'] if t.get('location') else ''}"
                f"{'  (' + t['certainty'] + ')' if t.get('certainty') not in (None, 'asserted') else ''} {cite(t['citations'])}"
                for t in story.get("timeline", [])
            ],
        ),
        ("Differences", [_difference(d, cite, quote) for d in story.get("differences", [])]),
        (
            "Agreements",
            [
                ": ".join(x for x in (a.get("topic"), quote(a["text"]) if a.get("text") else None) if x)
                + f" {cite(a['citations'])}"
                for a in story.get("agreements", [])
            ],
        ),
        (
            "Quotes",
            [
                f"{q.get('speaker') or '?'}{' (via ' + q['via'] + ')' if q.get('via') else ''}: "
                f"{quote(q['text'])} {cite(q['citations'])}"
                for q in story.get("quotes", [])
            ],
        ),
        (
            "Actors",
            [
                f"{a['name']} ({a['label']}{', ' + a['role'] if a.get('role') else ''}): "
                f"{a['mentions']} mentions in {a['articles']} articles"
                for a in story.get("actors", [])[:12]
            ],
        ),
        (
            "Sources",
            [
                f"{_source_label(s['id'], names)}{' — ' + s['title'] if s.get('title') else ''}"
                f"{_copy_label(s, names)}"
                f"{' [credits ' + s['agency'] + ']' if s.get('agency') else ''}"
                for s in story.get("sources", [])
            ],
        ),
    ]
    if counts:
        sections.insert(
            0,
            (
                "Coverage",
                [
                    f"{counts.get('articles', 0)} articles, {counts.get('outlets', 0)} outlets, "
                    f"{counts.get('independent_sources', 0)} independent sources"
                ],
            ),
        )
    return [(h, lines) for h, lines in sections if lines]


def _copy_label(source: dict, names: dict[str, str]) -> str:
    """ " (rewrite of X)" from the stored relation; sharing an agency credit is no copy."""
    c = source.get("copy_of")
    return f" ({c['kind']} of {names.get(c['id'], c['id'])})" if c else ""


def _source_label(article_id: str, names: dict[str, str]) -> str:
    label = names.get(article_id, article_id)
    return article_id if article_id.startswith(label) else f"{label}: {article_id}"


def _difference(d: dict, cite: Callable[[list[str]], str], quote: Callable[[str], str] = lambda t: t) -> str:
    sides = " vs ".join(f"{s['value']} {cite(s['citations'])}" for s in d["sides"])
    said = "".join(
        f"\n      {cite([a])} {quote(_cut(t, SENTENCE_CHARS))}"
        for s in d["sides"]
        for a, t in (s.get("texts") or {}).items()
    )
    return f"{d['kind']}: {_cut(d['topic'], TOPIC_CHARS)}: {sides}{said}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def render_text(story: dict) -> str:
    """The story for a terminal: title, then one block per section."""
    names = labels(story)
    title = story.get("title") or story["id"]
    out = [title, "=" * min(len(title), 80), f"story {story['id']} ({story.get('language') or '?'})"]
    for heading, lines in _sections(story, names, lambda t: f"«{t}»"):
        out += ["", heading, "-" * len(heading)]
        out += [f"  • {line}" for line in lines]
    return "\n".join(out) + "\n"


def render_markdown(story: dict) -> str:
    """The story as Markdown: a level-1 title and a level-2 heading per section."""
    names = labels(story)
    out = [
        f"# {story.get('title') or story['id']}",
        "",
        f"*story `{story['id']}` ({story.get('language') or '?'})*",
    ]
    for heading, lines in _sections(story, names, lambda t: f"“{t}”"):
        out += ["", f"## {heading}", ""]
        # a difference's sentences are nested items under it
        out += [f"- {_md_escape(line)}".replace("\n      ", "\n  - ") for line in lines]
    return "\n".join(out) + "\n"


def _md_escape(line: str) -> str:
    # keep * and _ in news text from turning into emphasis
    return line.replace("*", r"\*").replace("_", r"\_")
