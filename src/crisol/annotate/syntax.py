"""Small readers of a spaCy dependency parse that the annotators share: lemmas and subjects.

Pure functions over spaCy tokens. The labels are those of both models: Spanish (Universal
Dependencies) and English (ClearNLP). The examples build a parse by hand, no model needed:

>>> from spacy.tokens import Doc
>>> from spacy.vocab import Vocab
>>> doc = Doc(Vocab(), words=["Lavrov", "llegó", "y", "aseguró", "que", "sí"],
...           heads=[1, 1, 3, 1, 5, 3], deps=["nsubj", "ROOT", "cc", "conj", "mark", "ccomp"],
...           lemmas=["Lavrov", "llegar", "y", "asegurar", "que", "sí"])
>>> own_subject(doc[3]) is None, inherited_subject(doc[3], SUBJECTS).text
(True, 'Lavrov')
"""

from __future__ import annotations

from typing import Collection

from spacy.tokens import Token

from crisol.text import fold

SUBJECTS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECTS = frozenset({"nsubj:pass", "nsubjpass", "csubj:pass", "csubjpass"})
# A verb without a subject of its own shares its head's through these relations ("llegó y
# aseguró que…", "…, adding that…").
SHARED_SUBJECT_DEPS = frozenset({"conj", "advcl", "xcomp"})
_RELATIVE_CLAUSES = ("relcl", "acl:relcl")
SUBJECT_SEARCH_DEPTH = 4  # verbs looked at for a subject: the verb and up to three above it


def lemma(tok: Token) -> str:
    """The lemma in lower case, accents kept (the word itself when the model gives no lemma).

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> lemma(Doc(Vocab(), words=["Señaló"], lemmas=["Señalar"])[0])
    'señalar'
    """
    return (tok.lemma_ or tok.text).lower()


def folded_lemma(tok: Token) -> str:
    """The lemma folded: lower case without accents (:func:`crisol.text.fold`).

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> folded_lemma(Doc(Vocab(), words=["Reunió"], lemmas=["Reunir"])[0])
    'reunir'
    """
    return fold(tok.lemma_ or tok.text)


def own_subject(verb: Token, labels: Collection[str] = SUBJECTS) -> Token | None:
    """The first child of ``verb`` whose label is in ``labels``, or None."""
    return next((c for c in verb.children if c.dep_ in labels), None)


def inherited_subject(verb: Token, labels: Collection[str]) -> Token | None:
    """The subject of ``verb`` (a child labelled in ``labels``; of two, the nearer), else the
    antecedent of a relative clause, else the subject of the verb it hangs from through
    coordination, an adverbial clause or control (:data:`SHARED_SUBJECT_DEPS`, or an infinitive
    parsed as ``ccomp``: "quiso recordar que…"), over at most :data:`SUBJECT_SEARCH_DEPTH` verbs.
    """
    seen = 0
    while seen < SUBJECT_SEARCH_DEPTH:
        subjects = [c for c in verb.children if c.dep_ in labels]
        if subjects:  # two subjects is a misparse; the nearer one is the subject
            return min(subjects, key=lambda c: abs(c.i - verb.i))
        if verb.dep_ in _RELATIVE_CLAUSES and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head  # "Lavrov, who said…" with no relative pronoun parsed
        infinitive = verb.dep_ == "ccomp" and "Inf" in verb.morph.get("VerbForm")
        if (verb.dep_ not in SHARED_SUBJECT_DEPS and not infinitive) or verb.head.i == verb.i:
            return None
        verb = verb.head
        seen += 1
    return None
