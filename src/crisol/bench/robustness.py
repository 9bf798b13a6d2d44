"""``crisol bench robustness [--full]``: hostile inputs through the real ingest path.

Every input is generated here, in code (nothing is downloaded): JSON nested thousands of levels
deep, NUL bytes, codecs that are not charsets declared as charsets (HTML ``<meta>``, a WARC HTTP
header, a MIME part), WARC records with an absurd Content-Length or cut short, UTF-32 with and
without a BOM, ARC files, a feed holding only an XML comment, one word on stdin, a UTF-8 file with
a Latin-1 paragraph, gzip bombs of whitespace, huge link-list pages, binary garbage, empty files,
truncated gzip, and more (see :data:`KINDS`).

Each kind is ingested by :func:`crisol.service.runner.ingest` (``analyze=False``, what ``crisol ingest
--no-analyze`` runs) into its own temporary SQLite store, followed by one good text file (the
sentinel: a hostile input must never cost the inputs after it). Per kind the bench reports the
articles stored (and how many the kind holds), the rejections and their reasons, CPU seconds and
the peak growth of the process's resident memory. A *failure* is any of: an exception escaping
``ingest``, a message logged at ERROR (or any log record carrying a traceback at WARNING or
above), a rejection worded as an internal error ("internal error … please report this input",
"unexpected error: …"). The bench exits 1 when any kind has a failure; a kind storing another
number of articles than it holds is shown (``!``) but is a finding, not a failure.

``--quick`` (the default) keeps every input small (the whole run takes seconds); ``--full`` uses
the sizes the issue measured (a 2 GB whitespace bomb, 3 MB and 9.9 MB link-list pages...).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import random
import resource
import sys
import tempfile
import threading
import time
import traceback
import types
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from crisol.bench._common import emit_metrics, write_jsonl
from crisol.service.runner import ingest
from crisol.store import open_store

NAME = "robustness"

MB = 1_000_000


# ---- generated inputs ----------------------------------------------------------------------


def body(i: int, topic: str = "presupuesto") -> str:
    """A short, distinct news paragraph (an article the cleaner keeps)."""
    return (
        f"El ayuntamiento de Villanueva {i} aprobó ayer el {topic} para el año próximo tras un "
        f"largo debate en el pleno municipal, que se prolongó durante {i + 3} horas y terminó "
        "con el voto favorable de la mayoría de los concejales presentes en la sala."
    )


def page(i: int, extra: str = "", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='es'><head>{head}<title>Noticia {i}</title></head><body>"
        f"<article><h1>Noticia {i}</h1><p>{body(i)}</p><p>{body(i + 1000, 'plan de obras')}</p>"
        f"</article>{extra}</body></html>"
    )


def jsonl_line(i: int) -> str:
    return json.dumps(
        {"title": f"Noticia {i}", "text": body(i), "url": f"https://d.example/{i}"}, ensure_ascii=False
    )


def warc_record(block: bytes, url: str, length: int | None = None) -> bytes:
    size = len(block) if length is None else length
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def http_page(i: int, charset: str = "utf-8", encoding: str = "utf-8") -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={charset}\r\n\r\n".encode() + page(i).encode(
        encoding
    )


def rss(n: int) -> str:
    items = "".join(
        f"<item><title>Noticia {i}</title><link>https://d.example/{i}</link>"
        f"<description>{body(i)}</description></item>"
        for i in range(n)
    )
    return (
        f'<?xml version="1.0" encoding="ENC"?><rss version="2.0"><channel><title>Diario</title>'
        f"<link>https://d.example/</link>{items}</channel></rss>"
    )


def gzip_of_repeats(prefix: bytes, unit: bytes, total: int) -> bytes:
    """gzip of ``prefix`` + ``unit`` repeated up to ``total`` bytes, compressed as it is made."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as gz:
        gz.write(prefix)
        chunk = unit * (MB // len(unit))
        written = 0
        while written < total:
            gz.write(chunk)
            written += len(chunk)
    return out.getvalue()


def link_items(n: int) -> str:
    return (
        "<ul>"
        + "".join(
            f'<li><a href="/seccion/noticia-{i}.html">Noticia número {i} de la portada</a></li>'
            for i in range(n)
        )
        + "</ul>"
    )


@dataclass
class Kind:
    """One kind of hostile input: how to write it, and how many articles it holds."""

    name: str
    about: str
    build: Callable[[Path, bool], list[str]]  # (folder, full) -> paths to ingest ("-": stdin)
    holds: int | None  # articles a reader should get out of it; None when it is a judgement
    stdin: Callable[[bool], bytes] | None = None


def _write(folder: Path, name: str | bytes, data: bytes) -> str:
    path = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else str(folder / name)
    with open(path, "wb") as f:
        f.write(data)
    return os.fsdecode(path)


def _deep_jsonl(levels: int) -> Callable[[Path, bool], list[str]]:
    def build(d: Path, full: bool) -> list[str]:
        deep = '{"a":' * levels + "1" + "}" * levels
        lines = [jsonl_line(0), deep, jsonl_line(1), jsonl_line(2)]
        return [_write(d, "deep.jsonl", "\n".join(lines).encode())]

    return build


def _deep_json_unclosed(d: Path, full: bool) -> list[str]:
    return [_write(d, "open.json", b"[" * (5 * MB if full else 100_000))]


def _deep_json_list_item(d: Path, full: bool) -> list[str]:
    items = [jsonl_line(0), "[" * 50_000 + "]" * 50_000, jsonl_line(1)]
    return [_write(d, "list.json", ("[" + ",".join(items) + "]").encode())]


def _nul_text(d: Path, full: bool) -> list[str]:
    text = f"Noticia 1\n\n{body(1)}".replace(" ", " \x00", 5)
    return [_write(d, "nul.txt", text.encode())]


def _nul_json(d: Path, full: bool) -> list[str]:
    rec = {"title": "Noticia\u0000 2", "text": body(2).replace("pleno", "ple\u0000no"), "author": "\u0000"}
    return [_write(d, "nul.jsonl", json.dumps(rec).encode())]


CODECS = ["base64", "hex", "zlib", "bz2", "uu", "quopri", "rot13", "unicode_escape", "idna", "undefined"]


def _codec_html_meta(d: Path, full: bool) -> list[str]:
    return [
        _write(d, f"{codec}.html", page(i, head=f'<meta charset="{codec}">').encode("latin-1"))
        for i, codec in enumerate(CODECS)
    ]


def _codec_warc(d: Path, full: bool) -> list[str]:
    records = [warc_record(http_page(i), f"https://d.example/{i}") for i in range(2)]
    records += [
        warc_record(http_page(10 + i, codec, "latin-1"), f"https://d.example/c/{codec}")
        for i, codec in enumerate(CODECS)
    ]
    records += [warc_record(http_page(i), f"https://d.example/{i}") for i in range(2, 4)]
    return [_write(d, "codecs.warc", b"".join(records))]


def _codec_mime(d: Path, full: bool) -> list[str]:
    paths = []
    for i, codec in enumerate(["base64", "zlib", "rot13", "hex"]):
        message = (
            "From: a@example.org\r\nSubject: Boletín\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/html; charset={codec}\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode() + page(i).encode("latin-1")
        paths.append(_write(d, f"{codec}.eml", message))
    return paths


def _warc_absurd_length(d: Path, full: bool) -> list[str]:
    bad = warc_record(http_page(99), "https://d.example/bad", length=999_999_999_999)
    good = [warc_record(http_page(i), f"https://d.example/{i}") for i in range(4)]
    return [_write(d, "absurd.warc", bad + b"".join(good))]


def _warc_truncated(d: Path, full: bool) -> list[str]:
    recs = [warc_record(http_page(i), f"https://d.example/{i}") for i in range(4)]
    cut = recs[1][: len(recs[1]) // 2]  # a record cut in the middle, the next one intact
    return [
        _write(d, "cut.warc", recs[0] + cut + recs[2] + recs[3]),
        _write(d, "tail.warc.gz", gzip.compress(b"".join(recs[:3]))[:-200]),
    ]


def _utf32(bom: bool) -> Callable[[Path, bool], list[str]]:
    def build(d: Path, full: bool) -> list[str]:
        codec = "utf-32" if bom else "utf-32-le"
        feed = rss(3).replace("ENC", "utf-32").encode(codec)
        text = f"Noticia 7\n\n{body(7)}".encode(codec)
        return [_write(d, "feed.xml", feed), _write(d, "nota.txt", text)]

    return build


def _arc(d: Path, full: bool) -> list[str]:
    page_bytes = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + page(1).encode()
    header = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = (
        b"filedesc://bad.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(header)
        + header
        + b"\nhttp://d.example/ 93.184.216.34 20240101000000 text/html %d\n" % len(page_bytes)
        + page_bytes
        + b"\n"
    )
    return [_write(d, "bad.arc", arc), _write(d, "bad.arc.gz", gzip.compress(arc))]


def _xml_comment(d: Path, full: bool) -> list[str]:
    return [
        _write(d, "feed.xml", b'<?xml version="1.0"?>\n<!-- nothing here -->\n'),
        _write(d, "solo.rss", b"<!-- solo un comentario -->"),
    ]


def _utf8_latin1(d: Path, full: bool) -> list[str]:
    text = (
        f"Noticia 5\n\n{body(5)}\n\n".encode()
        + body(6, "año fiscal").encode("latin-1")
        + f"\n\n{body(8)}".encode()
    )
    return [_write(d, "mixto.txt", text)]


def _bomb(prefix: bytes, name: str, quick: int, full_size: int) -> Callable[[Path, bool], list[str]]:
    def build(d: Path, full: bool) -> list[str]:
        return [_write(d, name, gzip_of_repeats(prefix, b" ", full_size if full else quick))]

    return build


def _link_list(d: Path, full: bool) -> list[str]:
    sizes = (36_000, 114_000) if full else (6_000,)  # 3 MB and 9.8 MB pages, or 0.5 MB
    return [_write(d, f"portada-{n}.html", page(n, extra=link_items(n)).encode()) for n in sizes]


def _short_items(d: Path, full: bool) -> list[str]:
    n = 120_000 if full else 8_000
    items = "<ul>" + "".join(f"<li>Etiqueta {i}</li>" for i in range(n)) + "</ul>"
    return [_write(d, "etiquetas.html", page(1, extra=items).encode())]


def _many_elements(d: Path, full: bool) -> list[str]:
    """Over trafilatura's element limit (crisol's density extractor); in full, over the tag limit."""
    extra = "<i/>" * 2_400_000 if full else "<i></i>" * 110_000
    return [_write(d, "elementos.html", page(1, extra=extra).encode())]


def _deep_html(d: Path, full: bool) -> list[str]:
    n = 400_000 if full else 100_000  # full: under the 500,000-tag limit
    return [_write(d, "deep.html", page(1, extra="<div>" * n + "fondo" + "</div>" * n).encode())]


def _binary(d: Path, full: bool) -> list[str]:
    rng = random.Random(11)
    size = 20 * MB if full else 256 * 1024
    return [
        _write(d, "garbage.bin", rng.randbytes(size)),
        _write(d, "garbage.txt", rng.randbytes(4096)),
        _write(d, "png.html", b"\x89PNG\r\n\x1a\n" + rng.randbytes(8192)),
    ]


def _empty(d: Path, full: bool) -> list[str]:
    return [
        _write(d, "empty.txt", b""),
        _write(d, "empty.jsonl", b""),
        _write(d, "blank.html", b" \n\t\n"),
        _write(d, "empty.gz", gzip.compress(b"")),
    ]


def _truncated_gzip(d: Path, full: bool) -> list[str]:
    data = gzip.compress("\n".join(jsonl_line(i) for i in range(200)).encode())
    return [_write(d, "cut.jsonl.gz", data[: len(data) // 2]), _write(d, "head.jsonl.gz", data[:12])]


def _entity_bomb(d: Path, full: bool) -> list[str]:
    lol = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel><title>&a9;</title>'
        f"<item><title>Noticia 1</title><description>{body(1)} &a9;</description></item></channel></rss>"
    )
    return [_write(d, "laughs.rss", doc.encode())]


def _surrogates(d: Path, full: bool) -> list[str]:
    line = '{"title": "Noticia \\ud800 3", "text": "' + body(3) + ' \\udfff fin"}'
    return [_write(d, "surrogates.jsonl", line.encode())]


def _bad_filename(d: Path, full: bool) -> list[str]:
    return [_write(d, b"nota-\xff\xfe-\xe9.txt", f"Noticia 4\n\n{body(4)}".encode())]


def _nested_gzip(d: Path, full: bool) -> list[str]:
    data = "\n".join(jsonl_line(i) for i in range(3)).encode()
    return [_write(d, "twice.jsonl.gz", gzip.compress(gzip.compress(data)))]


def _csv_ragged(d: Path, full: bool) -> list[str]:
    rows = [
        "title,text,url",
        f'Noticia 1,"{body(1)}",https://d.example/1',
        "solo,una",
        ",,,,,,,,",
        f'Noticia 2,"{body(2)}\x00",https://d.example/2',
        f'Noticia 3,"{"x" * (2 * MB if full else 200_000)}",u',
        '"sin cerrar,' + body(9),
    ]
    return [_write(d, "ragged.csv", "\n".join(rows).encode())]


def _long_line(d: Path, full: bool) -> list[str]:
    size = 40 * MB if full else MB // 2
    lines = [jsonl_line(0), '{"text": "' + "palabra " * (size // 8) + '"}', jsonl_line(1)]
    return [_write(d, "long.jsonl", "\n".join(lines).encode())]


def _many_empty(d: Path, full: bool) -> list[str]:
    folder = d / "vacios"
    folder.mkdir()
    for i in range(20_000 if full else 300):
        (folder / f"{i:05}.txt").write_bytes(b"")
    return [str(folder)]


def _symlink_loop(d: Path, full: bool) -> list[str]:
    folder = d / "bucle"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "arriba").symlink_to(folder, target_is_directory=True)
    (folder / "yo").symlink_to(folder / "yo")  # a link to itself
    (folder / "sub" / "nota.txt").write_text(f"Noticia 12\n\n{body(12)}", encoding="utf-8")
    return [str(folder)]


def _zlib_not_gzip(d: Path, full: bool) -> list[str]:
    data = "\n".join(jsonl_line(i) for i in range(2)).encode()
    return [
        _write(d, "raw.jsonl.gz", zlib.compress(data)),
        _write(d, "fake.gz", b"\x1f\x8b" + os.urandom(64)),
    ]


def _utf16_nobom(d: Path, full: bool) -> list[str]:
    return [_write(d, "nota16.txt", f"Noticia 13\n\n{body(13)}".encode("utf-16-le"))]


def _sentinel_only(d: Path, full: bool) -> list[str]:
    return []


KINDS: list[Kind] = [
    Kind("jsonl-deep-2000", "a JSONL line nested 2,000 levels between good lines", _deep_jsonl(2000), 3),
    Kind("jsonl-deep-1000", "a JSONL line nested 1,000 levels between good lines", _deep_jsonl(1000), 3),
    Kind("json-unclosed-brackets", "'[' repeated, never closed", _deep_json_unclosed, 0),
    Kind(
        "json-deep-list-item",
        "a JSON list whose middle item is nested 50,000 levels",
        _deep_json_list_item,
        2,
    ),
    Kind("nul-text", "NUL bytes inside a text file", _nul_text, 1),
    Kind("nul-json", "\\u0000 in JSON title, text and author", _nul_json, 1),
    Kind(
        "charset-codec-html", "<meta charset> naming base64, zlib, rot13... (10 pages)", _codec_html_meta, 10
    ),
    Kind("charset-codec-warc", "WARC HTTP headers naming non-text codecs (14 records)", _codec_warc, 14),
    Kind("charset-codec-mime", "MIME parts naming non-text codecs (4 e-mails)", _codec_mime, 4),
    Kind("warc-absurd-length", "Content-Length: 999999999999, then 4 good records", _warc_absurd_length, 4),
    Kind(
        "warc-truncated", "a record cut in half before 2 intact ones; a cut .warc.gz", _warc_truncated, None
    ),
    Kind("utf32-bom", "RSS (3 items) and text in UTF-32 with BOM", _utf32(True), 4),
    Kind("utf32-no-bom", "RSS (3 items) and text in UTF-32-LE without BOM", _utf32(False), 4),
    Kind("utf16-no-bom", "text in UTF-16-LE without BOM", _utf16_nobom, None),
    Kind("arc", "ARC files, plain and gzip", _arc, 0),
    Kind("xml-comment-feed", "feeds holding only an XML comment", _xml_comment, 0),
    Kind("stdin-one-word", "`echo hola | crisol ingest -`", _sentinel_only, 0, stdin=lambda full: b"hola\n"),
    Kind("utf8-latin1-paragraph", "UTF-8 text with one Latin-1 paragraph", _utf8_latin1, 1),
    Kind(
        "gzip-bomb-json",
        "'[' then whitespace, gzip (5 MB quick, 2 GB full)",
        _bomb(b"[", "bomb.json.gz", 5 * MB, 2_000 * MB),
        0,
    ),
    Kind(
        "gzip-bomb-text",
        "whitespace only, gzip (20 MB quick, 1 GB full)",
        _bomb(b"", "bomb.txt.gz", 20 * MB, 1_000 * MB),
        0,
    ),
    Kind(
        "gzip-bomb-jsonl",
        "one JSONL line, then whitespace, gzip (20 MB quick, 1 GB full)",
        _bomb(jsonl_line(0).encode() + b"\n", "bomb.jsonl.gz", 20 * MB, 1_000 * MB),
        1,
    ),
    Kind("html-link-list", "article + link list (0.5 MB quick; 3 MB and 9.8 MB full)", _link_list, None),
    Kind(
        "html-short-items", "article + run of short list items (8,000 quick; 120,000 full)", _short_items, 1
    ),
    Kind(
        "html-many-elements",
        "article + 110,000 empty elements (2.4 million tags in 9.6 MB full)",
        _many_elements,
        None,
    ),
    Kind("html-deep-nesting", "article + <div> nested 100,000 levels (400,000 full)", _deep_html, 1),
    Kind("binary-garbage", "random bytes (.bin, .txt) and a PNG named .html", _binary, 0),
    Kind("empty-files", "empty .txt, .jsonl, .gz and a blank .html", _empty, 0),
    Kind("truncated-gzip", "JSONL gzip cut in half; a 12-byte gzip head", _truncated_gzip, None),
    Kind("xml-entity-bomb", "RSS with a billion-laughs entity expansion", _entity_bomb, None),
    Kind("json-lone-surrogates", "\\ud800 and \\udfff escapes in JSON strings", _surrogates, 1),
    Kind("bad-filename", "a file name that is not valid UTF-8", _bad_filename, 1),
    Kind("gzip-in-gzip", "JSONL compressed twice", _nested_gzip, None),
    Kind("zlib-as-gzip", "zlib data and random bytes behind a gzip magic", _zlib_not_gzip, None),
    Kind("csv-ragged", "CSV with ragged rows, a NUL, a huge field, an open quote", _csv_ragged, None),
    Kind("jsonl-long-line", "a 0.5 MB JSONL line (40 MB full: over the record limit)", _long_line, None),
    Kind("many-empty-files", "a folder of 300 empty files (20,000 full)", _many_empty, 0),
    Kind("symlink-loop", "a folder linking to itself and a link to itself", _symlink_loop, 1),
]

SENTINEL_TEXT = "Noticia centinela\n\n" + body(424242, "cierre del ejercicio")


# ---- one run ---------------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    about: str
    holds: int | None  # articles in the kind (the sentinel not counted)
    stored: int = 0  # articles stored (the sentinel not counted)
    sentinel: bool = False  # the good file after the hostile inputs was stored
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)  # what the cleaner repaired or degraded, per article
    cpu: float = 0.0
    wall: float = 0.0
    peak_mb: float = 0.0  # peak growth of resident memory during the kind
    failures: list[str] = field(default_factory=list)

    @property
    def as_expected(self) -> bool:
        return self.sentinel and (self.holds is None or self.stored == self.holds)

    def row(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "about": self.about,
            "holds": self.holds,
            "stored": self.stored,
            "sentinel": self.sentinel,
            "notes": dict(self.notes),
            "rejected": self.rejected,
            "reasons": dict(self.reasons),
            "cpu_s": round(self.cpu, 3),
            "wall_s": round(self.wall, 3),
            "peak_mb": round(self.peak_mb, 1),
            "failures": self.failures,
        }


class _Failures(logging.Handler):
    """Log records that are failures: ERROR and above from anyone, or a traceback at WARNING+."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.found.append(f"logged {record.levelname} by {record.name}: {record.getMessage()[:200]}")


class _RssPeak:
    """Peak resident memory of the process, sampled every 5 ms in a thread (C allocations too)."""

    def __init__(self) -> None:
        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __enter__(self) -> _RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / MB


def _rss() -> int:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # not Linux: the peak of the whole process so far
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


_INTERNAL = ("internal error", "unexpected error")


def run_kind(kind: Kind, full: bool, work: Path) -> Result:
    """Ingest one kind (then the sentinel) into a fresh store; what happened."""

    result = Result(kind.name, kind.about, kind.holds)
    folder = work / kind.name
    folder.mkdir()
    paths = kind.build(folder, full)
    if kind.stdin is not None:
        paths = ["-", *paths]
    sentinel = _write(folder, "zz-centinela.txt", SENTINEL_TEXT.encode())
    handler = _Failures()
    root = logging.getLogger()
    root.addHandler(handler)
    old_stdin = sys.stdin
    if kind.stdin is not None:
        sys.stdin = types.SimpleNamespace(buffer=io.BytesIO(kind.stdin(full)))  # type: ignore[assignment]
    cpu, wall = time.process_time(), time.perf_counter()
    report = None
    try:
        with (
            _RssPeak() as memory,
            contextlib.redirect_stderr(io.StringIO()) as stderr,
            open_store(str(work / f"{kind.name}.db")) as store,
        ):
            try:
                report = ingest([*paths, sentinel], store, analyze=False)
            except BaseException as e:  # noqa: BLE001 - an escaping exception is what we count
                if isinstance(e, KeyboardInterrupt):
                    raise
                tb = traceback.format_exception(e)
                result.failures.append(
                    f"exception escaped ingest: {type(e).__name__}: {str(e)[:200]} "
                    f"at {tb[-2].strip().splitlines()[0] if len(tb) > 1 else '?'}"
                )
            sentinel_stored = bool(store.ids_from_source(sentinel))
            if report is not None:
                result.notes = _notes(store)
    finally:
        result.cpu, result.wall = time.process_time() - cpu, time.perf_counter() - wall
        sys.stdin = old_stdin
        root.removeHandler(handler)
    result.peak_mb = memory.growth_mb
    result.failures += handler.found
    if stderr.getvalue().strip():
        result.failures.append(f"wrote to stderr: {stderr.getvalue().strip()[:200]}")
    if report is not None:
        result.sentinel = sentinel_stored
        result.stored = report.new + report.duplicate - result.sentinel
        result.rejected = len(report.rejected)
        for r in report.rejected:
            result.reasons[_short_reason(r.reason)] += 1
            if r.reason.startswith(_INTERNAL):
                result.failures.append(f"internal error: {r}")
    return result


# Removed parts that say the cleaner repaired the input or used a cheaper extractor.
_NOTE_REASONS = ("fast-extraction", "encoding-repair", "unstorable-character")


def _notes(store: Any) -> Counter:
    notes: Counter = Counter()
    for article in store.iter_articles():
        for part in article.removed:
            if part.reason == "fast-extraction":
                notes["crisol-density" if "text-density" in part.text else "trafilatura-fast"] += 1
            elif part.reason in _NOTE_REASONS:
                notes[part.reason] += 1
    return notes


def _short_reason(reason: str, width: int = 70) -> str:
    reason = " ".join(reason.split())
    return reason if len(reason) <= width else reason[: width - 1] + "…"


def run(full: bool = False, only: list[str] | None = None) -> list[Result]:
    kinds = [k for k in KINDS if not only or k.name in only]
    results = []
    with tempfile.TemporaryDirectory(prefix="crisol-robustness-") as tmp:
        for kind in kinds:
            results.append(run_kind(kind, full, Path(tmp)))
    return results


# ---- report ----------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    """The per-kind table (Markdown), as docs/bench/robustness.md records it."""
    lines = [
        "| kind | stored / holds | notes | rejected | reasons | CPU s | peak MB | failures |",
        "|---|---|---|---|---|---:|---:|---:|",
    ]
    for r in results:
        holds = "?" if r.holds is None else str(r.holds)
        mark = "" if r.as_expected else " !"
        if not r.sentinel:
            mark += " (sentinel lost)"
        reasons = "; ".join(f"{reason} ×{n}" if n > 1 else reason for reason, n in r.reasons.most_common())
        reasons = reasons.replace("|", "\\|") or "-"
        notes = ", ".join(f"{note} ×{n}" if n > 1 else note for note, n in sorted(r.notes.items())) or "-"
        lines.append(
            f"| {r.kind} | {r.stored} / {holds}{mark} | {notes} | {r.rejected} | {reasons} | {r.cpu:.2f} | "
            f"{r.peak_mb:.1f} | {len(r.failures)} |"
        )
    return "\n".join(lines)


def metrics(results: list[Result], full: bool) -> dict[str, Any]:
    return {
        "bench": NAME,
        "mode": "full" if full else "quick",
        "kinds": len(results),
        "failures": sum(len(r.failures) for r in results),
        "kinds_with_failures": sorted(r.kind for r in results if r.failures),
        "kinds_not_as_expected": sorted(r.kind for r in results if not r.as_expected),
        "sentinels_lost": sorted(r.kind for r in results if not r.sentinel),
        "stored": sum(r.stored for r in results),
        "rejected": sum(r.rejected for r in results),
        "cpu_s": round(sum(r.cpu for r in results), 2),
        "max_cpu_s": max((round(r.cpu, 2) for r in results), default=0.0),
        "max_peak_mb": max((round(r.peak_mb, 1) for r in results), default=0.0),
    }


def command(
    full: Annotated[
        bool, typer.Option("--full/--quick", help="The issue's sizes (GB bombs, 10 MB pages).")
    ] = False,
    kind: Annotated[Optional[list[str]], typer.Option(help="Run only this kind (repeatable).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write per-kind results as JSONL.")] = None,
) -> None:
    """Generated hostile inputs through `crisol ingest`: stored, rejected (why), CPU, memory, failures."""
    unknown = sorted(set(kind or ()) - {k.name for k in KINDS})
    if unknown:
        raise typer.BadParameter(
            f"unknown kind {', '.join(unknown)}; kinds: {', '.join(k.name for k in KINDS)}"
        )
    results = run(full, kind)
    typer.echo(table(results))
    for r in results:
        for failure in r.failures:
            typer.echo(f"FAILURE {r.kind}: {failure}")
    write_jsonl(out, (r.row() for r in results))
    m = metrics(results, full)
    emit_metrics(m)
    if m["failures"]:
        raise typer.Exit(1)
