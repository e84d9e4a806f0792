"""getaddrinfo as glibc 2.36 computes it (``sysdeps/posix/getaddrinfo.c``).

The steps, in glibc's order:

1. ``"*"`` means no host / no service; both absent is EAI_NONAME; unknown
   flag bits, AI_CANONNAME without a host, and families other than
   AF_UNSPEC/AF_INET/AF_INET6 are rejected.
2. AI_ADDRCONFIG narrows AF_UNSPEC to the one configured family, or fails at
   once (EAI_NONAME) when the requested family is not configured.
3. The service: numeric when ``strtoul`` consumes it all (kept modulo 65536),
   else a name looked up per protocol; the socket type and protocol hints
   choose the (socktype, protocol) pairs ("servtuples").
4. The host: none (loopback or wildcard), numeric (``inet_aton`` forms, IPv6
   with ``%scope``), then — for AF_INET without AI_CANONNAME — the old
   ``gethostbyname2`` path, else the switch (``gethostbyname4`` for AF_UNSPEC,
   ``gethostbyname3`` per family, with v4-mapping for AI_V4MAPPED).
5. One result per address and servtuple, the canonical name on the first;
   more than one address is sorted by RFC 3484/6724 rules (``netdb.addrsort``).

``gai_core`` is a generator (it may need DNS); it returns a ``GaiAnswer`` or
raises ``gaierror`` (or ``OSError`` for EAI_SYSTEM, as Python does).
"""

import errno as errno_mod
import os
import socket
from collections.abc import Generator
from typing import Any, NamedTuple

from . import dbapi, inet
from .errors import (
    EAI_ADDRFAMILY,
    EAI_AGAIN,
    EAI_BADFLAGS,
    EAI_FAMILY,
    EAI_NODATA,
    EAI_NONAME,
    EAI_SERVICE,
    EAI_SOCKTYPE,
    NO_DATA,
    TRY_AGAIN,
    gaierror,
)
from .files._text import c_int, strtoul
from .hostnss import NETDB_INTERNAL, HostQuery
from .switch import SUCCESS, TRYAGAIN, UNAVAIL, Answer, walk

__all__ = [
    "AI_ADDRCONFIG",
    "AI_ALL",
    "AI_CANONIDN",
    "AI_CANONNAME",
    "AI_IDN",
    "AI_NUMERICHOST",
    "AI_NUMERICSERV",
    "AI_PASSIVE",
    "AI_V4MAPPED",
    "AddrTuple",
    "Found",
    "GaiAnswer",
    "GaiEntry",
    "finish_answer",
    "gai_core",
]

AI_PASSIVE = 0x1
AI_CANONNAME = 0x2
AI_NUMERICHOST = 0x4
AI_V4MAPPED = 0x8
AI_ALL = 0x10
AI_ADDRCONFIG = 0x20
AI_IDN = 0x40
AI_CANONIDN = 0x80
_DEPRECATED_IDN = 0x300
AI_NUMERICSERV = 0x400
_KNOWN_FLAGS = (
    AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_ADDRCONFIG | AI_V4MAPPED
    | AI_IDN | AI_CANONIDN | _DEPRECATED_IDN | AI_NUMERICSERV | AI_ALL
)

AF_UNSPEC = socket.AF_UNSPEC
AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
SOCK_STREAM = int(socket.SOCK_STREAM)
SOCK_DGRAM = int(socket.SOCK_DGRAM)
SOCK_RAW = int(socket.SOCK_RAW)
SOCK_SEQPACKET = int(socket.SOCK_SEQPACKET)
SOCK_DCCP = 6

_NOSERVICE = 1
_V4MAPPED = b"\0" * 10 + b"\xff\xff"
_PROTOANY = 2


class _TypeProto(NamedTuple):
    socktype: int
    protocol: int
    protoflag: int
    default: bool
    name: str


