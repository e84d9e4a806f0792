"""The fast lane of bulk resolution: plain A+AAAA lookups without the generator stack.

``resolve_many`` spends most of its time, name after name, in the general
machinery: a dozen nested generators (getaddrinfo, the switch walk, nss_dns,
``res_search``, ``res_query``, glibc's ``send_dg`` state machine) passing each
I/O request up and its result down, and a socket opened, connected, polled
and closed per lookup.  Most names in a big list are plain: the hosts file
does not have them, the first search candidate has A and/or AAAA records,
the server answers both queries at once.  For those this module computes
the same answer directly; everything else goes down the full path.

A name takes the lane when (checked per call and per name, conservatively):

* the hints are getaddrinfo(AF_UNSPEC) without flags (any socket type,
  protocol and service: the service step is the full path's own);
* the hosts switch walks only ``files`` sources before ``dns``, each of
  which answers NOTFOUND with ``[NOTFOUND=continue]``, and ``dns`` has
  ``[SUCCESS=return]``;
* resolv.conf names a server, allows at least one attempt and sets none of
  ``use-vc``, ``no-aaaa``, ``single-request``, ``single-request-reopen``
  (nor has glibc's fallback to them been learnt), ``rotate`` over several
  servers, or an error glibc refuses;
* the caller's deadline has not passed;
* the name is not numeric, is a valid host name (``res_hnok``), its first
  search candidate encodes and both queries fit in 512 bytes.

The lane then sends the A and AAAA queries of that candidate to the first
server, as glibc's ``send_dg`` sends them (both at once, from one connected
socket), and keeps the pair only when both replies match their query (id
and question), are NOERROR, not truncated, and not the "no AA, no RA, no
records" reply glibc skips, and ``gaih_getanswer`` reads at least one
address from them — the replies in the order they arrived, as glibc fills
its buffers.  For such a pair glibc's path is fixed: ``res_search`` stops at
the first candidate, nss_dns returns SUCCESS, the switch returns; the
results are built by the same ``gai.finish_answer`` the full path ends with.
Anything else (NXDOMAIN, NODATA, SERVFAIL, a timeout, truncation, an ICMP
error, an unreadable answer) sends the name down the full path from the
start, which asks again and decides as glibc does.

The lane differs from glibc in its I/O only: the queries of several lookups
share a socket (each socket carries at most ``QUERIES_PER_SOCKET`` queries,
ids are random and unique among a socket's pending queries) and those of the
names begun in one turn of the driver go out back to back at its end
(``flush``: a loopback server still busy with the first needs no wake-up
per name, which measured about 1 µs less per query); a query whose reply
has not come after ``RETRY_RTTS`` smoothed pair times (at least
``MIN_RETRY``) is sent once more, unchanged (a datagram dropped by a busy
server's full socket buffer then costs milliseconds, not the patience); a
lookup whose pair is not complete within the lane's patience
(``PATIENCE_RTTS`` smoothed pair times, at least ``MIN_PATIENCE``, at most
the first server's timeout) goes down the full path, which starts again at
the first server; and a name
that leaves the lane is asked twice — which is why the lane steps aside for
``BYPASS_NAMES`` names after a window of ``HIT_WINDOW`` lookups most of
which left it.  A blocking single lookup never takes the lane (its queries
are glibc's, one by one); ``netdb.aio``'s getaddrinfo calls do, the calls of
one loop sharing one lane (``netdb.aiolane``).
"""

from __future__ import annotations

import _socket
import os
import re
import socket
import struct
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from . import udpbatch
from .dns.answers import gaih_getanswer
from .dns.names import MAXDNAME, binary_hnok, hnok_wire, lower_wire, pton
from .dns.wire import (
    CLASS_IN,
    EDNS_PAYLOAD,
    HEADER_SIZE,
    NOERROR,
    T_A,
    T_AAAA,
    T_OPT,
    queries_match,
)
from .files._text import encode_raw
from .gai import (
    AF_UNSPEC,
    AddrTuple,
    Found,
    GaiAnswer,
    finish_answer,
    get_servtuples,
    new_tuple,
    parse_service,
    text_to_binary,
)
from .hostnss import HostQuery
from .pysocket import c_host, c_port
from .switch import NOTFOUND, SUCCESS

