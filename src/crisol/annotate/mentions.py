"""From a parsed Doc to clean :class:`~crisol.model.Mention` objects.

The steps, each a small function over plain data:

1. ``entity_spans``: entities of the Doc (gazetteer-set or "ner"-predicted) mapped to crisol's
   labels (PER, ORG, LOC, MISC); demonyms are added as NORP where no kept entity covers them;
2. ``trim``/``is_junk``: words that are not part of the name are cut off the edges ("Según
   Reuters", "El líder norcoreano", "Victoria habló"); spans of only function words, lone role
   words ("Presidente"), photo-credit words ("Foto"), and lone ordinary words capitalised only
   because they start a sentence or are shouted ("Víctimas", "SALUD") are dropped;
3. ``fix_label``: "ner" often calls a person MISC/ORG/LOC when the surname is unfamiliar
   ("Serguéi Shoigú"): a capitalised name starting with a known given name, or coming right after
   a role noun ("el ministro ruso Fulano Pérez"), is a person; a name headed by an institution
   word ("Ayuntamiento de Vigo", "el Gobierno") is an organisation; and a name right after
   "ministro de"/"Ministry of" is a ministry (ORG), not a place ("ministro de Exteriores");
   a label changed by these rules gets ``source="rule"``;
4. ``enrich``: a mention whose text is a gazetteer name gets its canonical name, country and role
   (and the gazetteer's label where "ner" disagreed: a known city is a place, not a person);
   ``title_role``: a person the gazetteer does not know gets role and country from the title
   before the name ("el ministro de Exteriores ruso, X" -> foreign-minister, RUS);
Placeholders, platforms and fragments are not people or organisations: a span holding a
placeholder of an anonymised corpus (``*NUMBER*``, ``[NAME]``, ``<URL>``) loses it or is dropped
(``without_placeholders``); a platform, app or social network (``resources/common/platforms.json``)
takes its label from that list, never PER or LOC (``platform``); an ORG or MISC span that is the
tail of a longer capitalised name ("Exteriores de Rusia" in "Ministerio de Asuntos Exteriores de
Rusia") is extended to the whole name (``whole_name``); a portfolio in a person's title ("el
ministro de Exteriores de Rusia") is that ministry only when the article names it in full, and
is dropped otherwise (``_portfolios``).

An NER says how it reads in ``doc.user_data[NER_READING]``. The accurate encoder reads each word
in context (``IN_CONTEXT``): steps 2 and 3 then keep crisol's conventions (lower-case words and
quote marks outside a name, no portfolio of a title as an entity, no shouted or left-over lone
common word) and leave out the repairs made for a model that reads a name by its shape (capitals
at a sentence start, stop words heading a name, lone MISC words, labels from head words and
given names). A student crisol trained (``STUDENT``) learnt its spans and labels from whole
sentences: the span and label repairs are left out, the lone-word filters stay (its window of a
few words cannot tell a lone capitalised common word from a name). The stock model sets nothing
and gets every repair.

5. ``resolve_short_forms``: a one-word "Lavrov" or "Kim" takes the canonical name, country and role
   of the full name it abbreviates in the same article, when only one full name fits;
   ``resolve_acronyms``: an acronym defined in the article ("Agencia Tributaria Federal (ATF)")
   takes the full name as canonical wherever it appears.

Character offsets always index the Doc's text, so ``text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Sequence

from spacy.tokens import Doc, Span

from crisol.annotate.actors import is_capital
from crisol.annotate.gazetteer import DEMONYM_SPANS, NOT_NAME_POS, Entry, Gazetteer, sentence_initial
from crisol.model import Mention, Sentence
from crisol.text import fold


def build_mentions(doc: Doc, gaz: Gazetteer, sentences: Sequence[Sentence] = ()) -> list[Mention]:
    """All entity mentions of ``doc``, cleaned, enriched and with short forms resolved."""
    starts = [s.start for s in sentences]
    marks = placeholder_tokens(doc)
    reading = doc.user_data.get(NER_READING)
    in_context = reading in (IN_CONTEXT, STUDENT)  # spans and labels as the NER read them
    words_in_context = reading == IN_CONTEXT  # lone words too
    kept: list[tuple[Span, str, str]] = []
    for span, label, source in entity_spans(doc, gaz):
        bare = without_placeholders(span, marks)
        trimmed = trim(bare, gaz, in_context) if bare is not None else None
        if trimmed is None or is_junk(trimmed, gaz, trimmed is not span, words_in_context):
            continue
        if source == "ner":
            fixed = fix_label(trimmed, label, gaz, in_context)
            label, source = fixed, ("rule" if fixed != label else source)
            whole = whole_name(trimmed, label, gaz)
            if whole is not None:
                trimmed, label, source = (
                    whole,
                    "ORG" if whole[0].lower_ in gaz.cues.org_heads else label,
                    "rule",
                )
        kept.append((trimmed, label, source))
    kept = _outermost(kept)
    kept, institutions = _portfolios(kept, gaz)
    taken = {i for span, _, _ in kept for i in range(span.start, span.end)}
    for span in doc.spans.get(DEMONYM_SPANS, []):
        if not taken.intersection(range(span.start, span.end)):
            kept.append((span, "NORP", "gazetteer"))
    mentions = []
    for span, label, source in sorted(kept, key=lambda k: k[0].start):
        sentence = max(0, bisect_right(starts, span.start_char) - 1)
        mention = Mention(
            text=span.text,
            label=label,
            start=span.start_char,
            end=span.end_char,
            sentence=sentence,
            source=source,
        )
        mention = platform(enrich(mention, gaz, span.kb_id_ or None, after_team_article(span, gaz)))
        if span.start in institutions:
            mention = replace(mention, canonical=institutions[span.start])
        if mention.label == "PER" and mention.role is None:
            role, country = title_role(span, gaz)
            mention = replace(mention, role=role, country=mention.country or country)
        mentions.append(mention)
    return resolve_acronyms(resolve_short_forms(split_coordinated(mentions, doc)), doc.text)


# How the NER that set the Doc's entities reads, in ``doc.user_data[NER_READING]`` (nothing: by
# a name's shape, as the stock model does).
#
# IN_CONTEXT: it reads every word in its sentence and the sentences around it (the accurate
# encoder). The repairs made for a model that reads a name by its shape are then left out: a
# capital at a sentence start ("Blanco dijo", "Del Olmo recordó"), a stop word heading the span,
# a lone common word labelled MISC ("el Giro") and a label guessed from the head word or a given
# name are the context's call. crisol's conventions stay: lower-case words and quote marks are
# outside a name, a portfolio in a title is none, nor is a lone word capitalised by shouting or
# left over from a trimmed span.
#
# STUDENT: a spaCy NER crisol trained (``crisol train ner-fast``) on whole sentences, most often
# the encoder's labels: its spans and labels are left as read (measured on esp.testa and our
# news set, both gain), but it sees four words either side, so the lone-word filters stay (read
# in context, they cost our news set: lone portfolios as MISC are CoNLL's habit, not ours).
NER_READING = "crisol_ner_reading"
IN_CONTEXT = "context"
STUDENT = "student"


# 1. Raw spans -----------------------------------------------------------------------------------


def entity_spans(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, str, str]]:
    """(span, crisol label, source) for each entity of the Doc crisol keeps a label for.

    A gazetteer span takes its entry's label, unless an NER that read the context labelled it an
    organisation and the entry is a city: then it is a club or firm named after the city (see
    :func:`named_after_city`), an organisation from the NER.
    """
    found = []
    for ent in doc.ents:
        label = gaz.cues.label_map.get(ent.label_)
        entry = gaz.entries.get(ent.kb_id_)
        if entry is not None and not named_after_city(entry, label, after_team_article(ent, gaz)):
            found.append((ent, entry.label, "gazetteer"))
        elif label is not None:  # None: dates, numbers, money (the dates component's business)
            found.append((ent, label, "ner"))
    return found


# 1b. Placeholders ---------------------------------------------------------------------------------

# What anonymised corpora put in place of numbers, names, links: an all-caps word between
# asterisks or underscores, or in brackets ("*NUMBER*", "__NAME__", "[PERSON]", "<URL>", "{EMAIL}").
# Markdown bold ("**ONU**") is emphasis, not a placeholder: one asterisk only.
PLACEHOLDER = re.compile(
    r"(?<![\w*])(?:\*[A-Z][A-Z0-9_]+\*(?!\*)|_{1,2}[A-Z][A-Z0-9_]*[A-Z0-9]_{1,2}|\[[A-Z][A-Z0-9_]+\]"
    r"|<[A-Z][A-Z0-9_]+>|\{{1,2}[A-Z][A-Z0-9_]+\}{1,2})"
)


def placeholder_tokens(doc: Doc) -> frozenset[int]:
    """Indexes of the tokens that overlap a placeholder of ``doc``'s text.

    >>> import spacy
    >>> doc = spacy.blank("es")("Tenía *NUMBER* años y vivía en [CITY].")
    >>> [doc[i].text for i in sorted(placeholder_tokens(doc))]
    ['*', 'NUMBER', '*', '[', 'CITY', ']']
    """
    found: set[int] = set()
    for m in PLACEHOLDER.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None:
            found.update(range(span.start, span.end))
    return frozenset(found)


def without_placeholders(span: Span, marks: frozenset[int]) -> Span | None:
    """``span`` with placeholder tokens (and the punctuation beside them) cut off its edges;
    None when one is left inside ("Clausura *NUMBER* de Lima" names nothing known)."""
    if not marks or not marks.intersection(range(span.start, span.end)):
        return span
    doc, start, end = span.doc, span.start, span.end
    while start < end and (start in marks or doc[start].is_punct):
        start += 1
    while end > start and (end - 1 in marks or doc[end - 1].is_punct):
        end -= 1
    if start >= end or marks.intersection(range(start, end)):
        return None
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id)


# 2. Junk ---------------------------------------------------------------------------------------


# spaCy's Spanish stop list holds content words too ("estado", "medio", "gran", "nueva", "buenos",
# "uso"): tagged as one of these, a stop word is a word of the name ("Estado de Israel", "Medio
# Ambiente", "Nueva Orleans", "Buenos Aires"), not a function word to cut off.
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})


def _function_word(token, gaz: Gazetteer) -> bool:
    lower = token.lower_
    stop = token.is_stop and token.pos_ not in CONTENT_POS
    return (stop or lower in gaz.cues.junk_words or token.is_punct) and lower not in gaz.cues.name_articles


def _lower_word(token) -> bool:
    return token.is_alpha and not token.text[:1].isupper()


def _drop_outside_name(tokens, gaz: Gazetteer, person: bool = False) -> bool:
    """Whether the first token is outside the name by crisol's conventions: a lower-case word or
    punctuation ("la amenaza de una Tercera Guerra Mundial", "calle Mayor"), or an article before
    a lower-case word or an institution ("El encuentro", "El Gobierno"; but "El Salvador").
    ``person`` is :func:`_drop_first`'s; a capitalised particle stays here anyway."""
    first = tokens[0]
    if first.is_space or first.is_punct or _lower_word(first):
        return True
    if first.lower_ in gaz.cues.name_articles:
        return len(tokens) > 1 and (_lower_word(tokens[1]) or tokens[1].lower_ in gaz.cues.org_heads)
    return False


