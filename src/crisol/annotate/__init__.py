"""annotate: an :class:`~crisol.model.Article` in, the same Article out with its analysis.

``annotate(article)`` routes by ``article.language`` and runs a list of named components, each
declaring what it requires and assigns (in the spirit of spaCy's pipeline); the order is checked
once, when this module is imported:

1. ``parse``: spaCy pipeline (gazetteer + statistical NER) -> ``doc``, ``sentences``, ``mentions``
   (languages without a model get rule-split sentences only);
2. ``dates``: :func:`crisol.annotate.dates.find_dates` -> ``dates``;
3. ``quotes``: :func:`crisol.annotate.quotes.extract_quotes` -> ``quotes``;
4. ``events``: :func:`crisol.annotate.events.code_events` -> ``events``.

``article.analysis`` says what was done: "full", or "partial: ..." naming what could not be done
and why. ``article.text`` is never changed, and every offset indexes it.

>>> from crisol.model import Article
>>> a = annotate(Article(id="x", source="-", raw=b"", raw_format="text", language="es",
...                      text="Serguéi Lavrov llegó a Pionyang."))
>>> [(m.text, m.label, m.country) for m in a.mentions]
[('Serguéi Lavrov', 'PER', 'RUS'), ('Pionyang', 'LOC', 'PRK')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from spacy.tokens import Doc

from crisol.annotate import nlp as _nlp
from crisol.annotate.dates import find_dates
from crisol.annotate.events import code_events
from crisol.annotate.mentions import build_mentions
from crisol.annotate.quotes import extract_quotes
from crisol.clean.sentences import sentence_spans, strip_span
from crisol.errors import UnknownLanguage
from crisol.model import Article, Sentence

# What an article carries before annotate starts.
GIVEN = frozenset({"text", "language", "published"})


@dataclass
class Work:
    """One annotate() call: the article, its Doc (None without a model) and what went missing."""

    article: Article
    lang: str | None
    doc: Doc | None = None
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Component:
    """A named step: ``run(work)`` fills the ``assigns`` fields from the ``requires`` ones."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    run: Callable[[Work], None]


def check_order(components: list[Component]) -> list[Component]:
    """Raise ValueError when a component requires what no earlier component assigns."""
    available = set(GIVEN)
    for c in components:
        lacking = [r for r in c.requires if r not in available]
        if lacking:
            raise ValueError(
                f"annotate component {c.name!r} requires {lacking} but nothing before it assigns "
                f"them; order: {[x.name for x in components]}"
            )
        available.update(c.assigns)
    return components


# 1. parse ---------------------------------------------------------------------------------------


def _parse(work: Work) -> None:
    article, lang = work.article, work.lang
    if lang not in _nlp.languages():
        spans = sentence_spans(article.text)
        article.sentences = [Sentence(i, s, e, article.text[s:e]) for i, (s, e) in enumerate(spans)]
        article.mentions = []
        work.missing.append(
            f"no analysis model for {lang!r}; sentences only" if lang else "language unknown; sentences only"
        )
        return
    pipeline = _nlp.load(lang)
    if work.doc is None:  # annotate_many parsed it already, in a batch
        work.doc = pipeline(article.text)
    article.sentences = doc_sentences(work.doc)
    gazetteer = _nlp.gazetteer_of(pipeline)
    if gazetteer is None:  # a registered model without NER: syntax but no entities
        work.missing.append(f"no entity model for {lang!r}")
        return
    article.mentions = build_mentions(work.doc, gazetteer, article.sentences)


def doc_sentences(doc: Doc) -> list[Sentence]:
    """Sentences of a parsed Doc, whitespace-only ones dropped, edges stripped, renumbered."""
    text, out = doc.text, []
    for sent in doc.sents:
        start, end = strip_span(text, sent.start_char, sent.end_char)
        if start < end:
            out.append(Sentence(len(out), start, end, text[start:end]))
    return out


# 2-4. components written in their own modules -----------------------------------------------------


