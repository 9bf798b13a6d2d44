"""Full-text search over articles, quotes, entities and stories, on SQLite and PostgreSQL.

Every searchable thing is one row of ``search_docs`` (its kind, a reference to it, the filters
it can be narrowed by) plus an index entry made of its *stemmed, accent-folded* words:

- words are folded (``Educación`` → ``educacion``) and stemmed with the Snowball stemmer of the
  document's language (Spanish or English; other languages are only folded), in Python, so
  SQLite's FTS5 (bm25 ranking) and PostgreSQL's ``tsvector`` (the ``simple`` configuration over
  the same stems) index exactly the same terms and find the same documents;
- on PostgreSQL the index is a RUM index where the server has the extension (migration 0005):
  it ranks inside the index (``ORDER BY tsv <=> query``), so a common word costs a page, not a
  ``ts_rank`` over every match, which is what is done with the plain GIN index;
- a query word is looked up under each of its forms (Spanish stem, English stem, folded word),
  since the language of what it should find is unknown;
- snippets are cut from the original text around the matching words, the matches marked
  (:class:`Snippet`; the faces render them): the same on both engines.

Keeping the index in sync: :func:`index_articles` right after :meth:`Store.add_articles` (the
REST API does this), and :func:`catch_up` indexes anything added by another path (``crisol
ingest``, linking) since; it is cheap when nothing is missing.

>>> from crisol.store import open_store
>>> store = open_store(":memory:")
>>> search(store, "elecciones").total
0
>>> stems("Las elecciones presidenciales", "es")
'las eleccion presidencial'
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from itertools import accumulate, islice
from operator import sub
from typing import Any, Iterable, Sequence

from sqlalchemy import Text, bindparam, delete, func, insert, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from crisol.model import Article, Quote
from crisol.store import schema as s
from crisol.store.outlets import outlet_names
from crisol.store.schema import search_docs
from crisol.store.search_aliases import MAX_RUN, Expansion, Registry, folded_words, registry
from crisol.store.store import Store, _chunks
from crisol.text import STEMMERS, fold, stem, stems

KINDS = ("article", "quote", "entity", "story")
TITLE_WEIGHT = 2.0  # a word in the title counts twice as much as one in the body
SNIPPET_WORDS = 28  # words of context in a snippet
STATE = "_state"  # kind of the rows remembering what entities/stories were indexed
_PG_MATCH = "d.tsv @@ to_tsquery('simple', :q)"

metadata = s.metadata


_WORD = re.compile(r"\w+", re.UNICODE)


# ---- words ----------------------------------------------------------------------------------


# ---- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One query word or phrase, with every form it may have been indexed under."""

    words: tuple[str, ...]  # folded words (several for a "quoted phrase")
    prefix: bool = False  # written with a trailing *

    def forms(self) -> list[tuple[str, ...]]:
        """The word sequence under each language's stemmer, and unstemmed (distinct)."""
        if self.prefix:
            return [self.words]
        seen: dict[tuple[str, ...], None] = {}
        for lang in (*STEMMERS, None):
            seen.setdefault(tuple(stem(w, lang) for w in self.words), None)
        return list(seen)


@dataclass
class Query:
    """A parsed query: terms that must all match (``OR`` between words makes alternatives)."""

    text: str
    groups: list[list[Term]] = field(default_factory=list)  # AND of ORs

    @property
    def empty(self) -> bool:
        return not self.groups


_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
# The engines' cost grows faster than the number of terms (each one ANDed with the rest, under
# up to three forms): a query is held to what a person types. Its words are what costs (a
# repeated one counts once); the length only bounds the parsing and the echo of the query.
MAX_QUERY_CHARS = 10_000
MAX_QUERY_TERMS = 32  # distinct words, counting every word of a phrase and each OR alternative


class QueryTooLong(ValueError):
    """A query beyond :data:`MAX_QUERY_CHARS` characters or :data:`MAX_QUERY_TERMS` distinct words."""


