"""The bulk lane under asyncio: the getaddrinfo calls of one loop share ``netdb.bulklane``.

``netdb.aio.getaddrinfo`` on its own runs the full generator stack for every
call, with a socket and a few loop callbacks per query: about 230 µs of CPU
a name, so that a thousand concurrent calls go at a quarter of glibc's speed
through threads.  Yet concurrent calls are what ``resolve_many`` serves
with its fast lane, and a lane needs nothing but a turn of a driver to
begin names in and a descriptor to wait on.  Here the event loop is that
driver:

* a call asks :func:`ask`, which queues the name and, once per loop
  iteration, schedules a *turn*: every name queued since begins in the lane
  (one look at the files and resolv.conf for all of them, as in
  ``resolve_many``) and their queries go out back to back;
* the lane's sockets sit in an epoll set of its own, whose descriptor the
  loop watches (one reader, however many sockets); replies finish lookups,
  and a timer at ``Lane.next_deadline`` sends again or gives up on time;
* a name the lane does not take, or gives back (``None``), goes down the
  full path as before, within the same deadline: the answers are the full
  path's either way (``netdb.bulklane`` says how, and its tests show it).

A call alone (the only one of its turn, with none in flight) keeps to the
full path: its queries are glibc's, and a name that would leave the lane is
not asked twice.  The lane is for calls that overlap.  It serves one loop,
one resolver and one set of hints, opens with the first turn that has
company and closes (its sockets, its epoll set, the loop's reader) as soon
as no call is waiting on it.  A cancelled call withdraws its lookup.
Calls under a deadline of their own (``timeout=``, an enclosing
``netdb.deadline``) keep to the full path: a turn is shared, a deadline is
not.  Linux only (epoll); elsewhere :func:`ask` always answers None.
"""

from __future__ import annotations

import asyncio
import contextvars
import select
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .bulk import Moment
from .bulklane import Lane, LaneLookup

if TYPE_CHECKING:
    from .gai import GaiAnswer
    from .resolver import Resolver

__all__ = ["LoopLane", "ask"]

#: The open lanes of each loop, by resolver and hints (a loop that is dropped takes its lanes along).
_LANES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Any, ...], LoopLane]] = (
    weakref.WeakKeyDictionary())


def _bare(callback: Any, *args: Any) -> Any:
    """Run ``callback`` in an empty context: no caller's ``netdb.deadline`` reaches what a lane shares.

    (A new context each time: one context cannot be entered by two threads' loops at once.)
    """
    return contextvars.Context().run(callback, *args)


