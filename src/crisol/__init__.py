"""crisol: a news-monitoring engine.

The flow of one article: ``read`` (one reader per input format) → ``clean`` (boilerplate,
metadata, language) → ``annotate`` (sentences, entities, dates, quotes, events) → ``store`` →
``link`` (duplicates, stories, entity registry) → ``present`` and the read side (CLI, API, web).
``crisol.service`` runs it over the store; docs/architecture.md draws the layers.
"""

__version__ = "0.1.0"
