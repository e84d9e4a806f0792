"""One deadline for a block of lookups: ``with netdb.deadline(2.0): ...``.

Every lookup that may wait for DNS asks its Resolver for the call's deadline
(``Resolver.call_deadline``); that is the earliest of ``Resolver(timeout=...)``
counted from the call's start and the deadline of the innermost
``netdb.deadline`` block around it.  So the lookups inside one block share its
time, whatever each one would otherwise be allowed::

    with netdb.deadline(2.0):
        a = netdb.getaddrinfo("db.example", 5432)      # may use up to 2 s
        b = netdb.getaddrinfo("cache.example", 6379)   # gets what is left

A lookup that reaches the deadline fails as it fails on a DNS timeout:
``gaierror`` EAI_AGAIN (getaddrinfo, getnameinfo, gethostbyname),
``herror`` TRY_AGAIN (gethostbyname_ex, gethostbyaddr), ``SrvError`` with
reason ``timeout`` (resolve_srv).  A lookup started after the deadline sends
nothing.  Lookups answered from files never wait, so a deadline does not
concern them.

The deadline lives in a ``contextvars.ContextVar``: it holds for the thread
(or asyncio task) that entered the block and for tasks created inside it, and
nested blocks can only shorten it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Deadline", "current_deadline", "deadline", "earliest"]

_DEADLINE: ContextVar[float | None] = ContextVar("netdb_deadline", default=None)


class Deadline:
    """A point in time (``time.monotonic()``) by which the lookups of a block must finish."""

    __slots__ = ("when",)

    def __init__(self, when: float) -> None:
        self.when = when

    def remaining(self) -> float:
        """Seconds left (0 once the deadline has passed)."""
        return max(0.0, self.when - time.monotonic())

    @property
    def expired(self) -> bool:
        """True once the deadline has passed."""
        return time.monotonic() >= self.when

    def __repr__(self) -> str:
        return f"<netdb.Deadline in {self.when - time.monotonic():.3f}s>"


def check_seconds(seconds: object, what: str = "deadline") -> float:
    """A positive, finite number of seconds, or ``ValueError``/``TypeError`` saying what is wrong."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {type(seconds).__name__}")
    value = float(seconds)
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{what} must be a positive number of seconds, not {seconds!r}")
    return value


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Give the lookups inside the ``with`` block at most ``seconds`` in all (see the module doc).

    Nested blocks cannot extend an outer deadline, only shorten it.  Raises
    ``ValueError`` unless ``seconds`` is a positive, finite number.
    """
    when = time.monotonic() + check_seconds(seconds)
    outer = _DEADLINE.get()
    if outer is not None and outer < when:
        when = outer
    token = _DEADLINE.set(when)
    try:
        yield Deadline(when)
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float | None:
    """The innermost ``deadline`` block's end (``time.monotonic()``), or None outside any block."""
    return _DEADLINE.get()


def earliest(timeout: float | None) -> float | None:
    """The deadline of a call starting now: ``timeout`` seconds from now, or the block's, whichever is first."""
    shared = _DEADLINE.get()
    if timeout is None:
        return shared
    own = time.monotonic() + timeout
    return own if shared is None or own < shared else shared
