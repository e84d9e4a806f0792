"""Many lookups at once on one thread: the resolution generators driven by epoll.

``resolve_many(resolver, names, ...)`` runs up to ``concurrency`` lookups at a
time.  Each is the same generator a single ``getaddrinfo`` runs (switch,
files, DNS with glibc's semantics: ``netdb.pysocket.resolve_gen``); this
driver answers their I/O requests (``netdb.dns.io``) with non-blocking
sockets, waits for all of them in one ``epoll``, and yields each name's
result as soon as it is known — in input order (the default) or in completion
order (``ordered=False``).  No thread per name, no asyncio.

Plain names take a fast lane first (``netdb.bulklane``): with getaddrinfo's
default hints, a name the hosts file lacks whose first search candidate the
first server answers with addresses is resolved without the generator stack,
on sockets shared by several lookups, to the same answer; any other outcome
sends the name down the full path.  ``fast=False`` turns the lane off.

Memory stays flat however long the input: names are read from the iterable
only as lookups finish, and in ordered mode at most ``window`` results wait
for a slow name before more input is read.

TCP exchanges (after a truncated UDP answer) are carried out with blocking
sockets bounded by their deadline; they are rare and short on a healthy
network, but a silent TCP server holds up the other lookups meanwhile.
"""

from __future__ import annotations

import _socket  # the C class: no Python-level __init__/close per lookup
import heapq
import itertools
import select
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from . import interfaces, watch
from .bulklane import Lane, LaneLookup
from .dns import io
from .dns.syncio import perform as perform_blocking
from .gai import GaiAnswer, new_tuple

__all__ = ["BulkResult", "Moment", "resolve_many"]

_MAX_DATAGRAM = 65535
#: Lookups started in one turn of the loop at most: the replies already in are taken in between, so
#: that a large ``concurrency`` does not begin with hundreds of queries at once, more than a server's
#: socket buffer holds (about 270 small datagrams by the kernel's default).
_BURST = 64


class BulkResult(NamedTuple):
    """One name's outcome: its position in the input, the name as given, the answer or the error."""

    position: int
    name: str | bytes
    answer: GaiAnswer | None
    error: BaseException | None
    seconds: float


class Moment:
    """A stretch of the driver's work that stands for one moment: the files and interfaces checked once.

    Inside it, the lookups started and finished all see the files (inotify
    generation) and the interface snapshot as they were at its first check,
    as if every change came just after it; outside it (while the caller runs
    between results) nothing is held.  ``netdb.aiolane`` wraps each of its
    loop callbacks in one.
    """

    __slots__ = ("lane", "watcher")

    def __init__(self, lane: Lane | None) -> None:
        self.watcher: watch.Watcher | None = None
        self.lane = lane

    def __enter__(self) -> None:
        watcher = self.watcher = watch.existing()
        if watcher is not None:
            watcher.hold()
        interfaces.hold()
        if self.lane is not None:
            self.lane.new_turn()

    def __exit__(self, *exc: object) -> None:
        interfaces.release()
        if self.watcher is not None:
            self.watcher.release()


class _Task:
    __slots__ = ("gen", "index", "name", "started", "token", "waiting")

    def __init__(self, index: int, name: str | bytes, gen: Any) -> None:
        self.index = index
        self.name = name
        self.gen = gen
        self.started = time.monotonic()
        self.waiting: _socket.socket | None = None
        self.token = 0


