"""The ``dns`` source for the hosts database (glibc's ``libnss_dns``).

Three questions, each a generator that yields the resolver's I/O requests
(``netdb.dns.io``) and returns a ``switch.Answer``:

* ``byname4(query, name)`` — ``_nss_dns_gethostbyname4_r`` (getaddrinfo with
  AF_UNSPEC): A and AAAA for each search candidate (A only with
  ``no-aaaa``); value ``(canonical name, [AddressHit])``;
* ``byname3(query, name, family)`` — ``_nss_dns_gethostbyname3_r``: A or
  AAAA; value ``(hostent, [])`` whose ``name`` is the end of the CNAME chain
  and whose aliases are the names before it (``sortlist`` orders IPv4
  addresses);
* ``byaddr(query, packed)`` — ``_nss_dns_gethostbyaddr2_r``: a PTR query in
  in-addr.arpa or ip6.arpa (IPv4-mapped and -compatible addresses are looked
  up as IPv4), no search list; value ``(hostent, "dns")``.

Statuses are glibc's (glibc-behavior.md §7.2, §8.5): found → SUCCESS;
NXDOMAIN and NODATA → NOTFOUND (h_errno HOST_NOT_FOUND / NO_DATA); SERVFAIL,
REFUSED, timeouts and unreachable servers → UNAVAIL with h_errno TRY_AGAIN —
except that nss_dns decides from ``errno``, so a failure followed by later
answers in the same search (SERVFAIL, then NXDOMAINs) is NOTFOUND with
h_errno TRY_AGAIN, and a reverse lookup is never UNAVAIL.  A name that is not
a valid host name (``res_hnok``) is NOTFOUND with no query sent
(``gethostbyname4_r`` and ``gethostbyname2_r`` check it; ``gethostbyname3_r``
does not).

Every answer carries the queries sent as ``Answer.records``
(``netdb.dns.trace.QueryRecord``) and the same as one line in ``detail``.
"""

from __future__ import annotations

import errno as errno_mod
import socket
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..dns.answers import gaih_getanswer, gaih_getanswer_noaaaa, getanswer_ptr, getanswer_r
from ..dns.exchange import ResContext
from ..dns.names import res_hnok
from ..dns.search import A_AND_AAAA, nss_status, res_query, res_search
from ..dns.trace import summarize
from ..dns.wire import T_A, T_AAAA, T_PTR
from ..errors import HOST_NOT_FOUND, TRY_AGAIN
from ..files._text import encode_raw
from ..hostsdb import AddressHit
from ..records import hostent
from ..switch import NOTFOUND, SUCCESS, TRYAGAIN, UNAVAIL, Answer

if TYPE_CHECKING:
    from ..hostnss import HostQuery

__all__ = ["byaddr", "byname3", "byname4", "reverse_name"]

AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
_MAPPED = b"\0" * 10 + b"\xff\xff"
_COMPAT = b"\0" * 12
#: The buffer CPython gives ``gethostbyname_r`` (16384 bytes, one kept back).
PYTHON_BUFFER = 16383
NETDB_INTERNAL = -1


def _context(query: HostQuery) -> ResContext:
    resolver = query.resolver
    conf, state = resolver.dns_setup()
    return ResContext(conf, state, query.deadline, h_errno_sink=resolver.set_global_h_errno)


def _answer(ctx: ResContext, status: str, value: Any = None, h_errno: int = 0, errno: int = 0,
            lead: str = "") -> Answer:
    records = tuple(ctx.records)
    detail = summarize(records)
    if lead:
        detail = lead + ("; " + detail if detail else "")
    return Answer(status, value, h_errno, errno, detail, records)


def _fatal(ctx: ResContext) -> Answer | None:
    conf = ctx.conf
    if conf.fatal:
        return _answer(ctx, UNAVAIL, h_errno=TRY_AGAIN, lead=f"glibc cannot use this resolver configuration: {conf.fatal}")
    return None


def _failed(ctx: ResContext) -> Answer:
    """nss_dns's answer after ``res_search`` failed: the status from errno, h_errno as left."""
    status = nss_status(ctx)
    errno = 11 if ctx.h_errno == TRY_AGAIN else 0  # EAGAIN
    return _answer(ctx, status, h_errno=ctx.h_errno, errno=errno)


