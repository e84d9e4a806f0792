"""``res_send``: glibc's exchange with the name servers, as a sans-I/O generator.

``ResContext.res_send(q1, q2)`` follows glibc 2.36's ``__res_context_send``,
``send_dg`` and ``send_vc`` step by step, yielding the requests of
``netdb.dns.io`` instead of doing I/O:

* ``attempts`` rounds over the servers, starting at the rotate offset
  (``rotate``); server *i* gets ``ResolvConf.try_timeout(i)`` seconds per round;
* UDP sockets are connected, so replies from another address or port never
  arrive, and an ICMP "port unreachable" fails the server at once;
* with two queries (A and AAAA) both are sent back-to-back from one socket,
  unless ``single-request`` (the second is sent after the first is answered)
  or ``single-request-reopen`` (... from a new socket);
* a reply counts only when its id and question match a query still
  unanswered; anything else is ignored and the wait goes on;
* SERVFAIL, NOTIMP, REFUSED, and a NOERROR reply with no records and none of
  AA/RA set, move on to the next server at once (for a pair: once the other
  reply is in, it is returned alone);
* TC over UDP repeats both queries over TCP to the same server (``use-vc``
  uses TCP from the start, one try per server); over TCP any rcode is final;
* when a round times out after only one of two replies, glibc retries the
  server in single-request mode, then single-request-reopen mode (and keeps
  that mode for later calls), then returns the one reply it has.

The outcome (``SendResult``) carries both answer buffers as glibc fills them
(the first reply to arrive goes to buffer 1) because ``res_query`` and
``res_search`` look at them, and ``ResContext.errno`` is set as glibc leaves
``errno`` (nss_dns decides UNAVAIL versus NOTFOUND from it).

Two things are ours: every wait also stops at the caller's deadline
(``Resolver(timeout=...)``), after which nothing more is sent; and a TCP
exchange gives up after the server's per-try timeout (glibc's blocking TCP
read never does).
"""

from __future__ import annotations

import contextlib
import errno as E
import struct
import time
from collections.abc import Callable, Generator
from typing import Any, NamedTuple

from . import io
from .config import DnsConfig, ResolverState, Server
from .trace import QueryRecord
from .wire import (
    HEADER_SIZE,
    NOERROR,
    NOTIMP,
    REFUSED,
    SERVFAIL,
    Reply,
    qtype_name,
    queries_match,
    rcode_name,
)

__all__ = ["Query", "ResContext", "SendResult"]

Gen = Generator[io.Request, Any, Any]


class Query(NamedTuple):
    """One query message and what it asks (for validation and the trace)."""

    data: bytes
    qid: int
    qtype: int
    qname: str  # text, with the trailing dot


class SendResult(NamedTuple):
    """What ``res_send`` returns: ``n`` (< 0 failure, else the length of answer 1) and the buffers."""

    n: int
    ans1: bytes | None
    resplen2: int
    ans2: bytes | None


class _Sent(NamedTuple):
    query: Query
    server: Server
    transport: str
    t_sent: float
    port: int | None


