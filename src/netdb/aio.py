"""The asyncio face of netdb: the same lookups, the same results, without blocking the loop.

Every lookup of the blocking API has an awaitable twin here, with the same
arguments and results and the same errors: ``getaddrinfo``, ``getnameinfo``,
``gethostbyname``, ``gethostbyname_ex``, ``gethostbyname2``,
``gethostbyaddr``, ``resolve`` (``Resolver.resolve``), ``resolve_srv``, and
the files databases ``getservbyname``, ``getservbyport``, ``getprotobyname``,
``getprotobynumber``, ``getnetbyname``, ``getnetbyaddr``, ``getrpcbyname``,
``getrpcbynumber``.  The host lookups drive the very generators the blocking
functions run (``netdb.pysocket.*_gen``, ``netdb.srv.resolve_srv_gen``): the
resolution logic exists once, only the I/O below differs — non-blocking
sockets on the running loop instead of blocking ones.  The files lookups
never wait for anything and simply answer.

* ``resolver=`` picks a ``netdb.Resolver`` (default: ``netdb.default_resolver()``).
* ``timeout=`` (seconds) bounds the whole call, as a ``netdb.deadline`` block
  around it would; the call then fails as the blocking one does at its
  deadline: ``gaierror`` EAI_AGAIN (getaddrinfo, getnameinfo, gethostbyname),
  ``herror`` TRY_AGAIN (gethostbyname_ex, gethostbyaddr), ``SrvError``
  ``timeout``.  Otherwise the deadlines are the blocking calls' (resolv.conf's
  schedule, ``Resolver(timeout=...)``, an enclosing ``netdb.deadline``).
* Cancellation is safe: a cancelled lookup (``task.cancel()``,
  ``asyncio.timeout``) closes its sockets before the ``CancelledError``
  propagates.

To make asyncio itself resolve through netdb (``open_connection``,
``create_connection``, ``create_server`` ... call ``loop.getaddrinfo``):
``install(loop=None, resolver=None)`` / ``uninstall(loop=None)``, the
``installed(...)`` context manager, ``is_installed(loop)``, and
``new_event_loop(resolver=None)`` as a ``loop_factory``::

    with asyncio.Runner(loop_factory=netdb.aio.new_event_loop) as runner:
        runner.run(main())          # every name main() connects to: netdb
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from .deadlines import check_seconds, current_deadline, deadline
from .dns import io

if TYPE_CHECKING:
    import random

    from .gai import GaiAnswer
    from .records import netent, protoent, rpcent
    from .resolver import Resolver
    from .srv import SrvResult

__all__ = [
    "getaddrinfo",
    "gethostbyaddr",
    "gethostbyname",
    "gethostbyname2",
    "gethostbyname_ex",
    "getnameinfo",
    "getnetbyaddr",
    "getnetbyname",
    "getprotobyname",
    "getprotobynumber",
    "getrpcbyname",
    "getrpcbynumber",
    "getservbyname",
    "getservbyport",
    "install",
    "installed",
    "is_installed",
    "new_event_loop",
    "resolve",
    "resolve_srv",
    "run",
    "uninstall",
]

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


# -- driving one call: the resolver, the deadline ----------------------------------------------


async def _drive(make: Callable[[], Generator[Any, Any, T]], timeout: float | None) -> T:
    """Create the call's generator and run it, inside a ``netdb.deadline`` block when ``timeout`` is given."""
    if timeout is None:
        return await run(make())
    with deadline(check_seconds(timeout, "timeout")):
        return await run(make())


def _no_wait(timeout: float | None) -> None:
    """A files-only lookup never waits; its ``timeout`` is still checked like the others'."""
    if timeout is not None:
        check_seconds(timeout, "timeout")


# -- hosts: getaddrinfo, getnameinfo, gethostby* (may need DNS) ----------------------------------


