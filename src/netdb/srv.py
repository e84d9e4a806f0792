"""SRV records (RFC 2782): which servers offer a service, in the order to try them.

``resolve_srv(resolver, "_xmpp-client._tcp.example.com")`` (or
``resolve_srv(resolver, "xmpp-client", domain="example.com")``, which builds
that name) asks DNS for the name's SRV records and returns them as an
``SrvResult`` whose ``targets`` are in the order a client should try them:

* lowest priority first; the priorities are strict;
* within one priority, RFC 2782's weighted random selection: the records of
  weight 0 are put first, then repeatedly a number is drawn uniformly from
  0 to the sum of the remaining weights (inclusive) and the first record whose
  running sum of weights reaches it is taken.  A record of weight 0 is so
  chosen only when the draw is 0 (rarely, when others weigh more);
  ``rng=`` (a ``random.Random`` or a seed) makes the order reproducible;
* each target is then resolved *through the switch*, as a program connecting
  to it would: ``getaddrinfo(target, port)`` with the socket type of the
  protocol (``_tcp``: SOCK_STREAM, ``_udp``: SOCK_DGRAM), so /etc/hosts and
  nsswitch.conf apply.  A target that does not resolve keeps its error
  (``SrvTarget.error``) and stays in the list.  Targets are passed to
  getaddrinfo without their final dot, so a hosts-file line for the name
  matches.

The SRV name goes through ``res_search`` exactly as glibc's ``res_search``
(the search list and ndots of resolv.conf), so ``_ldap._tcp`` finds
``_ldap._tcp.<search domain>``; a name ending in a dot is asked as is.

A lone target of ``.`` means the service is decidedly not available at the
domain (RFC 2782): ``SrvError`` with reason ``unavailable``.  Among other
records a ``.`` target is left out.  Other failures are ``SrvError`` too,
with a ``reason``: ``nxdomain`` (no such name), ``nodata`` (the name has no
SRV records), ``servfail``, ``timeout`` (no answer in time, or the call's
deadline passed), ``unreachable`` (no server listening), ``refused``
(REFUSED, NOTIMP, FORMERR from every server), ``config`` (resolv.conf unusable),
``malformed`` (an SRV record that cannot be read) and ``badname`` (a name
that cannot be sent: an empty or over-long label, nothing is sent).  ``SrvError.temporary`` is true for servfail, timeout, unreachable
and config, as ``EAI_AGAIN`` is for getaddrinfo.

glibc has no SRV function; what is glibc's here is the DNS part
(``res_search`` with ``T_SRV``), and each target's getaddrinfo.

The logic is one generator (``resolve_srv_gen``) that yields DNS I/O
requests; ``Resolver.resolve_srv`` drives it with blocking sockets and
``netdb.aio.resolve_srv`` on an asyncio loop.
"""

from __future__ import annotations

import errno as E
import random
import socket
import struct
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import HOST_NOT_FOUND, NO_DATA, NO_RECOVERY, gaierror

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = [
    "T_SRV",
    "SrvError",
    "SrvRecord",
    "SrvResult",
    "SrvTarget",
    "resolve_srv_gen",
    "rfc2782_order",
    "srv_name",
]

T_SRV = 33
"""The SRV record type."""

_TEMPORARY = frozenset({"servfail", "timeout", "unreachable", "config"})
_REASON_TEXT = {
    "nxdomain": "no such name (NXDOMAIN)",
    "nodata": "the name has no SRV records (NODATA)",
    "servfail": "the name server failed (SERVFAIL)",
    "timeout": "no answer from the name servers in time",
    "unreachable": "no name server could be reached",
    "refused": "the name server refused or could not answer the query",
    "config": "the resolver configuration cannot be used",
    "malformed": "the answer held an SRV record that cannot be read",
    "unavailable": "the service is decidedly not available at this domain (SRV target \".\")",
    "badname": "not a valid domain name (nothing was sent)",
}