class ResContext:
    """One lookup's resolver context: configuration, glibc's errno and h_errno, the trace.

    ``deadline`` (absolute ``time.monotonic()``) bounds every wait; once it
    has passed, ``expired`` is set and no further query is sent.  Setting
    ``h_errno`` is glibc's ``RES_SET_H_ERRNO``, which also sets the thread's
    global ``h_errno``: ``h_errno_sink`` (when given) receives each value.
    """

    __slots__ = (
        "_h_errno", "_pending", "_sink", "_socks", "_vc", "_vc_ns", "clock", "conf", "deadline", "errno",
        "expired", "rcode1", "records", "state", "t0",
    )

    def __init__(self, conf: DnsConfig, state: ResolverState, deadline: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 h_errno_sink: Callable[[int], None] | None = None) -> None:
        self.conf = conf
        self.state = state
        self.deadline = deadline
        self.clock = clock
        self.t0 = clock()
        self.errno = 0
        self._sink = h_errno_sink
        self._h_errno = 0
        self.rcode1 = NOERROR
        self.expired = False
        self.records: list[QueryRecord] = []
        self._socks: dict[int, Any] = {}
        self._vc: Any = None
        self._vc_ns = -1
        self._pending: list[_Sent] = []

    @property
    def h_errno(self) -> int:
        """The resolver's h_errno (``statp->res_h_errno``)."""
        return self._h_errno

    @h_errno.setter
    def h_errno(self, value: int) -> None:
        """``RES_SET_H_ERRNO``: the resolver's value and the thread's global one."""
        self._h_errno = value
        if self._sink is not None:
            self._sink(value)

    # -- the trace ------------------------------------------------------------------------

    def note(self, qtype: int, qname: str, outcome: str, note: str = "") -> None:
        """Record something that happened without an exchange (a query not sent ...)."""
        self.records.append(QueryRecord(qtype_name(qtype), qname, "", "", outcome, note=note,
                                        started=self.clock() - self.t0))

    def _sent(self, query: Query, server: Server, transport: str, port: int | None) -> None:
        self._pending.append(_Sent(query, server, transport, self.clock(), port))

    def _finish(self, qid: int | None, outcome: str, answers: int = 0, note: str = "") -> None:
        """Close the pending record of ``qid`` (every pending one when None)."""
        now = self.clock()
        keep = []
        for p in self._pending:
            if qid is None or p.query.qid == qid:
                self.records.append(QueryRecord(
                    qtype_name(p.query.qtype), p.query.qname, p.server.label, p.transport, outcome,
                    answers, p.t_sent - self.t0, now - p.t_sent, p.port, p.query.qid, note))
                if qid is not None:
                    qid = -1  # only the oldest pending send of this id
            else:
                keep.append(p)
        self._pending = keep

    def _reply_outcome(self, reply: Reply) -> tuple[str, int]:
        rc = reply.rcode
        if rc == NOERROR and reply.ancount == 0:
            return "NODATA", 0
        return rcode_name(rc), reply.ancount

    # -- time -------------------------------------------------------------------------------

    def _until(self, finish: float) -> float:
        if self.deadline is not None and self.deadline < finish:
            return self.deadline
        return finish

    def _check_expired(self) -> bool:
        if not self.expired and self.deadline is not None and self.clock() >= self.deadline:
            self.expired = True
        return self.expired

    # -- sockets ------------------------------------------------------------------------------

    def _iclose(self) -> Gen:
        """``__res_iclose``: close the TCP socket and every UDP socket."""
        socks = list(self._socks.values())
        self._socks.clear()
        vc, self._vc, self._vc_ns = self._vc, None, -1
        if vc is not None:
            socks.append(vc)
        for h in socks:
            yield io.Close(h)

    def abandon(self) -> None:
        """Release every socket at once (the lookup was cancelled or failed)."""
        socks = list(self._socks.values())
        if self._vc is not None:
            socks.append(self._vc)
        self._socks.clear()
        self._vc = None
        for h in socks:
            with contextlib.suppress(Exception):
                h.close()

    # -- res_send -----------------------------------------------------------------------------

    def res_send(self, q1: Query, q2: Query | None) -> Generator[io.Request, Any, SendResult]:
        """``__res_context_send`` for one query, or two sent together (A and AAAA)."""
        try:
            return (yield from self._res_send(q1, q2))
        except BaseException:
            self.abandon()
            raise

    def _res_send(self, q1: Query, q2: Query | None) -> Generator[io.Request, Any, SendResult]:
        conf = self.conf
        nscount = len(conf.servers)
        self._pending = []
        if nscount == 0:
            self.errno = E.ESRCH
            return SendResult(-1, None, 0, None)
        if self._check_expired():
            for q in (q1, q2):
                if q is not None:
                    self.note(q.qtype, q.qname, "not sent", "the deadline has passed")
            self.errno = E.ETIMEDOUT
            return SendResult(-1, None, 0, None)
        out = _Send(self, q1, q2)
        v_circuit = conf.use_vc or len(q1.data) > 512 or (q2 is not None and len(q2.data) > 512)
        out.v_circuit = v_circuit
        offset = self.state.next_offset(nscount) if conf.rotate and nscount > 1 else 0
        retry = conf.attempts
        attempt = 0
        while attempt < retry:
            for shift in range(nscount):
                ns = (shift + offset) % nscount
                while True:  # same_ns
                    if self._check_expired():
                        self._finish(None, "timeout", note="deadline")
                        yield from self._iclose()
                        out.gotsomewhere = True
                        out.v_circuit = False
                        attempt = retry
                        break
                    if out.v_circuit:
                        attempt = retry
                        n = yield from out.send_vc(ns)
                        if n < 0:
                            return SendResult(-1, out.ans1, 0, out.ans2)
                        if n == 0 and (q2 is None or out.resplen2 == 0):
                            break
                    else:
                        n = yield from out.send_dg(ns)
                        if n < 0:
                            return SendResult(-1, out.ans1, 0, out.ans2)
                        if n == 0 and (q2 is None or out.resplen2 == 0):
                            break
                        if out.v_circuit:
                            continue
                    yield from self._iclose()
                    return SendResult(n, out.ans1, out.resplen2, out.ans2)
                if self.expired:
                    break
            attempt += 1
        yield from self._iclose()
        if not out.v_circuit:
            self.errno = E.ETIMEDOUT if out.gotsomewhere else E.ECONNREFUSED
        else:
            self.errno = out.terrno
        return SendResult(-1, out.ans1, 0, out.ans2)


