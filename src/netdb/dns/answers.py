"""nss_dns's readers of DNS answers: addresses, the CNAME chain, the PTR name.

* ``getanswer_r`` (``gethostbyname3_r``: one type): the question name and
  every CNAME target that is a valid host name become the name list — the
  last is ``h_name`` (the canonical name), the others the aliases; an address
  record counts when its type is the one asked, its owner is the current end
  of the CNAME chain (case-insensitively) and its length is right.  NXDOMAIN
  or an invalid question name: NOTFOUND / HOST_NOT_FOUND; no address:
  TRYAGAIN / NO_RECOVERY (which getaddrinfo reports as EAI_NODATA); a record
  that cannot be read: UNAVAIL / NO_RECOVERY.
* ``gaih_getanswer`` (``gethostbyname4_r``: the A and AAAA answers): the same
  walk per answer; the canonical name is the last valid CNAME target before
  the first address (else the question name), stored with the first address;
  the second answer's status is used when the first did not succeed and the
  second is not NOTFOUND.
* ``getanswer_ptr``: the first PTR record whose owner is the end of the CNAME
  chain; its target must be a valid host name (else NO_RECOVERY).
"""

from __future__ import annotations

import socket
from typing import NamedTuple

from ..errors import HOST_NOT_FOUND, NO_RECOVERY
from .names import binary_hnok, ntop, samename, unpack
from .wire import CLASS_IN, HEADER_SIZE, NXDOMAIN, T_A, T_AAAA, T_CNAME, T_PTR, Reply

__all__ = ["AddrAnswer", "HostAnswer", "PtrAnswer", "gaih_getanswer", "getanswer_ptr", "getanswer_r"]

SUCCESS, NOTFOUND, UNAVAIL, TRYAGAIN = "SUCCESS", "NOTFOUND", "UNAVAIL", "TRYAGAIN"

_RDLEN = {T_A: 4, T_AAAA: 16}


def _text(wire: bytes) -> str:
    return ntop(wire).decode("utf-8", "surrogateescape")


class HostAnswer(NamedTuple):
    """``getanswer_r``'s result: status, h_errno, the addresses (packed) and the name list.

    ``size`` is the room the hostent takes in the caller's buffer, as
    ``gethostbyname3_context`` lays it out: each name (NUL-terminated) and
    each address (4-aligned) in answer order, then the 8-aligned address
    pointer array (with its NULL) and the alias pointer array.
    """

    status: str
    h_errno: int
    addresses: list[bytes]
    names: list[str]  # question name and valid CNAME targets; the last is h_name
    size: int = 0


class AddrAnswer(NamedTuple):
    """``gaih_getanswer``'s result: status, h_errno, ``(family, packed)`` pairs and the canonical name."""

    status: str
    h_errno: int
    addresses: list[tuple[int, bytes]]
    canon: str | None


class PtrAnswer(NamedTuple):
    """``getanswer_ptr``'s result: status, h_errno and the host name."""

    status: str
    h_errno: int
    name: str | None


def _question(reply: Reply) -> bytes | None:
    q = reply.question()
    return None if q is None else q[0]


def getanswer_r(packet: bytes, qtype: int) -> HostAnswer:
    """The addresses of one answer to an A or AAAA query, with the CNAME chain's names."""
    if len(packet) < HEADER_SIZE:
        return HostAnswer(UNAVAIL, NO_RECOVERY, [], [])
    reply = Reply(packet)
    qname = _question(reply)
    if qname is None or reply.qdcount != 1:
        return HostAnswer(UNAVAIL, NO_RECOVERY, [], [])
    if reply.rcode == NXDOMAIN or not binary_hnok(qname):
        return HostAnswer(NOTFOUND, HOST_NOT_FOUND, [], [])
    names = [_text(qname)]
    used = len(names[0]) + 1
    expected = qname
    addresses: list[bytes] = []
    records, complete = reply.records(reply.ancount)
    for rr in records:
        if rr.rclass != CLASS_IN:
            continue
        if rr.rtype == T_CNAME:
            target = unpack(packet, rr.rdata_offset)
            if target is None:
                return HostAnswer(UNAVAIL, NO_RECOVERY, [], names)
            if binary_hnok(target[0]):
                names.append(_text(target[0]))
                used += len(names[-1]) + 1
            expected = target[0]
        elif rr.rtype == qtype and rr.rdlength == _RDLEN.get(qtype):
            owner = reply.name_at(rr.name_offset)
            if owner is not None and samename(owner, expected):
                addresses.append(packet[rr.rdata_offset : rr.rdata_offset + rr.rdlength])
                used = _align(used, 4) + rr.rdlength
    if not complete:
        return HostAnswer(UNAVAIL, NO_RECOVERY, [], names)
    if not addresses:
        return HostAnswer(TRYAGAIN, NO_RECOVERY, [], names)
    used = _align(used, 8) + 8 * (len(addresses) + 1) + 8 * len(names)
    return HostAnswer(SUCCESS, 0, addresses, names, used)


