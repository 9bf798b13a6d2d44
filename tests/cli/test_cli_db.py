"""--db: accepted before or after any command's name; a path naming no store is a usage error
naming it, unless the command stores articles (ingest, watch, api post) or --create asks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crisol.cli import app

NEWS = Path(__file__).resolve().parents[1] / "fixtures" / "cli" / "annotated" / "es_visita_pekin.txt"


def command_paths() -> list[list[str]]:
    """Every command of the app, as the words that run it (``["sources", "status"]``), found by
    walking the Click tree, so a command added later is checked without being listed here."""
    paths: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            paths.append(path)
            return
        for name, sub in subcommands.items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def said(result) -> str:
    """The output's words, the error box drawn around them taken away."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


def names(result, path: Path) -> bool:
    """Whether the output names ``path`` (a long path may be folded across the box's lines)."""
    return str(path) in re.sub(r"[\s│╭╮╰╯─]", "", result.output)


def test_the_walk_finds_commands_of_groups_and_of_the_lazy_benchmarks():
    paths = command_paths()
    assert ["stories"] in paths and ["sources", "status"] in paths and ["api", "get"] in paths
    assert ["bench", "api"] in paths and ["train", "ner"] in paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_takes_db_after_its_name(path, tmp_path):
    result = invoke(*path, "--db", str(tmp_path / "s.db"), "--create", "--help")
    assert result.exit_code == 0, result.output
    assert "--db" in result.output and "--create" in result.output  # and its help lists them


def test_db_after_the_command_is_the_store_used(annotated_db):
    before = invoke("--db", annotated_db, "articles", "--format", "json")
    after = invoke("articles", "--format", "json", "--db", annotated_db)
    assert before.exit_code == after.exit_code == 0, after.output
    assert len(json.loads(after.stdout)) == 3 and after.stdout == before.stdout
    assert invoke("sources", "status", "--db", annotated_db, "--format", "json").exit_code == 0
    assert invoke("articles", f"--db={annotated_db}", "--format", "json").stdout == before.stdout


def test_db_after_the_command_wins_over_crisol_db_but_not_over_a_different_db_before(annotated_db, tmp_path):
    from_env = invoke("stories", "--db", annotated_db, env={"CRISOL_DB": str(tmp_path / "other.db")})
    assert from_env.exit_code == 0, from_env.output
    twice = invoke("--db", str(tmp_path / "a.db"), "stories", "--db", annotated_db)
    assert twice.exit_code == 2 and "given twice" in said(twice)
    assert invoke("--db", annotated_db, "stories", "--db", annotated_db).exit_code == 0


def test_a_mistyped_db_is_a_usage_error_naming_it_and_creates_nothing(tmp_path):
    typo = tmp_path / "storre.db"
    for args in (
        ["--db", str(typo), "stories"],
        ["entities", "--db", str(typo)],
        ["serve", "--db", str(typo)],
    ):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert names(result, typo) and "no crisol store there" in said(result) and "--create" in said(result)
    from_env = invoke("articles", env={"CRISOL_DB": str(typo)})
    assert from_env.exit_code == 2 and names(from_env, typo)
    no_folder = invoke("articles", "--db", str(tmp_path / "missing" / "s.db"))
    assert no_folder.exit_code == 2 and names(no_folder, tmp_path / "missing")
    assert "folder" in said(no_folder) and "does not exist" in said(no_folder)
    assert sorted(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_store_is_refused_even_by_ingest(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Apuntes de la reunión: nada que guardar aquí.\n", encoding="utf-8")
    for args in (["--db", str(notes), "articles"], ["ingest", str(NEWS), "--db", str(notes), "--no-analyze"]):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert names(result, notes) and "not an SQLite database" in said(result)
    assert notes.read_text(encoding="utf-8").startswith("Apuntes")


def test_ingest_makes_the_store_and_create_makes_an_empty_one(tmp_path):
    made = tmp_path / "new.db"
    ingested = invoke("ingest", str(NEWS), "--db", str(made), "--no-analyze")
    assert ingested.exit_code == 0, ingested.output
    assert len(json.loads(invoke("articles", "--db", str(made), "--format", "json").stdout)) == 1
    empty = tmp_path / "empty.db"
    assert invoke("--db", str(empty), "--create", "stories").exit_code == 0
    assert invoke("stories", "--db", str(empty), "--format", "json").stdout.strip() == "[]"