class SrvError(Exception):
    """An SRV lookup that gave no targets: ``name``, ``reason`` and a readable ``message``.

    ``reason`` is one of ``nxdomain``, ``nodata``, ``servfail``, ``timeout``,
    ``unreachable``, ``refused``, ``config``, ``malformed``, ``unavailable``,
    ``badname`` (see ``netdb.srv``).  ``str(exc)`` is ``"NAME: message"``.
    """

    def __init__(self, name: str, reason: str, detail: str = "", *, qname: str | None = None) -> None:
        self.name = name
        self.reason = reason
        self.qname = qname
        self.message = _REASON_TEXT.get(reason, reason) + (f": {detail}" if detail else "")
        super().__init__(f"{name}: {self.message}")

    @property
    def temporary(self) -> bool:
        """True when asking again later may succeed (servfail, timeout, unreachable, config)."""
        return self.reason in _TEMPORARY

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (self.name, self.reason, self.args, self.message, self.qname))


def _rebuild_error(name: str, reason: str, args: tuple[Any, ...], message: str, qname: str | None) -> SrvError:
    """Unpickle an ``SrvError`` with its message as it was."""
    exc = SrvError(name, reason, qname=qname)
    exc.args, exc.message = args, message
    return exc


class SrvRecord(NamedTuple):
    """One SRV record as DNS gave it: priority, weight, port, target (no final dot; the root is ".") and TTL."""

    priority: int
    weight: int
    port: int
    target: str
    ttl: int = 0


@dataclass(frozen=True, eq=False)
class SrvTarget:
    """One SRV record in the order to try, with its target resolved through the switch.

    ``addrinfo`` holds getaddrinfo's 5-tuples for ``(target, port)`` in
    glibc's order (ready for ``socket.socket(*ai[:3]).connect(ai[4])``), and
    ``origins`` where each came from (``/etc/hosts line 3``, ``dns`` ...).
    When the target does not resolve, ``addrinfo`` is empty and ``error`` is
    the ``gaierror`` getaddrinfo raised.
    """

    priority: int
    weight: int
    port: int
    target: str
    ttl: int = 0
    addrinfo: tuple[tuple[Any, ...], ...] = ()
    origins: tuple[str, ...] = ()
    error: OSError | None = None

    @property
    def addresses(self) -> list[str]:
        """The target's addresses (text, IPv6 with ``%scope`` when scoped), each once, in order."""
        out: list[str] = []
        for ai in self.addrinfo:
            sockaddr = ai[4]
            text = f"{sockaddr[0]}%{sockaddr[3]}" if len(sockaddr) > 2 and sockaddr[3] else str(sockaddr[0])
            if text not in out:
                out.append(text)
        return out

    @property
    def record(self) -> SrvRecord:
        """The SRV record alone."""
        return SrvRecord(self.priority, self.weight, self.port, self.target, self.ttl)

    def _key(self) -> tuple[Any, ...]:
        err = self.error
        return (self.priority, self.weight, self.port, self.target, self.ttl, self.addrinfo, self.origins,
                None if err is None else (type(err), err.args))

    def __eq__(self, other: object) -> bool:
        """Equal fields, and errors of the same type with the same arguments."""
        if not isinstance(other, SrvTarget):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class SrvResult:
    """An SRV lookup: the name asked, the name that answered, the targets in the order to try.

    Iterating over a result gives its targets.
    """

    name: str
    qname: str
    proto: str
    targets: tuple[SrvTarget, ...]
    queries: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    def __iter__(self) -> Iterator[SrvTarget]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)


