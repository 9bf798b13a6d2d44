"""``/saved``: saved searches (a query with its filters, an entity, a story) and what is new.

``GET /saved/{id}`` answers the new items past the reader's mark and the ``horizon`` it looked
up to; ``POST /saved/{id}/seen`` with that horizon marks exactly what was shown as seen (without
one: everything up to now). The Atom feed of each is served by the pages, at
``/saved/{id}/feed.atom``. Writes pass the server's guard like every other (JSON, own origin,
the token).
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from crisol.api.deps import StoreDep
from crisol.api.models import ArticleSummaryPublic
from crisol.api.problems import Problem
from crisol.service import alerts
from crisol.store.saved import Mark

router = APIRouter(tags=["saved searches"])


class SavedSearchCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "search", "target": "sequía riego", "language": "es"}]},
    )

    kind: str = Field(description="`search` (a query), `entity` (id or name) or `story` (id or prefix).")
    target: str = Field(max_length=10_000, description="The query, the entity or the story.")
    name: Optional[str] = Field(None, max_length=200, description="Default: made from kind and target.")
    language: Optional[str] = Field(None, max_length=16, description="Only articles in this language.")
    outlet: Optional[str] = Field(None, max_length=200, description="Only articles from this outlet.")
    webhook: Optional[str] = Field(
        None, max_length=2048, description="An http(s) URL `crisol alerts --notify` POSTs to."
    )


class MarkPublic(BaseModel):
    at: Optional[str] = Field(None, description="The last article's storing time (ISO 8601).")
    article: Optional[str] = Field(None, description="The last article's id.")
    history: int = Field(0, ge=0, le=2**63 - 1, description="The last story history row.")


class SavedSearchPublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    name: str
    kind: str
    target: str
    language: Optional[str] = None
    outlet: Optional[str] = None
    webhook: Optional[str] = None
    created: Optional[str] = None
    seen: MarkPublic
    notified: MarkPublic
    notify_error: Optional[str] = None
    new: int = Field(description="Items past the reader's mark.")
    feed: str = Field(description="The Atom feed's path.")


class AlertItemPublic(BaseModel):
    action: str = Field(description="`match`, or what happened to the story (`add`, `merge`, ...).")
    at: str
    article: Optional[ArticleSummaryPublic] = None
    story: Optional[str] = None
    other_story: Optional[str] = None


class SavedSearchAlertPublic(SavedSearchPublic):
    items: list[AlertItemPublic] = Field(description="The oldest new items first (at most `limit`).")
    horizon: MarkPublic = Field(description="How far this answer looked: POST it to /seen to mark just this.")


class SavedSearchesPublic(BaseModel):
    data: list[SavedSearchPublic]
    count: int


def _public(alert: alerts.Alert, items: bool = False) -> dict[str, Any]:
    body = {**alert.saved.to_dict(), "new": alert.total, "feed": f"/saved/{alert.saved.id}/feed.atom"}
    if items:
        body["items"] = [alerts.item_dict(i) for i in alert.items]
        body["horizon"] = alert.horizon.to_json()
    return body


def _get(store, id: int):
    saved = store.saved.get(id)
    if saved is None:
        raise Problem(404, f"no saved search with id {id}", kind="not-found", input="id")
    return saved


@router.get("/saved", response_model=SavedSearchesPublic)
def list_saved(store: StoreDep) -> dict[str, Any]:
    """Every saved search, by name, with how many new items it has."""
    found = alerts.check_all(store, limit=1)
    return {"data": [_public(a) for a in found], "count": len(found)}


@router.post("/saved", response_model=SavedSearchPublic, status_code=201)
def create_saved(store: StoreDep, body: SavedSearchCreate) -> dict[str, Any]:
    """Save a query, an entity or a story. What is already stored is not new: alerts start now."""
    try:
        saved = alerts.save(store, alerts.SaveRequest(**body.model_dump()))
    except alerts.SavedSearchError as e:
        raise Problem(422, str(e), kind="invalid-saved-search", input="request body") from None
    return _public(alerts.check(store, saved, limit=1))


@router.get("/saved/{id}", response_model=SavedSearchAlertPublic)
def get_saved(
    store: StoreDep, id: int, limit: Annotated[int, Query(ge=1, le=1000)] = alerts.SHOWN
) -> dict[str, Any]:
    """One saved search and its new items (past the reader's mark), oldest first."""
    return _public(alerts.check(store, _get(store, id), limit=limit), items=True)


@router.post("/saved/{id}/seen", response_model=SavedSearchPublic)
def mark_seen(
    store: StoreDep, id: int, horizon: Annotated[Optional[MarkPublic], Body()] = None
) -> dict[str, Any]:
    """Mark the new items as seen: up to ``horizon`` (as ``GET /saved/{id}`` gave it), else all."""
    saved = _get(store, id)
    alert = alerts.check(store, saved, limit=1)
    if horizon is not None:
        try:
            alert.horizon = Mark.from_json(horizon.model_dump())
        except ValueError as e:
            raise Problem(422, f"the horizon is not one GET gave: {e}", input="request body") from None
    alerts.mark_seen(store, alert)
    return _public(alerts.check(store, store.saved.get(id), limit=1))


@router.delete("/saved/{id}", status_code=204)
def delete_saved(store: StoreDep, id: int) -> Response:
    """Forget a saved search."""
    store.saved.remove(_get(store, id).id)
    return Response(status_code=204)