def parse_query(q: str) -> Query:
    """Words must all appear; ``"a phrase"`` in order; ``word*`` a prefix; ``a OR b`` either.

    A term written twice counts once (``Kim Kim Kim`` is ``Kim``); a query longer than
    :data:`MAX_QUERY_CHARS` characters, or whose distinct terms hold more than
    :data:`MAX_QUERY_TERMS` words, raises :class:`QueryTooLong`.

    >>> [[t.words for t in g] for g in parse_query('Lavrov "Corea del Norte" OR Pionyang').groups]
    [[('lavrov',)], [('corea', 'del', 'norte'), ('pionyang',)]]
    >>> [[t.words for t in g] for g in parse_query("Kim kim KIM Jong").groups]
    [[('kim',)], [('jong',)]]
    """
    if len(q) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"the query is {len(q):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    query = Query(q)
    join_next = False
    for m in _TOKEN.finditer(q):
        phrase, word = m.group(1), m.group(2)
        if word == "OR":
            join_next = bool(query.groups)
            continue
        raw = phrase if phrase is not None else word
        words = tuple(_WORD.findall(fold(raw)))
        if not words:
            continue
        term = Term(words, prefix=phrase is None and raw.endswith("*") and len(words) == 1)
        if join_next:
            if term not in query.groups[-1]:
                query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    query.groups = _distinct(query.groups)
    words = sum(len(t.words) for t in {t for g in query.groups for t in g})
    if words > MAX_QUERY_TERMS:
        raise QueryTooLong(f"the query has {words} distinct words; the limit is {MAX_QUERY_TERMS}")
    return query


def _distinct(groups: list[list[Term]]) -> list[list[Term]]:
    """Groups without repeats: the same alternatives in any order are one group."""
    seen: set[frozenset[Term]] = set()
    out = []
    for g in groups:
        key = frozenset(g)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _fts5(query: Query) -> str:
    """The FTS5 MATCH expression (every token quoted: user text never becomes syntax)."""

    def form(words: tuple[str, ...], prefix: bool) -> str:
        return '"' + " ".join(words) + '"' + ("*" if prefix else "")

    groups = []
    for group in query.groups:
        alts = [form(f, t.prefix) for t in group for f in t.forms()]
        groups.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(groups)


def _tsquery(query: Query) -> str:
    """The ``to_tsquery('simple', ...)`` text: words are plain \\w+ tokens, safe to splice."""

    def form(words: tuple[str, ...], prefix: bool) -> str:
        return (
            "(" + " <-> ".join(words) + ")" + (":*" if prefix else "")
            if len(words) > 1
            else words[0] + (":*" if prefix else "")
        )

    return " & ".join(
        "(" + " | ".join(form(f, t.prefix) for t in group for f in t.forms()) + ")" for group in query.groups
    )


# ---- snippets -------------------------------------------------------------------------------


def _matcher(query: Query):
    exact = {w for g in query.groups for t in g if not t.prefix for f in t.forms() for w in f}
    prefixes = tuple(t.words[0] for g in query.groups for t in g if t.prefix)

    # Folding and stemming keep a word's first letter: a word starting (in ASCII) with a letter
    # no form starts with cannot match, and most words of a text are ruled out that cheaply.
    firsts = {w[0] for w in exact} | {p[0] for p in prefixes}

    def matches(word: str, language: str | None) -> bool:
        if word[0].isascii() and word[0].lower() not in firsts:
            return False
        folded, stemmed = _word_forms(word, (language or "")[:2])
        if prefixes and folded.startswith(prefixes):
            return True
        return folded in exact or stemmed in exact

    return matches


@lru_cache(maxsize=200_000)
def _word_forms(word: str, language: str) -> tuple[str, str]:
    """A text word folded, and its stem (snippets ask for the same words again and again)."""
    folded = fold(word)
    return folded, stem(folded, language)


@dataclass(frozen=True)
class Snippet:
    """The part of a text shown for a search hit: its pieces in order, each with whether it is
    a matching word. The faces render it (``<mark>`` in HTML, bold in a terminal).

    >>> s = snippet("Ayer hubo elecciones en el país.", parse_query("elección"), "es")
    >>> s.text, [t for t, hit in s.pieces if hit]
    ('Ayer hubo elecciones en el país.', ['elecciones'])
    """

    pieces: tuple[tuple[str, bool], ...] = ()

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)


