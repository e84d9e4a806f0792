"""What Python's ``socket`` module does around the C calls (CPython 3.11).

netdb's host functions are drop-ins for the socket module's, so they copy its
layer too: ``str`` hosts are IDNA-encoded before the C library sees them
(``UnicodeError`` for empty or over-long labels), ports may be an exact
``int``, ``str``, ``bytes`` or None (anything else is
``OSError('Int or String expected')``), C strings end at the first NUL,
``gethostbyname`` answers ``''`` and ``'<broadcast>'`` itself, and
``getnameinfo`` first turns its sockaddr into binary with
``getaddrinfo(AI_NUMERICHOST, SOCK_DGRAM)``.  The C-level logic is in
``netdb.gai``, ``netdb.gni`` and ``netdb.hostnss``.
"""

from __future__ import annotations

import errno as errno_mod
import os
import socket
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .drive import run_sync
from .errors import HOST_NOT_FOUND, herror
from .gai import AI_ADDRCONFIG, AI_NUMERICHOST, AI_PASSIVE, GaiAnswer, gai_core
from .hostnss import HostQuery, set_thread_h_errno, thread_h_errno
from .records import hostent
from .switch import SUCCESS, Step

if TYPE_CHECKING:
    from .resolver import Resolver

__all__ = [
    "c_host",
    "getaddrinfo",
    "getaddrinfo_gen",
    "gethostbyaddr",
    "gethostbyaddr_gen",
    "gethostbyname",
    "gethostbyname2",
    "gethostbyname2_gen",
    "gethostbyname_ex",
    "gethostbyname_ex_gen",
    "gethostbyname_gen",
    "getnameinfo",
    "getnameinfo_gen",
    "resolve",
    "resolve_gen",
    "to_tuples",
]

_INT_MAX = 2**31 - 1
_INT_MIN = -(2**31)


def _c_str(raw: bytes) -> str:
    """A C string from Python bytes: cut at the first NUL, bytes kept as surrogates."""
    nul = raw.find(b"\0")
    if nul >= 0:
        raw = raw[:nul]
    return raw.decode("utf-8", "surrogateescape")


def _idna_ok_ascii(host: str) -> bool:
    """True when Python's IDNA codec would pass this ASCII host through unchanged."""
    if len(host) < 64 and "\0" not in host and ".." not in host and host[:1] != ".":
        return True  # (every label is short, and only the last can be empty)
    labels = host.split(".")
    return all(0 < len(label) < 64 for label in labels[:-1]) and len(labels[-1]) < 64 and "\0" not in host


def c_host(host: object, func: str = "getaddrinfo") -> str | None:
    """The host argument as the C library receives it (None, or the IDNA bytes as text)."""
    if host is None:
        return None
    if isinstance(host, str):
        if host.isascii() and _idna_ok_ascii(host):
            return host
        return _c_str(host.encode("idna"))
    if isinstance(host, bytes):
        return _c_str(host)
    raise TypeError(f"{func}() argument 1 must be string or None")


def c_port(port: object) -> str | None:
    """The port argument as the C library receives it (``%ld`` of an exact int)."""
    if type(port) is int:
        if not -(2**63) <= port < 2**63:
            raise OverflowError("Python int too large to convert to C long")
        return str(port)
    if isinstance(port, str):
        return _c_str(port.encode("utf-8"))
    if isinstance(port, bytes):
        return _c_str(port)
    if port is None:
        return None
    raise OSError("Int or String expected")


def c_int(value: object) -> int:
    """An ``"i"`` argument: an integer that fits a C int."""
    if type(value) is int and _INT_MIN <= value <= _INT_MAX:
        return value
    if isinstance(value, float) or not hasattr(value, "__index__"):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    number = value.__index__()
    if number > _INT_MAX:
        raise OverflowError("signed integer is greater than maximum")
    if number < _INT_MIN:
        raise OverflowError("signed integer is less than minimum")
    return int(number)


def _c_uint(value: object) -> int:
    """An ``"I"`` argument: any integer, taken modulo 2**32 (no range check)."""
    if isinstance(value, float) or not hasattr(value, "__index__"):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return int(value.__index__()) & 0xFFFFFFFF


_FAMILIES: dict[int, Any] = {int(f): f for f in socket.AddressFamily}
_KINDS: dict[int, Any] = {int(k): k for k in socket.SocketKind}