class LoopLane:
    """One ``Lane`` driven by one event loop; :meth:`ask` is a call's way in.

    The futures it hands out resolve to ``(answer, deadline)``: the answer
    when the lane found it, else None with the deadline the full path must
    keep (the turn's, as ``resolve_many`` keeps it).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, open_lane: Callable[[select.epoll], Lane | None],
                 lanes: dict[tuple[Any, ...], LoopLane], key: tuple[Any, ...]) -> None:
        self._loop_ref = weakref.ref(loop)  # (the loop holds this lane through its reader, not the other way)
        self._open_lane = open_lane
        self.lane: Lane | None = None  # (opened by the first turn with company: see _turn)
        self._poller: select.epoll | None = None
        self._lanes = lanes
        self._key = key
        self._queued: list[tuple[str | bytes, asyncio.Future[tuple[GaiAnswer | None, float | None]]]] = []
        self._lookups: dict[asyncio.Future[Any], LaneLookup] = {}  # by the future of the call waiting on it
        self._turn_due = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self.closed = False

    def ask(self, host: str | bytes) -> asyncio.Future[tuple[GaiAnswer | None, float | None]]:
        """Queue ``host`` for the next turn; the future's answer is None when the full path must take it."""
        loop = self._loop()
        future: asyncio.Future[tuple[GaiAnswer | None, float | None]] = loop.create_future()
        self._queued.append((host, future))
        if not self._turn_due:
            self._turn_due = True
            loop.call_soon(self._turn, context=contextvars.Context())
        return future

    def withdraw(self, future: asyncio.Future[Any]) -> None:
        """The call waiting on ``future`` was cancelled: forget its lookup (its queries' replies are ignored)."""
        lookup = self._lookups.pop(future, None)
        if lookup is not None and self.lane is not None:
            self.lane.cancel(lookup)
            self._settle()

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop_ref()
        assert loop is not None  # (only called from the loop's own callbacks and calls)
        return loop

    # -- the loop's callbacks -------------------------------------------------------------------

    def _start(self) -> Lane | None:
        """Open the lane and its epoll set, and have the loop watch that (None: it cannot be done here)."""
        poller = select.epoll()
        lane = self._open_lane(poller)
        if lane is not None:
            try:
                _bare(self._loop().add_reader, poller.fileno(), self._readable)  # (the handle keeps the context)
            except NotImplementedError:  # (a loop that cannot watch a descriptor)
                lane.close()
                lane = None
        if lane is None:
            poller.close()
            return None
        self.lane, self._poller = lane, poller
        return lane

    def _turn(self) -> None:
        """Begin every name queued since the last turn; send their queries together.

        A call alone (no other queued with it, none in flight) takes the full
        path: its queries are then glibc's, one name at a time, and a name
        that would leave the lane is not asked twice.  The lane is for calls
        that overlap.
        """
        self._turn_due = False
        queued, self._queued = self._queued, []
        live = [(host, future) for host, future in queued if not future.done()]  # (not cancelled meanwhile)
        lane = self.lane
        if lane is None and (len(live) < 2 or (lane := self._start()) is None):
            for _host, future in live:
                future.set_result((None, None))
            self._settle()
            return
        try:
            with Moment(lane):
                for host, future in live:
                    lookup = lane.begin(host, future)
                    if lookup is None:
                        future.set_result((None, None))
                        continue
                    self._lookups[future] = lookup
                for lookup, _none in lane.flush():
                    self._finish(lookup, None)
        except Exception:  # pragma: no cover - a bug in the lane must not strand its callers
            self._abandon(live)
            raise
        self._settle()

    def _readable(self) -> None:
        """Replies are waiting on some lane socket: finish the lookups they complete."""
        lane, poller = self.lane, self._poller
        assert lane is not None and poller is not None  # (watched only once open)
        with Moment(lane):
            for fd, _events in poller.poll(0):
                for lookup, answer in lane.receive(fd):
                    self._finish(lookup, answer)
        self._settle()

    def _timed(self) -> None:
        """``Lane.next_deadline`` has come: retransmissions, and lookups given up on (full path)."""
        self._timer = None
        lane = self.lane
        assert lane is not None  # (timed only once open)
        with Moment(lane):
            for lookup, _none in lane.expire(time.monotonic()):
                self._finish(lookup, None)
        self._settle()

    # -- bookkeeping ----------------------------------------------------------------------------

    def _finish(self, lookup: LaneLookup, answer: GaiAnswer | None) -> None:
        future: asyncio.Future[tuple[GaiAnswer | None, float | None]] = lookup.owner
        self._lookups.pop(future, None)
        if not future.done():
            future.set_result((answer, None if answer is not None else lookup.query.deadline))

    def _settle(self) -> None:
        """Close when nothing waits on the lane any more; else set the timer to its next deadline."""
        if self.closed:
            return
        if not self._lookups and not self._queued:
            self.close()
            return
        if self.lane is None:
            return
        due = self.lane.next_deadline()
        if due is None:
            return
        timer = self._timer
        if timer is not None:
            if self._timer_at == due:
                return
            timer.cancel()
        self._timer_at = due
        self._timer = self._loop().call_later(max(0.0, due - time.monotonic()), self._timed,
                                              context=contextvars.Context())

    def _abandon(self, queued: list[tuple[Any, asyncio.Future[Any]]]) -> None:  # pragma: no cover
        for _host, future in queued:
            if not future.done():
                future.set_result((None, None))
        for lookup in list(self._lookups.values()):
            self._finish(lookup, None)
        self.close()

    def close(self) -> None:
        """Close the lane's sockets and epoll set and stop watching it (calls still queued take the full path)."""
        if self.closed:
            return
        self.closed = True
        if self._lanes.get(self._key) is self:
            del self._lanes[self._key]
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for _host, future in self._queued:
            if not future.done():
                future.set_result((None, None))
        self._queued.clear()
        lane, poller = self.lane, self._poller
        if lane is not None and poller is not None:
            loop = self._loop_ref()
            if loop is not None and not loop.is_closed():
                loop.remove_reader(poller.fileno())
            lane.close()
            poller.close()


def ask(loop: asyncio.AbstractEventLoop, resolver: Resolver, host: Any, port: Any, family: Any, socktype: Any,
        proto: Any, flags: Any) -> tuple[LoopLane, asyncio.Future[tuple[GaiAnswer | None, float | None]]] | None:
    """The loop's lane for these hints and a future for getaddrinfo's answer; None when no lane can take them.

    The future resolves to ``(answer, None)``, or to ``(None, deadline)``
    when the full path must answer (within ``deadline`` when not None).  A
    caller that is cancelled while it waits calls ``withdraw(future)`` on
    the lane.
    """
    key = (id(resolver), port, type(port), family, socktype, proto, flags)
    if not hasattr(select, "epoll"):
        return None
    lanes = _LANES.get(loop)
    if lanes is None:
        lanes = _LANES[loop] = {}
    loop_lane = lanes.get(key)
    if loop_lane is None or loop_lane.closed:
        def open_lane(poller: select.epoll) -> Lane | None:
            return Lane.open(resolver, port, family, socktype, proto, flags, False, poller)

        loop_lane = lanes[key] = LoopLane(loop, open_lane, lanes, key)
    return loop_lane, loop_lane.ask(host)