def _drop_first(tokens, gaz: Gazetteer, person: bool = False) -> bool:
    """Whether the first token of a candidate span is not part of the name (``person``: the span
    is labelled a person): outside it by convention (:func:`_drop_outside_name`), or a function
    word, or a verb or adverb capitalised by its place at a sentence start."""
    first = tokens[0]
    if person and _surname_particle(tokens, gaz):
        return False  # "Del Olmo", "De Palacio", "De la Vega", even at a sentence start
    if first.is_space or first.is_punct or _lower_word(first) or first.lower_ in gaz.cues.name_articles:
        return _drop_outside_name(tokens, gaz)
    if first.pos_ in NOT_NAME_POS and sentence_initial(first):
        return True
    if first.text in gaz.first_names and len(tokens) > 1 and tokens[1].text[:1].isupper():
        return False  # "Julio Paris", "Abril Medina": a given name that is also a month
    return _function_word(first, gaz)  # "Según Reuters", "Durante Pionyang"


def _surname_particle(tokens, gaz: Gazetteer) -> bool:
    """A capitalised "De"/"Del" heading a family name: the next word but articles is capitalised."""
    first = tokens[0]
    if first.lower_ not in gaz.cues.name_connectors or first.lower_ in gaz.cues.name_articles:
        return False
    rest = [t for t in tokens[1:] if t.lower_ not in gaz.cues.name_articles]
    return first.text[:1].isupper() and bool(rest) and rest[0].text[:1].isupper()


