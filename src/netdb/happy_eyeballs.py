"""Happy Eyeballs (RFC 8305): connect to the first address that answers, and say how.

    conn = netdb.happy_eyeballs.connect("www.example.test", 443)
    conn.socket        # the connected socket (blocking), yours to close
    conn.winner        # the Attempt that won
    conn.attempts      # every attempt started: address, start, result, elapsed

The addresses are getaddrinfo's (for ``SOCK_STREAM``), already in RFC 6724
order as glibc sorts them; they are then **interleaved by family** as RFC 8305
§4 says: ``first_family_count`` addresses of the first result's family, then
one of the other family, one of the first, and so on.  Attempts are
**staggered** (§5): the first starts at once, each next one when the
Connection Attempt Delay (``delay``, 250 ms by default; RFC 8305 bounds it to
10 ms - 2 s) has passed since the previous one started, or at once when every
attempt started so far has failed.  Attempts run in parallel; the first TCP
handshake to complete wins and every other attempt is cancelled (its socket
closed).  ``timeout`` bounds the whole race (None: until the kernel gives up
on each attempt).

An :class:`Attempt` records the address, when it started (seconds after the
race started), its result — ``"connected"``, ``"refused"`` (RST: nothing
listens), ``"timed out"`` (no answer before ``timeout``, or the kernel's own
SYN retries ran out), ``"error"`` (another errno: unreachable, no such
address ...) or ``"cancelled"`` (another attempt won first) — and how long
it lasted.

When no attempt connects, :class:`ConnectError` (an ``OSError``) is raised
with the attempts; resolution errors are netdb's ``gaierror``.  The same
algorithm runs on asyncio: :func:`connect_async` / :func:`race_async` return
the same :class:`Connection` with a non-blocking socket, ready for
``asyncio.open_connection(sock=conn.socket)``.  :func:`race` and
:func:`race_async` take getaddrinfo results from anywhere.

Resolution happens before the race, in one getaddrinfo call (files answer
both families at once), so RFC 8305 §3's Resolution Delay does not arise.
"""

from __future__ import annotations

import asyncio
import errno as errno_mod
import os
import selectors
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = [
    "DEFAULT_DELAY",
    "Attempt",
    "ConnectError",
    "Connection",
    "connect",
    "connect_async",
    "interleave",
    "race",
    "race_async",
]

#: RFC 8305's recommended Connection Attempt Delay, in seconds.
DEFAULT_DELAY = 0.25
_MIN_DELAY = 0.01
_MAX_DELAY = 2.0

AddrInfo = tuple[Any, ...]


