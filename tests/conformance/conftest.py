"""Differential tests against glibc: skipped with the reason where namespaces are unavailable."""

from __future__ import annotations

import pytest

from support import differential, glibc_ns


@pytest.fixture
def glibc() -> object:
    """The namespace runner; skips the test when glibc cannot be run against fixtures here."""
    glibc_ns.require()
    return glibc_ns


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the agreement counts of every differential run, whether the tests passed or not."""
    if differential.SUMMARY:
        terminalreporter.section("glibc agreement")
        for line in differential.SUMMARY:
            terminalreporter.write_line(line)