class _Send:
    """The state of one ``res_send`` call (glibc's locals shared by send_dg/send_vc)."""

    def __init__(self, ctx: ResContext, q1: Query, q2: Query | None) -> None:
        self.ctx = ctx
        self.q1 = q1
        self.q2 = q2
        self.gotsomewhere = False
        self.terrno = E.ETIMEDOUT
        self.v_circuit = False
        self.ans1: bytes | None = None
        self.ans2: bytes | None = None
        self.resplen2 = 0
        self._port: int | None = None

    def _into_buffer(self, data: bytes, first: bool) -> None:
        if first:
            self.ans1 = data
            if len(data) >= 4:
                self.ctx.rcode1 = data[3] & 0xF
        else:
            self.ans2 = data
            self.resplen2 = len(data)

    def _close_and_return_error(self) -> Gen:
        yield from self.ctx._iclose()
        self.resplen2 = 0
        return 0

    # -- UDP ----------------------------------------------------------------------------------

    def _reopen(self, ns: int) -> Gen:
        ctx = self.ctx
        if ns in ctx._socks:
            return 1
        server = ctx.conf.servers[ns]
        try:
            h = yield io.UdpOpen(server.family)
        except OSError as exc:
            self.terrno = exc.errno or E.EIO
            ctx.errno = self.terrno
            return -1
        ctx._socks[ns] = h
        try:
            port = yield io.UdpConnect(h, server.sockaddr)
        except OSError as exc:
            ctx.errno = exc.errno or E.EIO
            ctx.records.append(QueryRecord(qtype_name(self.q1.qtype), self.q1.qname, server.label, "udp",
                                           "error", note=f"connect: {exc.strerror or exc}",
                                           started=ctx.clock() - ctx.t0))
            yield from ctx._iclose()
            return 0
        self._port = port
        return 1

    def send_dg(self, ns: int) -> Gen:
        """``send_dg``: returns the length of answer 1 (> 0), 0 to try the next server, -1 to fail."""
        ctx = self.ctx
        conf = ctx.conf
        state = ctx.state
        server = conf.servers[ns]
        q1, q2 = self.q1, self.q2
        seconds = conf.try_timeout(ns)
        reopen_mode = conf.single_request_reopen or state.single_request_reopen
        single = conf.single_request or state.single_request or reopen_mode
        save_gotsomewhere = self.gotsomewhere
        resplen = 0
        step = "retry_reopen"
        while True:
            if step == "retry_reopen":
                r = yield from self._reopen(ns)
                if r <= 0:
                    self.resplen2 = 0
                    return r
                step = "retry"
            if step == "retry":
                finish = ctx.clock() + seconds
                nwritten = 0
                recvresp1 = False
                recvresp2 = q2 is None
                want_send = True
                step = "wait"
            h = ctx._socks[ns]
            port = self._port
            if want_send:
                ctx.errno = 0
                if nwritten == 0 and q2 is not None and not single:
                    batch = [q1, q2]
                else:
                    batch = [q2 if nwritten and q2 is not None else q1]
                try:
                    for q in batch:
                        yield io.UdpSend(h, q.data)
                        ctx._sent(q, server, "udp", port)
                except OSError as exc:
                    ctx._finish(None, "unreachable" if exc.errno == E.ECONNREFUSED else "error",
                                note="" if exc.errno == E.ECONNREFUSED else f"send: {exc.strerror or exc}")
                    return (yield from self._close_and_return_error())
                nwritten += len(batch)
                want_send = False
                continue
            try:
                data = yield io.UdpRecv(h, ctx._until(finish))
            except OSError as exc:
                ctx.errno = 0
                refused = exc.errno == E.ECONNREFUSED
                ctx._finish(None, "unreachable" if refused else "error",
                            note="" if refused else f"receive: {exc.strerror or exc}")
                return (yield from self._close_and_return_error())
            if data is None:
                expired = ctx._check_expired()
                have_one = resplen > 1 and (recvresp1 or (q2 is not None and recvresp2))
                if have_one and not expired:
                    ctx._finish(None, "timeout")
                    if not single:
                        state.single_request = single = True
                        self.gotsomewhere = save_gotsomewhere
                        step = "retry"
                        continue
                    if not reopen_mode:
                        state.single_request_reopen = reopen_mode = True
                        self.gotsomewhere = save_gotsomewhere
                        yield from ctx._iclose()
                        step = "retry_reopen"
                        continue
                    self.resplen2 = 1
                    return resplen
                ctx._finish(None, "timeout", note="deadline" if expired else "")
                if have_one:
                    self.resplen2 = 1
                    return resplen
                self.gotsomewhere = True
                self.resplen2 = 0
                return 0
            ctx.errno = 0
            first = (not recvresp1 and not recvresp2) or q2 is None
            self._into_buffer(data, first)
            if first:
                resplen = len(data)
            self.gotsomewhere = True
            if len(data) < HEADER_SIZE:
                self.terrno = E.EMSGSIZE
                ctx._finish(None, "error", note=f"reply of {len(data)} bytes")
                return (yield from self._close_and_return_error())
            reply = Reply(data)
            matching = 0
            if not recvresp1 and reply.id == q1.qid and queries_match(q1.data, data):
                matching = 1
            if not recvresp2 and q2 is not None and reply.id == q2.qid and queries_match(q2.data, data):
                matching = 2
            if matching == 0:
                ctx.records.append(QueryRecord(qtype_name(q1.qtype), q1.qname, server.label, "udp", "ignored",
                                               started=ctx.clock() - ctx.t0, qid=reply.id,
                                               note="reply with a wrong id or question"))
                continue
            asked = q1 if matching == 1 else q2
            assert asked is not None
            outcome, count = ctx._reply_outcome(reply)
            rc = reply.rcode
            if rc in (SERVFAIL, NOTIMP, REFUSED) or (
                rc == NOERROR and reply.ancount == 0 and not reply.aa and not reply.ra and reply.arcount == 0
            ):
                ctx._finish(asked.qid, outcome, count,
                            note="" if rc != NOERROR else "no AA, RA or records: next server")
                if recvresp1 or (q2 is not None and recvresp2):
                    self.resplen2 = 0
                    return resplen
                if q2 is not None:
                    resplen = 0
                    if matching == 1:
                        recvresp1 = True
                    else:
                        recvresp2 = True
                    continue
                return (yield from self._close_and_return_error())
            if reply.tc:
                ctx._finish(asked.qid, "truncated", count, note="TC: retrying over TCP")
                ctx._finish(None, "abandoned", note="TC: retrying over TCP")
                self.v_circuit = True
                yield from ctx._iclose()
                self.resplen2 = 0
                return 1
            ctx._finish(asked.qid, outcome, count)
            if matching == 1:
                recvresp1 = True
            else:
                recvresp2 = True
            if not (recvresp1 and recvresp2):
                if single:
                    want_send = True
                    if reopen_mode:
                        yield from ctx._iclose()
                        r = yield from self._reopen(ns)
                        if r <= 0:
                            self.resplen2 = 0
                            return r
                continue
            return resplen

    # -- TCP ----------------------------------------------------------------------------------

    def send_vc(self, ns: int) -> Gen:
        """``send_vc``: both queries over one TCP connection; any rcode is final."""
        ctx = self.ctx
        server = ctx.conf.servers[ns]
        q1, q2 = self.q1, self.q2
        finish = ctx.clock() + ctx.conf.try_timeout(ns)
        connreset = False
        while True:  # same_ns
            if ctx._vc is not None and ctx._vc_ns != ns:
                yield from ctx._iclose()
            if ctx._vc is None:
                try:
                    h = yield io.TcpOpen(server.family)
                except OSError as exc:
                    self.terrno = exc.errno or E.EIO
                    ctx.errno = self.terrno
                    self.resplen2 = 0
                    return -1
                ctx.errno = 0
                ctx._vc, ctx._vc_ns = h, ns
                try:
                    yield io.TcpConnect(h, server.sockaddr, ctx._until(finish))
                except OSError as exc:
                    self.terrno = exc.errno or E.ETIMEDOUT
                    ctx.errno = self.terrno
                    outcome = "unreachable" if exc.errno == E.ECONNREFUSED else "timeout" if isinstance(exc, TimeoutError) else "error"
                    for q in (q1, q2):
                        if q is not None:
                            ctx.records.append(QueryRecord(qtype_name(q.qtype), q.qname, server.label, "tcp",
                                                           outcome, started=ctx.clock() - ctx.t0,
                                                           qid=q.qid, note="connect"))
                    ctx._check_expired()
                    return (yield from self._close_and_return_error())
            h = ctx._vc
            payload = struct.pack("!H", len(q1.data)) + q1.data
            if q2 is not None:
                payload += struct.pack("!H", len(q2.data)) + q2.data
            try:
                yield io.TcpSend(h, payload)
            except OSError as exc:
                self.terrno = exc.errno or E.EIO
                ctx.errno = self.terrno
                return (yield from self._close_and_return_error())
            ctx._sent(q1, server, "tcp", None)
            if q2 is not None:
                ctx._sent(q2, server, "tcp", None)
            recvresp1 = False
            recvresp2 = q2 is None
            resplen = 0
            reset = False
            while True:  # read_len
                try:
                    data = yield io.TcpRecv(h, ctx._until(finish))
                except OSError as exc:
                    self.terrno = exc.errno or E.EIO
                    ctx.errno = self.terrno
                    if exc.errno == E.ECONNRESET and not connreset:
                        ctx._finish(None, "error", note="connection reset: trying again")
                        yield from ctx._iclose()
                        connreset = reset = True
                        break
                    ctx._finish(None, "error", note=f"{exc.strerror or exc}")
                    return (yield from self._close_and_return_error())
                if data is None:
                    expired = ctx._check_expired()
                    self.terrno = E.ETIMEDOUT
                    ctx.errno = E.ETIMEDOUT
                    ctx._finish(None, "timeout", note="deadline" if expired else "no TCP reply")
                    return (yield from self._close_and_return_error())
                if not data:
                    self.terrno = ctx.errno
                    ctx._finish(None, "error", note="connection closed")
                    return (yield from self._close_and_return_error())
                first = (not recvresp1 and not recvresp2) or q2 is None
                self._into_buffer(data, first)
                if first:
                    resplen = len(data)
                if len(data) < HEADER_SIZE:
                    self.terrno = E.EMSGSIZE
                    ctx._finish(None, "error", note=f"reply of {len(data)} bytes")
                    return (yield from self._close_and_return_error())
                reply = Reply(data)
                if (recvresp1 or reply.id != q1.qid) and (recvresp2 or q2 is None or reply.id != q2.qid):
                    ctx.records.append(QueryRecord(qtype_name(q1.qtype), q1.qname, server.label, "tcp", "ignored",
                                                   started=ctx.clock() - ctx.t0, qid=reply.id,
                                                   note="reply with a wrong id"))
                    continue
                outcome, count = ctx._reply_outcome(reply)
                if not recvresp1 and reply.id == q1.qid:
                    recvresp1 = True
                    ctx._finish(q1.qid, outcome, count)
                else:
                    recvresp2 = True
                    if q2 is not None:
                        ctx._finish(q2.qid, outcome, count)
                if not (recvresp1 and recvresp2):
                    continue
                return resplen
            if not reset:
                return 0
