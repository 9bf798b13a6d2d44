"""Outlets and collections for the faces (CLI, REST API, web pages) and for other services.

:func:`outlet_names` is the one place a collection or an outlet name becomes the
``articles.outlet`` spellings to filter on: the listings, search and exports resolve their
``outlet=``/``collection=`` filters through it, and a new view over articles should too.

>>> from crisol.store import open_store
>>> db = open_store(":memory:")
>>> _ = create_collection(db, "Wire agencies", kind="topical")
>>> add_to_collection(db, "wire agencies", ["EFE", "Reuters"])
['EFE', 'Reuters']
>>> outlet_names(db, "Wire agencies")
['EFE', 'Reuters']
"""

from __future__ import annotations

from typing import Iterable

from crisol.store import Store
from crisol.store.outlets import (
    COLLECTION_KINDS,
    EDITABLE,
    MEDIA_TYPES,
    UnknownName,
    add_to_collection,
    create_collection,
    delete_collection,
    fill_media_type,
    get_collection,
    get_outlet,
    list_collections,
    list_outlets,
    put_collection,
    remove_from_collection,
    set_outlet,
)
from crisol.store.outlets import outlet_names as _spellings


def outlet_names(store: Store, collection: str | None = None, outlet: str | None = None) -> list[str]:
    """The ``articles.outlet`` values of a collection's outlets (or of one outlet, or of the
    outlet within the collection); :class:`UnknownName` for a collection that does not exist."""
    return _spellings(store, collection=collection, outlet=outlet)


def note_media_types(store: Store, names: Iterable[str | None]) -> None:
    """Fill the media type that outlets' names tell (ingest and watch call it for what they
    store and watch): an outlet named as a wire agency of the agencies table
    (``resources/common/agencies.json``, any spelling a credit uses) is a "wire-agency". No
    general rule tells a newspaper from a broadcaster or a blog by its name or its feed: the
    user sets those. A type already set, or cleared by the user, stays.

    >>> from crisol.store import open_store
    >>> db = open_store(":memory:")
    >>> _ = set_outlet(db, "Agencia EFE", country="ESP")
    >>> note_media_types(db, ["Agencia EFE", "Diario del Sur", None])
    >>> get_outlet(db, "agencia efe")["media_type"]
    'wire-agency'
    """
    from crisol.clean.agencies import agency_named  # lazy: crisol.clean loads trafilatura and lxml

    agencies = sorted({n for n in names if n and agency_named(n.strip())})
    if agencies:
        fill_media_type(store, agencies, "wire-agency")


__all__ = [
    "COLLECTION_KINDS",
    "EDITABLE",
    "MEDIA_TYPES",
    "UnknownName",
    "add_to_collection",
    "create_collection",
    "delete_collection",
    "get_collection",
    "get_outlet",
    "list_collections",
    "list_outlets",
    "note_media_types",
    "outlet_names",
    "put_collection",
    "remove_from_collection",
    "set_outlet",
]