def snippet(text: str | None, query: Query, language: str | None, words: int = SNIPPET_WORDS) -> Snippet:
    """The part of ``text`` with the most query words, the matching words marked; "…" where it
    is cut."""
    if not text:
        return Snippet()
    matches = _matcher(query)
    words_in = _WORD.findall(text)
    if not words_in:
        return Snippet(((text[:200], False),))
    # Each distinct word is folded and stemmed once (a long article repeats most of its words),
    # and only the window shown is cut into spans: a page of snippets stays cheap.
    hits = {w for w in set(words_in) if matches(w, language)}
    first = _best_window(list(map(hits.__contains__, words_in)), words)
    window = list(islice(_WORD.finditer(text), first, first + words))
    start = window[0].start()
    end = window[-1].end()
    if end < len(text) and first + words >= len(words_in):
        end = len(text)  # keep the closing punctuation of the last sentence
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    plain, pos = [], start
    for m in window:
        plain.append(text[pos : m.start()])
        if m.group() in hits:
            pieces.append(("".join(plain), False))
            pieces.append((m.group(), True))
            plain = []
        else:
            plain.append(m.group())
        pos = m.end()
    plain.append(text[pos:end])
    plain.append("…" if end < len(text) else "")
    pieces.append(("".join(plain), False))
    return Snippet(tuple((t, hit) for t, hit in pieces if t))


def _best_window(hits: list[bool], words: int) -> int:
    """Start index of the window of ``words`` words holding the most matches (earliest wins).

    >>> _best_window([False] * 10 + [True, False, True] + [False] * 10, 5)
    6
    """
    if not any(hits):
        return 0
    best = 0
    if len(hits) > words:
        # matches in each window, from running totals (no Python loop over the words)
        total = [0, *accumulate(hits)]
        counts = list(map(sub, total[words:], total[: len(total) - words]))
        best = counts.index(max(counts))
    # Start a few words before the first match so it reads in context.
    first_hit = hits.index(True, best)
    return max(0, min(best, first_hit - 4))


# ---- writing the index ----------------------------------------------------------------------


@dataclass
class Doc:
    """One searchable thing before it is written: its row and its stemmed title and body."""

    kind: str
    ref: str
    title: str | None
    body: str | None  # what snippets are cut from (None: read from the article)
    language: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    article_id: str | None = None
    index_title: str = ""
    index_body: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ref": self.ref,
            "title": self.title,
            "body": self.body,
            "language": self.language,
            "outlet": self.outlet,
            "published": self.published,
            "article_id": self.article_id,
        }


def article_docs(article: Article) -> list[Doc]:
    """The article itself and each of its quotes."""
    lang = article.language
    common = dict(language=lang, outlet=article.outlet, published=article.published, article_id=article.id)
    docs = [
        Doc(
            "article",
            article.id,
            article.title,
            None,
            **common,
            index_title=stems(article.title, lang),
            index_body=stems(article.text, lang),
        )
    ]
    for i, q in enumerate(article.quotes):
        docs.append(
            Doc(
                "quote",
                f"{article.id}:{i}",
                q.speaker,
                q.text,
                **common,
                index_title=stems(q.speaker, None),
                index_body=stems(q.text, lang),
            )
        )
    return docs


def _weighted(param: str, weight: str):
    simple = literal_column("'simple'::regconfig")
    return func.setweight(
        func.to_tsvector(simple, bindparam(param, type_=Text)), literal_column(f"'{weight}'")
    )


# PostgreSQL's index entry: the stemmed title (weight A) and body (weight B), as plain words.
_TSVECTOR = _weighted("index_title", "A").op("||")(_weighted("index_body", "B"))


def write_docs(conn: Connection, docs: Sequence[Doc]) -> None:
    """Insert or replace documents (by kind and ref) and their index entries."""
    if not docs:
        return
    _remove(conn, [(d.kind, d.ref) for d in docs])
    if conn.dialect.name == "postgresql":
        # The tsvector is made in the INSERT itself: an UPDATE afterwards would write each row
        # and its index entries twice.
        rows = [{**d.row(), "index_title": d.index_title, "index_body": d.index_body} for d in docs]
        conn.execute(insert(search_docs).values(tsv=_TSVECTOR), rows)
        return
    ids = (
        conn.execute(
            insert(search_docs).returning(search_docs.c.id, sort_by_parameter_order=True),
            [d.row() for d in docs],
        )
        .scalars()
        .all()
    )
    params = [{"id": i, "t": d.index_title, "b": d.index_body} for i, d in zip(ids, docs)]
    conn.execute(text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :t, :b)"), params)


