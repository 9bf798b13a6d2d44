"""Outlets as records, and collections of them (tables of migration 0008_outlets).

An outlet is filled from what crisol sees: each new ``articles.outlet`` spelling (in the same
transaction as its articles), the domains of those articles' URLs, the watch sources file
(country, language, homepage and feed domains), and the media type a service can tell
(:func:`fill_media_type`: a wire agency by its name). The user edits it (``crisol outlets set``, PUT
``/api/outlets/NAME``); a field the user set is never overwritten by filling. A spelling that
is a bare host name ("diario.example", the cleaner's outlet of last resort) joins the outlet that
owns that domain instead of becoming an outlet of its own.

Collections group outlets. :func:`outlet_names` is the one place a collection (or an outlet
name) becomes the ``articles.outlet`` spellings that every listing, search and export filters on.

>>> from crisol.store import open_store
>>> db = open_store(":memory:")
>>> _ = set_outlet(db, "Diario del Sur", country="ESP", media_type="newspaper", domains=["diariosur.example"])
>>> _ = create_collection(db, "Spain national", kind="geographic")
>>> add_to_collection(db, "spain national", ["diario del sur"])
['Diario del Sur']
>>> outlet_names(db, collection="Spain national")
['Diario del Sur']
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, func, insert, select, update

from crisol.store import schema as s
from crisol.text import fold, outlet_key

if TYPE_CHECKING:  # the store calls note_articles as it writes: no import back at run time
    from crisol.store.store import Store

CHUNK = 500  # names per IN (...) list

MEDIA_TYPES = ("wire-agency", "newspaper", "magazine", "broadcaster", "digital-native", "blog",
               "government", "organisation", "other")  # fmt: skip
COLLECTION_KINDS = ("geographic", "topical", "own")
EDITABLE = ("country", "language", "media_type", "owner", "notes")
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class UnknownName(ValueError):
    """No outlet or collection has the name given; the message starts with which (a ValueError,
    as a bad filter value is: the faces answer it as one)."""


def domain_of(url: str | None) -> str | None:
    """The web domain of a URL or a bare host, without "www." and the like.

    >>> domain_of("https://www.diario.example/a/b"), domain_of("diario.example"), domain_of("no host")
    ('diario.example', 'diario.example', None)
    """
    if not url or not url.strip():
        return None
    text = url.strip()
    host = (urlsplit(text if "://" in text else f"http://{text}").hostname or "").casefold()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host if _HOST.match(host) else None


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _key(name: str) -> str:
    return outlet_key(name, "")


# ==== filling from what ingest and watch see ===================================================


def note_articles(conn: Connection, seen: Iterable[tuple[str | None, str | None]]) -> None:
    """Record the outlets of newly stored articles, given as (outlet, url) pairs: new spellings
    become outlets (or join one, see the module docstring), new URL domains join their
    article's outlet. A few indexed look-ups per batch of articles."""
    domains_of: dict[str, set[str]] = defaultdict(set)
    for outlet, url in seen:
        if outlet and outlet.strip():
            domain = domain_of(url)
            domains_of[outlet].update([domain] if domain else [])
    if not domains_of:
        return
    ids = _spelling_ids(conn, list(domains_of))
    for spelling in sorted(domains_of, key=_naming_order):
        if spelling not in ids:
            ids[spelling] = _place_spelling(conn, spelling)
        # claimed now, so a later spelling that is this host finds its outlet
        _claim_domains(conn, {d: ids[spelling] for d in sorted(domains_of[spelling])})


def _naming_order(spelling: str) -> tuple[bool, bool, str]:
    """Names before bare hosts (a host joins the outlet owning it), and written-out names before
    shouted ones ("Diario del Sur" names the outlet, not "DIARIO DEL SUR")."""
    return bool(_HOST.match(spelling.strip())), spelling.isupper(), spelling


def _spelling_ids(conn: Connection, spellings: Sequence[str]) -> dict[str, int]:
    t = s.outlet_spellings
    found: dict[str, int] = {}
    for part in _chunks(sorted(set(spellings))):
        found.update(conn.execute(select(t.c.spelling, t.c.outlet_id).where(t.c.spelling.in_(part))).all())
    return found