# glibc's gaih_inet_typeproto table, in its order.
TYPEPROTO = (
    _TypeProto(SOCK_STREAM, 6, 0, True, "tcp"),
    _TypeProto(SOCK_DGRAM, 17, 0, True, "udp"),
    _TypeProto(SOCK_DCCP, 33, 0, False, "dccp"),
    _TypeProto(SOCK_DGRAM, 136, 0, False, "udplite"),
    _TypeProto(SOCK_STREAM, 132, 0, False, "sctp"),
    _TypeProto(SOCK_SEQPACKET, 132, 0, False, "sctp"),
    _TypeProto(SOCK_RAW, 0, _PROTOANY | _NOSERVICE, True, "raw"),
)


class ServTuple(NamedTuple):
    """One (socket type, protocol, port) the results are built from."""

    socktype: int
    protocol: int
    port: int
    origin: str  # where the port came from, for --explain


class AddrTuple(NamedTuple):
    """One address found for the host, with where it came from."""

    family: int
    packed: bytes
    scope_id: int
    origin: str


class GaiEntry(NamedTuple):
    """One getaddrinfo result before it becomes the socket module's 5-tuple."""

    family: int
    socktype: int
    protocol: int
    packed: bytes
    port: int
    scope_id: int
    origin: str


#: ``tuple.__new__``: makes a NamedTuple from a tuple of its fields without the Python-level
#: ``__new__`` NamedTuple gives a class (a third of the cost, on the paths bulk resolution runs).
new_tuple = tuple.__new__


class GaiAnswer(NamedTuple):
    """getaddrinfo's results in final order, the canonical name, and how they were ordered."""

    entries: list[GaiEntry]
    canonname: str | None
    addresses: list[AddrTuple]  # in final order, one per address
    sort_reasons: list[str] | None


class Found:
    """glibc's ``struct gaih_result``: addresses found so far and the canonical name."""

    __slots__ = ("at", "canon", "got_ipv6")

    def __init__(self) -> None:
        self.at: list[AddrTuple] = []
        self.canon: str | None = None
        self.got_ipv6 = False


# -- step 3: the service --------------------------------------------------------


def parse_service(service: str | None, flags: int) -> int | None:
    """``gaih_service.num``: the port number, -1 for a name, None for no service."""
    if not service:
        return None
    if service.isdigit() and service.isascii():
        return c_int(int(service) & 0xFFFFFFFF) if len(service) < 20 else parse_service_slow(service)
    return parse_service_slow(service, flags)


def parse_service_slow(service: str, flags: int = 0) -> int | None:
    """``parse_service`` for strings that are not plain digits (``strtoul`` semantics)."""
    value, end, _ = strtoul(service, 10)
    if end == 0 or end != len(service):
        if flags & AI_NUMERICSERV:
            raise gaierror(EAI_NONAME)
        return -1
    return c_int(value)


def get_servtuples(query: HostQuery, service: str | None, num: int | None, socktype: int, protocol: int) -> list[ServTuple]:
    """glibc's ``get_servtuples``: the (socktype, protocol, port) triples to return."""
    chosen: _TypeProto | None = None
    if protocol or socktype:
        for tp in TYPEPROTO:
            if socktype and socktype != tp.socktype:
                continue
            if protocol and not (tp.protoflag & _PROTOANY) and protocol != tp.protocol:
                continue
            chosen = tp
            break
        if chosen is None:
            raise gaierror(EAI_SOCKTYPE if socktype else EAI_SERVICE)
    if num is not None and chosen is not None and chosen.protoflag & _NOSERVICE:
        raise gaierror(EAI_SERVICE)
    if num is None or num >= 0:
        port = (num or 0) & 0xFFFF
        origin = "no service" if num is None else "numeric service"
        if chosen is not None:
            proto = protocol if chosen.protoflag & _PROTOANY else chosen.protocol
            return [ServTuple(chosen.socktype, proto, port, origin)]
        return [ServTuple(tp.socktype, tp.protocol, port, origin) for tp in TYPEPROTO if tp.default]
    assert service is not None
    services = dbapi.DbQuery(query.resolver, "services")
    if chosen is not None:
        st = _serv_by_name(services, service, chosen, protocol)
        if st is None:
            raise gaierror(EAI_SERVICE)
        return [st]
    out = []
    for tp in TYPEPROTO:
        if tp.protoflag & _NOSERVICE:
            continue
        st = _serv_by_name(services, service, tp, protocol)
        if st is not None:
            out.append(st)
    if not out:
        raise gaierror(EAI_SERVICE)
    return out


