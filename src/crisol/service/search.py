"""Search results in the shape the REST API and ``crisol search --format json`` answer."""

from __future__ import annotations

import html
from typing import Any

from crisol.store.search import Expansion, SearchHit, Snippet


def snippet_html(snippet: Snippet) -> str:
    """A snippet as HTML: its text escaped, the matching words in ``<mark>``.

    >>> snippet_html(Snippet((("a <b> ", False), ("vote", True), ("…", False))))
    'a &lt;b&gt; <mark>vote</mark>…'
    """
    return "".join(f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in snippet.pieces)


def expansion_dict(expansion: Expansion) -> dict[str, Any]:
    """One registry expansion as JSON: the term, the entity, the spellings added, and the
    sentence the faces show."""
    return {
        "term": expansion.term,
        "entity_id": expansion.entity_id,
        "entity": expansion.entity,
        "also_searched": list(expansion.spellings),
        "note": expansion.describe(),
    }


def hit_dict(hit: SearchHit) -> dict[str, Any]:
    """One hit as JSON: its fields, the snippet as HTML, the date in ISO 8601."""
    return {
        **hit.__dict__,
        "snippet": snippet_html(hit.snippet),
        "published": hit.published.isoformat() if hit.published else None,
    }
