"""``/outlets`` and ``/collections``: the outlets on record and named groups of them; GET to
read, PUT to edit (a write: the guard asks for JSON, the server's own origin and its token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from crisol.api.deps import StoreDep
from crisol.api.models import (
    CollectionPublic,
    CollectionSummaryPublic,
    CollectionUpdate,
    OutletPublic,
    OutletUpdate,
)
from crisol.api.problems import Problem
from crisol.service import outlets as svc

router = APIRouter(tags=["outlets"])
NO_OUTLET = {404: {"description": "No outlet has that name, spelling or domain."}}
NO_COLLECTION = {404: {"description": "No collection has that name."}}


def _invalid(e: ValueError) -> Problem:
    """A bad value (its message starts with the field's name) as a 422 naming the field."""
    return Problem(422, str(e), kind="invalid-parameters", input=str(e).split(" ", 1)[0])


@router.get("/outlets", response_model=list[OutletPublic])
def list_outlets(
    store: StoreDep,
    collection: Annotated[str | None, Query(description="Only the outlets of this collection.")] = None,
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-3 code.")] = None,
    media_type: Annotated[str | None, Query(description="wire-agency, newspaper, broadcaster...")] = None,
    language: Annotated[str | None, Query(description="Language code (set, or its articles').")] = None,
    q: Annotated[str | None, Query(description="Name or domain contains this (any case, accents).")] = None,
) -> list[OutletPublic]:
    """The outlets on record, by name, each with its domains, collections and number of articles."""
    try:
        found = svc.list_outlets(
            store, collection=collection, country=country, media_type=media_type, language=language, q=q
        )
    except svc.UnknownName as e:
        raise Problem(422, str(e), kind="invalid-parameters", input="collection") from None
    return [OutletPublic.model_validate(o) for o in found]


@router.get("/outlets/{name}", response_model=OutletPublic, responses=NO_OUTLET)
def get_outlet(store: StoreDep, name: str) -> OutletPublic:
    """One outlet, by name (any case or accents), one of its spellings, or a domain."""
    found = svc.get_outlet(store, name)
    if found is None:
        raise Problem(404, f"no outlet {name!r} on record", kind="not-found", input="name")
    return OutletPublic.model_validate(found)


@router.put("/outlets/{name}", response_model=OutletPublic)
def put_outlet(store: StoreDep, name: str, body: OutletUpdate) -> OutletPublic:
    """Set what is known of an outlet (made when not on record); fields left out stay as they
    are, "" clears one. Fields set here are kept when ingest and watch fill records."""
    fields = body.model_dump(exclude={"domains", "drop_domains"}, exclude_unset=True)
    try:
        found = svc.set_outlet(store, name, domains=body.domains, drop_domains=body.drop_domains, **fields)
    except ValueError as e:
        raise _invalid(e) from None
    return OutletPublic.model_validate(found)


@router.get("/collections", response_model=list[CollectionSummaryPublic])
def list_collections(store: StoreDep) -> list[CollectionSummaryPublic]:
    """The collections, by name, with their number of outlets."""
    return [CollectionSummaryPublic.model_validate(c) for c in svc.list_collections(store)]


@router.get("/collections/{name}", response_model=CollectionPublic, responses=NO_COLLECTION)
def get_collection(store: StoreDep, name: str) -> CollectionPublic:
    """A collection with its outlets in full."""
    found = svc.get_collection(store, name)
    if found is None:
        raise Problem(404, f"collection {name!r} does not exist", kind="not-found", input="name")
    return CollectionPublic.model_validate(found)


@router.put(
    "/collections/{name}", response_model=CollectionPublic, responses={201: {"model": CollectionPublic}}
)
def put_collection(
    store: StoreDep, name: str, body: CollectionUpdate, response: Response
) -> CollectionPublic:
    """Make or change a collection; `outlets`, when given, is its whole membership (201 when new)."""
    try:
        found, new = svc.put_collection(
            store, name, kind=body.kind, description=body.description, outlets=body.outlets
        )
    except ValueError as e:
        raise _invalid(e) from None
    if new:
        response.status_code = 201
    return CollectionPublic.model_validate(found)


@router.delete("/collections/{name}", status_code=204, responses=NO_COLLECTION)
def delete_collection(store: StoreDep, name: str) -> Response:
    """Delete a collection; its outlets stay on record."""
    try:
        svc.delete_collection(store, name)
    except svc.UnknownName as e:
        raise Problem(404, str(e), kind="not-found", input="name") from None
    return Response(status_code=204)