def _remove(conn: Connection, keys: Sequence[tuple[str, str]]) -> None:
    by_kind: dict[str, list[str]] = {}
    for kind, ref in keys:
        by_kind.setdefault(kind, []).append(ref)
    for kind, refs in by_kind.items():
        for part in _chunks(refs):
            where = (search_docs.c.kind == kind) & search_docs.c.ref.in_(part)
            ids = conn.scalars(select(search_docs.c.id).where(where)).all()
            if not ids:
                continue
            if conn.dialect.name != "postgresql":
                conn.execute(
                    text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(
                        bindparam("ids", expanding=True)
                    ),
                    {"ids": ids},
                )
            conn.execute(delete(search_docs).where(search_docs.c.id.in_(ids)))


def index_articles(store: Store, articles: Iterable[Article]) -> int:
    """Index articles (and their quotes) just stored; returns the number of documents written.

    Call it after :meth:`Store.add_articles` (in the same transaction or after it).
    """
    docs = [d for a in articles for d in article_docs(a)]
    with store.transaction(), store.connection() as conn:
        write_docs(conn, docs)
    return len(docs)


# ---- catching up with what other paths stored -----------------------------------------------


def missing_article_ids(store: Store, limit: int | None = None) -> list[str]:
    """Stored articles without a search document (added by a path that does not index)."""
    a = s.articles
    indexed = select(search_docs.c.id).where(
        (search_docs.c.kind == "article") & (search_docs.c.ref == a.c.id)
    )
    query = select(a.c.id).where(~indexed.exists()).order_by(a.c.id)
    with store.connection() as conn:
        return list(conn.scalars(query.limit(limit) if limit else query))


def _articles_for_index(conn: Connection, ids: Sequence[str]) -> list[Article]:
    """Just what indexing needs: text, title, filters and quotes (not every annotation)."""

    a, q = s.articles, s.quotes
    cols = [a.c.id, a.c.source, a.c.text, a.c.title, a.c.language, a.c.outlet, a.c.published, a.c.raw_format]
    by_id = {
        r.id: Article(
            id=r.id,
            source=r.source,
            raw=b"",
            raw_format=r.raw_format,
            text=r.text,
            title=r.title,
            language=r.language,
            outlet=r.outlet,
            published=r.published,
        )
        for r in conn.execute(select(*cols).where(a.c.id.in_(ids)))
    }
    rows = conn.execute(
        select(q.c.article_id, q.c.text, q.c.speaker)
        .where(q.c.article_id.in_(ids))
        .order_by(q.c.article_id, q.c.position)
    )
    for r in rows:
        by_id[r.article_id].quotes.append(Quote(r.text, "direct", r.speaker, None, 0, 0, 0))
    return [by_id[i] for i in ids if i in by_id]


def _signature(conn: Connection, kind: str) -> str:
    if kind == "entity":
        n = conn.scalar(text("SELECT count(*) FROM entities"))
        m = conn.scalar(text("SELECT coalesce(sum(count), 0) FROM entity_aliases"))
        return f"{n}:{m}"
    n = conn.scalar(text("SELECT count(*) FROM stories"))
    last = conn.scalar(text("SELECT max(updated) FROM stories"))
    size = conn.scalar(text("SELECT coalesce(sum(size), 0) FROM stories"))
    return f"{n}:{size}:{last}"


def _recorded(conn: Connection, kind: str) -> str | None:
    return conn.scalar(
        select(search_docs.c.body).where((search_docs.c.kind == STATE) & (search_docs.c.ref == kind))
    )


def _only(column: str, ids: Sequence[str] | None) -> tuple[str, dict[str, Any]]:
    """A WHERE clause limiting ``column`` to ``ids`` (none: every row), and its parameters."""
    if ids is None:
        return "", {}
    names = {f"id{k}": i for k, i in enumerate(ids)}
    return f" WHERE {column} IN ({', '.join(':' + n for n in names) or 'NULL'})", names


