"""The cross-article entity registry, on small articles written for these tests."""

from __future__ import annotations

import json

import pytest

from crisol.link import entities as entities_module
from crisol.link.entities import EntityRegistry, MatchContext, UnknownEntity
from crisol.model import Article, Mention


def article(article_id: str, *names: str, language: str = "es") -> Article:
    """An article whose mentions are ``"Name/LABEL[/role][/ISO3]"`` in text order."""
    mentions, text = [], ""
    for n, spec in enumerate(names):
        name, label, *rest = spec.split("/")
        start = len(text)
        text += name + ". "
        mentions.append(
            Mention(
                name,
                label,
                start,
                start + len(name),
                n,
                role=rest[0] if rest and rest[0] else None,
                country=rest[1] if len(rest) > 1 else None,
            )
        )
    return Article(
        id=article_id,
        source="test",
        raw=b"",
        raw_format="text",
        text=text,
        language=language,
        mentions=mentions,
    )


def ids(art: Article) -> dict[str, str | None]:
    return {m.text: m.entity_id for m in art.mentions}


def test_variants_across_articles_and_languages_merge():
    reg = EntityRegistry()
    es = article(
        "es1",
        "Kim Jong-un/PER",
        "Serguéi Shoigú/PER",
        "Pionyang/LOC",
        "Moscú/LOC",
        "Corea del Norte/LOC",
        "EE.UU./LOC",
    )
    en = article(
        "en1",
        "Kim Jong Un/PER",
        "Sergei Shoygu/PER",
        "Pyongyang/LOC",
        "Moscow/LOC",
        "North Korea/LOC",
        "US/LOC",
        language="en",
    )
    de = article("de1", "Kim Jongun/PER", "Moskau/LOC", "Nordkorea/LOC", "USA/LOC", language="de")
    for a in (es, en, de):
        reg.link(a)
    e, n, d = ids(es), ids(en), ids(de)
    assert e["Kim Jong-un"] == n["Kim Jong Un"] == d["Kim Jongun"]
    assert e["Serguéi Shoigú"] == n["Sergei Shoygu"]
    assert e["Pionyang"] == n["Pyongyang"]
    assert e["Moscú"] == n["Moscow"] == d["Moskau"]
    assert e["Corea del Norte"] == n["North Korea"] == d["Nordkorea"]
    assert e["EE.UU."] == n["US"] == d["USA"]
    north_korea = reg.get(e["Corea del Norte"])
    assert north_korea.country == "PRK" and north_korea.type == "LOC"
    assert north_korea.aliases == {"Corea del Norte": 1, "North Korea": 1, "Nordkorea": 1}
    assert reg.get(e["Moscú"]).country == "RUS"


def test_look_alikes_stay_apart():
    reg = EntityRegistry()
    a = article(
        "a",
        "Kim Jong-un/PER",
        "Kim Yo-jong/PER",
        "Kim Jong-il/PER",
        "Kim Il-sung/PER",
        "Raúl Castro/PER",
        "Fidel Castro/PER",
        "George Bush/PER",
        "George W. Bush/PER",
    )
    b = article("b", "Vladímir Putin/PER", "Vladimir/LOC", "Ali Khamenei/PER", "Ali Larijani/PER")
    reg.link(a)
    reg.link(b)
    assert len(set(ids(a).values())) == len(a.mentions)
    assert len(set(ids(b).values())) == len(b.mentions)
    assert reg.get(ids(b)["Vladimir"]).type == "LOC"


def test_short_forms_resolve_within_the_article():
    reg = EntityRegistry()
    a = article("a", "Serguéi Lavrov/PER", "Kim Jong-un/PER", "Lavrov/PER", "Kim/PER")
    reg.link(a)
    got = ids(a)
    assert got["Lavrov"] == got["Serguéi Lavrov"]
    assert got["Kim"] == got["Kim Jong-un"]
    reasons = {r.surface: r for r in reg.explain(got["Kim Jong-un"])}
    assert reasons["Kim"].rule == "short form in article"
    assert "Kim Jong-un" in reasons["Kim"].evidence


def test_an_ambiguous_short_form_is_not_guessed():
    reg = EntityRegistry()
    a = article("a", "Kim Jong-un/PER", "Kim Yo-jong/PER", "Kim/PER")
    reg.link(a)
    got = ids(a)
    assert got["Kim"] not in (got["Kim Jong-un"], got["Kim Yo-jong"])


def test_annotate_canonical_is_used_and_the_surface_kept():
    reg = EntityRegistry()
    a = article("a", "Kim Jong-un/PER", "Kim/PER")
    a.mentions[1].canonical = "Kim Jong-un"
    reg.link(a)
    entity = reg.get(a.mentions[0].entity_id)
    assert a.mentions[1].entity_id == entity.id
    assert entity.aliases == {"Kim Jong-un": 2, "Kim": 1}
    assert [r.rule for r in entity.merges] == ["short form in article"]


