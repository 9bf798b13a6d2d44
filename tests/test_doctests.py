"""Every ``>>>`` example in the crisol package runs: one test per module that has examples, found by
walking the package, so a new module's examples run without being listed anywhere.

Conventions for the examples themselves:

- Output is compared with ELLIPSIS and NORMALIZE_WHITESPACE; print rounded floats.
- An example that needs something absent here (../shared, a PostgreSQL URL) says so itself by
  raising ``unittest.SkipTest`` with the reason, e.g.
  ``>>> if shared_dir() is None: raise SkipTest("needs ../shared")``: the rest of that docstring
  is skipped, the module's other docstrings still run, and the test reports the skip.

The alembic scripts (store/migrations/env.py, versions/) are never imported: they are not in a
package (no __init__.py), so the walk does not reach them; env.py raises when imported by hand.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil
import unittest

import pytest

import crisol

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _raise(name: str) -> None:
    raise ImportError(f"cannot import {name} to look for its examples")


def module_names() -> list[str]:
    """crisol and every module under it; a package that fails to import fails the collection."""
    walked = pkgutil.walk_packages(crisol.__path__, "crisol.", onerror=_raise)
    return ["crisol"] + sorted(m.name for m in walked)


def docstring_tests(name: str) -> list[doctest.DocTest]:
    """The module's docstrings that hold examples (objects imported from elsewhere are left to
    their own module)."""
    return [t for t in doctest.DocTestFinder().find(importlib.import_module(name)) if t.examples]


class _Runner(doctest.DocTestRunner):
    """Stops a docstring at an example that raises SkipTest instead of counting it a failure."""

    def report_unexpected_exception(self, out, test, example, exc_info):
        if issubclass(exc_info[0], unittest.SkipTest):
            raise exc_info[1]
        super().report_unexpected_exception(out, test, example, exc_info)


def run_examples(tests: list[doctest.DocTest]) -> tuple[int, str, list[str]]:
    """Run the docstrings: (failed examples, doctest's report of the failures, skip reasons)."""
    runner, report, skipped = _Runner(optionflags=FLAGS), io.StringIO(), []
    for test in tests:
        try:
            runner.run(test, out=report.write)
        except unittest.SkipTest as skip:
            skipped.append(f"{test.name}: {skip}")
    return runner.failures, report.getvalue(), skipped


MODULES = [name for name in module_names() if docstring_tests(name)]


@pytest.mark.parametrize("name", MODULES, ids=MODULES)
def test_examples(name: str) -> None:
    failed, report, skipped = run_examples(docstring_tests(name))
    if failed:
        pytest.fail(f"{failed} example(s) of {name} failed:\n{report}", pytrace=False)
    if skipped:
        pytest.skip("; ".join(skipped))


def test_the_walk_finds_modules_in_every_layer() -> None:
    """Guards the discovery itself: a walk that silently found nothing would pass every test."""
    layers = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert {"annotate", "clean", "link", "present", "read", "store", "watch", "web"} <= layers
    assert "crisol.link.similarity" in MODULES and "crisol.text" in MODULES


def _docstring(source: str) -> doctest.DocTest:
    return doctest.DocTestParser().get_doctest(source, {"SkipTest": unittest.SkipTest}, "made", None, 0)


def test_a_failing_example_fails_with_doctests_report() -> None:
    failed, report, _ = run_examples([_docstring(">>> round(0.8000000119, 6)\n0.800000011920929\n")])
    assert failed == 1 and "Expected:\n    0.800000011920929\nGot:\n    0.8" in report


def test_an_example_that_raises_skiptest_skips_the_rest_of_its_docstring_only() -> None:
    needs = _docstring('>>> raise SkipTest("needs ../shared")\n>>> 1/0\n')
    still_runs = _docstring(">>> 1 + 1\n3\n")
    failed, _, skipped = run_examples([needs, still_runs])
    assert failed == 1 and skipped == ["made: needs ../shared"]
