"""The blocking driver: ``perform(request)`` carries out one ``netdb.dns.io`` request.

Handles are plain sockets.  Waits use the socket's timeout (``poll``
underneath) computed from the request's absolute deadline, so a wait never
outlasts it; a deadline already passed still collects a datagram that is
waiting.  ``Resolver.perform_io`` calls this.
"""

from __future__ import annotations

import _socket  # the C class: no Python-level __init__/close per lookup
import socket
import struct
import time
from typing import Any

from . import io

__all__ = ["perform"]

_MAX_DATAGRAM = 65535


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _recv_exact(sock: socket.socket, count: int, deadline: float) -> bytes | None:
    """``count`` bytes from a stream; None on timeout, short on end of stream."""
    buf = bytearray()
    while len(buf) < count:
        left = _remaining(deadline)
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            chunk = sock.recv(count - len(buf))
        except TimeoutError:
            return None
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def perform(request: Any) -> Any:
    """Carry out one I/O request (see ``netdb.dns.io`` for requests and results)."""
    kind = type(request)
    if kind is io.UdpRecv:
        sock: socket.socket = request.handle
        left = _remaining(request.deadline)
        sock.settimeout(left if left > 0 else 0.0)
        try:
            return sock.recv(_MAX_DATAGRAM)
        except (TimeoutError, BlockingIOError):
            return None
    if kind is io.UdpSend:
        request.handle.send(request.data)
        return None
    if kind is io.UdpOpen:
        return _socket.socket(request.family, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    if kind is io.UdpConnect:
        sock = request.handle
        sock.connect(request.address)
        return sock.getsockname()[1]
    if kind is io.Close:
        request.handle.close()
        return None
    if kind is io.TcpOpen:
        return _socket.socket(request.family, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    if kind is io.TcpConnect:
        sock = request.handle
        left = _remaining(request.deadline)
        if left <= 0:
            raise TimeoutError("connect timed out")
        sock.settimeout(left)
        sock.connect(request.address)
        return sock.getsockname()[1]
    if kind is io.TcpSend:
        sock = request.handle
        sock.settimeout(None)
        sock.sendall(request.data)
        return None
    if kind is io.TcpRecv:
        sock = request.handle
        head = _recv_exact(sock, 2, request.deadline)
        if head is None:
            return None
        if len(head) < 2:
            return b""
        (length,) = struct.unpack("!H", head)
        body = _recv_exact(sock, length, request.deadline)
        if body is None:
            return None
        if len(body) < length:
            return b""
        return body
    raise TypeError(f"not an I/O request: {request!r}")
