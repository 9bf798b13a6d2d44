"""``/entities``: the registry, with every spelling seen and the entities around each one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from crisol.api.deps import StoreDep
from crisol.api.models import EntitiesPublic, EntityDetailPublic
from crisol.api.params import MAX_LIMIT, OutletFilter, Paging, checked
from crisol.api.problems import Problem
from crisol.store import queries as qa

router = APIRouter(tags=["entities"])


@router.get("/entities", response_model=EntitiesPublic)
def list_entities(
    store: StoreDep,
    page: Paging,
    type: Annotated[str | None, Query(description="PER, ORG, LOC...")] = None,
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-3 code.")] = None,
    q: Annotated[str | None, Query(description="Start of a name or any spelling of it.")] = None,
    outlets: OutletFilter = None,
) -> EntitiesPublic:
    """Entities, most mentioned first (sort: mentions, name); ``outlet``/``collection``: named in
    an article of that outlet or collection (the counts stay the whole store's)."""
    got = checked(
        qa.list_entities,
        store,
        type=type,
        country=country,
        q=q,
        outlets=outlets,
        sort=page.sort or "-mentions",
        limit=page.limit,
        offset=page.offset,
    )
    return EntitiesPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


@router.get("/entities/{id}", response_model=EntityDetailPublic)
def get_entity(
    store: StoreDep,
    id: str,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="At most this many articles, quotes and events.")
    ] = 50,
) -> EntityDetailPublic:
    """One entity: spellings with counts, the articles naming it (the latest in full), the
    entities named beside it, and at most ``limit`` quotes by it and events it is in (all of
    them, paged: ``/quotes?entity=ID``, ``/events?entity=ID``, ``/articles?entity=ID``)."""
    entity = qa.get_entity(store, id, limit=limit)
    if entity is None:
        raise Problem(404, f"no entity with id {id!r}", kind="not-found", input="id")
    return EntityDetailPublic(**entity)
