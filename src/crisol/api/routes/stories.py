"""``/stories``: articles grouped by event, latest or biggest first, and one story in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from crisol.api.deps import StoreDep
from crisol.api.models import StoriesPublic, StoryDetailPublic
from crisol.api.params import Paging, checked, parse_when
from crisol.api.problems import Problem
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
) -> StoriesPublic:
    """Stories, most recently active first (sort: last, first, size, updated), each with its
    articles and outlets."""
    got = checked(qa.list_stories, store, language=language, since=parse_when(since, "since"),
                  until=parse_when(until, "until", end_of_day=True), entity=entity,
                  sort=page.sort or "-last", limit=page.limit, offset=page.offset)  # fmt: skip
    return StoriesPublic(data=got.items, count=got.total, limit=got.limit, offset=got.offset)


@router.get("/stories/{id}", response_model=StoryDetailPublic)
def get_story(store: StoreDep, id: str) -> StoryDetailPublic:
    """One story in full, as ``crisol story ID --format json`` prints it: the listing's fields and
    the cited summary, relations between its articles, timeline, quotes, events, differences.
    An unambiguous id prefix, or the id of one of its articles, is enough."""
    story = qa.get_story(store, id)
    if story is None:
        raise Problem(404, f"no story with id {id!r}", kind="not-found", input="id")
    return StoryDetailPublic(**story)
