"""crisol's exceptions. Each carries the offending input so messages can name it."""

from __future__ import annotations


class CrisolError(Exception):
    """Base class for errors crisol raises on purpose."""


class InputRejected(CrisolError):
    """An input, or one record of it, cannot be turned into an article.

    ``source`` names the input (path or URL), ``location`` the place inside it (line, record,
    item) and ``reason`` says why, in words a user can act on.
    """

    def __init__(self, source: str, reason: str, location: str | None = None):
        self.source = source
        self.reason = reason
        self.location = location
        where = f"{source} ({location})" if location else source
        super().__init__(f"{where}: {reason}")


class ExtractionRejected(InputRejected):
    """The input was read but holds no usable article (no main text, only boilerplate...)."""


class StoreError(CrisolError):
    """The store cannot be opened or written (bad URL, newer schema, locked file...)."""


class NotAStore(StoreError):
    """The path or URL names no crisol store: nothing is there, or something else is (a text
    file, another application's database). Raised instead of creating an empty store by mistake;
    ``creatable`` says whether opening with ``create`` would make one there."""

    def __init__(self, message: str, creatable: bool = False):
        self.creatable = creatable
        super().__init__(message)


class StoreBusy(StoreError):
    """Another writer held the store longer than this write was willing to wait."""


class UnknownLanguage(CrisolError):
    """No analysis pipeline exists for a language; the article is stored as not analysed."""

    def __init__(self, language: str | None):
        self.language = language
        super().__init__(f"no analysis pipeline for language {language!r}")


class ModelError(CrisolError, ValueError):
    """A model the user chose is missing, incomplete or of another kind (the message names it)."""
