"""getent's output formats, byte for byte (glibc 2.36 ``nss/getent.c``).

Each function returns one entry's line(s) as bytes, newline included.  Widths
count bytes, as C's ``printf`` does, so names in UTF-8 line up as getent's do.
Names are written as they are in the file, control characters included:
getent does not escape them either (``lookup`` does, outside these commands).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .files._text import encode_raw

if TYPE_CHECKING:
    from .records import hostent, netent, protoent, rpcent, servent

__all__ = [
    "format_ahosts",
    "format_hosts",
    "format_networks",
    "format_protocols",
    "format_rpc",
    "format_services",
]


def _aliases(aliases: tuple[str, ...]) -> bytes:
    return b"".join(b" " + encode_raw(a) for a in aliases)


def format_services(s: servent) -> bytes:
    """``%-21s %d/%s`` and `` %s`` per alias."""
    return b"%-21s %d/%s%s\n" % (encode_raw(s.name), s.port, encode_raw(s.proto), _aliases(s.aliases))


def format_protocols(p: protoent) -> bytes:
    """``%-21s %d`` and `` %s`` per alias."""
    return b"%-21s %d%s\n" % (encode_raw(p.name), p.number, _aliases(p.aliases))


def format_networks(n: netent) -> bytes:
    """``%-21s %s`` with inet_ntoa of the network, and `` %s`` per alias."""
    return b"%-21s %s%s\n" % (encode_raw(n.name), n.network.encode(), _aliases(n.aliases))


def format_rpc(r: rpcent) -> bytes:
    """``%-15s %d``, one more space when there are aliases, then `` %s`` per alias."""
    extra = b" " if r.aliases else b""
    return b"%-15s %d%s%s\n" % (encode_raw(r.name), r.number, extra, _aliases(r.aliases))


def format_hosts(h: hostent) -> bytes:
    """One ``%-15s %s`` line per address, each followed by every alias."""
    names = encode_raw(h.name) + _aliases(h.aliases)
    return b"".join(b"%-15s %s\n" % (a.encode(), names) for a in h.addr_list)


# Linux's numbers, written out so that the services formats do not load socket.
_SOCKTYPE_NAMES = {
    1: b"STREAM",  # SOCK_STREAM
    2: b"DGRAM",  # SOCK_DGRAM
    3: b"RAW",  # SOCK_RAW
    5: b"SEQPACKET",  # SOCK_SEQPACKET
    4: b"RDM",  # SOCK_RDM
    6: b"DCCP",  # SOCK_DCCP
    10: b"PACKET",  # SOCK_PACKET
}


def format_ahosts(
    results: Sequence[tuple[int, int, int, str, tuple[Any, ...]]], canonname_text: str | None = None
) -> bytes:
    """getent ahosts: one line per getaddrinfo result.

    The address with its ``%scope`` (if any), padded to 15 columns *less the
    length of the scope text* (what glibc 2.36 prints), a space, the socket
    type padded to 6, a space, and the canonical name on the first line (empty
    on the others).  ``canonname_text`` replaces the first result's canonname
    when given (getent prints the IDN-decoded form).
    """
    out = []
    for i, (_family, socktype, _proto, canonname, sockaddr) in enumerate(results):
        addr = str(sockaddr[0]).encode()
        scope = b"%%%d" % sockaddr[3] if len(sockaddr) == 4 and sockaddr[3] else b""
        kind = _SOCKTYPE_NAMES.get(int(socktype), b"%d" % int(socktype))
        name = canonname if i else (canonname_text if canonname_text is not None else canonname)
        out.append(b"%-*s %-6s %s\n" % (15 - len(scope), addr + scope, kind, encode_raw(str(name or ""))))
    return b"".join(out)
