"""Fixtures shared by every suite."""

from __future__ import annotations

import pytest

from support import glibc_ns


@pytest.fixture
def glibc() -> object:
    """The namespace runner (tests/support/glibc_ns.py); skips when glibc cannot be run against fixtures here."""
    glibc_ns.require()
    return glibc_ns
