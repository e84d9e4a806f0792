"""The spec tests (tests/unit/test_gai_spec.py) must hold for glibc itself.

Runs that file with ``NETDB_SPEC_ORACLE=glibc``: every ``netdb.Resolver`` there is
replaced by ``support.glibc_oracle.GlibcResolver``, which answers through glibc in
a private namespace.  A spec assertion that glibc does not satisfy fails here,
whatever netdb does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.glibc
def test_spec_holds_for_glibc(glibc: object) -> None:
    env = {**os.environ, "NETDB_SPEC_ORACLE": "glibc"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider",
         str(REPO / "tests" / "unit" / "test_gai_spec.py")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
