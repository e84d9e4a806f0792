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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Imported on first use, so that `lookup serv mysql` loads only what it needs.
_LAZY = {
    "Resolver": "resolver", "ConfigError": "errors", "gaierror": "errors", "herror": "errors",
    "addrinfo": "records", "hostent": "records", "netent": "records", "protoent": "records",
    "rpcent": "records", "servent": "records",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'netdb' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"netdb.{module}"), name)
    globals()[name] = value
    return value


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


def _delegate(name: str, doc: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(default_resolver(), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = doc + "\n\nSee :class:`Resolver` (this function uses the default one)."
    return call


getservbyname = _delegate("getservbyname", "The port of a service, like socket.getservbyname.")
getservbyport = _delegate("getservbyport", "The name of the service on a port, like socket.getservbyport.")
getprotobyname = _delegate("getprotobyname", "The number of a protocol, like socket.getprotobyname.")
getprotobynumber = _delegate("getprotobynumber", "The protocols entry for a number (C getprotobynumber).")
getnetbyname = _delegate("getnetbyname", "The networks entry for a name (C getnetbyname).")
getnetbyaddr = _delegate("getnetbyaddr", "The networks entry for a host-order network number (C getnetbyaddr).")
getrpcbyname = _delegate("getrpcbyname", "The rpc entry for a name (C getrpcbyname).")
getrpcbynumber = _delegate("getrpcbynumber", "The rpc entry for a program number (C getrpcbynumber).")
services = _delegate("services", "Every services entry, in file order.")
protocols = _delegate("protocols", "Every protocols entry, in file order.")
networks = _delegate("networks", "Every networks entry, in file order.")
rpcs = _delegate("rpcs", "Every rpc entry, in file order.")
hosts = _delegate("hosts", "Every hosts-file line as gethostent returns it.")
setservent = _delegate("setservent", "Start (or restart) this thread's enumeration of the services database.")
getservent = _delegate("getservent", "The next entry of this thread's enumeration of the services database.")
endservent = _delegate("endservent", "End this thread's enumeration of the services database.")
setprotoent = _delegate("setprotoent", "Start (or restart) this thread's enumeration of the protocols database.")
getprotoent = _delegate("getprotoent", "The next entry of this thread's enumeration of the protocols database.")
endprotoent = _delegate("endprotoent", "End this thread's enumeration of the protocols database.")
setnetent = _delegate("setnetent", "Start (or restart) this thread's enumeration of the networks database.")
getnetent = _delegate("getnetent", "The next entry of this thread's enumeration of the networks database.")
endnetent = _delegate("endnetent", "End this thread's enumeration of the networks database.")
setrpcent = _delegate("setrpcent", "Start (or restart) this thread's enumeration of the rpc database.")
getrpcent = _delegate("getrpcent", "The next entry of this thread's enumeration of the rpc database.")
endrpcent = _delegate("endrpcent", "End this thread's enumeration of the rpc database.")
sethostent = _delegate("sethostent", "Start (or restart) this thread's enumeration of the hosts database.")
gethostent = _delegate("gethostent", "The next entry of this thread's enumeration of the hosts database.")
endhostent = _delegate("endhostent", "End this thread's enumeration of the hosts database.")
