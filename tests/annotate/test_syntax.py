"""The shared parse readers of crisol.annotate.syntax, on parses built by hand (no model)."""

from __future__ import annotations

import doctest

from spacy.tokens import Doc
from spacy.vocab import Vocab

from crisol.annotate import syntax
from crisol.annotate.syntax import SUBJECTS, folded_lemma, inherited_subject, lemma, own_subject


def _doc(words, heads, deps, lemmas=None) -> Doc:
    return Doc(Vocab(), words=words, heads=heads, deps=deps, lemmas=lemmas or words)


def test_docstring_examples():
    result = doctest.testmod(syntax)
    assert result.failed == 0 and result.attempted > 0


def test_lemma_keeps_accents_folded_lemma_drops_them():
    tok = _doc(["Señaló"], [0], ["ROOT"], ["Señalar"])[0]
    assert (lemma(tok), folded_lemma(tok)) == ("señalar", "senalar")


def test_own_subject_reads_only_the_labels_asked_for():
    doc = _doc(["Kim", "fue", "recibido"], [2, 2, 2], ["nsubj:pass", "aux:pass", "ROOT"])
    assert own_subject(doc[2]) is None
    assert own_subject(doc[2], {"nsubj", "nsubj:pass"}).text == "Kim"


def test_inherited_subject_prefers_the_nearer_of_two_subjects():
    doc = _doc(["Kim", "Lavrov", "dijo"], [2, 2, 2], ["nsubj", "nsubj", "ROOT"])
    assert inherited_subject(doc[2], SUBJECTS).text == "Lavrov"


def test_inherited_subject_of_a_relative_clause_is_its_antecedent():
    doc = _doc(["Lavrov", ",", "dijo", "que"], [0, 0, 0, 2], ["ROOT", "punct", "relcl", "mark"])
    doc[0].pos_ = "PROPN"
    assert inherited_subject(doc[2], SUBJECTS).text == "Lavrov"


def test_inherited_subject_climbs_only_shared_relations_and_a_few_heads():
    # "Kim vino y dijo": "dijo" shares the subject; a clausal complement does not
    doc = _doc(
        ["Kim", "vino", "y", "dijo", "que", "llegó"],
        [1, 1, 3, 1, 5, 3],
        ["nsubj", "ROOT", "cc", "conj", "mark", "ccomp"],
    )
    assert inherited_subject(doc[3], SUBJECTS).text == "Kim"
    assert inherited_subject(doc[5], SUBJECTS) is None
    # "Kim v0 v1 v2 ...", each verb coordinated with the one before: the search gives up past
    # SUBJECT_SEARCH_DEPTH verbs (chain[k] is k - 1 heads below the verb with the subject)
    depth = syntax.SUBJECT_SEARCH_DEPTH
    words = ["Kim"] + [f"v{i}" for i in range(depth + 1)]
    chain = _doc(words, [1, 1] + list(range(1, depth + 1)), ["nsubj", "ROOT"] + ["conj"] * depth)
    assert inherited_subject(chain[depth], SUBJECTS).text == "Kim"
    assert inherited_subject(chain[depth + 1], SUBJECTS) is None