if TYPE_CHECKING:
    import select

    from .dns.config import DnsConfig, Server
    from .resolver import Resolver

__all__ = ["BYPASS_NAMES", "HIT_WINDOW", "MIN_PATIENCE", "MIN_RETRY", "PATIENCE_RTTS", "QUERIES_PER_SOCKET",
           "RETRY_RTTS", "Lane", "LaneLookup"]

QUERIES_PER_SOCKET = 64
"""How many queries one lane socket sends before a fresh socket (a fresh source port) takes over."""

MIN_PATIENCE = 0.25
"""The least time (seconds) the lane waits for a pair before the full path takes the name over."""
PATIENCE_RTTS = 8
"""The lane waits this many smoothed pair times (when that is more than ``MIN_PATIENCE``)."""

RETRY_RTTS = 4
"""A query of the pair still unanswered after this many smoothed pair times is sent once more."""
MIN_RETRY = 0.05
"""The least time (seconds) before that one retransmission."""

HIT_WINDOW = 64
"""Lane lookups per window of the lane's hit count (see ``Lane.begin``)."""
BYPASS_NAMES = 512
"""Names sent straight down the full path after a window in which most lane lookups left the lane."""

_MAX_DATAGRAM = 65535
_MAX_UDP_QUERY = 512
_TC = 0x0200
_AA = 0x0400
_RA = 0x0080
_A_TAIL = struct.pack("!HH", T_A, CLASS_IN)  # the question's type and class
_AAAA_TAIL = struct.pack("!HH", T_AAAA, CLASS_IN)
_OPT = b"\x00" + struct.pack("!HHIH", T_OPT, EDNS_PAYLOAD, 0, 0)
#: A character no numeric host has (outside a ``%scope``): such a name skips ``text_to_binary``.
_NOT_NUMERIC = re.compile(r"[^0-9A-Fa-fXx.:]")
_AF_INET = int(socket.AF_INET)
_AF_INET6 = int(socket.AF_INET6)
_SOCK_FLAGS = socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK


_IGNORED, _UNPLAIN, _WAITING, _PAIR = range(4)

#: The question's type (2 bytes) -> what each answer record of the usual shape starts with (a pointer
#: to the question's name, the type), its RDLENGTH (2 bytes), the address size and family.
_RECORD_SHAPES = {
    struct.pack("!H", T_A): (b"\xc0\x0c" + struct.pack("!H", T_A), b"\x00\x04", 4, _AF_INET),
    struct.pack("!H", T_AAAA): (b"\xc0\x0c" + struct.pack("!H", T_AAAA), b"\x00\x10", 16, _AF_INET6),
}


class _Plan(NamedTuple):
    """What the lane asks for a name: the name, the call's HostQuery and servtuples, the question, where, until when."""

    name: str
    query: HostQuery
    servtuples: list[Any]
    wire: bytes
    server: Server
    deadline: float


class _Turn(NamedTuple):
    """What the names begun in one turn share: whether the lane runs at all, and what it runs with."""

    ok: bool
    conf: DnsConfig
    query: HostQuery
    files: int | None  # files entries before dns
    servtuples: list[Any]


class LaneLookup:
    """One name in the lane: its queries, the replies so far, what the driver attached."""

    __slots__ = (
        "deadline",
        "first",
        "name",
        "owner",
        "queries",
        "query",
        "question_end",
        "retry_at",
        "sent",
        "servtuples",
        "sock",
        "waiting",
        "wire_lower",
    )

    def __init__(self, name: str, query: HostQuery, servtuples: list[Any], queries: dict[int, bytes],
                 wire_lower: bytes, sock: _LaneSocket, deadline: float, owner: Any) -> None:
        self.name = name
        self.wire_lower = wire_lower  # the name asked, in wire form, lower case
        self.question_end = HEADER_SIZE + len(wire_lower) + 4  # where the question ends (name, type, class)
        self.query = query
        self.servtuples = servtuples
        self.queries = queries  # id -> query message, for the replies still awaited
        self.sock = sock
        self.deadline = deadline
        self.owner = owner
        self.first: bytes | None = None  # the reply that arrived first (glibc's buffer 1)
        self.sent = 0.0  # time.monotonic() when the queries went
        self.retry_at = 0.0  # when the unanswered query is sent again (0: not planned; -1: sent again)
        self.waiting = True


