"""The I/O requests the resolver core yields, and what a driver answers.

The core (``netdb.dns.exchange``) never touches a socket itself: it yields
one of these small requests and receives the result (or an ``OSError``
thrown into it).  A *handle* is whatever the driver returned from an
``Open`` request; the core only passes it back.  Deadlines are absolute
``time.monotonic()`` values.

=====================  =====================================================
request                 result
=====================  =====================================================
``UdpOpen(family)``     a handle (a non-blocking UDP socket)
``UdpConnect(h, addr)`` the local port (the socket is connected, so only the
                        server's replies are delivered and ICMP errors arrive)
``UdpSend(h, data)``    ``None``
``UdpRecv(h, when)``    one datagram (``bytes``), or ``None`` when ``when``
                        passed first; ``OSError`` (ECONNREFUSED ...) on error
``TcpOpen(family)``     a handle (a TCP socket)
``TcpConnect(h, addr,   the local port; ``TimeoutError`` when ``when`` passes
when)``
``TcpSend(h, data)``    ``None`` (all of ``data`` written)
``TcpRecv(h, when)``    one length-prefixed message (``bytes``, without the
                        prefix), ``b""`` at end of stream, ``None`` on timeout
``Close(h)``            ``None``
=====================  =====================================================

``syncio.perform`` and ``netdb.aio`` implement all of them.  A handle must
also have a ``close()`` method that releases it at once: the core closes its
handles with ``Close`` requests, and calls ``close()`` directly only for the
handles of a lookup that is abandoned (cancelled, or failed with an
exception), when it can no longer yield.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Close",
    "Request",
    "TcpConnect",
    "TcpOpen",
    "TcpRecv",
    "TcpSend",
    "UdpConnect",
    "UdpOpen",
    "UdpRecv",
    "UdpSend",
]


@dataclass(frozen=True, slots=True)
class UdpOpen:
    """Create a UDP socket of ``family``."""

    family: int


@dataclass(frozen=True, slots=True)
class UdpConnect:
    """Connect the UDP socket ``handle`` to ``address`` (a socket address tuple)."""

    handle: Any
    address: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class UdpSend:
    """Send one datagram on ``handle``."""

    handle: Any
    data: bytes


@dataclass(frozen=True, slots=True)
class UdpRecv:
    """Wait for one datagram on ``handle`` until ``deadline``."""

    handle: Any
    deadline: float


@dataclass(frozen=True, slots=True)
class TcpOpen:
    """Create a TCP socket of ``family``."""

    family: int


@dataclass(frozen=True, slots=True)
class TcpConnect:
    """Connect the TCP socket ``handle`` to ``address``, giving up at ``deadline``."""

    handle: Any
    address: tuple[Any, ...]
    deadline: float


@dataclass(frozen=True, slots=True)
class TcpSend:
    """Write ``data`` (already length-prefixed) to ``handle``."""

    handle: Any
    data: bytes


@dataclass(frozen=True, slots=True)
class TcpRecv:
    """Read one length-prefixed DNS message from ``handle`` until ``deadline``."""

    handle: Any
    deadline: float


@dataclass(frozen=True, slots=True)
class Close:
    """Close ``handle`` (never fails)."""

    handle: Any


Request = UdpOpen | UdpConnect | UdpSend | UdpRecv | TcpOpen | TcpConnect | TcpSend | TcpRecv | Close
"""Any request the core may yield."""
