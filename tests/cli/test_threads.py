"""The command line runs one BLAS/OpenMP thread per process unless the environment asks for more:
the variables are set before any numerical library loads, and a user's own value wins."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import os
import crisol.cli
import numpy, threadpoolctl
blas = {i["internal_api"]: i["num_threads"] for i in threadpoolctl.threadpool_info()}
print(os.environ["OMP_NUM_THREADS"], os.environ["OPENBLAS_NUM_THREADS"], max(blas.values()))
"""

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _probe(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_one_thread_by_default():
    assert _probe() == ["1", "1", "1"]


def test_the_users_setting_wins():
    omp, openblas, _ = _probe(OMP_NUM_THREADS="3", OPENBLAS_NUM_THREADS="2")
    assert (omp, openblas) == ("3", "2")
