"""The examples in the watch modules' docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["crisol.watch.urls", "crisol.watch.sources", "crisol.watch.clock", "crisol.watch.fetch",
           "crisol.watch.listing", "crisol.watch.pages", "crisol.watch.status", "crisol.store.watch"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
