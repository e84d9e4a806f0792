"""What one call depended on, for the answer memo (``netdb.gaimemo``).

While a call runs under :func:`recording`, every cached file it consults
(``CachedFile.get``) is listed, and anything that answers from the machine's
live state rather than from files (DNS, ``myhostname``) marks the call
volatile.  Writes to the thread's ``h_errno`` are kept too, so that a repeated
answer can leave ``h_errno`` as the real call did.  Outside ``recording`` the
hooks cost one thread-local attribute read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["ReadLog", "current", "note_h_errno", "note_volatile", "recording"]

class _Local(threading.local):
    """This thread's log; the class attribute answers for a thread that never recorded (no exception)."""

    log: ReadLog | None = None


_LOCAL = _Local()


class ReadLog:
    """The files one call read, whether it asked a live source, and the last ``h_errno`` it set."""

    __slots__ = ("files", "h_errno", "volatile")

    def __init__(self) -> None:
        self.files: list[Any] = []
        self.volatile = False
        self.h_errno: int | None = None


def current() -> ReadLog | None:
    """The log of the call running on this thread, if it is being recorded."""
    log = _LOCAL.log
    return log


def note_volatile() -> None:
    """The running call asked a source whose answer does not follow from files alone."""
    log = _LOCAL.log
    if log is not None:
        log.volatile = True


def note_h_errno(value: int) -> None:
    """The running call set the thread's ``h_errno`` to ``value``."""
    log = _LOCAL.log
    if log is not None:
        log.h_errno = value


@contextmanager
def recording() -> Iterator[ReadLog]:
    """Record the call made inside the ``with`` block (nested recordings each get their own log)."""
    previous = _LOCAL.log
    log = ReadLog()
    _LOCAL.log = log
    try:
        yield log
    finally:
        _LOCAL.log = previous
