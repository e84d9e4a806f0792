"""The name-service switch: walk a database's sources with glibc's actions.

``nsswitch.conf`` names, per database, the sources to ask in order and what to
do after each answer: ``[STATUS=action]`` with STATUS one of SUCCESS,
NOTFOUND, UNAVAIL, TRYAGAIN and action ``return``, ``continue`` or ``merge``
(by default SUCCESS returns and every other status continues).  This module
is that walk, written once:

* ``walk`` is a generator: a source that needs I/O (DNS) yields requests and
  receives their results (the sans-I/O style); sources without I/O just
  return.  The sync and async drivers (``netdb.drive``) run it.
* Every step is recorded as a ``Step`` (source, status, action, time, detail)
  when a trace list is given; ``--explain`` prints exactly this record.

The hosts database does not support ``merge`` in glibc: a ``merge`` action
there ends the lookup with an error (see ``netdb.gai``); other databases
(services, protocols ...) treat it as ``return`` for our purposes, since their
single-entry answers cannot be merged either.
"""

import errno
import time
from collections.abc import Callable, Generator, Sequence
from typing import Any, NamedTuple, Protocol

__all__ = [
    "NOTFOUND",
    "SUCCESS",
    "TRYAGAIN",
    "UNAVAIL",
    "Answer",
    "SourceSpecLike",
    "Step",
    "walk",
    "walk_sync",
]

SUCCESS = "SUCCESS"
NOTFOUND = "NOTFOUND"
UNAVAIL = "UNAVAIL"
TRYAGAIN = "TRYAGAIN"


class SourceSpecLike(Protocol):
    """What the switch needs of one source named in nsswitch.conf."""

    @property
    def name(self) -> str:
        """The source's name (files, dns, myhostname ...)."""
        ...

    def action(self, status: str) -> str:
        """The action ``[STATUS=action]`` attaches to a status: continue, return or merge."""
        ...


class Answer(NamedTuple):
    """One source's answer to one question.

    ``h_errno`` is the resolver error the source set (glibc's getaddrinfo
    derives EAI codes from it); ``errno`` is set for internal failures;
    ``detail`` is a human sentence for ``--explain`` (which file and line,
    which DNS names were tried ...); ``records`` is the structured form of
    what a source did (the DNS source: one ``netdb.dns.trace.QueryRecord``
    per query); ``source`` is filled in by the walk.
    """

    status: str
    value: Any = None
    h_errno: int = 0
    errno: int = 0
    detail: str = ""
    records: tuple[Any, ...] = ()
    source: str = ""


class Step(NamedTuple):
    """One source consulted during a walk."""

    source: str
    status: str
    action: str
    seconds: float
    detail: str
    value: Any = None
    records: tuple[Any, ...] = ()


def walk(
    sources: Sequence[SourceSpecLike],
    ask: Callable[[str], Generator[Any, Any, Answer | None]],
    trace: list[Step] | None = None,
) -> Generator[Any, Any, tuple[Answer | None, str]]:
    """Ask each source in turn until an action says ``return``.

    ``ask(source_name)`` is a generator returning the source's ``Answer``,
    or None when the source lacks the function asked for (a module glibc
    cannot load): glibc's ``__nss_next2`` then moves on as after UNAVAIL but
    keeps the previous answer.
    A TRYAGAIN answer with errno ERANGE (the caller's buffer is too small)
    ends the walk whatever the action says, as in glibc's ``get*_r``.
    Returns the last answer, with its ``source`` set (None when the list was
    empty), and the action that ended the walk (``"return"``, ``"merge"`` or
    ``"end"`` when the sources ran out).
    """
    answer: Answer | None = None
    for spec in sources:
        started = time.perf_counter() if trace is not None else 0.0
        got = yield from ask(spec.name)
        if got is None:
            action = spec.action(UNAVAIL)
            if trace is not None:
                trace.append(Step(spec.name, UNAVAIL, action, time.perf_counter() - started,
                                  f"no `{spec.name}` module on this machine: skipped"))
            if action != "continue":
                return answer, action
            continue
        answer = got._replace(source=spec.name)
        action = spec.action(answer.status)
        if answer.status == TRYAGAIN and answer.errno == errno.ERANGE:
            action = "return"  # the caller's buffer is too small: glibc's get*_r stop here
        if trace is not None:
            trace.append(Step(spec.name, answer.status, action, time.perf_counter() - started, answer.detail,
                              answer.value, answer.records))
        if action != "continue":
            return answer, action
    return answer, "end"


def walk_sync(
    sources: Sequence[SourceSpecLike],
    ask: Callable[[str], Answer],
    trace: list[Step] | None = None,
) -> tuple[Answer | None, str]:
    """``walk`` for databases whose sources never need I/O (services, protocols ...).

    The same loop as ``walk`` without the generator machinery: these lookups
    are on the hot path of getaddrinfo's service resolution.
    """
    answer: Answer | None = None
    for spec in sources:
        started = time.perf_counter() if trace is not None else 0.0
        answer = ask(spec.name)._replace(source=spec.name)
        action = spec.action(answer.status)
        if trace is not None:
            trace.append(Step(spec.name, answer.status, action, time.perf_counter() - started, answer.detail, answer.value))
        if action != "continue":
            return answer, action
    return answer, "end"