def _place_spelling(conn: Connection, spelling: str) -> int:
    """The outlet a new spelling belongs to (one with its folded name, or owning the host it
    is), made when there is none; the spelling is recorded."""
    o = s.outlets
    outlet_id = conn.scalar(select(o.c.id).where(o.c.key == _key(spelling)))
    host = domain_of(spelling) if _HOST.match(spelling.strip()) else None
    if outlet_id is None and host:
        outlet_id = conn.scalar(select(s.outlet_domains.c.outlet_id).where(s.outlet_domains.c.domain == host))
    if outlet_id is None:
        outlet_id = _new_outlet(conn, spelling)
    conn.execute(insert(s.outlet_spellings).values(spelling=spelling, outlet_id=outlet_id))
    return outlet_id


def _new_outlet(conn: Connection, name: str) -> int:
    name = " ".join(name.split())
    values = {"name": name, "key": _key(name), "edited": [], "first_seen": s.utcnow()}
    return int(conn.execute(insert(s.outlets).values(**values)).inserted_primary_key[0])


def fill_media_type(store: Store, names: Iterable[str], media_type: str) -> None:
    """Give the outlets ``names`` name (any case, spelling or domain) ``media_type`` where none
    is set and the user did not clear it: what a service can tell (a wire agency by its name)
    never overrides a value a user gave."""
    if media_type not in MEDIA_TYPES:
        raise ValueError(f"media_type must be one of {', '.join(MEDIA_TYPES)}; got {media_type!r}")
    o = s.outlets
    with store.connection() as conn:
        ids = sorted({i for i in (_find(conn, n) for n in names if n and n.strip()) if i is not None})
        rows = conn.execute(select(o.c.id, o.c.media_type, o.c.edited).where(o.c.id.in_(ids))).all()
        unset = [r.id for r in rows if r.media_type is None and "media_type" not in (r.edited or [])]
        if unset:
            conn.execute(update(o).where(o.c.id.in_(unset)).values(media_type=media_type))


def _claim_domains(conn: Connection, owners: dict[str, int]) -> None:
    """Give each domain not yet owned to the outlet proposed for it (first come keeps it)."""
    t = s.outlet_domains
    taken: set[str] = set()
    for part in _chunks(sorted(owners)):
        taken.update(conn.scalars(select(t.c.domain).where(t.c.domain.in_(part))))
    rows = [{"domain": d, "outlet_id": oid} for d, oid in owners.items() if d not in taken]
    if rows:
        conn.execute(insert(t), rows)


def note_sources(conn: Connection, sources: Iterable[Any]) -> None:
    """Record the watched sources (objects with name, country, language, homepage, feeds,
    sitemaps) as outlets: their country and language fill fields the user did not set, and the
    domains of their pages join them."""
    o = s.outlets
    for src in sources:
        row = conn.execute(select(o.c.id, o.c.edited).where(o.c.key == _key(src.name))).first()
        outlet_id = row.id if row else _new_outlet(conn, src.name)
        edited = set(row.edited or []) if row else set()
        values = {f: getattr(src, f, None) for f in ("country", "language") if f not in edited}
        values = {f: v for f, v in values.items() if v}
        if values:
            conn.execute(update(o).where(o.c.id == outlet_id).values(**values))
        urls = [getattr(src, "homepage", None), *getattr(src, "feeds", []), *getattr(src, "sitemaps", [])]
        _claim_domains(conn, {d: outlet_id for d in map(domain_of, urls) if d})


# ==== reading ===================================================================================


def _find(conn: Connection, name: str) -> int | None:
    """An outlet by name (any case or accents), by one of its spellings, or by a domain."""
    o = s.outlets
    found = conn.scalar(select(o.c.id).where(o.c.key == _key(name)))
    if found is None:
        t = s.outlet_spellings
        found = conn.scalar(select(t.c.outlet_id).where(t.c.spelling == name.strip()))
    host = domain_of(name) if "://" in name or _HOST.match(name.strip()) else None  # a URL or a host
    if found is None and host:
        found = conn.scalar(select(s.outlet_domains.c.outlet_id).where(s.outlet_domains.c.domain == host))
    return found


def _collection_id(conn: Connection, name: str) -> int:
    c = s.collections
    found = conn.scalar(select(c.c.id).where(c.c.key == _key(name)))
    if found is None:
        raise UnknownName(f"collection {name!r} does not exist (crisol collections list names them)")
    return found


