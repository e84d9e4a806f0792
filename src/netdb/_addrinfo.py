"""``netdb.records.addrinfo``, kept apart so that importing ``netdb.records`` does not load socket.

Its annotations name ``socket.AddressFamily`` and ``socket.SocketKind``;
``netdb.records`` imports this module the first time ``addrinfo`` (or
``SockAddr``) is asked for.  The class reports ``netdb.records`` as its module.
"""

import socket
from typing import NamedTuple

__all__ = ["SockAddr", "addrinfo"]

SockAddr = tuple[str, int] | tuple[str, int, int, int]


class addrinfo(NamedTuple):
    """``struct addrinfo``: one result of getaddrinfo.

    Compares equal to the plain 5-tuple that ``socket.getaddrinfo`` returns.
    """

    family: socket.AddressFamily
    type: socket.SocketKind
    proto: int
    canonname: str
    sockaddr: SockAddr

    @property
    def ai_family(self) -> socket.AddressFamily:
        """The address family."""
        return self.family

    @property
    def ai_socktype(self) -> socket.SocketKind:
        """The socket type."""
        return self.type

    @property
    def ai_protocol(self) -> int:
        """The protocol number."""
        return self.proto

    @property
    def ai_canonname(self) -> str:
        """The canonical name (set on the first result only, with AI_CANONNAME)."""
        return self.canonname

    @property
    def ai_addr(self) -> SockAddr:
        """The socket address."""
        return self.sockaddr


addrinfo.__module__ = "netdb.records"  # where users find it (and pickle looks it up)
