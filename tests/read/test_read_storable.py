"""Text a database cannot hold (issue 11, item 2): NUL and lone surrogates never reach the store.

PostgreSQL text cannot hold U+0000; no UTF-8 column holds a lone surrogate. The cleaner takes
them out of everything an input says, whatever the door, and records it in ``Article.removed``.
"""

from __future__ import annotations

import json

from crisol.clean import clean
from crisol.model import RawArticle
from crisol.read.guard import failure
from crisol.store import open_store

TEXT = "El Gobierno aprobó ayer el plan de vivienda en el Congreso de los Diputados."


def _strings(value):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _storable(article) -> bool:  # type: ignore[no-untyped-def]
    return all(
        "\x00" not in s and not any("\ud800" <= c <= "\udfff" for c in s) for s in _strings(article.to_dict())
    )


def test_nul_and_lone_surrogates_are_taken_out_and_recorded(read_data) -> None:
    record = {
        "title": "Plan\x00 de vivienda",
        "text": f"Titular\n\n{TEXT}\x00\x00 \ud800 fin.",
        "authors": ["Ana\x00 Ruiz"],
        "url": "https://d.example/\x00a",
    }
    (raw,), _ = read_data(json.dumps(record).encode())
    assert "\x00" in raw.meta["text"]  # the reader keeps what the input says
    article = clean(raw)
    assert _storable(article)
    assert article.id == raw.id
    assert article.title == "Plan de vivienda" and article.authors == ["Ana Ruiz"]
    notes = [r for r in article.removed if r.reason == "unstorable-character"]
    assert [r.text for r in notes] == [
        "5 NUL characters (U+0000) removed: a database cannot store them",
        "1 lone surrogate (U+D800-U+DFFF) replaced by U+FFFD: a database cannot store them",
    ]
    assert "\ufffd fin." in article.text


def test_nul_in_a_text_file_and_in_an_html_page(read_data) -> None:
    (raw,), _ = read_data(f"Titular\n\n{TEXT}\x00 Y más.\n".encode())
    article = clean(raw)
    assert _storable(article) and "Diputados. Y más." in article.text
    assert any(r.reason == "unstorable-character" for r in article.removed)
    page = f"<html><body><article><h1>Plan</h1><p>{TEXT}\x00</p><p>{TEXT}</p></article></body></html>"
    (raw,), _ = read_data(page.encode())
    article = clean(raw)
    assert _storable(article) and TEXT in article.text


def test_a_file_name_in_no_encoding_is_stored_readably(tmp_path) -> None:
    raw = RawArticle("nota\udcff.txt", TEXT.encode(), "text", "line\x00 1", {"text": TEXT})
    article = clean(raw)
    assert article.source == "nota\ufffd.txt" and article.location == "line 1"
    assert article.id == raw.id


def test_cleaned_article_with_nul_and_surrogates_is_stored_on_sqlite(read_data, tmp_path):
    record = {"title": "T\x00", "text": f"{TEXT}\x00 \udcc3 más texto del artículo."}
    (raw,), _ = read_data(json.dumps(record).encode())
    article = clean(raw)
    store = open_store(str(tmp_path / "s.db"))
    try:
        (added,) = store.add_articles([article])
        assert added.new
        back = store.get_article(article.id)
        assert back is not None and back.text == article.text and "\x00" not in back.text
        assert {r.reason for r in back.removed} >= {"unstorable-character"}
    finally:
        store.close()


def test_failure_reasons_are_storable() -> None:
    reason = failure(KeyError("a\x00b\udcff"), "reading this record")
    assert "\x00" not in reason and "\udcff" not in reason


def test_decoding_repairs_are_recorded_as_removed_parts(read_data) -> None:
    # issue 11, item 10: the Latin-1 paragraph of a UTF-8 file is read and the repair said
    data = f"Titular\n\n{TEXT}\n\n".encode() + "La señora dijo que sí a la campaña.\n".encode("latin-1")
    (raw,), rejections = read_data(data)
    article = clean(raw)
    assert rejections == [] and "La señora dijo que sí a la campaña." in article.text
    (repair,) = [r for r in article.removed if r.reason == "encoding-repair"]
    assert repair.line == 5 and repair.text == "line 5 is not UTF-8: read as iso-8859-1"