def _serv_by_name(services: dbapi.DbQuery, service: str, tp: _TypeProto, protocol: int) -> ServTuple | None:
    i, table = services.find(lambda t: t.index_by_name(service, tp.name))
    if i is None:
        return None
    proto = protocol if tp.protoflag & _PROTOANY else tp.protocol
    return ServTuple(tp.socktype, proto, table.entries[i].port, f"{table.path} line {table.line_of(i)}")


# -- step 4: the host -------------------------------------------------------------


def local_addresses(family: int, flags: int) -> list[AddrTuple]:
    """No host: the loopback addresses, or the wildcard ones with AI_PASSIVE (IPv6 first)."""
    passive = bool(flags & AI_PASSIVE)
    what = "wildcard (AI_PASSIVE, no host)" if passive else "loopback (no host)"
    out = []
    if family in (AF_UNSPEC, AF_INET6):
        out.append(AddrTuple(AF_INET6, bytes(16) if passive else bytes(15) + b"\x01", 0, what))
    if family in (AF_UNSPEC, AF_INET):
        out.append(AddrTuple(AF_INET, bytes(4) if passive else b"\x7f\0\0\x01", 0, what))
    return out


def text_to_binary(name: str, family: int, flags: int, found: Found) -> bool:
    """Numeric hosts: ``inet_aton`` forms, then IPv6 with an optional ``%scope``.

    Returns True when the name was numeric (``found`` filled in); raises
    EAI_ADDRFAMILY / EAI_NONAME as glibc does; False means "not numeric".
    """
    packed4 = inet.inet_aton_exact(name)
    if packed4 is not None:
        if family in (AF_UNSPEC, AF_INET):
            at = AddrTuple(AF_INET, packed4, 0, "numeric address")
        elif family == AF_INET6 and flags & AI_V4MAPPED:
            at = AddrTuple(AF_INET6, b"\0" * 10 + b"\xff\xff" + packed4, 0, "numeric address, v4-mapped (AI_V4MAPPED)")
        else:
            raise gaierror(EAI_ADDRFAMILY)
        found.at.append(at)
        if flags & AI_CANONNAME:
            found.canon = name
        return True
    addr, sep, scope = name.partition("%")
    packed6 = inet.inet_pton6(addr)
    if packed6 is None:
        if flags & AI_NUMERICHOST:
            raise gaierror(EAI_NONAME)
        return False
    if family in (AF_UNSPEC, AF_INET6):
        fam, packed = AF_INET6, packed6
    elif family == AF_INET and packed6.startswith(b"\0" * 10 + b"\xff\xff"):
        # glibc moves the IPv4 part to the front of the same 16-byte buffer;
        # a scope id is then checked against those bytes.
        fam, packed = AF_INET, packed6[12:]
        packed6 = packed6[12:] + packed6[4:]
    else:
        raise gaierror(EAI_ADDRFAMILY)
    scope_id = 0
    if sep:
        parsed = inet.parse_scope(packed6, scope)
        if parsed is None:
            raise gaierror(EAI_NONAME)
        scope_id = parsed
    found.at.append(AddrTuple(fam, packed, scope_id, "numeric address"))
    if flags & AI_CANONNAME:
        found.canon = name
    return True


def _map4(packed: bytes) -> bytes:
    return b"\0" * 10 + b"\xff\xff" + packed


def try_simple_gethostbyname(query: HostQuery, name: str, found: Found) -> Generator[Any, Any, None]:
    """AF_INET without AI_CANONNAME: glibc asks ``gethostbyname2_r(name, AF_INET)``."""
    res = yield from query.gethostbyname2(name, AF_INET)
    if res.status == SUCCESS:
        h, _lines = res.value
        origin = _origin(res.source, query)
        for a in h.addr_list:
            found.at.append(AddrTuple(AF_INET, socket.inet_aton(a), 0, origin))
        return
    if res.status == "NOTFOUND":
        raise gaierror(EAI_NODATA if res.h_errno == NO_DATA else EAI_NONAME)
    if res.h_errno == NETDB_INTERNAL:
        raise OSError(res.errno, os.strerror(res.errno))
    raise gaierror(EAI_AGAIN if res.h_errno == TRY_AGAIN else EAI_NODATA)