def _drop_last(token, gaz: Gazetteer) -> bool:
    """Trailing words that are not part of the name: "Victoria habló", "Juan Carlos I. El"."""
    if token.is_space or _lower_word(token):
        return True
    if token.is_punct:
        return token.text not in ".)"
    return token.lower_ in gaz.cues.name_articles or (
        token.is_stop and token.pos_ not in CONTENT_POS and token.text[:1].isupper() and len(token) < 4
    )


def _known_name(text: str, gaz: Gazetteer) -> bool:
    """A gazetteer name, also in the capitals of a headline ("LIBANO" is Líbano)."""
    return gaz.lookup(text) is not None or gaz.lookup_shouted(text) is not None


def trim(span: Span, gaz: Gazetteer, in_context: bool = False) -> Span | None:
    """Cut words that are not part of the name at both edges of a "ner" span.

    Leading: lower-case words, function words, an article before a lower-case word
    ("El líder norcoreano" -> nothing left; "Según Reuters" -> "Reuters"); ``in_context`` (see
    :data:`NER_READING`), only lower-case words and punctuation, and an article before a
    lower-case word. Trailing: lower-case words and punctuation ("Victoria habló" -> "Victoria").
    Gazetteer spans are kept as matched.
    """
    if span.kb_id_:
        return span
    doc, start, end = span.doc, span.start, span.end
    person = gaz.cues.label_map.get(span.label_) == "PER"
    drop_first = _drop_outside_name if in_context else _drop_first
    while start < end and drop_first(doc[start:end], gaz, person):
        if _known_name(doc[start:end].text, gaz):
            break  # "El Salvador", "La Paz": the whole is a known name
        start += 1
    while end > start and _drop_last(doc[end - 1], gaz):
        end -= 1
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id)