def srv_name(service: str, proto: str = "tcp", domain: str = "") -> str:
    """The SRV owner name for a service: ``srv_name("xmpp-client", "tcp", "example.com")`` is
    ``_xmpp-client._tcp.example.com`` (a leading underscore already given is kept once)."""
    service = service.removeprefix("_")
    proto = proto.removeprefix("_")
    if not service or not proto:
        raise ValueError("the service and protocol names must not be empty")
    if "." in service or "." in proto:
        raise ValueError(f"a service or protocol name has no dots: {service!r}, {proto!r}")
    name = f"_{service}._{proto}"
    return f"{name}.{domain}" if domain else name


def proto_of(name: str) -> str:
    """The protocol label of an SRV name (``_xmpp._tcp.example.com`` → ``tcp``), else ``tcp``."""
    labels = name.split(".")
    if len(labels) >= 2 and labels[1].startswith("_") and len(labels[1]) > 1:
        return labels[1][1:].lower()
    return "tcp"


def _rng(rng: random.Random | int | None) -> random.Random:
    if isinstance(rng, random.Random):
        return rng
    if rng is None or (isinstance(rng, int) and not isinstance(rng, bool)):
        return random.Random(rng)
    raise TypeError(f"rng must be a random.Random, an int seed or None, not {type(rng).__name__}")


def rfc2782_order(records: Sequence[SrvRecord], rng: random.Random | int | None = None) -> list[SrvRecord]:
    """The records in the order RFC 2782 says to try them (lowest priority first, weighted random within).

    Within a priority the weight-0 records go first (in answer order), then
    each pick draws ``rng.randint(0, sum of remaining weights)`` and takes
    the first record whose running sum reaches the draw.
    """
    chooser = _rng(rng)
    ordered: list[SrvRecord] = []
    for priority in sorted({r.priority for r in records}):
        group = [r for r in records if r.priority == priority]
        group = [r for r in group if r.weight == 0] + [r for r in group if r.weight != 0]
        while group:
            draw = chooser.randint(0, sum(r.weight for r in group))
            running = 0
            pick = len(group) - 1
            for i, r in enumerate(group):
                running += r.weight
                if running >= draw:
                    pick = i
                    break
            ordered.append(group.pop(pick))
    return ordered


def _socktype(proto: str) -> tuple[int, int]:
    if proto == "tcp":
        return socket.SOCK_STREAM, socket.IPPROTO_TCP
    if proto == "udp":
        return socket.SOCK_DGRAM, socket.IPPROTO_UDP
    return 0, 0


def _records(packet: bytes) -> list[SrvRecord] | None:
    """The SRV records of an answer for its question name (following CNAMEs); None when one is unreadable."""
    from .dns.names import ntop, samename, unpack
    from .dns.wire import CLASS_IN, T_CNAME, Reply

    reply = Reply(packet)
    question = reply.question()
    if question is None:
        return None
    current = question[0]
    rrs, _complete = reply.records(reply.ancount)
    found: list[SrvRecord] = []
    for rr in rrs:
        if rr.rclass != CLASS_IN:
            continue
        owner = reply.name_at(rr.name_offset)
        if owner is None or not samename(owner, current):
            continue
        if rr.rtype == T_CNAME:
            got = unpack(packet, rr.rdata_offset)
            if got is None:
                return None
            current = got[0]
        elif rr.rtype == T_SRV:
            if rr.rdlength < 7:
                return None
            priority, weight, port = struct.unpack_from("!HHH", packet, rr.rdata_offset)
            got = unpack(packet, rr.rdata_offset + 6)
            if got is None or got[1] > rr.rdata_offset + rr.rdlength:
                return None
            target = ntop(got[0]).decode("utf-8", "surrogateescape")
            found.append(SrvRecord(priority, weight, port, target, rr.ttl))
    return found


