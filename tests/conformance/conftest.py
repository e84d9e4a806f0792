"""Differential tests against glibc: skipped with the reason where namespaces are unavailable."""

from __future__ import annotations

import pytest

from support import glibc_ns


@pytest.fixture
def glibc() -> object:
    """The namespace runner; skips the test when glibc cannot be run against fixtures here."""
    glibc_ns.require()
    return glibc_ns