def is_junk(span: Span, gaz: Gazetteer, was_trimmed: bool = False, in_context: bool = False) -> bool:
    """Spans that name nothing: only function words, a lone role word, a lone lower-case word,
    or a lone ordinary word left over from a longer junk span ("El ministro de Defensa" ->
    "Defensa"), labelled MISC, shouted or capitalised only by its place at a sentence start (this
    last one not when the NER read it ``in_context``: see :data:`NER_READING`)."""
    if span.kb_id_:
        return False
    words = [t for t in span if not t.is_punct and not t.is_space]
    if not words:
        return True
    if all(_function_word(t, gaz) or t.lower_ in gaz.cues.role_nouns for t in words):
        return True
    if len(words) == 1:
        word = words[0]
        if not word.text[:1].isupper() and not word.text[:1].isdigit():
            return True  # "ner" tagging a lower-case common word
        if word.lower_ in gaz.cues.org_heads or _known_name(word.text, gaz):
            return False  # "el Gobierno", "el Ejército": an institution; or a known name ("SERBIA")
        # A capital at a sentence start says nothing: "Noticia", "Críticas" are ordinary words;
        # nor do capitals in a shouted word ("SALUD").
        shouted = word.text.isupper() and len(word) > 3
        initial = sentence_initial(word) and not in_context
        misc = span.label_ == "MISC" and (not in_context or _after_title_noun(span, gaz))
        if _is_common(word, gaz) and (was_trimmed or misc or shouted or initial):
            return True
        if sentence_initial(word) and word.lower_.endswith(tuple(gaz.cues.adverb_suffixes)):
            return True  # "Específicamente, ..."
    return not any(ch.isalpha() for ch in span.text)


