"""Records mirroring the C structs of ``<netdb.h>``.

Each record is an immutable named tuple with readable field names (``name``,
``aliases``, ``port`` ...) and the C field names as properties (``s_name``,
``s_aliases``, ``s_port`` ...).  Two deliberate differences from C, both the
socket module's conventions: numbers are in host byte order (``s_port`` is 80,
not ``htons(80)``), and addresses are strings in presentation form
(``"192.0.2.1"``), not packed bytes.

``protoent``, ``netent`` and ``rpcent`` are defined in ``netdb._records_other``
and ``addrinfo`` (with the ``SockAddr`` alias) in ``netdb._addrinfo``, each
module loaded the first time one of its names is asked for: the services and
host lookups need neither (and ``addrinfo`` needs the socket module).
"""

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ._addrinfo import SockAddr as SockAddr
    from ._addrinfo import addrinfo
    from ._records_other import netent, protoent, rpcent

__all__ = ["addrinfo", "hostent", "netent", "protoent", "rpcent", "servent"]


class hostent(NamedTuple):
    """``struct hostent``: a host's official name, aliases and addresses."""

    name: str
    aliases: tuple[str, ...]
    addrtype: int
    length: int
    addr_list: tuple[str, ...]

    @property
    def h_name(self) -> str:
        """The official name."""
        return self.name

    @property
    def h_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def h_addrtype(self) -> int:
        """The address family (AF_INET or AF_INET6)."""
        return self.addrtype

    @property
    def h_length(self) -> int:
        """The length of one address in bytes (4 or 16)."""
        return self.length

    @property
    def h_addr_list(self) -> tuple[str, ...]:
        """The addresses, as strings."""
        return self.addr_list

    @property
    def h_addr(self) -> str | None:
        """The first address (the C macro ``h_addr``), or None."""
        return self.addr_list[0] if self.addr_list else None


class servent(NamedTuple):
    """``struct servent``: one line of /etc/services."""

    name: str
    aliases: tuple[str, ...]
    port: int
    proto: str

    @property
    def s_name(self) -> str:
        """The official service name."""
        return self.name

    @property
    def s_aliases(self) -> tuple[str, ...]:
        """The alias names."""
        return self.aliases

    @property
    def s_port(self) -> int:
        """The port number, in host byte order (0-65535)."""
        return self.port

    @property
    def s_proto(self) -> str:
        """The protocol name ("tcp", "udp", ...; "" when the line has none)."""
        return self.proto


_LAZY = {"protoent": "_records_other", "netent": "_records_other", "rpcent": "_records_other",
         "addrinfo": "_addrinfo", "SockAddr": "_addrinfo"}


def __getattr__(name: str) -> Any:
    # (as netdb.__getattr__: this module stays importable on its own, as the conformance harness uses it)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"netdb.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