def test_a_fuller_name_vetoes_a_match_through_a_shorter_alias():
    reg = EntityRegistry()
    a = article("a", "Miguel Ángel Osorio Chong/PER", "Osorio Chong/PER", "Miguel Ángel/PER")
    reg.link(a)
    assert len({m.entity_id for m in a.mentions}) == 1
    b = article("b", "Miguel Ángel Mancera/PER")
    reg.link(b)
    assert b.mentions[0].entity_id != a.mentions[0].entity_id


def test_a_surname_typo_merges_only_with_context():
    reg = EntityRegistry()
    same_article = article("a", "Serguéi Lavrov/PER", "Pionyang/LOC", "Lavron/PER")
    reg.link(same_article)
    assert ids(same_article)["Lavron"] == ids(same_article)["Serguéi Lavrov"]
    assert reg.explain(ids(same_article)["Lavron"])[-1].rule == "typo with context"

    # Another article with the typo and shared neighbours: merged, citing them.
    with_context = article("b", "Serguéi Lavron/PER", "Pionyang/LOC")
    reg.link(with_context)
    assert ids(with_context)["Serguéi Lavron"] == ids(same_article)["Serguéi Lavrov"]
    reason = reg.explain(ids(same_article)["Serguéi Lavrov"])[-1]
    assert reason.rule == "typo with context" and "co-occurs with" in reason.evidence

    # The same typo with nothing around it is a different name.
    fresh = EntityRegistry()
    fresh.link(article("c", "Serguéi Lavrov/PER"))
    alone = article("d", "Serguéi Lavron/PER")
    fresh.link(alone)
    assert len(fresh) == 2


def test_same_role_confirms_a_weak_match():
    reg = EntityRegistry()
    reg.link(article("a", "Volodímir Zelenski/PER/head-of-state"))
    b = article("b", "Volodímir Zelenki/PER/head-of-state")
    reg.link(b)
    assert len(reg) == 1
    assert "same role" in reg.explain(b.mentions[0].entity_id)[-1].evidence


def test_lone_surname_crosses_articles_only_with_unique_context_support():
    reg = EntityRegistry()
    reg.link(article("a", "Emmanuel Macron/PER", "Raúl Castro/PER", "Fidel Castro/PER", "Elíseo/LOC"))
    b = article("b", "Macron/PER", "Castro/PER", "Elíseo/LOC")
    reg.link(b)
    macron = reg.get(b.mentions[0].entity_id)
    assert macron.name == "Emmanuel Macron"
    assert "co-occurs with" in macron.merges[-1].evidence
    assert reg.get(b.mentions[1].entity_id).name == "Castro"  # two Castros fit: not guessed
    alone = article("c", "Macron/PER")
    fresh = EntityRegistry()
    fresh.link(article("a", "Emmanuel Macron/PER"))
    fresh.link(alone)
    assert len(fresh) == 2  # nothing around it: a lone surname is not enough


def test_acronym_after_full_name_in_article():
    reg = EntityRegistry()
    a = article("a", "Partido Socialista Obrero Español/ORG", "PSOE/ORG")
    reg.link(a)
    assert a.mentions[0].entity_id == a.mentions[1].entity_id
    assert reg.explain(a.mentions[0].entity_id)[-1].rule == "acronym"


def test_organisation_aliases_across_languages():
    reg = EntityRegistry()
    a = article("a", "OTAN/ORG", "ONU/ORG", "KCNA/ORG")
    b = article("b", "NATO/ORG", "Naciones Unidas/ORG", "Korean Central News Agency/ORG")
    reg.link(a)
    reg.link(b)
    assert [m.entity_id for m in a.mentions] == [m.entity_id for m in b.mentions]
    assert reg.get(a.mentions[2].entity_id).role == "agency"


def test_demonym_links_to_its_country_through_the_gazetteer_code():
    reg = EntityRegistry()
    a = article("a", "Rusia/LOC", "rusos/NORP//RUS", "algo/NORP")
    reg.link(a)
    assert a.mentions[1].entity_id == a.mentions[0].entity_id
    assert a.mentions[2].entity_id is None


def test_country_and_role_are_voted_from_mentions():
    reg = EntityRegistry()
    reg.link(article("a", "Choe Son Hui/PER/foreign-minister/PRK"))
    b = article("b", "Choi Son Hee/PER/foreign-minister/PRK")
    reg.link(b)
    entity = reg.get(b.mentions[0].entity_id)
    assert (entity.country, entity.role, entity.articles) == ("PRK", "foreign-minister", {"a", "b"})
    assert entity.aliases == {"Choe Son Hui": 1, "Choi Son Hee": 1}