def _is_common(token, gaz: Gazetteer) -> bool:
    """An ordinary word of the language, also in the plural ("Víctimas", "Profesionales")."""
    lower, words = token.lower_, gaz.common_words
    return (
        lower in words
        or token.lemma_.lower() in words
        or (lower.endswith("s") and (lower[:-1] in words or lower[:-2] in words))
    )


# 3. Persons the model missed ---------------------------------------------------------------------


def fix_label(span: Span, label: str, gaz: Gazetteer, in_context: bool = False) -> str:
    """Correct the model's label where the context is clear: persons, then ministries; only
    ministries ``in_context`` (see :data:`NER_READING`)."""
    if in_context:
        return "ORG" if label in ("LOC", "MISC", "PER") and _after_portfolio_noun(span, gaz) else label
    label = fix_person(span, label, gaz)
    if label in ("LOC", "MISC", "PER") and span[0].lower_ in gaz.cues.org_heads:
        return "ORG"  # "Ayuntamiento de Vigo", "Gobierno", "Ministry of Defence"
    if label == "PER" and span[0].text in gaz.first_names:
        return label
    return "ORG" if label in ("LOC", "MISC", "PER") and _after_portfolio_noun(span, gaz) else label


def _after_portfolio_noun(span: Span, gaz: Gazetteer) -> bool:
    """'ministro de Exteriores', 'Ministry of Defence', 'ministra alemana de Cooperación': the
    span names a ministry, not a place or a person."""
    return _after_title_noun(span, gaz, gaz.cues.portfolio_nouns)


def _after_title_noun(span: Span, gaz: Gazetteer, nouns: frozenset[str] | None = None) -> bool:
    """The span follows '<noun> de' (a demonym may come between: 'ministra alemana de'), the noun
    one of ``nouns`` (default: a portfolio or role noun: 'consejero de Sanidad')."""
    nouns = nouns if nouns is not None else gaz.cues.portfolio_nouns | gaz.cues.role_nouns
    doc, i = span.doc, span.start
    if i < 2 or doc[i - 1].lower_ not in gaz.cues.name_connectors or gaz.lookup(span.text):
        return False
    before = doc[i - 2]
    entry = gaz.lookup(before.text)
    if i >= 3 and entry is not None and entry.kind == "demonym":  # "ministra alemana de"
        before = doc[i - 3]
    return before.lower_ in nouns


def fix_person(span: Span, label: str, gaz: Gazetteer) -> str:
    """PER for 'Given Surname' spans the model labelled MISC/ORG/LOC (see module doc)."""
    if label == "PER" or gaz.lookup(span.text) is not None:
        return label
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 4 or not all(t.text[:1].isupper() for t in words):
        return label
    if words[0].text in gaz.first_names or _after_role_noun(span, gaz):
        return "PER"
    return label


def _after_role_noun(span: Span, gaz: Gazetteer) -> bool:
    """'el ministro ruso Serguéi Shoigú', 'secretario general, Fulano Pérez'."""
    doc = span.doc
    for token in reversed(doc[max(0, span.start - 4) : span.start]):
        if token.lower_ in gaz.cues.role_nouns:
            return True
        entry = gaz.lookup(token.text)
        if not (token.text in {",", "-"} or (entry and entry.kind == "demonym")):
            return False
    return False


# 3a. Fragments of longer names -------------------------------------------------------------------


def whole_name(span: Span, label: str, gaz: Gazetteer) -> Span | None:
    """The whole capitalised name an ORG or MISC span is the tail of, or None when it is not one.

    "Exteriores de Rusia" in "el Ministerio de Asuntos Exteriores de Rusia" -> "Ministerio de
    Asuntos Exteriores de Rusia": the name goes on to the left through capitalised words and the
    connectors between them ("de", "del"). A sentence-initial capital is part of it only when it
    heads an institution ("Ministerio ..."), a role noun ("Presidente") never. Nor does it take in
    another entity of the Doc: "Servicio de Cardiología del Hospital Central", read by the NER as
    two names, stays two.
    """
    if label not in ("ORG", "MISC") or gaz.lookup(span.text) is not None:
        return None
    doc, start = span.doc, span.start
    others = {i for e in doc.ents if not e.start <= span.start < e.end for i in range(e.start, e.end)}
    i = start - 1
    while i >= 0 and i not in others:
        token = doc[i]
        if _name_word(token, gaz):
            start = i
        elif not (token.lower_ in gaz.cues.name_connectors and i > 0 and _name_word(doc[i - 1], gaz)):
            break
        i -= 1
    return Span(doc, start, span.end, label=span.label) if start < span.start else None