def _origin(source: str, query: HostQuery) -> str:
    if not query.describe:
        return ""
    if source == "files":
        path: str = query.hosts_snapshot().path
        return path
    return source or "?"


def get_nss_addresses(query: HostQuery, name: str, family: int, flags: int, found: Found) -> Generator[Any, Any, None]:
    """glibc's ``get_nss_addresses``: walk the hosts switch for the name.

    Each source is asked ``gethostbyname4`` (AF_UNSPEC) or ``gethostbyname3``
    per family (IPv6, then IPv4 when AF_INET, AF_UNSPEC or AI_V4MAPPED needs
    it).  The last source consulted decides the error: EAI_NODATA when it
    answered "no data", EAI_AGAIN when every query failed temporarily, and
    EAI_SYSTEM (``OSError``) for internal failures such as a module glibc
    cannot load.  glibc 2.36 treats ``merge`` like ``return`` for hosts.
    """
    if query.switch_error is not None:
        # glibc consults no source and decides from the thread's h_errno as earlier calls left it:
        # EAI_SYSTEM after a NETDB_INTERNAL failure (an AF_INET lookup sets it), else EAI_NONAME.
        if query.h_errno == NETDB_INTERNAL:
            err = query.switch_errno
            raise OSError(err, os.strerror(err))
        return
    state = {"no_data": 0, "no_inet6_data": 0, "h_errno": 0, "errno": 0}

    def ask(source: str) -> Generator[Any, Any, Answer]:
        found.at, found.canon, found.got_ipv6 = [], None, False
        state["no_data"] = 0
        usable = query.resolver.host_sources
        if family == AF_UNSPEC and source in usable:
            ans = yield from query.ask_byname4(source, name)
            status = ans.status
            state["h_errno"], state["errno"] = ans.h_errno, ans.errno
            if status == SUCCESS:
                canon, hits = ans.value
                if flags & AI_CANONNAME:
                    found.canon = canon
                origin = _origin(source, query)
                for hit in hits:
                    found.at.append(AddrTuple(hit.family, hit.packed, hit.scope_id,
                                              f"{origin} line {hit.lineno}" if origin and hit.lineno else origin))
            else:
                state["no_data"] = EAI_AGAIN if ans.h_errno == TRY_AGAIN else int(ans.h_errno == NO_DATA)
            state["no_inet6_data"] = state["no_data"]
            return Answer(status, list(found.at), ans.h_errno, ans.errno, ans.detail, ans.records)
        if source not in usable:
            state["h_errno"], state["errno"] = NETDB_INTERNAL, errno_mod.EBUSY
            return query.unloadable(source)
        status = inet6_status = UNAVAIL
        details = []
        records: list[Any] = []
        if family in (AF_INET6, AF_UNSPEC):
            status, no_data, d = yield from _gethosts(query, source, name, AF_INET6, family, found, state, records,
                                                      check=not flags & AI_CANONNAME)
            state["no_data"] = state["no_inet6_data"] = no_data
            inet6_status = status
            details.append(d)
        if family in (AF_INET, AF_UNSPEC) or (family == AF_INET6 and flags & AI_V4MAPPED and (flags & AI_ALL or not found.got_ipv6)):
            status, no_data, d = yield from _gethosts(query, source, name, AF_INET, family, found, state, records,
                                                      check=not flags & AI_CANONNAME)
            state["no_data"] = no_data
            if family == AF_INET:
                state["no_inet6_data"], inet6_status = no_data, status
            details.append(d)
        if inet6_status == SUCCESS or status == SUCCESS:
            if flags & AI_CANONNAME and found.canon is None:
                found.canon = name
            status = SUCCESS
        elif inet6_status == TRYAGAIN:
            status = TRYAGAIN
        elif status == UNAVAIL and inet6_status != UNAVAIL:
            status = inet6_status
        return Answer(status, list(found.at), state["h_errno"], state["errno"], "; ".join(d for d in details if d),
                      tuple(records))

    answer, _action = yield from walk(query.sources, ask, query.trace)
    if answer is None:
        return
    if answer.status in (TRYAGAIN, UNAVAIL) and state["h_errno"] == NETDB_INTERNAL:
        raise OSError(state["errno"], os.strerror(state["errno"]))
    if state["no_data"] and state["no_inet6_data"]:
        both_again = state["no_data"] == EAI_AGAIN and state["no_inet6_data"] == EAI_AGAIN
        raise gaierror(EAI_AGAIN if both_again else EAI_NODATA)




