"""The examples in crisol.clean's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["crisol.clean", "crisol.clean.cues", "crisol.clean.dates", "crisol.clean.lines",
           "crisol.clean.html", "crisol.clean.metadata", "crisol.clean.language"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0
