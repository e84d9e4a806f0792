"""netdb: the C library's name-service layer in pure Python, with glibc's semantics.

The functions here mirror Python's ``socket`` module (same arguments, same
results, same exceptions) and add what it lacks: ``getprotobynumber``,
``getnetbyname``/``getnetbyaddr``, ``getrpcbyname``/``getrpcbynumber``, the
enumerations (``services()``, ``hosts()`` ...) and the C-style
``set*ent``/``get*ent``/``end*ent`` cursors.  They use a default
:class:`Resolver` reading ``/etc`` (or ``$NETDB_ETC``), created on first use;
make your own ``Resolver(etc=...)`` to read another tree.

``netdb.patch(resolver)`` (a context manager) and ``netdb.install()`` /
``netdb.uninstall()`` route the ``socket`` module's own functions through a
Resolver, so that ``urllib``, ``http.client``, asyncio and other clients
resolve through netdb (see :mod:`netdb.socketpatch`); :mod:`netdb.testing`
builds hermetic resolvers for tests, with a pytest plugin.

    >>> import netdb
    >>> netdb.getservbyname("http", "tcp")
    80
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random

    from .deadlines import Deadline, deadline
    from .errors import ConfigError, gaierror, herror
    from .gai import AI_CANONIDN, AI_IDN
    from .gni import NI_IDN
    from .records import addrinfo, hostent, netent, protoent, rpcent, servent
    from .resolver import Resolver
    from .socketpatch import PatchHandle, install, patch, uninstall
    from .srv import SrvError, SrvResult, SrvTarget

__version__ = "0.1.0"

__all__ = [
    "AI_CANONIDN",
    "AI_IDN",
    "NI_IDN",
    "ConfigError",
    "Deadline",
    "PatchHandle",
    "Resolver",
    "SrvError",
    "SrvResult",
    "SrvTarget",
    "addrinfo",
    "deadline",
    "default_resolver",
    "endhostent",
    "endnetent",
    "endprotoent",
    "endrpcent",
    "endservent",
    "gaierror",
    "getaddrinfo",
    "gethostbyaddr",
    "gethostbyname",
    "gethostbyname2",
    "gethostbyname_ex",
    "gethostent",
    "getnameinfo",
    "getnetbyaddr",
    "getnetbyname",
    "getnetent",
    "getprotobyname",
    "getprotobynumber",
    "getprotoent",
    "getrpcbyname",
    "getrpcbynumber",
    "getrpcent",
    "getservbyname",
    "getservbyport",
    "getservent",
    "herror",
    "hostent",
    "hosts",
    "install",
    "netent",
    "networks",
    "patch",
    "protocols",
    "protoent",
    "resolve_srv",
    "rpcent",
    "rpcs",
    "servent",
    "services",
    "set_default_resolver",
    "sethostent",
    "setnetent",
    "setprotoent",
    "setrpcent",
    "setservent",
    "uninstall",
]

# Imported on first use, so that `lookup serv mysql` loads only what it needs.
_LAZY = {
    "Resolver": "resolver", "ConfigError": "errors", "gaierror": "errors", "herror": "errors",
    "addrinfo": "records", "hostent": "records", "netent": "records", "protoent": "records",
    "rpcent": "records", "servent": "records",
    "AI_IDN": "gai", "AI_CANONIDN": "gai", "NI_IDN": "gni",
    "SrvError": "srv", "SrvResult": "srv", "SrvTarget": "srv", "deadline": "deadlines", "Deadline": "deadlines",
    "patch": "socketpatch", "install": "socketpatch", "uninstall": "socketpatch", "PatchHandle": "socketpatch",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'netdb' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"netdb.{module}"), name)
    globals()[name] = value
    return value


# The functions below say ``(_default or default_resolver())``: the call is made only
# until the default exists, which saves a tenth of a service lookup.
_default: Resolver | None = None
_default_lock = threading.Lock()


def default_resolver() -> Resolver:
    """The Resolver behind the module-level functions (created on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                from .resolver import Resolver

                _default = Resolver()
    return _default


def set_default_resolver(resolver: Resolver | None) -> None:
    """Replace the default Resolver (None: create a fresh one on next use)."""
    global _default
    _default = resolver


def getaddrinfo(host: str | bytes | None, port: str | bytes | int | None, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> list[tuple[Any, ...]]:
    """Resolve a host and port like ``socket.getaddrinfo``, with glibc's semantics.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getaddrinfo(host, port, family, type, proto, flags)


def getnameinfo(sockaddr: tuple[Any, ...], flags: int) -> tuple[str, str]:
    """The host and service names of a socket address, like ``socket.getnameinfo``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getnameinfo(sockaddr, flags)


def gethostbyname(hostname: str | bytes) -> str:
    """The first IPv4 address of a host, like ``socket.gethostbyname``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).gethostbyname(hostname)


def gethostbyname_ex(hostname: str | bytes) -> tuple[str, list[str], list[str]]:
    """``(name, aliases, IPv4 addresses)``, like ``socket.gethostbyname_ex``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).gethostbyname_ex(hostname)


def gethostbyname2(hostname: str | bytes, family: int) -> tuple[str, list[str], list[str]]:
    """C ``gethostbyname2`` for AF_INET or AF_INET6, shaped like ``gethostbyname_ex``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).gethostbyname2(hostname, family)


def gethostbyaddr(ip_address: str | bytes) -> tuple[str, list[str], list[str]]:
    """``(name, aliases, addresses)`` for an address, like ``socket.gethostbyaddr``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).gethostbyaddr(ip_address)