def _name_word(token, gaz: Gazetteer) -> bool:
    """A word that can be part of a name to the left of a fragment."""
    if not token.is_alpha or not token.text[:1].isupper() or token.lower_ in gaz.cues.role_nouns:
        return False
    if _function_word(token, gaz):
        return False
    return not sentence_initial(token) or token.lower_ in gaz.cues.org_heads


def _portfolios(
    kept: list[tuple[Span, str, str]], gaz: Gazetteer
) -> tuple[list[tuple[Span, str, str]], dict[int, str]]:
    """A portfolio in a title ("el ministro de Exteriores de Rusia, Fulano") is part of a person's
    title, not an organisation: it stays only when the article names the institution in full
    ("Ministerio de Asuntos Exteriores de Rusia" ends with "Exteriores de Rusia"), and then it is
    that institution (the returned map: span start -> full name)."""
    full_names = [
        (fold(span.text), span.text)
        for span, label, _ in kept
        if label == "ORG" and span[0].lower_ in gaz.cues.org_heads
    ]
    out, institutions = [], {}
    for span, label, source in kept:
        if label == "ORG" and source != "gazetteer" and _after_portfolio_noun(span, gaz):
            tail = fold(span.text)
            full = next((text for folded, text in full_names if folded.endswith(" " + tail)), None)
            if full is None:
                continue
            institutions[span.start] = full
        out.append((span, label, source))
    return out, institutions


def _outermost(kept: list[tuple[Span, str, str]]) -> list[tuple[Span, str, str]]:
    """Spans not overlapping a longer one (a fragment extended to its whole name covers the
    spans the model found inside that name)."""
    by_length = sorted(kept, key=lambda k: k[0].start - k[0].end)
    taken: set[int] = set()
    out = []
    for span, label, source in by_length:
        if not taken.intersection(range(span.start, span.end)):
            taken.update(range(span.start, span.end))
            out.append((span, label, source))
    return out


# 3b. Roles from titles ------------------------------------------------------------------------------

# Titles that say which office only together with a country ("el presidente ruso", not "el
# presidente del club").
NEEDS_COUNTRY = frozenset({"head-of-state", "head-of-government"})
APPOSITION = frozenset({",", "-", "—", "–", ":"})


def title_role(span: Span, gaz: Gazetteer) -> tuple[str | None, str | None]:
    """(role, country ISO3) from a title right before a person's name.

    "el ministro de Exteriores ruso, Serguéi Lavrov" -> ("foreign-minister", "RUS");
    "Russian President Vladimir Putin" -> ("head-of-state", "RUS"); "el presidente del club,
    Fulano" -> (None, None): a head-of-state title needs a country beside it.
    """
    window = list(span.doc[max(0, span.start - 9) : span.start])
    while window and window[-1].text in APPOSITION:
        window.pop()
    country, window = _strip_country(window, gaz)
    words = [t.lower_ for t in window]
    for n in range(min(5, len(words)), 0, -1):
        role = gaz.cues.role_phrases.get(" ".join(words[-n:]))
        if role is None:
            continue
        if len(window) > n and window[-n - 1].lower_ in gaz.cues.role_negators:
            return None, country  # "Deputy Foreign Minister", "el ex presidente": not the office
        if country is None and len(window) > n:  # English order: "Russian Foreign Minister"
            entry = gaz.lookup(window[-n - 1].text)
            country = entry.country if entry and entry.kind in ("demonym", "country") else None
        if role in NEEDS_COUNTRY and country is None:
            return None, None
        return role, country
    return None, None


