"""Story membership rows are written one article at a time (merges and splits move rows)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crisol.model import Article
from crisol.store import open_store
from crisol.store.link import LinkStore

T0 = datetime(2025, 5, 2, 8, tzinfo=timezone.utc)


def _article(n: int) -> Article:
    text = f"Nota {n}: la comisión regional revisó el plan de riego número {n} durante la sesión."
    return Article(
        id=f"{n:016x}",
        source=f"/tmp/rows/{n}.txt",
        raw=text.encode(),
        raw_format="text",
        text=text,
        title=f"Nota {n}",
        language="es",
        published=T0 + timedelta(hours=n),
    )


def _members(links: LinkStore, story: str) -> list[int]:
    return [int(a, 16) for a in links.story_members(story)]


def test_members_added_merged_and_split_off(tmp_path):
    store = open_store(str(tmp_path / "rows.db"))
    store.add_articles([_article(n) for n in range(8)])
    links = LinkStore(store)
    ids = [f"{n:016x}" for n in range(8)]
    t = lambda n: T0 + timedelta(hours=n)  # noqa: E731
    links.add_to_story("s1", ids[0], 1.0, "Nota 0", "es", 1, t(0), t(0))
    links.add_to_story("s1", ids[1], 0.8, "Nota 0", "es", 2, t(0), t(1))
    links.add_to_story("s2", ids[2], 1.0, "Nota 2", "es", 1, t(2), t(2))
    assert _members(links, "s1") == [0, 1] and _members(links, "s2") == [2]
    # article 3 bridges s1 and s2: s2's rows move into s1, s2 is marked merged
    links.add_to_story("s1", ids[3], 0.7, "Nota 0", "es", 4, t(0), t(3), merged=["s2"])
    assert _members(links, "s1") == [0, 1, 2, 3] and _members(links, "s2") == []
    page = links.list_stories(limit=10)
    assert [(x.id, x.size) for x in page.data] == [("s1", 4)]
    # article 4 arrives with articles 2 and 3 drifting away: they form s3 with it
    links.add_to_story(
        "s3", ids[4], 0.9, "Nota 2", "es", 3, t(2), t(4), moved=[ids[2], ids[3]], split_from="s1"
    )
    assert _members(links, "s1") == [0, 1] and sorted(_members(links, "s3")) == [2, 3, 4]
    sizes = {x.id: x.size for x in links.list_stories(limit=10).data}
    assert sizes == {"s1": 2, "s3": 3}
    assert links.story_of(ids[3]) == "s3"