async def getaddrinfo(host: str | bytes | None, port: str | bytes | int | None, family: int = 0, type: int = 0,
                      proto: int = 0, flags: int = 0, *, resolver: Resolver | None = None,
                      timeout: float | None = None) -> list[tuple[Any, ...]]:
    """``socket.getaddrinfo`` with glibc's semantics, awaitable (see ``netdb.getaddrinfo``).

    ``timeout``: at most that many seconds in all, then ``gaierror`` EAI_AGAIN.
    """
    from .pysocket import getaddrinfo_gen

    r = _resolver(resolver)
    if timeout is None and current_deadline() is None and _lane_may_take(host, port, family, type, proto, flags):
        from . import aiolane
        from .pysocket import resolve_gen, to_tuples

        asked = aiolane.ask(asyncio.get_running_loop(), r, host, port, family, type, proto, flags)
        if asked is not None:
            loop_lane, future = asked
            try:
                answer, full_path_deadline = await future
            except asyncio.CancelledError:
                loop_lane.withdraw(future)
                raise
            if answer is None:  # the full path, from the start, within the lane's deadline
                answer = await run(resolve_gen(r, host, port, family, type, proto, flags, describe=False,
                                               deadline=full_path_deadline))
            return to_tuples(answer)
    return await _drive(lambda: getaddrinfo_gen(r, host, port, family, type, proto, flags), timeout)


def _lane_may_take(host: object, port: object, family: object, type: object, proto: object, flags: object) -> bool:
    """Whether a getaddrinfo call could take the loop's lane (``netdb.aiolane``): a name and plain hints.

    The lane decides the rest; anything odd (a numeric host, an unhashable
    port, a wrong type) goes straight down the full path, which raises what
    the socket module raises.
    """
    return (isinstance(host, (str, bytes)) and (port is None or isinstance(port, (int, str, bytes)))
            and family == 0 and flags == 0 and isinstance(type, int) and isinstance(proto, int))


async def resolve(host: str | bytes | None, port: str | bytes | int | None = None, family: int = 0, type: int = 0,
                  proto: int = 0, flags: int = 0, *, resolver: Resolver | None = None,
                  timeout: float | None = None) -> GaiAnswer:
    """getaddrinfo's full answer (``Resolver.resolve``: origins, canonical name, order), awaitable."""
    from .pysocket import resolve_gen

    r = _resolver(resolver)
    return await _drive(lambda: resolve_gen(r, host, port, family, type, proto, flags), timeout)


async def getnameinfo(sockaddr: tuple[Any, ...], flags: int, *, resolver: Resolver | None = None,
                      timeout: float | None = None) -> tuple[str, str]:
    """``socket.getnameinfo``, awaitable: the host and service names of a socket address.

    ``timeout``: at most that many seconds in all, then ``gaierror`` EAI_AGAIN.
    """
    from .pysocket import getnameinfo_gen

    r = _resolver(resolver)
    return await _drive(lambda: getnameinfo_gen(r, sockaddr, flags), timeout)


async def gethostbyname(hostname: str | bytes, *, resolver: Resolver | None = None,
                        timeout: float | None = None) -> str:
    """``socket.gethostbyname``, awaitable: the first IPv4 address of a host (EAI_AGAIN at the deadline)."""
    from .pysocket import gethostbyname_gen

    r = _resolver(resolver)
    return await _drive(lambda: gethostbyname_gen(r, hostname), timeout)


async def gethostbyname_ex(hostname: str | bytes, *, resolver: Resolver | None = None,
                           timeout: float | None = None) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyname_ex``, awaitable: ``(name, aliases, IPv4 addresses)``.

    At the deadline it fails as the blocking call does on a DNS timeout.
    """
    from .pysocket import gethostbyname_ex_gen

    r = _resolver(resolver)
    return await _drive(lambda: gethostbyname_ex_gen(r, hostname), timeout)


async def gethostbyname2(hostname: str | bytes, family: int, *, resolver: Resolver | None = None,
                         timeout: float | None = None) -> tuple[str, list[str], list[str]]:
    """C ``gethostbyname2`` (AF_INET or AF_INET6), awaitable, shaped like ``gethostbyname_ex``."""
    from .pysocket import gethostbyname2_gen

    r = _resolver(resolver)
    return await _drive(lambda: gethostbyname2_gen(r, hostname, family), timeout)


async def gethostbyaddr(ip_address: str | bytes, *, resolver: Resolver | None = None,
                        timeout: float | None = None) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyaddr``, awaitable: ``(name, aliases, addresses)`` for an address.

    At the deadline it fails as the blocking call does on a DNS timeout.
    """
    from .pysocket import gethostbyaddr_gen

    r = _resolver(resolver)
    return await _drive(lambda: gethostbyaddr_gen(r, ip_address), timeout)


