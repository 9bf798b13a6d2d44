"""crisol: a news-monitoring engine.

The flow of one article: ``read`` (one reader per input format) → ``clean`` (boilerplate,
metadata, language) → ``annotate`` (sentences, entities, dates, quotes, events) → ``store`` →
``link`` (duplicates, stories, entity registry) → ``present`` and the read side (CLI, API, web).
``crisol.service`` runs it over the store; docs/architecture.md draws the layers.

The Python API (:mod:`crisol.service.library`, the README's "Python API")::

    import crisol
    article = crisol.analyze(text_or_html)        # an Article: text, removed, mentions, quotes...
    with crisol.open("crisol.db") as store:        # a StoreReader
        store.stories(limit=10).items

Its names are loaded on first use (module ``__getattr__``), so ``import crisol`` imports nothing
else (spaCy, SQLAlchemy and the rest load with the first name used).
"""

__version__ = "0.1.0"

# Public name -> the module that defines it, imported when the name is first used.
_LAZY = {
    "analyze": "crisol.service.library",
    "open": "crisol.service.library",
    "StoreReader": "crisol.service.library",
    "SearchPage": "crisol.service.library",
    "Page": "crisol.store.queries",
    "Article": "crisol.model",
    "CrisolError": "crisol.errors",
    "StoreError": "crisol.errors",
    "NotAStore": "crisol.errors",
}

__all__ = [
    "__version__",
    "analyze",
    "open",
    "StoreReader",
    "SearchPage",
    "Page",
    "Article",
    "CrisolError",
    "StoreError",
    "NotAStore",
]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~7 ms)
if TYPE_CHECKING:  # what type checkers and editors see
    from crisol.errors import CrisolError, NotAStore, StoreError
    from crisol.model import Article
    from crisol.service.library import SearchPage, StoreReader, analyze, open
    from crisol.store.queries import Page


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'crisol' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
