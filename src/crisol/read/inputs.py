"""What to read: paths, folders, globs and ``-`` (stdin) turned into :class:`InputFile` values."""

from __future__ import annotations

import glob
import hashlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from crisol.model import Rejection, storable

STDIN = "-"
_EDGE = 64 * 1024  # bytes hashed at each end of a file for its fingerprint
_GLOB_CHARS = frozenset("*?[")


@dataclass
class InputFile:
    """One input: a file on disk, or bytes read once from stdin (or a pipe).

    >>> InputFile(source="-", path=None, data=b"hola", size=4).fingerprint[:8].isalnum()
    True
    """

    source: str  # the path as given or found, or "-" for stdin
    path: Path | None  # None for stdin
    data: bytes | None = None  # only for stdin and pipes (read once)
    size: int = 0
    mtime_ns: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        # the name as stores can hold it (a file name that is not UTF-8); ``path`` keeps the bytes
        self.source = storable(self.source)

    @cached_property
    def identity(self) -> str:
        """Where the input is, however it was spelled: the resolved path, or ``source`` (stdin).

        Both the fingerprint and the ids of the input's articles hash it, so ``ingest data``
        and ``ingest /home/me/data`` name the same inputs and the same articles.
        """
        if self.path is None:
            return self.source
        try:
            return str(self.path.resolve())
        except (OSError, RuntimeError):  # a symlink loop: the absolute path is the best we have
            return os.path.abspath(self.path)

    @cached_property
    def fingerprint(self) -> str:
        """Stable and cheap: the resolved path, size, mtime and a hash of both 64 KiB ends.

        The store uses it to skip inputs finished in an earlier run; a file changed in place
        (new size, new mtime or new bytes at either end) gets a new fingerprint.
        """
        h = hashlib.sha256()
        h.update(f"{self.identity}\0{self.size}\0{self.mtime_ns}\0".encode("utf-8", "surrogateescape"))
        if self.data is not None:
            h.update(self.data[:_EDGE])
            h.update(self.data[-_EDGE:])
        elif self.path is not None:
            _hash_edges(self.path, self.size, h)
        return h.hexdigest()[:32]


def _hash_edges(path: Path, size: int, h: hashlib._Hash) -> None:
    try:
        with open(path, "rb") as fh:
            h.update(fh.read(_EDGE))
            if size > _EDGE:
                fh.seek(max(_EDGE, size - _EDGE))
                h.update(fh.read(_EDGE))
    except OSError as e:  # unreadable now: read_input will say why; keep the fingerprint stable
        h.update(f"unreadable: {e.strerror}".encode())


def expand(
    paths: Iterable[str | os.PathLike[str]], stdin: BinaryIO | None = None
) -> Iterator[InputFile | Rejection]:
    """Turn what the user typed into inputs, lazily and in a stable order.

    Files are taken as they are; folders are walked recursively in sorted order (hidden entries,
    such as ``.git``, are skipped); globs (``*``, ``?``, ``[``, ``**``) are expanded sorted;
    ``-`` reads stdin once. A path that does not exist, a glob that matches nothing or a folder
    without files becomes a :class:`Rejection`. The same file reached twice is read once.

    >>> [type(x).__name__ for x in expand(["/no/such/file.txt"])]
    ['Rejection']
    """
    seen: set[tuple[int, int]] = set()
    for given in map(os.fspath, paths):
        if given == STDIN:
            yield _from_pipe(STDIN, stdin if stdin is not None else sys.stdin.buffer)
        elif os.path.lexists(given) or not _GLOB_CHARS.intersection(given):
            yield from _expand_path(given, seen)
        else:
            yield from _expand_glob(given, seen)


def _expand_glob(pattern: str, seen: set[tuple[int, int]]) -> Iterator[InputFile | Rejection]:
    matches = sorted(glob.iglob(os.path.expanduser(pattern), recursive=True))
    if not matches:
        yield Rejection(pattern, "no file matches this pattern (check the folder and the quoting)")
        return
    for match in matches:
        yield from _expand_path(match, seen)


def _expand_path(given: str, seen: set[tuple[int, int]]) -> Iterator[InputFile | Rejection]:
    path = Path(os.path.expanduser(given))
    try:
        st = path.stat()
    except FileNotFoundError:
        yield Rejection(given, "no such file or folder")
        return
    except OSError as e:
        yield Rejection(given, f"cannot open: {e.strerror}")
        return
    if stat.S_ISDIR(st.st_mode):
        files = [0]  # files met under the folder, read now or already
        yield from _walk(path, seen, {(st.st_dev, st.st_ino)}, files)
        if not files[0]:
            yield Rejection(given, "folder holds no files to read")
    else:
        item = _file(given, path, st, seen)
        if item is not None:
            yield item


def _walk(
    folder: Path, seen: set[tuple[int, int]], ancestors: set[tuple[int, int]], files: list[int]
) -> Iterator[InputFile | Rejection]:
    """Files under ``folder``, depth first, sorted by name, never holding the whole tree."""
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as e:
        yield Rejection(str(folder), f"cannot list folder: {e.strerror}")
        return
    for entry in entries:
        try:
            st = entry.stat()  # follows symlinks
        except OSError as e:
            yield Rejection(entry.path, f"cannot open: {e.strerror}")
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:  # a symlink back up the tree
                continue
            yield from _walk(Path(entry.path), seen, ancestors | {key}, files)
        else:
            files[0] += 1
            item = _file(entry.path, Path(entry.path), st, seen)
            if item is not None:
                yield item


def _file(
    source: str, path: Path, st: os.stat_result, seen: set[tuple[int, int]]
) -> InputFile | Rejection | None:
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return None
    seen.add(key)
    if stat.S_ISREG(st.st_mode):
        return InputFile(source=source, path=path, size=st.st_size, mtime_ns=st.st_mtime_ns)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        # a pipe (`<(zcat x)`, /dev/stdin) can be read only once: keep its bytes like stdin's
        try:
            with open(path, "rb") as fh:
                return _from_pipe(source, fh)
        except OSError as e:
            return Rejection(source, f"cannot open: {e.strerror}")
    return Rejection(source, "not a regular file, folder or pipe (socket or device?)")


def _from_pipe(source: str, stream: BinaryIO) -> InputFile | Rejection:
    try:
        data = stream.read()
    except OSError as e:
        return Rejection(source, f"cannot read: {e.strerror}")
    return InputFile(source=source, path=None, data=data, size=len(data))