def entity_docs(conn: Connection, ids: Sequence[str] | None = None) -> list[Doc]:
    """Registry entities (every one, or ``ids``), searchable by all their spellings (names are
    folded, not stemmed)."""
    aliases: dict[str, list[str]] = {}
    where, params = _only("entity_id", ids)
    rows = conn.execute(
        text(f"SELECT entity_id, text FROM entity_aliases{where} ORDER BY count DESC"), params
    )
    for eid, alias in rows:
        aliases.setdefault(eid, []).append(alias)
    docs = []
    where, params = _only("id", ids)
    for eid, name, etype in conn.execute(text(f"SELECT id, name, type FROM entities{where}"), params):
        spellings = [a for a in aliases.get(eid, []) if a != name]
        body = " · ".join(spellings)
        docs.append(
            Doc(
                "entity", eid, name, body or None, index_title=stems(name, None), index_body=stems(body, None)
            )
        )
    return docs


def story_docs(conn: Connection, ids: Sequence[str] | None = None) -> list[Doc]:
    """Stories (every live one, or ``ids``), searchable by their title and their articles'
    titles."""
    titles: dict[str, list[str]] = {}
    where, params = _only("sa.story_id", ids)
    rows = conn.execute(
        text(
            "SELECT sa.story_id, a.title FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
            f"{where} ORDER BY sa.story_id, sa.position"
        ),
        params,
    )
    for sid, title in rows:
        if title:
            titles.setdefault(sid, []).append(title)
    docs = []
    where, params = _only("id", ids)
    where = f"{where} AND merged_into IS NULL" if where else " WHERE merged_into IS NULL"
    stories = conn.execute(text(f'SELECT id, title, language, "last" FROM stories{where}'), params)
    for sid, title, lang, last in stories:
        body = "\n".join(dict.fromkeys(t for t in titles.get(sid, []) if t != title))
        if isinstance(last, str):  # SQLite hands back text to a plain SELECT
            last = datetime.fromisoformat(last)
        docs.append(
            Doc(
                "story",
                sid,
                title,
                body or None,
                language=lang,
                published=last,
                index_title=stems(title, lang),
                index_body=stems(body, lang),
            )
        )
    return docs


def _refresh(conn: Connection, kind: str, make) -> int:
    """Re-index every entity (or story) when their tables changed since the last time."""
    sig = _signature(conn, kind)
    if _recorded(conn, kind) == sig:
        return 0
    old = conn.scalars(select(search_docs.c.ref).where(search_docs.c.kind == kind)).all()
    _remove(conn, [(kind, r) for r in old])
    docs = make(conn)
    write_docs(conn, docs)
    _remove(conn, [(STATE, kind)])
    conn.execute(insert(search_docs).values(kind=STATE, ref=kind, body=sig))
    return len(docs)


def in_step(store: Store) -> dict[str, bool]:
    """Whether the story and entity documents match their tables now (taken before linking a
    batch, handed to :func:`index_changes` after it)."""
    with store.connection() as conn:
        return {kind: _recorded(conn, kind) == _signature(conn, kind) for kind in ("entity", "story")}


def index_changes(
    store: Store,
    articles: Iterable[Article],
    story_ids: Iterable[str] = (),
    entity_ids: Iterable[str] = (),
    was_in_step: dict[str, bool] | None = None,
) -> int:
    """Index new articles and re-index the stories and entities they changed (a story merged
    away loses its document), in one transaction; then record the tables' state, so
    :func:`catch_up` finds nothing left to redo. What the ingest runner calls per batch: its cost
    follows the batch, not the size of the store."""
    stories, entities = sorted(set(story_ids)), sorted(set(entity_ids))
    with store.transaction(), store.connection() as conn:
        # The recorded state moves on only when the index was in step before this batch
        # (``was_in_step``); else catch_up re-indexes everything once.
        in_step = was_in_step or {}
        docs = [d for a in articles for d in article_docs(a)]
        for kind, ids, make in (("story", stories, story_docs), ("entity", entities, entity_docs)):
            for chunk in (ids[k : k + 500] for k in range(0, len(ids), 500)):
                _remove(conn, [(kind, i) for i in chunk])
                docs += make(conn, chunk)
        write_docs(conn, docs)
        for kind in ("entity", "story"):
            if in_step.get(kind):
                _remove(conn, [(STATE, kind)])
                conn.execute(insert(search_docs).values(kind=STATE, ref=kind, body=_signature(conn, kind)))
    return len(docs)


def catch_up_if_free(store: Store) -> int:
    """:func:`catch_up`, unless another writer holds the store (an ingest beside a server): then
    nothing, quietly; search answers from the index as it is, and the writer indexes its own."""

    if not missing_article_ids(store, limit=1) and all(in_step(store).values()):
        return 0  # in step: nothing to write (the usual case: ingests index what they store)
    try:
        return catch_up(store)
    except OperationalError as e:
        if "lock" not in str(e).lower():
            raise
        logging.getLogger(__name__).info("search index catch-up skipped: another writer holds the store")
        return 0


