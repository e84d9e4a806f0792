"""The ``system`` path: this machine's C library, through Python's socket module.

Used only to compare with netdb's own answers (``lookup --via system``,
``lookup compare``); it is never a source of the switch.  It reads the
machine's real configuration (not a Resolver's ``etc`` directory) and may send
DNS queries to the machine's configured name servers.
"""

from __future__ import annotations

import socket
import time
from typing import Any

from ..gai import AddrTuple, GaiAnswer, GaiEntry

__all__ = ["getaddrinfo", "getnameinfo"]


def getaddrinfo(host: bytes | None, service: str | None, family: int, socktype: int, proto: int,
                flags: int) -> tuple[GaiAnswer, float]:
    """libc's getaddrinfo, shaped as netdb's answer (origin ``libc``), and the seconds it took."""
    started = time.perf_counter()
    results = socket.getaddrinfo(host, service, family, socktype, proto, flags)
    seconds = time.perf_counter() - started
    entries: list[GaiEntry] = []
    addresses: list[AddrTuple] = []
    canon: str | None = None
    for fam, kind, prot, canonname, sockaddr in results:
        if canonname and canon is None:
            canon = canonname
        address, port = str(sockaddr[0]), int(sockaddr[1])
        packed = socket.inet_pton(fam, address)
        scope = int(sockaddr[3]) if len(sockaddr) == 4 else 0
        entries.append(GaiEntry(int(fam), int(kind), prot, packed, port, scope, "libc"))
        at = AddrTuple(int(fam), packed, scope, "libc")
        if not addresses or addresses[-1][:3] != at[:3]:
            addresses.append(at)
    return GaiAnswer(entries, canon, addresses, None), seconds


def getnameinfo(sockaddr: tuple[Any, ...], flags: int) -> tuple[str, str]:
    """libc's getnameinfo."""
    host, service = socket.getnameinfo(sockaddr, flags)
    return host, service