# -- SRV --------------------------------------------------------------------------------------


async def resolve_srv(name: str, *, proto: str | None = None, domain: str | None = None, family: int = 0,
                      rng: random.Random | int | None = None, resolver: Resolver | None = None,
                      timeout: float | None = None) -> SrvResult:
    """``netdb.resolve_srv``, awaitable: SRV targets in RFC 2782 order, each resolved through the switch.

    ``timeout``: at most that many seconds for the SRV query and every
    target's lookup together; then ``SrvError`` (reason ``timeout``), or, when
    the SRV answer came in time, the targets not yet resolved carry
    ``gaierror`` EAI_AGAIN.
    """
    from .srv import resolve_srv_gen

    r = _resolver(resolver)
    return await _drive(lambda: resolve_srv_gen(r, name, proto=proto, domain=domain, family=family, rng=rng),
                        timeout)


# -- the files databases (never wait, but awaitable like the rest) ---------------------------------


async def getservbyname(servicename: str, protocolname: str | None = None, *, resolver: Resolver | None = None,
                        timeout: float | None = None) -> int:
    """``socket.getservbyname``, awaitable: the port of a service."""
    _no_wait(timeout)
    return _resolver(resolver).getservbyname(servicename, protocolname)


async def getservbyport(port: int, protocolname: str | None = None, *, resolver: Resolver | None = None,
                        timeout: float | None = None) -> str:
    """``socket.getservbyport``, awaitable: the name of the service on a port."""
    _no_wait(timeout)
    return _resolver(resolver).getservbyport(port, protocolname)


async def getprotobyname(protocolname: str, *, resolver: Resolver | None = None,
                         timeout: float | None = None) -> int:
    """``socket.getprotobyname``, awaitable: the number of a protocol."""
    _no_wait(timeout)
    return _resolver(resolver).getprotobyname(protocolname)


async def getprotobynumber(number: int, *, resolver: Resolver | None = None,
                           timeout: float | None = None) -> protoent:
    """C ``getprotobynumber``, awaitable: the protocols entry for a number."""
    _no_wait(timeout)
    return _resolver(resolver).getprotobynumber(number)


async def getnetbyname(name: str, *, resolver: Resolver | None = None, timeout: float | None = None) -> netent:
    """C ``getnetbyname``, awaitable: the networks entry for a name or alias."""
    _no_wait(timeout)
    return _resolver(resolver).getnetbyname(name)


async def getnetbyaddr(net: int, type: int = socket.AF_INET, *, resolver: Resolver | None = None,
                       timeout: float | None = None) -> netent:
    """C ``getnetbyaddr``, awaitable: the networks entry for a host-order network number."""
    _no_wait(timeout)
    return _resolver(resolver).getnetbyaddr(net, type)


async def getrpcbyname(name: str, *, resolver: Resolver | None = None, timeout: float | None = None) -> rpcent:
    """C ``getrpcbyname``, awaitable: the rpc entry for a name or alias."""
    _no_wait(timeout)
    return _resolver(resolver).getrpcbyname(name)


async def getrpcbynumber(number: int, *, resolver: Resolver | None = None, timeout: float | None = None) -> rpcent:
    """C ``getrpcbynumber``, awaitable: the rpc entry for a program number."""
    _no_wait(timeout)
    return _resolver(resolver).getrpcbynumber(number)


# -- making an event loop resolve through netdb -----------------------------------------------------

_MARK = "__netdb_resolver__"
_LOOP_METHODS = ("getaddrinfo", "getnameinfo")