class _LaneSocket:
    """A connected UDP socket shared by several lookups, and the queries it waits for."""

    __slots__ = ("fd", "pending", "sent", "sock")

    def __init__(self, sock: Any) -> None:
        self.sock = sock
        self.fd: int = sock.fileno()
        self.pending: dict[int, LaneLookup] = {}
        self.sent = 0


class Lane:
    """Plain A+AAAA lookups for one ``resolve_many`` call (see the module's description).

    ``begin(name, owner)`` sends a name's queries and returns its
    ``LaneLookup``, or None when the name must take the full path (nothing
    was sent).  The driver polls ``fds`` with the ``poller`` given here, hands
    readable descriptors to ``receive`` and calls ``expire`` when
    ``next_deadline`` has passed; both return ``(lookup, answer)`` pairs, the
    answer None when the lookup must start again down the full path.
    """

    def __init__(self, resolver: Resolver, port: str | None, socktype: int, proto: int, describe: bool,
                 poller: select.epoll) -> None:
        self.resolver = resolver
        self.port = port
        self.socktype = socktype
        self.proto = proto
        self.describe = describe
        self.poller = poller
        self.fds: dict[int, _LaneSocket] = {}
        self._current: _LaneSocket | None = None
        self._current_server: Server | None = None
        self._order: deque[LaneLookup] = deque()
        self._retries: deque[LaneLookup] = deque()  # in the order their retransmissions are due
        self._outbox: list[LaneLookup] = []
        self._reader = udpbatch.open_reader()
        self._segments = udpbatch.segments_available()  # (False once the kernel refuses UDP_SEGMENT)
        self._random = b""
        self._random_at = 0
        self._srtt: float | None = None
        self._window_answered = 0
        self._window_done = 0
        self._bypass = 0
        self._turn_view: _Turn | None = None
        self._conf: DnsConfig | None = None
        self._conf_ok = False
        self._fixed = b""
        self._tail = b""
        self._first_timeout = 0.0

    def new_turn(self) -> None:
        """A new turn of the driver (one moment, files held): the lookups begun in it share one view.

        They share one ``HostQuery`` (the switch, host.conf, the hosts file
        and the call's deadline, taken at the turn's start) and one look at
        resolv.conf; each name's own steps are still its own.
        """
        self._turn_view = None

    def _use_conf(self, conf: DnsConfig) -> None:
        """Take in a resolv.conf: whether the lane may run under it, and the parts of every query."""
        self._conf = conf
        self._conf_ok = not (conf.fatal or not conf.servers or conf.attempts < 1 or conf.use_vc or conf.no_aaaa
                             or conf.single_request or conf.single_request_reopen
                             or (conf.rotate and len(conf.servers) > 1))
        self._fixed = struct.pack("!HHHHH", 0x0100 | (0x0020 if conf.trust_ad else 0), 1, 0, 0,
                                  1 if conf.edns0 else 0)  # flags and counts, as res_nmkquery writes them
        self._tail = _OPT if conf.edns0 else b""
        self._first_timeout = float(conf.try_timeout(0)) if conf.servers else 0.0

    def patience(self) -> float:
        """How long a lookup waits for its pair before the full path takes over (before resolv.conf's cap).

        ``PATIENCE_RTTS`` times the smoothed time the pairs take (as TCP
        smooths its round-trip time), at least ``MIN_PATIENCE``: a reply
        lost on the way costs that, not resolv.conf's timeout, and the full
        path then asks with glibc's own timeouts.
        """
        return self._rtts(PATIENCE_RTTS, MIN_PATIENCE)

    def retry_after(self) -> float:
        """How long a query waits for its reply before it is sent once more (same id, same server).

        ``RETRY_RTTS`` smoothed pair times, at least ``MIN_RETRY``: a
        datagram lost on the way (a server's full socket buffer) then costs
        that, not the lane's patience; a reply that was only late finds the
        query still pending, and the copy's reply is ignored.
        """
        return self._rtts(RETRY_RTTS, MIN_RETRY)

    def _rtts(self, count: float, least: float) -> float:
        """``count`` smoothed pair times, at least ``least`` (``least`` before the first sample)."""
        srtt = self._srtt
        return least if srtt is None else max(least, count * srtt)

    def _rtt_sample(self, seconds: float) -> None:
        srtt = self._srtt
        self._srtt = seconds if srtt is None else srtt + (seconds - srtt) / 8

    @classmethod
    def open(cls, resolver: Resolver, port: object, family: int, socktype: int, proto: int, flags: int,
             describe: bool, poller: select.epoll) -> Lane | None:
        """A lane for these hints (``port`` as the socket module takes it), or None when no name can take it."""
        if family != AF_UNSPEC or flags != 0 or not isinstance(socktype, int) or not isinstance(proto, int):
            return None
        try:
            service = c_port(port)
        except (OSError, OverflowError):
            return None
        return cls(resolver, None if service == "*" else service, int(socktype), int(proto), describe, poller)

    # -- sending ------------------------------------------------------------------------------

    def _qid(self) -> int:
        at = self._random_at
        if at >= len(self._random):
            self._random = os.urandom(4096)
            at = 0
        self._random_at = at + 2
        return (self._random[at] << 8) | self._random[at + 1]

    def _socket_for(self, server: Server) -> _LaneSocket:
        current = self._current
        if current is not None and current.sent < QUERIES_PER_SOCKET and self._current_server == server:
            return current
        if current is not None:
            self._current = None
            if not current.pending:
                self._close(current)
        sock = _socket.socket(server.family, _SOCK_FLAGS)
        try:
            sock.connect(server.sockaddr)
        except OSError:
            sock.close()
            raise
        lane_sock = _LaneSocket(sock)
        self.fds[lane_sock.fd] = lane_sock
        self.poller.register(lane_sock.fd, 1)  # EPOLLIN
        self._current, self._current_server = lane_sock, server
        return lane_sock

    def _close(self, lane_sock: _LaneSocket) -> None:
        if self.fds.pop(lane_sock.fd, None) is not None:
            self.poller.unregister(lane_sock.fd)
            lane_sock.sock.close()
        if self._current is lane_sock:
            self._current = None

    def _turn(self) -> _Turn | None:
        """This turn's shared view (resolv.conf, the HostQuery, the switch, the servtuples), or None: no lane."""
        turn = self._turn_view
        if turn is not None:
            return turn if turn.ok else None
        resolver = self.resolver
        conf, state = resolver.dns_setup()
        if conf is not self._conf:
            self._use_conf(conf)
        query = HostQuery(resolver, None, None, describe=self.describe)
        ok = self._conf_ok and not (state.single_request or state.single_request_reopen)
        files = _files_before_dns(query) if ok and query.switch_error is None else None
        servtuples: list[Any] = []
        if files is None:
            ok = False
        else:
            try:
                servtuples = get_servtuples(query, self.port, parse_service(self.port, 0), self.socktype,
                                            self.proto)
            except OSError:
                ok = False
        turn = self._turn_view = _Turn(ok, conf, query, files, servtuples)
        return turn if ok else None

    def plan(self, host: object) -> _Plan | None:
        """What the lane would ask for ``host`` (nothing is sent), or None when the name takes the full path."""
        try:
            name = c_host(host)
        except (UnicodeError, TypeError):
            return None
        if not name or name == "*":
            return None
        turn = self._turn()
        if turn is None:
            return None
        query = turn.query
        if turn.files and query.files_byname4(name).status != NOTFOUND:
            return None  # (the files source needs no I/O; asked once, it answers every files entry alike)
        try:
            if ("%" in name or _NOT_NUMERIC.search(name) is None) and text_to_binary(name, AF_UNSPEC, 0, Found()):
                return None
        except OSError:
            return None
        raw = encode_raw(name)
        raw_wire = hnok_wire(raw)
        if raw_wire is None:  # (nss_dns sends nothing for such a name)
            return None
        conf = turn.conf
        candidate = _first_candidate(conf, raw)
        if candidate is None:
            return None
        wire = raw_wire  # (res_hnok passed: the name as is is a valid host name in wire form too)
        if candidate is not raw:
            searched = pton(candidate)
            if searched is None or not binary_hnok(searched):
                return None
            wire = searched
        if HEADER_SIZE + len(wire) + 4 + len(self._tail) > _MAX_UDP_QUERY:
            return None
        now = time.monotonic()
        deadline = now + min(self._first_timeout, self.patience())
        if query.deadline is not None and query.deadline < deadline:
            if query.deadline <= now:
                return None  # glibc's path sends nothing past the caller's deadline
            deadline = query.deadline
        return new_tuple(_Plan, (name, query, turn.servtuples, wire, conf.servers[0], deadline))

    def _lookup(self, plan: _Plan, sock: _LaneSocket, owner: Any) -> LaneLookup:
        """The plan's two queries, with random ids none of the socket's pending queries has."""
        taken = sock.pending
        qid_a = self._qid()
        while qid_a in taken:
            qid_a = self._qid()
        qid_aaaa = self._qid()
        while qid_aaaa in taken or qid_aaaa == qid_a:
            qid_aaaa = self._qid()
        wire = plan.wire
        question = self._fixed + wire
        tail = self._tail
        queries = {qid_a: qid_a.to_bytes(2, "big") + question + _A_TAIL + tail,
                   qid_aaaa: qid_aaaa.to_bytes(2, "big") + question + _AAAA_TAIL + tail}
        return LaneLookup(plan.name, plan.query, plan.servtuples, queries, lower_wire(wire), sock, plan.deadline,
                          owner)

    def _tally(self, answered: bool) -> None:
        """Count a lookup the lane finished; after a window where most left it, step aside for a while."""
        self._window_answered += answered
        self._window_done += 1
        if self._window_done == HIT_WINDOW:
            if self._window_answered * 2 < HIT_WINDOW:
                self._bypass = BYPASS_NAMES
            self._window_answered = self._window_done = 0

    def begin(self, host: str | bytes, owner: Any) -> LaneLookup | None:
        """Queue the queries for ``host`` when it can take the lane; None when it cannot (nothing queued).

        The queries go out at the next :meth:`flush`, together with those of
        the other names begun since: sent back to back, they reach a server
        that is still awake instead of waking it once per name.

        After ``HIT_WINDOW`` lane lookups of which fewer than half were
        answered by the lane (a list of mostly nonexistent names, a server
        that drops replies), the next ``BYPASS_NAMES`` names go straight to
        the full path: each would otherwise be asked twice.
        """
        if self._bypass:
            self._bypass -= 1
            return None
        plan = self.plan(host)
        if plan is None:
            return None
        try:
            lane_sock = self._socket_for(plan.server)
        except OSError:
            return None
        lookup = self._lookup(plan, lane_sock, owner)
        pending = lane_sock.pending
        for qid in lookup.queries:
            pending[qid] = lookup
        lane_sock.sent += 2
        self._outbox.append(lookup)
        self._order.append(lookup)
        return lookup

    def flush(self) -> list[tuple[LaneLookup, None]]:
        """Send the queries queued by :meth:`begin`; the lookups whose queries could not go (full path)."""
        outbox = self._outbox
        if not outbox:
            return []
        failed: list[tuple[LaneLookup, None]] = []
        now = time.monotonic()
        retry_at = now + self.retry_after()
        retries = self._retries
        bursts: dict[tuple[_LaneSocket, int], list[LaneLookup]] = {}  # (socket, query length) -> lookups
        segments = self._segments
        for lookup in outbox:
            if not lookup.waiting:
                continue
            lookup.sent = now
            if retry_at < lookup.deadline:
                lookup.retry_at = retry_at
                retries.append(lookup)
            if segments:
                # (a name's A and AAAA queries have one length: the question differs only in its type)
                size = len(next(iter(lookup.queries.values())))
                burst = bursts.get((lookup.sock, size))
                if burst is None:
                    bursts[(lookup.sock, size)] = [lookup]
                else:
                    burst.append(lookup)
            else:
                self._send_each(lookup, failed)
        per_call = udpbatch.MAX_SEGMENTS // 2
        for burst in bursts.values():
            for start in range(0, len(burst), per_call):
                self._send_burst(burst[start : start + per_call], failed)
        outbox.clear()
        return failed

    def _send_burst(self, lookups: list[LaneLookup], failed: list[tuple[LaneLookup, None]]) -> None:
        """The queries of lookups on one socket, all of one length: one segmented ``sendmsg``.

        When the kernel refuses segmentation, the lane sends each datagram
        on its own from then on; any other error is the one a single
        ``send`` would have met (an ICMP error left by an earlier query): the
        first lookup takes it, as in :meth:`_send_each`, and the others are
        sent one by one.
        """
        if len(lookups) > 1 and self._segments:
            try:
                udpbatch.send_segments(lookups[0].sock.sock,
                                       [data for lookup in lookups for data in lookup.queries.values()])
                return
            except OSError as exc:
                if exc.errno in udpbatch.SEGMENTS_REFUSED:
                    self._segments = False
                else:
                    self._send_failed(lookups[0], failed)
                    lookups = lookups[1:]
        for lookup in lookups:
            self._send_each(lookup, failed)

    def _send_each(self, lookup: LaneLookup, failed: list[tuple[LaneLookup, None]]) -> None:
        """The lookup's queries, one ``send`` each."""
        send = lookup.sock.sock.send
        try:
            for data in lookup.queries.values():
                send(data)
        except OSError:
            self._send_failed(lookup, failed)

    def _send_failed(self, lookup: LaneLookup, failed: list[tuple[LaneLookup, None]]) -> None:
        # (an ICMP error from an earlier query, most likely): this name takes the full path, the
        # socket takes no more queries, and the lookups still on it time out into the full path
        lookup.sock.sent = QUERIES_PER_SOCKET
        self._drop(lookup)
        failed.append((lookup, None))

    def cancel(self, lookup: LaneLookup) -> None:
        """Give up a lookup nobody waits for any more (a cancelled call); later replies to it are ignored."""
        if lookup.waiting:
            self._drop(lookup)

    # -- receiving ------------------------------------------------------------------------------

    def _drop(self, lookup: LaneLookup) -> None:
        """Forget the lookup's awaited replies; close its socket when that was the last use."""
        lookup.waiting = False
        lane_sock = lookup.sock
        pending = lane_sock.pending
        for qid in lookup.queries:
            if pending.get(qid) is lookup:
                del pending[qid]
        if not pending and lane_sock is not self._current:
            self._close(lane_sock)

    def _fail_socket(self, lane_sock: _LaneSocket) -> list[tuple[LaneLookup, GaiAnswer | None]]:
        failed = list(dict.fromkeys(lane_sock.pending.values()))
        for lookup in failed:
            lookup.waiting = False
        lane_sock.pending.clear()
        self._close(lane_sock)
        for _ in failed:
            self._tally(False)
        return [(lookup, None) for lookup in failed]

    def receive(self, fd: int) -> list[tuple[LaneLookup, GaiAnswer | None]]:
        """Read every reply waiting on ``fd``: the lookups this finished, with their answers (None: full path).

        A burst is read with one ``recvmmsg`` where the platform has it
        (``netdb.udpbatch``), else one ``recv`` per datagram.
        """
        lane_sock = self.fds.get(fd)
        if lane_sock is None:
            return []
        out: list[tuple[LaneLookup, GaiAnswer | None]] = []
        reader = self._reader
        try:
            if reader is not None:
                while True:
                    batch = reader.read(fd)
                    for data, cut in batch:
                        self._datagram(lane_sock, data, cut, out)
                    if len(batch) < udpbatch.SLOTS:
                        break  # (drained when this call read it; later ones wake the poll again)
            else:
                sock = lane_sock.sock
                while True:
                    try:
                        data = sock.recv(_MAX_DATAGRAM)
                    except BlockingIOError:
                        break
                    self._datagram(lane_sock, data, False, out)
        except OSError:
            # an ICMP error (port unreachable ...): every lookup on this socket starts again
            out.extend(self._fail_socket(lane_sock))
            return out
        if not lane_sock.pending and lane_sock is not self._current:
            self._close(lane_sock)
        return out

    def _datagram(self, lane_sock: _LaneSocket, data: bytes, cut: bool,
                  out: list[tuple[LaneLookup, GaiAnswer | None]]) -> None:
        """One datagram read on a lane socket (``cut``: longer than the reader's slot, only its start is here)."""
        if len(data) < HEADER_SIZE:
            return
        qid = (data[0] << 8) | data[1]
        pending = lane_sock.pending
        lookup = pending.get(qid)
        if lookup is None:
            return
        verdict = _UNPLAIN if cut else self.take(lookup, qid, data)  # (the full path reads a cut reply whole)
        if verdict == _IGNORED:
            return
        del pending[qid]
        if verdict == _WAITING:
            return
        self._drop(lookup)
        answer = None if verdict == _UNPLAIN else self._answer(lookup, lookup.first, data)
        self._tally(answer is not None)
        out.append((lookup, answer))

    def take(self, lookup: LaneLookup, qid: int, data: bytes) -> int:
        """Decide on one datagram with the id of one of the lookup's queries (at least a header long).

        ``_IGNORED``: not a reply to it (glibc ignores it and keeps waiting);
        ``_UNPLAIN``: a reply the lane does not read (the full path takes the
        name); ``_WAITING``: the first reply of the pair, kept; ``_PAIR``:
        the second (``lookup.first`` holds the first).
        """
        sent = lookup.queries[qid]
        # the usual reply repeats the question as sent (up to case): res_queriesmatch is true then
        end = lookup.question_end
        question = sent[HEADER_SIZE:end]
        echoed = data[HEADER_SIZE:end]
        if not (data[4:6] == b"\x00\x01" and (echoed == question or lower_wire(echoed) == lower_wire(question))
                ) and not queries_match(sent, data):
            return _IGNORED
        if not _plain(data):
            return _UNPLAIN
        if lookup.first is None:
            lookup.first = data
            return _WAITING
        if lookup.retry_at >= 0:  # (not after a retransmission: whose reply came is unknown)
            self._rtt_sample(time.monotonic() - lookup.sent)
        return _PAIR

    def _answer(self, lookup: LaneLookup, ans1: bytes | None, ans2: bytes) -> GaiAnswer | None:
        """The full path's answer for this pair of plain replies, or None where it would go on searching."""
        assert ans1 is not None
        if _ancount(ans1) == 0 and _ancount(ans2) == 0:
            return None  # NODATA for both: res_search tries the next candidate
        end = lookup.question_end
        name = lookup.wire_lower
        first = _addresses(ans1, name, end)
        second = _addresses(ans2, name, end) if first is not None else None
        if first is not None and second is not None:
            addresses = first + second
        else:
            got = gaih_getanswer(ans1, len(ans1), ans2, len(ans2))
            if got.status != SUCCESS:
                return None
            addresses = got.addresses
        if not addresses:
            return None
        query = lookup.query
        origin = "dns" if query.describe else ""
        found = Found()
        found.at = [new_tuple(AddrTuple, (family, packed, 0, origin)) for family, packed in addresses]
        # (fresh probes for the sort, as glibc makes them: a list's names are mostly distinct, and keeping
        # thousands of one-off orders cost about 2 µs a name)
        return finish_answer(query, found, lookup.servtuples, 0, lookup.name, keep_order=False)

    # -- time ---------------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """When the lane next has to act: a retransmission or a lookup given up on (None: none is waiting)."""
        order = self._order
        while order and not order[0].waiting:
            order.popleft()
        retries = self._retries
        while retries and not retries[0].waiting:
            retries.popleft()
        if retries and (not order or retries[0].retry_at < order[0].deadline):
            return retries[0].retry_at
        return order[0].deadline if order else None

    def expire(self, now: float) -> Iterator[tuple[LaneLookup, None]]:
        """Send again what is due; the lookups whose replies did not all come by their deadline (full path)."""
        retries = self._retries
        while retries and (not retries[0].waiting or retries[0].retry_at <= now):
            lookup = retries.popleft()
            if lookup.waiting:
                self._resend(lookup)
        order = self._order
        while order and (not order[0].waiting or order[0].deadline <= now):
            lookup = order.popleft()
            if lookup.waiting:
                self._drop(lookup)
                self._tally(False)
                yield lookup, None

    def _resend(self, lookup: LaneLookup) -> None:
        """Send the lookup's unanswered queries once more, as they were (the same ids)."""
        lookup.retry_at = -1.0
        lane_sock = lookup.sock
        pending = lane_sock.pending
        try:
            for qid, data in lookup.queries.items():
                if pending.get(qid) is lookup:
                    lane_sock.sock.send(data)
        except OSError:
            pass  # (the lane's patience, then the full path, take it from here)

    def close(self) -> None:
        """Close every lane socket."""
        for lane_sock in list(self.fds.values()):
            self._close(lane_sock)
        self._current = None
        self._order.clear()
        self._retries.clear()
        self._outbox.clear()