def resolve_srv(name: str, *, proto: str | None = None, domain: str | None = None, family: int = 0,
                rng: random.Random | int | None = None, resolver: Resolver | None = None) -> SrvResult:
    """A service's SRV targets in the order RFC 2782 says to try them, each resolved through the switch.

    ``resolve_srv("_xmpp-client._tcp.example.com")`` or
    ``resolve_srv("xmpp-client", domain="example.com")``; see
    :meth:`Resolver.resolve_srv` and :mod:`netdb.srv`.  Raises
    :class:`SrvError`.  Uses ``resolver`` or the default Resolver.
    """
    r = resolver if resolver is not None else default_resolver()
    return r.resolve_srv(name, proto=proto, domain=domain, family=family, rng=rng)


def getservbyname(servicename: str, protocolname: str | None = None) -> int:
    """The port of a service, like ``socket.getservbyname``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getservbyname(servicename, protocolname)


def getservbyport(port: int, protocolname: str | None = None) -> str:
    """The name of the service on a port, like ``socket.getservbyport``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getservbyport(port, protocolname)


def getprotobyname(protocolname: str) -> int:
    """The number of a protocol, like ``socket.getprotobyname``.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getprotobyname(protocolname)


def getprotobynumber(number: int) -> protoent:
    """The protocols entry for a number (C ``getprotobynumber``).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getprotobynumber(number)


def getnetbyname(name: str) -> netent:
    """The networks entry for a name or alias (C ``getnetbyname``).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getnetbyname(name)


def getnetbyaddr(net: int, type: int = 2) -> netent:
    """The networks entry for a host-order network number (C ``getnetbyaddr``).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getnetbyaddr(net, type)


def getrpcbyname(name: str) -> rpcent:
    """The rpc entry for a name or alias (C ``getrpcbyname``).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getrpcbyname(name)


def getrpcbynumber(number: int) -> rpcent:
    """The rpc entry for a program number (C ``getrpcbynumber``).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getrpcbynumber(number)


def services() -> Iterator[servent]:
    """Every services entry, in file order (``getent services``).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).services()


def protocols() -> Iterator[protoent]:
    """Every protocols entry, in file order.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).protocols()


def networks() -> Iterator[netent]:
    """Every networks entry, in file order.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).networks()


def rpcs() -> Iterator[rpcent]:
    """Every rpc entry, in file order.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).rpcs()


def hosts() -> Iterator[hostent]:
    """Every hosts-file line as ``gethostent`` returns it (IPv4 form).

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).hosts()


def setservent(stayopen: bool = False) -> None:
    """Start (or restart) this thread's enumeration of the services database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).setservent(stayopen)


def getservent() -> servent | None:
    """The next services entry of this thread's enumeration, or None at the end.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getservent()


def endservent() -> None:
    """End this thread's enumeration of the services database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).endservent()


def setprotoent(stayopen: bool = False) -> None:
    """Start (or restart) this thread's enumeration of the protocols database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).setprotoent(stayopen)


def getprotoent() -> protoent | None:
    """The next protocols entry of this thread's enumeration, or None at the end.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getprotoent()


def endprotoent() -> None:
    """End this thread's enumeration of the protocols database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).endprotoent()


def setnetent(stayopen: bool = False) -> None:
    """Start (or restart) this thread's enumeration of the networks database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).setnetent(stayopen)


def getnetent() -> netent | None:
    """The next networks entry of this thread's enumeration, or None at the end.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getnetent()


def endnetent() -> None:
    """End this thread's enumeration of the networks database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).endnetent()


def setrpcent(stayopen: bool = False) -> None:
    """Start (or restart) this thread's enumeration of the rpc database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).setrpcent(stayopen)


def getrpcent() -> rpcent | None:
    """The next rpc entry of this thread's enumeration, or None at the end.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).getrpcent()


def endrpcent() -> None:
    """End this thread's enumeration of the rpc database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).endrpcent()


def sethostent(stayopen: bool = False) -> None:
    """Start (or restart) this thread's enumeration of the hosts database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).sethostent(stayopen)


def gethostent() -> hostent | None:
    """The next hosts entry of this thread's enumeration, or None at the end.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).gethostent()


def endhostent() -> None:
    """End this thread's enumeration of the hosts database.

    Uses the default Resolver (see :func:`default_resolver`).
    """
    return (_default or default_resolver()).endhostent()