def to_tuples(answer: GaiAnswer) -> list[tuple[Any, ...]]:
    """The socket module's 5-tuples for a getaddrinfo answer (the enum members it uses, or plain ints)."""
    out: list[tuple[Any, ...]] = []
    canon = answer.canonname
    name = "" if canon is None else py_str(canon)
    ntop = socket.inet_ntop
    families, kinds = _FAMILIES, _KINDS
    last_packed = b""
    text = ""
    for e in answer.entries:
        if e.packed != last_packed:
            last_packed = e.packed
            text = ntop(socket.AF_INET if len(e.packed) == 4 else socket.AF_INET6, e.packed)
        sockaddr: tuple[Any, ...] = (text, e.port) if e.family == socket.AF_INET else (text, e.port, 0, e.scope_id)
        out.append((families.get(e.family, e.family), kinds.get(e.socktype, e.socktype), e.protocol, name, sockaddr))
        name = ""
    return out


def resolve_gen(
    resolver: Resolver,
    host: object,
    port: object,
    family: object = 0,
    type: object = 0,
    proto: object = 0,
    flags: object = 0,
    *,
    trace: list[Step] | None = None,
    explain: bool = False,
    describe: bool = True,
    deadline: float | None = None,
) -> Generator[Any, Any, GaiAnswer]:
    """getaddrinfo's full answer (order, origins, sort reasons), from socket-module arguments.

    ``describe=False`` leaves the origins empty (what ``getaddrinfo`` needs).
    ``deadline`` (``time.monotonic()``) replaces the call's own deadline, for
    a lookup that is one step of a larger call (``resolve_srv``).
    """
    name = c_host(host)
    service = c_port(port)
    fam, socktype, protocol, flag_bits = c_int(family), c_int(type), c_int(proto), c_int(flags)
    query = HostQuery(resolver, trace, deadline, describe=describe)
    return (yield from gai_core(query, name, service, fam, socktype, protocol, flag_bits, explain=explain))


def getaddrinfo_gen(resolver: Resolver, host: object, port: object, family: object = 0, type: object = 0,
                    proto: object = 0, flags: object = 0) -> Generator[Any, Any, list[tuple[Any, ...]]]:
    """``socket.getaddrinfo``, as a generator of I/O requests."""
    return to_tuples((yield from resolve_gen(resolver, host, port, family, type, proto, flags, describe=False)))


def _setipaddr(resolver: Resolver, name: str, af: int, deadline: float | None) -> Generator[Any, Any, tuple[int, bytes]]:
    """CPython's ``setipaddr``: a name to one address of ``af`` (AF_UNSPEC: any)."""
    if name == "":
        answer = yield from gai_core(HostQuery(resolver, deadline=deadline), None, "0", af, socket.SOCK_DGRAM, 0,
                                     AI_PASSIVE)
        first = answer.entries[0]
        if len(answer.entries) > 1:
            raise OSError("wildcard resolved to multiple address")
        return first.family, first.packed
    if name in ("255.255.255.255", "<broadcast>"):
        if af not in (socket.AF_INET, socket.AF_UNSPEC):
            raise OSError("address family mismatched")
        return socket.AF_INET, b"\xff\xff\xff\xff"
    if af in (socket.AF_UNSPEC, socket.AF_INET):
        try:
            return socket.AF_INET, socket.inet_pton(socket.AF_INET, name)
        except (OSError, ValueError):
            pass
    if af in (socket.AF_UNSPEC, socket.AF_INET6) and "%" not in name:
        try:
            return socket.AF_INET6, socket.inet_pton(socket.AF_INET6, name)
        except (OSError, ValueError):
            pass
    answer = yield from gai_core(HostQuery(resolver, deadline=deadline), name, None, af, 0, 0, 0)
    first = answer.entries[0]
    return first.family, first.packed


def _et_idna(value: object, func: str) -> str:
    """The ``"et"`` argument format with the idna encoding: str is encoded, bytes kept."""
    if isinstance(value, str):
        raw = value.encode("idna")
    elif isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    else:
        raise TypeError(f"{func}() argument 1 must be str, bytes or bytearray, not {type(value).__name__}")
    if b"\0" in raw:
        raise ValueError("embedded null byte")
    return raw.decode("utf-8", "surrogateescape")


def gethostbyname_gen(resolver: Resolver, hostname: object) -> Generator[Any, Any, str]:
    """``socket.gethostbyname``: the first IPv4 address getaddrinfo gives."""
    name = _et_idna(hostname, "gethostbyname")
    _, packed = yield from _setipaddr(resolver, name, socket.AF_INET, resolver.call_deadline())
    return socket.inet_ntoa(packed)


