"""crisol: a news-monitoring engine.

The flow of one article: ``read`` (one reader per input format) → ``clean`` (boilerplate,
metadata, language) → ``annotate`` (sentences, entities, dates, quotes, events) → ``link``
(duplicates, stories, entity registry) → ``store`` → ``present`` and the read side (CLI, API, web).
"""

__version__ = "0.1.0"
