"""present: what each story shows, built from its annotated articles.

- :func:`present_story` (``story.py``) assembles title, summary, timeline, quotes, actors, merged
  events, differences and agreements between outlets, and source counts, as a JSON-ready dict;
- ``groups.py`` aligns sentences across articles (one embedding batch per story);
- ``sources.py`` tells independent sources from copies and detects wire agencies;
- ``summary.py``, ``events.py``, ``actors.py``, ``figures.py``, ``differences.py`` build the parts;
- :func:`render_text` and :func:`render_markdown` (``render.py``) show the dict to people.
"""

from crisol.present.render import render_markdown, render_text
from crisol.present.sources import agency_credits, detect_agency
from crisol.present.story import present_story

__all__ = ["present_story", "render_text", "render_markdown", "detect_agency", "agency_credits"]