@dataclass
class Attempt:
    """One connection attempt: which address, when it started, how it ended."""

    index: int  #: position in the interleaved order (0 = first tried)
    family: int  #: AF_INET or AF_INET6
    sockaddr: tuple[Any, ...]  #: the socket address connected to
    start: float  #: seconds after the race started
    end: float | None = None  #: seconds after the race started; None while running
    result: str = "running"  #: connected, refused, timed out, error, cancelled
    errno: int | None = None  #: the errno of a failure
    error: str | None = None  #: its text

    @property
    def address(self) -> str:
        """The address, as text (with ``%scope`` for a scoped IPv6 address)."""
        host = str(self.sockaddr[0])
        if self.family == socket.AF_INET6 and len(self.sockaddr) > 3 and self.sockaddr[3] and "%" not in host:
            host += f"%{self.sockaddr[3]}"
        return host

    @property
    def port(self) -> int:
        """The port."""
        return int(self.sockaddr[1])

    @property
    def elapsed(self) -> float | None:
        """Seconds from this attempt's start to its end (None while running)."""
        return None if self.end is None else self.end - self.start

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (times in milliseconds)."""
        return {
            "index": self.index,
            "address": self.address,
            "family": "inet6" if self.family == socket.AF_INET6 else "inet",
            "port": self.port,
            "start_ms": round(self.start * 1000, 3),
            "result": self.result,
            "elapsed_ms": None if self.elapsed is None else round(self.elapsed * 1000, 3),
            "errno": self.errno,
            "error": self.error,
        }


@dataclass
class Connection:
    """The outcome of a race that connected: the socket, the winner, every attempt."""

    socket: socket.socket
    winner: Attempt
    attempts: list[Attempt]
    addresses: list[AddrInfo] = field(default_factory=list)  #: the interleaved getaddrinfo results

    def close(self) -> None:
        """Close the socket."""
        self.socket.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ConnectError(OSError):
    """No attempt connected.  ``attempts`` says what happened to each address.

    ``errno`` is ETIMEDOUT when the race ran out of time, else the last
    failure's errno (ECONNREFUSED when every address refused).
    """

    def __init__(self, message: str, attempts: list[Attempt], addresses: list[AddrInfo], code: int) -> None:
        super().__init__(code, message)
        self.attempts = attempts
        self.addresses = addresses


def interleave(infos: Sequence[AddrInfo], first_family_count: int = 1) -> list[AddrInfo]:
    """RFC 8305 §4: alternate address families, starting with the first result's.

    ``first_family_count`` results of the first family come first, then one
    of each family in turn (each family's results keep their order).
    """
    if first_family_count < 1:
        raise ValueError("first_family_count must be at least 1")
    if not infos:
        return []
    by_family: dict[int, list[AddrInfo]] = {}
    for info in infos:
        by_family.setdefault(int(info[0]), []).append(info)
    queues = list(by_family.values())
    first = queues[0]
    out = first[:first_family_count]
    queues[0] = first[first_family_count:]
    turn = 1 % len(queues)
    while any(queues):
        if queues[turn]:
            out.append(queues[turn].pop(0))
        turn = (turn + 1) % len(queues)
    return out


def _check_delay(delay: float) -> None:
    if not _MIN_DELAY <= delay <= _MAX_DELAY:
        raise ValueError(f"delay must be between {_MIN_DELAY} and {_MAX_DELAY} seconds (RFC 8305 §8), not {delay!r}")


def _result_of(code: int) -> str:
    if code == errno_mod.ECONNREFUSED:
        return "refused"
    if code == errno_mod.ETIMEDOUT:
        return "timed out"
    return "error"


def _prepare(infos: Sequence[AddrInfo], type: int, first_family_count: int) -> list[AddrInfo]:
    seen: set[tuple[int, tuple[Any, ...]]] = set()
    usable = []
    for info in infos:
        if info[0] not in (socket.AF_INET, socket.AF_INET6) or (type and info[1] not in (0, type)):
            continue
        key = (int(info[0]), tuple(info[4]))
        if key in seen:
            continue
        seen.add(key)
        usable.append(info)
    return interleave(usable, first_family_count)


class _Race:
    """The bookkeeping shared by the sync and the asyncio drivers."""

    def __init__(self, order: list[AddrInfo], type: int, delay: float, timeout: float | None, now: float) -> None:
        self.order = order
        self.type = type
        self.delay = delay
        self.t0 = now
        self.deadline = None if timeout is None else now + timeout
        self.next_index = 0
        self.next_start = now
        self.attempts: list[Attempt] = []
        self.running: dict[int, tuple[socket.socket, Attempt]] = {}  # fd -> (socket, attempt)
        self.winner: tuple[socket.socket, Attempt] | None = None
        self.timed_out = False

    def due(self, now: float) -> bool:
        """True when the next attempt should start now."""
        if self.next_index >= len(self.order):
            return False
        return now >= self.next_start or not self.running

    def open_next(self, now: float) -> tuple[socket.socket, Attempt] | None:
        """Create the next attempt's socket (None when that failed: recorded as an error)."""
        info = self.order[self.next_index]
        attempt = Attempt(self.next_index, int(info[0]), tuple(info[4]), now - self.t0)
        self.attempts.append(attempt)
        self.next_index += 1
        self.next_start = now + self.delay
        try:
            sock = socket.socket(info[0], self.type, info[2])
            sock.setblocking(False)
        except OSError as exc:
            self.fail(attempt, exc.errno or errno_mod.EINVAL, now)
            return None
        self.running[sock.fileno()] = (sock, attempt)
        return sock, attempt

    def fail(self, attempt: Attempt, code: int, now: float) -> None:
        """An attempt failed: record it; the next one may start at once."""
        attempt.end = now - self.t0
        attempt.result = _result_of(code)
        attempt.errno = code
        attempt.error = os.strerror(code)
        self.next_start = now

    def finish(self, sock: socket.socket, code: int, now: float) -> None:
        """An attempt ended with ``code`` (0: connected)."""
        _, attempt = self.running.pop(sock.fileno())
        if code == 0:
            attempt.end = now - self.t0
            attempt.result = "connected"
            self.winner = (sock, attempt)
            return
        sock.close()
        self.fail(attempt, code, now)

    def wait_time(self, now: float) -> float | None:
        """How long the driver may wait for an event before it must act."""
        limits = []
        if self.next_index < len(self.order):
            limits.append(self.next_start - now)
        if self.deadline is not None:
            limits.append(self.deadline - now)
        return max(0.0, min(limits)) if limits else None

    def close_rest(self, now: float) -> None:
        """Close every attempt still running: cancelled after a win, timed out otherwise."""
        for sock, attempt in list(self.running.values()):
            sock.close()
            attempt.end = now - self.t0
            if self.winner is not None:
                attempt.result = "cancelled"
            else:
                attempt.result = "timed out"
                attempt.errno = errno_mod.ETIMEDOUT
                attempt.error = os.strerror(errno_mod.ETIMEDOUT)
        self.running.clear()

    def connection(self) -> Connection:
        """The result, or ConnectError."""
        if self.winner is not None:
            sock, attempt = self.winner
            return Connection(sock, attempt, self.attempts, self.order)
        if not self.attempts:
            raise ConnectError("no address to connect to", [], self.order, errno_mod.EADDRNOTAVAIL)
        if self.timed_out:
            code, text = errno_mod.ETIMEDOUT, "timed out"
        else:
            code = self.attempts[-1].errno or errno_mod.ECONNREFUSED
            text = os.strerror(code)
        summary = ", ".join(f"{a.address}: {a.result}" for a in self.attempts)
        raise ConnectError(f"could not connect ({text}): {summary}", self.attempts, self.order, code)


def race(infos: Sequence[AddrInfo], *, delay: float = DEFAULT_DELAY, timeout: float | None = None,
         first_family_count: int = 1, type: int = socket.SOCK_STREAM) -> Connection:
    """Happy Eyeballs over getaddrinfo results (blocking); see the module documentation.

    Results of other socket types than ``type`` and repeated addresses are
    dropped; the rest is interleaved by family and raced.
    """
    _check_delay(delay)
    order = _prepare(infos, type, first_family_count)
    state = _Race(order, type, delay, timeout, time.monotonic())
    sel = selectors.DefaultSelector()
    try:
        while state.winner is None:
            now = time.monotonic()
            if state.deadline is not None and now >= state.deadline:
                state.timed_out = bool(state.running) or state.next_index < len(order)
                break
            if state.due(now):
                opened = state.open_next(now)
                if opened is not None:
                    sock, attempt = opened
                    code = sock.connect_ex(attempt.sockaddr)
                    if code in (errno_mod.EINPROGRESS, errno_mod.EWOULDBLOCK, errno_mod.EAGAIN):
                        sel.register(sock, selectors.EVENT_WRITE)
                    else:
                        state.finish(sock, code, time.monotonic())
                continue
            if not state.running:
                break  # every address tried, every attempt failed
            for key, _ in sel.select(state.wait_time(now)):
                ready = key.fileobj
                assert isinstance(ready, socket.socket)
                sel.unregister(ready)
                code = ready.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                state.finish(ready, code, time.monotonic())
                if state.winner is not None:
                    break
    finally:
        sel.close()
        state.close_rest(time.monotonic())
    conn = state.connection()
    conn.socket.setblocking(True)
    conn.socket.settimeout(socket.getdefaulttimeout())
    return conn


def _resolve(resolver: Resolver | None, host: Any, port: Any, family: int, type: int) -> list[AddrInfo]:
    if resolver is None:
        from . import default_resolver

        resolver = default_resolver()
    return resolver.getaddrinfo(host, port, family, type)


def connect(host: str | bytes, port: int | str | bytes, *, family: int = 0, resolver: Resolver | None = None,
            delay: float = DEFAULT_DELAY, timeout: float | None = None, first_family_count: int = 1) -> Connection:
    """Resolve ``host``/``port`` with netdb (``getaddrinfo(..., SOCK_STREAM)``) and race the addresses.

    ``resolver`` defaults to netdb's default Resolver.  Returns a
    :class:`Connection` whose blocking socket is the caller's to close;
    raises ``netdb.gaierror`` when the name does not resolve and
    :class:`ConnectError` when no address accepts the connection.
    """
    _check_delay(delay)
    infos = _resolve(resolver, host, port, family, socket.SOCK_STREAM)
    return race(infos, delay=delay, timeout=timeout, first_family_count=first_family_count)


async def race_async(infos: Sequence[AddrInfo], *, delay: float = DEFAULT_DELAY, timeout: float | None = None,
                     first_family_count: int = 1, type: int = socket.SOCK_STREAM) -> Connection:
    """:func:`race` on the running asyncio loop; the socket returned is non-blocking."""
    _check_delay(delay)
    loop = asyncio.get_running_loop()
    order = _prepare(infos, type, first_family_count)
    state = _Race(order, type, delay, timeout, loop.time())
    tasks: dict[asyncio.Future[None], socket.socket] = {}
    try:
        while state.winner is None:
            now = loop.time()
            if state.deadline is not None and now >= state.deadline:
                state.timed_out = bool(state.running) or state.next_index < len(order)
                break
            if state.due(now):
                opened = state.open_next(now)
                if opened is not None:
                    sock, attempt = opened
                    tasks[asyncio.ensure_future(loop.sock_connect(sock, attempt.sockaddr))] = sock
                continue
            if not state.running:
                break
            done, _ = await asyncio.wait(list(tasks), timeout=state.wait_time(now),
                                         return_when=asyncio.FIRST_COMPLETED)
            for finished in done:
                sock = tasks.pop(finished)
                exc = finished.exception()
                code = 0 if exc is None else (getattr(exc, "errno", None) or errno_mod.ECONNABORTED)
                state.finish(sock, code, loop.time())
                if state.winner is not None:
                    break
    finally:
        for pending in tasks:
            pending.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        state.close_rest(loop.time())
    return state.connection()


async def connect_async(host: str | bytes, port: int | str | bytes, *, family: int = 0,
                        resolver: Resolver | None = None, delay: float = DEFAULT_DELAY,
                        timeout: float | None = None, first_family_count: int = 1) -> Connection:
    """:func:`connect` on the running asyncio loop (resolution runs in the loop's executor).

        conn = await netdb.happy_eyeballs.connect_async("api.test", 8080)
        reader, writer = await asyncio.open_connection(sock=conn.socket)
    """
    _check_delay(delay)
    loop = asyncio.get_running_loop()
    infos = await loop.run_in_executor(None, _resolve, resolver, host, port, family, socket.SOCK_STREAM)
    return await race_async(infos, delay=delay, timeout=timeout, first_family_count=first_family_count)