def outlet_names(store: Store, collection: str | None = None, outlet: str | None = None) -> list[str]:
    """The ``articles.outlet`` spellings of ``collection``'s outlets, of the outlet ``outlet``
    names, or of both (those of the outlet, if it is in the collection): what listings filter
    on. An unknown collection raises :class:`UnknownName`; an outlet not on record matches the
    articles that spell it so, in any case."""
    t = s.outlet_spellings
    with store.connection() as conn:
        wanted: set[str] | None = None
        if collection:
            members = select(s.collection_outlets.c.outlet_id).where(
                s.collection_outlets.c.collection_id == _collection_id(conn, collection)
            )
            wanted = set(conn.scalars(select(t.c.spelling).where(t.c.outlet_id.in_(members))))
            # an outlet's own name, too: it may be on record before any article spells it so
            wanted |= set(conn.scalars(select(s.outlets.c.name).where(s.outlets.c.id.in_(members))))
        if outlet:
            named = _outlet_spellings(conn, outlet)
            wanted = named if wanted is None else wanted & named
    return sorted(wanted or [])


def _outlet_spellings(conn: Connection, outlet: str) -> set[str]:
    t, a = s.outlet_spellings, s.articles
    spellings = {outlet}
    outlet_id = _find(conn, outlet)
    if outlet_id is not None:
        spellings.update(conn.scalars(select(t.c.spelling).where(t.c.outlet_id == outlet_id)))
        spellings.add(conn.scalar(select(s.outlets.c.name).where(s.outlets.c.id == outlet_id)))
    # Spellings stored before the record caught up, in any case (read from the outlet index).
    spellings.update(
        conn.scalars(select(a.c.outlet).where(func.lower(a.c.outlet) == outlet.lower()).distinct())
    )
    return spellings


def _article_counts(conn: Connection) -> tuple[dict[int, int], dict[int, Counter]]:
    """Articles per outlet and their languages (one grouped read of the outlet index)."""
    a, t = s.articles, s.outlet_spellings
    query = (
        select(t.c.outlet_id, a.c.language, func.count())
        .select_from(a.join(t, t.c.spelling == a.c.outlet))
        .group_by(t.c.outlet_id, a.c.language)
    )
    counts: dict[int, int] = Counter()
    languages: dict[int, Counter] = defaultdict(Counter)
    for outlet_id, language, n in conn.execute(query):
        counts[outlet_id] += n
        if language:
            languages[outlet_id][language] += n
    return counts, languages