def py_str(text: str) -> str:
    """A C string as Python's socket module returns it: strict UTF-8 (UnicodeDecodeError otherwise)."""
    return text if text.isascii() else text.encode("utf-8", "surrogateescape").decode("utf-8")


def _host_result(res: Any, af: int, strict: bool = True) -> tuple[str, list[str], list[str]]:
    """CPython's ``gethost_common``: the 3-tuple, or ``herror`` with the thread's h_errno.

    ``strict`` decodes names as the socket module does (UnicodeDecodeError for
    bytes that are not UTF-8); otherwise they keep undecodable bytes as
    surrogates.
    """
    if res.status != SUCCESS:
        raise herror(thread_h_errno())
    h: hostent = res.value[0]
    if h.addrtype != af:
        raise OSError(errno_mod.EAFNOSUPPORT, os.strerror(errno_mod.EAFNOSUPPORT))
    if not strict:
        return h.name, list(h.aliases), list(h.addr_list)
    return py_str(h.name), [py_str(a) for a in h.aliases], list(h.addr_list)


def gethostbyname_ex_gen(resolver: Resolver, hostname: object) -> Generator[Any, Any, tuple[str, list[str], list[str]]]:
    """``socket.gethostbyname_ex``: resolve with getaddrinfo first, then ``gethostbyname_r``."""
    name = _et_idna(hostname, "gethostbyname_ex")
    deadline = resolver.call_deadline()
    yield from _setipaddr(resolver, name, socket.AF_INET, deadline)
    query = HostQuery(resolver, deadline=deadline, mode="local", python_buffer=True)
    res = yield from query.gethostbyname2(name, socket.AF_INET)
    return _host_result(res, socket.AF_INET)


def gethostbyname2_gen(resolver: Resolver, hostname: object, family: int) -> Generator[Any, Any, tuple[str, list[str], list[str]]]:
    """C ``gethostbyname2`` in the socket module's shape: ``(name, aliases, addresses)``.

    Unlike the other functions it does not go through getaddrinfo first, so
    numeric names follow gethostbyname's own rules (digits and dots only), and
    a ``str`` name is passed as UTF-8 without Python's IDNA step, as a C
    program passes it.
    """
    if isinstance(hostname, str):
        name = _c_str(hostname.encode("utf-8", "surrogateescape"))  # a C function: no IDNA step
    else:
        name = _et_idna(hostname, "gethostbyname2")
    query = HostQuery(resolver, mode="fresh")
    if family not in (socket.AF_INET, socket.AF_INET6):
        set_thread_h_errno(HOST_NOT_FOUND)
        raise herror(HOST_NOT_FOUND)
    res = yield from query.gethostbyname2(name, family)
    set_thread_h_errno(query.h_errno if res.status == SUCCESS or query.h_errno else res.h_errno)
    return _host_result(res, family, strict=False)


def gethostbyaddr_gen(resolver: Resolver, ip_address: object) -> Generator[Any, Any, tuple[str, list[str], list[str]]]:
    """``socket.gethostbyaddr``: resolve the argument to one address, then ``gethostbyaddr_r``."""
    name = _et_idna(ip_address, "gethostbyaddr")
    deadline = resolver.call_deadline()
    af, packed = yield from _setipaddr(resolver, name, socket.AF_UNSPEC, deadline)
    query = HostQuery(resolver, deadline=deadline, mode="local", python_buffer=True)
    res = yield from query.gethostbyaddr(packed)
    return _host_result(res, af)


def getnameinfo_gen(resolver: Resolver, sockaddr: object, flags: object) -> Generator[Any, Any, tuple[str, str]]:
    """``socket.getnameinfo``."""
    flag_bits = c_int(flags)
    if not isinstance(sockaddr, tuple):
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    if not 2 <= len(sockaddr) <= 4 or not isinstance(sockaddr[0], str):
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    host = sockaddr[0]
    if "\0" in host:
        raise ValueError("embedded null character")
    port = c_int(sockaddr[1])
    flowinfo = _c_uint(sockaddr[2]) if len(sockaddr) > 2 else 0
    scope_id = _c_uint(sockaddr[3]) if len(sockaddr) > 3 else 0
    if flowinfo > 0xFFFFF:
        raise OverflowError("getnameinfo(): flowinfo must be 0-1048575.")
    query = HostQuery(resolver)
    answer = yield from gai_core(query, _c_str(host.encode("utf-8")), str(port), socket.AF_UNSPEC,
                                 socket.SOCK_DGRAM, 0, AI_NUMERICHOST)
    if len(answer.entries) > 1:
        raise OSError("sockaddr resolved to multiple addresses")
    entry = answer.entries[0]
    if entry.family == socket.AF_INET:
        if len(sockaddr) != 2:
            raise OSError("IPv4 sockaddr must be 2 tuple")
    else:
        entry = entry._replace(scope_id=scope_id)
    from .gni import gni_core  # here: getaddrinfo and gethostbyname* do not need netdb.gni

    gni = yield from gni_core(HostQuery(resolver, deadline=query.deadline, mode="local"), entry.packed, entry.port,
                              entry.scope_id, flag_bits)
    return py_str(gni.host), gni.service