def byname4(query: HostQuery, name: str) -> Generator[Any, Any, Answer]:
    """``_nss_dns_gethostbyname4_r``: the A and AAAA records of ``name`` after search-list expansion."""
    ctx = _context(query)
    raw = encode_raw(name)
    if not res_hnok(raw):
        return _answer(ctx, NOTFOUND, h_errno=HOST_NOT_FOUND,
                       lead=f"{name!r} is not a valid host name: glibc sends no query")
    fatal = _fatal(ctx)
    if fatal is not None:
        return fatal
    if ctx.conf.no_aaaa:
        r = yield from res_search(ctx, raw, T_A)
        if r.n < 0:
            return _failed(ctx)
        got = gaih_getanswer_noaaaa(r.ans1, r.n)
    else:
        r = yield from res_search(ctx, raw, A_AND_AAAA)
        if r.n < 0:
            return _failed(ctx)
        got = gaih_getanswer(r.ans1, r.n, r.ans2, r.resplen2)
    if got.status != SUCCESS:
        return _answer(ctx, got.status, h_errno=got.h_errno)
    hits = [AddressHit(family, packed, 0) for family, packed in got.addresses]
    return _answer(ctx, SUCCESS, (got.canon, hits))


def byname3(query: HostQuery, name: str, family: int, *, check: bool = False) -> Generator[Any, Any, Answer]:
    """``_nss_dns_gethostbyname3_r``: the A (AF_INET) or AAAA (AF_INET6) records of ``name``.

    ``check=True`` is ``gethostbyname2_r``'s entry, which refuses names that
    fail ``res_hnok`` before any query.
    """
    ctx = _context(query)
    raw = encode_raw(name)
    if check and not res_hnok(raw):
        return _answer(ctx, NOTFOUND, h_errno=HOST_NOT_FOUND,
                       lead=f"{name!r} is not a valid host name: glibc sends no query")
    fatal = _fatal(ctx)
    if fatal is not None:
        return fatal
    qtype = T_A if family == AF_INET else T_AAAA
    r = yield from res_search(ctx, raw, qtype)
    if r.n < 0:
        return _failed(ctx)
    assert r.ans1 is not None
    got = getanswer_r(r.ans1[: r.n], qtype)
    if got.status != SUCCESS:
        return _answer(ctx, got.status, h_errno=got.h_errno)
    if query.python_buffer and got.size > PYTHON_BUFFER:
        return _answer(ctx, TRYAGAIN, h_errno=NETDB_INTERNAL, errno=errno_mod.ERANGE,
                       lead=f"the answer takes {got.size} bytes: more than CPython's {PYTHON_BUFFER}-byte buffer")
    addresses = got.addresses
    if qtype == T_A and ctx.conf.sortlist and len(addresses) > 1:
        addresses = _addrsort(addresses, ctx.conf.sortlist)
    texts = tuple(socket.inet_ntop(family, a) for a in addresses)
    h = hostent(got.names[-1], tuple(got.names[:-1]), family, 4 if family == AF_INET else 16, texts)
    return _answer(ctx, SUCCESS, (h, []))


def _addrsort(addresses: list[bytes], sortlist: tuple[tuple[bytes, bytes], ...]) -> list[bytes]:
    """glibc's ``addrsort``: a stable insertion sort by the first matching sortlist entry (at most 48)."""
    def rank(a: bytes) -> int:
        """The index of the first sortlist entry the address falls in."""
        value = int.from_bytes(a, "big")
        for i, (net, mask) in enumerate(sortlist):
            if int.from_bytes(net, "big") == value & int.from_bytes(mask, "big"):
                return i
        return len(sortlist)

    head, tail = addresses[:48], addresses[48:]
    return sorted(head, key=rank) + tail


def reverse_name(packed: bytes) -> tuple[str, int, bytes]:
    """The PTR query name for an address, after glibc's unmapping: (name, family, address)."""
    if len(packed) == 16 and (packed.startswith(_MAPPED) or (packed.startswith(_COMPAT) and packed[12:] != b"\0\0\0\x01")):
        packed = packed[12:]
    if len(packed) == 4:
        return f"{packed[3]}.{packed[2]}.{packed[1]}.{packed[0]}.in-addr.arpa", AF_INET, packed
    nibbles = [f"{b & 0xF:x}.{b >> 4:x}" for b in reversed(packed)]
    return ".".join(nibbles) + ".ip6.arpa", AF_INET6, packed


def byaddr(query: HostQuery, packed: bytes) -> Generator[Any, Any, Answer]:
    """``_nss_dns_gethostbyaddr2_r``: the PTR record of an address (a single ``res_query``)."""
    ctx = _context(query)
    fatal = _fatal(ctx)
    if fatal is not None:
        return fatal
    qname, family, addr = reverse_name(packed)
    ctx.errno = 0
    r = yield from res_query(ctx, qname.encode("ascii"), T_PTR)
    if r.n < 0:
        # nss_dns restores errno before testing it for ECONNREFUSED: never UNAVAIL here.
        return _answer(ctx, NOTFOUND, h_errno=ctx.h_errno)
    assert r.ans1 is not None
    got = getanswer_ptr(r.ans1[: r.n])
    if got.status != SUCCESS or got.name is None:
        return _answer(ctx, got.status, h_errno=got.h_errno)
    h = hostent(got.name, (), family, len(addr), (socket.inet_ntop(family, addr),))
    return _answer(ctx, SUCCESS, (h, "dns"))