def _failure(ctx: Any) -> str:
    """The reason of a failed ``res_search``, from glibc's h_errno and errno as it left them."""
    h = ctx.h_errno
    if h == HOST_NOT_FOUND:
        return "nxdomain"
    if h == NO_DATA:
        return "nodata"
    if h == NO_RECOVERY:
        return "refused"
    # TRY_AGAIN: glibc leaves ETIMEDOUT both when no server answered and when every
    # server answered SERVFAIL, REFUSED or NOTIMP; the replies themselves tell which.
    if ctx.expired:
        return "timeout"
    if ctx.errno == E.ECONNREFUSED:
        return "unreachable"
    if ctx.errno == E.ESRCH:
        return "config"
    outcomes = {rec.outcome for rec in ctx.records}
    if "SERVFAIL" in outcomes:
        return "servfail"
    if outcomes & {"REFUSED", "NOTIMP"}:
        return "refused"
    if "timeout" in outcomes:
        return "timeout"
    return "servfail"


def resolve_srv_gen(
    resolver: Resolver,
    name: str,
    *,
    proto: str | None = None,
    domain: str | None = None,
    family: int = 0,
    rng: random.Random | int | None = None,
) -> Generator[Any, Any, SrvResult]:
    """The SRV lookup as a generator of I/O requests (see the module doc); returns an ``SrvResult``.

    With ``domain``, ``name`` is a service name (``xmpp-client``) and the SRV
    name is ``_NAME._PROTO.DOMAIN`` (``proto`` default ``tcp``); without it,
    ``name`` is the whole SRV name and ``proto`` defaults to its second label.
    ``family`` limits the targets' addresses (AF_INET, AF_INET6).
    Raises ``SrvError``, and ``ValueError``/``TypeError`` for bad arguments.
    """
    from .dns.exchange import ResContext
    from .dns.names import pton
    from .dns.search import res_search
    from .pysocket import c_host, resolve_gen, to_tuples

    if not isinstance(name, str):
        raise TypeError(f"resolve_srv() name must be str, not {type(name).__name__}")
    if domain is not None:
        full = srv_name(name, proto or "tcp", domain)
        proto = (proto or "tcp").removeprefix("_").lower()
    else:
        full = name
        proto = proto.removeprefix("_").lower() if proto else proto_of(name)
    if not full or full == ".":
        raise ValueError("resolve_srv() needs a name")
    try:
        query_name = full if full.isascii() else c_host(full, "resolve_srv")  # IDNA for non-ASCII, as the socket module
    except UnicodeError as exc:
        raise SrvError(full, "badname", str(exc)) from None
    assert query_name is not None
    raw = query_name.encode("utf-8", "surrogateescape")
    deadline = resolver.call_deadline()
    conf, state = resolver.dns_setup()
    ctx = ResContext(conf, state, deadline, h_errno_sink=resolver.set_global_h_errno)
    if conf.fatal:
        raise SrvError(full, "config", conf.fatal)
    if pton(raw) is None:
        raise SrvError(full, "badname")
    r = yield from res_search(ctx, raw, T_SRV)
    if r.n < 0 or r.ans1 is None:
        raise SrvError(full, _failure(ctx))
    records = _records(r.ans1[: r.n])
    qname = r.qname.decode("utf-8", "surrogateescape").rstrip(".") or "."
    if records is None:
        raise SrvError(full, "malformed", qname=qname)
    if not records:
        raise SrvError(full, "nodata", qname=qname)
    if len(records) == 1 and records[0].target == ".":
        raise SrvError(full, "unavailable", qname=qname)
    ordered = rfc2782_order([rec for rec in records if rec.target != "."], rng)
    socktype, protocol = _socktype(proto)
    targets: list[SrvTarget] = []
    for rec in ordered:
        try:
            answer = yield from resolve_gen(resolver, rec.target, rec.port, family, socktype, protocol, 0,
                                            deadline=deadline)
        except gaierror as exc:
            targets.append(SrvTarget(*rec, error=exc))
            continue
        targets.append(SrvTarget(*rec, addrinfo=tuple(to_tuples(answer)),
                                 origins=tuple(e.origin for e in answer.entries)))
    return SrvResult(full, qname, proto, tuple(targets), tuple(ctx.records))