def _dates(work: Work) -> None:
    a = work.article
    a.dates = list(find_dates(a.text, a.published, work.lang, a.sentences))


def _needs_doc(function: Callable[[Doc, Article], list], target: str) -> Callable[[Work], None]:
    def run(work: Work) -> None:
        if work.doc is None:
            return  # already reported by parse: no model, no syntax
        setattr(work.article, target, list(function(work.doc, work.article)))

    return run


PIPELINE: list[Component] = check_order(
    [
        Component("parse", ("text", "language"), ("doc", "sentences", "mentions"), _parse),
        Component("dates", ("text", "published", "sentences"), ("dates",), _dates),
        Component("quotes", ("doc", "mentions"), ("quotes",), _needs_doc(extract_quotes, "quotes")),
        Component(
            "events", ("doc", "mentions", "dates", "quotes"), ("events",), _needs_doc(code_events, "events")
        ),
    ]
)


def annotate(article: Article, doc: Doc | None = None) -> Article:
    """Fill sentences, mentions, dates, quotes and events of ``article`` and set ``analysis``.

    Returns the same object; ``article.text`` is not changed, ``article.language`` is normalised
    to its primary subtag ("es-ES" -> "es"). A component that has no resources for the language
    (raises :class:`~crisol.errors.UnknownLanguage`) is skipped and named in ``analysis``; any
    other error propagates with a note naming the article and the component.
    """
    work = Work(article, _nlp.normalise_language(article.language), doc)
    article.sentences, article.mentions, article.dates = [], [], []
    article.quotes, article.events = [], []
    if work.lang:
        article.language = work.lang  # "es-ES" -> "es": components look up resources by it
    for component in PIPELINE:
        try:
            component.run(work)
        except UnknownLanguage:  # a component without resources for this language
            work.missing.append(
                f"{component.name} not available "
                + (f"for {work.lang!r}" if work.lang else "without a language")
            )
        except Exception as e:
            e.add_note(f"while annotating {article.source} ({article.id}) in component {component.name!r}")
            raise
    article.analysis = "full" if not work.missing else "partial: " + "; ".join(work.missing)
    return article


# Texts handed to spaCy at once: batching the statistical components' matrix work is what
# nlp.pipe saves over one call per text (docs/bench/stream.md).
PIPE_BATCH = 32


def annotate_many(articles: list[Article]) -> list[Article | Exception]:
    """:func:`annotate` for a batch: the spaCy parse runs once per language over the whole batch
    (``nlp.pipe``), the rest per article. Each article's outcome is the annotated article or
    the exception that stopped it, so one failure never costs the others."""
    docs: dict[int, Doc] = {}
    by_lang: dict[str, list[Article]] = {}
    for a in articles:
        lang = _nlp.normalise_language(a.language)
        if lang and lang in _nlp.languages():
            by_lang.setdefault(lang, []).append(a)
    for lang, group in by_lang.items():
        try:
            pipeline = _nlp.load(lang)
            for a, doc in zip(group, pipeline.pipe((a.text for a in group), batch_size=PIPE_BATCH)):
                docs[id(a)] = doc
        except Exception:  # noqa: BLE001 - each article is parsed alone below, its error its own
            docs = {k: v for k, v in docs.items() if k not in {id(a) for a in group}}
    out: list[Article | Exception] = []
    for a in articles:
        try:
            out.append(annotate(a, docs.get(id(a))))
        except Exception as e:  # noqa: BLE001 - reported by the caller, per article
            out.append(e)
    return out


def parse(text: str, language: str) -> Doc:
    """The spaCy Doc of ``text`` by crisol's pipeline for ``language`` (for other components).

    Raises :class:`~crisol.errors.UnknownLanguage` when there is no model for it.
    """
    return _nlp.load(_nlp.normalise_language(language) or "")(text)


__all__ = ["annotate", "annotate_many", "parse", "Component", "PIPELINE", "check_order", "doc_sentences"]