def _addresses(data: bytes, wire_lower: bytes, question_end: int) -> list[tuple[int, bytes]] | None:
    """``gaih_getanswer``'s addresses from a reply of the usual shape, or None for any other shape.

    The usual shape: one question, our name (``wire_lower``, any case) where
    we put it; every answer record owned by a pointer to it (``C0 0C``) and
    of the question's type with that type's length.  ``_slice`` reads such a
    reply to exactly these addresses, in order (it does not look at the
    class; the name passed ``binary_hnok`` before it was sent); anything else
    is left to it.
    """
    if data[4:6] != b"\x00\x01" or lower_wire(data[HEADER_SIZE : question_end - 4]) != wire_lower:
        return None
    shape = _RECORD_SHAPES.get(data[question_end - 4 : question_end - 2])  # (by the question's type)
    if shape is None:
        return None
    head, rdlength, size, family = shape
    off = question_end
    length = len(data)
    out: list[tuple[int, bytes]] = []
    for _ in range(_ancount(data)):
        end = off + 12 + size
        if data[off : off + 4] != head or data[off + 10 : off + 12] != rdlength or end > length:
            return None
        out.append((family, data[off + 12 : end]))
        off = end
    return out


def _ancount(data: bytes) -> int:
    return (data[6] << 8) | data[7]


