"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisol.bench._common import shared_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared (seeds and evaluation data); tests that need it skip when it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared is not present")
    return path


@pytest.fixture(scope="session")
def cross_sources():
    """tests/fixtures/events/cross_sources.py: hand-written articles reporting events across
    sources, as Articles (``article``, ``load``) and as a store (``build_store(url)``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("crisol_test_cross_sources", FIXTURES / "events" / "cross_sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