def test_match_does_not_change_the_registry():
    reg = EntityRegistry()
    reg.link(article("a", "Serguéi Lavrov/PER"))
    entity, reason = reg.match("Sergey Lavrov", "PER", MatchContext())
    assert entity is not None and reason.rule == "transliteration"
    assert "Sergey Lavrov" not in entity.aliases
    assert reg.match("Rusia", "LOC") == (None, None)


def test_every_merge_is_explained():
    reg = EntityRegistry()
    for art in (
        article("a", "Serguéi Lavrov/PER", "Lavrov/PER", "Moscú/LOC"),
        article("b", "Sergey Lavrov/PER", "Moscow/LOC"),
        article("c", "Sergej Lawrow/PER", "Moskau/LOC"),
    ):
        reg.link(art)
    for entity in reg.entities():
        unexplained = set(entity.aliases) - {r.surface for r in entity.merges}
        # Only the form the entity was created from (or the alias table's own name) needs none.
        assert len(unexplained) <= 1, unexplained
        assert all(r.into == entity.id and r.evidence for r in entity.merges)


def test_round_trip_through_a_plain_dict():
    reg = EntityRegistry()
    reg.link(article("a", "Serguéi Lavrov/PER/foreign-minister", "Lavrov/PER", "Moscú/LOC"))
    data = json.loads(json.dumps(reg.to_dict()))
    back = EntityRegistry.from_dict(data)
    assert [e.to_dict() for e in back.entities()] == [e.to_dict() for e in reg.entities()]
    b = article("b", "Sergey Lavrov/PER", "Moscow/LOC")
    back.link(b)
    assert len(back) == 2  # the rebuilt indexes still find both
    assert back.get(b.mentions[1].entity_id).aliases == {"Moscú": 1, "Moscow": 1}


def test_mentions_without_letters_are_left_unlinked():
    reg = EntityRegistry()
    a = article("a", "--/ORG", "Pionyang/LOC")
    reg.link(a)
    assert a.mentions[0].entity_id is None and len(reg) == 1


def test_unknown_ids_and_versions_are_named():
    reg = EntityRegistry()
    with pytest.raises(UnknownEntity, match="per:nobody"):
        reg.explain("per:nobody")
    with pytest.raises(Exception, match="version"):
        EntityRegistry.from_dict({"version": 99})


def test_candidates_come_from_indexes_not_a_scan():
    reg = EntityRegistry()
    reg.link(article("a", *[f"Persona{i} Apellido{i}/PER" for i in range(200)]))
    pn = entities_module.person_name("Sergei Lavrov")
    assert reg._person_candidates(pn) == set()


@pytest.mark.slow
def test_seed_articles_link_into_one_entity_per_person_and_place(shared):
    """The five seed articles, annotated for real: each person and place is one entity."""
    from crisol.annotate import annotate
    from crisol.text import fold_name

    reg = EntityRegistry()
    articles = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        art = Article(
            id=path.stem, source=str(path), raw=text.encode(), raw_format="text", text=text, language="es"
        )
        annotate(art)
        reg.link(art)
        articles.append(art)

    def entity_ids(predicate) -> set[str]:
        return {m.entity_id for a in articles for m in a.mentions if predicate(fold_name(m.text))}

    assert len(entity_ids(lambda t: t.startswith("kim jong"))) == 1
    assert len(entity_ids(lambda t: "lavrov" in t)) == 1
    assert len(entity_ids(lambda t: "putin" in t)) == 1
    assert len(entity_ids(lambda t: t in ("pionyang", "pyongyang"))) == 1
    assert len(entity_ids(lambda t: t in ("choe son hui", "choi son hee", "choe son-hui"))) == 1
    lavrov = reg.get(next(iter(entity_ids(lambda t: "lavrov" in t))))
    assert len(lavrov.articles) >= 3
    typos = [m for a in articles for m in a.mentions if fold_name(m.text) == "lavron"]
    assert all(m.entity_id == lavrov.id for m in typos)
    assert all(reg.get(i).type == "PER" for i in entity_ids(lambda t: t.startswith("kim")))


def test_a_merge_names_the_article_it_was_made_in():
    reg = EntityRegistry()
    a = article("a", "Serguéi Lavrov/PER", "Lavrov/PER")
    b = article("b", "Serguei Lavrov/PER")
    reg.link(a)
    reg.link(b)
    merges = {r.surface: r for r in reg.explain(ids(a)["Serguéi Lavrov"])}
    assert ids(b)["Serguei Lavrov"] == ids(a)["Lavrov"]
    assert (merges["Lavrov"].article, merges["Serguei Lavrov"].article) == ("a", "b")
    assert reg.get(ids(a)["Lavrov"]).to_dict()["merges"][0]["article"] == "a"  # what the store keeps