def catch_up(store: Store, chunk: int = 500) -> int:
    """Index whatever was stored without being indexed; returns the documents written."""
    written = 0
    while ids := missing_article_ids(store, limit=chunk):
        with store.transaction(), store.connection() as conn:
            docs = [d for a in _articles_for_index(conn, ids) for d in article_docs(a)]
            write_docs(conn, docs)
        written += len(docs)
        if len(ids) < chunk:
            break
    with store.transaction(), store.connection() as conn:
        written += _refresh(conn, "entity", entity_docs)
        written += _refresh(conn, "story", story_docs)
    return written


# ---- searching ------------------------------------------------------------------------------


@dataclass
class SearchHit:
    """One result: what it is, where it points, a highlighted snippet and its score."""

    kind: str
    ref: str
    title: str | None
    snippet: Snippet
    score: float
    article_id: str | None = None
    language: str | None = None
    outlet: str | None = None
    published: datetime | None = None


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    limit: int
    offset: int
    query: str
    expansions: list[Expansion] = field(default_factory=list)  # spellings added from the registry


def _filters(kinds, language, outlets, since, until) -> tuple[list[str], dict[str, Any]]:
    """Conditions on ``search_docs d``. Bookkeeping rows (kind ``_state``) have no index entry
    (no FTS5 row, no tsvector), so no search finds them and no condition is needed to leave
    them out: without filters the match alone is counted, from the index."""
    where, params = [], {}
    if kinds:
        where.append("d.kind IN :kinds")
        params["kinds"] = list(kinds)
    if language:
        where.append("d.language = :language")
        params["language"] = language.lower()
    if outlets is not None:  # the spellings of an outlet or a collection (outlet_names)
        where.append("d.outlet IN :outlets")
        params["outlets"] = list(outlets) or [""]  # none: no document has an empty outlet
    if since:
        where.append("d.published >= :since")
        params["since"] = since
    if until:
        where.append("d.published <= :until")
        params["until"] = until
    return where, params


def _statements(dialect: str, where: list[str]) -> tuple[str, str]:
    """The ranked page and the count, for the plain ranking (SQLite, PostgreSQL without RUM)."""
    if dialect == "postgresql":
        frm = f"FROM search_docs d WHERE {' AND '.join([_PG_MATCH, *where])}"
        # normalization 1: divide by 1 + log(length), so long articles do not win by size alone
        score = "ts_rank(d.tsv, to_tsquery('simple', :q), 1)"
        key = "d.id"
    else:
        # bm25 is lower for better matches; negate it so higher is better on both engines
        score = f"-bm25(search_fts, {TITLE_WEIGHT}, 1.0)"
        if where:
            frm = f"FROM search_fts f JOIN search_docs d ON d.id = f.rowid WHERE {' AND '.join(['search_fts MATCH :q', *where])}"  # noqa: E501
            key = "d.id"
        else:  # nothing to filter on: FTS5 alone ranks and counts (its rowid is the doc id)
            frm, key = "FROM search_fts WHERE search_fts MATCH :q", "rowid"
    # On PostgreSQL the total rides along (a window over every match), so the matches are found
    # and their tsvectors read once; FTS5 refuses bm25() beside a window function.
    total = ", count(*) OVER () AS total" if dialect == "postgresql" else ""
    page = f"SELECT {key} AS id, {score} AS score{total} {frm} ORDER BY score DESC, {key} LIMIT :limit OFFSET :offset"
    return page, f"SELECT count(*) {frm}"


def _bind(sql: str, params: dict[str, Any]):
    stmt = text(sql)
    for name in ("kinds", "outlets"):
        if name in params:
            stmt = stmt.bindparams(bindparam(name, expanding=True))
    for name in ("since", "until"):
        if name in params:
            stmt = stmt.bindparams(bindparam(name, type_=s.UTCDateTime))
    return stmt


# ---- PostgreSQL with a RUM index ------------------------------------------------------------

INDEX = "ix_search_docs_tsv"
RUM_FETCH = 20  # rows read past the page at first, to see whether a tie runs over its edge
RUM_TIE_READ = 200  # rows read at a time while it does