def _align(offset: int, alignment: int) -> int:
    return (offset + alignment - 1) // alignment * alignment


def _slice(packet: bytes, store_canon: bool) -> tuple[str, int, list[tuple[int, bytes]], str | None]:
    if len(packet) < HEADER_SIZE:
        return UNAVAIL, NO_RECOVERY, [], None
    reply = Reply(packet)
    q = reply.question()
    if q is None or reply.qdcount != 1:
        return UNAVAIL, NO_RECOVERY, [], None
    qname, qtype = q[0], q[1]
    if reply.ancount == 0 or not binary_hnok(qname):
        return NOTFOUND, HOST_NOT_FOUND, [], None
    expected = qname
    alias = qname
    canon: str | None = None
    out: list[tuple[int, bytes]] = []
    records, complete = reply.records(reply.ancount)
    for rr in records:
        if rr.rtype == T_CNAME:
            target = unpack(packet, rr.rdata_offset)
            if target is None:
                return UNAVAIL, NO_RECOVERY, [], None
            expected = target[0]
            if store_canon and binary_hnok(expected):
                alias = expected
        elif rr.rtype == qtype and rr.rdlength == _RDLEN.get(qtype):
            owner = reply.name_at(rr.name_offset)
            if owner is None or not samename(owner, expected):
                continue
            if store_canon:
                canon = _text(alias)
                store_canon = False
            family = socket.AF_INET if rr.rdlength == 4 else socket.AF_INET6
            out.append((family, packet[rr.rdata_offset : rr.rdata_offset + rr.rdlength]))
    if not complete:
        return UNAVAIL, NO_RECOVERY, [], None
    if out:
        return SUCCESS, 0, out, canon
    return NOTFOUND, HOST_NOT_FOUND, [], None


def gaih_getanswer(ans1: bytes | None, len1: int, ans2: bytes | None, len2: int) -> AddrAnswer:
    """Both answers of an A+AAAA exchange combined as nss_dns combines them."""
    status, h_errno = NOTFOUND, HOST_NOT_FOUND
    addresses: list[tuple[int, bytes]] = []
    canon: str | None = None
    if ans1 is not None and len1 > 0:
        status, h_errno, addresses, canon = _slice(ans1[:len1], True)
    if status in (SUCCESS, NOTFOUND) and ans2 is not None and len2 > 0:
        status2, h_errno, more, canon2 = _slice(ans2[:len2], status != SUCCESS)
        addresses = addresses + more
        if canon is None:
            canon = canon2
        if status != SUCCESS and status2 != NOTFOUND:
            status = status2
    if status != SUCCESS:
        addresses = []
    return AddrAnswer(status, h_errno, addresses, canon)


def gaih_getanswer_noaaaa(ans: bytes | None, length: int) -> AddrAnswer:
    """The A answer alone (``options no-aaaa``)."""
    if ans is None or length <= 0:
        return AddrAnswer(NOTFOUND, HOST_NOT_FOUND, [], None)
    status, h_errno, addresses, canon = _slice(ans[:length], True)
    return AddrAnswer(status, h_errno, addresses, canon)


def getanswer_ptr(packet: bytes) -> PtrAnswer:
    """The host name of a PTR answer (the first PTR at the end of the CNAME chain)."""
    if len(packet) < HEADER_SIZE:
        return PtrAnswer(UNAVAIL, NO_RECOVERY, None)
    reply = Reply(packet)
    qname = _question(reply)
    if qname is None or reply.qdcount != 1:
        return PtrAnswer(UNAVAIL, NO_RECOVERY, None)
    expected = qname
    records, complete = reply.records(reply.ancount)
    for rr in records:
        if rr.rclass != CLASS_IN:
            continue
        if rr.rtype == T_CNAME:
            target = unpack(packet, rr.rdata_offset)
            if target is None:
                return PtrAnswer(UNAVAIL, NO_RECOVERY, None)
            expected = target[0]
        elif rr.rtype == T_PTR:
            owner = reply.name_at(rr.name_offset)
            if owner is None or not samename(owner, expected):
                continue
            target = unpack(packet, rr.rdata_offset)
            if target is None or not binary_hnok(target[0]) or len(ntop(target[0])) > 256:
                return PtrAnswer(UNAVAIL, NO_RECOVERY, None)
            return PtrAnswer(SUCCESS, 0, _text(target[0]))
    if not complete:
        return PtrAnswer(UNAVAIL, NO_RECOVERY, None)
    return PtrAnswer(TRYAGAIN, NO_RECOVERY, None)
