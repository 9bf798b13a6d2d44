"""Property (issue 11): the cleaner, given any raw article a reader could hand it (random text or
mutated HTML, as text or HTML format), returns an Article or raises a named rejection
(InputRejected), nothing else, in bounded time. Small budget for CI; a longer run:

    CRISOL_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -p no:cacheprovider tests/clean/test_clean_fuzz.py
"""

from __future__ import annotations

import os
import time

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crisol.clean import clean  # noqa: E402
from crisol.errors import InputRejected  # noqa: E402
from crisol.model import Article, RawArticle  # noqa: E402

EXAMPLES = int(os.environ.get("CRISOL_FUZZ_EXAMPLES", "150"))
SECONDS = 5.0
PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Reabre el mercado</title></head><body>"
        "<nav>Inicio | Deportes</nav><article><h1>Reabre el mercado</h1><p>El mercado de abastos reabrió "
        "el lunes tras las obras.</p><p>Foto: Agencia</p><p>Los puestos abren a las siete.</p></article>"
        "<footer>© Diario</footer></body></html>").encode()  # fmt: skip
TEXT = ("Reabre el mercado\n\nMadrid (EFE).- El mercado de abastos reabrió el lunes tras las obras.\n"
        "Foto: Agencia EFE\nTe puede interesar: otras noticias\nLos puestos abren a las siete.").encode()  # fmt: skip


@st.composite
def raw_articles(draw):
    seed = draw(st.sampled_from([PAGE, TEXT]))
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 20))
        else:
            data[at:at] = draw(st.binary(max_size=60))
    if draw(st.booleans()):
        data = bytearray(draw(st.binary(max_size=400)))
    fmt = draw(st.sampled_from(["html", "text"]))
    return RawArticle("fuzz", bytes(data), fmt)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(raw_articles())
def test_clean_gives_an_article_or_a_named_rejection(raw):
    start = time.process_time()
    try:
        out = clean(raw)
    except InputRejected as e:
        assert e.reason
    else:
        assert isinstance(out, Article) and out.text.strip()
    assert time.process_time() - start < SECONDS