def _strip_country(window: list, gaz: Gazetteer) -> tuple[str | None, list]:
    """Take a trailing demonym ("ruso") or "de Rusia" / "of Russia" off the window."""
    if window:
        entry = gaz.lookup(window[-1].text)
        if entry and entry.kind == "demonym":
            return entry.country, window[:-1]
    for n in (3, 2, 1):
        if len(window) > n and window[-n - 1].lower_ in ("de", "del", "of"):
            doc = window[0].doc
            entry = gaz.lookup(doc[window[-n].i : window[-1].i + 1].text)
            if entry and entry.kind == "country":
                return entry.country, window[: -n - 1]
    return None, window


# 4. Gazetteer knowledge -------------------------------------------------------------------------


def enrich(mention: Mention, gaz: Gazetteer, key: str | None, team_article: bool = False) -> Mention:
    """Fill canonical/country/role from the gazetteer entry the mention was matched to, if any
    (``team_article``: see :func:`named_after_city`)."""
    entry = gaz.entries.get(key) if key else None
    if entry is not None and named_after_city(entry, mention.label, team_article):
        return mention  # the club, not the city its name comes from: no canonical, no country
    if entry is None and mention.text not in gaz.gated:
        entry = gaz.lookup(mention.text)
    if entry is None and len(mention.text) > 3:
        # A dateline in capitals ("MOSCÚ (EFE) -", "PERU -"): the place under its usual spelling.
        place = gaz.lookup_shouted(mention.text)
        entry = place if place and place.kind in ("city", "country", "region") else None
    if entry is None:
        return mention
    if entry.kind == "demonym":
        return replace(mention, country=entry.country)
    label = entry.label if entry.label in ("PER", "ORG", "LOC") else mention.label
    return replace(mention, label=label, canonical=entry.canonical, country=entry.country, role=entry.role)


def named_after_city(entry: Entry, label: str | None, team_article: bool = False) -> bool:
    """A city's name the NER read as an organisation: a club, a team or a firm named after the
    city ("el Valencia ganó", "el Elche"), not the city. A country or a capital stays a place even
    when it plays or stands for its government ("España ganó", "Moscú y Pekín niegan"): crisol's
    convention for news; but a capital after an article only a team takes (``team_article``,
    "el Madrid jugará", "al Roma") is the club too."""
    if entry.kind != "city" or label != "ORG":
        return False
    return team_article or not is_capital(entry.canonical, entry.country)


