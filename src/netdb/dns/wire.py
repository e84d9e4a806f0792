"""DNS messages as glibc's resolver writes and reads them.

``make_query`` is ``res_nmkquery`` (+ ``__res_nopt`` for ``edns0``): a random
id, RD set, AD set with ``trust-ad``, one question of class IN, and with
``edns0`` an OPT record advertising a UDP payload of 1200 bytes (DO clear).

``Reply`` reads what the resolver needs from a response: the header, the
first question and the resource records, by offsets into the original bytes
(names may be compressed).  ``queries_match`` is ``res_queriesmatch``: the
check that a reply carries the question that was asked.

The wire format is read by hand rather than through dnspython's message
parser because glibc's acceptance rules are part of the behaviour we copy:
names with any bytes, answers that a strict parser rejects but glibc reads
up to the point where its cursor fails, and so on.  dnspython stays the
project's DNS dependency for tests and presentation.
"""

from __future__ import annotations

import os
import struct
from typing import NamedTuple

from .names import samename, unpack

__all__ = [
    "CLASS_IN",
    "EDNS_PAYLOAD",
    "HEADER_SIZE",
    "QTYPE_NAMES",
    "RCODE_NAMES",
    "T_A",
    "T_AAAA",
    "T_CNAME",
    "T_OPT",
    "T_PTR",
    "Reply",
    "Rr",
    "make_query",
    "qtype_name",
    "queries_match",
    "rcode_name",
]

HEADER_SIZE = 12
CLASS_IN = 1
T_A = 1
T_CNAME = 5
T_PTR = 12
T_AAAA = 28
T_OPT = 41
EDNS_PAYLOAD = 1200
"""The UDP payload size glibc advertises with ``options edns0`` (RESOLV_EDNS_BUFFER_SIZE)."""

NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 0, 1, 2, 3, 4, 5
RCODE_NAMES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
               6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE"}
"""Names of the response codes (``dns.rcode`` spelling)."""
QTYPE_NAMES = {T_A: "A", T_AAAA: "AAAA", T_PTR: "PTR", T_CNAME: "CNAME"}
"""Names of the query types the resolver sends."""

_HEADER = struct.Struct("!HHHHHH")
_RRFIXED = struct.Struct("!HHIH")


def rcode_name(rcode: int) -> str:
    """``NOERROR``, ``NXDOMAIN`` ... (``RCODE17`` for unnamed ones)."""
    return RCODE_NAMES.get(rcode, f"RCODE{rcode}")


def qtype_name(qtype: int) -> str:
    """``A``, ``AAAA``, ``PTR`` ... (``TYPE99`` for others)."""
    return QTYPE_NAMES.get(qtype, f"TYPE{qtype}")


def make_query(qname: bytes, qtype: int, *, ad: bool = False, edns: bool = False,
               qid: int | None = None) -> bytes:
    """A query for the wire name ``qname`` as ``res_nmkquery`` builds it."""
    if qid is None:
        qid = int.from_bytes(os.urandom(2), "big")
    flags = 0x0100 | (0x0020 if ad else 0)  # RD, and AD with trust-ad
    header = _HEADER.pack(qid, flags, 1, 0, 0, 1 if edns else 0)
    msg = header + qname + struct.pack("!HH", qtype, CLASS_IN)
    if edns:
        # OPT: root owner, class = payload size, TTL 0 (no extended rcode, version 0, DO clear).
        msg += b"\x00" + struct.pack("!HHIH", T_OPT, EDNS_PAYLOAD, 0, 0)
    return msg


class Rr(NamedTuple):
    """One resource record: where its owner name and rdata are in the message."""

    name_offset: int
    rtype: int
    rclass: int
    ttl: int
    rdata_offset: int
    rdlength: int