def _plain(data: bytes) -> bool:
    """A reply glibc's ``send_dg`` keeps and ``res_query`` reads without special cases: NOERROR, whole."""
    flags = (data[2] << 8) | data[3]
    if flags & 0xF != NOERROR or flags & _TC:
        return False
    # glibc moves on to the next server after a NOERROR with no records and neither AA nor RA
    return bool(_ancount(data) or flags & (_AA | _RA) or data[10] or data[11])


def _first_candidate(conf: DnsConfig, raw: bytes) -> bytes | None:
    """The first name ``res_search`` asks for (with glibc's length limits), or None when it asks none."""
    if raw.count(b".") >= conf.ndots or raw.endswith(b"."):
        return raw if raw and len(raw) - 1 < MAXDNAME - 1 else None
    if conf.search:
        domain = conf.search[0]
        if domain.startswith(b"."):
            domain = domain[1:]
        if len(raw) + len(domain) + 1 >= MAXDNAME:
            return None
        return raw + b"." + domain
    return raw if raw and len(raw) - 1 < MAXDNAME - 1 else None


def _files_before_dns(query: HostQuery) -> int | None:
    """How many ``files`` entries the switch walks before ``dns``, or None when it is not that shape.

    The shape: only ``files`` sources with ``[NOTFOUND=continue]`` before
    ``dns``, which has ``[SUCCESS=return]`` (a name takes the lane when each
    ``files`` entry answers NOTFOUND).
    """
    usable = query.resolver.host_sources
    for files, spec in enumerate(query.sources):
        if spec.name not in usable:
            return None
        if spec.name == "dns":
            return files if spec.action(SUCCESS) == "return" else None
        if spec.name != "files" or spec.action(NOTFOUND) != "continue":
            return None
    return None