def _gethosts(
    query: HostQuery, source: str, name: str, lookup_family: int, req_family: int, found: Found, state: dict[str, int],
    records: list[Any] | None = None, *, check: bool = False,
) -> Generator[Any, Any, tuple[str, int, str]]:
    """glibc's ``gethosts``: one ``gethostbyname3_r`` call, its addresses appended.

    glibc asks ``gethostbyname3_r`` only with AI_CANONNAME and
    ``gethostbyname2_r`` otherwise (``check``: nss_dns then refuses names
    that fail ``res_hnok`` without a query).  Returns the status, the "no
    data" code and the detail for the trace (the source's structured records
    are appended to ``records``).
    """
    ans = yield from query.ask_byname3(source, name, lookup_family, check=check)
    if records is not None:
        records.extend(ans.records)
    state["h_errno"], state["errno"] = ans.h_errno, ans.errno
    no_data = 0
    if ans.status in ("NOTFOUND", TRYAGAIN, UNAVAIL):
        if ans.h_errno == NETDB_INTERNAL:
            raise OSError(ans.errno, os.strerror(ans.errno))
        no_data = EAI_AGAIN if ans.h_errno == TRY_AGAIN else int(ans.h_errno == NO_DATA)
    elif ans.status == SUCCESS:
        h, lines = ans.value
        if h.addr_list:
            found.got_ipv6 = lookup_family == AF_INET6
            origin = _origin(source, query)
            for k, a in enumerate(h.addr_list):
                packed = socket.inet_pton(lookup_family, a)
                where = f"{origin} line {lines[k]}" if origin and k < len(lines) else origin
                if lookup_family == AF_INET and req_family == AF_INET6:
                    found.at.append(AddrTuple(AF_INET6, _map4(packed), 0, where + ", v4-mapped"))
                else:
                    found.at.append(AddrTuple(lookup_family, packed, 0, where))
        if found.canon is None:
            found.canon = h.name
    return ans.status, no_data, ans.detail


# -- the whole call -------------------------------------------------------------


def gai_core(
    query: HostQuery,
    name: str | None,
    service: str | None,
    family: int,
    socktype: int,
    protocol: int,
    flags: int,
    *,
    explain: bool = False,
) -> Generator[Any, Any, GaiAnswer]:
    """getaddrinfo on already-converted arguments (C strings as ``str``)."""
    if name == "*":
        name = None
    if service == "*":
        service = None
    if name is None and service is None:
        raise gaierror(EAI_NONAME)
    if flags & ~_KNOWN_FLAGS:
        raise gaierror(EAI_BADFLAGS)
    if flags & AI_CANONNAME and name is None:
        raise gaierror(EAI_BADFLAGS)
    if family not in (AF_UNSPEC, AF_INET, AF_INET6):
        raise gaierror(EAI_FAMILY)
    if flags & AI_ADDRCONFIG:
        has4, has6 = query.resolver.configured_families()
        if family == AF_UNSPEC and (has4 or has6):
            if has4 != has6:
                family = AF_INET if has4 else AF_INET6
        elif (family == AF_INET and not has4) or (family == AF_INET6 and not has6):
            raise gaierror(EAI_NONAME)
    num = parse_service(service, flags)
    servtuples = get_servtuples(query, service, num, socktype, protocol)

    found = Found()
    orig_name = name
    if name is None:
        found.at = local_addresses(family, flags)
    else:
        if flags & AI_IDN:
            name = idna_encode(name)
        if not text_to_binary(name, family, flags, found):
            if family == AF_INET and not flags & AI_CANONNAME:
                yield from try_simple_gethostbyname(query, name, found)
            else:
                yield from get_nss_addresses(query, name, family, flags, found)
            if not found.at:
                raise gaierror(EAI_NONAME)
    return finish_answer(query, found, servtuples, flags, orig_name, explain=explain)


