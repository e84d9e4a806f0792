"""A fault-injecting DNS responder for tests: our own, small, loopback only.

It answers like an authoritative server from a dict of records (wildcards,
CNAME chasing, NXDOMAIN/NODATA, empty non-terminals), except where a rule says
otherwise.  A rule picks a *behaviour* per query name (and optionally per query
type and transport)::

    from support.faultdns import FaultServer, Rule, SERVFAIL, Delay, Drop, WrongId

    records = {"indns.test": {"A": "192.0.2.101", "AAAA": "2001:db8::101"}}
    with FaultServer(records, {"servfail.test": SERVFAIL, "slow.test": Delay(300)},
                     port=53) as srv:           # port 53 on a dedicated 127.53.x.y
        ...  # point glibc at srv.resolv_conf(); then inspect srv.queries()

Behaviours (all combinable where it makes sense):

* ``Answer()`` the normal answer from the records, or from ``records=`` given to
  it; on UDP, a reply larger than 512 bytes (or than the query's EDNS size) is
  truncated properly: TC=1 and empty sections, unless ``truncate=False``; a
  reply over 65535 bytes (too big even for TCP) keeps as many answer records
  as fit and sets TC.
* ``Rcode("SERVFAIL")`` … and the constants ``SERVFAIL``, ``REFUSED``, ``NOTIMP``,
  ``FORMERR``, ``NXDOMAIN``; ``NoData()`` (NOERROR, empty, SOA in authority).
* ``Drop()`` never answers; ``Close()`` closes a TCP connection unanswered.
* ``Delay(ms, then)`` answers later (other queries are not held up).
* ``WrongId(then, correct_after_ms=None)`` answers with another message id,
  optionally followed by the correct answer.
* ``FromOtherPort(then)``, ``FromOtherAddress(then)`` send the UDP reply from
  another source port / loopback address.
* ``OtherQuestion(qname, qtype)`` answers a different question (same id).
* ``Garbage()`` sends random bytes (by default starting with the right id);
  ``Echo()`` sends the query back as it came.
* ``Truncated(cut)`` cuts the reply mid-record, without setting TC.
* ``Tc(partial)`` sets TC on UDP; ``tc_then_tcp(records)`` = TC on UDP and a
  (different) full answer over TCP.
* ``Raw(rrs)`` builds the answer section byte by byte: labels over 63 octets,
  names with any bytes (``long_label_answer`` builds the usual cases).
* ``ByTransport(udp, tcp)``, ``Series(b1, b2, …)`` (1st query gets b1, …, the
  last repeats).

Huge RRsets, CNAME loops and chains, PTR targets with control characters are
plain records (``huge_rrset``, ``cname_chain``; ``\\010`` escapes in names).

Every query received is logged (``log`` / ``queries()`` / ``log_lines()``):
time, transport, server and client address and port, id, the query name as
sent (case kept), type, RD/AD/CD bits, EDNS payload size and DO bit, and what
the responder did.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import loopback

UDP = "udp"
TCP = "tcp"
DEFAULT_TTL = 300
DEFAULT_SOA = "ns.test. hostmaster.test. 1 3600 900 604800 300"
#: How many CNAMEs the responder follows inside one answer by default.
CNAME_LIMIT = 64

RecordsArg = Mapping[str, Mapping[str, "str | Sequence[str]"]] | Iterable[dns.rrset.RRset]


# --------------------------------------------------------------------------------------------
# What came in, what went out


@dataclass(frozen=True)
class Query:
    """One received query, as the behaviours see it."""

    raw: bytes
    transport: str
    client: tuple[str, int]
    server: tuple[str, int]
    message: dns.message.Message | None
    time: float

    @property
    def id(self) -> int | None:
        """The message id (None when fewer than 2 bytes arrived)."""
        return struct.unpack("!H", self.raw[:2])[0] if len(self.raw) >= 2 else None

    @property
    def question(self) -> dns.rrset.RRset | None:
        """The first question, or None when unparsable or empty."""
        if self.message is None or not self.message.question:
            return None
        return self.message.question[0]

    @property
    def qname(self) -> dns.name.Name | None:
        """The query name as sent (case preserved)."""
        q = self.question
        return q.name if q is not None else None

    @property
    def qtype(self) -> int | None:
        """The query type."""
        q = self.question
        return int(q.rdtype) if q is not None else None


@dataclass(frozen=True)
class LoggedQuery:
    """One line of the query log."""

    t: float
    """Seconds since the server started."""
    transport: str
    server: tuple[str, int]
    client: tuple[str, int]
    id: int | None
    qname: str | None
    """The name as sent: case kept, escapes as in zone files, trailing dot."""
    qtype: str | None
    rd: bool
    ad: bool
    cd: bool
    edns: int | None
    """EDNS UDP payload size, None when the query had no OPT record."""
    do: bool
    size: int
    action: str
    """What the responder did, e.g. ``NOERROR an=1``, ``drop``, ``garbage 64B``."""

    def line(self) -> str:
        """A one-line rendering (like the research probes' log)."""
        bits = " ".join(b for b, on in (("rd", self.rd), ("ad", self.ad), ("cd", self.cd)) if on)
        edns = "none" if self.edns is None else f"{self.edns}:{int(self.do)}"
        return (f"t={self.t * 1000:.0f}ms {self.transport} {self.client[0]}#{self.client[1]} "
                f"-> {self.server[0]}#{self.server[1]} id={self.id} {self.qname} {self.qtype} "
                f"[{bits}] edns={edns} : {self.action}")


@dataclass(frozen=True)
class Send:
    """One reply to send: bytes, after a delay, from which source."""

    wire: bytes
    delay: float = 0.0
    source: str = "same"
    """``same``, ``other-port`` or ``other-address`` (UDP only)."""
    note: str = ""


@dataclass
class Plan:
    """What a behaviour decided for one query."""

    sends: list[Send] = field(default_factory=list)
    action: str = ""
    close: bool = False
    """TCP: close the connection after the sends."""


# --------------------------------------------------------------------------------------------
# Records


def _name(text: str | dns.name.Name) -> dns.name.Name:
    if isinstance(text, dns.name.Name):
        return text
    return dns.name.from_text(text if text.endswith(".") else text + ".")


class Records:
    """The data the responder answers from: owner name → type → RRset."""

    def __init__(self, records: RecordsArg | None = None, *, ttl: int = DEFAULT_TTL) -> None:
        self.ttl = ttl
        self.version = 0
        """Counts the changes (cached replies are keyed by it)."""
        self._nodes: dict[dns.name.Name, dict[int, dns.rrset.RRset]] = {}
        self._exists: set[dns.name.Name] = {dns.name.root}
        if records is not None:
            self.add(records)

    def add(self, records: RecordsArg) -> None:
        """Add ``{name: {type: rdata or [rdata…]}}`` or an iterable of RRsets."""
        if isinstance(records, Mapping):
            for owner, types in records.items():
                name = _name(owner)
                for rdtype, data in types.items():
                    texts = [data] if isinstance(data, str) else list(data)
                    self._put(dns.rrset.from_text_list(name, self.ttl, "IN", rdtype, texts))
        else:
            for rrset in records:
                self._put(rrset)

    def _put(self, rrset: dns.rrset.RRset) -> None:
        self.version += 1
        node = self._nodes.setdefault(rrset.name, {})
        if int(rrset.rdtype) in node:
            node[int(rrset.rdtype)].union_update(rrset)  # type: ignore[no-untyped-call]
        else:
            node[int(rrset.rdtype)] = rrset
        name = rrset.name
        while True:
            self._exists.add(name)
            if name == dns.name.root:
                break
            name = name.parent()

    @classmethod
    def from_zone_files(cls, paths: Iterable[Path | str], *, ttl: int = DEFAULT_TTL) -> Records:
        """Records from zone files (each with its own ``$ORIGIN``), e.g. ``fixtures/dns``."""
        rec = cls(ttl=ttl)
        for path in paths:
            zone = dns.zone.from_file(str(path), origin=None, relativize=False, check_origin=False)
            for name, node in zone.nodes.items():
                for rdataset in node.rdatasets:
                    rrset = dns.rrset.RRset(name, rdataset.rdclass, rdataset.rdtype)
                    rrset.update(rdataset)  # type: ignore[no-untyped-call]
                    rec._put(rrset)
        return rec

    def names(self) -> list[dns.name.Name]:
        """Every owner name with records."""
        return list(self._nodes)

    def node(self, name: dns.name.Name) -> tuple[dict[int, dns.rrset.RRset] | None, bool]:
        """(types at ``name`` or a matching wildcard, exists) — None when no data there."""
        if name in self._nodes:
            return self._nodes[name], True
        if name in self._exists:
            return None, True  # empty non-terminal
        # RFC 4592: the closest encloser, then its wildcard child.
        encloser = name.parent() if name != dns.name.root else name
        while encloser not in self._exists:
            encloser = encloser.parent()
        wild = dns.name.Name((b"*", *encloser.labels))
        if wild in self._nodes:
            return self._nodes[wild], True
        return None, False

    def soa_for(self, name: dns.name.Name) -> dns.rrset.RRset:
        """The SOA of the closest enclosing name that has one (else a default at the root)."""
        probe = name
        while True:
            node = self._nodes.get(probe)
            if node and dns.rdatatype.SOA in node:
                return node[dns.rdatatype.SOA]
            if probe == dns.name.root:
                return dns.rrset.from_text(dns.name.root, self.ttl, "IN", "SOA", DEFAULT_SOA)
            probe = probe.parent()

    def resolve(
        self, qname: dns.name.Name, qtype: int, *, cname_limit: int = CNAME_LIMIT
    ) -> tuple[int, list[dns.rrset.RRset], list[dns.rrset.RRset]]:
        """(rcode, answer, authority) as an authoritative server would give them.

        CNAMEs are followed up to ``cname_limit`` and never around a loop; the
        rcode describes the last name (RFC 6604), so a CNAME to a missing name
        gives NXDOMAIN with the CNAME in the answer.
        """
        answer: list[dns.rrset.RRset] = []
        name = qname
        seen: set[dns.name.Name] = set()
        for _ in range(cname_limit + 1):
            types, exists = self.node(name)
            if not exists:
                return dns.rcode.NXDOMAIN, answer, [self.soa_for(name)]
            if types is None:
                return dns.rcode.NOERROR, answer, [self.soa_for(name)]
            if qtype == dns.rdatatype.ANY:
                answer += [_rename(rr, name) for rr in types.values()]
                return dns.rcode.NOERROR, answer, []
            if qtype in types:
                answer.append(_rename(types[qtype], name))
                return dns.rcode.NOERROR, answer, []
            cname = types.get(dns.rdatatype.CNAME)
            if cname is None or qtype == dns.rdatatype.CNAME:
                return dns.rcode.NOERROR, answer, [self.soa_for(name)]
            answer.append(_rename(cname, name))
            seen.add(name)
            name = next(iter(cname)).target
            if name in seen:
                return dns.rcode.NOERROR, answer, []
        return dns.rcode.NOERROR, answer, []


def _rename(rrset: dns.rrset.RRset, name: dns.name.Name) -> dns.rrset.RRset:
    if rrset.name == name and rrset.name.labels == name.labels:
        return rrset
    out = dns.rrset.RRset(name, rrset.rdclass, rrset.rdtype)
    out.update(rrset)  # type: ignore[no-untyped-call]
    return out


def huge_rrset(count: int, family: int = 4) -> list[str]:
    """``count`` distinct addresses (198.18.0.0/15 or 2001:db8:eeee::/48) for a huge RRset."""
    if family == 4:
        return [f"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}" for i in range(1, count + 1)]
    return [f"2001:db8:eeee::{i:x}" for i in range(1, count + 1)]


def cname_chain(
    start: str, length: int, target: str, *, hop: str = "{start}-hop{k}"
) -> dict[str, dict[str, str]]:
    """Records for ``length`` CNAMEs from ``start`` to ``target``: start → start-hop1 → … → target."""
    first, _, parent = start.rstrip(".").partition(".")
    hops = [hop.format(start=first, k=k) + (f".{parent}" if parent else "") for k in range(1, length)]
    names = [start.rstrip("."), *hops, target.rstrip(".")]
    return {a: {"CNAME": b + "."} for a, b in itertools.pairwise(names)}


# --------------------------------------------------------------------------------------------
# Building replies


def _empty_response(q: Query, rcode: int) -> dns.message.Message:
    assert q.message is not None
    r = dns.message.make_response(q.message, our_payload=1232)
    r.flags |= dns.flags.AA
    r.set_rcode(dns.rcode.Rcode(rcode))
    return r


def _udp_limit(q: Query) -> int:
    if q.message is not None and q.message.edns >= 0:
        return max(512, min(q.message.payload, 65000))
    return 512


def _to_wire(q: Query, msg: dns.message.Message, *, truncate: bool = True) -> tuple[bytes, str]:
    try:
        wire = msg.to_wire(max_size=65535)
    except dns.exception.TooBig:
        if q.transport == TCP or not truncate:
            return _tcp_truncated(msg)
        wire = b"\0" * 65536  # over any UDP limit: truncated below
    note = ""
    if q.transport == UDP and truncate and len(wire) > _udp_limit(q):
        note = f" (TC: {len(wire)}B > {_udp_limit(q)}B)"
        msg.answer = []
        msg.authority = []
        msg.additional = []
        msg.flags |= dns.flags.TC
        wire = msg.to_wire(max_size=65535)
    return wire, note


def _tcp_truncated(msg: dns.message.Message) -> tuple[bytes, str]:
    """A reply over 65535 bytes (the most one message can hold, even over TCP): as many
    records of the last answer RRset as fit, authority and additional dropped, TC set."""
    msg.authority = []
    msg.additional = []
    msg.flags |= dns.flags.TC
    whole = msg.answer[-1]
    rdatas = list(whole)

    def keep(count: int) -> None:
        part = dns.rrset.RRset(whole.name, whole.rdclass, whole.rdtype)
        for rd in rdatas[:count]:
            part.add(rd, whole.ttl)
        msg.answer[-1] = part

    keep(1)
    one = len(msg.to_wire(max_size=65535))
    keep(2)
    per_record = len(msg.to_wire(max_size=65535)) - one
    count = min(len(rdatas), 1 + (65535 - one) // max(per_record, 1))
    while True:
        keep(count)
        try:
            wire = msg.to_wire(max_size=65535)
            break
        except dns.exception.TooBig:
            count -= 1
    return wire, f" (over 64 KiB: {count} of {len(rdatas)} records kept, TC)"


def _summary(msg: dns.message.Message) -> str:
    rr = sum(len(x) for x in msg.answer)
    tc = " TC" if msg.flags & dns.flags.TC else ""
    return f"{dns.rcode.to_text(msg.rcode())} an={rr}{tc}"


def encode_name(name: str | Sequence[bytes]) -> bytes:
    """Wire form of a name with no checks: labels of any length (even > 63) and any bytes.

    ``name`` is a list of raw labels, or text split at dots (no escapes).
    """
    labels = [lab.encode("latin-1") for lab in name.rstrip(".").split(".") if lab] \
        if isinstance(name, str) else list(name)
    out = b"".join(bytes([len(lab) & 0xFF]) + lab for lab in labels)
    return out + b"\0"


@dataclass(frozen=True)
class RawRR:
    """One resource record given in raw parts for ``Raw``.

    ``owner`` None means the query name; ``rdata`` is bytes, or for CNAME/PTR/NS
    a name (text or raw labels) encoded with ``encode_name``, or for A/AAAA an
    address text.
    """

    owner: str | Sequence[bytes] | None
    rdtype: str
    rdata: bytes | str | Sequence[bytes]
    ttl: int = DEFAULT_TTL

    def wire(self, q: Query) -> bytes:
        """The record's bytes (no compression)."""
        owner = (q.qname.to_wire() or b"") if self.owner is None and q.qname is not None else \
            encode_name(self.owner or ".")
        rdtype = dns.rdatatype.from_text(self.rdtype)
        if isinstance(self.rdata, bytes):
            rdata = self.rdata
        elif rdtype in (dns.rdatatype.CNAME, dns.rdatatype.PTR, dns.rdatatype.NS):
            rdata = encode_name(self.rdata)
        elif rdtype == dns.rdatatype.A:
            rdata = socket.inet_pton(socket.AF_INET, str(self.rdata))
        elif rdtype == dns.rdatatype.AAAA:
            rdata = socket.inet_pton(socket.AF_INET6, str(self.rdata))
        else:
            raise ValueError(f"give rdata of {self.rdtype} as bytes")
        return owner + struct.pack("!HHIH", rdtype, 1, self.ttl, len(rdata)) + rdata


# --------------------------------------------------------------------------------------------
# Behaviours


class Behaviour:
    """Decides the reply to one query.  Subclasses implement ``plan``."""

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """The sends for query ``q`` (``srv`` gives access to the records)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


class Answer(Behaviour):
    """The normal answer (from the server's records, or from ``records`` for this name).

    ``records`` maps types to rdata for the queried name only (no CNAME chasing).
    ``rcode`` overrides the computed rcode; ``truncate=False`` sends oversized
    UDP replies as they are.
    """

    def __init__(
        self,
        records: Mapping[str, str | Sequence[str]] | None = None,
        *,
        rcode: str | int | None = None,
        truncate: bool = True,
        aa: bool = True,
    ) -> None:
        self.records = dict(records) if records is not None else None
        self.rcode = rcode
        self.truncate = truncate
        self.aa = aa
        self._cache: dict[tuple[int, int, bytes, str], tuple[bytes, str]] = {}

    def message(self, q: Query, srv: FaultServer) -> dns.message.Message:
        """The reply as a dnspython message (before size handling)."""
        assert q.qname is not None and q.qtype is not None
        if self.records is not None:
            local = Records({q.qname.to_text(): self.records}, ttl=srv.records.ttl)
            rcode, answer, authority = local.resolve(q.qname, q.qtype, cname_limit=0)
        else:
            rcode, answer, authority = srv.records.resolve(q.qname, q.qtype,
                                                           cname_limit=srv.cname_limit)
        r = _empty_response(q, rcode)
        if not self.aa:
            r.flags &= ~dns.flags.AA
        if self.rcode is not None:
            r.set_rcode(dns.rcode.Rcode(_rcode(self.rcode)))
        r.answer = answer
        r.authority = authority
        return r

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``.

        A big reply (over 4 kB) is rendered once per question, transport and
        size limit and then reused under each query's id: rendering thousands
        of records takes dnspython long enough to outlast a client's timeout
        on a loaded machine.
        """
        if q.message is None or q.qname is None:
            return _formerr(q)
        key = (id(srv), srv.records.version, q.raw[2:], q.transport)  # flags, question, EDNS as sent
        cached = self._cache.get(key)
        if cached is not None:
            return Plan([Send(q.raw[:2] + cached[0][2:])], cached[1])
        msg = self.message(q, srv)
        wire, note = _to_wire(q, msg, truncate=self.truncate)
        action = _summary(msg) + note
        if len(wire) > 4096:
            self._cache[key] = (wire, action)
        return Plan([Send(wire)], action)


def _rcode(value: str | int) -> int:
    return value if isinstance(value, int) else int(dns.rcode.from_text(value))


def _formerr(q: Query) -> Plan:
    if len(q.raw) < 12:
        return Plan([], "unparsable, too short: no reply")
    flags = struct.unpack("!H", q.raw[2:4])[0]
    reply_flags = 0x8000 | (flags & 0x7900) | dns.rcode.FORMERR  # QR, opcode, RD
    return Plan([Send(q.raw[:2] + struct.pack("!5H", reply_flags, 0, 0, 0, 0))],
                "unparsable: FORMERR")


class Rcode(Behaviour):
    """An empty reply with this rcode (``SERVFAIL``, ``REFUSED``, ``NOTIMP``, ``FORMERR``, ``NXDOMAIN``…)."""

    def __init__(self, rcode: str | int, *, soa: bool | None = None) -> None:
        self.rcode = _rcode(rcode)
        self.soa = (self.rcode == dns.rcode.NXDOMAIN) if soa is None else soa

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        if q.message is None or q.qname is None:
            return _formerr(q)
        r = _empty_response(q, self.rcode)
        if self.soa:
            r.authority = [srv.records.soa_for(q.qname)]
        wire, note = _to_wire(q, r)
        return Plan([Send(wire)], _summary(r) + note)


SERVFAIL = Rcode("SERVFAIL")
REFUSED = Rcode("REFUSED")
NOTIMP = Rcode("NOTIMP")
FORMERR = Rcode("FORMERR")
NXDOMAIN = Rcode("NXDOMAIN")


class NoData(Rcode):
    """NOERROR with an empty answer and the SOA in the authority section."""

    def __init__(self) -> None:
        super().__init__("NOERROR", soa=True)


class Drop(Behaviour):
    """Never answer."""

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        return Plan([], "drop")


class Close(Behaviour):
    """TCP: close the connection without answering.  UDP: like ``Drop``."""

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        return Plan([], "close" if q.transport == TCP else "drop", close=True)


class Delay(Behaviour):
    """Answer ``ms`` milliseconds late (as ``then`` would)."""

    def __init__(self, ms: float, then: Behaviour | None = None) -> None:
        self.ms = ms
        self.then = then or Answer()

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        inner = self.then.plan(q, srv)
        sends = [Send(s.wire, s.delay + self.ms / 1000, s.source, s.note) for s in inner.sends]
        return Plan(sends, f"delay {self.ms:g}ms, {inner.action}", inner.close)


class WrongId(Behaviour):
    """Answer with a different message id; optionally the right answer ``correct_after_ms`` later."""

    def __init__(self, then: Behaviour | None = None, *, correct_after_ms: float | None = None) -> None:
        self.then = then or Answer()
        self.correct_after_ms = correct_after_ms

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        inner = self.then.plan(q, srv)
        sends = []
        for s in inner.sends:
            wrong = struct.pack("!H", ((q.id or 0) ^ 0x5A5A) or 1) + s.wire[2:]
            sends.append(Send(wrong, s.delay, s.source, "wrong id"))
            if self.correct_after_ms is not None:
                sends.append(Send(s.wire, s.delay + self.correct_after_ms / 1000, s.source))
        then = "" if self.correct_after_ms is None else f", right id after {self.correct_after_ms:g}ms"
        return Plan(sends, f"wrong id{then}: {inner.action}", inner.close)


class FromOtherPort(Behaviour):
    """UDP: send the reply from another source port of the same address."""

    def __init__(self, then: Behaviour | None = None) -> None:
        self.then = then or Answer()

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        inner = self.then.plan(q, srv)
        if q.transport != UDP:
            return Plan(inner.sends, f"(tcp: normal) {inner.action}", inner.close)
        sends = [Send(s.wire, s.delay, "other-port") for s in inner.sends]
        return Plan(sends, f"from another port: {inner.action}", inner.close)


class FromOtherAddress(Behaviour):
    """UDP: send the reply from another loopback address (IPv4 only)."""

    def __init__(self, then: Behaviour | None = None) -> None:
        self.then = then or Answer()

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        inner = self.then.plan(q, srv)
        if q.transport != UDP:
            return Plan(inner.sends, f"(tcp: normal) {inner.action}", inner.close)
        sends = [Send(s.wire, s.delay, "other-address") for s in inner.sends]
        return Plan(sends, f"from {loopback.other_loopback(srv.address)}: {inner.action}",
                    inner.close)


class OtherQuestion(Behaviour):
    """Answer a different question (``qname``/``qtype``) under the query's id."""

    def __init__(self, qname: str, qtype: str | None = None) -> None:
        self.qname = qname
        self.qtype = qtype

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        if q.message is None or q.qtype is None:
            return _formerr(q)
        qtype = dns.rdatatype.from_text(self.qtype) if self.qtype else q.qtype
        fake = dns.message.make_query(self.qname, dns.rdatatype.RdataType(qtype), use_edns=q.message.edns >= 0)
        fake.id = q.message.id
        fake.flags = q.message.flags
        fq = Query(fake.to_wire(max_size=65535), q.transport, q.client, q.server, fake, q.time)
        msg = Answer().message(fq, srv)
        wire, note = _to_wire(q, msg)
        return Plan([Send(wire)], f"answer for {self.qname} {dns.rdatatype.to_text(dns.rdatatype.RdataType(qtype))}: "
                    f"{_summary(msg)}{note}")


class Garbage(Behaviour):
    """Random bytes (reproducible per ``seed``); by default the first two are the query id."""

    def __init__(self, length: int = 64, *, keep_id: bool = True, data: bytes | None = None,
                 seed: int = 0) -> None:
        self.length = length
        self.keep_id = keep_id
        self.data = data
        self.seed = seed

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        data = self.data if self.data is not None else \
            random.Random(self.seed).randbytes(self.length)
        if self.keep_id and q.id is not None and len(data) >= 2:
            data = q.raw[:2] + data[2:]
        return Plan([Send(data)], f"garbage {len(data)}B")


class Echo(Behaviour):
    """Send the query straight back (QR clear, no answer): the question and id match."""

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        return Plan([Send(q.raw)], "echo")


class Truncated(Behaviour):
    """The reply cut short without the TC bit: mid-record by default.

    ``cut`` > 0 keeps that many bytes; < 0 drops that many from the end; None
    drops the second half of the last record (or of the question when there is
    no record).
    """

    def __init__(self, cut: int | None = None, then: Behaviour | None = None) -> None:
        self.cut = cut
        self.then = then or Answer(truncate=False)

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        inner = self.then.plan(q, srv)
        sends = []
        for s in inner.sends:
            if self.cut is not None:
                keep = self.cut if self.cut > 0 else len(s.wire) + self.cut
            else:
                keep = _mid_last_record(s.wire)
            sends.append(Send(s.wire[:keep], s.delay, s.source, "truncated"))
        sizes = ", ".join(f"{len(s.wire)}B" for s in sends)
        return Plan(sends, f"cut to {sizes}: {inner.action}", inner.close)


def _skip_name(wire: bytes, off: int) -> int:
    while off < len(wire):
        length = wire[off]
        if length == 0:
            return off + 1
        if length & 0xC0 == 0xC0:
            return off + 2
        off += 1 + length
    return off


def record_spans(wire: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every resource record in a DNS message, in order."""
    qd, an, ns, ar = struct.unpack("!4H", wire[4:12])
    off = 12
    for _ in range(qd):
        off = _skip_name(wire, off) + 4
    spans = []
    for _ in range(an + ns + ar):
        start = off
        off = _skip_name(wire, off)
        if off + 10 > len(wire):
            break
        (rdlen,) = struct.unpack("!H", wire[off + 8:off + 10])
        off += 10 + rdlen
        spans.append((start, off))
    return spans


def _mid_last_record(wire: bytes) -> int:
    """A cut inside the last answer/authority record (or inside the question)."""
    an, ns = struct.unpack("!2H", wire[6:10])
    spans = record_spans(wire)[:an + ns]
    if not spans:
        return 12 + max(1, (len(wire) - 12) // 2)
    start, end = spans[-1]
    return start + max(1, (end - start) // 2)


class Tc(Behaviour):
    """UDP: a reply with TC=1 and the first ``partial`` answer records (0: none).

    Over TCP it answers like ``then`` (a TC bit on TCP means nothing).  The UDP
    reply carries the rcode of the answer ``then`` (if an ``Answer``) would give.
    """

    def __init__(self, partial: int = 0, then: Behaviour | None = None) -> None:
        self.partial = partial
        self.then = then or Answer()

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        if q.transport != UDP or q.message is None:
            return self.then.plan(q, srv)
        base = self.then if isinstance(self.then, Answer) else Answer()
        msg = base.message(q, srv)
        kept: list[dns.rrset.RRset] = []
        left = self.partial
        for rrset in msg.answer:
            if left <= 0:
                break
            part = dns.rrset.RRset(rrset.name, rrset.rdclass, rrset.rdtype)
            for rd in list(rrset)[:left]:
                part.add(rd, rrset.ttl)
            left -= len(part)
            kept.append(part)
        msg.answer = kept
        msg.authority = []
        msg.flags |= dns.flags.TC
        return Plan([Send(msg.to_wire(max_size=65535))], _summary(msg))


class ByTransport(Behaviour):
    """One behaviour for UDP, another for TCP."""

    def __init__(self, udp: Behaviour | None = None, tcp: Behaviour | None = None) -> None:
        self.udp = udp or Answer()
        self.tcp = tcp or Answer()

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        return (self.udp if q.transport == UDP else self.tcp).plan(q, srv)


def tc_then_tcp(tcp_records: Mapping[str, str | Sequence[str]] | None = None) -> ByTransport:
    """TC=1 over UDP, and over TCP the normal answer or ``tcp_records``."""
    return ByTransport(udp=Tc(then=Answer(tcp_records)), tcp=Answer(tcp_records))


class Series(Behaviour):
    """The n-th query this rule matches gets the n-th behaviour; the last one repeats."""

    def __init__(self, *behaviours: Behaviour) -> None:
        if not behaviours:
            raise ValueError("Series needs at least one behaviour")
        self.behaviours = behaviours
        self._count = 0
        self._lock = threading.Lock()

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        with self._lock:
            n = self._count
            self._count += 1
        inner = self.behaviours[min(n, len(self.behaviours) - 1)].plan(q, srv)
        return Plan(inner.sends, f"#{n + 1}: {inner.action}", inner.close)


class Raw(Behaviour):
    """A reply whose answer section is built byte by byte from ``RawRR`` records."""

    def __init__(self, answer: Sequence[RawRR], *, rcode: str | int = "NOERROR",
                 flags: int | None = None) -> None:
        self.answer = list(answer)
        self.rcode = _rcode(rcode)
        self.flags = flags

    def plan(self, q: Query, srv: FaultServer) -> Plan:
        """See ``Behaviour.plan``."""
        if q.message is None or q.qname is None or q.qtype is None:
            return _formerr(q)
        flags = self.flags if self.flags is not None else \
            0x8000 | dns.flags.AA | (q.message.flags & dns.flags.RD) | self.rcode
        question = (q.qname.to_wire() or b"") + struct.pack("!HH", q.qtype, 1)
        body = b"".join(rr.wire(q) for rr in self.answer)
        header = struct.pack("!6H", q.message.id, flags, 1, len(self.answer), 0, 0)
        wire = header + question + body
        return Plan([Send(wire)], f"raw {dns.rcode.to_text(dns.rcode.Rcode(self.rcode))} an={len(self.answer)} "
                    f"{len(wire)}B")


def long_label_answer(kind: str = "cname", length: int = 64, *, address: str = "192.0.2.1") -> Raw:
    """An answer containing a ``length``-octet label (over 63 is invalid on the wire).

    ``kind``: ``owner`` (an A record whose owner is ``<label>.test``), ``cname``
    (query name → ``<label>.test`` with an A there), ``ptr`` (PTR target
    ``<label>.test``).
    """
    label = [b"x" * length, b"test"]
    if kind == "owner":
        return Raw([RawRR(label, "A", address)])
    if kind == "cname":
        return Raw([RawRR(None, "CNAME", label), RawRR(label, "A", address)])
    if kind == "ptr":
        return Raw([RawRR(None, "PTR", label)])
    raise ValueError(f"unknown kind {kind!r}")


# --------------------------------------------------------------------------------------------
# Rules and the server


@dataclass(frozen=True)
class Rule:
    """Use ``behaviour`` for queries matching ``name`` (and ``qtype``/``transport`` if given).

    ``name``: exact (case-insensitive), ``*`` for every query, ``*.zone`` for
    names strictly below ``zone``.
    """

    name: str
    behaviour: Behaviour
    qtype: str | None = None
    transport: str | None = None

    def matches(self, q: Query) -> bool:
        """True when this rule applies to ``q``."""
        if self.transport is not None and q.transport != self.transport:
            return False
        if self.qtype is not None and (q.qtype is None or
                                       q.qtype != dns.rdatatype.from_text(self.qtype)):
            return False
        if self.name == "*":
            return True
        if q.qname is None:
            return False
        if self.name.startswith("*."):
            return q.qname.is_subdomain(_name(self.name[2:])) and q.qname != _name(self.name[2:])
        return bool(q.qname == _name(self.name))


RulesArg = Mapping[str, Behaviour] | Iterable[Rule]


class FaultServer:
    """The responder: UDP and TCP on one loopback address and port.

    ``records``: ``{name: {type: rdata or [rdata…]}}``, RRsets, or ``Records``.
    ``rules``: ``{name: behaviour}`` or ``Rule`` objects, first match wins;
    anything else gets ``default`` (the normal answer).
    ``port=53`` without ``address`` leases a dedicated ``127.53.X.Y`` (for
    glibc); otherwise ``address`` defaults to 127.0.0.1 and ``port`` 0 means
    any free port.
    """

    def __init__(
        self,
        records: RecordsArg | Records | None = None,
        rules: RulesArg | None = None,
        *,
        address: str | None = None,
        port: int = 0,
        default: Behaviour | None = None,
        cname_limit: int = CNAME_LIMIT,
        ttl: int = DEFAULT_TTL,
        tcp: bool = True,
    ) -> None:
        self.records = records if isinstance(records, Records) else Records(records, ttl=ttl)
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        if rules is not None:
            self.add_rules(rules)
        self.default = default or Answer()
        self.cname_limit = cname_limit
        self.requested = (address, port)
        self.serve_tcp = tcp
        self._lease: loopback.Lease | None = None
        self._address: str | None = None
        self._port: int | None = None
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._timers: set[threading.Timer] = set()
        self._conns: set[socket.socket] = set()
        self._log: list[LoggedQuery] = []
        self._log_cond = threading.Condition(self._lock)
        self._t0 = time.monotonic()
        self.errors: list[str] = []
        """Exceptions raised while handling queries (a test should find none)."""

    # -- configuration ----------------------------------------------------------------------

    def add_rules(self, rules: RulesArg) -> None:
        """Append rules (they come after the existing ones)."""
        new = [Rule(n, b) for n, b in rules.items()] if isinstance(rules, Mapping) else list(rules)
        with self._lock:
            self._rules.extend(new)

    def set_rule(self, name: str, behaviour: Behaviour, *, qtype: str | None = None,
                 transport: str | None = None) -> None:
        """Put a rule in front of all others."""
        with self._lock:
            self._rules.insert(0, Rule(name, behaviour, qtype, transport))

    def clear_rules(self) -> None:
        """Forget all rules: every query gets the default behaviour."""
        with self._lock:
            self._rules.clear()

    def behaviour_for(self, q: Query) -> Behaviour:
        """The behaviour the first matching rule names (else the default)."""
        with self._lock:
            rules = list(self._rules)
        for rule in rules:
            if rule.matches(q):
                return rule.behaviour
        return self.default

    # -- addresses --------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """The loopback address the server listens on."""
        if self._address is None:
            raise RuntimeError("the server is not running")
        return self._address

    @property
    def port(self) -> int:
        """The port (UDP and TCP)."""
        if self._port is None:
            raise RuntimeError("the server is not running")
        return self._port

    def resolv_conf(self, *, search: Iterable[str] = (),
                    options: Iterable[str] = ("timeout:1", "attempts:1"), extra: str = "") -> str:
        """resolv.conf text that sends glibc's queries here (port 53 only)."""
        if self.port != loopback.DNS_PORT:
            raise RuntimeError(f"listening on port {self.port}; glibc can only use port 53")
        return loopback.resolv_conf_text([self.address], search=search, options=options, extra=extra)

    # -- log ----------------------------------------------------------------------------------

    @property
    def log(self) -> list[LoggedQuery]:
        """A copy of the query log, oldest first."""
        with self._lock:
            return list(self._log)

    def queries(self, name: str | None = None, qtype: str | None = None,
                transport: str | None = None) -> list[LoggedQuery]:
        """Logged queries, filtered by name (case-insensitive), type and transport."""
        want = _name(name).to_text().lower() if name is not None else None
        return [e for e in self.log
                if (want is None or (e.qname or "").lower() == want)
                and (qtype is None or e.qtype == qtype)
                and (transport is None or e.transport == transport)]

    def clear_log(self) -> None:
        """Empty the query log."""
        with self._lock:
            self._log.clear()

    def log_lines(self) -> str:
        """The log as text, one query per line."""
        return "".join(e.line() + "\n" for e in self.log)

    def wait_for_queries(self, count: int, timeout: float = 5.0) -> list[LoggedQuery]:
        """Wait until at least ``count`` queries are logged; return the log."""
        deadline = time.monotonic() + timeout
        with self._log_cond:
            while len(self._log) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._log_cond.wait(left)
            return list(self._log)

    def _record(self, q: Query, action: str) -> None:
        m = q.message
        qd = q.question
        entry = LoggedQuery(
            t=q.time - self._t0,
            transport=q.transport,
            server=q.server,
            client=q.client,
            id=q.id,
            qname=qd.name.to_text() if qd is not None else None,
            qtype=dns.rdatatype.to_text(qd.rdtype) if qd is not None else None,
            rd=bool(m.flags & dns.flags.RD) if m is not None else False,
            ad=bool(m.flags & dns.flags.AD) if m is not None else False,
            cd=bool(m.flags & dns.flags.CD) if m is not None else False,
            edns=m.payload if m is not None and m.edns >= 0 else None,
            do=bool(m is not None and m.ednsflags & dns.flags.DO),
            size=len(q.raw),
            action=action,
        )
        with self._log_cond:
            self._log.append(entry)
            self._log_cond.notify_all()

    # -- serving ------------------------------------------------------------------------------

    def start(self) -> FaultServer:
        """Bind and start serving in background threads; return self."""
        address, port = self.requested
        if address is None and port == loopback.DNS_PORT:
            self._lease = loopback.Lease.acquire(loopback.DNS_PORT)
            address = self._lease.address
        elif address is None:
            address = "127.0.0.1"
        if not loopback.is_loopback(address):
            raise ValueError(f"refusing to listen on a non-loopback address: {address}")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        try:
            for _ in range(20):
                udp = socket.socket(family, socket.SOCK_DGRAM)
                udp.bind((address, port))
                chosen = udp.getsockname()[1]
                if not self.serve_tcp:
                    break
                tcp = socket.socket(family, socket.SOCK_STREAM)
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    tcp.bind((address, chosen))
                except OSError:
                    udp.close()
                    tcp.close()
                    if port:
                        raise
                    continue
                tcp.listen(64)
                self._tcp = tcp
                break
            else:
                raise OSError(f"no port free for both UDP and TCP on {address}")
        except BaseException:
            if self._lease is not None:
                self._lease.release()
            raise
        self._udp = udp
        self._address, self._port = address, chosen
        self._t0 = time.monotonic()
        t = threading.Thread(target=self._serve, name=f"faultdns-{address}#{chosen}", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def _serve(self) -> None:
        sel = selectors.DefaultSelector()
        assert self._udp is not None
        self._udp.setblocking(False)
        sel.register(self._udp, selectors.EVENT_READ, "udp")
        if self._tcp is not None:
            self._tcp.setblocking(False)
            sel.register(self._tcp, selectors.EVENT_READ, "tcp")
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=0.05):
                    if key.data == "udp":
                        with contextlib.suppress(BlockingIOError, InterruptedError):
                            data, peer = self._udp.recvfrom(65535)
                            self._handle_udp(data, peer)
                    else:
                        assert self._tcp is not None
                        with contextlib.suppress(BlockingIOError, InterruptedError):
                            conn, peer = self._tcp.accept()
                            t = threading.Thread(target=self._serve_tcp, args=(conn, peer),
                                                 daemon=True)
                            t.start()
                            self._threads.append(t)
        except OSError:
            if not self._stop.is_set():
                raise
        finally:
            sel.close()

    def _parse(self, data: bytes, transport: str, peer: tuple[str, int]) -> Query:
        try:
            msg: dns.message.Message | None = dns.message.from_wire(data, ignore_trailing=True)
        except dns.exception.DNSException:
            msg = None
        return Query(data, transport, (peer[0], peer[1]), (self.address, self.port), msg,
                     time.monotonic())

    def _decide(self, q: Query) -> Plan:
        try:
            plan = self.behaviour_for(q).plan(q, self)
        except Exception as exc:  # a bug in a behaviour: answer SERVFAIL, remember it
            self.errors.append(f"{type(exc).__name__}: {exc}")
            plan = SERVFAIL.plan(q, self) if q.message is not None else Plan([], "error")
            plan.action = f"ERROR {exc!r}; {plan.action}"
        self._record(q, plan.action)
        return plan

    def _handle_udp(self, data: bytes, peer: tuple[str, int]) -> None:
        q = self._parse(data, UDP, peer)
        plan = self._decide(q)
        for s in plan.sends:
            if s.delay > 0:
                timer = threading.Timer(s.delay, self._send_udp, args=(s, peer))
                timer.daemon = True
                with self._lock:
                    self._timers.add(timer)
                timer.start()
            else:
                self._send_udp(s, peer)

    def _send_udp(self, s: Send, peer: tuple[str, int]) -> None:
        if self._stop.is_set():
            return
        try:
            if s.source == "same":
                assert self._udp is not None
                self._udp.sendto(s.wire, peer)
                return
            family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
            src = self.address if s.source == "other-port" else loopback.other_loopback(self.address)
            with socket.socket(family, socket.SOCK_DGRAM) as other:
                other.bind((src, 0))
                other.sendto(s.wire, peer)
        except OSError as exc:
            if not self._stop.is_set():
                self.errors.append(f"send to {peer}: {exc}")

    def _serve_tcp(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        with self._lock:
            self._conns.add(conn)
        conn.setblocking(True)
        conn.settimeout(0.2)
        buf = b""
        try:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65535)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                buf += chunk
                while len(buf) >= 2:
                    (n,) = struct.unpack("!H", buf[:2])
                    if len(buf) < 2 + n:
                        break
                    data, buf = buf[2:2 + n], buf[2 + n:]
                    q = self._parse(data, TCP, peer)
                    plan = self._decide(q)
                    for s in plan.sends:
                        if s.delay > 0 and self._stop.wait(s.delay):
                            return
                        conn.sendall(struct.pack("!H", len(s.wire)) + s.wire)
                    if plan.close:
                        return
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()

    def stop(self) -> None:
        """Stop serving, close every socket, free the address (idempotent)."""
        self._stop.set()
        with self._lock:
            timers, self._timers = list(self._timers), set()
            conns = list(self._conns)
        for timer in timers:
            timer.cancel()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for t in self._threads:
            t.join(5)
        self._threads.clear()
        for sock in (self._udp, self._tcp):
            if sock is not None:
                sock.close()
        self._udp = self._tcp = None
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = f"{self._address}#{self._port}" if self._address else "not started"
        return f"<FaultServer {where} rules={len(self._rules)} log={len(self._log)}>"