class Reply:
    """A received DNS message, read lazily.

    ``id``, ``flags`` and the counts come from the 12-byte header (the
    message must have one).  ``question()`` gives the first question;
    ``records()`` walks the answer section (and beyond) the way glibc's
    cursor does, stopping where a record cannot be read.
    """

    __slots__ = ("ancount", "arcount", "data", "flags", "id", "nscount", "qdcount")

    def __init__(self, data: bytes) -> None:
        if len(data) < HEADER_SIZE:
            raise ValueError("shorter than a DNS header")
        self.data = data
        fields: tuple[int, int, int, int, int, int] = _HEADER.unpack_from(data)
        self.id, self.flags, self.qdcount, self.ancount, self.nscount, self.arcount = fields

    @property
    def rcode(self) -> int:
        """The 4-bit response code."""
        return self.flags & 0xF

    @property
    def opcode(self) -> int:
        """The opcode (0 is QUERY)."""
        return (self.flags >> 11) & 0xF

    @property
    def tc(self) -> bool:
        """The truncation bit."""
        return bool(self.flags & 0x0200)

    @property
    def aa(self) -> bool:
        """The authoritative-answer bit."""
        return bool(self.flags & 0x0400)

    @property
    def ra(self) -> bool:
        """The recursion-available bit."""
        return bool(self.flags & 0x0080)

    @property
    def qr(self) -> bool:
        """The response bit."""
        return bool(self.flags & 0x8000)

    def question(self) -> tuple[bytes, int, int, int] | None:
        """The first question: (wire name, type, class, offset after it), or None."""
        if self.qdcount < 1:
            return None
        got = unpack(self.data, HEADER_SIZE)
        if got is None:
            return None
        name, off = got
        if off + 4 > len(self.data):
            return None
        qtype, qclass = struct.unpack_from("!HH", self.data, off)
        return name, qtype, qclass, off + 4

    def records(self, count: int) -> tuple[list[Rr], bool]:
        """The first ``count`` records after the question section, and whether all were read."""
        data = self.data
        off = HEADER_SIZE
        for _ in range(self.qdcount):
            got = unpack(data, off)
            if got is None:
                return [], False
            off = got[1] + 4
            if off > len(data):
                return [], False
        out: list[Rr] = []
        for _ in range(count):
            start = off
            got = unpack(data, off)
            if got is None:
                return out, False
            off = got[1]
            if off + 10 > len(data):
                return out, False
            rtype, rclass, ttl, rdlength = _RRFIXED.unpack_from(data, off)
            off += 10
            if off + rdlength > len(data):
                return out, False
            out.append(Rr(start, rtype, rclass, ttl, off, rdlength))
            off += rdlength
        return out, True

    def name_at(self, offset: int) -> bytes | None:
        """The uncompressed wire name at ``offset`` (None when unreadable)."""
        got = unpack(self.data, offset)
        return None if got is None else got[0]


def queries_match(query: bytes, reply: bytes) -> bool:
    """``res_queriesmatch``: every question of ``query`` is in ``reply``.

    Names compare case-insensitively.  As in glibc, a question section that
    cannot be read counts as a match (the C function's -1 is "true"); the
    counts must be equal.

    glibc reads the reply's question up to the end of its answer *buffer*, not
    of the reply (``send_dg`` passes ``*thisansp + *thisanssizp``), so a reply
    cut inside its question is compared with whatever the buffer held past the
    received bytes.  We read those bytes as zeros, a fresh buffer: the cut
    name or type then differs and the reply is ignored, as glibc usually does.
    """
    if len(query) < HEADER_SIZE or len(reply) < HEADER_SIZE:
        return True
    if len(reply) < _ANSWER_BUFFER and not _questions_fit(reply):
        reply = reply + bytes(_ANSWER_BUFFER - len(reply))
    if (query[2] >> 3) & 0xF == 5 and (reply[2] >> 3) & 0xF == 5:  # both UPDATE
        return True
    qd = struct.unpack_from("!H", query, 4)[0]
    if qd != struct.unpack_from("!H", reply, 4)[0]:
        return False
    off = HEADER_SIZE
    for _ in range(qd):
        got = unpack(query, off)
        if got is None or got[1] + 4 > len(query):
            return True
        name, off = got
        qtype, qclass = struct.unpack_from("!HH", query, off)
        off += 4
        if not _name_in_query(name, qtype, qclass, reply, qd):
            return False
    return True


_ANSWER_BUFFER = 65536


def _questions_fit(msg: bytes) -> bool:
    """Whether every question of ``msg`` lies within its bytes."""
    off = HEADER_SIZE
    for _ in range(struct.unpack_from("!H", msg, 4)[0]):
        got = unpack(msg, off)
        if got is None or got[1] + 4 > len(msg):
            return False
        off = got[1] + 4
    return True


def _name_in_query(name: bytes, qtype: int, qclass: int, msg: bytes, count: int) -> bool:
    """``res_nameinquery``; an unreadable section answers True (the C -1)."""
    off = HEADER_SIZE
    for _ in range(count):
        got = unpack(msg, off)
        if got is None or got[1] + 4 > len(msg):
            return True
        other, off = got
        t, c = struct.unpack_from("!HH", msg, off)
        off += 4
        if t == qtype and c == qclass and samename(other, name):
            return True
    return False