def finish_answer(query: HostQuery, found: Found, servtuples: list[ServTuple], flags: int, orig_name: str | None,
                  *, explain: bool = False, keep_order: bool = True) -> GaiAnswer:
    """The last step of getaddrinfo: one result per address and servtuple, sorted, the canonical name.

    ``found`` holds the addresses the host step produced (at least one
    unless the host was absent), ``orig_name`` the host as the caller gave it.
    ``keep_order=False`` sorts with fresh probes and keeps nothing (see
    :meth:`netdb.resolver.Resolver.sort_entries`).
    """
    canon = found.canon
    if flags & AI_CANONNAME:
        if flags & AI_CANONIDN:
            canon = idna_decode(canon if canon is not None else orig_name or "")
        elif canon is None:
            canon = orig_name

    addresses = found.at
    if found.got_ipv6 and flags & (AI_V4MAPPED | AI_ALL) == AI_V4MAPPED:
        addresses = [at for at in addresses if not (at.family == AF_INET6 and at.packed.startswith(_V4MAPPED))]
    reasons: list[str] | None = None
    if len(servtuples) == 1 and addresses and (len(addresses) == 1 or not explain):
        # one result per address: sort the addresses, then make the results in that order
        if len(addresses) > 1:
            order, _ = query.resolver.sort_entries([at[:3] for at in addresses],  # (family, packed, scope_id)
                                                   keep_order=keep_order)
            if order != list(range(len(order))):
                addresses = [addresses[i] for i in order]
        socktype, protocol, port, _origin = servtuples[0]
        entries = [new_tuple(GaiEntry, (family, socktype, protocol, packed, port, scope_id, origin))
                   for family, packed, scope_id, origin in addresses]
        if len(addresses) > 1:
            addresses = _merge_repeats(addresses)
        return new_tuple(GaiAnswer, (entries, canon if flags & AI_CANONNAME else None, addresses, None))
    entries = [
        GaiEntry(at.family, st.socktype, st.protocol, at.packed, st.port, at.scope_id, at.origin)
        for at in addresses
        for st in servtuples
    ]
    if not entries:
        raise gaierror(EAI_NONAME)
    if len(addresses) > 1:
        # glibc sorts every result (an address's socket types stay together:
        # they compare equal and keep their order).
        order, step_reasons = query.resolver.sort_entries([(e.family, e.packed, e.scope_id) for e in entries], explain,
                                                          keep_order=keep_order)
        entries = [entries[i] for i in order]
        addresses = []
        for k, e in enumerate(entries):
            if k == 0 or (e.family, e.packed, e.scope_id, e.origin) != (entries[k - 1].family, entries[k - 1].packed,
                                                                         entries[k - 1].scope_id, entries[k - 1].origin):
                addresses.append(AddrTuple(e.family, e.packed, e.scope_id, e.origin))
                if step_reasons is not None and k > 0:
                    reasons = [*(reasons or []), step_reasons[k - 1]]
    return GaiAnswer(entries, canon if flags & AI_CANONNAME else None, addresses, reasons)


def _merge_repeats(addresses: list[AddrTuple]) -> list[AddrTuple]:
    """The sorted addresses with consecutive repeats made one (as the general path lists them)."""
    if len(addresses) == 2 and addresses[0] != addresses[1]:
        return addresses
    out = addresses[:1]
    for at in addresses[1:]:
        if at != out[-1]:
            out.append(at)
    return out


def idna_encode(name: str) -> str:
    """AI_IDN: glibc's ``__idna_to_dns_encoding`` (see ``netdb.idn.to_dns``)."""
    from .idn import to_dns

    return to_dns(name)


def idna_decode(name: str) -> str:
    """AI_CANONIDN: the name decoded from Punycode, or unchanged when that fails, as glibc falls back."""
    from .idn import from_dns

    decoded = from_dns(name)
    return name if decoded is None else decoded
