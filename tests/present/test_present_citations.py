"""Summary citations: a line cites the articles that say the same thing, not those on its topic;
sources are labelled from the stored relations, and an agency credit is shown apart.

Every sentence here is invented for the test (a school rebuilding fund after a quake in Chile).
"""

from __future__ import annotations

from crisol.link.dedup import Relation
from crisol.present import present_story, render_text
from crisol.present.groups import build
from crisol.present.sources import detect_agency
from crisol.present.summary import says_same

FUND = "El Gobierno de Chile aprobó este lunes un fondo de 300 millones de dólares para reconstruir las escuelas dañadas por el terremoto de Chillán."
FUND_SAID_AGAIN = "El Ejecutivo chileno aprobó el lunes un fondo de 300 millones de dólares destinado a reconstruir las escuelas afectadas por el terremoto de Chillán."
SAME_TOPIC = "El Gobierno de Chile anunció que las clases se reanudarán en marzo en las escuelas dañadas por el terremoto de Chillán."
FUND_EN = "Chile's government on Monday approved a $300 million fund to rebuild schools damaged by the Chillán earthquake."


def _article(make_article, aid: str, sentences: list[str], language: str = "es", **extra):
    return make_article(
        {"id": aid, "outlet": f"Outlet {aid}", "language": language, "sentences": sentences, **extra}
    )


def test_a_paraphrase_says_the_same_a_related_sentence_does_not(make_article):
    arts = [
        _article(make_article, "a", [FUND]),
        _article(make_article, "b", [FUND_SAID_AGAIN]),
        _article(make_article, "c", [SAME_TOPIC]),
        _article(make_article, "e", [FUND_EN], "en"),
    ]
    story = build(arts)
    assert says_same(story, ("a", 0), ("b", 0), "es", "es")
    assert not says_same(story, ("a", 0), ("c", 0), "es", "es")
    assert says_same(story, ("a", 0), ("e", 0), "es", "en")  # a translation: close, and the same number


def test_summary_line_cites_paraphrases_only(make_article):
    arts = [
        _article(make_article, "a", [FUND, "Las obras empezarán en abril en la región de Ñuble."]),
        _article(make_article, "b", [FUND_SAID_AGAIN, "La oposición pidió más control sobre los contratos."]),
        _article(make_article, "c", [SAME_TOPIC, "Los sindicatos docentes reclamaron aulas provisionales."]),
    ]
    story = present_story("s", arts, [])
    fund = [line for line in story["summary"] if "300 millones" in line["text"]]
    assert len(fund) == 1
    assert set(fund[0]["citations"]) == {"a", "b"}
    assert set(fund[0]["sentence"]) == {"a", "b"}
    classes = [line for line in story["summary"] if "reanudarán" in line["text"]]
    assert all(line["citations"] == ["c"] for line in classes)


def test_sources_labelled_from_relations_not_agency_credits(make_article):
    wire = {"removed": [{"text": "Por Redacción / EFE", "reason": "byline"}]}
    arts = [
        _article(make_article, "orig", [FUND], published="2026-03-02T08:00:00", **wire),
        _article(make_article, "other", [FUND_SAID_AGAIN], published="2026-03-02T09:00:00", **wire),
        _article(make_article, "copy", [FUND], published="2026-03-02T10:00:00"),
    ]
    story = present_story("s", arts, [Relation("orig", "copy", "rewrite", 0.83)])
    by_id = {s["id"]: s for s in story["sources"]}
    assert by_id["copy"]["copy_of"] == {"id": "orig", "kind": "rewrite", "score": 0.83}
    # "other" runs the same EFE story: one independent source with "orig", yet no copy of it
    assert by_id["other"]["origin"] == "orig" and by_id["other"]["copy_of"] is None
    assert by_id["other"]["agency"] == "EFE" and by_id["orig"]["copy_of"] is None
    text = render_text(story)
    assert "(rewrite of Outlet orig)" in text and "[credits EFE]" in text
    assert "rewrite of Outlet orig" not in next(line for line in text.splitlines() if "Outlet other" in line)


def test_story_page_labels_relation_and_credit(make_article):
    from crisol.present.render import labels
    from crisol.web.app import templates
    from crisol.web.views import Urls

    wire = {"removed": [{"text": "Por Redacción / EFE", "reason": "byline"}]}
    arts = [
        _article(make_article, "orig", [FUND], **wire),
        _article(make_article, "other", [FUND_SAID_AGAIN], **wire),
        _article(make_article, "copy", [FUND]),
    ]
    view = present_story("s", arts, [Relation("orig", "copy", "near-duplicate", 0.93)])
    html = (
        templates()
        .env.get_template("story.html")
        .render(
            u=Urls(""),
            lang="en",
            story=view,
            names=labels(view),
            sources={s["id"]: s for s in view["sources"]},
            alignments=[],
            timeline=None,
            event_sentences={},
        )
    )
    assert "Rewrite or copy of" not in html
    assert html.count("Near-duplicate of") == 1 and html.count("Credits EFE") == 2


def test_agency_named_for_one_claim_is_not_the_origin(make_article):
    body = "\n".join(
        [
            "El Gobierno de Chile aprobó un fondo para las escuelas.",
            "«Es una prioridad», dijo la ministra, según la agencia EFE.",
            "Las obras empezarán en abril.",
        ]
    )
    a = make_article({"id": "x", "language": "es", "sentences": [body]})
    assert detect_agency(a) is None
    credited = "\n".join(
        [
            "El Gobierno de Chile aprobó un fondo para las escuelas, informa Europa Press.",
            "Las obras empezarán en abril.",
            "La oposición pidió más control.",
        ]
    )
    assert (
        detect_agency(make_article({"id": "y", "language": "es", "sentences": [credited]})) == "Europa Press"
    )
    en = "\n".join(
        [
            "Chile approved a school fund.",
            '"It is a priority," the minister said, according to the Spanish news agency EFE.',
            "Works start in April.",
        ]
    )
    assert detect_agency(make_article({"id": "z", "language": "en", "sentences": [en]})) is None


OPENS = "«Las escuelas dañadas por el terremoto abrirán en marzo con aulas provisionales."
CLOSES = "No habrá más retrasos en las obras», aseguró la ministra de Educación de Chile en Santiago."
NEVER_CLOSED = "«El plan llega tarde para miles de familias del sur del país, que esperan desde enero."


def test_summary_lines_are_whole_sentences_with_balanced_quotes(make_article):
    # stored sentences (an older splitter's) that cut a quotation after its first sentence
    arts = [
        _article(make_article, aid, [OPENS, CLOSES, FUND if aid == "a" else FUND_SAID_AGAIN, NEVER_CLOSED])
        for aid in ("a", "b")
    ]
    story = present_story("s", arts, [])
    texts = [line["text"] for line in story["summary"]]
    assert f"{OPENS} {CLOSES}" in texts  # completed to the closing mark
    assert not [t for t in texts if "llega tarde" in t]  # its quotation never closes: skipped
    assert all(t.count("«") == t.count("»") for t in texts)


def test_a_fragment_left_by_a_bad_cut_is_no_summary_line(make_article):
    fragment = ", la directora del observatorio regional, presentó el informe anual sobre la sequía en Lima."
    arts = [_article(make_article, aid, ["Lucía Campos", fragment, FUND]) for aid in ("a", "b")]
    texts = [line["text"] for line in present_story("s", arts, [])["summary"]]
    assert FUND in texts and not [t for t in texts if "observatorio" in t]
