"""netdb: the C library's name-service layer in pure Python, with glibc's semantics.

The functions here mirror Python's ``socket`` module (same arguments, same
results, same exceptions) and add what it lacks: ``getprotobynumber``,
``getnetbyname``/``getnetbyaddr``, ``getrpcbyname``/``getrpcbynumber``, the
enumerations (``services()``, ``hosts()`` ...) and the C-style
``set*ent``/``get*ent``/``end*ent`` cursors.  They use a default
:class:`Resolver` reading ``/etc`` (or ``$NETDB_ETC``), created on first use;
make your own ``Resolver(etc=...)`` to read another tree.

    >>> import netdb
    >>> netdb.getservbyname("http", "tcp")
    80
"""

from __future__ import annotations

import threading
from typing import Any

from .errors import ConfigError, gaierror, herror
from .records import addrinfo, hostent, netent, protoent, rpcent, servent
from .resolver import Resolver

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Resolver",
    "addrinfo",
    "default_resolver",
    "endhostent",
    "endnetent",
    "endprotoent",
    "endrpcent",
    "endservent",
    "gaierror",
    "gethostent",
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
    "netent",
    "networks",
    "protocols",
    "protoent",
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
]

_default: Resolver | None = None
_default_lock = threading.Lock()


def default_resolver() -> Resolver:
    """The Resolver behind the module-level functions (created on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Resolver()
    return _default


def set_default_resolver(resolver: Resolver | None) -> None:
    """Replace the default Resolver (None: create a fresh one on next use)."""
    global _default
    _default = resolver


def _delegate(name: str) -> Any:
    method = getattr(Resolver, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(default_resolver(), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = method.__doc__
    call.__wrapped__ = method  # type: ignore[attr-defined]
    return call


getservbyname = _delegate("getservbyname")
getservbyport = _delegate("getservbyport")
getprotobyname = _delegate("getprotobyname")
getprotobynumber = _delegate("getprotobynumber")
getnetbyname = _delegate("getnetbyname")
getnetbyaddr = _delegate("getnetbyaddr")
getrpcbyname = _delegate("getrpcbyname")
getrpcbynumber = _delegate("getrpcbynumber")
services = _delegate("services")
protocols = _delegate("protocols")
networks = _delegate("networks")
rpcs = _delegate("rpcs")
hosts = _delegate("hosts")
setservent = _delegate("setservent")
getservent = _delegate("getservent")
endservent = _delegate("endservent")
setprotoent = _delegate("setprotoent")
getprotoent = _delegate("getprotoent")
endprotoent = _delegate("endprotoent")
setnetent = _delegate("setnetent")
getnetent = _delegate("getnetent")
endnetent = _delegate("endnetent")
setrpcent = _delegate("setrpcent")
getrpcent = _delegate("getrpcent")
endrpcent = _delegate("endrpcent")
sethostent = _delegate("sethostent")
gethostent = _delegate("gethostent")
endhostent = _delegate("endhostent")