def uses_rum(conn: Connection) -> bool:
    """Whether the search index is a RUM index (migration 0005 makes it one where it can)."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.scalar(
        text(
            "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.oid = to_regclass(:name)"
        ),
        {"name": INDEX},
    )
    return found == "rum"


@dataclass
class _Ranked:
    """A ranked row, as the plain query returns it."""

    id: int
    score: float


def _rum_page(
    conn: Connection, where: list[str], params: dict[str, Any], limit: int, offset: int
) -> list[Any]:
    """One page ranked by the RUM index: ``ORDER BY tsv <=> query LIMIT n`` reads the rank
    from the index (positions and weights are stored there), not from each row's tsvector.

    The index orders by rank alone; rows of equal rank are put in id order here, as on
    SQLite, so pages never overlap. That needs every row tied with the page's last one, so the
    rows are read from a server-side cursor until the rank changes: a long tie (copies of one
    text) costs a few more rows of the same scan, not a second ranking of every match. The
    LIMIT bounds the scan (and keeps the planner on the index's order); a tie longer than
    that reads again with a larger one.
    """
    q = "to_tsquery('simple', :q)"
    base = (
        f"SELECT d.id, d.tsv <=> {q} AS distance FROM search_docs d WHERE {' AND '.join([_PG_MATCH, *where])} "
        f"ORDER BY d.tsv <=> {q} LIMIT :n"
    )
    stmt = _bind(base, params).execution_options(stream_results=True)
    need = offset + limit
    cap = 4 * need + RUM_TIE_READ
    while True:
        result = conn.execute(stmt, {**params, "n": cap})
        rows = result.fetchmany(need + RUM_FETCH)
        while len(rows) > need and rows[-1].distance == rows[need - 1].distance:
            more = result.fetchmany(RUM_TIE_READ)
            if not more:
                break
            rows += more
        result.close()
        if len(rows) < cap or rows[-1].distance > rows[need - 1].distance:
            break
        cap *= 4
    rows.sort(key=lambda r: (r.distance, r.id))
    # distance = 1 / rank: the score (higher is better) is the rank itself.
    return [_Ranked(r.id, 1.0 / r.distance if r.distance else 0.0) for r in rows[offset:need]]


def _rum_total(conn: Connection, where: list[str], params: dict[str, Any]) -> int:
    # Counting needs no rank: a bitmap of the index's matches, checked for visibility.
    sql = f"SELECT count(*) FROM search_docs d WHERE {' AND '.join([_PG_MATCH, *where])}"
    return int(conn.execute(_bind(sql, params), params).scalar() or 0)


def search(
    store: Store,
    q: str,
    *,
    kinds: Sequence[str] | None = None,
    language: str | None = None,
    outlet: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
    exact: bool = False,
    collection: str | None = None,
) -> SearchResults:
    """Ranked matches for ``q`` (best first) with highlighted snippets, and the total.

    A word or phrase that names a registry entity is also searched under the entity's other
    spellings (:mod:`crisol.store.search_aliases`; the results list them); ``exact`` searches the
    words as written only."""
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown search kind(s) {sorted(unknown)}; use one of {', '.join(KINDS)}")
    query = parse_query(q)
    if query.empty:
        return SearchResults([], 0, limit, offset, q)
    expansions: list[Expansion] = []
    outlets = outlet_names(store, collection=collection, outlet=outlet) if outlet or collection else None
    with store.connection() as conn:
        if not exact and any(not t.prefix for g in query.groups for t in g):
            query, expansions = expand_query(query, registry(conn, _signature(conn, "entity")))
        dialect = conn.dialect.name
        rum = uses_rum(conn)
        where, params = _filters(kinds, language, outlets, since, until)
        params["q"] = _tsquery(query) if dialect == "postgresql" else _fts5(query)
        if rum:
            ranked: Sequence[Any] = _rum_page(conn, where, params, limit, offset)
            total = _rum_total(conn, where, params)
        else:
            page_sql, count_sql = _statements(dialect, where)
            ranked = conn.execute(_bind(page_sql, params), {**params, "limit": limit, "offset": offset}).all()
            if ranked and "total" in ranked[0]._fields:
                total = int(ranked[0].total)
            else:  # SQLite, or a page past the end: count on its own
                total = int(conn.execute(_bind(count_sql, params), params).scalar() or 0)
        hits = _hits(conn, ranked, query)
    return SearchResults(hits, total, limit, offset, q, expansions)


def expand_query(query: Query, names: Registry) -> tuple[Query, list[Expansion]]:
    """``query`` with each term that names an entity ORed with the entity's other spellings,
    and what was added. A run of plain words that spells a name becomes that name (a phrase).
    Spellings are added while the query stays within :data:`MAX_QUERY_TERMS` words.

    >>> names = Registry({("pyongyang",): ["e1"], ("pionyang",): ["e1"]}, {"e1": "Pyongyang"},
    ...                  {"e1": ["Pyongyang", "Pionyang"]})
    >>> q, added = expand_query(parse_query("misiles Pyongyang"), names)
    >>> [[t.words for t in g] for g in q.groups], [e.describe() for e in added]
    ([[('misiles',)], [('pyongyang',), ('pionyang',)]], ['also searched: Pionyang (same entity: Pyongyang)'])
    """
    budget = MAX_QUERY_TERMS - sum(len(t.words) for t in {t for g in query.groups for t in g})
    groups: list[list[Term]] = []
    expansions: list[Expansion] = []
    i = 0
    while i < len(query.groups):
        run = _name_run(query.groups, i, names)
        if run is not None:
            group, i = [Term(run[0])], run[1]
        else:
            group, i = list(query.groups[i]), i + 1
        for term in [t for t in group if not t.prefix]:
            for entity_id in names.entities(term.words):
                found = names.expansion(term.words, entity_id)
                spellings = []
                for spelling in found.spellings if found else ():
                    added = Term(folded_words(spelling))
                    if added not in group and len(added.words) <= budget:
                        group.append(added)
                        budget -= len(added.words)
                        spellings.append(spelling)
                if found and spellings:
                    expansions.append(replace(found, spellings=tuple(spellings)))
        groups.append(group)
    return Query(query.text, _distinct(groups)), expansions


def _name_run(groups: list[list[Term]], i: int, names: Registry) -> tuple[tuple[str, ...], int] | None:
    """The longest run of plain one-word groups from ``i`` on that spells an entity's name, as
    (its words, the group after it); None when there is none (of two words or more)."""
    plain = 0
    while (
        i + plain < len(groups)
        and plain < MAX_RUN
        and len(groups[i + plain]) == 1
        and not groups[i + plain][0].prefix
        and len(groups[i + plain][0].words) == 1
    ):
        plain += 1
    for n in range(plain, 1, -1):
        words = tuple(groups[k][0].words[0] for k in range(i, i + n))
        if names.entities(words):
            return words, i + n
    return None


def _hits(conn: Connection, ranked: Sequence[Any], query: Query) -> list[SearchHit]:
    if not ranked:
        return []
    ids = [r.id for r in ranked]
    d, a = search_docs, s.articles
    shown = [c for c in d.c if c.name != "tsv"]  # the tsvector is big and not shown
    rows = conn.execute(
        select(*shown, a.c.text.label("article_text"))
        .select_from(d.outerjoin(a, (d.c.kind == "article") & (a.c.id == d.c.article_id)))
        .where(d.c.id.in_(ids))
    ).mappings()
    by_id = {r["id"]: r for r in rows}
    hits = []
    for r in ranked:
        row = by_id.get(r.id)
        if row is None:  # an index entry whose document is gone (never written so; be safe)
            continue
        body = row["article_text"] if row["kind"] == "article" else row["body"]
        lang = None if row["kind"] == "entity" else row["language"]
        cut = snippet(body, query, lang) if body else snippet(row["title"], query, lang)
        hits.append(
            SearchHit(
                kind=row["kind"],
                ref=row["ref"],
                title=row["title"],
                snippet=cut,
                score=float(r.score),
                article_id=row["article_id"],
                language=row["language"],
                outlet=row["outlet"],
                published=row["published"],
            )
        )
    return hits


__all__ = [
    "KINDS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "Doc",
    "Expansion",
    "Query",
    "QueryTooLong",
    "SearchHit",
    "SearchResults",
    "Term",
    "article_docs",
    "catch_up",
    "index_articles",
    "missing_article_ids",
    "parse_query",
    "search",
    "Snippet",
    "snippet",
    "stem",
    "stems",
    "write_docs",
]
