"""expand(): files, folders, globs, stdin, missing paths; fingerprints."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from crisol.model import RawArticle, Rejection
from crisol.read import InputFile, expand, read_input


def _sources(items) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.source for i in items]


def test_folder_is_walked_recursively_sorted_skipping_hidden(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a/c.json", ".git/config", "a/.oculto.txt", "c/d/e.html"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Titular\nCuerpo.")
    items = list(expand([str(tmp_path)]))
    assert all(isinstance(i, InputFile) for i in items)
    rels = [Path(i.source).relative_to(tmp_path).as_posix() for i in items]
    assert rels == ["a/c.json", "a/z.txt", "b.txt", "c/d/e.html"]


def test_missing_path_and_empty_glob_are_rejections(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-existe.txt")
    pattern = str(tmp_path / "*.jsonl")
    (r1, r2) = expand([missing, pattern])
    assert isinstance(r1, Rejection) and r1.source == missing and "no such file" in r1.reason
    assert isinstance(r2, Rejection) and r2.source == pattern and "no file matches" in r2.reason


def test_glob_expands_sorted_and_recursive(tmp_path: Path) -> None:
    for rel in ["x/2.txt", "x/1.txt", "x/y/3.txt", "x/nota.md"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("T\nC")
    flat = _sources(expand([str(tmp_path / "x" / "*.txt")]))
    assert [Path(s).name for s in flat] == ["1.txt", "2.txt"]
    deep = _sources(expand([str(tmp_path / "x" / "**" / "*.txt")]))
    assert sorted(Path(s).name for s in deep) == ["1.txt", "2.txt", "3.txt"]


def test_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("T\nC")
    assert len(list(expand([str(path), str(tmp_path), str(tmp_path / "*.txt")]))) == 1


def test_empty_folder_and_broken_symlink_are_rejections(tmp_path: Path) -> None:
    empty = tmp_path / "vacia"
    empty.mkdir()
    link = tmp_path / "roto.txt"
    link.symlink_to(tmp_path / "desaparecido.txt")
    r1, r2 = expand([str(empty), str(link)])
    assert "holds no files" in r1.reason
    assert r2.source == str(link) and "no such file" in r2.reason


def test_symlink_loop_in_a_folder_terminates(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "t.txt").write_text("T\nC")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    assert len(list(expand([str(tmp_path)]))) == 1


def test_stdin_is_read_once_and_named_dash() -> None:
    fake = io.BytesIO("Titular desde una tubería\nCuerpo.".encode())
    (inp,) = expand(["-"], stdin=fake)
    assert inp.source == "-" and inp.path is None
    assert isinstance(inp, InputFile) and inp.data is not None and inp.size == len(inp.data)
    (article,) = read_input(inp)
    assert isinstance(article, RawArticle)
    assert article.source == "-" and article.meta["text"].startswith("Titular desde")


def test_named_pipe_is_read_like_stdin(tmp_path: Path) -> None:
    fifo = tmp_path / "tuberia"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # child: write and exit
        with open(fifo, "wb") as fh:
            fh.write(b'{"title": "T", "text": "Desde un FIFO"}\n')
        os._exit(0)
    (inp,) = expand([str(fifo)])
    os.waitpid(pid, 0)
    (article,) = read_input(inp)
    assert article.meta["text"] == "Desde un FIFO" and article.source == str(fifo)


def test_fingerprint_is_stable_and_changes_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"Titular\nCuerpo uno.")
    first = next(expand([str(path)])).fingerprint
    assert next(expand([str(path)])).fingerprint == first
    assert next(expand([os.path.relpath(path)])).fingerprint == first  # same file, other spelling
    path.write_bytes(b"Titular\nCuerpo dos.")  # same size, new bytes
    os.utime(path, ns=(1, 1))
    assert next(expand([str(path)])).fingerprint != first


def test_fingerprint_hashes_the_tail_of_large_files(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"x" * 500_000)
    stat = path.stat()
    before = next(expand([str(path)])).fingerprint
    with open(path, "r+b") as fh:
        fh.seek(499_000)
        fh.write(b"y")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime
    assert next(expand([str(path)])).fingerprint != before


def test_stdin_fingerprint_depends_on_content() -> None:
    a = InputFile("-", None, b"uno", 3).fingerprint
    b = InputFile("-", None, b"dos", 3).fingerprint
    assert a != b and len(a) == 32


@pytest.mark.slow
def test_ten_thousand_small_files_are_expanded_lazily_and_read(tmp_path: Path) -> None:
    root = tmp_path / "lote"
    for d in range(10):
        sub = root / f"d{d}"
        sub.mkdir(parents=True)
        for f in range(1000):
            (sub / f"{f:04d}.txt").write_bytes(
                f"Titular {d}-{f}\nEl pleno aprobó la moción número {f}.\n".encode()
            )
    started = time.perf_counter()
    stream = expand([str(root)])
    first = next(stream)  # lazy: the first input comes before the walk ends
    assert isinstance(first, InputFile) and first.source.endswith("d0/0000.txt")
    count = 1
    articles = 0
    for item in [first, *stream]:
        count += item is not first
        articles += sum(isinstance(a, RawArticle) for a in read_input(item))
    elapsed = time.perf_counter() - started
    assert count == 10_000 and articles == 10_000
    assert elapsed < 60, f"10,000 small files took {elapsed:.1f}s"