def _target_loop(loop: asyncio.AbstractEventLoop | None) -> asyncio.AbstractEventLoop:
    if loop is not None:
        return loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError("no running event loop: call inside one, or pass loop=") from None


def install(loop: asyncio.AbstractEventLoop | None = None, resolver: Resolver | None = None) -> asyncio.AbstractEventLoop:
    """Make ``loop`` (default: the running loop) resolve through netdb; returns the loop.

    Replaces the loop's ``getaddrinfo`` and ``getnameinfo`` (on that loop
    object only), which asyncio itself calls for ``open_connection``,
    ``create_connection``, ``create_server``, ``create_datagram_endpoint``
    and ``sock_connect``: names then resolve with glibc's semantics from
    ``resolver``'s files and DNS (default: ``netdb.default_resolver()`` at
    each call), without a thread per lookup.  Installing again replaces the
    resolver.  Raises ``TypeError`` for a loop whose methods cannot be
    replaced (a compiled loop such as uvloop's).
    """
    target = _target_loop(loop)

    async def loop_getaddrinfo(host: Any, port: Any, *, family: int = 0, type: int = 0, proto: int = 0,
                               flags: int = 0) -> list[tuple[Any, ...]]:
        """``loop.getaddrinfo`` through netdb."""
        return await getaddrinfo(host, port, family, type, proto, flags, resolver=resolver)

    async def loop_getnameinfo(sockaddr: tuple[Any, ...], flags: int = 0) -> tuple[str, str]:
        """``loop.getnameinfo`` through netdb."""
        return await getnameinfo(sockaddr, flags, resolver=resolver)

    for name, func in (("getaddrinfo", loop_getaddrinfo), ("getnameinfo", loop_getnameinfo)):
        setattr(func, _MARK, resolver)
        try:
            setattr(target, name, func)
        except (AttributeError, TypeError):
            raise TypeError(f"cannot make a {type(target).__name__} resolve through netdb: "
                            "its methods cannot be replaced") from None
    return target


def is_installed(loop: asyncio.AbstractEventLoop | None = None) -> bool:
    """True when ``loop`` (default: the running loop) resolves through netdb (``install``)."""
    target = _target_loop(loop)
    own = vars(target) if hasattr(target, "__dict__") else {}
    return all(hasattr(own.get(name), _MARK) for name in _LOOP_METHODS)


def uninstall(loop: asyncio.AbstractEventLoop | None = None) -> bool:
    """Give ``loop`` (default: the running loop) back its own resolver; False when netdb was not installed."""
    target = _target_loop(loop)
    own = vars(target) if hasattr(target, "__dict__") else {}
    found = False
    for name in _LOOP_METHODS:
        if hasattr(own.get(name), _MARK):
            delattr(target, name)
            found = True
    return found


@contextmanager
def installed(loop: asyncio.AbstractEventLoop | None = None,
              resolver: Resolver | None = None) -> Iterator[asyncio.AbstractEventLoop]:
    """``install`` for the duration of a ``with`` block, then the loop's resolution exactly as it was before."""
    target = _target_loop(loop)
    own = vars(target) if hasattr(target, "__dict__") else {}
    saved = {name: own[name] for name in _LOOP_METHODS if name in own}
    install(target, resolver)
    try:
        yield target
    finally:
        for name in _LOOP_METHODS:
            if name in saved:
                setattr(target, name, saved[name])
            elif name in vars(target):
                delattr(target, name)


def new_event_loop(resolver: Resolver | None = None) -> asyncio.AbstractEventLoop:
    """A new asyncio event loop that resolves through netdb (``install`` on ``asyncio.new_event_loop()``).

    A ``loop_factory`` for ``asyncio.Runner`` (and ``asyncio.run`` from
    Python 3.12)::

        with asyncio.Runner(loop_factory=netdb.aio.new_event_loop) as runner:
            runner.run(main())

    ``functools.partial(netdb.aio.new_event_loop, resolver=r)`` picks a Resolver.
    """
    loop = asyncio.new_event_loop()
    install(loop, resolver)
    return loop
