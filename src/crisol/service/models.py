"""Which models the analysis runs: the faces set it once, before the first article."""

from __future__ import annotations

from pathlib import Path

from crisol.annotate import nlp as _nlp

NER_MODES = _nlp.NER_MODES
default_ner_dir = _nlp.default_ner_dir


def use_ner(mode: str = "fast", model_dir: Path | str | None = None) -> _nlp.NerChoice:
    """Choose the NER (``fast`` or ``accurate``); raises :class:`~crisol.errors.ModelError`."""
    return _nlp.choose_ner(mode, model_dir)


def ner_in_use() -> _nlp.NerChoice:
    return _nlp.ner_choice()