def _outlet_dicts(conn: Connection, ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    o = s.outlets
    query = select(o).order_by(o.c.key)
    if ids is not None:
        query = query.where(o.c.id.in_(ids))
    rows = conn.execute(query).mappings().all()
    domains, spellings, memberships = defaultdict(list), defaultdict(list), defaultdict(list)
    for d, oid in conn.execute(select(s.outlet_domains).order_by(s.outlet_domains.c.domain)):
        domains[oid].append(d)
    for sp, oid in conn.execute(select(s.outlet_spellings).order_by(s.outlet_spellings.c.spelling)):
        spellings[oid].append(sp)
    c, co = s.collections, s.collection_outlets
    for name, oid in conn.execute(
        select(c.c.name, co.c.outlet_id)
        .select_from(co.join(c, c.c.id == co.c.collection_id))
        .order_by(c.c.key)
    ):
        memberships[oid].append(name)
    counts, languages = _article_counts(conn)
    return [
        _outlet_dict(
            r,
            domains[r["id"]],
            spellings[r["id"]],
            memberships[r["id"]],
            counts.get(r["id"], 0),
            languages.get(r["id"]),
        )  # fmt: skip
        for r in rows
    ]


def _outlet_dict(r, domains, spellings, collections, articles, languages: Counter | None) -> dict[str, Any]:
    language, language_from = r["language"], "set" if r["language"] else None
    if not language and languages:
        language, language_from = languages.most_common(1)[0][0], "articles"
    return {
        "name": r["name"],
        "outlet": r["name"],  # the field name of the outlet filter menus before 0008
        "domains": domains,
        "spellings": spellings,
        "country": r["country"],
        "language": language,
        "language_from": language_from,
        "media_type": r["media_type"],
        "owner": r["owner"],
        "notes": r["notes"],
        "collections": collections,
        "articles": articles,
        "edited": sorted(r["edited"] or []),
        "first_seen": r["first_seen"].isoformat() if r["first_seen"] else None,
    }


def list_outlets(
    store: Store,
    *,
    collection: str | None = None,
    country: str | None = None,
    media_type: str | None = None,
    language: str | None = None,
    q: str | None = None,
) -> list[dict[str, Any]]:
    """Every outlet on record (sorted by name), with its domains, collections and number of
    articles; the filters keep those of a collection, country, media type, language (as shown:
    set, or its articles' most common) or whose name or a domain contains ``q``."""
    with store.connection() as conn:
        ids = None
        if collection:
            co = s.collection_outlets
            ids = list(
                conn.scalars(
                    select(co.c.outlet_id).where(co.c.collection_id == _collection_id(conn, collection))
                )
            )
        items = _outlet_dicts(conn, ids)
    wanted = fold(q.strip()) if q and q.strip() else None
    return [
        o
        for o in items
        if (not country or (o["country"] or "").upper() == country.upper())
        and (not media_type or o["media_type"] == media_type)
        and (not language or o["language"] == language.lower())
        and (not wanted or wanted in fold(o["name"]) or any(wanted in d for d in o["domains"]))
    ]


def get_outlet(store: Store, name: str) -> dict[str, Any] | None:
    """One outlet by name (any case or accents), spelling or domain; None when unknown."""
    with store.connection() as conn:
        outlet_id = _find(conn, name)
        return _outlet_dicts(conn, [outlet_id])[0] if outlet_id is not None else None


# ==== editing ===================================================================================


def _checked(field: str, value: str | None) -> str | None:
    """A field's value as stored ("" clears it); ValueError names the field."""
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    if field == "country" and not _COUNTRY.match(value.upper()):
        raise ValueError(f"country must be an ISO 3166-1 alpha-3 code (MEX, ESP, USA...); got {value!r}")
    if field == "language" and not _LANGUAGE.match(value.lower()):
        raise ValueError(f"language must be an ISO 639-1 code (es, en...); got {value!r}")
    if field == "media_type" and value.lower() not in MEDIA_TYPES:
        raise ValueError(f"media_type must be one of {', '.join(MEDIA_TYPES)}; got {value!r}")
    return {"country": value.upper(), "language": value.lower(), "media_type": value.lower()}.get(
        field, value
    )


def set_outlet(
    store: Store,
    name: str,
    *,
    domains: Sequence[str] = (),
    drop_domains: Sequence[str] = (),
    **fields: str | None,
) -> dict[str, Any]:
    """Set fields of an outlet (made when unknown): ``country``, ``language``, ``media_type``,
    ``owner``, ``notes`` (a value of "" clears one); add or drop domains. Fields given are marked
    as the user's, so filling from articles and sources leaves them alone."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]} is not a field of an outlet; fields: {', '.join(EDITABLE)}")
    if not name or not name.strip():
        raise ValueError("name must not be empty")
    values = {f: _checked(f, v) for f, v in fields.items() if v is not None}
    bad = [d for d in domains if not domain_of(d)]
    if bad:
        raise ValueError(f"domains: {bad[0]!r} is no web domain (like diario.example)")
    o, t = s.outlets, s.outlet_domains
    with store.transaction(), store.connection() as conn:
        outlet_id = _find(conn, name) or _new_outlet(conn, name)
        edited = set(conn.scalar(select(o.c.edited).where(o.c.id == outlet_id)) or []) | set(values)
        conn.execute(update(o).where(o.c.id == outlet_id).values(edited=sorted(edited), **values))
        for d in filter(None, map(domain_of, [*domains, *drop_domains])):
            conn.execute(delete(t).where(t.c.domain == d))  # an added domain moves to this outlet
        for d in sorted({domain_of(d) for d in domains}):
            conn.execute(insert(t).values(domain=d, outlet_id=outlet_id))
        return _outlet_dicts(conn, [outlet_id])[0]


def create_collection(
    store: Store, name: str, kind: str = "own", description: str | None = None
) -> dict[str, Any]:
    """A new, empty collection; ValueError when the name is taken or the kind unknown."""
    if not name or not name.strip():
        raise ValueError("name must not be empty")
    if kind not in COLLECTION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(COLLECTION_KINDS)}; got {kind!r}")
    c = s.collections
    name = " ".join(name.split())
    with store.transaction(), store.connection() as conn:
        if conn.scalar(select(c.c.id).where(c.c.key == _key(name))) is not None:
            raise ValueError(f"name {name!r} is taken by another collection")
        values = {"name": name, "key": _key(name), "kind": kind, "description": description or None}
        conn.execute(insert(c).values(created=s.utcnow(), **values))
    return get_collection(store, name)


def put_collection(
    store: Store,
    name: str,
    *,
    kind: str | None = None,
    description: str | None = None,
    outlets: Sequence[str] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Make or update a collection: ``kind`` and ``description`` when given, and when
    ``outlets`` is given, exactly those outlets as members. Returns it and whether it is new."""
    c, co = s.collections, s.collection_outlets
    with store.transaction(), store.connection() as conn:
        new = conn.scalar(select(c.c.id).where(c.c.key == _key(name))) is None
        if new:
            create_collection(store, name, kind=kind or "own", description=description)
        elif kind is not None or description is not None:
            if kind is not None and kind not in COLLECTION_KINDS:
                raise ValueError(f"kind must be one of {', '.join(COLLECTION_KINDS)}; got {kind!r}")
            values = {"kind": kind} if kind is not None else {}
            if description is not None:
                values["description"] = description or None
            conn.execute(update(c).where(c.c.key == _key(name)).values(**values))
        if outlets is not None:
            conn.execute(delete(co).where(co.c.collection_id == _collection_id(conn, name)))
            add_to_collection(store, name, outlets)
    return get_collection(store, name), new


def delete_collection(store: Store, name: str) -> None:
    """Delete a collection (its outlets stay)."""
    with store.transaction(), store.connection() as conn:
        conn.execute(delete(s.collections).where(s.collections.c.id == _collection_id(conn, name)))


def add_to_collection(store: Store, collection: str, outlets: Sequence[str]) -> list[str]:
    """Add outlets (by name, spelling or domain; an unknown name becomes a new outlet) to a
    collection; returns the names of the outlets added."""
    co = s.collection_outlets
    added = []
    with store.transaction(), store.connection() as conn:
        cid = _collection_id(conn, collection)
        members = set(conn.scalars(select(co.c.outlet_id).where(co.c.collection_id == cid)))
        for name in outlets:
            oid = _find(conn, name) or _new_outlet(conn, name)
            if oid not in members:
                conn.execute(insert(co).values(collection_id=cid, outlet_id=oid))
                members.add(oid)
                added.append(conn.scalar(select(s.outlets.c.name).where(s.outlets.c.id == oid)))
    return added


def remove_from_collection(store: Store, collection: str, outlets: Sequence[str]) -> list[str]:
    """Take outlets out of a collection; returns the names of those that were in it."""
    co, o = s.collection_outlets, s.outlets
    removed = []
    with store.transaction(), store.connection() as conn:
        cid = _collection_id(conn, collection)
        for name in outlets:
            oid = _find(conn, name)
            if oid is None:
                raise UnknownName(f"outlet {name!r} is not on record")
            gone = conn.execute(delete(co).where(co.c.collection_id == cid, co.c.outlet_id == oid)).rowcount
            if gone:
                removed.append(conn.scalar(select(o.c.name).where(o.c.id == oid)))
    return removed


def list_collections(store: Store) -> list[dict[str, Any]]:
    """Every collection with its number of outlets, sorted by name."""
    c, co = s.collections, s.collection_outlets
    n = func.count(co.c.outlet_id).label("outlets")
    query = select(c.c.name, c.c.kind, c.c.description, n).select_from(
        c.outerjoin(co, co.c.collection_id == c.c.id)
    )
    with store.connection() as conn:
        rows = conn.execute(
            query.group_by(c.c.id, c.c.name, c.c.kind, c.c.description, c.c.key).order_by(c.c.key)
        )
        return [dict(r._mapping) for r in rows]


def get_collection(store: Store, name: str) -> dict[str, Any] | None:
    """A collection with its outlets in full (:func:`list_outlets` shape); None when unknown."""
    c = s.collections
    with store.connection() as conn:
        row = conn.execute(select(c).where(c.c.key == _key(name))).mappings().first()
    if row is None:
        return None
    members = list_outlets(store, collection=row["name"])
    return {
        "name": row["name"],
        "kind": row["kind"],
        "description": row["description"],
        "created": row["created"].isoformat(),
        "outlets": members,
        "articles": sum(m["articles"] for m in members),
    }
