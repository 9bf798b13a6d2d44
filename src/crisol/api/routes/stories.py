"""``/stories``: articles grouped by event, latest or biggest first, and one story in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from crisol.api.deps import StoreDep
from crisol.api.models import ProblemPublic, StoriesPublic, StoryDetailPublic
from crisol.api.params import Paging, checked, parse_when
from crisol.api.problems import Problem
from crisol.service import views as story_views
from crisol.store import queries as qa

router = APIRouter(tags=["stories"])


@router.get("/stories", response_model=StoriesPublic)
def list_stories(
    store: StoreDep,
    page: Paging,
    language: Annotated[str | None, Query()] = None,
    since: Annotated[str | None, Query(description="Last article on or after.")] = None,
    until: Annotated[str | None, Query(description="Last article on or before.")] = None,
    entity: Annotated[str | None, Query(description="Registry id mentioned in the story.")] = None,
    outlet: Annotated[str | None, Query(description="Only stories with an article of this outlet.")] = None,
    collection: Annotated[
        str | None, Query(description="Only stories with an article of this collection's outlets.")
    ] = None,
) -> StoriesPublic:
    """Stories, most recently active first (sort: last, first, size, updated), each with its
    articles and outlets."""
    got = checked(
        qa.list_stories,
        store,
        language=language,
        since=parse_when(since, "since"),
        until=parse_when(until, "until", end_of_day=True),
        entity=entity,
        outlet=outlet,
        collection=collection,
        sort=page.sort or "-last",
        limit=page.limit,
        offset=page.offset,
    )
    return StoriesPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


@router.get(
    "/stories/{id}",
    response_model=StoryDetailPublic,
    responses={
        307: {
            "description": "The story was merged into another: `Location` is that story (merges followed to the end)."
        },
        404: {"model": ProblemPublic, "description": "No story with that id, prefix or article"},
        409: {
            "model": ProblemPublic,
            "description": "The prefix names several articles: give more characters",
        },
    },
)
def get_story(request: Request, store: StoreDep, id: str):
    """One story in full, as ``crisol story ID --format json`` prints it: the listing's fields and
    the cited summary, relations between its articles, timeline, quotes, events, differences.
    An unambiguous id prefix, or the id of one of its articles, is enough. The id of a story
    that was merged into another redirects (307) to the story it is part of now."""
    target = store.links.merged_target(id)
    if target is not None:
        return RedirectResponse(str(request.url_for("get_story", id=target)), status_code=307)
    story = story_views.get_story(store, id)  # an ambiguous prefix: 409 (crisol.api.problems)
    if story is None:
        raise Problem(404, f"no story with id {id!r}", kind="not-found", input="id")
    return StoryDetailPublic(**story)
