"""The asyncio face of netdb: the same lookups, the same results, without blocking the loop.

``await netdb.aio.getaddrinfo(host, port, family, type, proto, flags)`` and
``getnameinfo``, ``gethostbyname``, ``gethostbyname_ex``, ``gethostbyaddr``
take the socket module's arguments and return what the blocking functions
return (``netdb.getaddrinfo`` ...), raising the same errors.  They drive the
very generators the blocking functions run (``netdb.pysocket.*_gen``): the
resolution logic exists once, only the I/O below differs — non-blocking
sockets on the running loop instead of blocking ones.

* ``resolver=`` picks a ``netdb.Resolver`` (default: ``netdb.default_resolver()``).
* Deadlines are the same as the blocking calls' (resolv.conf's schedule, and
  ``Resolver(timeout=...)``); wrap a call in ``asyncio.timeout`` for a tighter one.
* Cancellation is safe: a cancelled lookup closes its sockets before the
  ``CancelledError`` propagates.
* Files-only lookups never touch the loop's I/O machinery (nothing to wait for).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, TypeVar

from .dns import io

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = ["getaddrinfo", "gethostbyaddr", "gethostbyname", "gethostbyname_ex", "getnameinfo", "run"]

T = TypeVar("T")
_MAX_DATAGRAM = 65535


def _resolver(resolver: Resolver | None) -> Resolver:
    if resolver is not None:
        return resolver
    from . import default_resolver

    return default_resolver()


async def run(gen: Generator[Any, Any, T]) -> T:
    """Drive a resolution generator on the running loop (the async ``netdb.drive.run_sync``).

    An exception of a request is thrown into the generator (the core handles
    ``OSError``); cancellation is thrown in too, so the core closes its
    sockets, and then propagates.
    """
    loop = asyncio.get_running_loop()
    try:
        request = next(gen)
    except StopIteration as done:
        result: T = done.value
        return result
    while True:
        try:
            reply = await _perform(loop, request)
        except BaseException as exc:
            try:
                request = gen.throw(exc)
            except StopIteration as done:
                result = done.value
                return result
        else:
            try:
                request = gen.send(reply)
            except StopIteration as done:
                result = done.value
                return result


def _delay(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


async def _recv_datagram(loop: asyncio.AbstractEventLoop, sock: socket.socket, deadline: float) -> bytes | None:
    try:
        return sock.recv(_MAX_DATAGRAM)
    except BlockingIOError:
        pass
    if _delay(deadline) <= 0:
        return None
    fut: asyncio.Future[bytes | None] = loop.create_future()
    fd = sock.fileno()

    def readable() -> None:
        """The socket is readable: take one datagram (or its error)."""
        if fut.done():
            return
        try:
            data = sock.recv(_MAX_DATAGRAM)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(data)

    def expire() -> None:
        """The deadline passed: no datagram."""
        if not fut.done():
            fut.set_result(None)

    loop.add_reader(fd, readable)
    timer = loop.call_later(_delay(deadline), expire)
    try:
        return await fut
    finally:
        timer.cancel()
        loop.remove_reader(fd)


async def _recv_exact(loop: asyncio.AbstractEventLoop, sock: socket.socket, count: int) -> bytes:
    buf = bytearray()
    while len(buf) < count:
        chunk = await loop.sock_recv(sock, count - len(buf))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


async def _recv_message(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    head = await _recv_exact(loop, sock, 2)
    if len(head) < 2:
        return b""
    (length,) = struct.unpack("!H", head)
    body = await _recv_exact(loop, sock, length)
    return body if len(body) == length else b""


async def _perform(loop: asyncio.AbstractEventLoop, request: Any) -> Any:
    kind = type(request)
    if kind is io.UdpRecv:
        return await _recv_datagram(loop, request.handle, request.deadline)
    if kind is io.UdpSend:
        sock: socket.socket = request.handle
        try:
            sock.send(request.data)
        except BlockingIOError:
            await loop.sock_sendall(sock, request.data)
        return None
    if kind is io.UdpOpen:
        sock = socket.socket(request.family, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        sock.setblocking(False)
        return sock
    if kind is io.UdpConnect:
        sock = request.handle
        sock.connect(request.address)
        return sock.getsockname()[1]
    if kind is io.Close:
        request.handle.close()
        return None
    if kind is io.TcpOpen:
        sock = socket.socket(request.family, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        sock.setblocking(False)
        return sock
    if kind is io.TcpConnect:
        sock = request.handle
        await asyncio.wait_for(loop.sock_connect(sock, request.address), _delay(request.deadline))
        return sock.getsockname()[1]
    if kind is io.TcpSend:
        await loop.sock_sendall(request.handle, request.data)
        return None
    if kind is io.TcpRecv:
        try:
            return await asyncio.wait_for(_recv_message(loop, request.handle), _delay(request.deadline))
        except TimeoutError:
            return None
    raise TypeError(f"not an I/O request: {request!r}")


async def getaddrinfo(host: str | bytes | None, port: str | bytes | int | None, family: int = 0, type: int = 0,
                      proto: int = 0, flags: int = 0, *, resolver: Resolver | None = None) -> list[tuple[Any, ...]]:
    """``socket.getaddrinfo`` with glibc's semantics, awaitable (see ``netdb.getaddrinfo``)."""
    from .pysocket import getaddrinfo_gen

    return await run(getaddrinfo_gen(_resolver(resolver), host, port, family, type, proto, flags))


async def getnameinfo(sockaddr: tuple[Any, ...], flags: int, *, resolver: Resolver | None = None) -> tuple[str, str]:
    """``socket.getnameinfo``, awaitable: the host and service names of a socket address."""
    from .pysocket import getnameinfo_gen

    return await run(getnameinfo_gen(_resolver(resolver), sockaddr, flags))


async def gethostbyname(hostname: str | bytes, *, resolver: Resolver | None = None) -> str:
    """``socket.gethostbyname``, awaitable: the first IPv4 address of a host."""
    from .pysocket import gethostbyname_gen

    return await run(gethostbyname_gen(_resolver(resolver), hostname))


async def gethostbyname_ex(hostname: str | bytes, *, resolver: Resolver | None = None) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyname_ex``, awaitable: ``(name, aliases, IPv4 addresses)``."""
    from .pysocket import gethostbyname_ex_gen

    return await run(gethostbyname_ex_gen(_resolver(resolver), hostname))


async def gethostbyaddr(ip_address: str | bytes, *, resolver: Resolver | None = None) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyaddr``, awaitable: ``(name, aliases, addresses)`` for an address."""
    from .pysocket import gethostbyaddr_gen

    return await run(gethostbyaddr_gen(_resolver(resolver), ip_address))