# -- the blocking entry points: the generators above, driven by run_sync --------------------------


def resolve(resolver: Resolver, host: object, port: object, family: object = 0, type: object = 0,
            proto: object = 0, flags: object = 0, *, trace: list[Step] | None = None,
            explain: bool = False, describe: bool = True) -> GaiAnswer:
    """getaddrinfo's full answer (order, origins, sort reasons), from socket-module arguments."""
    return run_sync(resolve_gen(resolver, host, port, family, type, proto, flags, trace=trace, explain=explain,
                                describe=describe), resolver.perform_io)


_MEMO_HOSTS = (str, bytes, type(None))
_MEMO_PORTS = (int, str, bytes, type(None))


def _memo_key(call: str, host: object, port: object, *numbers: object) -> tuple[object, ...] | None:
    """The memo key of a host lookup (``numbers``: family, type, proto, flags), or None when it may not be kept.

    The types are part of the key (``80`` and ``80.0`` are equal, but only
    one is a valid port).  Hosts with a ``%scope`` and AI_ADDRCONFIG read the
    interfaces, not files.
    """
    if not isinstance(host, _MEMO_HOSTS) or not isinstance(port, _MEMO_PORTS):
        return None
    if (isinstance(host, str) and "%" in host) or (isinstance(host, bytes) and b"%" in host):
        return None
    for number in numbers:
        if not isinstance(number, int):
            return None
    if len(numbers) == 4 and numbers[3] & AI_ADDRCONFIG:  # type: ignore[operator]
        return None
    return (call, host, port, *numbers, host.__class__, port.__class__)


def getaddrinfo(resolver: Resolver, host: object, port: object, family: object = 0, type: object = 0,
                proto: object = 0, flags: object = 0) -> list[tuple[Any, ...]]:
    """``socket.getaddrinfo`` (answers from files alone are memoized: ``netdb.gaimemo``)."""

    def compute() -> list[tuple[Any, ...]]:
        return run_sync(getaddrinfo_gen(resolver, host, port, family, type, proto, flags), resolver.perform_io)

    key = _memo_key("getaddrinfo", host, port, family, type, proto, flags)
    return compute() if key is None else resolver.answer_memo().call(key, compute, list)


def gethostbyname(resolver: Resolver, hostname: object) -> str:
    """``socket.gethostbyname``: the first IPv4 address getaddrinfo gives (memoized like ``getaddrinfo``)."""

    def compute() -> str:
        return run_sync(gethostbyname_gen(resolver, hostname), resolver.perform_io)

    key = _memo_key("gethostbyname", hostname, None)
    return compute() if key is None else resolver.answer_memo().call(key, compute, str)


def gethostbyname_ex(resolver: Resolver, hostname: object) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyname_ex``: resolve with getaddrinfo first, then ``gethostbyname_r``."""
    return run_sync(gethostbyname_ex_gen(resolver, hostname), resolver.perform_io)


def gethostbyname2(resolver: Resolver, hostname: object, family: int) -> tuple[str, list[str], list[str]]:
    """C ``gethostbyname2`` in the socket module's shape (see ``gethostbyname2_gen``)."""
    return run_sync(gethostbyname2_gen(resolver, hostname, family), resolver.perform_io)


def gethostbyaddr(resolver: Resolver, ip_address: object) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyaddr``: resolve the argument to one address, then ``gethostbyaddr_r``."""
    return run_sync(gethostbyaddr_gen(resolver, ip_address), resolver.perform_io)


def getnameinfo(resolver: Resolver, sockaddr: object, flags: object) -> tuple[str, str]:
    """``socket.getnameinfo``."""
    return run_sync(getnameinfo_gen(resolver, sockaddr, flags), resolver.perform_io)