def resolve_many(
    resolver: Any,
    names: Iterable[str | bytes],
    *,
    port: str | None = None,
    family: int = 0,
    socktype: int = 0,
    proto: int = 0,
    flags: int = 0,
    concurrency: int = 256,
    ordered: bool = True,
    window: int | None = None,
    describe: bool = False,
    make: Callable[[str | bytes], Any] | None = None,
    fast: bool = True,
) -> Iterator[BulkResult]:
    """Resolve every name (getaddrinfo with these hints) and yield a ``BulkResult`` per name.

    Names are taken as ``socket.getaddrinfo`` takes them: ``str`` is
    IDNA-encoded as Python does, ``bytes`` go to the resolver unchanged (as a C
    program passes them).

    ``concurrency`` bounds the lookups in flight; ``ordered=False`` yields in
    completion order; ``window`` (default ``4 * concurrency``) bounds the
    finished results held back for a slow name in ordered mode.
    ``describe=True`` fills in each result's origin (``GaiEntry.origin``).
    ``make(name)`` replaces the lookup: any generator of ``netdb.dns.io``
    requests whose return value is the answer.  The lookup's own errors
    (``gaierror``, ``UnicodeError``) are results, not exceptions.
    ``fast=False`` sends every name down the full path (no fast lane, see
    ``netdb.bulklane``): the same answers, with glibc's own I/O pattern.
    """
    from .pysocket import resolve_gen

    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    window = window if window is not None else 4 * concurrency

    def default_make(name: str | bytes, deadline: float | None = None) -> Any:
        return resolve_gen(resolver, name, port, family, socktype, proto, flags, describe=describe,
                           deadline=deadline)

    start = make or default_make
    source = iter(names)
    poller = select.epoll()
    lane = None if make is not None or not fast else Lane.open(resolver, port, family, socktype, proto, flags, describe, poller)
    by_fd: dict[int, _Task] = {}
    timers: list[tuple[float, int, int, _Task]] = []
    ready: deque[tuple[_Task, Any, BaseException | None]] = deque()
    done: dict[int, BulkResult] = {}
    tiebreak = itertools.count()
    next_index = 0
    next_emit = 0
    active = 0
    exhausted = False

    def launch() -> bool:
        """Start lookups up to the limits, at most ``_BURST`` of them; True when the burst cap stopped it.

        The lane's queries for the names started go out together at the end.
        """
        capped = start_some()
        if lane is not None:
            for lookup, _none in lane.flush():
                lane_done(lookup, None)
        return capped

    def start_some() -> bool:
        nonlocal next_index, active, exhausted
        started = 0
        while not exhausted and active < concurrency and (not ordered or next_index - next_emit < window):
            if started == _BURST:
                return True
            try:
                name = next(source)
            except StopIteration:
                exhausted = True
                return False
            started += 1
            task = _Task(next_index, name, None)
            next_index += 1
            active += 1
            if lane is None or lane.begin(name, task) is None:
                task.gen = start(name)
                ready.append((task, None, None))
        return False

    def lane_done(lookup: LaneLookup, answer: GaiAnswer | None) -> None:
        task: _Task = lookup.owner
        if answer is not None:
            finish(task, answer, None)
        else:  # not a plain case: the full path, from the start, within the same deadline
            task.gen = default_make(task.name, lookup.query.deadline)
            ready.append((task, None, None))

    def finish(task: _Task, answer: GaiAnswer | None, error: BaseException | None) -> None:
        nonlocal active
        active -= 1
        done[task.index] = new_tuple(BulkResult, (task.index, task.name, answer, error, time.monotonic() - task.started))

    def advance(task: _Task, value: Any, error: BaseException | None) -> None:
        gen = task.gen
        while True:
            try:
                request = gen.throw(error) if error is not None else gen.send(value)
            except StopIteration as stop:
                finish(task, stop.value, None)
                return
            except Exception as exc:
                finish(task, None, exc)
                return
            error = None
            kind = type(request)
            try:
                if kind is io.UdpRecv:
                    sock: _socket.socket = request.handle
                    try:
                        value = sock.recv(_MAX_DATAGRAM)
                        continue
                    except BlockingIOError:
                        pass
                    if request.deadline <= time.monotonic():
                        value = None
                        continue
                    task.waiting = sock
                    task.token += 1
                    by_fd[sock.fileno()] = task
                    poller.register(sock.fileno(), select.EPOLLIN)
                    heapq.heappush(timers, (request.deadline, next(tiebreak), task.token, task))
                    return
                if kind is io.UdpSend:
                    request.handle.send(request.data)
                    value = None
                elif kind is io.UdpOpen:
                    sock = _socket.socket(request.family, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK)
                    value = sock
                elif kind is io.UdpConnect:
                    request.handle.connect(request.address)
                    value = request.handle.getsockname()[1]
                elif kind is io.Close:
                    request.handle.close()
                    value = None
                else:  # TCP: rare; blocking, bounded by the request's deadline
                    value = perform_blocking(request)
            except OSError as exc:
                error = exc
                value = None

    def wake(task: _Task, value: Any, error: BaseException | None) -> None:
        sock = task.waiting
        if sock is not None:
            fd = sock.fileno()
            if by_fd.get(fd) is task:
                del by_fd[fd]
                poller.unregister(fd)
        task.waiting = None
        task.token += 1
        ready.append((task, value, error))

    moment = Moment(lane)
    try:
        with moment:
            backlog = launch()
        while True:
            with moment:
                while ready:
                    task, value, error = ready.popleft()
                    advance(task, value, error)
            if ordered:
                while next_emit in done:
                    yield done.pop(next_emit)
                    next_emit += 1
            elif done:
                finished = list(done.values())
                done.clear()
                yield from finished
            with moment:
                backlog = launch()
            if ready:
                continue
            lane_deadline = lane.next_deadline() if lane is not None else None
            if not by_fd and not timers and lane_deadline is None and not backlog:
                if exhausted and active == 0:
                    break
                continue
            now = time.monotonic()
            wake_at = timers[0][0] if timers else now + 1.0
            if lane_deadline is not None and lane_deadline < wake_at:
                wake_at = lane_deadline
            events = poller.poll(0.0 if backlog else max(0.0, wake_at - now))
            with moment:
                for fd, _events in events:
                    if lane is not None and fd in lane.fds:
                        for lookup, lane_answer in lane.receive(fd):
                            lane_done(lookup, lane_answer)
                        continue
                    polled = by_fd.get(fd)
                    if polled is None or polled.waiting is None:
                        continue
                    try:
                        data: Any = polled.waiting.recv(_MAX_DATAGRAM)
                        wake(polled, data, None)
                    except BlockingIOError:
                        continue
                    except OSError as exc:
                        wake(polled, None, exc)
                now = time.monotonic()
                if lane is not None:
                    for lookup, _ in lane.expire(now):
                        lane_done(lookup, None)
            while timers and timers[0][0] <= now:
                _, _, token, task = heapq.heappop(timers)
                if task.waiting is not None and task.token == token:
                    wake(task, None, None)
            while timers and timers[0][2] != timers[0][3].token:  # drop stale timers cheaply
                heapq.heappop(timers)
    finally:
        for task in list(by_fd.values()):
            if task.waiting is not None:
                task.waiting.close()
        if lane is not None:
            lane.close()
        poller.close()
