"""Benchmarks: one module per ``crisol bench NAME`` command (see :mod:`crisol.cli.bench`).

Helpers shared by all of them live in :mod:`crisol.bench._common`.
"""
