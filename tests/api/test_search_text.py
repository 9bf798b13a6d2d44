"""The search module's text functions: folding, stemming, query parsing, snippets."""

from __future__ import annotations

from crisol.service.search import snippet_html
from crisol.store.search import _fts5, _tsquery, parse_query, snippet
from crisol.text import fold, stems


def test_fold_removes_accents_and_case_but_keeps_letters():
    assert fold("Ñandú ÁRBOL Çà") == "nandu arbol ca"


def test_spanish_and_english_stems_agree_across_inflections():
    assert stems("elecciones", "es") == stems("elección", "es") == stems("ELECCION", "es")
    assert stems("elections", "en") == stems("election", "en")
    assert stems("corriendo", "de") == "corriendo"  # unknown language: folded only


def test_snippet_escapes_the_article_and_marks_only_matches():
    text = 'Los <script>alert("x")</script> vecinos pidieron calles nuevas.'
    got = snippet(text, parse_query("vecino"), "es")
    assert got.text == text and [t for t, hit in got.pieces if hit] == ["vecinos"]
    cut = snippet_html(got)  # what the API answers
    assert "<script>" not in cut and "&lt;script&gt;" in cut
    assert "<mark>vecinos</mark>" in cut and cut.count("<mark>") == 1


def test_snippet_picks_the_window_with_most_matches():
    text = " ".join(["relleno"] * 60) + " la sequía y el riego " + " ".join(["relleno"] * 60)
    cut = snippet_html(snippet(text, parse_query("sequia riego"), "es", words=10))
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>sequía</mark>" in cut and "<mark>riego</mark>" in cut


def test_queries_are_quoted_so_user_text_never_becomes_syntax():
    q = parse_query('NEAR(a "b c" d*')
    expr = _fts5(q)
    assert expr == '("near a") AND ("b c") AND ("d"*)'  # NEAR(a is one token: a phrase
    assert expr.count('"') % 2 == 0 and "NEAR(" not in expr
    assert all(ch.isalnum() or ch in " ()|&<->:*_" for ch in _tsquery(q))