def after_team_article(span: Span, gaz: Gazetteer) -> bool:
    """The word before ``span`` is an article a city's name takes only as a team's ("el
    Madrid", "del Roma"; resources/<lang>/gazetteer_cues.json ``team_articles``)."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in gaz.cues.team_articles


@lru_cache(maxsize=1)
def _platforms() -> dict[str, tuple[str, str]]:
    """Folded platform name -> (name, label), from resources/common/platforms.json."""
    path = resources.files("crisol") / "resources" / "common" / "platforms.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["platforms"]
    return {fold(r["name"]): (r["name"], r["label"]) for r in rows}


def platform(mention: Mention) -> Mention:
    """A platform, app or social network takes its own label and spelling: "WhatsApp" is not a
    person, "WHATSAPP" is the same thing.

    >>> platform(Mention("WHATSAPP", "PER", 0, 8, 0)).label, platform(Mention("WHATSAPP", "PER", 0, 8, 0)).canonical
    ('ORG', 'WhatsApp')
    """
    found = _platforms().get(fold(mention.text))
    if found is None or mention.label == found[1] and mention.canonical == found[0]:
        return mention
    name, label = found
    return replace(mention, label=label, canonical=name, source="rule", role=None)


# 5. Short forms ---------------------------------------------------------------------------------


def _name_parts(text: str) -> list[str]:
    return [fold(p) for p in text.replace("-", " ").split()] if text else []


def split_coordinated(mentions: list[Mention], doc: Doc) -> list[Mention]:
    """ "Vogelsang y Quispe" taken by "ner" as one name is two people when each side is the family
    name of a person the article names in full (a double surname, "Ortega y Gasset", is never
    one of two people named apart).
    """
    surnames = {
        _name_parts(m.text)[-1] for m in mentions if m.label == "PER" and len(_name_parts(m.text)) >= 2
    }
    out = []
    for m in mentions:
        span = doc.char_span(m.start, m.end) if m.source != "gazetteer" else None
        if span is None or len(span) != 3 or span[1].pos_ != "CCONJ":
            out.append(m)
            continue
        left, right = span[0], span[2]
        if not {fold(left.text), fold(right.text)} <= surnames:
            out.append(m)
            continue
        for side in (left, right):
            out.append(
                replace(
                    m, text=side.text, label="PER", start=side.idx, end=side.idx + len(side), source="rule"
                )
            )
    return out


def resolve_short_forms(mentions: list[Mention]) -> list[Mention]:
    """A one-word mention takes the identity of the full name it abbreviates in the article.

    The full name may come later too (headlines say "Lavrov" before the body's "Serguéi
    Lavrov"); a word that fits two different full names ("Kim" with Kim Jong-un and Kim Yo-jong)
    is left alone.

    >>> ms = [Mention("Serguéi Lavrov", "PER", 0, 14, 0), Mention("Lavrov", "MISC", 30, 36, 1)]
    >>> resolve_short_forms(ms)[1].canonical, resolve_short_forms(ms)[1].label
    ('Serguéi Lavrov', 'PER')
    """
    full_names = [m for m in mentions if m.label == "PER" and len(_name_parts(m.text)) >= 2]
    out: list[Mention] = []
    for mention in mentions:
        full = _unique_full_name(mention, full_names) if " " not in mention.text.strip() else None
        if full is not None:
            canonical = full.canonical or full.text
            if mention.canonical and fold(mention.canonical) != fold(canonical):
                # The article's own full name beats the gazetteer's guess for a bare surname
                # ("Andrei Medvedev ... Medvedev" is not Dmitry Medvedev).
                mention = replace(mention, country=None, role=None)
            mention = replace(
                mention,
                label="PER",
                canonical=canonical,
                country=mention.country or full.country,
                role=mention.role or full.role,
            )
        out.append(mention)
    return out


def _unique_full_name(mention: Mention, full_names: list[Mention]) -> Mention | None:
    if mention.label not in ("PER", "MISC", "ORG", "LOC"):
        return None
    word = fold(mention.text)
    # A known place stays a place, unless it is the family name of a person the article names in
    # full ("Álvaro Medina ... Medina" is not the city of Medina).
    known_place = mention.source == "gazetteer" and mention.label != "PER"
    fits: dict[str, Mention] = {}
    for m in full_names:
        parts = _name_parts(m.text)
        if word == parts[-1] or (word == parts[0] and not known_place):
            fits.setdefault(fold(m.canonical or m.text), m)
    return next(iter(fits.values())) if len(fits) == 1 else None


def resolve_acronyms(mentions: list[Mention], text: str) -> list[Mention]:
    """Every mention of an acronym the article defines as "Full Name (ACRONYM)" gets its identity.

    >>> t = "La Oficina Federal de Estadística (OFE) publicó datos. La OFE no dio más detalles."
    >>> ms = [Mention("Oficina Federal de Estadística", "ORG", 3, 33, 0), Mention("OFE", "ORG", 35, 38, 0),
    ...       Mention("OFE", "ORG", 60, 63, 1)]
    >>> [m.canonical for m in resolve_acronyms(ms, t)]
    [None, 'Oficina Federal de Estadística', 'Oficina Federal de Estadística']
    """
    defined: dict[str, Mention] = {}
    for full, short in zip(mentions, mentions[1:]):
        between, after = text[full.end : short.start], text[short.end : short.end + 1]
        if (
            short.text.isupper()
            and " " not in short.text
            and " " in full.text.strip()
            and between.strip() == "("
            and after == ")"
            and full.label in ("ORG", "MISC", "LOC")
        ):
            defined.setdefault(short.text, full)
    if not defined:
        return mentions
    out = []
    for m in mentions:
        full = defined.get(m.text)
        if full is not None and m.canonical is None:
            m = replace(
                m,
                label=full.label,
                canonical=full.canonical or full.text,
                country=m.country or full.country,
                role=m.role or full.role,
            )
        out.append(m)
    return out
