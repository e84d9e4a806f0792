"""getnameinfo as glibc 2.36 computes it (``inet/getnameinfo.c``).

The host part asks ``gethostbyaddr`` through the switch (unless
NI_NUMERICHOST): a name found is returned (cut at the local domain with
NI_NOFQDN); a temporary failure is EAI_AGAIN *even without NI_NAMEREQD*;
otherwise the numeric form is returned, with ``%scope`` (an interface name for
link-local addresses), or EAI_NONAME with NI_NAMEREQD.  The service part asks
``getservbyport`` for "tcp" (or "udp" with NI_DGRAM) unless NI_NUMERICSERV.
Names longer than the socket module's buffers (1024 and 31 bytes) are
EAI_OVERFLOW.
"""

import contextlib
import os
import socket
from collections.abc import Generator
from typing import Any, NamedTuple

from . import dbapi
from .errors import EAI_AGAIN, EAI_BADFLAGS, EAI_NONAME, EAI_OVERFLOW, TRY_AGAIN, gaierror
from .hostnss import NETDB_INTERNAL, HostQuery
from .records import hostent
from .switch import SUCCESS

__all__ = ["NI_DGRAM", "NI_IDN", "NI_NAMEREQD", "NI_NOFQDN", "NI_NUMERICHOST", "NI_NUMERICSERV", "GniAnswer", "gni_core"]

NI_NUMERICHOST = 1
NI_NUMERICSERV = 2
NI_NOFQDN = 4
NI_NAMEREQD = 8
NI_DGRAM = 16
NI_IDN = 32
_DEPRECATED_NI_IDN = 192
_KNOWN = NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM | NI_IDN | _DEPRECATED_NI_IDN

NI_MAXHOST = 1025  # the buffers Python's socket module passes
NI_MAXSERV = 32


class GniAnswer(NamedTuple):
    """getnameinfo's host and service, and where each came from."""

    host: str
    service: str
    host_origin: str
    service_origin: str


def _is_link_local(packed: bytes) -> bool:
    """IN6_IS_ADDR_LINKLOCAL or IN6_IS_ADDR_MC_LINKLOCAL: the scope prints as an interface name."""
    return (packed[0] == 0xFE and packed[1] & 0xC0 == 0x80) or (packed[0] == 0xFF and packed[1] & 0x0F == 2)


def numeric_host(packed: bytes, scope_id: int) -> str:
    """The numeric form getnameinfo prints: the address and, for IPv6, ``%scope``."""
    if len(packed) == 4:
        return socket.inet_ntop(socket.AF_INET, packed)
    text = socket.inet_ntop(socket.AF_INET6, packed)
    if scope_id:
        scope = str(scope_id)
        if _is_link_local(packed):
            with contextlib.suppress(OSError, OverflowError, ValueError):
                scope = socket.if_indextoname(scope_id)
        text += "%" + scope
    return text


def cut_domain(name: str, domain: str) -> str:
    """NI_NOFQDN: cut ``name`` at the first ``.domain`` (a substring match, as glibc's strstr)."""
    if not domain:
        return name
    at = name.find(domain)
    if at > 0 and name[at - 1] == ".":
        return name[: at - 1]
    return name


def gni_core(
    query: HostQuery, packed: bytes, port: int, scope_id: int, flags: int
) -> Generator[Any, Any, GniAnswer]:
    """getnameinfo for an address already in binary form (port in host order)."""
    if flags & ~_KNOWN:
        raise gaierror(EAI_BADFLAGS)
    host, host_origin = yield from _host(query, packed, scope_id, flags)
    service, service_origin = _service(query, port, flags)
    return GniAnswer(host, service, host_origin, service_origin)


def _host(query: HostQuery, packed: bytes, scope_id: int, flags: int) -> Generator[Any, Any, tuple[str, str]]:
    if not flags & NI_NUMERICHOST:
        res = yield from query.gethostbyaddr(packed)
        if res.status == SUCCESS:
            h: hostent = res.value[0]
            name = h.name
            if flags & NI_NOFQDN:
                name = cut_domain(name, query.resolver.local_domain())
            if flags & NI_IDN:
                from .gai import idna_decode

                name = idna_decode(name)
            if len(name.encode("utf-8", "surrogateescape")) + 1 > NI_MAXHOST:
                raise gaierror(EAI_OVERFLOW)
            return name, _where(query, res.source, res.value)
        if res.h_errno == NETDB_INTERNAL:
            raise OSError(res.errno, os.strerror(res.errno))
        if res.h_errno == TRY_AGAIN:
            raise gaierror(EAI_AGAIN)
    if flags & NI_NAMEREQD:
        raise gaierror(EAI_NONAME)
    return numeric_host(packed, scope_id), "numeric (no name found)" if not flags & NI_NUMERICHOST else "numeric (NI_NUMERICHOST)"


def _where(query: HostQuery, source: str, value: Any) -> str:
    if source == "files":
        return f"{query.hosts_snapshot().path} line {value[1]}"
    return source


def _service(query: HostQuery, port: int, flags: int) -> tuple[str, str]:
    if not flags & NI_NUMERICSERV:
        proto = "udp" if flags & NI_DGRAM else "tcp"
        i, table = dbapi.lookup(query.resolver, "services", lambda t: t.index_by_port(port, proto))
        if i is not None:
            name: str = table.entries[i].name
            if len(name.encode("utf-8", "surrogateescape")) + 1 > NI_MAXSERV:
                raise gaierror(EAI_OVERFLOW)
            return name, f"{table.path} line {table.line_of(i)}"
    text = str(port)
    return text, "numeric"
